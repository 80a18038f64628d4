import { CreatedInviteSchema } from '@amtsraum/shared';
import { appForPastAppointments, PAST_DEPARTMENT } from './appointment-in-the-past';
import { berlinDay } from './berlin-day';
import { expect, expectNoA11yViolations, mainHeading, test } from './fixtures';
import { departmentId, expectNoBrowserErrors, newPerson, peoplePerTest, signInAsStaff, STAFF } from './support';

// Invitations for a booked appointment whose start has passed while nobody has opened its call yet:
// booked on an app of the spec's own, its start moved into the past (appointment-in-the-past.ts).
const app = appForPastAppointments();

const people = peoplePerTest();

test('each appointment’s invitations button names the time and the person, and an interpreter whose appointment is overdue reads that the call begins any moment', async ({
  browser,
}) => {
  const citizen = people.add(await newPerson(browser, { baseURL: app.url() }));
  const clerk = people.add(await newPerson(browser, { baseURL: app.url() }));
  const interpreter = people.add(await newPerson(browser, { baseURL: app.url() }));

  // Booked as a citizen does, its start then five minutes ago; nobody has opened its call.
  const { appointment, startsAt } = await app.bookInThePast(citizen, {
    name: 'Olga Spät',
    email: `olga.${String(Date.now())}@example.org`,
    minutesAgo: 5,
  });
  const time = new Intl.DateTimeFormat('de-DE', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Berlin',
  }).format(startsAt);

  // The console: the row's button says whose appointment it is and when (every row said only
  // "Einladungen für diesen Termin").
  const me = await signInAsStaff(clerk, STAFF.anna);
  const { page } = clerk;
  await page.goto(`/staff/${departmentId(me, PAST_DEPARTMENT)}`);
  const panel = page.getByTestId('appointments-panel');
  if (berlinDay(startsAt) !== berlinDay()) await panel.getByRole('button', { name: 'Vorheriger Tag' }).click();
  const row = panel.getByTestId('appointments').getByRole('row', { name: /Olga Spät/ });
  const manage = row.getByRole('button', {
    name: `Einladungen für diesen Termin: ${time} Uhr, Olga Spät`,
    exact: true,
  });
  await expect(manage).toHaveText('Einladungen für diesen Termin');
  await manage.click();
  await expect(manage).toHaveAttribute('aria-expanded', 'true');
  await expectNoA11yViolations(page);

  // A link for the appointment, opened by the interpreter after the start: not "Öffnen Sie diesen
  // Link kurz vorher noch einmal" for a time already gone.
  const made = await clerk.request.post(
    `/api/staff/departments/${departmentId(me, PAST_DEPARTMENT)}/appointments/${appointment.id}/invites`,
    { data: { role: 'interpreter', label: 'Dolmetscherin Türkisch' } },
  );
  expect(made.status(), await made.text()).toBe(201);
  await interpreter.page.goto(CreatedInviteSchema.parse(await made.json()).url);
  await interpreter.page.getByLabel('Ihr Name (freiwillig)').fill('Elif Demir');
  await interpreter.page.getByRole('button', { name: 'Weiter', exact: true }).click();
  await expect(mainHeading(interpreter.page)).toHaveText('Das Gespräch hat noch nicht begonnen');
  await expect(interpreter.page.getByTestId('invite-not-started').getByRole('status')).toHaveText(
    'Das Gespräch sollte jeden Moment beginnen. Diese Seite aktualisiert sich von selbst.',
  );
  await expectNoA11yViolations(interpreter.page);
  expectNoBrowserErrors(citizen, clerk, interpreter);
});
