import { SlotsResponseSchema, type BookingRequest } from '@amtsraum/shared';
import type { Browser, Locator } from '@playwright/test';
import { expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';
import {
  ADMINS,
  DEMO_PASSWORD,
  STAFF,
  TENANT,
  admitViaApi,
  getConsole,
  departmentId,
  goOnDuty,
  chunkName,
  expectNoBrowserErrors,
  finishViaApi,
  knockViaApi,
  knockViaForm,
  openDoorAsClerk,
  openWaitingRoom,
  peoplePerTest,
  setDoor,
  signInAsAdmin,
  signInAsStaff,
  TESTHAUSEN_PASSWORD,
  tabTo,
  tidyDepartment,
} from './support';

// Knock to enter (issue 3). Fundbüro and Gewerbeamt only: the call specs use the Bürgeramt.
// Every spec opens the door itself (the opening hours may have it closed) and tidies up after.

const people = peoplePerTest();

async function clerkAt(browser: Browser, email: string, slug: 'fundbuero' | 'gewerbeamt') {
  const clerk = people.add(await openDoorAsClerk(browser, email, slug));
  people.tidyWith(() => tidyDepartment(clerk, clerk.departmentId));
  return clerk;
}

const citizen = (browser: Browser) => people.open(browser);

/**
 * Amelie (Testhausen's admin) invites a clerk with the given offices ("termine", "vor-ort"), who
 * sets a password from the invitation mail and signs in. `setRoles` gives other offices; the
 * tidying (`tidy`, first) runs before the account is deactivated.
 */
async function testhausenClerk(
  browser: Browser,
  name: string,
  offices: ('termine' | 'vorOrt')[],
  tidy: (
    clerk: Awaited<ReturnType<typeof people.open>>,
    ids: { termine: string; vorOrt: string },
    setRoles: (...keys: ('termine' | 'vorOrt')[]) => Promise<void>,
  ) => Promise<void>,
) {
  const amelie = await people.open(browser);
  const amelieMe = await signInAsAdmin(amelie, ADMINS.amelie);
  const termine = amelieMe.staff.departments.find((d) => d.slug === 'termine')!.id;
  const offered = (await (await amelie.request.get('/api/admin/tenants/testhausen/departments')).json()) as {
    departments: { id: string; slug: string }[];
  };
  const ids = { termine, vorOrt: offered.departments.find((d) => d.slug === 'vor-ort')!.id };
  const staffApi = '/api/admin/tenants/testhausen/staff';
  const email = `${name.toLowerCase().replace(' ', '.')}.${String(Date.now())}@testhausen.example`;
  const roles = (...keys: ('termine' | 'vorOrt')[]) =>
    keys.map((key) => ({ departmentId: ids[key], role: 'clerk' as const }));
  const invited = await amelie.request.post(staffApi, {
    data: { name, email, languages: ['de'], isTenantAdmin: false, roles: roles(...offices) },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const staffId = ((await invited.json()) as { staff: { id: string } }).staff.id;
  const setRoles = async (...keys: ('termine' | 'vorOrt')[]) => {
    const changed = await amelie.request.patch(`${staffApi}/${staffId}`, { data: { roles: roles(...keys) } });
    expect(changed.status(), await changed.text()).toBe(200);
  };

  const clerk = await people.open(browser);
  people.tidyWith(async () => {
    await tidy(clerk, ids, setRoles);
    await amelie.request.post(`${staffApi}/${staffId}/deactivate`);
  });
  const mailbox = (await (await clerk.request.get('/api/dev/mailbox')).json()) as {
    messages: { id: string; kind: string; to: string }[];
  };
  const invitation = mailbox.messages.find((m) => m.to === email && m.kind === 'staff.invite')!;
  const { text } = (await (await clerk.request.get(`/api/dev/mailbox/${invitation.id}`)).json()) as { text: string };
  const token = /\/staff\/password#([A-Za-z0-9_-]{43})/.exec(text)![1];
  const password = 'ein langer Satz als Passwort';
  expect((await clerk.request.post('/api/staff/password', { data: { token, password } })).status()).toBe(200);
  await signInAsStaff(clerk, email, password);
  return { clerk, ...ids, setRoles, amelie, staffId };
}

test('a citizen knocks, the clerk sees it live and lets them in, then finishes', async ({ browser }) => {
  const clerk = await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  await expect(mainHeading(clerk.page)).toHaveText('Fundbüro');
  await expect(clerk.page.getByTestId('queue-empty')).toBeVisible();

  const anna = await citizen(browser);
  const visit = await knockViaForm(anna, 'fundbuero', { name: 'Erika Test', concern: 'Schlüssel verloren' });
  await expect(anna.page).toHaveTitle(/^Wartebereich – Fundbüro – Amtsraum$/);
  await expect(anna.page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');

  // Live, without reload.
  const row = clerk.page.getByRole('row', { name: /Erika Test/ });
  await expect(row).toContainText('Schlüssel verloren');
  await expect(row).toContainText('Deutsch');
  await row.getByRole('button', { name: 'Erika Test hereinbitten' }).click();

  await expect(mainHeading(anna.page)).toHaveText('Sie sind dran!');
  await expect(anna.page).toHaveTitle('Sie sind dran! – Amtsraum');
  // The new heading takes the focus (it was on <body>), and the change is read out.
  await expect(mainHeading(anna.page)).toBeFocused();
  await expect(anna.page.getByTestId('announcer')).toHaveText('Sie sind dran! – Amtsraum');
  await expect(anna.page.getByTestId('admitted')).toContainText('Mehmet Yılmaz hat Sie hereingebeten');
  await expect(anna.page.getByRole('link', { name: 'Zum Gespräch' })).toHaveAttribute('href', `/call/${visit.id}`);

  const current = clerk.page.getByTestId('current-visit');
  await expect(current).toContainText('Sie sind bei Erika Test');
  // What they came for stays in view once their row has gone from the queue.
  await expect(current.getByTestId('visit-facts')).toHaveText('Erika Test: Schlüssel verloren · Deutsch');
  await expect(current.getByRole('link', { name: 'Zum Gespräch' })).toHaveAttribute('href', `/call/${visit.id}`);
  await current.getByRole('button', { name: 'Beenden' }).click();
  await expect(current).toContainText('Sie sind gerade in keinem Gespräch.');
  await expect(mainHeading(anna.page)).toHaveText('Ihr Besuch ist beendet');

  expectNoBrowserErrors(clerk, anna);
});

test('a declined citizen reads the clerk’s note; a refresh keeps the place', async ({ browser }) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const ben = await citizen(browser);
  await knockViaApi(ben, 'gewerbeamt', { name: 'Ben Beispiel', concern: 'Frage zur Anmeldung' });
  await openWaitingRoom(ben, 'gewerbeamt');
  await expect(ben.page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');

  await ben.page.reload();
  await expect(ben.page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  await expect(mainHeading(ben.page)).toHaveText('Wartebereich');

  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  await clerk.page.getByRole('button', { name: 'Ben Beispiel ablehnen' }).click();
  const dialog = clerk.page.getByRole('dialog', { name: 'Ben Beispiel ablehnen' });
  const note = dialog.getByRole('textbox', { name: 'Nachricht an die Person (freiwillig)' });
  await expect(note).toBeFocused();
  await note.fill('Bitte kommen Sie mit dem Formular ins Rathaus, Zimmer 12.');
  await dialog.getByRole('button', { name: 'Ablehnen' }).click();
  await expect(dialog).toBeHidden();
  await expect(clerk.page.getByTestId('queue-empty')).toBeVisible();

  await expect(ben.page.getByTestId('decline-note')).toHaveText(
    'Bitte kommen Sie mit dem Formular ins Rathaus, Zimmer 12.',
  );
  // The department's name with its article (issue 13: "Zurück zu Gewerbeamt").
  await expect(ben.page.getByRole('link', { name: 'Zurück zum Gewerbeamt' })).toHaveAttribute(
    'href',
    `/${TENANT}/gewerbeamt`,
  );
  expectNoBrowserErrors(clerk, ben);
});

test('a clerk declining someone who has just left is told so at once, not that a colleague let them in; the note stays', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const ben = await citizen(browser);
  await knockViaApi(ben, 'gewerbeamt', { name: 'Ben Beispiel', concern: 'Frage zur Anmeldung' });

  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  await clerk.page.getByRole('button', { name: 'Ben Beispiel ablehnen' }).click();
  const dialog = clerk.page.getByRole('dialog', { name: 'Ben Beispiel ablehnen' });
  const note = dialog.getByRole('textbox', { name: 'Nachricht an die Person (freiwillig)' });
  await note.fill('Bitte kommen Sie ins Rathaus.');
  // Ben gives up while the clerk writes: the open dialog says so as the queue changes, and its
  // button declines nothing any more (before, it stayed open offering a button bound to fail).
  expect((await ben.request.post('/api/visit/leave')).status()).toBe(200);
  const gone = 'Ben Beispiel wartet nicht mehr: gegangen oder schon hereingebeten. Es gibt nichts mehr abzulehnen.';
  await expect(dialog.getByRole('alert')).toHaveText(gone);
  const confirm = dialog.getByRole('button', { name: 'Ablehnen' });
  await expect(confirm).toHaveAttribute('aria-disabled', 'true');
  // Pressed anyway (aria-disabled keeps it in the tab order, so it can be): nothing is sent.
  await confirm.click({ force: true });
  await expect(dialog.getByRole('alert')).toHaveText(gone);
  await expect(note).toHaveValue('Bitte kommen Sie ins Rathaus.');
  await dialog.getByRole('button', { name: 'Abbrechen' }).click();
  await expect(dialog).toHaveCount(0);
  expectNoBrowserErrors(clerk);
});

test('a clerk who finishes a conversation from the console is taken to the next person, not to the top of the page', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const ben = await citizen(browser);
  const visit = await knockViaApi(ben, 'gewerbeamt', { name: 'Ben Beispiel', concern: 'Frage zur Anmeldung' });
  await admitViaApi(clerk, clerk.departmentId, visit.id);

  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  const current = clerk.page.getByTestId('current-visit');
  await expect(current).toContainText('Sie sind bei Ben Beispiel');
  await current.getByRole('button', { name: 'Beenden' }).focus();
  await clerk.page.keyboard.press('Enter');
  await expect(current).toContainText('Sie sind gerade in keinem Gespräch.');
  await expect(clerk.page.getByRole('button', { name: 'Nächste Person hereinbitten' })).toBeFocused();
  expectNoBrowserErrors(clerk);
});

test('a citizen let in who never joins is marked as not come, not as served, and reads so', async ({ browser }) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const cem = await citizen(browser);
  const visit = await knockViaApi(cem, 'gewerbeamt', { name: 'Cem Abwesend', concern: 'Frage zur Anmeldung' });
  await openWaitingRoom(cem, 'gewerbeamt');
  await admitViaApi(clerk, clerk.departmentId, visit.id);

  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  const current = clerk.page.getByTestId('current-visit');
  await expect(current).toContainText('Sie sind bei Cem Abwesend');
  await current.getByRole('button', { name: 'Nicht erschienen' }).click();
  await expect(current).toContainText('Sie sind gerade in keinem Gespräch.');
  await expect(clerk.page.getByRole('button', { name: 'Nächste Person hereinbitten' })).toBeFocused();
  // The citizen's page, still open, says what happened (the text of a no-show, not of a visit served).
  await expect(cem.page.getByText('Sie sind nicht ins Gespräch gekommen; der Besuch wurde beendet.')).toBeVisible();
  expectNoBrowserErrors(clerk);
});

test('a clerk who lets someone in from the console and marks them as not come gets the device check back for the next', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const dora = await citizen(browser);
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  const check = clerk.page.getByRole('button', { name: 'Kamera und Mikrofon jetzt prüfen' });
  await expect(check).toBeVisible();
  await knockViaApi(dora, 'gewerbeamt', { name: 'Dora Fern', concern: 'Frage zur Anmeldung' });
  await clerk.page.getByRole('button', { name: 'Dora Fern hereinbitten' }).click();
  const current = clerk.page.getByTestId('current-visit');
  await expect(current).toContainText('Sie sind bei Dora Fern');
  await current.getByRole('button', { name: 'Nicht erschienen' }).click();
  await expect(current).toContainText('Sie sind gerade in keinem Gespräch.');
  // The device check stayed hidden ("taken into Dora's call") until the page was reloaded.
  await expect(check).toBeVisible();
  expectNoBrowserErrors(clerk);
});

test('a clerk who declines someone or lets someone in from the list keeps the focus where the work goes on', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const ben = await citizen(browser);
  const clara = await citizen(browser);
  await knockViaApi(ben, 'gewerbeamt', { name: 'Ben Beispiel', concern: 'Frage zur Anmeldung' });
  const visit = await knockViaApi(clara, 'gewerbeamt', { name: 'Clara Muster', concern: 'Gewerbe ummelden' });

  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  await clerk.page.getByRole('button', { name: 'Ben Beispiel ablehnen' }).click();
  const dialog = clerk.page.getByRole('dialog', { name: 'Ben Beispiel ablehnen' });
  await dialog.getByRole('button', { name: 'Ablehnen' }).click();
  await expect(dialog).toHaveCount(0);
  // Before, the focus went to the page's heading, a whole page away from the next person.
  await expect(clerk.page.getByRole('button', { name: 'Nächste Person hereinbitten' })).toBeFocused();

  await clerk.page.getByRole('button', { name: 'Clara Muster hereinbitten' }).click();
  const current = clerk.page.getByTestId('current-visit');
  await expect(current).toContainText('Sie sind bei Clara Muster');
  // Before, the focus fell to the page with the row that held it.
  await expect(current.getByRole('link', { name: 'Zum Gespräch' })).toBeFocused();
  await expect(current.getByRole('link', { name: 'Zum Gespräch' })).toHaveAttribute('href', `/call/${visit.id}`);
  expectNoBrowserErrors(clerk);
});

test('a clerk of two offices still with someone in one is told where, and led there, when letting someone in at the other', async ({
  browser,
}) => {
  const clerk = people.add(await openDoorAsClerk(browser, STAFF.verwaltung, 'fundbuero'));
  const gewerbeamt = departmentId(clerk.me, 'gewerbeamt');
  people.tidyWith(async () => {
    await tidyDepartment(clerk, clerk.departmentId);
    await tidyDepartment(clerk, gewerbeamt);
  });
  await setDoor(clerk, gewerbeamt, 'open');
  await goOnDuty(clerk, gewerbeamt);
  const dora = await citizen(browser);
  const fundVisit = await knockViaApi(dora, 'fundbuero', { name: 'Dora Fund', concern: 'Schirm verloren' });
  await admitViaApi(clerk, clerk.departmentId, fundVisit.id);
  const emil = await citizen(browser);
  await knockViaApi(emil, 'gewerbeamt', { name: 'Emil Gewerbe', concern: 'Gewerbe anmelden' });

  const { page } = clerk;
  await page.goto(`/staff/${gewerbeamt}`);
  await expect(page.getByTestId('current-visit')).toContainText('Sie sind gerade in keinem Gespräch.');
  await page.getByRole('button', { name: 'Emil Gewerbe hereinbitten' }).click();
  // Before: "Sie sind noch in einem Gespräch", under "in keinem Gespräch", and no word of where.
  await expect(page.getByTestId('console-message')).toHaveText(
    'Sie sind noch in einem Gespräch in einem anderen Ihrer Ämter: Fundbüro. Bitte beenden Sie es dort zuerst. Fundbüro: zum Gespräch',
  );
  await page.getByRole('link', { name: 'Fundbüro: zum Gespräch' }).click();
  await expect(mainHeading(page)).toHaveText('Fundbüro');
  await expect(page.getByTestId('current-visit')).toContainText('Sie sind bei Dora Fund');
  await expect(page.getByTestId('console-message')).toHaveCount(0);
  expect(clerk.errors.filter((error) => !/status of 409 .*\/admit$/.test(error))).toEqual([]);
});

test('the notice that the clerk is still busy in another office goes when that conversation ends, and the focus goes on to the next person', async ({
  browser,
}) => {
  const clerk = people.add(await openDoorAsClerk(browser, STAFF.verwaltung, 'fundbuero'));
  const gewerbeamt = departmentId(clerk.me, 'gewerbeamt');
  people.tidyWith(async () => {
    await tidyDepartment(clerk, clerk.departmentId);
    await tidyDepartment(clerk, gewerbeamt);
  });
  await setDoor(clerk, gewerbeamt, 'open');
  await goOnDuty(clerk, gewerbeamt);
  const fundVisit = await knockViaApi(await citizen(browser), 'fundbuero', { name: 'Dora Fund', concern: 'Schirm' });
  await admitViaApi(clerk, clerk.departmentId, fundVisit.id);
  await knockViaApi(await citizen(browser), 'gewerbeamt', { name: 'Emil Gewerbe', concern: 'Gewerbe anmelden' });

  const { page } = clerk;
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`/staff/${gewerbeamt}`);
  const next = page.getByRole('button', { name: 'Nächste Person hereinbitten' });
  await next.focus();
  await page.keyboard.press('Enter');
  const notice = page.getByTestId('console-message');
  await expect(notice).toContainText('in einem anderen Ihrer Ämter: Fundbüro');
  const way = notice.getByRole('link', { name: 'Fundbüro: zum Gespräch' });
  // On a phone the notice and its way wrap within the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await expectNoA11yViolations(page);
  await way.focus();
  // Finished in the other office (its console in another tab): the notice stayed until a reload,
  // and a clerk pressing "next" again was told the same.
  await finishViaApi(clerk, clerk.departmentId, fundVisit.id);
  await expect(notice).toHaveCount(0);
  await expect(next).toBeFocused();
  // And it is said: the notice went without a word, and a screen reader user heard nothing.
  const said = page.getByTestId('busy-ended-announcement');
  await expect(said).toHaveAttribute('aria-live', 'polite');
  await expect(said).toHaveText(
    'Ihr Gespräch im Amt Fundbüro ist beendet. Sie können jetzt die nächste Person hereinbitten.',
  );
  await switchLanguage(page, 'en');
  await expect(said).toHaveText('Your conversation in Lost and Found has ended. You can let the next person in now.');
  await switchLanguage(page, 'de');
  await next.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('current-visit')).toContainText('Sie sind bei Emil Gewerbe');
  // Said once: the next action takes it, so a later language switch does not say it again.
  await expect(said).toHaveText('');
  expect(clerk.errors.filter((error) => !/status of 409 .*\/admit-next$/.test(error))).toEqual([]);
});

// A clerk whose role in the other office was taken away mid-conversation: the console could not
// open that office's console to find the conversation, and said only "Bitte beenden Sie es
// zuerst", with no name, no link and no way to end it; nobody could be let in any more.
test('a clerk still in a conversation in an office they no longer work in is told which, with whom, and ends it from the console', async ({
  browser,
}) => {
  test.slow(); // an admin's sign-in with a second factor, an invitation, two offices
  const {
    clerk: klara,
    termine,
    vorOrt,
    setRoles,
  } = await testhausenClerk(browser, 'Klara Zwei', ['termine', 'vorOrt'], async (clerk, ids) => {
    await tidyDepartment(clerk, ids.vorOrt).catch(() => undefined);
  });

  // Klara lets Dora in at the Terminbüro; then her role there is taken away, mid-conversation.
  await setDoor(klara, termine, 'open');
  const duty = await goOnDuty(klara, termine);
  const dora = await citizen(browser);
  const knock = await dora.request.post('/api/tenants/testhausen/departments/termine/knock', {
    data: { name: 'Dora Termin', concern: 'Eine Frage', language: 'de', consent: true },
  });
  expect(knock.status(), await knock.text()).toBe(201);
  const doraVisit = ((await knock.json()) as { visit: { id: string } }).visit.id;
  await admitViaApi(klara, termine, doraVisit);
  await setDoor(klara, termine, 'auto');
  await duty.close();
  await setRoles('vorOrt');

  // At the counter of the Bürgerbüro vor Ort, somebody waits.
  const counter = await klara.request.put(`/api/staff/departments/${vorOrt}/counter`, {
    data: { counterName: 'Platz 7' },
  });
  expect(counter.status()).toBe(200);
  const drawn = await klara.request.post(`/api/staff/departments/${vorOrt}/onsite-tickets`, {
    data: { concern: 'Nur eine Frage' },
  });
  expect(drawn.status()).toBe(201);

  const { page } = klara;
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`/staff/${vorOrt}`);
  const next = page.getByRole('button', { name: 'Nächste Person hereinbitten' });
  await next.focus();
  await page.keyboard.press('Enter');
  const notice = page.getByTestId('console-message');
  await expect(notice).toHaveText(
    'Sie sind noch im Gespräch mit Dora Termin im Amt Terminbüro, in dem Sie nicht mehr arbeiten. Beenden Sie es hier, dann können Sie die nächste Person hereinbitten. Gespräch mit Dora Termin beenden',
  );
  await switchLanguage(page, 'en');
  await expect(notice).toHaveText(
    'You are still in a conversation with Dora Termin in Appointments Office, an office you no longer work in. End it here, then you can let the next person in. End the conversation with Dora Termin',
  );
  await expectNoA11yViolations(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await switchLanguage(page, 'de');
  const end = notice.getByRole('button', { name: 'Gespräch mit Dora Termin beenden' });
  await tabTo(page, end);
  await page.keyboard.press('Enter');
  // Ended for Dora as by any clerk; the notice goes, said, and the focus goes on to the next person.
  await expect(notice).toHaveCount(0);
  await expect(next).toBeFocused();
  await expect(page.getByTestId('busy-ended-announcement')).toHaveText(
    'Ihr Gespräch im Amt Terminbüro ist beendet. Sie können jetzt die nächste Person hereinbitten.',
  );
  const doraNow = (await (await dora.request.get('/api/visit')).json()) as { visit: { state: string } };
  expect(doraNow.visit.state).toBe('done');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('current-visit')).toContainText('aufgerufen an Platz 7');
  expect(klara.errors.filter((error) => !/status of 409 .*\/admit-next$/.test(error))).toEqual([]);
});

// A role given while the clerk had the office's console open said "Sie arbeiten nicht in diesem
// Amt" until a reload; a role taken away mid-conversation closed the console with the way to end it.
test('a console opens the moment an admin gives the clerk the office, and one taken away mid-conversation still ends it', async ({
  browser,
}) => {
  test.slow(); // an admin's sign-in with a second factor, an invitation, two offices
  const {
    clerk: klara,
    termine,
    vorOrt,
    setRoles,
  } = await testhausenClerk(browser, 'Klara Drei', ['termine'], async (clerk, ids, giveBack) => {
    await giveBack('termine', 'vorOrt');
    await tidyDepartment(clerk, ids.termine).catch(() => undefined);
    await setDoor(clerk, ids.termine, 'auto').catch(() => undefined);
  });

  const { page } = klara;
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`/staff/${vorOrt}`);
  const refused = page.getByTestId('console-refused');
  await expect(refused).toHaveText('Sie arbeiten nicht in diesem Amt.');

  // The admin gives Klara the office: its console opens where she is, no reload.
  await setRoles('termine', 'vorOrt');
  await expect(mainHeading(page)).toHaveText('Bürgerbüro vor Ort');
  const next = page.getByRole('button', { name: 'Nächste Person hereinbitten' });
  await tabTo(page, next);
  await expectNoA11yViolations(page);

  // In the Terminbüro, Klara is with Dora when the admin takes that office away. Klara on duty
  // there first: the test before may have left the Terminbüro unattended long enough for the
  // attendance job to mark it, and an open door nobody attends refuses knocks (door_unattended).
  await setDoor(klara, termine, 'open');
  await page.goto(`/staff/${termine}`);
  await expect(mainHeading(page)).toHaveText('Terminbüro');
  await expect
    .poll(async () => (await getConsole(klara, termine)).door.clerksOnDuty, { message: 'Klara counts as on duty' })
    .toBeGreaterThan(0);
  const dora = await citizen(browser);
  const knock = await dora.request.post('/api/tenants/testhausen/departments/termine/knock', {
    data: { name: 'Dora Drei', concern: 'Eine Frage', language: 'de', consent: true },
  });
  expect(knock.status(), await knock.text()).toBe(201);
  const doraVisit = ((await knock.json()) as { visit: { id: string } }).visit.id;
  await admitViaApi(klara, termine, doraVisit);
  await expect(page.getByTestId('current-visit')).toContainText('Sie sind bei Dora Drei');
  await switchLanguage(page, 'en');
  await setRoles('vorOrt');
  await expect(refused).toHaveText('You are no longer assigned to this office.');
  await expect(refused).toHaveAttribute('role', 'alert');
  const former = page.getByTestId('former-call');
  await expect(former).toContainText('Your conversation with Dora Drei goes on. You can still end it.');
  await expect(former.getByRole('link', { name: 'Join the conversation' })).toHaveAttribute(
    'href',
    `/call/${doraVisit}`,
  );
  await expectNoA11yViolations(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  const end = former.getByRole('button', { name: 'End the conversation with Dora Drei' });
  await tabTo(page, end);
  await page.keyboard.press('Enter');
  const ended = former.getByText('The conversation with Dora Drei has ended.');
  await expect(ended).toBeFocused();
  await expect(end).toHaveCount(0);
  const doraNow = (await (await dora.request.get('/api/visit')).json()) as { visit: { state: string } };
  expect(doraNow.visit.state).toBe('done');
  await switchLanguage(page, 'de');
  await expect(former).toHaveText('Das Gespräch mit Dora Drei ist beendet.');
  expectNoBrowserErrors(klara);
});

// A console opened after its office was archived (a bookmark, an old tab) said "Sie arbeiten nicht
// in diesem Amt." to the clerk who had worked there; only one open at the archiving said why.
test('an office archived: its console, open or opened later, says it was archived', async ({ browser }) => {
  const {
    clerk: klara,
    amelie,
    staffId,
    termine,
  } = await testhausenClerk(browser, 'Klara Vier', ['termine'], () => Promise.resolve());
  const base = '/api/admin/tenants/testhausen/departments';
  const slug = `altes-amt-${String(Date.now())}`;
  const created = await amelie.request.post(base, { data: { slug, name: { de: 'Altes Amt', en: 'Old office' } } });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const roles = [termine, id].map((departmentId) => ({ departmentId, role: 'clerk' }));
  const given = await amelie.request.patch(`/api/admin/tenants/testhausen/staff/${staffId}`, { data: { roles } });
  expect(given.status(), await given.text()).toBe(200);

  const { page } = klara;
  await page.goto(`/staff/${id}`);
  await expect(mainHeading(page)).toHaveText('Altes Amt');
  const archived = await amelie.request.post(`${base}/${slug}/archive`, { data: { confirmAffected: 0 } });
  expect(archived.status(), await archived.text()).toBe(200);
  const refused = page.getByTestId('console-refused');
  const words = 'Dieses Amt wurde archiviert: Es bietet keine virtuellen Besuche mehr an.';
  await expect(refused).toHaveText(words);

  // Opened afresh, it says the same, in either language, and nothing else before: the page said
  // "Sie arbeiten nicht in diesem Amt." until the hub's answer came. The hub's messages are held
  // here until the page has asked for the console.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let watched = () => {};
  const asked = new Promise<void>((resolve) => (watched = resolve));
  await page.routeWebSocket(/\/ws$/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      server.send(message);
      if (String(message).includes('"watch-console"')) watched();
    });
    server.onMessage(async (message) => {
      await held;
      socket.send(message);
    });
  });
  await page.reload();
  await asked;
  await expect(page.getByTestId('loading')).toBeVisible();
  await expect(refused).toHaveCount(0);
  release();
  await expect(refused).toHaveText(words);
  await switchLanguage(page, 'en');
  await expect(refused).toHaveText('This office has been archived: it no longer offers virtual visits.');
  await expectNoA11yViolations(page);
  await switchLanguage(page, 'de');
  // An address that names no office at all is refused at once (the hub has no office to answer for).
  await page.goto('/staff/kein-amt');
  await expect(refused).toHaveText('Sie arbeiten nicht in diesem Amt.');
  // A console message already on its way when the office was archived (the page had just opened:
  // the news of its own arrival on duty) makes the page reload the day's appointments once, refused
  // (403); it then says why. Nothing else may go wrong.
  expect(klara.errors.filter((error) => !/status of 403 .*\/appointments\?date=/.test(error))).toEqual([]);
});

// A sign-in that ended unheard by the live connection (an expiry it hears only at its next beat,
// a cookie gone): letting someone in said only "Please sign in." under a queue still shown, with
// no way to the sign-in page.
test('a clerk whose sign-in ended is told so at the next action, in place, and comes back to the console', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const visit = await knockViaApi(await citizen(browser), 'fundbuero', { name: 'Gerd Wartet', concern: 'Fundsache' });
  const { page } = clerk;
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`/staff/${clerk.departmentId}`);
  await switchLanguage(page, 'en');
  await expect(page.getByTestId(`queue-entry-${visit.id}`)).toBeVisible();
  await clerk.context.clearCookies();

  const next = page.getByRole('button', { name: 'Let the next person in' });
  await tabTo(page, next);
  await page.keyboard.press('Enter');
  await expect(mainHeading(page)).toHaveText('You are signed out');
  await expect(page.getByTestId('session-ended')).toContainText('Sign in again to see who is waiting.');
  await expect(page.getByTestId('queue')).toHaveCount(0);
  await expectNoA11yViolations(page);

  const signIn = page.getByRole('link', { name: 'Sign in again' });
  await tabTo(page, signIn);
  await page.keyboard.press('Enter');
  await expect(mainHeading(page)).toHaveText('Staff sign-in');
  await page.getByLabel('E-mail address').fill(STAFF.mehmet);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByLabel('Password').press('Enter');
  await expect(mainHeading(page)).toHaveText('Lost and Found');
  await expect(page.getByTestId(`queue-entry-${visit.id}`)).toBeVisible();
  expect(clerk.errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
});

test('on a 320 px phone the queue’s buttons are in view without scrolling sideways, the name too', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const visit = await knockViaApi(await citizen(browser), 'gewerbeamt', { name: 'Ida Schmal', concern: 'Anmeldung' });
  await clerk.page.setViewportSize({ width: 320, height: 640 });
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  const row = clerk.page.getByTestId(`queue-entry-${visit.id}`);
  const admit = row.getByRole('button', { name: 'Ida Schmal hereinbitten' });
  const decline = row.getByRole('button', { name: 'Ida Schmal ablehnen' });
  for (const button of [admit, decline]) {
    await expect(button).toBeVisible();
    const box = (await button.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(320);
  }
  // The name is not under the buttons: what is drawn at its middle is the name's own cell.
  const name = row.getByRole('rowheader');
  await row.evaluate((element) => element.scrollIntoView({ block: 'center', inline: 'nearest' }));
  const nameBox = (await name.boundingBox())!;
  const drawn = await clerk.page.evaluate(
    ([x, y]) => document.elementFromPoint(x!, y!)?.closest('th')?.textContent ?? null,
    [Math.min(nameBox.x + 20, 300), nameBox.y + 10],
  );
  expect(drawn).toContain('Ida Schmal');
  expect(await clerk.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  // Each button's word whole, on one line: they read "Hereinbitte / n" and "Ablehne / n" (and
  // "Declin / e" in English).
  const lines = () =>
    row.getByRole('button').evaluateAll((buttons) =>
      buttons.map((button) => {
        const range = document.createRange();
        range.selectNodeContents(button);
        return `${button.textContent ?? ''}: ${String(range.getClientRects().length)}`;
      }),
    );
  expect(await lines()).toEqual(['Hereinbitten: 1', 'Ablehnen: 1']);
  await switchLanguage(clerk.page, 'en');
  expect(await lines()).toEqual(['Let in: 1', 'Decline: 1']);
  await switchLanguage(clerk.page, 'de');
  // The table's name wraps within the screen, with the region scrolled back to its start or not.
  await row.evaluate((element) => element.closest('[role="region"]')!.scrollTo({ left: 0 }));
  const caption = clerk.page.getByTestId('queue-caption');
  await expect(caption).toBeVisible();
  await expect(clerk.page.getByRole('table', { name: /Wartende Personen in der Reihenfolge/ })).toBeVisible();
  const captionBox = (await caption.boundingBox())!;
  expect(captionBox.x).toBeGreaterThanOrEqual(0);
  expect(captionBox.x + captionBox.width).toBeLessThanOrEqual(320);
  await admit.click();
  await expect(clerk.page.getByTestId('current-visit')).toContainText('Sie sind bei Ida Schmal');
  expectNoBrowserErrors(clerk);
});

test('a waiting citizen whose page closed is marked in the clerk’s queue, until they come back', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const ida = await citizen(browser);
  const visit = await knockViaApi(ida, 'gewerbeamt', { name: 'Ida Weg' });
  await openWaitingRoom(ida, 'gewerbeamt');
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  const row = clerk.page.getByTestId(`queue-entry-${visit.id}`);
  await expect(row).toContainText('Ida Weg');
  await expect(row.getByTestId('connection-lost')).toHaveCount(0);

  // The tab closes: a few seconds later the row says so, in its row header (read with the name).
  await ida.page.close();
  await expect(row.getByRole('rowheader')).toContainText('Verbindung unterbrochen', { timeout: 15_000 });
  // Said too, politely: a clerk with a screen reader heard nothing of the mark until they read
  // the table again.
  const said = clerk.page.getByTestId('connection-announcement');
  await expect(said).toHaveAttribute('aria-live', 'polite');
  await expect(said).toHaveText('Verbindung unterbrochen: Ida Weg.');
  await expectNoA11yViolations(clerk.page);
  // On a 320 px phone the mark is beside the actions, not under them (it slid under the sticky
  // "Hereinbitten"/"Ablehnen" column, cut to "Verbindu… unterbro…").
  await clerk.page.setViewportSize({ width: 320, height: 640 });
  await row.evaluate((element) => element.closest('[role="region"]')!.scrollTo({ left: 0 }));
  const actionsLeft = (await row.locator('td').last().boundingBox())!.x;
  for (const part of [row.getByTestId('connection-lost'), row.getByRole('rowheader')]) {
    const box = (await part.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(actionsLeft);
  }
  await clerk.page.setViewportSize({ width: 1280, height: 720 });

  // The citizen opens the waiting room again: the mark goes, and that is said as well.
  ida.page = await ida.context.newPage();
  await openWaitingRoom(ida, 'gewerbeamt');
  await expect(row.getByTestId('connection-lost')).toHaveCount(0);
  await expect(said).toHaveText('Wieder verbunden: Ida Weg.');
  expectNoBrowserErrors(clerk);
});

// "Next" let the clerk in with a person whose page was gone: a call with nobody in it.
test('“next” passes over a person whose connection is lost and says so in both languages; the word goes when they are back', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const ida = await citizen(browser);
  const visit = await knockViaApi(ida, 'gewerbeamt', { name: 'Ida Funkloch' });
  await openWaitingRoom(ida, 'gewerbeamt');
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  const row = clerk.page.getByTestId(`queue-entry-${visit.id}`);
  await expect(row).toContainText('Ida Funkloch');
  await ida.page.close();
  await expect(row.getByTestId('connection-lost')).toBeVisible({ timeout: 15_000 });

  await clerk.page.getByRole('button', { name: 'Nächste Person hereinbitten' }).click();
  const said = clerk.page.getByTestId('console-message');
  await expect(said).toHaveText(
    'Alle, die warten, haben gerade keine Verbindung. Niemand wurde hereingelassen. Sie können eine Person trotzdem in ihrer Zeile hereinlassen.',
  );
  await expect(clerk.page.getByTestId('current-visit')).toContainText('Sie sind gerade in keinem Gespräch.');
  await expect(row).toBeVisible();
  // The browser logs the refusal's 409; that one is expected.
  const refused = clerk.errors.findIndex((error) => /409 \(Conflict\).*\/admit-next$/.test(error));
  expect(refused).toBeGreaterThanOrEqual(0);
  clerk.errors.splice(refused, 1);
  await switchLanguage(clerk.page, 'en');
  await expect(said).toHaveText(
    'Everyone waiting has lost their connection just now. Nobody was let in. You can still let a person in from their row.',
  );
  await switchLanguage(clerk.page, 'de');

  // Ida is back: someone connected waits, and the message no longer holds.
  ida.page = await ida.context.newPage();
  await openWaitingRoom(ida, 'gewerbeamt');
  await expect(row.getByTestId('connection-lost')).toHaveCount(0);
  await expect(said).toHaveCount(0);
  await clerk.page.getByRole('button', { name: 'Nächste Person hereinbitten' }).click();
  await expect(clerk.page.getByTestId('current-visit')).toContainText('Sie sind bei Ida Funkloch');
  expectNoBrowserErrors(clerk);
});

// "Diese Person wurde gerade … hereingebeten oder hat den Warteraum verlassen" stayed on the
// console, over every later change of the queue, until the clerk's next action.
test('a console message stays while the change it is about comes in, and goes at a later change of the queue or when the connection is back', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const ben = await citizen(browser);
  const visit = await knockViaApi(ben, 'fundbuero', { name: 'Ben Geht' });
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  const row = clerk.page.getByTestId(`queue-entry-${visit.id}`);
  await expect(row).toContainText('Ben Geht');

  // Ben leaves just as the clerk lets him in.
  await clerk.page.route(`**/visits/${visit.id}/admit`, async (route) => {
    expect((await ben.request.post('/api/visit/leave')).status()).toBe(200);
    await route.continue();
  });
  await row.getByRole('button', { name: 'Ben Geht hereinbitten' }).click();
  const said = clerk.page.getByTestId('console-message');
  await expect(said).toHaveText(
    'Diese Person wurde gerade von jemand anderem hereingebeten oder hat den Warteraum verlassen.',
  );
  // His row's going, which the message is about, leaves it (a screen reader still says it).
  await expect(row).toHaveCount(0);
  await expect(said).toBeVisible();

  // Someone new knocks: the message is out of date.
  const cleo = await citizen(browser);
  const cleoVisit = await knockViaApi(cleo, 'fundbuero', { name: 'Cleo Neu' });
  await expect(clerk.page.getByTestId(`queue-entry-${cleoVisit.id}`)).toBeVisible();
  await expect(said).toHaveCount(0);

  // The network drops as the clerk lets Cleo in: said; once the connection is back, gone.
  await clerk.context.setOffline(true);
  await expect(clerk.page.getByTestId('live-status')).toHaveText('Verbindung unterbrochen – wird wiederhergestellt …');
  await clerk.page.getByRole('button', { name: 'Cleo Neu hereinbitten' }).click();
  await expect(said).toHaveText('Keine Verbindung zum Server. Bitte prüfen Sie Ihre Internetverbindung.');
  await clerk.context.setOffline(false);
  await expect(clerk.page.getByTestId('live-status')).toHaveText('Wieder verbunden.');
  await expect(said).toHaveCount(0);
  await expect(clerk.page.getByTestId(`queue-entry-${cleoVisit.id}`)).toBeVisible();
  clerk.errors.splice(0); // Chromium logs the requests refused while offline
  expectNoBrowserErrors(clerk);
});

test('walking the door’s choices with the arrow keys changes the door once, where the clerk stops', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const doorChanges: string[] = [];
  clerk.page.on('request', (request) => {
    if (request.method() === 'PUT' && request.url().endsWith('/door')) doorChanges.push(request.postData() ?? '');
  });
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  const open = clerk.page.getByRole('radio', { name: 'Geöffnet' });
  const paused = clerk.page.getByRole('radio', { name: 'Pause' });
  const closed = clerk.page.getByRole('radio', { name: 'Geschlossen' });
  await expect(open).toBeChecked();
  await open.focus();
  // On the way to "Nach Öffnungszeiten", a keyboard passes "Pause" and "Geschlossen": the people
  // waiting must not be told the office paused and closed.
  await clerk.page.keyboard.press('ArrowRight');
  await expect(paused).toBeChecked();
  await clerk.page.keyboard.press('ArrowRight');
  await expect(closed).toBeChecked();
  await clerk.page.keyboard.press('ArrowRight');
  await expect(clerk.page.getByRole('radio', { name: 'Nach Öffnungszeiten' })).toBeChecked();
  await expect.poll(async () => (await getConsole(clerk, clerk.departmentId)).doorSetting).toBe('auto');
  expect(doorChanges).toEqual(['{"state":"auto"}']);

  // A click still sets the door.
  await paused.click();
  await expect.poll(async () => (await getConsole(clerk, clerk.departmentId)).doorSetting).toBe('paused');
  await expect(paused).toBeChecked();
  expectNoBrowserErrors(clerk);
});

test('the third in the queue moves up when the first leaves', async ({ browser }) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const [first, second, third] = [await citizen(browser), await citizen(browser), await citizen(browser)];
  await knockViaApi(first, 'gewerbeamt', { name: 'Eins' });
  await knockViaApi(second, 'gewerbeamt', { name: 'Zwei' });
  await knockViaApi(third, 'gewerbeamt', { name: 'Drei' });

  await openWaitingRoom(third, 'gewerbeamt');
  await expect(third.page.getByTestId('position')).toHaveText('Sie sind auf Platz 3');
  await expect(third.page.getByTestId('estimate')).toHaveText(/^Wartezeit: ca\. \d+ Minuten?, geschätzt$/);

  await openWaitingRoom(first, 'gewerbeamt');
  await first.page.getByRole('button', { name: 'Warteschlange verlassen' }).click();
  await expect(first.page.getByText('Möchten Sie die Warteschlange wirklich verlassen?')).toBeFocused();
  await first.page.getByRole('button', { name: 'Ja, verlassen' }).click();
  await expect(mainHeading(first.page)).toHaveText('Ihr Besuch ist beendet');
  await expect(mainHeading(first.page)).toBeFocused(); // not <body>: the pressed button is gone

  await expect(third.page.getByTestId('position')).toHaveText('Sie sind auf Platz 2');
  expectNoBrowserErrors(clerk, first, second, third);
});

test('leaving while the network is away is refused and said, and the message goes when the connection is back, the place kept', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const person = await citizen(browser);
  await knockViaApi(person, 'gewerbeamt', { name: 'Offline' });
  await openWaitingRoom(person, 'gewerbeamt');
  const { page } = person;
  await expect(page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');

  await person.context.setOffline(true);
  await expect(page.getByTestId('live-status')).toHaveText('Verbindung unterbrochen – wird wiederhergestellt …');
  await page.getByRole('button', { name: 'Warteschlange verlassen' }).click();
  await page.getByRole('button', { name: 'Ja, verlassen' }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'Keine Verbindung zum Server' });
  await expect(refused).toBeVisible();

  await person.context.setOffline(false);
  await expect(page.getByTestId('live-status')).toHaveText('Wieder verbunden.');
  // It said so beside the same buttons while the connection was back.
  await expect(refused).toHaveCount(0);
  await expect(page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  await page.getByRole('button', { name: 'Ja, verlassen' }).click();
  await expect(mainHeading(page)).toHaveText('Ihr Besuch ist beendet');
  expectNoBrowserErrors(clerk);
});

// A citizen waiting kept reading "Es kann jeden Moment so weit sein" after the clerk closed the door.
test('a citizen waiting is told when the door closes, keeps the place after a reload, and hears when it opens', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const wera = await citizen(browser);
  const { page } = wera;
  await knockViaApi(wera, 'gewerbeamt', { name: 'Wera Wartend' });
  await openWaitingRoom(wera, 'gewerbeamt');
  const estimate = page.getByTestId('estimate');
  await expect(estimate).toHaveText('Es kann jeden Moment so weit sein.');
  const notice = page.getByTestId('door-notice');
  await expect(notice).toHaveCount(0);

  // Live, without a reload.
  await setDoor(clerk, clerk.departmentId, 'closed');
  await expect(notice).toHaveAttribute('data-reason', 'closed');
  await expect(notice.getByRole('heading', { level: 2 })).toHaveText('Das Amt hat gerade geschlossen');
  await expect(notice).toContainText('Neue Anliegen werden gerade nicht angenommen. Ihr Platz bleibt erhalten');
  await expect(notice).toContainText('Ist niemand mehr im Dienst, bleibt Ihr Platz noch 15 Minuten erhalten');
  await expect(estimate).toHaveText('Wartezeit: ungewiss, solange das Amt geschlossen ist');
  await expect(page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  await expectNoA11yViolations(page);

  await page.reload();
  await expect(notice).toHaveAttribute('data-reason', 'closed');
  await expect(estimate).toHaveText('Wartezeit: ungewiss, solange das Amt geschlossen ist');
  await switchLanguage(page, 'en');
  await expect(notice.getByRole('heading', { level: 2 })).toHaveText('The office is closed right now');
  await expect(estimate).toHaveText('Waiting time: uncertain while the office is closed');

  await setDoor(clerk, clerk.departmentId, 'open');
  await expect(notice).toHaveCount(0);
  await expect(estimate).toHaveText('It may be your turn any moment.');
  expectNoBrowserErrors(clerk, wera);
});

// A closed door offered "Lieber zu einer festen Zeit? Buchen Sie einen Videotermin. Videotermin
// buchen": the same offer twice in a row, read out twice.
test('a closed door offers a video appointment once, in a question and its link', async ({ browser }) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const visitor = await citizen(browser);
  await setDoor(clerk, clerk.departmentId, 'closed');
  await visitor.page.goto(`/${TENANT}/gewerbeamt`);
  const unavailable = visitor.page.getByTestId('knock-unavailable');
  await expect(unavailable).toHaveAttribute('data-reason', 'closed');
  const link = visitor.page.getByRole('link', { name: 'Videotermin buchen' });
  await expect(unavailable.locator('p', { has: link })).toHaveText('Lieber zu einer festen Zeit? Videotermin buchen');
  await switchLanguage(visitor.page, 'en');
  await expect(unavailable.locator('p', { has: visitor.page.getByRole('link') })).toHaveText(
    'Rather at a fixed time? Book a video appointment',
  );
  await tidyDepartment(clerk, clerk.departmentId);
  expectNoBrowserErrors(clerk, visitor);
});

test('the knock pages have no WCAG 2.1 AA violations', async ({ browser }) => {
  const clerk = await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const erika = await citizen(browser);
  const { page } = erika;

  await page.goto(`/${TENANT}/fundbuero`);
  const form = page.getByRole('form', { name: 'Anklopfen' });
  await expect(form).toBeVisible();
  await expect(page.getByTestId('door-status')).toHaveAttribute('data-state', 'open');
  await expectNoA11yViolations(page);

  // Errors: summary focused, each field marked and described.
  await form.getByRole('button', { name: 'Anklopfen' }).click();
  await expect(page.getByTestId('error-summary')).toBeFocused();
  const name = form.getByRole('textbox', { name: 'Name' });
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/Bitte geben Sie einen Namen ein/);
  // A service instead of text lists its documents.
  await form.getByRole('radio', { name: 'Ich wähle eine Leistung' }).check();
  await form.getByRole('combobox', { name: 'Leistung' }).selectOption({ index: 1 });
  await expect(page.getByTestId('knock-documents')).toBeVisible();
  await form.getByRole('checkbox', { name: /Dolmetscher/ }).check();
  await expect(form.getByRole('combobox', { name: 'Sprache für die Verdolmetschung' })).toBeVisible();
  await expectNoA11yViolations(page);

  await knockViaForm(erika, 'fundbuero', { name: 'Erika Prüfung' });
  await expectNoA11yViolations(page);

  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  await expect(clerk.page.getByRole('row', { name: /Erika Prüfung/ })).toBeVisible();
  await expectNoA11yViolations(clerk.page);

  const visitor = await citizen(browser);
  await visitor.page.goto('/staff/login');
  await expect(mainHeading(visitor.page)).toHaveText('Anmeldung für Mitarbeitende');
  await expectNoA11yViolations(visitor.page);
  expectNoBrowserErrors(clerk, erika, visitor);
});

test('a knock over the limit says how long to wait, on its own and not as a problem with the entries', async ({
  browser,
}) => {
  await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const { page } = await citizen(browser);
  // The limits themselves are proven in the server's tests (knock.test.ts); here, what the form
  // makes of a 429 (issue 13, item 4).
  await page.route('**/api/tenants/*/departments/*/knock', (route) =>
    route.fulfill({
      status: 429,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '240' },
      body: JSON.stringify({ type: 'about:blank', title: 'Zu viele Anfragen', status: 429, code: 'rate_limited' }),
    }),
  );
  await page.goto(`/${TENANT}/fundbuero`);
  const form = page.getByRole('form', { name: 'Anklopfen' });
  await form.getByLabel(/^Name/).fill('Erika Grenze');
  await form.getByLabel(/^Ihr Anliegen/).fill('Eine kurze Frage');
  await form.getByRole('checkbox', { name: /Datenschutz/ }).check();
  await form.getByRole('button', { name: 'Anklopfen' }).click();

  const failure = page.getByTestId('knock-failure');
  await expect(failure).toHaveText(
    'Von hier aus wurde gerade sehr oft angeklopft. Bitte warten Sie 4 Minuten, dann können Sie wieder anklopfen.',
  );
  await expect(failure).toBeFocused();
  await expect(page.getByText('Bitte prüfen Sie Ihre Angaben')).toHaveCount(0);
  await expectNoA11yViolations(page);
});

test('a concern that would show reversed is refused next to the field, in German and in English', async ({
  browser,
}) => {
  await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const { page } = await citizen(browser);
  await page.goto(`/${TENANT}/fundbuero`);
  // A right-to-left override: the console and the mails would show "IBAN DE99" reversed.
  const spoof = 'Bitte an \u202e99ED NABI\u202c überweisen';
  const form = page.getByRole('form', { name: 'Anklopfen' });
  await form.getByLabel(/^Name/).fill('Erika Richtung');
  await form.getByLabel(/^Ihr Anliegen/).fill(spoof);
  await form.getByRole('checkbox', { name: /Datenschutz/ }).check();
  await form.getByRole('button', { name: 'Anklopfen' }).click();
  await expect(form.getByLabel(/^Ihr Anliegen/)).toHaveAccessibleDescription(
    /Das Anliegen enthält Zeichen, die hier nicht erlaubt sind \(zum Beispiel unsichtbare Zeichen/,
  );
  await expect(page).toHaveURL(new RegExp(`/${TENANT}/fundbuero$`));

  await switchLanguage(page, 'en');
  const english = page.getByRole('form', { name: 'Knock' });
  await english.getByRole('button', { name: 'Knock' }).click();
  await expect(english.getByLabel(/^Your concern/)).toHaveAccessibleDescription(
    /The concern contains characters that are not allowed here \(for example invisible characters/,
  );
  await expect(english.getByLabel(/^Your concern/)).toHaveValue(spoof);
  await expectNoA11yViolations(page);
});

test('an Arabic name and concern are laid out from the right as they are typed, in the German form and the console', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const { page } = await citizen(browser);
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`/${TENANT}/fundbuero`);
  const form = page.getByRole('form', { name: 'Anklopfen' });
  // Each line takes the direction of its own script (the first letter's), not the page's: the
  // concern's full stop ended up at its start, and "Reisepass" before it for a reader from the right.
  for (const [label, text] of [
    [/^Name/, 'مريم حسن'],
    [/^Ihr Anliegen/, 'فقدت جواز سفري. Reisepass'],
  ] as const) {
    const field = form.getByLabel(label);
    await field.fill(text);
    expect(await field.evaluate((element) => getComputedStyle(element).unicodeBidi), String(label)).toBe('plaintext');
  }
  await form.getByRole('checkbox', { name: /Datenschutz/ }).check();
  await form.getByRole('button', { name: 'Anklopfen' }).click();
  await expect(page).toHaveURL(new RegExp(`/${TENANT}/fundbuero/wait$`));

  // The clerk's console reads it from the right too: "Reisepass" at the left end of the concern,
  // not after a full stop that stood at the Arabic sentence's start.
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  const concern = clerk.page.getByRole('row', { name: /مريم حسن/ }).getByRole('cell', { name: /Reisepass/ });
  await expect(concern).toBeVisible();
  expect(await leftOfWord(concern, 'Reisepass')).toBeLessThan(await leftOfWord(concern, 'فقدت'));
});

/** Where `word` starts on the screen, from the left, within `element`'s text. */
function leftOfWord(element: Locator, word: string): Promise<number> {
  return element.evaluate((root, word) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(word) ?? -1;
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      return range.getBoundingClientRect().left;
    }
    throw new Error(`"${word}" is not in the element`);
  }, word);
}

test('staff sign in with the form, see their offices and sign out', async ({ browser }) => {
  const person = await citizen(browser);
  const { page } = person;
  await page.goto('/staff/login');
  const form = page.getByRole('form', { name: 'Anmelden' });
  await form.getByLabel('E-Mail-Adresse').fill(STAFF.mehmet);
  await form.getByLabel('Passwort').fill('falsch-falsch');
  await form.getByRole('button', { name: 'Anmelden' }).click();
  await expect(page.getByTestId('error-summary')).toContainText('E-Mail-Adresse oder Passwort stimmen nicht.');
  person.errors.splice(0); // Chromium logs the 401 of the failed attempt

  await form.getByLabel('Passwort').fill('demo-passwort-e2e');
  await form.getByRole('button', { name: 'Anmelden' }).click();
  await expect(mainHeading(page)).toHaveText('Ihre Ämter');
  await expect(page.getByRole('link', { name: 'Fundbüro', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Bürgeramt', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await expect(mainHeading(page)).toHaveText('Anmeldung für Mitarbeitende');
  expectNoBrowserErrors(person);
});

test('a clerk’s list of offices shows how many wait in each, live', async ({ browser }) => {
  const clerk = await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  await clerk.page.goto('/staff');
  await expect(mainHeading(clerk.page)).toHaveText('Ihre Ämter');
  const fundbuero = clerk.page.getByTestId('staff-department-fundbuero');
  await expect(fundbuero.getByTestId('staff-department-waiting')).toHaveText('Niemand wartet');
  // Mehmet's other office has its own line.
  await expect(
    clerk.page.getByTestId('staff-department-buergeramt').getByTestId('staff-department-waiting'),
  ).toBeVisible();

  await knockViaApi(await citizen(browser), 'fundbuero', { name: 'Dana Dort', concern: 'Schlüssel verloren' });
  await expect(fundbuero.getByTestId('staff-department-waiting')).toHaveText('1 Person wartet');
  await expectNoA11yViolations(clerk.page);
  expectNoBrowserErrors(clerk);
});

test('a clerk’s list of offices shows an office the admin gives and loses one taken away, without a reload, and says so', async ({
  browser,
}) => {
  test.slow(); // an admin's sign-in with a second factor, an invitation
  const { clerk: lena, setRoles } = await testhausenClerk(browser, 'Lena Vier', ['termine'], async () => {});
  const { page } = lena;
  await page.goto('/staff');
  await expect(mainHeading(page)).toHaveText('Ihre Ämter');
  const termine = page.getByTestId('staff-department-termine');
  const vorOrt = page.getByTestId('staff-department-vor-ort');
  await expect(termine).toBeVisible();
  await expect(vorOrt).toHaveCount(0);
  const news = page.getByTestId('staff-roles-news');
  await expect(news).toHaveAttribute('role', 'status');
  // Marks the page: a reload would lose it.
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  await setRoles('termine', 'vorOrt');
  await expect(vorOrt.getByRole('link', { name: 'Bürgerbüro vor Ort', exact: true })).toBeVisible();
  await expect(vorOrt).toContainText('Sachbearbeitung');
  await expect(news).toHaveText('Neu in Ihrer Liste: Bürgerbüro vor Ort.');
  await expect(vorOrt.getByTestId('staff-department-waiting')).toBeVisible();
  await expectNoA11yViolations(page);

  await switchLanguage(page, 'en');
  await expect(news).toHaveText('New in your list: Citizens’ Office on site.');
  await setRoles('vorOrt');
  await expect(termine).toHaveCount(0);
  await expect(news).toHaveText('No longer in your list: Appointments Office.');
  await expect(vorOrt.getByRole('link', { name: 'Citizens’ Office on site', exact: true })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  expectNoBrowserErrors(lena);
});

test('a clerk signing out of the console while people wait and nobody else is on duty is asked first', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const ben = await citizen(browser);
  await knockViaApi(ben, 'fundbuero', { name: 'Ben Beispiel', concern: 'Schirm verloren' });
  const { page } = clerk;
  await page.goto(`/staff/${clerk.departmentId}`);
  await expect(page.getByRole('row', { name: /Ben Beispiel/ })).toBeVisible();

  // Before, the end of the day's "Abmelden" left Ben waiting with nobody to let him in, unsaid.
  await page.getByRole('button', { name: 'Abmelden' }).click();
  const ask = page.getByTestId('sign-out-confirm');
  await expect(ask.getByRole('alert')).toHaveText(
    'Es wartet noch 1 Person, und außer Ihnen ist niemand im Dienst. Wirklich abmelden?',
  );
  await expect(ask.getByRole('button', { name: 'Angemeldet bleiben' })).toBeFocused();
  await expect(page).toHaveURL(new RegExp(`/staff/${clerk.departmentId}$`));
  await expectNoA11yViolations(page);
  await ask.getByRole('button', { name: 'Angemeldet bleiben' }).click();
  await expect(ask).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Abmelden' })).toBeFocused();

  await page.getByRole('button', { name: 'Abmelden' }).click();
  await ask.getByRole('button', { name: 'Trotzdem abmelden' }).click();
  await expect(mainHeading(page)).toHaveText('Anmeldung für Mitarbeitende');
  expect(clerk.errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
  await signInAsStaff(clerk, STAFF.mehmet); // for the tidying up
});

test('a clerk who opens their console without a session comes back to it after signing in', async ({ browser }) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const later = await citizen(browser);
  await later.page.goto(`/staff/${clerk.departmentId}`);
  await expect(later.page).toHaveURL(/\/staff\/login$/);
  await later.page.getByLabel('E-Mail-Adresse').fill(STAFF.petra);
  await later.page.getByLabel('Passwort', { exact: true }).fill(DEMO_PASSWORD);
  await later.page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(later.page).toHaveURL(new RegExp(`/staff/${clerk.departmentId}$`));
  await expect(mainHeading(later.page)).toHaveText('Gewerbeamt');
  expect(later.errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
});

/** Namespaces of the staff's and the office's pages (web/src/locales/namespaces.ts). */
const STAFF_NAMESPACES = [
  'absences',
  'accounts',
  'admin',
  'audit',
  'collisions',
  'console',
  'display',
  'identity-provider',
  'kiosk',
  'mailbox',
  'offer',
  'security',
];

test('every message on screen follows a language switch, the server’s too (issue 13)', async ({ browser }) => {
  await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const erika = await citizen(browser);
  const { page } = erika;
  // Its words come with the door's: no other feature's, the staff's least (issue 14).
  const otherWords: string[] = [];
  page.on('request', (request) => {
    const chunk = chunkName(request.url());
    if (chunk && STAFF_NAMESPACES.includes(chunk)) otherWords.push(chunk);
  });
  await page.goto(`/${TENANT}/fundbuero`);
  const form = page.getByRole('form', { name: 'Anklopfen' });
  await form.getByRole('button', { name: 'Anklopfen' }).click();
  const summary = page.getByTestId('error-summary');
  await expect(summary).toContainText('Bitte geben Sie einen Namen ein');
  await expect(form.getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription(/Bitte geben Sie/);

  await switchLanguage(page, 'en');
  await expect(summary).toContainText('Please check your entries');
  await expect(summary).toContainText('Please enter a name');
  await expect(summary).not.toContainText('Bitte');
  await page.waitForLoadState('networkidle');
  expect(otherWords, 'translations of other features loaded by the door page').toEqual([]);
  await expect(
    page.getByRole('form', { name: 'Knock' }).getByRole('textbox', { name: 'Name' }),
  ).toHaveAccessibleDescription(/Please enter a name/);

  // The interpreter's language starts from the language just chosen, not from "Please choose".
  const knockForm = page.getByRole('form', { name: 'Knock' });
  await knockForm.getByRole('combobox', { name: /preferred language/i }).selectOption('tr');
  await knockForm.getByRole('checkbox', { name: /interpreter/ }).check();
  await expect(knockForm.getByRole('combobox', { name: 'Language to interpret' })).toHaveValue('tr');

  // A message from the server, shown in German, follows the switch as well.
  const visitor = await citizen(browser);
  await visitor.page.goto('/staff/login');
  const login = visitor.page.getByRole('form', { name: 'Anmelden' });
  await login.getByLabel('E-Mail-Adresse').fill(STAFF.mehmet);
  await login.getByLabel('Passwort').fill('falsch-falsch');
  await login.getByRole('button', { name: 'Anmelden' }).click();
  const loginSummary = visitor.page.getByTestId('error-summary');
  await expect(loginSummary).toContainText('E-Mail-Adresse oder Passwort stimmen nicht.');
  await switchLanguage(visitor.page, 'en');
  await expect(loginSummary).toContainText('The email address or password is not correct.');
  await expect(loginSummary).not.toContainText('Passwort');
  visitor.errors.splice(0); // Chromium logs the 401 of the failed attempt
  expectNoBrowserErrors(erika, visitor);
});

test('the answer to asking for notifications takes the focus of the button it replaces', async ({ browser }) => {
  await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const nora = await citizen(browser);
  await knockViaForm(nora, 'fundbuero', { name: 'Nora Notiz' });
  const { page } = nora;
  await expect(page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  // By keyboard: headless Chromium answers "blocked" at once; the button is gone then.
  await tabTo(page, page.getByRole('button', { name: 'Benachrichtigung einschalten' }));
  await page.keyboard.press('Enter');
  const answer = page.getByText(/^Benachrichtigungen sind/);
  await expect(answer).toBeVisible();
  await expect(answer).toBeFocused();
  expectNoBrowserErrors(nora);
});

test('a second tab that showed the visit ended follows a new knock from the first one when shown again', async ({
  browser,
}) => {
  await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const hilde = await citizen(browser);
  await knockViaForm(hilde, 'fundbuero', { name: 'Hilde Zweitab' });
  const first = hilde.page;
  await expect(first.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');

  const second = await hilde.context.newPage();
  await second.goto(`/${TENANT}/fundbuero/wait`);
  await expect(second.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');

  // Leaving in the first tab ends the visit in both.
  await first.getByRole('button', { name: 'Warteschlange verlassen' }).click();
  await first.getByRole('button', { name: 'Ja, verlassen' }).click();
  await expect(mainHeading(first)).toHaveText('Ihr Besuch ist beendet');
  await expect(mainHeading(second)).toHaveText('Ihr Besuch ist beendet');

  // Knocking again in the first tab: the second learns it once it is shown again.
  await knockViaForm(hilde, 'fundbuero', { name: 'Hilde Zweitab', concern: 'Doch noch eine Frage' });
  await expect(first.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  await second.bringToFront();
  await second.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(mainHeading(second)).toHaveText('Wartebereich');
  await expect(second.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  await second.close();
  expectNoBrowserErrors(hilde);
});

// A door page left open in a second tab kept offering the knock form while the same person was
// already waiting from the first tab (a knock there led back to the same place, but confusingly).
test('a door page open in a second tab says the person is already waiting once it is shown again', async ({
  browser,
}) => {
  await clerkAt(browser, STAFF.mehmet, 'fundbuero');
  const jana = await citizen(browser);
  const second = await jana.context.newPage();
  await second.goto(`/${TENANT}/fundbuero`);
  await expect(second.getByRole('form', { name: 'Anklopfen' })).toBeVisible();

  await knockViaForm(jana, 'fundbuero', { name: 'Jana Zweitab' });
  await second.bringToFront();
  await second.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  const active = second.getByTestId('active-visit');
  await expect(active.getByRole('heading', { name: 'Sie warten bereits' })).toBeVisible();
  await expect(second.getByRole('form', { name: 'Anklopfen' })).toHaveCount(0);
  await active.getByRole('link', { name: 'Zum Wartebereich' }).click();
  await expect(second).toHaveURL(new RegExp(`/${TENANT}/fundbuero/wait$`));
  await expect(second.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  await second.close();
  expectNoBrowserErrors(jana);
});

// A clerk with a screen reader, looking at the console, heard nothing when someone knocked: the
// polite region spoke only while the tab was in the background (the tone is no words).
test('a new person in the queue, and one who stops waiting, is said by name in the clerk’s console while the clerk looks at it', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  await expect(clerk.page.getByTestId('queue-empty')).toBeVisible();
  await clerk.page.bringToFront();
  const said = clerk.page.getByTestId('knocks-announcement');
  await expect(said).toHaveAttribute('aria-live', 'polite');
  await expect(said).toHaveText('');

  const olga = await citizen(browser);
  const visit = await knockViaApi(olga, 'gewerbeamt', { name: 'Olga Neu' });
  await expect(clerk.page.getByTestId(`queue-entry-${visit.id}`)).toBeVisible();
  await expect(said).toHaveText('Neu in der Warteschlange: Olga Neu.');

  await switchLanguage(clerk.page, 'en');
  await knockViaApi(await citizen(browser), 'gewerbeamt', { name: 'Paul Auch' });
  await expect(said).toHaveText('New in the queue: Paul Auch.');

  // Who stops waiting is said too: the row went without a word.
  expect((await olga.request.post('/api/visit/leave')).status()).toBe(200);
  await expect(clerk.page.getByTestId(`queue-entry-${visit.id}`)).toHaveCount(0);
  await expect(said).toHaveText('No longer waiting: Olga Neu.');
  expectNoBrowserErrors(clerk);
});

// The person whose "Hereinbitten" had the clerk's focus left the queue: the row went with the
// button, the focus fell to the top of the page, and a keyboard user started over from there.
test('when the person whose row has the focus leaves, the focus goes on to letting the next person in', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  await knockViaApi(await citizen(browser), 'gewerbeamt', { name: 'Rita Bleibt' });
  const leaving = await citizen(browser);
  const visit = await knockViaApi(leaving, 'gewerbeamt', { name: 'Sven Geht' });
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  const admit = clerk.page.getByRole('button', { name: 'Sven Geht hereinbitten' });
  await tabTo(clerk.page, admit);

  expect((await leaving.request.post('/api/visit/leave')).status()).toBe(200);
  await expect(clerk.page.getByTestId(`queue-entry-${visit.id}`)).toHaveCount(0);
  await expect(clerk.page.getByRole('button', { name: 'Nächste Person hereinbitten' })).toBeFocused();
  await expect(clerk.page.getByRole('button', { name: 'Rita Bleibt hereinbitten' })).toBeVisible();
  expectNoBrowserErrors(clerk);
});

// At 320 px the appointments' table named itself in a caption as wide as the table (56rem): "Termine
// am Samstag, 5. D" ran off the right edge until the table was scrolled (the queue's had the same).
test('on a 320 px phone the name of the day’s appointments wraps within the screen', async ({ browser }) => {
  const clerk = await citizen(browser);
  const me = await signInAsStaff(clerk, 'clara.klein@testhausen.example', TESTHAUSEN_PASSWORD);
  const id = me.staff.departments.find((d) => d.slug === 'termine' && d.tenantSlug === 'testhausen')!.id;
  // Far ahead, the day's last slot: clear of the booking specs' slots.
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(
    new Date(Date.now() + 23 * 24 * 3_600_000),
  );
  const api = '/api/tenants/testhausen/departments/termine';
  const slots = SlotsResponseSchema.parse(
    await (await clerk.request.get(`${api}/slots?services=beratung&persons=1&from=${day}&days=7`)).json(),
  ).days.find((found) => found.slots.length > 0)!;
  const booked = await clerk.request.post(`${api}/appointments`, {
    data: {
      services: ['beratung'],
      persons: 1,
      startsAt: slots.slots.at(-1)!.startsAt,
      name: 'Uta Schmalbild',
      email: `uta.${Date.now()}@example.org`,
      language: 'de',
      consent: true,
    } satisfies BookingRequest,
    headers: { 'X-Forwarded-For': '10.9.7.20' },
  });
  expect(booked.status()).toBe(201);
  const { appointment } = (await booked.json()) as { appointment: { id: string } };
  people.tidyWith(async () => {
    await clerk.request.post(`/api/staff/departments/${id}/appointments/${appointment.id}/cancel`, { data: {} });
  });

  await clerk.page.setViewportSize({ width: 320, height: 640 });
  await clerk.page.goto(`/staff/${id}`);
  const panel = clerk.page.getByTestId('appointments-panel');
  await panel.getByLabel('Datum').fill(slots.date);
  const table = panel.getByRole('table', { name: /^Termine am / });
  await expect(table.getByRole('row', { name: /Uta Schmalbild/ })).toBeVisible();
  await expect(panel.getByRole('region', { name: /^Termine am / })).toBeVisible();
  const name = panel.getByText(/^Termine am /);
  const box = (await name.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(320);
  expect(await clerk.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await expectNoA11yViolations(clerk.page);
  expectNoBrowserErrors(clerk);
});

// A long name in the day's appointments ran off the right edge at 320 px ("Maximilianeaugust…"),
// readable only by scrolling the table sideways.
test('on a 320 px phone a long name in the day’s appointments is in view in full, beside its time', async ({
  browser,
}) => {
  const name = 'Maximilianeaugustinahildegardis-Schwarzenbergerstraße';
  const clerk = await citizen(browser);
  const me = await signInAsStaff(clerk, 'clara.klein@testhausen.example', TESTHAUSEN_PASSWORD);
  const id = me.staff.departments.find((d) => d.slug === 'termine' && d.tenantSlug === 'testhausen')!.id;
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(
    new Date(Date.now() + 29 * 24 * 3_600_000),
  );
  const api = '/api/tenants/testhausen/departments/termine';
  const slots = SlotsResponseSchema.parse(
    await (await clerk.request.get(`${api}/slots?services=beratung&persons=1&from=${day}&days=7`)).json(),
  ).days.find((found) => found.slots.length > 0)!;
  const booked = await clerk.request.post(`${api}/appointments`, {
    data: {
      services: ['beratung'],
      persons: 1,
      startsAt: slots.slots.at(-1)!.startsAt,
      name,
      email: `maximiliane.augustina.${Date.now()}@example.org`,
      language: 'de',
      consent: true,
    } satisfies BookingRequest,
    headers: { 'X-Forwarded-For': '10.9.7.22' },
  });
  expect(booked.status()).toBe(201);
  const { appointment } = (await booked.json()) as { appointment: { id: string } };
  people.tidyWith(async () => {
    await clerk.request.post(`/api/staff/departments/${id}/appointments/${appointment.id}/cancel`, { data: {} });
  });

  await clerk.page.setViewportSize({ width: 320, height: 640 });
  await clerk.page.goto(`/staff/${id}`);
  const panel = clerk.page.getByTestId('appointments-panel');
  await panel.getByLabel('Datum').fill(slots.date);
  const region = panel.getByRole('region', { name: /^Termine am / });
  const cell = region.getByTestId(`appointment-${appointment.id}`).getByRole('rowheader');
  await expect(cell).toContainText(name);
  await region.evaluate((element) => element.scrollTo({ left: 0 }));
  const shown = (await region.boundingBox())!;
  const box = (await cell.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(shown.x);
  expect(box.x + box.width).toBeLessThanOrEqual(Math.min(shown.x + shown.width, 320));
  // Nothing of it cut: the cell's text, its e-mail address too, wraps within the cell.
  expect(await cell.evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
  // Broken between syllables where the browser knows the page's language.
  expect(
    await cell.evaluate((element) => [
      getComputedStyle(element).hyphens,
      element.closest('[lang]')?.getAttribute('lang'),
    ]),
  ).toEqual(['auto', 'de']);
  expect(await clerk.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await expectNoA11yViolations(clerk.page);
  expectNoBrowserErrors(clerk);
});

// Let in, the person left before the call: the clerk's "Ihr Gespräch" went quietly to "Sie sind
// gerade in keinem Gespräch", the focus (on "Zum Gespräch") fell to the top of the page, and
// nothing said why.
test('when the person let in leaves before the call, the clerk is told and the focus goes on to the next', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const lena = await citizen(browser);
  await knockViaApi(lena, 'gewerbeamt', { name: 'Lena Geht' });
  await openWaitingRoom(lena, 'gewerbeamt');
  await clerk.page.goto(`/staff/${clerk.departmentId}`);
  await clerk.page.getByRole('button', { name: 'Lena Geht hereinbitten' }).press('Enter');
  const current = clerk.page.getByTestId('current-visit');
  await expect(current.getByRole('link', { name: 'Zum Gespräch' })).toBeFocused();

  expect((await lena.request.post('/api/visit/leave')).status()).toBe(200);
  const said = current.getByTestId('current-gone');
  await expect(said).toHaveText(
    'Lena Geht ist nicht mehr bei Ihnen: Die Person hat den Warteraum verlassen, oder das Gespräch wurde in einem anderen Fenster beendet.',
  );
  await expect(said.locator('..')).toHaveAttribute('aria-live', 'polite');
  await expect(clerk.page.getByRole('button', { name: 'Nächste Person hereinbitten' })).toBeFocused();
  await switchLanguage(clerk.page, 'en');
  await expect(said).toHaveText(
    'Lena Geht is no longer with you: they left the waiting room, or the conversation was ended in another window.',
  );
  await expectNoA11yViolations(clerk.page);

  // Finishing here says nothing of the kind.
  await switchLanguage(clerk.page, 'de');
  const nina = await citizen(browser);
  await knockViaApi(nina, 'gewerbeamt', { name: 'Nina Bleibt' });
  await clerk.page.getByRole('button', { name: 'Nina Bleibt hereinbitten' }).click();
  await expect(said).toHaveCount(0);
  await current.getByRole('button', { name: 'Beenden' }).click();
  await expect(current).toContainText('Sie sind gerade in keinem Gespräch.');
  await expect(said).toHaveCount(0);
  expectNoBrowserErrors(clerk);
});

// The notice that the person let in has gone stayed until the next person was let in: with nobody
// waiting, all afternoon, and nothing to put it away with.
test('the notice that the person let in has gone can be put away by keyboard, the focus going on to the next person', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const lena = await citizen(browser);
  await knockViaApi(lena, 'gewerbeamt', { name: 'Lena Geht' });
  const { page } = clerk;
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`/staff/${clerk.departmentId}`);
  await page.getByRole('button', { name: 'Lena Geht hereinbitten' }).press('Enter');
  const current = page.getByTestId('current-visit');
  await expect(current.getByRole('link', { name: 'Zum Gespräch' })).toBeFocused();
  expect((await lena.request.post('/api/visit/leave')).status()).toBe(200);
  const said = current.getByTestId('current-gone');
  await expect(said).toContainText('Lena Geht ist nicht mehr bei Ihnen');
  const next = page.getByRole('button', { name: 'Nächste Person hereinbitten' });
  await expect(next).toBeFocused();
  await expect(page.getByTestId('queue-empty')).toBeVisible();
  await switchLanguage(page, 'en');
  const close = current.getByRole('button', { name: 'Close this notice' });
  await expect(close).toBeVisible();
  await expectNoA11yViolations(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await switchLanguage(page, 'de');
  // Reached from "next" by keyboard (Shift+Tab: it comes before the queue), and put away.
  await next.focus();
  const closeDe = current.getByRole('button', { name: 'Hinweis schließen' });
  for (let i = 0; i < 10 && !(await closeDe.evaluate((element) => element === document.activeElement)); i += 1) {
    await page.keyboard.press('Shift+Tab');
  }
  await expect(closeDe).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(said).toHaveCount(0);
  await expect(closeDe).toHaveCount(0);
  await expect(current).toContainText('Sie sind gerade in keinem Gespräch.');
  await expect(next).toBeFocused();
  await expectNoA11yViolations(page);
  expectNoBrowserErrors(clerk);
});

// The knock form was replaced by "Anklopfen ist gerade nicht möglich" the moment the door paused
// or filled up, and came back empty: what an elderly citizen had typed slowly was gone, and the
// focus, in the field just removed, fell to the top of the page unsaid.
test('a citizen typing while the door pauses for a moment keeps what they typed, and the focus says why', async ({
  browser,
}) => {
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const greta = await citizen(browser);
  const { page } = greta;
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`/${TENANT}/gewerbeamt`);
  const form = page.getByRole('form', { name: 'Anklopfen' });
  await form.getByLabel(/^Name/).fill('Greta Geduld');
  const concern = form.getByLabel(/^Ihr Anliegen/);
  await concern.fill('Ich möchte mein Gewerbe abmelden.');
  await expect(concern).toBeFocused();

  await setDoor(clerk, clerk.departmentId, 'paused');
  const unavailable = page.getByTestId('knock-unavailable');
  await expect(unavailable).toHaveAttribute('data-reason', 'paused');
  await expect(form).toBeHidden();
  await expect(unavailable.getByRole('heading', { name: 'Anklopfen ist gerade nicht möglich' })).toBeFocused();
  await expectNoA11yViolations(page);

  await setDoor(clerk, clerk.departmentId, 'open');
  await expect(unavailable).toBeHidden();
  await expect(form.getByRole('heading', { name: 'Anklopfen' })).toBeFocused();
  await expect(form.getByLabel(/^Name/)).toHaveValue('Greta Geduld');
  await expect(concern).toHaveValue('Ich möchte mein Gewerbe abmelden.');
  expectNoBrowserErrors(clerk, greta);
});

// A knock refused because the door had closed meanwhile kept its refusal ("Das Amt ist gerade
// geschlossen") above the form once the door opened again, contradicting the usable form.
test('a knock refused at a closed door loses its refusal once the door opens, the focus staying in the form', async ({
  browser,
}) => {
  test.slow(); // two citizens, the door closed and opened, two refused knocks
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const hanna = await citizen(browser);
  const { page } = hanna;
  await page.goto(`/${TENANT}/gewerbeamt`);
  const form = page.getByRole('form', { name: 'Anklopfen' });
  await form.getByLabel(/^Name/).fill('Hanna Hoffnung');
  await form.getByLabel(/^Ihr Anliegen/).fill('Eine Frage zur Gewerbeanmeldung');
  await form.getByRole('checkbox', { name: /Datenschutz/ }).check();

  // The knock is on its way while the clerk closes the door: the server refuses it as closed.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/tenants/*/departments/*/knock', async (route) => {
    await held;
    await route.continue();
  });
  await form.getByRole('button', { name: 'Anklopfen' }).click();
  await setDoor(clerk, clerk.departmentId, 'closed');
  const unavailable = page.getByTestId('knock-unavailable');
  await expect(unavailable).toHaveAttribute('data-reason', 'closed');
  await expect(form).toBeHidden();
  const refused = page.waitForResponse((response) => response.url().endsWith('/knock'));
  release();
  expect((await refused).status()).toBe(409);
  const failure = page.getByTestId('knock-failure');
  await expect(failure).toContainText('Das Amt ist gerade geschlossen.');
  await page.unroute('**/api/tenants/*/departments/*/knock');

  await setDoor(clerk, clerk.departmentId, 'open');
  await expect(form).toBeVisible();
  await expect(failure).toHaveText('');
  await expect(form.getByRole('heading', { name: 'Anklopfen' })).toBeFocused();
  await expect(form.getByLabel(/^Name/)).toHaveValue('Hanna Hoffnung');
  await expectNoA11yViolations(page);

  // Refused as closed while this page still saw the door open (its update had not come yet), the
  // focus on the refusal: the next word of an open door takes the refusal away, and the focus goes
  // to the first field, not to the page's top.
  await page.route('**/api/tenants/*/departments/*/knock', (route) =>
    route.fulfill({
      status: 409,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({ type: 'about:blank', title: 'Geschlossen', status: 409, code: 'door_closed' }),
    }),
  );
  // The server has the door open, so any word from it (another citizen's knock, or one already on
  // its way on a busy machine) takes this refusal away: what the refusal said, and that it took
  // the focus, are recorded in the page rather than read afterwards, when it may already be gone.
  await failure.evaluate((element) => {
    const seen = { said: [] as string[], focused: false };
    (window as unknown as { refusal: typeof seen }).refusal = seen;
    new MutationObserver(() => seen.said.push(element.textContent ?? '')).observe(element, {
      childList: true,
      subtree: true,
      characterData: true,
    });
    element.addEventListener('focus', () => (seen.focused = true));
  });
  await form.getByRole('button', { name: 'Anklopfen' }).click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { refusal: { said: string[]; focused: boolean } }).refusal))
    .toEqual({ said: expect.arrayContaining(['Das Amt ist gerade geschlossen.']) as string[], focused: true });
  await knockViaApi(await citizen(browser), 'gewerbeamt', { name: 'Ida Andere', concern: 'Noch eine Frage' });
  await expect(failure).toHaveText('');
  await expect(form.getByLabel(/^Name/)).toBeFocused();
  // The browser logs each refused knock's 409; nothing else.
  expect(hanna.errors.filter((error) => !/status of 409 .*\/knock$/.test(error))).toEqual([]);
  expectNoBrowserErrors(clerk);
});

// A phone that lost its network kept showing "Sie sind als Nächstes dran" as if live, saying
// nothing until an unanswered ping 20 to 40 seconds later; the browser knows at once.
test('a waiting citizen whose network drops is told so at once, hears when it is back, and keeps the place', async ({
  browser,
}) => {
  await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const nils = await citizen(browser);
  const { page } = nils;
  await knockViaApi(nils, 'gewerbeamt', { name: 'Nils Netzlos' });
  await openWaitingRoom(nils, 'gewerbeamt');
  await expect(page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  const status = page.getByTestId('live-status');
  await expect(status).toBeEmpty();

  await nils.context.setOffline(true);
  await expect(status).toHaveText('Verbindung unterbrochen – wird wiederhergestellt …');

  // Back: said too (someone who heard it drop hears it return), and then the notice goes.
  await nils.context.setOffline(false);
  await expect(status).toHaveText('Wieder verbunden.');
  await expect(page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  await expect(status).toBeEmpty({ timeout: 10_000 });
  nils.errors.splice(0); // Chromium logs the refused connection attempts while offline
  expectNoBrowserErrors(nils);
});

// When the door closed, a waiting person's screen reader said only "Wartezeit: ungewiss"; the
// notice below, that the place is kept and until when if nobody is on duty, appeared unsaid.
test('a waiting citizen hears the notice that comes when the door closes, not only sees it', async ({ browser }) => {
  test.slow(); // two citizens, the door closed and opened, two refused knocks
  const clerk = await clerkAt(browser, STAFF.petra, 'gewerbeamt');
  const hanna = await citizen(browser);
  const { page } = hanna;
  await knockViaApi(hanna, 'gewerbeamt', { name: 'Hanna Hört' });
  await openWaitingRoom(hanna, 'gewerbeamt');
  await expect(page.getByTestId('position')).toHaveText('Sie sind als Nächstes dran');
  const region = page.locator('[aria-live="polite"]:not([role]):not([data-testid])');
  await expect(region).toHaveCount(1);
  await expect(region).toBeEmpty();

  await setDoor(clerk, clerk.departmentId, 'closed');
  const notice = region.getByTestId('door-notice');
  await expect(notice).toHaveAttribute('data-reason', 'closed');
  await expect(notice).toContainText('Ihr Platz bleibt erhalten');
  expectNoBrowserErrors(clerk, hanna);
});
