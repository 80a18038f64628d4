import { InviteListSchema } from '@amtsraum/shared';
import type { Page } from '@playwright/test';
import { expectFrames, inviteLinkInCall, passDeviceCheck, remoteCameraOf, remoteTile } from './call-support';
import { expect, expectAccessibleAlsoAt320, expectNoA11yViolations, mainHeading, test } from './fixtures';
import { STAFF, expectNoBrowserErrors, finishViaApi, newPerson, openDoorAsClerk, tidyDepartment } from './support';

// Three people's fake cameras on two cores.
test.describe.configure({ timeout: 240_000 });

/** Every answer of 400 or more a page got, as "status path": a refused request the page made. */
function refusedRequests(page: Page): string[] {
  const refused: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) refused.push(`${String(response.status())} ${new URL(response.url()).pathname}`);
  });
  return refused;
}

test('an interpreter without a name is called by the role once; removed, their reloaded page says so without a refused join; a citizen who left learns that the call ended', async ({
  browser,
}) => {
  const clerk = await openDoorAsClerk(browser, STAFF.anna, 'buergeramt');
  const citizen = await newPerson(browser, { locale: 'en-GB' });
  const interpreter = await newPerson(browser);
  try {
    // A link made without a label is labelled with the role's name (CreateInviteForm).
    const { visitId, url } = await inviteLinkInCall(clerk, citizen, {
      role: 'interpreter',
      label: 'Dolmetscherin/Dolmetscher',
    });
    const invites = `/api/staff/departments/${clerk.departmentId}/visits/${visitId}/invites`;

    // The interpreter gives no name.
    await interpreter.page.goto(url);
    await interpreter.page.getByRole('button', { name: 'Weiter', exact: true }).click();
    await expect(interpreter.page.getByTestId('device-check')).toBeVisible();

    await Promise.all([citizen.page.goto(`/call/${visitId}`), clerk.page.goto(`/call/${visitId}`)]);
    await Promise.all([
      passDeviceCheck(clerk),
      passDeviceCheck(interpreter),
      (async () => {
        await citizen.page.getByRole('button', { name: 'Join the call' }).click();
        await expect(citizen.page.getByTestId('call')).toBeVisible({ timeout: 20_000 });
      })(),
    ]);

    // Their tile says the role once, in each reader's language ("Dolmetscherin/Dolmetscher
    // Dolmetscherin/Dolmetscher" before, and "Dolmetscherin/Dolmetscher Interpreter" in English).
    const interpreterFor = (page: Page) => remoteTile(page).and(page.locator('[data-role="interpreter"]'));
    await expect(interpreterFor(clerk.page).getByTestId('tile-name')).toHaveText('Dolmetscherin/Dolmetscher', {
      timeout: 20_000,
    });
    await expect(interpreterFor(clerk.page).getByTestId('role')).toHaveCount(0);
    await expect(interpreterFor(citizen.page).getByTestId('tile-name')).toHaveText('Interpreter', { timeout: 20_000 });
    await expect(interpreterFor(citizen.page).getByTestId('role')).toHaveCount(0);
    const own = interpreter.page.locator('[data-testid="tile"][data-self="true"]');
    await expect(own.getByTestId('tile-name')).toHaveText('Dolmetscherin/Dolmetscher (Sie)');
    await expect(own.getByTestId('role')).toHaveCount(0);
    // A named person keeps name and role.
    await expect(remoteTile(interpreter.page).filter({ hasText: 'Jonas Becker' }).getByTestId('role')).toHaveText(
      'Bürgerin/Bürger',
    );
    await expectNoA11yViolations(citizen.page);
    // Their chat messages are signed as their tile is, in each reader's language (the English
    // citizen read "Dolmetscherin/Dolmetscher", the link's label, as if it were a name).
    await interpreter.page.getByRole('textbox', { name: 'Nachricht' }).fill('Ich übersetze.');
    await interpreter.page.getByRole('button', { name: 'Senden' }).click();
    for (const [page, name] of [
      [citizen.page, 'Interpreter'],
      [clerk.page, 'Dolmetscherin/Dolmetscher'],
      [interpreter.page, 'Dolmetscherin/Dolmetscher'],
    ] as const) {
      const message = page.getByRole('log').getByRole('listitem').filter({ hasText: 'Ich übersetze.' });
      await expect(message.locator('.chat__meta')).toHaveText(new RegExp(`^${name}, \\d\\d:\\d\\d$`));
    }

    // The clerk takes the interpreter out; reloaded, their page says so, and asks without being
    // refused (the join's 410 was logged by the browser as a failed load).
    const list = InviteListSchema.parse(await (await clerk.request.get(invites)).json());
    const guestId = list.invites[0]?.guests[0]?.id ?? '';
    const removed = await clerk.request.post(
      `/api/staff/departments/${clerk.departmentId}/invites/guests/${guestId}/remove`,
    );
    expect(removed.status()).toBe(204);
    await expect(interpreter.page.getByTestId('call-removed')).toBeVisible();
    const refused = refusedRequests(interpreter.page);
    await interpreter.page.reload();
    await expect(interpreter.page.getByTestId('call-removed')).toBeVisible();
    await expect(mainHeading(interpreter.page)).toHaveText('Sie wurden aus dem Gespräch entfernt');
    expect(refused).toEqual([]);

    // The citizen leaves, and the clerk then ends the call for everyone: the citizen's page says
    // the call has ended, and offers no rejoin into it (it offered "Join again", refused then).
    await citizen.page.getByRole('button', { name: 'Leave', exact: true }).click();
    await expect(citizen.page.getByTestId('call-left')).toBeVisible();
    await clerk.page.getByRole('button', { name: 'Gespräch für alle beenden' }).click();
    await clerk.page.getByRole('button', { name: 'Ja, für alle beenden' }).click();
    await expect(clerk.page).toHaveURL(new RegExp(`/staff/${clerk.departmentId}$`));
    const ended = citizen.page.getByTestId('call-ended');
    // Asked every 15 s at most.
    await expect(ended).toHaveAttribute('data-role', 'citizen', { timeout: 20_000 });
    await expect(mainHeading(citizen.page)).toHaveText('The call has ended');
    await expect(citizen.page.getByRole('button', { name: 'Join again' })).toHaveCount(0);
    await expect(mainHeading(citizen.page)).toBeFocused();
    await expectNoA11yViolations(citizen.page);
  } finally {
    await tidyDepartment(clerk, clerk.departmentId);
    for (const person of [citizen, interpreter, clerk]) await person.context.close();
  }
  expectNoBrowserErrors(citizen, clerk, interpreter);
});

test('an interpreter and the clerk who left a call, on a phone by keyboard, learn that it was ended from the console, the interpreter in their words, the clerk back at the queue', async ({
  browser,
}) => {
  const clerk = await openDoorAsClerk(browser, STAFF.anna, 'buergeramt');
  const citizen = await newPerson(browser);
  const interpreter = await newPerson(browser);
  try {
    const { visitId, url } = await inviteLinkInCall(
      clerk,
      citizen,
      { role: 'interpreter', label: 'Verdolmetschung Türkçe' },
      { name: 'Ayşe Yılmaz', concern: 'Anmeldung' },
    );
    await interpreter.page.setViewportSize({ width: 320, height: 640 });
    await interpreter.page.goto(url);
    await interpreter.page.getByLabel('Ihr Name (freiwillig)').fill('Elif Demir');
    await interpreter.page.keyboard.press('Enter');
    await expect(interpreter.page.getByTestId('device-check')).toBeVisible();
    await clerk.page.goto(`/call/${visitId}`);
    await Promise.all([passDeviceCheck(clerk), passDeviceCheck(interpreter)]);
    // In the call together before anyone leaves: over LiveKit, a person leaving while the other's
    // connection is still being set up sends that one tracks of somebody already gone, which
    // livekit-client drops with a console error (nothing a person would notice).
    await expectFrames(remoteCameraOf(clerk.page, 'Dolmetscherin/Dolmetscher'), 'the clerk sees the interpreter');
    await expectFrames(remoteCameraOf(interpreter.page, 'Sachbearbeitung'), 'the interpreter sees the clerk');

    // Both leave, by keyboard; the call goes on without them until the clerk ends the visit.
    for (const person of [interpreter, clerk]) {
      await person.page.getByRole('button', { name: 'Verlassen', exact: true }).focus();
      await person.page.keyboard.press('Enter');
      await expect(person.page.getByTestId('call-left')).toBeVisible();
      await expect(mainHeading(person.page)).toBeFocused();
    }
    await expect(interpreter.page.getByRole('button', { name: 'Wieder beitreten' })).toBeVisible();
    await finishViaApi(clerk, clerk.departmentId, visitId);

    // Asked every 15 s at most: the interpreter's goodbye, the clerk's "visit finished".
    await expect(interpreter.page.getByTestId('call-ended')).toHaveAttribute('data-role', 'interpreter', {
      timeout: 20_000,
    });
    await expect(mainHeading(interpreter.page)).toHaveText('Das Gespräch ist beendet');
    await expect(interpreter.page.getByText('Vielen Dank, dass Sie dabei waren.')).toBeVisible();
    await expect(interpreter.page.getByRole('button', { name: 'Wieder beitreten' })).toHaveCount(0);
    await expect(mainHeading(interpreter.page)).toBeFocused();
    await expectAccessibleAlsoAt320(interpreter.page);
    // The clerk is back at the queue they serve, with the focus on the next person, as after
    // ending the call themselves (they got a closing page leading to "Zu Ihren Ämtern").
    await expect(clerk.page).toHaveURL(new RegExp(`/staff/${clerk.departmentId}$`), { timeout: 20_000 });
    await expect(mainHeading(clerk.page)).toHaveText('Bürgeramt');
    await expect(clerk.page.getByRole('button', { name: 'Nächste Person hereinbitten' })).toBeFocused();
  } finally {
    await tidyDepartment(clerk, clerk.departmentId);
    for (const person of [citizen, interpreter, clerk]) await person.context.close();
  }
  expectNoBrowserErrors(citizen, clerk, interpreter);
});

test('a guest whose call ended before they joined reads so after a reload, in English, without a refused join', async ({
  browser,
}) => {
  const clerk = await openDoorAsClerk(browser, STAFF.anna, 'buergeramt');
  const citizen = await newPerson(browser);
  const guest = await newPerson(browser, { locale: 'en-GB' });
  try {
    const { visitId, url } = await inviteLinkInCall(clerk, citizen, { role: 'guest', label: 'Betreuer' });
    await guest.page.goto(url);
    await guest.page.getByRole('button', { name: 'Continue', exact: true }).click();
    await expect(guest.page.getByTestId('device-check')).toBeVisible();

    await finishViaApi(clerk, clerk.departmentId, visitId);
    const refused = refusedRequests(guest.page);
    await guest.page.reload();
    await expect(guest.page.getByTestId('call-forbidden')).toBeVisible();
    await expect(mainHeading(guest.page)).toHaveText('You cannot enter this call');
    expect(refused).toEqual([]);
    await expectNoA11yViolations(guest.page);
  } finally {
    await tidyDepartment(clerk, clerk.departmentId);
    for (const person of [citizen, guest, clerk]) await person.context.close();
  }
  expectNoBrowserErrors(citizen, clerk, guest);
});
