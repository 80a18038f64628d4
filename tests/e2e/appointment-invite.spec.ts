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
    startsAt: new Date(Date.now() - 5 * 60_000),
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

test('two appointments asking for the same interpreter language have interpreter buttons named after their appointment, in German and English', async ({
  browser,
}) => {
  const citizen = people.add(await newPerson(browser, { baseURL: app.url() }));
  // Both today, an hour apart (appointments may not overlap), and clear of the other test's
  // appointment five minutes ago: hours before now, or after it early in the day.
  const now = Date.now();
  const before = [now - 125 * 60_000, now - 185 * 60_000].map((at) => new Date(at));
  const starts = before.every((at) => berlinDay(at) === berlinDay())
    ? before
    : [now + 120 * 60_000, now + 180 * 60_000].map((at) => new Date(at));
  const names = ['Rania Haddad', 'Samir Haddad'];
  for (const [index, name] of names.entries()) {
    await app.bookInThePast(citizen, {
      name,
      email: `haddad.${String(index)}.${String(Date.now())}@example.org`,
      startsAt: starts[index]!,
      interpreterLanguage: 'ar',
      slot: index,
    });
  }

  for (const { locale, visible, nameOf } of [
    {
      locale: 'de-DE',
      visible: 'Dolmetscherin oder Dolmetscher für العربية einladen',
      nameOf: (time: string, name: string) =>
        `Dolmetscherin oder Dolmetscher für العربية einladen – Termin ${time} Uhr, ${name}`,
    },
    {
      locale: 'en-GB',
      visible: 'Invite an interpreter (العربية)',
      nameOf: (time: string, name: string) => `Invite an interpreter (العربية) – appointment at ${time}, ${name}`,
    },
  ]) {
    const clerk = people.add(await newPerson(browser, { baseURL: app.url(), locale }));
    const time = (at: Date) =>
      new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' }).format(at);
    const me = await signInAsStaff(clerk, STAFF.anna);
    const { page } = clerk;
    await page.goto(`/staff/${departmentId(me, PAST_DEPARTMENT)}`);
    const panel = page.getByTestId('appointments-panel');
    // Each row's button says whose appointment it is (both said only "… für العربية einladen");
    // what a sighted clerk reads stays the same.
    for (const [index, name] of names.entries()) {
      const accessibleName = nameOf(time(starts[index]!), name);
      const row = panel.getByTestId('appointments').getByRole('row', { name: new RegExp(name) });
      await expect(row.getByRole('button', { name: accessibleName, exact: true })).toHaveText(visible);
      await expect(panel.getByRole('button', { name: accessibleName, exact: true })).toHaveCount(1);
    }
    await expectNoA11yViolations(page);
    expectNoBrowserErrors(clerk);
  }
  expectNoBrowserErrors(citizen);
});
