import { AvailabilityResponseSchema, MailboxListSchema, SlotsResponseSchema } from '@amtsraum/shared';
import { expect, expectNoA11yViolations, mainHeading, test } from './fixtures';
import { ADMINS, peoplePerTest, signInAsAdmin } from './support';

// Issue 15, items 2 to 4: a department admin adds a service with an online link, a citizen books,
// an absence of the clerk collides with the booking and the admin cancels it; the citizen's
// e-mail is in the dev mailbox. Against tests/e2e/installation.e2e.json: Amelie administers
// Testhausen's "termine", whose clerk Clara is bookable around the clock.

const TENANT = 'testhausen';
const DEPARTMENT = 'termine';
const ADMIN_BASE = `/admin/${TENANT}/departments/${DEPARTMENT}`;
const API = `/api/admin/tenants/${TENANT}/departments/${DEPARTMENT}`;
const PUBLIC_API = `/api/tenants/${TENANT}/departments/${DEPARTMENT}`;

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

  // Chromium logs the 409 that brought the collision list; nothing else may go wrong.
  expect(amelie.errors.filter((error) => !/status of 409/.test(error))).toEqual([]);
  expect(citizen.errors).toEqual([]);
});
