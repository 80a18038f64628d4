import { BookingResponseSchema, SlotsResponseSchema, type BookingRequest } from '@amtsraum/shared';
import { berlinDay } from './berlin-day';
import { expect, expectNoA11yViolations, mainHeading, test } from './fixtures';
import { startAppWithDatabase, TEST_DATABASE_URL } from './servers';
import { departmentId, expectNoBrowserErrors, newPerson, peoplePerTest, signInAsStaff, STAFF, TENANT } from './support';

// A clerk marks an appointment nobody came to (issue 6). The office refuses that before the start
// plus the department's grace, on its own clock, which a test cannot move. So this spec has an app
// of its own on a fresh PostgreSQL database, books a video appointment there as a citizen does,
// and then moves its start a quarter of an hour into the past in the database: the appointment
// row as the app would hold it had it been booked earlier. Nothing of ours is mocked.
test.describe.configure({ timeout: 150_000 });
test.skip(!TEST_DATABASE_URL, 'the appointment in the past needs PostgreSQL: set TEST_DATABASE_URL');

const DEPARTMENT = 'buergeramt';
const SERVICE = 'personalausweis';
/** The demo's Bürgeramt: ten minutes after the start, an appointment can be marked (demo.installation.json). */
const GRACE_MINUTES = 10;

let app: Awaited<ReturnType<typeof startAppWithDatabase>> | null = null;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  app = await startAppWithDatabase();
});
test.afterAll(async () => {
  await app?.stop();
});

const people = peoplePerTest();

test('the clerk marks a no-show, the console says so and keeps the focus, and the manage link then shows the appointment as missed', async ({
  browser,
}) => {
  const { url, sql } = app!;
  const citizen = people.add(await newPerson(browser, { baseURL: url }));
  const clerk = people.add(await newPerson(browser, { baseURL: url }));

  // Booked as a citizen does: the first free slot of the next two weeks.
  const slots = await citizen.request.get(
    `/api/tenants/${TENANT}/departments/${DEPARTMENT}/slots?services=${SERVICE}&persons=1&from=${berlinDay()}&days=14`,
  );
  expect(slots.status()).toBe(200);
  const free = SlotsResponseSchema.parse(await slots.json()).days.flatMap((day) => day.slots);
  expect(free.length, 'a free slot in the demo’s Bürgeramt').toBeGreaterThan(0);
  const email = `nina.${String(Date.now())}@example.org`;
  const request: BookingRequest = {
    services: [SERVICE],
    persons: 1,
    startsAt: free[0]!.startsAt,
    name: 'Nina Nichtda',
    email,
    language: 'de',
    consent: true,
  };
  const booked = await citizen.request.post(`/api/tenants/${TENANT}/departments/${DEPARTMENT}/appointments`, {
    data: request,
    headers: { 'X-Forwarded-For': citizen.address },
  });
  expect(booked.status(), await booked.text()).toBe(201);
  const { appointment } = BookingResponseSchema.parse(await booked.json());

  // Its start a quarter of an hour ago (the runner's clock, as the app's), its length kept.
  const startsAt = new Date(Date.now() - (GRACE_MINUTES + 5) * 60_000);
  const moved = await sql`
    update appointments set starts_at = ${startsAt}, ends_at = ${startsAt} + (ends_at - starts_at)
    where id = ${appointment.id} and state = 'booked'`;
  expect(moved.count).toBe(1);

  // The clerk's console: the appointment's day (today, unless it began before midnight).
  const me = await signInAsStaff(clerk, STAFF.anna);
  const { page } = clerk;
  await page.goto(`/staff/${departmentId(me, DEPARTMENT)}`);
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
