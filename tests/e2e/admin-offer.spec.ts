import {
  AvailabilityResponseSchema,
  DepartmentClosureListSchema,
  MailboxListSchema,
  SlotsResponseSchema,
  WeekViewSchema,
} from '@amtsraum/shared';
import { expect, expectNoA11yViolations, mainHeading, test } from './fixtures';
import { ADMINS, newPerson, peoplePerTest, signInAsAdmin, tabTo, type Person } from './support';

// Issue 15, items 2 to 4: a department admin adds a service with an online link, a citizen books,
// an absence of the clerk collides with the booking and the admin cancels it; the citizen's
// e-mail is in the dev mailbox. Against tests/e2e/installation.e2e.json: Amelie administers
// Testhausen's "termine", whose clerk Clara is bookable around the clock.

const TENANT = 'testhausen';
const DEPARTMENT = 'termine';
const ADMIN_BASE = `/admin/${TENANT}/departments/${DEPARTMENT}`;
const API = `/api/admin/tenants/${TENANT}/departments/${DEPARTMENT}`;
const PUBLIC_API = `/api/tenants/${TENANT}/departments/${DEPARTMENT}`;

/** A one-day closure's dates as its remove button names them (a civil date, so read in UTC). */
function closureDates(day: string): string {
  return new Intl.DateTimeFormat('de-DE', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${day}T00:00:00Z`));
}

test.describe.configure({ timeout: 120_000 });

const people = peoplePerTest();

/** A date (YYYY-MM-DD, Berlin) `days` from today: far from the other specs' bookings. */
function dateIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' });
}

test('an admin adds a service, and an absence over a booking is resolved by cancelling it', async ({ browser }) => {
  const amelie = await people.open(browser);
  await signInAsAdmin(amelie, ADMINS.amelie);
  const page = amelie.page;
  const suffix = Date.now().toString(36);
  const name = `Führungszeugnis ${suffix}`;
  const slug = `fuehrungszeugnis-${suffix}`;
  const onlineUrl = 'https://www.bundesjustizamt.de/fuehrungszeugnis';
  let serviceId: string | null = null;
  let absenceId: string | null = null;
  let claraId: string | null = null;
  // The booking page's other specs expect "Beratung" alone: the new service goes again afterwards.
  people.tidyWith(async () => {
    if (serviceId) await amelie.request.post(`${API}/services/${serviceId}/archive`, { data: {} });
    if (absenceId && claraId) await amelie.request.delete(`${API}/availability/${claraId}/absences/${absenceId}`);
  });

  // The services page: add one with keywords and an online link.
  await page.goto(`${ADMIN_BASE}/services`);
  await expect(mainHeading(page)).toHaveText('Leistungen');
  await expect(page.getByTestId('admin-service-beratung')).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByRole('button', { name: 'Leistung hinzufügen' }).click();
  const form = page.getByTestId('service-form');
  // The form takes the list's place and the focus; once saved, the focus is back on "add".
  await expect(form.getByRole('heading', { name: 'Neue Leistung' })).toBeFocused();
  await form.getByRole('textbox', { name: 'Name (Deutsch)' }).fill(name);
  await expect(form.getByRole('textbox', { name: 'Adresse (Kurzname)' })).toHaveValue(slug);
  await form.getByRole('textbox', { name: 'Name (Englisch)' }).fill(`Certificate of good conduct ${suffix}`);
  await form.getByRole('spinbutton', { name: 'Dauer in Minuten' }).fill('15');
  await form
    .getByRole('textbox', { name: 'Suchbegriffe (Deutsch)' })
    .fill('Führungszeugnis, polizeiliches Führungszeugnis');
  // A plain http link is refused at the field, in German.
  await form.getByRole('textbox', { name: /Link zum Online-Antrag/ }).fill('http://example.org/antrag');
  await form.getByRole('button', { name: 'Speichern' }).click();
  await expect(form.getByText('Bitte eine Adresse angeben, die mit https:// beginnt.').first()).toBeVisible();
  await expectNoA11yViolations(page);
  await form.getByRole('textbox', { name: /Link zum Online-Antrag/ }).fill(onlineUrl);
  await form.getByRole('button', { name: 'Speichern' }).click();
  await expect(page.getByTestId(`admin-service-${slug}`)).toContainText(name);
  await expect(page.getByRole('button', { name: 'Leistung hinzufügen' })).toBeFocused();
  // The save is said where the focus is back, not only by the form closing.
  await expect(page.getByRole('status').filter({ hasText: 'gespeichert' })).toHaveText(`„${name}“ ist gespeichert.`);
  // Moving "Beratung" to the end by keyboard takes its "down" away: the focus is on its "up" then
  // (not the page's start), and moving it back up puts the focus on its "down" again.
  const list = page.getByTestId('admin-services');
  await tabTo(page, list.getByRole('button', { name: 'Nach unten Beratung' }));
  await page.keyboard.press('Enter');
  await expect(list.getByRole('listitem').filter({ hasNotText: '(archiviert)' }).last()).toContainText('Beratung');
  await expect(list.getByRole('button', { name: 'Nach oben Beratung' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(list.getByRole('listitem').first()).toContainText('Beratung');
  await expect(list.getByRole('button', { name: 'Nach unten Beratung' })).toBeFocused();
  const services = (await (await amelie.request.get(`${API}/services`)).json()) as {
    services: { id: string; slug: string; keywords: Record<string, string[]> }[];
  };
  const created = services.services.find((s) => s.slug === slug)!;
  serviceId = created.id;
  expect(created.keywords.de).toEqual(['Führungszeugnis', 'polizeiliches Führungszeugnis']);
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoA11yViolations(page);
  await page.setViewportSize({ width: 1280, height: 800 });

  // Citizens see it with its online link on the booking page.
  const citizen = await people.open(browser);
  await citizen.page.goto(`/${TENANT}/${DEPARTMENT}/termin`);
  await expect(citizen.page.getByRole('checkbox', { name })).toBeVisible();
  const link = citizen.page.getByRole('link', { name: `Online beantragen (${name})` });
  await expect(link).toHaveAttribute('href', onlineUrl);

  // The citizen books it, far ahead.
  const day = dateIn(45);
  const slots = SlotsResponseSchema.parse(
    await (await citizen.request.get(`${PUBLIC_API}/slots?services=${slug}&from=${day}&days=1`)).json(),
  );
  const slot = slots.days[0]!.slots[0]!;
  const email = `fz.${suffix}@example.org`;
  const booked = await citizen.request.post(`${PUBLIC_API}/appointments`, {
    data: {
      services: [slug],
      persons: 1,
      startsAt: slot.startsAt,
      name: 'Erika Mustermann',
      email,
      language: 'de',
      consent: true,
    },
  });
  expect(booked.status()).toBe(201);
  const appointmentId = ((await booked.json()) as { appointment: { id: string } }).appointment.id;

  // Amelie enters an absence of Clara over that day: shown the collision, she cancels it.
  const availability = AvailabilityResponseSchema.parse(await (await amelie.request.get(`${API}/availability`)).json());
  claraId = availability.clerks.find((c) => c.name === 'Clara Klein')!.staffId;
  await page.goto(`${ADMIN_BASE}/availability`);
  await expect(mainHeading(page)).toHaveText('Verfügbarkeit und Buchungsregeln');
  await expect(page.getByTestId('week-view')).toBeVisible();
  await expectNoA11yViolations(page);
  // The week names its staff as every admin page does, and free time in hours and minutes.
  const weekView = page.getByTestId('week-view');
  await expect(weekView.getByRole('columnheader', { name: 'Mitarbeitende', exact: true }).first()).toBeVisible();
  const free = await weekView
    .getByRole('cell')
    .filter({ hasText: / frei$/ })
    .allTextContents();
  expect(free.length).toBeGreaterThan(0);
  for (const text of free) expect(text).toMatch(/^(?:\d+ Std\.(?: [1-5]?\d Min\.)?|[1-5]?\d Min\.) frei$/);
  const clara = page.getByTestId(`clerk-${claraId}`);
  await clara.getByLabel('Von (Datum)').fill(day);
  await clara.getByLabel('Bis (Datum)').fill(day);
  await clara.getByRole('button', { name: 'Abwesenheit eintragen' }).click();
  const collision = clara.getByTestId(`collision-${appointmentId}`);
  await expect(collision).toContainText(name);
  await expect(collision).toContainText('Erika Mustermann');
  await expectNoA11yViolations(page);
  await collision.getByRole('radio', { name: 'Absagen' }).check();
  await clara.getByRole('button', { name: 'Änderung mit diesen Entscheidungen speichern' }).click();
  await expect(clara.getByTestId('change-done')).toContainText('abgesagt: 1');
  const absences = AvailabilityResponseSchema.parse(await (await amelie.request.get(`${API}/availability`)).json());
  absenceId = absences.clerks.find((c) => c.staffId === claraId)!.absences[0]!.id;
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoA11yViolations(page);

  // The citizen's cancellation is in the dev mailbox.
  await expect(async () => {
    const mailbox = MailboxListSchema.parse(await (await amelie.request.get('/api/dev/mailbox')).json());
    expect(mailbox.messages.filter((m) => m.to === email).map((m) => m.kind)).toContain('appointment.cancelled');
  }).toPass({ timeout: 10_000 });

  // The absence removed meanwhile elsewhere: removing it on this page says so, with the focus there.
  const absenceUrl = `${API}/availability/${claraId}/absences`;
  expect((await amelie.request.delete(`${absenceUrl}/${absenceId}`)).status()).toBe(204);
  absenceId = null;
  await tabTo(page, clara.getByRole('button', { name: /^Entfernen / }).first());
  await page.keyboard.press('Enter');
  const removal = clara.getByTestId('absence-removal');
  // The list is loaded again and says so (it kept the removed line, and said "reload the page").
  await expect(removal).toHaveText(
    'Diese Abwesenheit war schon entfernt, vielleicht in einem anderen Fenster oder von jemand anderem. Die Liste ist jetzt neu geladen.',
  );
  await expect(removal).toBeFocused();
  await expect(clara.getByText('Keine Abwesenheiten eingetragen.')).toBeVisible();
  // One entered elsewhere shows once the tab is shown again, without a reload.
  const later = await amelie.request.post(absenceUrl, { data: { startsOn: dateIn(300), endsOn: dateIn(300) } });
  expect(later.status()).toBe(201);
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(clara.getByRole('button', { name: /^Entfernen / })).toHaveCount(1);
  // One removed here is said to be removed, and the focus is on what says so, not the page's start.
  await tabTo(page, clara.getByRole('button', { name: /^Entfernen / }).first());
  await page.keyboard.press('Enter');
  await expect(removal).toHaveText('Abwesenheit entfernt.');
  await expect(removal).toBeFocused();
  await expect(clara.getByText('Keine Abwesenheiten eingetragen.')).toBeVisible();
  // One outcome at a time, the newest: the earlier "saved" went with the removal, and "removed"
  // goes with the next absence entered.
  await expect(clara.getByTestId('change-done')).toHaveCount(0);
  await clara.getByLabel('Von (Datum)').fill(dateIn(301));
  await clara.getByLabel('Bis (Datum)').fill(dateIn(301));
  await clara.getByRole('button', { name: 'Abwesenheit eintragen' }).click();
  await expect(clara.getByTestId('change-done')).toContainText('Gespeichert.');
  await expect(removal).toHaveCount(0);
  absenceId = AvailabilityResponseSchema.parse(
    await (await amelie.request.get(`${API}/availability`)).json(),
  ).clerks.find((c) => c.staffId === claraId)!.absences[0]!.id;

  // Chromium logs the 409 that brought the collision list and the 404 of the absence removed
  // elsewhere; nothing else may go wrong.
  expect(amelie.errors.filter((error) => !/status of (409|404)/.test(error))).toEqual([]);
  expect(citizen.errors).toEqual([]);
});

test('a closure over a booking: the admin moves it, by keyboard, to the slot they choose', async ({ browser }) => {
  // Her laptop is set to another zone than the town hall's (a clock left at New Zealand's): the
  // booking's time is still said as the citizen was given it, in Testhausen's.
  const amelie = people.add(await newPerson(browser, { timezoneId: 'Pacific/Auckland' }));
  await signInAsAdmin(amelie, ADMINS.amelie);
  const page = amelie.page;
  const suffix = Date.now().toString(36);
  const day = dateIn(52);
  // The closure goes again afterwards: the other specs expect the department bookable that day.
  people.tidyWith(async () => {
    const listed = DepartmentClosureListSchema.parse(await (await amelie.request.get(`${API}/closures`)).json());
    for (const closure of listed.closures.filter((c) => c.from === day)) {
      await amelie.request.delete(`${API}/closures/${closure.id}`);
    }
  });

  // A citizen books "Beratung" on that day.
  const citizen = await people.open(browser);
  const slots = SlotsResponseSchema.parse(
    await (await citizen.request.get(`${PUBLIC_API}/slots?services=beratung&from=${day}&days=1`)).json(),
  );
  const email = `closure.${suffix}@example.org`;
  const booked = await citizen.request.post(`${PUBLIC_API}/appointments`, {
    data: {
      services: ['beratung'],
      persons: 1,
      startsAt: slots.days[0]!.slots[0]!.startsAt,
      name: 'Erika Mustermann',
      email,
      language: 'de',
      consent: true,
    },
  });
  expect(booked.status()).toBe(201);
  const appointmentId = ((await booked.json()) as { appointment: { id: string } }).appointment.id;

  // Amelie closes the department that day: the closures editor lists the booking.
  await page.goto(ADMIN_BASE);
  const closures = page.getByRole('region', { name: 'Schließtage des Amts' });
  await closures.getByLabel('Erster Tag').fill(day);
  await closures.getByLabel('Grund auf Deutsch (wird Bürgerinnen und Bürgern gezeigt)').fill(`Umzug ${suffix}`);
  await tabTo(page, closures.getByRole('button', { name: 'Eintragen' }));
  await page.keyboard.press('Enter');
  const dialog = closures.getByTestId('collisions');
  await expect(dialog).toContainText(/Diese Änderung trifft (einen gebuchten Termin|\d+ gebuchte Termine)/);
  const collision = dialog.getByTestId(`collision-${appointmentId}`);
  await expect(collision).toContainText('Erika Mustermann');
  await expect(collision).toContainText('Beratung');
  const startsAt = new Date(slots.days[0]!.slots[0]!.startsAt);
  const inTesthausen = new Intl.DateTimeFormat('de-DE', {
    timeZone: 'Europe/Berlin',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(startsAt);
  await expect(collision.locator('legend')).toContainText(`, ${inTesthausen} · `);
  // The list takes the focus; "Verlegen" is chosen, the slot picked from the offered ones by keyboard.
  await expect(dialog.getByRole('heading', { level: 3 })).toBeFocused();
  await expectNoA11yViolations(page);
  // At 320 px too, without sideways scrolling.
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoA11yViolations(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(collision.getByRole('radio', { name: 'Verlegen' })).toBeChecked();
  const target = collision.getByRole('combobox', { name: 'Neuer Termin' });
  await tabTo(page, target, 20);
  const offered = await target
    .locator('option')
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
  // "Nächster freier Termin" first, then the slots offered: the second of them is chosen.
  expect(offered.length).toBeGreaterThanOrEqual(3);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(target).toHaveValue(offered[2]!);
  const chosen = offered[2]!;
  await tabTo(page, dialog.getByRole('button', { name: 'Änderung mit diesen Entscheidungen speichern' }), 20);
  await page.keyboard.press('Enter');
  await expect(closures.getByTestId('closure-saved')).toHaveText('Schließtag eingetragen.');
  await expect(dialog).toHaveCount(0);
  await expect(closures.getByTestId('closure-list').first()).toContainText(`Umzug ${suffix}`);

  // The closure is stored, and the appointment has exactly the time chosen (the admin's week).
  const listed = DepartmentClosureListSchema.parse(await (await amelie.request.get(`${API}/closures`)).json());
  expect(listed.closures.filter((c) => c.from === day && c.to === day)).toHaveLength(1);
  const chosenDay = new Date(chosen).toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' });
  const week = WeekViewSchema.parse(
    await (await amelie.request.get(`${API}/availability/week?from=${chosenDay}`)).json(),
  );
  const moved = week.days.flatMap((d) => d.clerks.flatMap((c) => c.appointments)).find((a) => a.id === appointmentId);
  expect(moved?.startsAt).toBe(chosen);
  // The citizen is told in an e-mail.
  await expect(async () => {
    const mailbox = MailboxListSchema.parse(await (await amelie.request.get('/api/dev/mailbox')).json());
    expect(mailbox.messages.filter((m) => m.to === email).map((m) => m.kind)).toContain('appointment.moved');
  }).toPass({ timeout: 10_000 });
  // What archiving the department would cancel lists it at its new time, in Testhausen's zone too.
  await page.getByRole('button', { name: 'Archivierung vorbereiten' }).click();
  const archive = page.getByTestId('archive-form');
  const movedTo = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', ...options }).format(new Date(chosen));
  const longDate = movedTo({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const clock = movedTo({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  await expect(
    archive
      .getByRole('listitem')
      .filter({ hasText: `${longDate}, ${clock}` })
      .first(),
  ).toBeVisible();
  await archive.getByRole('button', { name: 'Abbrechen' }).click();

  // Chromium logs the 409 that brought the collision list; nothing else may go wrong.
  expect(amelie.errors.filter((error) => !/status of 409/.test(error))).toEqual([]);
  expect(citizen.errors).toEqual([]);
});

/** A service of its own for a test, archived again afterwards (the booking specs expect "Beratung" alone). */
async function addService(admin: Person, name: { de: string; en: string }): Promise<{ id: string; slug: string }> {
  const slug = `probe-${Date.now().toString(36)}`;
  const created = await admin.request.post(`${API}/services`, {
    data: {
      slug,
      name,
      description: null,
      durationMinutes: 15,
      extraMinutesPerPerson: 0,
      documents: [],
      bookable: true,
      knockable: true,
      maxPersons: null,
      keywords: {},
      onlineUrl: null,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { service } = (await created.json()) as { service: { id: string } };
  // Every service the test added, not only the last: a second one left offered (the archiving
  // test adds two) broke every booking spec after this file.
  addedServices.push({ admin, id: service.id });
  people.tidyWith(async () => {
    for (const added of addedServices.splice(0)) {
      const archived = await added.admin.request.post(`${API}/services/${added.id}/archive`, { data: {} });
      expect(archived.status(), await archived.text()).toBe(200);
    }
  });
  return { id: service.id, slug };
}
const addedServices: { admin: Person; id: string }[] = [];

test('archiving a service and restoring it is said, in German and English, with the focus on the service’s button', async ({
  browser,
}) => {
  for (const { locale, name, archive, restore, archived, restored } of [
    {
      locale: 'de-DE',
      name: { de: 'Fischereischein', en: 'Fishing licence' },
      archive: 'Archivieren Fischereischein',
      restore: 'Wiederherstellen Fischereischein',
      archived: '„Fischereischein“ ist archiviert und wird nicht mehr angeboten; gebuchte Termine bleiben bestehen.',
      restored: '„Fischereischein“ ist wiederhergestellt und wird wieder angeboten.',
    },
    {
      locale: 'en-GB',
      name: { de: 'Angelschein', en: 'Angling licence' },
      archive: 'Archive Angling licence',
      restore: 'Restore Angling licence',
      archived: '“Angling licence” is archived and no longer offered; booked appointments stay.',
      restored: '“Angling licence” is restored and offered again.',
    },
  ]) {
    const admin = people.add(await newPerson(browser, { locale }));
    await signInAsAdmin(admin, ADMINS.amelie);
    const { page } = admin;
    const { slug } = await addService(admin, name);
    await page.goto(`${ADMIN_BASE}/services`);
    const list = page.getByTestId('admin-services');
    // By keyboard: the archived service goes to the list's end, its button is now "restore" and
    // has the focus, and the page says what happened (only the button's word changed).
    await tabTo(page, list.getByRole('button', { name: archive, exact: true }));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('services-status')).toHaveText(archived);
    await expect(page.getByTestId('services-status')).toHaveRole('status');
    await expect(list.getByRole('listitem').last()).toHaveAttribute('data-testid', `admin-service-${slug}`);
    await expect(list.getByRole('button', { name: restore, exact: true })).toBeFocused();
    await expectNoA11yViolations(page);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('services-status')).toHaveText(restored);
    await expect(list.getByRole('button', { name: archive, exact: true })).toBeFocused();
    expect(admin.errors).toEqual([]);
  }
});

test('a closure removed in another window: removing it here says so and loads the list again; one added there shows when the tab is shown again', async ({
  browser,
}) => {
  const amelie = await people.open(browser);
  await signInAsAdmin(amelie, ADMINS.amelie);
  const { page } = amelie;
  const day = dateIn(400);
  const closuresOfDay = async () =>
    DepartmentClosureListSchema.parse(await (await amelie.request.get(`${API}/closures`)).json()).closures.filter(
      (c) => c.from === day,
    );
  people.tidyWith(async () => {
    for (const closure of await closuresOfDay()) await amelie.request.delete(`${API}/closures/${closure.id}`);
  });
  const add = async () => {
    const added = await amelie.request.post(`${API}/closures`, { data: { from: day, to: day, reason: null } });
    expect(added.status(), await added.text()).toBe(201);
  };
  await add();
  await page.goto(ADMIN_BASE);
  const closures = page.getByRole('region', { name: 'Schließtage des Amts' });
  const remove = closures.getByRole('button', { name: `Schließtag ${closureDates(day)} entfernen`, exact: true });
  await expect(remove).toHaveCount(1);
  for (const closure of await closuresOfDay()) {
    expect((await amelie.request.delete(`${API}/closures/${closure.id}`)).status()).toBe(204);
  }
  await tabTo(page, remove);
  await page.keyboard.press('Enter');
  // Said above the list, where the focus goes, instead of "reload the page" beside a line that was
  // no longer there; not in the add form's "Bitte prüfen Sie die Angaben" box, which it is no part of.
  const said = closures.getByTestId('closure-list-status-failure');
  await expect(said).toHaveText(
    'Dieser Eintrag war schon entfernt, vielleicht in einem anderen Fenster oder von jemand anderem. Die Liste ist jetzt neu geladen.',
  );
  await expect(said).toBeFocused();
  await expect(closures.getByText('Bitte prüfen Sie die Angaben')).toHaveCount(0);
  await expect(remove).toHaveCount(0);
  // Added in the other window: here once the tab is shown again, without a reload.
  await add();
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(remove).toHaveCount(1);
  await expectNoA11yViolations(page);
  expect(amelie.errors.filter((error) => !/status of 404/.test(error))).toEqual([]);
});

test('closures say one outcome at a time, the newest: a removal’s and an add’s never stand side by side', async ({
  browser,
}) => {
  // The sign-in may wait for the next authenticator code.
  test.setTimeout(90_000);
  const amelie = await people.open(browser);
  await signInAsAdmin(amelie, ADMINS.amelie);
  const { page } = amelie;
  const days = [dateIn(406), dateIn(407), dateIn(408)] as const;
  const ours = async () =>
    DepartmentClosureListSchema.parse(await (await amelie.request.get(`${API}/closures`)).json()).closures.filter((c) =>
      (days as readonly string[]).includes(c.from),
    );
  people.tidyWith(async () => {
    for (const closure of await ours()) await amelie.request.delete(`${API}/closures/${closure.id}`);
  });
  for (const day of days.slice(0, 2)) {
    const added = await amelie.request.post(`${API}/closures`, { data: { from: day, to: day, reason: null } });
    expect(added.status(), await added.text()).toBe(201);
  }
  await page.goto(ADMIN_BASE);
  const closures = page.getByRole('region', { name: 'Schließtage des Amts' });
  const addForm = closures.getByRole('form', { name: 'Schließtag eintragen' });
  const summary = addForm.getByTestId('error-summary');
  const listStatus = closures.getByTestId('closure-list-status');
  const saved = closures.getByTestId('closure-saved');
  const remove = (day: string) =>
    closures.getByRole('button', { name: `Schließtag ${closureDates(day)} entfernen`, exact: true });
  const refusedAdd = async () => {
    // No first day: the server refuses it.
    await addForm.getByRole('button', { name: 'Eintragen' }).click();
    await expect(summary).toBeFocused();
    await expect(summary).toContainText('Bitte ein Datum angeben.');
  };

  // A refused add, then a removal: "removed" alone, the refusal gone with its box.
  await refusedAdd();
  await remove(days[0]).click();
  await expect(listStatus).toHaveText('Schließtag entfernt.');
  await expect(summary).toHaveText('');
  await expect(remove(days[0])).toHaveCount(0);

  // Then an add: "added" alone.
  await addForm.getByLabel('Erster Tag').fill(days[2]);
  await addForm.getByRole('button', { name: 'Eintragen' }).click();
  await expect(saved).toHaveText('Schließtag eingetragen.');
  await expect(listStatus).toHaveText('');

  // Then a removal: "removed" alone.
  await remove(days[1]).click();
  await expect(listStatus).toHaveText('Schließtag entfernt.');
  await expect(saved).toHaveText('');

  // Then a refused add: the refusal alone, with the focus.
  await refusedAdd();
  await expect(listStatus).toHaveText('');
  await expect(saved).toHaveText('');
  await expectNoA11yViolations(page);
  expect(amelie.errors.filter((error) => !/status of 400/.test(error))).toEqual([]);
});
