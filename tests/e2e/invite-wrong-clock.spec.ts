import { CreatedInviteSchema, InviteListSchema } from '@amtsraum/shared';
import { appForPastAppointments, PAST_DEPARTMENT } from './appointment-in-the-past';
import { berlinDay } from './berlin-day';
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

test('a clerk whose laptop runs on New York time makes a link valid until 18:00 on the town’s clock, and the panel says so', async ({
  browser,
}) => {
  const citizen = people.add(await newPerson(browser, { baseURL: app.url() }));
  const clerk = people.add(await newPerson(browser, { baseURL: app.url(), timezoneId: 'America/New_York' }));
  const startsAt = new Date(Date.now() + 60 * MINUTE);
  const { appointment } = await app.bookInThePast(citizen, {
    name: 'Nora Neu',
    email: `nora.${String(Date.now())}@example.org`,
    startsAt,
    slot: 2,
  });
  const me = await signInAsStaff(clerk, STAFF.anna);
  const department = departmentId(me, PAST_DEPARTMENT);
  const { page } = clerk;
  await page.goto(`/staff/${department}`);
  const appointments = page.getByTestId('appointments-panel');
  if (berlinDay(startsAt) !== berlinDay()) await appointments.getByRole('button', { name: 'Nächster Tag' }).click();
  const row = appointments.getByTestId('appointments').getByRole('row', { name: /Nora Neu/ });
  await row.getByRole('button', { name: /^Einladungen für diesen Termin/ }).click();
  const panel = page.getByTestId('invite-panel');

  // The day after tomorrow, 18:00 in Musterstadt: midnight there by the laptop's clock (it made the
  // link run out six hours late, and said "00:00").
  const day = berlinDay(new Date(Date.now() + 2 * DAY));
  const until = panel.getByLabel('Gültig bis (freiwillig)');
  await expect(until).toHaveAccessibleDescription(
    'Leer lassen: gültig, bis der Besuch endet. Alle Zeiten in der Ortszeit der Kommune (Europe/Berlin).',
  );
  await until.fill(`${day}T18:00`);
  await panel.getByRole('button', { name: 'Einladungslink erstellen' }).click();
  await expect(panel.getByTestId('invite-url')).toBeFocused();
  const shownDay = new Intl.DateTimeFormat('de-DE', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'Europe/Berlin',
  }).format(new Date(`${day}T12:00:00Z`));
  await expect(panel.getByTestId('invite-state')).toHaveText(`gültig bis ${shownDay}, 18:00 Uhr`);

  const list = InviteListSchema.parse(
    await (
      await clerk.request.get(`/api/staff/departments/${department}/appointments/${appointment.id}/invites`)
    ).json(),
  );
  const berlinClock = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Berlin',
    dateStyle: 'short',
    timeStyle: 'short',
  });
  expect(list.invites.map((invite) => invite.expiresAt && berlinClock.format(new Date(invite.expiresAt)))).toEqual([
    `${day} 18:00`,
  ]);
  await expectNoA11yViolations(page);
  expectNoBrowserErrors(citizen, clerk);
});
