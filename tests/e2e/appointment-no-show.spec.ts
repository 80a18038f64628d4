import { MailboxListSchema, MailboxMessageSchema } from '@amtsraum/shared';
import { appForPastAppointments, PAST_DEPARTMENT } from './appointment-in-the-past';
import { berlinDay } from './berlin-day';
import { expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';
import { departmentId, expectNoBrowserErrors, newPerson, peoplePerTest, signInAsStaff, STAFF, TENANT } from './support';

// A clerk marks an appointment nobody came to (issue 6). The office refuses that before the start
// plus the department's grace, on its own clock: the appointment is booked on an app of the spec's
// own and its start moved into the past (appointment-in-the-past.ts).
const app = appForPastAppointments();

/** The demo's Bürgeramt: ten minutes after the start, an appointment can be marked (demo.installation.json). */
const GRACE_MINUTES = 10;

const people = peoplePerTest();

test('the clerk marks a no-show, the console says so and keeps the focus, and the manage link then shows the appointment as missed', async ({
  browser,
}) => {
  const citizen = people.add(await newPerson(browser, { baseURL: app.url() }));
  const clerk = people.add(await newPerson(browser, { baseURL: app.url() }));

  // Booked as a citizen does, its start then a quarter of an hour ago.
  const email = `nina.${String(Date.now())}@example.org`;
  const { startsAt } = await app.bookInThePast(citizen, {
    name: 'Nina Nichtda',
    email,
    startsAt: new Date(Date.now() - (GRACE_MINUTES + 5) * 60_000),
  });

  // The clerk's console: the appointment's day (today, unless it began before midnight).
  const me = await signInAsStaff(clerk, STAFF.anna);
  const { page } = clerk;
  await page.goto(`/staff/${departmentId(me, PAST_DEPARTMENT)}`);
  const panel = page.getByTestId('appointments-panel');
  await expect(panel.getByTestId('appointments-day')).toHaveText(/^Heute, /);
  if (berlinDay(startsAt) !== berlinDay()) await panel.getByRole('button', { name: 'Vorheriger Tag' }).click();
  const row = panel.getByTestId('appointments').getByRole('row', { name: /Nina Nichtda/ });
  await expect(row.getByTestId('appointment-state')).toHaveText('Gebucht');
  const ask = row.getByRole('button', { name: 'Nina Nichtda: nicht erschienen' });
  await expect(ask).not.toHaveAttribute('aria-disabled');

  // By keyboard: the question, "Ja", and the office agrees.
  await ask.focus();
  await page.keyboard.press('Enter');
  const question = row.getByRole('group', { name: /Nina Nichtda wirklich als nicht erschienen vermerken/ });
  const yes = question.getByRole('button', { name: 'Ja, nicht erschienen' });
  await expect(yes).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(panel.getByTestId('appointments-message')).toHaveText('Nina Nichtda ist als nicht erschienen vermerkt.');
  await expect(row.getByTestId('appointment-state')).toHaveText('Nicht erschienen');
  // The row's buttons went with the marking: the focus is on the panel's heading, not lost to the page.
  await expect(row.getByRole('button', { name: /nicht erschienen/ })).toHaveCount(0);
  await expect(panel.getByRole('heading', { level: 2, name: 'Termine' })).toBeFocused();
  await expectNoA11yViolations(page);

  // The citizen's manage link from the confirmation e-mail: the appointment was missed.
  const mailbox = citizen.page;
  await mailbox.goto('/dev/mailbox');
  await expect(mainHeading(mailbox)).toHaveText('Entwicklungs-Postfach');
  const entry = mailbox.getByTestId('mailbox-entry').filter({ hasText: email });
  await expect(entry).toHaveCount(1);
  await entry.getByRole('link').click();
  await mailbox.getByTestId('message-text').locator('a[href*="/termin#"]').click();
  await expect(mainHeading(mailbox)).toHaveText('Ihr Termin');
  const state = mailbox.getByTestId('appointment-state');
  await expect(state).toHaveAttribute('data-state', 'no_show');
  await expect(state).toHaveText('Dieser Termin ist verstrichen.');
  // Nothing left to do with it: no cancelling or moving a missed appointment.
  await expect(mailbox.getByRole('button', { name: 'Termin absagen' })).toHaveCount(0);
  await expectNoA11yViolations(mailbox);
  expectNoBrowserErrors(citizen, clerk);
});

test('a citizen who comes after the appointment’s start reads in the waiting room that the place still holds; one on time does not', async ({
  browser,
}) => {
  const citizen = people.add(await newPerson(browser, { baseURL: app.url() }));
  const { page } = citizen;
  // Its start in five minutes: the waiting room is open (from ten minutes before).
  const email = `lotte.${String(Date.now())}@example.org`;
  const { appointment } = await app.bookInThePast(citizen, {
    name: 'Lotte Spät',
    email,
    startsAt: new Date(Date.now() + 5 * 60_000),
  });
  let text = '';
  await expect
    .poll(async () => {
      const list = MailboxListSchema.parse(await (await citizen.request.get('/api/dev/mailbox')).json());
      const mail = list.messages.find((m) => m.to === email && m.kind === 'appointment.confirmation');
      if (mail)
        text = MailboxMessageSchema.parse(await (await citizen.request.get(`/api/dev/mailbox/${mail.id}`)).json()).text;
      return text !== '';
    }, 'the confirmation e-mail')
    .toBe(true);
  const join = /\/termin\/beitreten#[A-Za-z0-9_-]{43}/.exec(text)?.[0];
  const manage = /\/termin#([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  if (!join || !manage) throw new Error('no join or manage link in the confirmation');
  const waiting = `/${TENANT}/${PAST_DEPARTMENT}/wait`;
  const late = page.getByTestId('late');
  const leave = async () => {
    await page.getByRole('button', { name: 'Warteraum verlassen' }).click();
    await page.getByRole('button', { name: 'Ja, verlassen' }).click();
    await expect(page.getByTestId('ended')).toBeVisible();
  };

  // On time: the appointment's time, and nothing about being late.
  await page.goto(join);
  await expect(page).toHaveURL(new RegExp(`${waiting}$`));
  await expect(page.getByTestId('appointment-time')).toBeVisible();
  await expect(page.getByTestId('position')).toBeVisible();
  await expect(late).toHaveCount(0);
  // Gone again (the appointment stays booked); its start then passes.
  await leave();
  await app.moveStart(appointment.id, new Date(Date.now() - 5_000));

  // Back after the start, with nobody there yet to let her in: the page says calmly that it holds.
  await page.goto(join);
  await expect(page).toHaveURL(new RegExp(`${waiting}$`));
  await expect(late).toHaveText(
    'Ihr Termin hat schon begonnen. Ihr Platz bleibt: Sie werden hereingebeten, sobald jemand frei ist.',
  );
  await expectNoA11yViolations(page);
  await switchLanguage(page, 'en');
  await expect(late).toHaveText(
    'Your appointment has already begun. You keep your place: you will be let in as soon as someone is free.',
  );
  await switchLanguage(page, 'de');

  // Its clerk's time is free again for the other tests of this app: begun, it can no longer be
  // cancelled, so it is moved a year on first.
  await leave();
  await app.moveStart(appointment.id, new Date(Date.now() + 365 * 24 * 3_600_000));
  expect((await citizen.request.post('/api/appointments/cancel', { data: { token: manage } })).status()).toBe(200);
  expectNoBrowserErrors(citizen);
});
