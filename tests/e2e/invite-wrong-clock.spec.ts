import { CreatedInviteSchema } from '@amtsraum/shared';
import { appForPastAppointments, PAST_DEPARTMENT } from './appointment-in-the-past';
import { expect, expectNoA11yViolations, mainHeading, test } from './fixtures';
import {
  departmentId,
  expectNoBrowserErrors,
  newPerson,
  peoplePerTest,
  signInAsStaff,
  STAFF,
  type Person,
} from './support';

// An interpreter's phone whose clock is a day off: the invitation page says whether the appointment's
// call is still to come by the office's clock, which comes with each answer about the seat. The
// appointments are booked on an app of the spec's own and their start moved
// (appointment-in-the-past.ts); the office's clock is the runner's, the phone's is moved with `page.clock`.
const app = appForPastAppointments();

const people = peoplePerTest();

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** An interpreter link for an appointment starting at `startsAt`, made by Anna. */
async function linkFor(citizen: Person, clerk: Person, name: string, startsAt: Date, slot: number): Promise<string> {
  const { appointment } = await app.bookInThePast(citizen, {
    name,
    email: `${name.toLowerCase()}.${String(Date.now())}@example.org`,
    startsAt,
    slot,
  });
  const me = await signInAsStaff(clerk, STAFF.anna);
  const made = await clerk.request.post(
    `/api/staff/departments/${departmentId(me, PAST_DEPARTMENT)}/appointments/${appointment.id}/invites`,
    { data: { role: 'interpreter', label: 'Dolmetscherin Türkisch' } },
  );
  expect(made.status(), await made.text()).toBe(201);
  return CreatedInviteSchema.parse(await made.json()).url;
}

/** The interpreter opens `url` on a phone whose clock stands `off` from the real time, and goes on. */
async function openOnPhoneOff(browser: Parameters<typeof newPerson>[0], url: string, off: number): Promise<Person> {
  const interpreter = people.add(await newPerson(browser, { baseURL: app.url() }));
  await interpreter.page.clock.install({ time: Date.now() + off });
  await interpreter.page.goto(url);
  await interpreter.page.getByLabel('Ihr Name (freiwillig)').fill('Elif Demir');
  await interpreter.page.getByRole('button', { name: 'Weiter', exact: true }).click();
  await expect(mainHeading(interpreter.page)).toHaveText('Das Gespräch hat noch nicht begonnen');
  return interpreter;
}

test('on a phone whose clock is a day ahead, an appointment’s call still to come is said to come, and on one a day behind an overdue call is said to begin any moment', async ({
  browser,
}) => {
  const citizen = people.add(await newPerson(browser, { baseURL: app.url() }));
  const clerk = people.add(await newPerson(browser, { baseURL: app.url() }));

  // In two hours, on the office's clock: by the phone's, it was yesterday ("any moment now").
  const later = new Date(Date.now() + 120 * MINUTE);
  const ahead = await openOnPhoneOff(browser, await linkFor(citizen, clerk, 'Olga', later, 0), DAY);
  const time = new Intl.DateTimeFormat('de-DE', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'Europe/Berlin',
  }).format(later);
  const day = new Intl.DateTimeFormat('de-DE', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'Europe/Berlin',
  }).format(later);
  await expect(ahead.page.getByTestId('invite-not-started').getByRole('status')).toHaveText(
    `Das Gespräch beginnt am ${day} um ${time} Uhr. Öffnen Sie diesen Link kurz vorher noch einmal, oder lassen Sie die Seite offen.`,
  );
  await expectNoA11yViolations(ahead.page);

  // Five minutes ago, on the office's clock: by the phone's, it was tomorrow.
  const overdue = new Date(Date.now() - 5 * MINUTE);
  const behind = await openOnPhoneOff(browser, await linkFor(citizen, clerk, 'Paul', overdue, 1), -DAY);
  await expect(behind.page.getByTestId('invite-not-started').getByRole('status')).toHaveText(
    'Das Gespräch sollte jeden Moment beginnen. Diese Seite aktualisiert sich von selbst.',
  );
  expectNoBrowserErrors(citizen, clerk, ahead, behind);
});
