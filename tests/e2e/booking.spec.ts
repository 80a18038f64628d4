import {
  BookingResponseSchema,
  MailboxListSchema,
  MailboxMessageSchema,
  SlotsResponseSchema,
  StaffAppointmentResponseSchema,
  StaffAppointmentsResponseSchema,
  type BookingRequest,
  type CitizenAppointment,
} from '@amtsraum/shared';
import type { APIRequestContext, Browser, Locator, Page } from '@playwright/test';
import { expectFrames, passDeviceCheck, remoteCamera } from './call-support';
import { expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';
import {
  expectNoBrowserErrors,
  peoplePerTest,
  setDoor,
  signInAsStaff,
  tabTo,
  tidyDepartment,
  type Person,
} from './support';

// Reserved video appointments (issue 6), against tests/e2e/installation.e2e.json: Testhausen's
// "Terminbüro" with one 15-minute service and one clerk bookable around the clock, no notice
// needed, the waiting room open from 60 minutes before. So there are free slots whenever this runs.

const TENANT = 'testhausen';
const DEPARTMENT = 'termine';
const BOOKING_PAGE = `/${TENANT}/${DEPARTMENT}/termin`;
const CLERK = { email: 'clara.klein@testhausen.example', password: 'testhausen-e2e-passwort' };

// Two people with fake cameras on two cores: generous, like the call spec.
test.describe.configure({ timeout: 120_000 });

const people = peoplePerTest();

/** A fresh address per booking: at most five bookings per e-mail address a day. */
let mailCounter = 0;
/**
 * The main's headings as a screen reader's outline lists them: one h1, first, and no level
 * skipped (the confirmation said "Videotermin buchen" as the page's heading, "Ihr Termin ist
 * gebucht" below it as a step's).
 */
async function expectHeadingOutline(page: Page, h1: string): Promise<void> {
  const headings = await page
    .locator('#main')
    .locator('h1, h2, h3, h4, h5, h6')
    .evaluateAll((found) => found.map((heading) => ({ level: Number(heading.tagName[1]), text: heading.textContent })));
  expect(headings[0], 'the first heading').toEqual({ level: 1, text: h1 });
  expect(
    headings.filter((heading) => heading.level === 1),
    'one h1',
  ).toHaveLength(1);
  const skips = headings.filter((heading, i) => i > 0 && heading.level > headings[i - 1]!.level + 1);
  expect(skips, 'levels skipped').toEqual([]);
}

function uniqueEmail(name: string): string {
  mailCounter += 1;
  return `${name}.${String(Date.now())}.${String(mailCounter)}@example.org`;
}

const stepHeading = (page: Page) => page.getByTestId('step-heading');

/** Step 1 → step 2 with the (only, preselected) service. */
async function toSlots(page: Page): Promise<void> {
  await expect(stepHeading(page)).toHaveText('Schritt 1 von 3: Leistung wählen');
  await expect(page.getByRole('checkbox', { name: 'Beratung' })).toBeChecked();
  await expect(page.getByTestId('booking-duration')).toHaveText('Ihr Termin dauert etwa 15 Minuten.');
  await page.getByRole('button', { name: 'Weiter' }).click();
  await expect(stepHeading(page)).toHaveText('Schritt 2 von 3: Termin wählen');
  // What a screen reader says on the focus: no space before the colon.
  await expect(stepHeading(page)).toHaveAccessibleName('Schritt 2 von 3: Termin wählen');
  await expect(stepHeading(page)).toBeFocused();
  await expect(page.getByTestId('slot-list')).toBeVisible();
}

/** The picker's next week, once its slots are there. */
async function laterWeek(page: Page): Promise<void> {
  const range = page.getByTestId('slot-range');
  const before = (await range.textContent()) ?? '';
  await page.getByRole('button', { name: 'Spätere Woche' }).click();
  await expect(range).not.toHaveText(before);
  await expect(range).toHaveText(/freie Termine$/);
}

/** The first free slot the picker shows for the selected day, with its instant. */
async function firstSlot(page: Page): Promise<{ button: Locator; startsAt: string }> {
  const button = page.getByTestId('slot-list').getByRole('button').first();
  const startsAt = await button.getAttribute('data-starts-at');
  if (!startsAt) throw new Error('slot without data-starts-at');
  // Weekday, date and time are in the button's name, not only the time it shows.
  await expect(button).toHaveAccessibleName(/^\d\d:\d\d\sUhr, \S+, \d{1,2}\. \S+ \d{4}$/);
  return { button, startsAt };
}

async function fillDetails(page: Page, details: { name: string; email: string }): Promise<void> {
  const form = page.getByRole('form', { name: 'Ihre Angaben' });
  await form.getByRole('textbox', { name: 'Name' }).fill(details.name);
  await form.getByRole('textbox', { name: 'E-Mail-Adresse' }).fill(details.email);
  await form.getByRole('checkbox', { name: /Datenschutzhinweise/ }).check();
}

/** The message to `to` of `kind` in the dev mailbox, opened, through the page. */
async function openMail(page: Page, to: string, kind: string): Promise<void> {
  await page.goto('/dev/mailbox');
  await expect(mainHeading(page)).toHaveText('Entwicklungs-Postfach');
  const row = page.getByTestId('mailbox-entry').filter({ hasText: to }).filter({ hasText: kind });
  await expect(row).toHaveCount(1);
  await row.getByRole('link').click();
  await expect(page.getByTestId('message-to')).toHaveText(to);
}

/** A link of the mail text: the manage link (`/termin#…`) or the join link (`/termin/beitreten#…`). */
function mailLink(page: Page, which: 'manage' | 'join'): Locator {
  return page
    .getByTestId('message-text')
    .locator(which === 'manage' ? 'a[href*="/termin#"]' : 'a[href*="/termin/beitreten#"]');
}

async function freeSlotsOn(page: Page, date: string): Promise<string[]> {
  const response = await page.request.get(
    `/api/tenants/${TENANT}/departments/${DEPARTMENT}/slots?services=beratung&persons=1&from=${date}&days=1`,
  );
  expect(response.status()).toBe(200);
  const body = SlotsResponseSchema.parse(await response.json());
  return body.days.flatMap((day) => day.slots.map((slot) => slot.startsAt));
}

/**
 * Books `startsAt` through the API, as the booking form sends it: the one service, one person,
 * German unless told, consent given; from `address` when given (the per-address limits). Expects
 * the office to take it and returns the appointment.
 */
async function bookByApi(
  request: APIRequestContext,
  booking: { startsAt: string; name: string; email: string; language?: BookingRequest['language']; address?: string },
): Promise<CitizenAppointment> {
  const { startsAt, name, email, language = 'de', address } = booking;
  const response = await request.post(`/api/tenants/${TENANT}/departments/${DEPARTMENT}/appointments`, {
    data: {
      services: ['beratung'],
      persons: 1,
      startsAt,
      name,
      email,
      language,
      consent: true,
    } satisfies BookingRequest,
    ...(address ? { headers: { 'X-Forwarded-For': address } } : {}),
  });
  expect(response.status(), await response.text()).toBe(201);
  return BookingResponseSchema.parse(await response.json()).appointment;
}

/** YYYY-MM-DD of an instant in Berlin, the tenant's zone. */
function berlinDate(instant: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(instant));
}

test('book, find the confirmation in the mailbox page, cancel through the confirmation step, the slot is free again', async ({
  page,
}, testInfo) => {
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  // The department page offers booking. When no clerk is signed in, the door's notice links to
  // booking too; the offer's own button is the one under test here.
  await page.goto(`/${TENANT}/${DEPARTMENT}`);
  await page.getByTestId('booking-offer').getByRole('link', { name: 'Videotermin buchen' }).click();
  await expect(page).toHaveURL(new RegExp(`${BOOKING_PAGE}$`));
  await expect(mainHeading(page)).toHaveText('Videotermin buchen');
  await expectNoA11yViolations(page);

  // Step 1 in English too, then back to German.
  await switchLanguage(page, 'en');
  await expect(stepHeading(page)).toHaveText('Step 1 of 3: Choose a service');
  await expect(page.getByTestId('booking-duration')).toHaveText('Your appointment takes about 15 minutes.');
  await expectNoA11yViolations(page);
  await switchLanguage(page, 'de');

  // Step 2: a week later, so the join test keeps today's first slots.
  await toSlots(page);
  await laterWeek(page);
  const { button, startsAt } = await firstSlot(page);
  await expectNoA11yViolations(page);
  await switchLanguage(page, 'en');
  await expect(stepHeading(page)).toHaveText('Step 2 of 3: Choose a time');
  await expectNoA11yViolations(page);
  await switchLanguage(page, 'de');
  await shot('booking-step-2');
  await button.click();

  // Step 3: the documents show before confirming; errors show at the fields.
  await expect(stepHeading(page)).toHaveText('Schritt 3 von 3: Ihre Angaben');
  await expect(stepHeading(page)).toBeFocused();
  await expect(page.getByTestId('booking-documents')).toContainText('Personalausweis oder Reisepass');
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  const summary = page.getByTestId('error-summary');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('Bitte geben Sie Ihren Namen ein.');
  await expect(summary).toContainText('Bitte geben Sie Ihre E-Mail-Adresse ein.');
  await expect(summary).toContainText('Bitte stimmen Sie den Datenschutzhinweisen zu.');
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveAttribute('aria-invalid', 'true');

  const email = uniqueEmail('erika');
  await fillDetails(page, { name: 'Erika Termin', email });
  await expectNoA11yViolations(page);
  await shot('booking-step-3');

  // Back keeps every choice: the slot is marked, the details are still there.
  await page.getByRole('button', { name: 'Zurück' }).click();
  await expect(stepHeading(page)).toHaveText('Schritt 2 von 3: Termin wählen');
  const chosen = page.locator(`[data-starts-at="${startsAt}"]`);
  await expect(chosen).toHaveAccessibleName(/, ausgewählt$/);
  await chosen.click();
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('Erika Termin');
  await expect(page.getByRole('checkbox', { name: /Datenschutzhinweise/ })).toBeChecked();

  // Step 4: the confirmation.
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  const confirmation = page.getByTestId('booking-confirmation');
  await expect(mainHeading(page)).toHaveText('Ihr Termin ist gebucht');
  await expect(mainHeading(page)).toBeFocused();
  await expectHeadingOutline(page, 'Ihr Termin ist gebucht');
  await expect(page).toHaveTitle(/^Termin gebucht – /);
  await expect(page.getByTestId('confirmation-email')).toContainText(email);
  await expect(page.getByTestId('confirmation-documents')).toContainText('Ausgefülltes Antragsformular');
  await expect(confirmation).toContainText('Der Warteraum öffnet 60 Minuten vor Ihrem Termin');
  await expectNoA11yViolations(page);
  await shot('booking-confirmation');
  await switchLanguage(page, 'en');
  await expect(mainHeading(page)).toHaveText('Your appointment is booked');
  await expectHeadingOutline(page, 'Your appointment is booked');
  await expectNoA11yViolations(page);
  await switchLanguage(page, 'de');
  expect(await freeSlotsOn(page, berlinDate(startsAt))).not.toContain(startsAt);

  // The mailbox has the confirmation with a calendar file and the links.
  await openMail(page, email, 'appointment.confirmation');
  await expect(page.getByTestId('attachment')).toHaveAttribute('download', /\.ics$/);
  await expect(mailLink(page, 'join')).toHaveCount(1);
  await expectNoA11yViolations(page);

  // Opened after the appointment's time: appointment-wrong-clock.spec.ts (the office's clock decides).

  // The manage link: the token leaves the address bar at once.
  await mailLink(page, 'manage').click();
  await expect(mainHeading(page)).toHaveText('Ihr Termin');
  await expect(page).toHaveURL(/\/termin$/);
  await expect(page.getByTestId('appointment-state')).toHaveAttribute('data-state', 'booked');
  await expect(page.getByTestId('join-later')).toContainText('Der Warteraum öffnet am');
  await expectNoA11yViolations(page);

  // Cancelling needs the second button; the first alone changes nothing.
  await page.getByRole('button', { name: 'Termin absagen' }).click();
  await expect(page.getByTestId('cancel-confirm')).toBeVisible();
  expect(await freeSlotsOn(page, berlinDate(startsAt))).not.toContain(startsAt);
  await expectNoA11yViolations(page);
  await shot('manage-cancel-confirm');
  await page.getByRole('button', { name: 'Ja, absagen' }).click();
  // Said once: the state below says "cancelled", the notice what else happened.
  await expect(page.getByTestId('manage-message')).toHaveText('Wir haben Ihnen die Absage per E-Mail bestätigt.');
  await expect(page.getByTestId('appointment-state')).toHaveText('Dieser Termin ist abgesagt.');
  await expect(page.getByTestId('appointment-state')).toHaveAttribute('data-state', 'cancelled');
  await expect(page.getByRole('button', { name: 'Termin absagen' })).toHaveCount(0);
  await expectNoA11yViolations(page);

  // The slot is free again, for the API and on the booking page.
  expect(await freeSlotsOn(page, berlinDate(startsAt))).toContain(startsAt);
  await page.goto(BOOKING_PAGE);
  await toSlots(page);
  await laterWeek(page);
  await expect(page.locator(`[data-starts-at="${startsAt}"]`)).toBeVisible();

  // And the cancellation went out by mail.
  await openMail(page, email, 'appointment.cancelled');
});

test('a whole booking works with the keyboard alone', async ({ page }) => {
  await page.goto(BOOKING_PAGE);
  await expect(stepHeading(page)).toHaveText('Schritt 1 von 3: Leistung wählen');
  await tabTo(page, page.getByRole('button', { name: 'Weiter' }));
  await page.keyboard.press('Enter');
  await expect(stepHeading(page)).toHaveText('Schritt 2 von 3: Termin wählen');
  await expect(stepHeading(page)).toBeFocused();

  // Two weeks on, so the other tests keep the nearer slots.
  for (let week = 0; week < 2; week += 1) {
    const range = page.getByTestId('slot-range');
    const before = (await range.textContent()) ?? '';
    await tabTo(page, page.getByRole('button', { name: 'Spätere Woche' }));
    await page.keyboard.press('Enter');
    await expect(range).not.toHaveText(before);
    await expect(range).toHaveText(/freie Termine$/);
  }
  const slot = page.getByTestId('slot-list').getByRole('button').nth(2);
  await tabTo(page, slot);
  await page.keyboard.press('Enter');
  await expect(stepHeading(page)).toHaveText('Schritt 3 von 3: Ihre Angaben');

  const form = page.getByRole('form', { name: 'Ihre Angaben' });
  await tabTo(page, form.getByRole('textbox', { name: 'Name' }));
  await page.keyboard.type('Kim Tastatur');
  await tabTo(page, form.getByRole('textbox', { name: 'E-Mail-Adresse' }));
  await page.keyboard.type(uniqueEmail('kim'));
  await tabTo(page, form.getByRole('checkbox', { name: /Datenschutzhinweise/ }));
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('button', { name: 'Termin verbindlich buchen' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('booking-confirmation')).toBeVisible();
  await expect(mainHeading(page)).toHaveText('Ihr Termin ist gebucht');
  await expect(mainHeading(page)).toBeFocused();
});

test('read in English, to talk in Ukrainian: the confirmation e-mail is in English, as the page was', async ({
  page,
}) => {
  await page.goto(BOOKING_PAGE);
  await toSlots(page);
  // Two weeks ahead, away from the other tests' slots.
  await laterWeek(page);
  await laterWeek(page);
  const { button } = await firstSlot(page);
  await button.click();
  await switchLanguage(page, 'en');
  await expect(stepHeading(page)).toHaveText('Step 3 of 3: Your details');
  const email = uniqueEmail('olena');
  const form = page.getByRole('form', { name: 'Your details' });
  await form.getByRole('textbox', { name: 'Name' }).fill('Olena Kowalenko');
  await form.getByRole('textbox', { name: 'E-mail address' }).fill(email);
  await form.getByRole('combobox', { name: 'Preferred language for the conversation' }).selectOption('uk');
  await form.getByRole('checkbox', { name: /privacy notice/ }).check();
  await page.getByRole('button', { name: 'Book this appointment' }).click();
  await expect(mainHeading(page)).toHaveText('Your appointment is booked');

  const confirmationOf = async () => {
    const mails = MailboxListSchema.parse(await (await page.request.get('/api/dev/mailbox')).json());
    return mails.messages.find((message) => message.to === email && message.kind === 'appointment.confirmation');
  };
  await expect.poll(confirmationOf).toBeDefined();
  const mine = (await confirmationOf())!;
  const message = MailboxMessageSchema.parse(await (await page.request.get(`/api/dev/mailbox/${mine.id}`)).json());
  expect(message.subject).toMatch(/^Appointment confirmed: /);
  expect(message.text).toContain('Join the appointment');
  expect(message.text).not.toContain('Zum Termin');
});

test('the confirmation stays on a reload and comes back with Back after booking another', async ({ page }) => {
  await page.goto(BOOKING_PAGE);
  await toSlots(page);
  await laterWeek(page);
  await laterWeek(page);
  await laterWeek(page);
  const { button } = await firstSlot(page);
  await button.click();
  await fillDetails(page, { name: 'Rita Reload', email: uniqueEmail('rita') });
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  await expect(page.getByTestId('booking-confirmation')).toBeVisible();
  await expect(mainHeading(page)).toHaveText('Ihr Termin ist gebucht');
  const when = (await page.getByTestId('appointment-when').textContent()) ?? '';
  expect(when).not.toBe('');

  // A reload (or a browser restoring the tab) shows what was booked, not step 2 of a new booking.
  await page.reload();
  await expect(mainHeading(page)).toHaveText('Ihr Termin ist gebucht');
  await expect(page.getByTestId('appointment-when')).toHaveText(when);
  await expect(page.getByTestId('confirmation-email')).toContainText('rita.');
  await expect(page).toHaveTitle('Termin gebucht – Terminbüro – Amtsraum');
  await expect(page.getByTestId('slot-list')).toHaveCount(0);
  await expectNoA11yViolations(page);

  // Another booking starts at step 1; Back returns to the confirmation.
  await page.getByRole('button', { name: 'Weiteren Termin buchen' }).click();
  await expect(stepHeading(page)).toHaveText('Schritt 1 von 3: Leistung wählen');
  await page.goBack();
  await expect(page.getByTestId('appointment-when')).toHaveText(when);
});

test('after booking, one Back leaves the finished booking for the page it was started from; Forward shows the confirmation', async ({
  page,
}) => {
  await page.goto(`/${TENANT}/${DEPARTMENT}`);
  const office = (await mainHeading(page).textContent()) ?? '';
  await page.getByTestId('booking-offer').getByRole('link', { name: 'Videotermin buchen' }).click();
  await toSlots(page);
  for (let week = 0; week < 6; week += 1) await laterWeek(page);
  const { button } = await firstSlot(page);
  await button.click();
  await expect(stepHeading(page)).toHaveText('Schritt 3 von 3: Ihre Angaben');
  // Before the booking, Back and Forward go through its steps.
  await page.goBack();
  await expect(stepHeading(page)).toHaveText('Schritt 2 von 3: Termin wählen');
  await page.goForward();
  await expect(stepHeading(page)).toHaveText('Schritt 3 von 3: Ihre Angaben');
  // A reload on the way changes none of this.
  await page.reload();
  await expect(stepHeading(page)).toHaveText('Schritt 3 von 3: Ihre Angaben');

  await fillDetails(page, { name: 'Bruno Zurück', email: uniqueEmail('bruno') });
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  await expect(page.getByTestId('booking-confirmation')).toBeVisible();
  await expect(mainHeading(page)).toHaveText('Ihr Termin ist gebucht');
  await expect(mainHeading(page)).toBeFocused();
  const when = (await page.getByTestId('appointment-when').textContent()) ?? '';

  // One Back: the office's page, where the booking was started; not step 3 or 2 of a booking already made.
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/${TENANT}/${DEPARTMENT}$`));
  await expect(mainHeading(page)).toHaveText(office);
  await page.goForward();
  await expect(page).toHaveURL(new RegExp(`${BOOKING_PAGE}$`));
  await expect(mainHeading(page)).toHaveText('Ihr Termin ist gebucht');
  await expect(page.getByTestId('appointment-when')).toHaveText(when);
});

test('a reload at step 3 keeps the chosen time, not the details typed; a time taken meanwhile is said, with the way back to another', async ({
  page,
}) => {
  await page.goto(BOOKING_PAGE);
  await toSlots(page);
  for (let week = 0; week < 5; week += 1) await laterWeek(page);
  const { button, startsAt } = await firstSlot(page);
  await button.click();
  await expect(stepHeading(page)).toHaveText('Schritt 3 von 3: Ihre Angaben');
  const when = (await page.getByTestId('summary-when').textContent()) ?? '';
  expect(when).not.toBe('');
  const name = page.getByRole('form', { name: 'Ihre Angaben' }).getByRole('textbox', { name: 'Name' });
  await name.fill('Rolf Reload');

  // The reload shows step 3 with the same time; what was typed is kept nowhere, so it is gone.
  await page.reload();
  await expect(stepHeading(page)).toHaveText('Schritt 3 von 3: Ihre Angaben');
  await expect(page.getByTestId('summary-when')).toHaveText(when);
  await expect(name).toHaveValue('');
  await expect(page.getByTestId('slot-conflict')).toHaveCount(0);
  await expectNoA11yViolations(page);

  // Someone else books that time; the next reload says it is no longer free.
  await bookByApi(page.request, { startsAt, name: 'Schneller', email: uniqueEmail('schneller'), address: '10.9.9.12' });
  await page.reload();
  await expect(stepHeading(page)).toHaveText('Schritt 3 von 3: Ihre Angaben');
  const conflict = page.getByTestId('slot-conflict');
  await expect(conflict).toHaveText(
    /^Der gewählte Termin ist inzwischen nicht mehr frei\. Bitte wählen Sie einen anderen\./,
  );
  await expect(conflict).toBeFocused();
  await expectNoA11yViolations(page);
  await switchLanguage(page, 'en');
  await expect(conflict).toContainText('The time you chose is no longer free. Please choose another one.');
  await switchLanguage(page, 'de');

  // The way back: step 2, where the time is no longer offered.
  await conflict.getByRole('button', { name: 'Anderen Termin wählen' }).click();
  await expect(stepHeading(page)).toHaveText('Schritt 2 von 3: Termin wählen');
  await expect(page.getByTestId('slot-list')).toBeVisible();
});

test('a slot taken meanwhile offers alternatives and keeps the details; bad links find nothing', async ({
  page,
  browserErrors,
}) => {
  // On a narrow phone: every step reflows at 320 px without sideways scrolling.
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.goto(BOOKING_PAGE);
  expect(await overflow(), 'step 1 at 320 px').toBeLessThanOrEqual(0);
  await toSlots(page);
  await laterWeek(page);
  await laterWeek(page);
  expect(await overflow(), 'step 2 at 320 px').toBeLessThanOrEqual(0);
  const { button, startsAt } = await firstSlot(page);
  await button.click();
  const email = uniqueEmail('ben');
  await fillDetails(page, { name: 'Ben Beispiel', email });
  expect(await overflow(), 'step 3 at 320 px').toBeLessThanOrEqual(0);

  // Someone else books the same slot first.
  await bookByApi(page.request, { startsAt, name: 'Schneller', email: uniqueEmail('schnell'), address: '10.9.9.9' });

  browserErrors.allow(/status of 409/);
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  const conflict = page.getByTestId('slot-conflict');
  await expect(conflict).toBeFocused();
  await expect(conflict).toContainText('Dieser Termin wurde gerade von jemand anderem gebucht.');
  await expectNoA11yViolations(page);
  const alternative = conflict.getByRole('button', { name: /^\d\d:\d\d\sUhr, / }).first();
  await alternative.click();
  await expect(page.getByTestId('alternative-picked')).toBeFocused();
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('Ben Beispiel');
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  await expect(page.getByTestId('booking-confirmation')).toBeVisible();
  await expect(page.getByTestId('appointment-when')).not.toBeEmpty();
  // The focused heading is wholly on the narrow screen: it sat 3 px above its top, cut.
  const booked = mainHeading(page);
  await expect(booked).toHaveText('Ihr Termin ist gebucht');
  await expect(booked).toBeFocused();
  await expect(booked).toBeInViewport({ ratio: 1 });
  await expectHeadingOutline(page, 'Ihr Termin ist gebucht');
  expect(await overflow(), 'the confirmation at 320 px').toBeLessThanOrEqual(0);
  await expectNoA11yViolations(page);

  // A manage link with a token that is not one: the neutral page, no request needed.
  await page.goto('/termin#kein-gueltiger-link');
  await expect(mainHeading(page)).toHaveText('Termin nicht gefunden');
  await expect(page).toHaveURL(/\/termin$/);
  await expectNoA11yViolations(page);
  // A well-formed token of no appointment: the same page.
  browserErrors.allow(/status of 404/);
  await page.goto(`/termin/beitreten#${'A'.repeat(43)}`);
  await expect(mainHeading(page)).toHaveText('Termin nicht gefunden');

  // The join link of an appointment weeks ahead: not open yet, with the time.
  const mails = MailboxListSchema.parse(await (await page.request.get('/api/dev/mailbox')).json());
  const mine = mails.messages.find((message) => message.to === email && message.kind === 'appointment.confirmation');
  if (!mine) throw new Error('no confirmation for Ben');
  const message = MailboxMessageSchema.parse(await (await page.request.get(`/api/dev/mailbox/${mine.id}`)).json());
  const join = /https?:\/\/\S+\/termin\/beitreten#[A-Za-z0-9_-]{43}/.exec(message.text)?.[0];
  if (!join) throw new Error('no join link in the confirmation');
  browserErrors.allow(/status of 409/);
  await page.goto(join);
  await expect(mainHeading(page)).toHaveText('Der Warteraum ist noch nicht geöffnet');
  await expect(page.getByTestId('join-opens')).toHaveText(
    /^Der Warteraum öffnet am \S+, \d{1,2}\. \S+ \d{4} um \d\d:\d\d\sUhr\.$/,
  );
  await expect(page).toHaveURL(/\/termin\/beitreten$/);
  // The e-mail's join link only joins (the calendar entry carries it too): it leads nowhere to
  // manage the appointment, and says where that link is.
  await expect(page.getByText(/über den Link „Termin absagen oder umbuchen“ in Ihrer E-Mail/)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Termin ansehen' })).toHaveCount(0);
  await expectNoA11yViolations(page);
});

/** Clara, signed in (her password is in installation.e2e.json), with the door open. */
async function clerkOnDuty(browser: Browser): Promise<Person & { departmentId: string }> {
  const clerk = await people.open(browser);
  const me = await signInAsStaff(clerk, CLERK.email, CLERK.password);
  const departmentId = me.staff.departments.find((d) => d.slug === DEPARTMENT && d.tenantSlug === TENANT)?.id;
  if (!departmentId) throw new Error('Clara is no member of the Terminbüro');
  await setDoor(clerk, departmentId, 'open');
  people.tidyWith(() => tidyDepartment(clerk, departmentId));
  return { ...clerk, departmentId };
}

/**
 * The office's clock as the console reads it in the answers of the day's appointments (it goes by
 * that, not by the clerk's computer), moved on by `ms`: the run's server's own clock cannot be moved,
 * so time passing for the office is told to the console this way, beside `page.clock` for the browser.
 */
async function officeClockAhead(page: Page): Promise<{ ms: number }> {
  const ahead = { ms: 0 };
  await page.route(
    (url) => /\/api\/staff\/departments\/[^/]+\/appointments\?date=/.test(url.href),
    async (route) => {
      const response = await route.fetch();
      const body = StaffAppointmentsResponseSchema.parse(await response.json());
      const serverTime = new Date(Date.parse(body.serverTime) + ahead.ms).toISOString();
      await route.fulfill({ response, json: { ...body, serverTime } });
    },
  );
  return ahead;
}

test('the clerk books for a caller, moves the appointment and cancels it with a note', async ({
  browser,
}, testInfo) => {
  const clerk = await clerkOnDuty(browser);
  const { page } = clerk;
  await page.goto(`/staff/${clerk.departmentId}`);
  const panel = page.getByTestId('appointments-panel');
  await expect(panel.getByTestId('appointments-day')).toHaveText(/^Heute, /);

  // Book for someone on the phone: the same steps, no e-mail needed, no consent box.
  await panel.getByRole('button', { name: 'Termin für Anrufende buchen' }).click();
  const booking = panel.getByTestId('caller-booking');
  await expect(booking.getByTestId('step-heading')).toHaveText('Schritt 1 von 3: Leistung wählen');
  await expect(booking.getByTestId('step-heading')).toBeFocused();
  await booking.getByRole('button', { name: 'Weiter' }).click();
  await expect(booking.getByTestId('step-heading')).toBeFocused();
  await booking.getByRole('list', { name: 'Tag wählen' }).getByRole('button').nth(1).click(); // tomorrow
  await booking.getByTestId('slot-list').getByRole('button').first().click();
  await expect(booking.getByTestId('step-heading')).toHaveText('Schritt 3 von 3: Ihre Angaben');
  await expect(booking.getByRole('checkbox', { name: /Datenschutzhinweise/ })).toHaveCount(0);
  await booking.getByRole('textbox', { name: 'Name' }).fill('Anton Anruf');
  await booking.getByRole('textbox', { name: 'Telefonnummer (freiwillig)' }).fill('0123 456789');
  await booking.getByRole('button', { name: 'Termin buchen' }).click();
  await expect(panel.getByTestId('appointments-message')).toContainText('Termin für Anton Anruf gebucht');
  await expect(panel.getByTestId('appointments-day')).not.toHaveText(/^Heute, /);

  const row = panel.getByTestId('appointments').getByRole('row', { name: /Anton Anruf/ });
  await expect(row.getByTestId('appointment-state')).toHaveText('Gebucht');
  await expect(row).toContainText('0123 456789');
  // Not yet: no-show only from shortly after the start.
  await expect(row.getByRole('button', { name: 'Anton Anruf: nicht erschienen' })).toHaveAttribute(
    'aria-disabled',
    'true',
  );
  await expectNoA11yViolations(page);

  // Move it to another slot of that day.
  const before = await row.locator('td').first().textContent();
  await row.getByRole('button', { name: 'Termin von Anton Anruf verschieben' }).click();
  const move = panel.getByTestId('move');
  await expect(move.getByRole('heading', { level: 3 })).toBeFocused();
  await move.getByTestId('slot-list').getByRole('button').nth(3).click();
  await expect(panel.getByTestId('appointments-message')).toContainText('Termin von Anton Anruf verschoben auf');
  await expect(row.locator('td').first()).not.toHaveText(before ?? '');

  // Cancel, with a note, through the dialog's second button.
  await row.getByRole('button', { name: 'Termin von Anton Anruf absagen' }).click();
  const dialog = page.getByRole('dialog', { name: 'Termin von Anton Anruf absagen' });
  await expect(dialog.getByRole('textbox', { name: 'Nachricht an die Person (freiwillig)' })).toBeFocused();
  await dialog.getByRole('textbox').fill('Bitte rufen Sie uns für einen neuen Termin an.');
  await expectNoA11yViolations(page);
  await page.screenshot({ path: testInfo.outputPath('console-cancel-dialog.png'), fullPage: true });
  await dialog.getByRole('button', { name: 'Ja, Termin absagen' }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('appointment-state')).toHaveText('Abgesagt');
  await expect(row.getByRole('button', { name: 'Termin von Anton Anruf absagen' })).toHaveCount(0);
  expectNoBrowserErrors(clerk);
});

test('at the booking limit of an e-mail address, the clerk booking for a caller reads what to do, not the citizen’s words', async ({
  browser,
}) => {
  const clerk = await clerkOnDuty(browser);
  const { page } = clerk;
  const base = `/api/staff/departments/${clerk.departmentId}/appointments`;
  const email = uniqueEmail('anna.anruf');
  // Five bookings for one address (the most a day), weeks ahead, clear of the other tests.
  const date = berlinDate(new Date(Date.now() + 26 * 24 * 3600_000).toISOString());
  const free = await freeSlotsOn(page, date);
  expect(free.length).toBeGreaterThanOrEqual(5);
  const made: string[] = [];
  people.tidyWith(async () => {
    for (const id of made) await clerk.request.post(`${base}/${id}/cancel`, { data: {} });
    await tidyDepartment(clerk, clerk.departmentId);
  });
  for (const startsAt of free.slice(0, 5)) {
    const booked = await clerk.request.post(base, {
      data: { services: ['beratung'], persons: 1, startsAt, name: 'Anna Anruf', email, language: 'de' },
    });
    expect(booked.status(), await booked.text()).toBe(201);
    made.push(StaffAppointmentResponseSchema.parse(await booked.json()).appointment.id);
  }

  // The sixth, for the caller on the phone, through the console.
  await page.goto(`/staff/${clerk.departmentId}`);
  const panel = page.getByTestId('appointments-panel');
  await panel.getByRole('button', { name: 'Termin für Anrufende buchen' }).click();
  const booking = panel.getByTestId('caller-booking');
  await expect(booking.getByTestId('step-heading')).toBeFocused();
  await booking.getByRole('button', { name: 'Weiter' }).click();
  await expect(booking.getByTestId('step-heading')).toHaveText('Schritt 2 von 3: Termin wählen');
  await booking.getByRole('list', { name: 'Tag wählen' }).getByRole('button').nth(1).click(); // tomorrow
  await booking.getByTestId('slot-list').getByRole('button').first().click();
  await expect(booking.getByTestId('step-heading')).toHaveText('Schritt 3 von 3: Ihre Angaben');
  await booking.getByRole('textbox', { name: 'Name' }).fill('Anna Anruf');
  await booking.getByRole('textbox', { name: 'E-Mail-Adresse (freiwillig)' }).fill(email);
  await booking.getByRole('button', { name: 'Termin buchen' }).click();

  await expect(booking.getByTestId('error-summary')).toBeFocused();
  // Words for the clerk about the caller's address, with what they can do now.
  await expect(booking.getByTestId('booking-failure')).toHaveText(
    'Für diese E-Mail-Adresse wurden heute schon so viele Termine gebucht, wie an einem Tag möglich sind. Buchen Sie den Termin ohne E-Mail-Adresse (die Person bekommt dann keine Bestätigung per E-Mail) oder fragen Sie nach einer anderen Adresse.',
  );
  await expectNoA11yViolations(page);
  expect(clerk.errors.filter((error) => !/status of 429/.test(error))).toEqual([]);
});

test('the no-show question, answered by keyboard, gives the focus back to the row’s button, also when the office refuses it', async ({
  browser,
}) => {
  const clerk = await clerkOnDuty(browser);
  const { page } = clerk;
  // The console's clock runs ahead, and so does the office's as the console reads it in its
  // answers, but the server's own does not: the console offers the no-show, the server refuses it yet.
  await page.clock.install({ time: Date.now() });
  const office = await officeClockAhead(page);
  // A name of this run's own: another run's Nora of the same day is in the list too.
  const nora = `Nora Nichtda ${String(Date.now() % 1_000_000)}`;
  await page.goto(`/staff/${clerk.departmentId}`);
  const panel = page.getByTestId('appointments-panel');
  await panel.getByRole('button', { name: 'Termin für Anrufende buchen' }).click();
  const booking = panel.getByTestId('caller-booking');
  await booking.getByRole('button', { name: 'Weiter' }).click();
  await booking.getByRole('list', { name: 'Tag wählen' }).getByRole('button').nth(1).click(); // tomorrow
  await booking.getByTestId('slot-list').getByRole('button').first().click();
  await booking.getByRole('textbox', { name: 'Name' }).fill(nora);
  await booking.getByRole('button', { name: 'Termin buchen' }).click();
  await expect(panel.getByTestId('appointments-message')).toContainText(`Termin für ${nora} gebucht`);
  const row = panel.getByTestId('appointments').getByRole('row', { name: new RegExp(`${nora}\\b`) });
  const ask = row.getByRole('button', { name: `${nora}: nicht erschienen` });
  await expect(ask).toHaveAttribute('aria-disabled', 'true');
  const from = /^Ab (\d\d:\d\d)\sUhr möglich$/.exec((await row.locator('.field__hint').textContent()) ?? '')?.[1];
  expect(from, 'the row says from when').toBeTruthy();

  office.ms = 48 * 3_600_000;
  await page.clock.fastForward('48:00:00');
  await expect(ask).not.toHaveAttribute('aria-disabled');
  await ask.focus();
  await page.keyboard.press('Enter');
  const question = row.getByRole('group', { name: new RegExp(`${nora} wirklich als nicht erschienen vermerken`) });
  await expect(question.getByRole('button', { name: 'Ja, nicht erschienen' })).toBeFocused();
  await expectNoA11yViolations(page);
  // "Abbrechen": the question goes, the focus is back where it was asked.
  await page.keyboard.press('Tab');
  await expect(question.getByRole('button', { name: 'Abbrechen' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(question).toHaveCount(0);
  await expect(ask).toBeFocused();

  // "Ja", refused (too early for the server): the row stays, and so does the focus.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  // It says from when, on the office's clock (tomorrow), in the console's language.
  const refusal = panel.getByTestId('appointments-message');
  await expect(refusal).toHaveText(
    new RegExp(
      `^Dieser Termin hat noch nicht begonnen\\. Als nicht erschienen markieren können Sie ihn ab ${from!}\\sUhr, \\S+, \\d{1,2}\\. \\S+ \\d{4}\\.$`,
    ),
  );
  await expect(row.getByTestId('appointment-state')).toHaveText('Gebucht');
  await expect(ask).toBeFocused();
  await switchLanguage(page, 'en');
  await expect(refusal).toHaveText(
    new RegExp(
      `^This appointment has not begun yet\\. You can mark it a no-show from ${from!}, \\S+,? \\d{1,2} \\S+ \\d{4}\\.$`,
    ),
  );
  await switchLanguage(page, 'de');
  // The refusal's status, which the browser logs; nothing else.
  const refused = clerk.errors.findIndex((error) => /status of 4\d\d/.test(error));
  if (refused >= 0) clerk.errors.splice(refused, 1);
  expectNoBrowserErrors(clerk);
});

test('the clerk cancels a booking made in English: the dialog says the e-mail goes in English, which carries the note', async ({
  browser,
}) => {
  const clerk = await clerkOnDuty(browser);
  const { page } = clerk;
  const tomorrow = berlinDate(new Date(Date.now() + 24 * 3_600_000).toISOString());
  const [startsAt] = await freeSlotsOn(page, tomorrow);
  if (!startsAt) throw new Error(`no free slot on ${tomorrow}`);
  const email = uniqueEmail('emma');
  const { id } = await bookByApi(page.request, {
    startsAt,
    name: 'Emma English',
    email,
    language: 'en',
    address: '10.9.9.12',
  });

  await page.goto(`/staff/${clerk.departmentId}`);
  const panel = page.getByTestId('appointments-panel');
  await panel.getByLabel('Datum').fill(berlinDate(startsAt));
  // This booking's row: a run before this one left its Emma's, cancelled, on the same day.
  const row = panel.getByTestId('appointments').getByTestId(`appointment-${id}`);
  await row.getByRole('button', { name: 'Termin von Emma English absagen' }).click();
  const dialog = page.getByRole('dialog', { name: 'Termin von Emma English absagen' });
  const note = dialog.getByRole('textbox', { name: 'Nachricht an die Person (freiwillig)' });
  await expect(note).toHaveAccessibleDescription(/^Steht in der Absage-E-Mail, die auf Englisch geht:/);
  // In English (the page behind the dialog is inert: closed first).
  await dialog.getByRole('button', { name: 'Nicht absagen' }).click();
  await expect(dialog).toBeHidden();
  await switchLanguage(page, 'en');
  await row.getByRole('button', { name: 'Cancel the appointment of Emma English' }).click();
  const englishDialog = page.getByRole('dialog', { name: 'Cancel the appointment of Emma English' });
  const englishNote = englishDialog.getByRole('textbox', { name: 'Message to the person (optional)' });
  await expect(englishNote).toHaveAccessibleDescription(
    /^Goes into the cancellation e-mail, which is written in English:/,
  );
  await expectNoA11yViolations(page);
  await englishNote.fill('Please call us on 030 1234 for a new time.');
  await englishDialog.getByRole('button', { name: 'Yes, cancel the appointment' }).click();
  await expect(englishDialog).toBeHidden();
  await expect(row.getByTestId('appointment-state')).toHaveText('Cancelled');

  // The e-mail: in English, with the note.
  const mails = MailboxListSchema.parse(await (await page.request.get('/api/dev/mailbox')).json());
  const cancelled = mails.messages.find((m) => m.to === email && m.kind === 'appointment.cancelled');
  if (!cancelled) throw new Error('no cancellation for Emma');
  const mail = MailboxMessageSchema.parse(await (await page.request.get(`/api/dev/mailbox/${cancelled.id}`)).json());
  expect(mail.subject).toMatch(/^Appointment cancelled: /);
  expect(mail.text).toContain('Please call us on 030 1234 for a new time.');
  expectNoBrowserErrors(clerk);
});

test('a console left open overnight shows the new day’s appointments as today’s the next morning', async ({
  browser,
}) => {
  const clerk = await clerkOnDuty(browser);
  const { page } = clerk;
  const berlinDay = (instant: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', dateStyle: 'short' }).format(instant);
  const start = Date.now();
  await page.clock.install({ time: start });
  const office = await officeClockAhead(page);
  await page.goto(`/staff/${clerk.departmentId}`);
  const panel = page.getByTestId('appointments-panel');
  const day = panel.getByTestId('appointments-day');
  await expect(day).toHaveText(/^Heute, /);
  await expect(panel.getByRole('textbox', { name: 'Datum' })).toHaveValue(berlinDay(start));
  const yesterday = await day.textContent();

  // The next morning, for the console and the office (the console reads the time every half minute).
  office.ms = 24 * 3_600_000;
  await page.clock.fastForward('24:00:00');
  await expect(panel.getByRole('textbox', { name: 'Datum' })).toHaveValue(berlinDay(start + 24 * 3_600_000));
  await expect(day).toHaveText(/^Heute, /);
  await expect(day).not.toHaveText(yesterday ?? '');
  await expect(panel.getByRole('button', { name: 'Heute' })).toHaveAttribute('aria-disabled', 'true');
  expectNoBrowserErrors(clerk);
});

test('book, join at the time, the clerk admits, the call starts with frames arriving', async ({ browser }) => {
  const clerk = await clerkOnDuty(browser);
  const { departmentId } = clerk;

  // The citizen books the first free slot: within the hour, so the waiting room is open. Late in
  // the evening that is tomorrow's first (the Terminbüro books around the clock).
  const citizen = await people.open(browser);
  const { page } = citizen;
  await page.goto(BOOKING_PAGE);
  await toSlots(page);
  const { button, startsAt } = await firstSlot(page);
  await button.click();
  const email = uniqueEmail('clemens');
  await fillDetails(page, { name: 'Clemens Call', email });
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  await expect(page.getByTestId('booking-confirmation')).toBeVisible();

  // The clerk sees it among the appointments of its day (today's, but for a slot after midnight).
  await clerk.page.goto(`/staff/${departmentId}`);
  await expect(mainHeading(clerk.page)).toHaveText('Terminbüro');
  await clerk.page.getByTestId('appointments-panel').getByLabel('Datum').fill(berlinDate(startsAt));
  const row = clerk.page.getByTestId('appointments').getByRole('row', { name: /Clemens Call/ });
  await expect(row.getByTestId('appointment-state')).toHaveText('Gebucht');
  await expect(row).toContainText('Beratung');
  await expect(row.getByRole('button', { name: 'Termin von Clemens Call absagen' })).toBeVisible();

  // The join link from the e-mail leads into the waiting room.
  await openMail(page, email, 'appointment.confirmation');
  await mailLink(page, 'join').click();
  await expect(page).toHaveURL(new RegExp(`/${TENANT}/${DEPARTMENT}/wait$`));
  await expect(page.getByTestId('appointment-time')).toHaveText(/^Ihr Termin um \d\d:\d\d\sUhr$/);
  await expect(page.getByTestId('position')).toHaveText('Sie sind für Ihren Termin als Nächstes an der Reihe');
  await expectNoA11yViolations(page);

  // Live in the console: arrived and waiting; the clerk lets them in from the queue.
  await expect(row.getByTestId('appointment-state')).toHaveText('Angekommen – wartet');
  await expect(clerk.page.getByTestId('queue-appointment')).toHaveText(/^Termin um \d\d:\d\d\sUhr, 1 Person$/);
  await expectNoA11yViolations(clerk.page);
  await clerk.page.getByRole('button', { name: 'Clemens Call hereinbitten' }).click();

  await expect(mainHeading(page)).toHaveText('Sie sind dran!');
  const toCall = page.getByRole('link', { name: 'Zum Gespräch' });
  const href = await toCall.getAttribute('href');
  expect(href).toMatch(/^\/call\/[0-9a-f-]{36}$/);
  await toCall.click();
  await clerk.page.goto(href ?? '');
  await Promise.all([passDeviceCheck(citizen), passDeviceCheck(clerk)]);
  await expectFrames(remoteCamera(page), 'citizen sees the clerk');
  await expectFrames(remoteCamera(clerk.page), 'clerk sees the citizen');

  expectNoBrowserErrors(clerk, citizen);
});

test('leaving the waiting room of an appointment says it stays booked, and the join link brings the citizen back', async ({
  page,
}) => {
  await page.goto(BOOKING_PAGE);
  await toSlots(page);
  const { button } = await firstSlot(page);
  await button.click();
  const email = uniqueEmail('lea');
  await fillDetails(page, { name: 'Lea Leave', email });
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  await expect(page.getByTestId('booking-confirmation')).toBeVisible();
  await openMail(page, email, 'appointment.confirmation');
  const join = (await mailLink(page, 'join').getAttribute('href')) ?? '';
  await page.goto(join);
  await expect(page).toHaveURL(new RegExp(`/${TENANT}/${DEPARTMENT}/wait$`));

  // Not "the queue" and "you lose your place": the appointment is not lost by leaving.
  await switchLanguage(page, 'en');
  await page.getByRole('button', { name: 'Leave the waiting room' }).click();
  await expect(page.getByTestId('leave-confirm')).toContainText('Your appointment stays booked');
  await page.getByRole('button', { name: 'Yes, leave' }).click();
  await expect(page.getByTestId('ended')).toHaveText(
    'You have left the waiting room. Your appointment stays booked: until its time is over, you can come back with the link “Join the appointment” in your e-mail. To cancel it, use the link “Cancel or rebook”.',
  );
  await expectNoA11yViolations(page);

  // … and it is true: the link leads back into the waiting room.
  await page.goto(join);
  await expect(page).toHaveURL(new RegExp(`/${TENANT}/${DEPARTMENT}/wait$`));
  await expect(page.getByTestId('appointment-time')).toHaveText(/^Your appointment at \d\d:\d\d$/);
  await page.getByRole('button', { name: 'Leave the waiting room' }).click();
  await page.getByRole('button', { name: 'Yes, leave' }).click();
  await expect(page.getByTestId('ended')).toBeVisible();
});

test('the calendar says why a day has no slot: closed days read "geschlossen", not "ausgebucht" (issue 13)', async ({
  page,
}) => {
  // Musterstadt's Bürgeramt: nobody's hours on Sundays, so every week shown has a closed day.
  await page.goto('/musterstadt/buergeramt/termin');
  await page.getByRole('checkbox', { name: 'Personalausweis beantragen' }).check();
  await page.getByRole('button', { name: 'Weiter' }).click();
  await expect(stepHeading(page)).toHaveText('Schritt 2 von 3: Termin wählen');
  const statuses = page.getByTestId('day-status');
  await expect(statuses.first()).toBeVisible();
  const closed = page.locator('[data-testid="day-status"][data-status="closed"]');
  expect(await closed.count()).toBeGreaterThan(0);
  for (const day of await closed.all()) await expect(day).toHaveText('geschlossen');
  // "ausgebucht" only where every slot is taken.
  for (const day of await statuses.all()) {
    if ((await day.textContent()) === 'ausgebucht') await expect(day).toHaveAttribute('data-status', 'full');
  }
  await closed.first().click();
  await expect(page.getByTestId('day-empty')).toHaveText(
    'An diesem Tag ist geschlossen. Bitte wählen Sie einen anderen Tag.',
  );
  await expectNoA11yViolations(page);
});

test('at the booking limit of an e-mail address, the refusal gives the office’s phone to call, in German and English', async ({
  browser,
}) => {
  // Its own client address: five bookings plus the refused one stay under the per-address limit.
  const citizen = await people.open(browser);
  const { page } = citizen;
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const email = uniqueEmail('lena');
  // Five bookings with one e-mail address (the most a day), three weeks ahead, clear of the other tests.
  const date = berlinDate(new Date(Date.now() + 21 * 24 * 3600_000).toISOString());
  const free = await freeSlotsOn(page, date);
  expect(free.length).toBeGreaterThanOrEqual(5);
  for (const startsAt of free.slice(0, 5)) {
    await bookByApi(citizen.request, { startsAt, name: 'Lena Limit', email });
  }

  // The sixth, through the page.
  await page.goto(BOOKING_PAGE);
  await toSlots(page);
  await laterWeek(page);
  const { button } = await firstSlot(page);
  await button.click();
  await fillDetails(page, { name: 'Lena Limit', email });
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();

  await expect(page.getByTestId('error-summary')).toBeFocused();
  await expect(page.getByTestId('booking-failure')).toHaveText(
    'Mit dieser E-Mail-Adresse wurden heute schon mehrere Termine gebucht. Bitte versuchen Sie es morgen wieder oder wenden Sie sich direkt an das Amt.',
  );
  // The refusal says to contact the office: the office's phone is right there, a link to dial.
  const contact = page.getByTestId('booking-limit-contact');
  await expect(contact).toContainText('Telefonisch erreichen Sie das Amt unter +49 1234 000-0');
  await expect(contact.getByRole('link', { name: '+49 1234 000-0' })).toHaveAttribute('href', 'tel:+4912340000');
  await expect(contact.getByRole('link', { name: 'termine@testhausen.example' })).toHaveAttribute(
    'href',
    'mailto:termine@testhausen.example',
  );
  await expect(contact.getByRole('link', { name: 'Zur Seite des Amts' })).toHaveAttribute(
    'href',
    `/${TENANT}/${DEPARTMENT}`,
  );
  await expectNoA11yViolations(page);
  expect(await overflow(), 'the refusal at 320 px').toBeLessThanOrEqual(0);

  await switchLanguage(page, 'en');
  await expect(page.getByTestId('booking-failure')).toHaveText(
    'Several appointments have already been booked with this e-mail address today. Please try again tomorrow or contact the office directly.',
  );
  await expect(contact).toContainText('You can reach the office by phone on +49 1234 000-0');
  await expect(contact.getByRole('link', { name: '+49 1234 000-0' })).toHaveAttribute('href', 'tel:+4912340000');
  await expectNoA11yViolations(page);

  // Nothing else went wrong in the browser; the 429 itself is expected.
  expect(citizen.errors.filter((error) => !/status of 429/.test(error))).toEqual([]);
});

test('moving an appointment on its manage page shows the current and the new time, and moves only on "Termin verschieben"', async ({
  browser,
}, testInfo) => {
  const citizen = await people.open(browser);
  const { page } = citizen;
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  // A time as the review names it: "10:15 Uhr, Montag, 28. Dezember 2026" holds both parts.
  const parts = (instant: string) =>
    [
      { hour: '2-digit', minute: '2-digit' },
      { day: 'numeric', month: 'long', year: 'numeric' },
    ].map((options) =>
      new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', ...options } as Intl.DateTimeFormatOptions).format(
        new Date(instant),
      ),
    );
  const expectTime = async (where: Locator, instant: string) => {
    for (const part of parts(instant)) await expect(where).toContainText(part);
  };

  // Booked through the API for 24 days ahead; its manage link from the confirmation.
  const email = uniqueEmail('mia');
  const [startsAt] = await freeSlotsOn(page, berlinDate(new Date(Date.now() + 24 * 24 * 3600_000).toISOString()));
  if (!startsAt) throw new Error('no free slot in 24 days');
  await bookByApi(citizen.request, { startsAt, name: 'Mia Umzug', email });
  const mails = MailboxListSchema.parse(await (await page.request.get('/api/dev/mailbox')).json());
  const mine = mails.messages.find((message) => message.to === email && message.kind === 'appointment.confirmation');
  if (!mine) throw new Error('no confirmation for Mia');
  const message = MailboxMessageSchema.parse(await (await page.request.get(`/api/dev/mailbox/${mine.id}`)).json());
  const manage = /https?:\/\/\S+\/termin#[A-Za-z0-9_-]{43}/.exec(message.text)?.[0];
  if (!manage) throw new Error('no manage link in the confirmation');
  // The appointment's pages name no municipality in their address; their footer still leads to
  // its privacy notice and accessibility statement (it linked to nothing here).
  const join = /https?:\/\/\S+\/termin\/beitreten#[A-Za-z0-9_-]{43}/.exec(message.text)?.[0];
  if (!join) throw new Error('no join link in the confirmation');
  await page.goto(new URL(join).pathname + new URL(join).hash);
  await expect(mainHeading(page)).toHaveText('Der Warteraum ist noch nicht geöffnet');
  // Not a dead end while the waiting room is shut: the office's page is a link away.
  await expect(page.getByTestId('join-office')).toHaveAttribute('href', `/${TENANT}/${DEPARTMENT}`);
  const legal = page.getByTestId('legal-footer');
  await expect(legal.getByRole('link', { name: 'Barrierefreiheit' })).toHaveAttribute(
    'href',
    `/${TENANT}/barrierefreiheit`,
  );
  citizen.errors.splice(0); // the refused arrival (409, not open yet) is logged by Chromium, and expected
  await page.goto(new URL(manage).pathname + new URL(manage).hash);
  await expect(mainHeading(page)).toHaveText('Ihr Termin');
  await expect(page.getByTestId('appointment-office')).toHaveAttribute('href', `/${TENANT}/${DEPARTMENT}`);
  await expect(legal.getByRole('link', { name: 'Datenschutz' })).toHaveAttribute('href', `/${TENANT}/datenschutz`);
  await expect(legal.getByRole('link', { name: 'Barrierefreiheit' })).toHaveAttribute(
    'href',
    `/${TENANT}/barrierefreiheit`,
  );

  // Choosing a new time moves nothing yet: old and new time are shown for review.
  await page.getByRole('button', { name: 'Termin verschieben' }).click();
  await expect(page.getByTestId('rebook').getByRole('heading', { name: 'Neuen Termin wählen' })).toBeFocused();
  await laterWeek(page);
  const first = await firstSlot(page);
  await first.button.click();
  const review = page.getByTestId('rebook-review');
  await expect(review.getByRole('heading', { level: 3 })).toHaveText('Neue Zeit prüfen');
  await expect(review.getByRole('heading', { level: 3 })).toBeFocused();
  await expectTime(page.getByTestId('rebook-from'), startsAt);
  await expectTime(page.getByTestId('rebook-to'), first.startsAt);
  await expect(page.getByTestId('appointment-state')).toHaveAttribute('data-state', 'booked');
  expect(await freeSlotsOn(page, berlinDate(first.startsAt))).toContain(first.startsAt);
  expect(await freeSlotsOn(page, berlinDate(startsAt))).not.toContain(startsAt);
  await expectNoA11yViolations(page);
  expect(await overflow(), 'the review at 320 px').toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('manage-rebook-review.png'), fullPage: true });
  await switchLanguage(page, 'en');
  await expect(review.getByRole('heading', { level: 3 })).toHaveText('Check the new time');
  await expect(review.getByRole('button', { name: 'Move the appointment' })).toBeVisible();
  await expectNoA11yViolations(page);
  await switchLanguage(page, 'de');

  // The way back: the picker again, the chosen time marked, still nothing moved.
  await review.getByRole('button', { name: 'Andere Zeit wählen' }).click();
  await expect(page.getByTestId('rebook').getByRole('heading', { name: 'Neuen Termin wählen' })).toBeFocused();
  await expect(page.locator(`[data-starts-at="${first.startsAt}"]`)).toHaveAccessibleName(/, ausgewählt$/);
  expect(await freeSlotsOn(page, berlinDate(startsAt))).not.toContain(startsAt);

  // Another time, confirmed by keyboard alone.
  const second = page.getByTestId('slot-list').getByRole('button').nth(3);
  const newStart = (await second.getAttribute('data-starts-at'))!;
  await tabTo(page, second);
  await page.keyboard.press('Enter');
  await expect(review.getByRole('heading', { level: 3 })).toBeFocused();
  await expectTime(page.getByTestId('rebook-to'), newStart);
  await tabTo(page, review.getByRole('button', { name: 'Termin verschieben' }));
  await page.keyboard.press('Enter');
  const notice = page.getByTestId('manage-message');
  await expect(notice).toHaveText(/^Ihr Termin ist verschoben auf /);
  await expect(notice).toBeFocused();
  // In sight, too: the browser put back the scroll position of the times, far below it.
  await expect(notice).toBeInViewport();
  await expect(page.getByTestId('rebook-review')).toHaveCount(0);
  expect(await freeSlotsOn(page, berlinDate(startsAt))).toContain(startsAt);
  expect(await freeSlotsOn(page, berlinDate(newStart))).not.toContain(newStart);
  await expectNoA11yViolations(page);
  expect(citizen.errors).toEqual([]);
});

test('the join link opened in the manage page’s tab: Back shows the appointment again, not “not found”', async ({
  page,
  browserErrors,
}) => {
  // Booked by the API, 45 days ahead: away from the other tests' slots, within the horizon.
  const day = berlinDate(new Date(Date.now() + 45 * 24 * 3_600_000).toISOString());
  const startsAt = (await freeSlotsOn(page, day))[20];
  if (!startsAt) throw new Error(`no free slot on ${day}`);
  const email = uniqueEmail('jana');
  await bookByApi(page.request, { startsAt, name: 'Jana Zurück', email, address: '10.9.9.13' });

  // The manage link, then (in the same tab) the join link, both from the e-mail.
  await openMail(page, email, 'appointment.confirmation');
  const manageHref = new URL((await mailLink(page, 'manage').getAttribute('href'))!, page.url()).href;
  const joinHref = new URL((await mailLink(page, 'join').getAttribute('href'))!, page.url()).href;
  await page.goto(manageHref);
  await expect(mainHeading(page)).toHaveText('Ihr Termin');
  const when = (await page.getByTestId('appointment-when').textContent()) ?? '';
  expect(when).not.toBe('');
  browserErrors.allow(/status of 409/); // not open yet, weeks ahead
  await page.goto(joinHref);
  await expect(mainHeading(page)).toHaveText('Der Warteraum ist noch nicht geöffnet');

  // Back: the appointment as before; a reload there keeps it.
  await page.goBack();
  await expect(page).toHaveURL(/\/termin$/);
  await expect(mainHeading(page)).toHaveText('Ihr Termin');
  await expect(page.getByTestId('appointment-state')).toHaveAttribute('data-state', 'booked');
  await expect(page.getByTestId('appointment-when')).toHaveText(when);
  await page.reload();
  await expect(page.getByTestId('appointment-when')).toHaveText(when);
  // Forward: the join page still knows its own link.
  await page.goForward();
  await expect(mainHeading(page)).toHaveText('Der Warteraum ist noch nicht geöffnet');

  // A join page opened with the manage link's token (as the e-mails of older bookings had it)
  // leads on to the manage page, in a tab that has kept nothing yet.
  const fresh = await page.context().browser()!.newContext({ locale: 'de-DE' });
  const other = await fresh.newPage();
  await other.goto(`/termin/beitreten#${new URL(manageHref).hash.slice(1)}`);
  await expect(mainHeading(other)).toHaveText('Der Warteraum ist noch nicht geöffnet');
  await other.getByRole('link', { name: 'Termin ansehen' }).click();
  await expect(mainHeading(other)).toHaveText('Ihr Termin');
  await expect(other.getByTestId('appointment-when')).toHaveText(when);
  await fresh.close();
});

test('an appointment the office cancelled while its manage page was open: moving it says so and shows it cancelled, with the way to book anew', async ({
  browser,
}) => {
  const clerk = await clerkOnDuty(browser);
  const citizen = await people.open(browser);
  const { page } = citizen;
  // 47 days ahead: away from the other tests' slots, within the horizon.
  const day = berlinDate(new Date(Date.now() + 47 * 24 * 3_600_000).toISOString());
  const startsAt = (await freeSlotsOn(page, day))[30];
  if (!startsAt) throw new Error(`no free slot on ${day}`);
  const email = uniqueEmail('paul');
  const { id } = await bookByApi(citizen.request, { startsAt, name: 'Paul Offen', email });
  await openMail(page, email, 'appointment.confirmation');
  await mailLink(page, 'manage').click();
  await expect(page.getByTestId('appointment-state')).toHaveAttribute('data-state', 'booked');

  // The office cancels it meanwhile; the citizen's page still shows it booked, and is used.
  const cancelled = await clerk.request.post(`/api/staff/departments/${clerk.departmentId}/appointments/${id}/cancel`, {
    data: {},
  });
  expect(cancelled.status()).toBe(200);
  await page.getByRole('button', { name: 'Termin verschieben' }).click();
  const { button } = await firstSlot(page);
  await button.click();
  await page.getByTestId('rebook-review').getByRole('button', { name: 'Termin verschieben' }).click();

  const notice = page.getByTestId('manage-message');
  await expect(notice).toHaveText('Dieser Termin wurde abgesagt.');
  await expect(notice).toBeFocused();
  await expect(page.getByTestId('appointment-state')).toHaveAttribute('data-state', 'cancelled');
  await expect(page.getByTestId('appointment-state')).toHaveText('Dieser Termin ist abgesagt.');
  await expect(page.getByTestId('rebook-review')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Termin verschieben' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Termin absagen' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Neuen Termin buchen' })).toHaveAttribute('href', BOOKING_PAGE);
  await expectNoA11yViolations(page);
  expect(citizen.errors.filter((error) => !/status of 409/.test(error))).toEqual([]);
});

test('a new time no longer bookable when the move is confirmed: the manage page says so and shows the times to choose from again', async ({
  browser,
}) => {
  const citizen = await people.open(browser);
  const { page } = citizen;
  // 49 days ahead: away from the other tests' slots, within the horizon.
  const day = berlinDate(new Date(Date.now() + 49 * 24 * 3_600_000).toISOString());
  const startsAt = (await freeSlotsOn(page, day))[30];
  if (!startsAt) throw new Error(`no free slot on ${day}`);
  const email = uniqueEmail('vera');
  await bookByApi(citizen.request, { startsAt, name: 'Vera Verschoben', email });
  await openMail(page, email, 'appointment.confirmation');
  await mailLink(page, 'manage').click();
  await expect(page.getByTestId('appointment-state')).toHaveAttribute('data-state', 'booked');

  await page.getByRole('button', { name: 'Termin verschieben' }).click();
  await laterWeek(page);
  const { button } = await firstSlot(page);
  await button.click();
  const review = page.getByTestId('rebook-review');
  await expect(review.getByRole('heading', { level: 3 })).toBeFocused();
  // Meanwhile the time stops being one the office offers (a rule, an absence, the clock): here the
  // request asks for a time five minutes off the office's grid, which the server refuses as such.
  await page.route('**/api/appointments/rebook', async (route) => {
    const body = route.request().postDataJSON() as { token: string; startsAt: string };
    const off = new Date(new Date(body.startsAt).getTime() + 5 * 60_000).toISOString();
    await route.continue({ postData: JSON.stringify({ ...body, startsAt: off }) });
  });
  await review.getByRole('button', { name: 'Termin verschieben' }).click();

  const notice = page.getByTestId('manage-message');
  await expect(notice).toHaveText('Dieser Termin kann nicht mehr gebucht werden. Bitte wählen Sie einen anderen.');
  await expect(notice).toBeFocused();
  await expect(review).toHaveCount(0);
  await expect(page.getByTestId('rebook').getByTestId('slot-list')).toBeVisible();
  await expect(page.getByTestId('appointment-state')).toHaveAttribute('data-state', 'booked');
  expect(await freeSlotsOn(page, day)).not.toContain(startsAt);
  await expectNoA11yViolations(page);

  // The way on: another time, moved. In a later week: the picker shows this week again, whose
  // today has only a slot or two left late in the evening (the test failed after 23:00 in Berlin).
  await page.unroute('**/api/appointments/rebook');
  await laterWeek(page);
  const other = page.getByTestId('slot-list').getByRole('button').nth(2);
  await other.click();
  await review.getByRole('button', { name: 'Termin verschieben' }).click();
  await expect(notice).toHaveText(/^Ihr Termin ist verschoben auf /);
  expect(citizen.errors.filter((error) => !/status of 422/.test(error))).toEqual([]);
});

test('the browser’s Back during a move or a cancel steps back on the manage page, not away from it', async ({
  browser,
}) => {
  const citizen = await people.open(browser);
  const { page } = citizen;
  // 51 days ahead: away from the other tests' slots, within the horizon.
  const day = berlinDate(new Date(Date.now() + 51 * 24 * 3_600_000).toISOString());
  const startsAt = (await freeSlotsOn(page, day))[30];
  if (!startsAt) throw new Error(`no free slot on ${day}`);
  const email = uniqueEmail('bruno');
  await bookByApi(citizen.request, { startsAt, name: 'Bruno Zurück', email });
  // The page the manage link was opened from: where Back went from the middle of a move.
  await openMail(page, email, 'appointment.confirmation');
  await mailLink(page, 'manage').click();
  const state = page.getByTestId('appointment-state');
  await expect(state).toHaveAttribute('data-state', 'booked');
  const move = page.getByRole('button', { name: 'Termin verschieben' });
  const cancel = page.getByRole('button', { name: 'Termin absagen' });
  const timesHeading = page.getByTestId('rebook').getByRole('heading', { name: 'Neuen Termin wählen' });
  const review = page.getByTestId('rebook-review');

  // A move: times, then the review; Back goes to the times, then to the appointment.
  await move.click();
  await expect(timesHeading).toBeFocused();
  const { button } = await firstSlot(page);
  await button.click();
  await expect(review.getByRole('heading', { level: 3 })).toBeFocused();
  await page.goBack();
  await expect(timesHeading).toBeFocused();
  await expect(review).toHaveCount(0);
  await page.goBack();
  await expect(page.getByTestId('rebook')).toHaveCount(0);
  await expect(move).toBeFocused();
  await expect(cancel).toBeVisible();
  await expect(state).toHaveAttribute('data-state', 'booked');
  // The token stays out of the address in every step.
  await expect(page).toHaveURL(/\/termin$/);

  // A cancel's question: Back leaves the appointment booked and shown, with its buttons.
  await cancel.click();
  await expect(page.getByTestId('cancel-confirm')).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('cancel-confirm')).toHaveCount(0);
  await expect(cancel).toBeFocused();
  await expect(move).toBeVisible();
  await expect(state).toHaveText('Ihr Termin ist gebucht.');
  await expect(page).toHaveURL(/\/termin$/);
  expect(await freeSlotsOn(page, day)).not.toContain(startsAt);
  await expectNoA11yViolations(page);

  // The page's own ways back still work, and the move goes through from the review.
  await cancel.click();
  await page.getByRole('button', { name: 'Nein, Termin behalten' }).click();
  await expect(cancel).toBeFocused();
  await move.click();
  await (await firstSlot(page)).button.click();
  await review.getByRole('button', { name: 'Termin verschieben' }).click();
  const notice = page.getByTestId('manage-message');
  await expect(notice).toHaveText(/^Ihr Termin ist verschoben auf /);
  await expect(notice).toBeFocused();
  // Done: Back leaves the manage page, no step of the finished move is left to go back through.
  await page.goBack();
  await expect(page).toHaveURL(/\/dev\/mailbox\?id=/);
  expect(citizen.errors).toEqual([]);
});

test('after a finished move or cancel, the browser’s Forward brings back no step of it, and Back still leaves', async ({
  browser,
}) => {
  const citizen = await people.open(browser);
  const { page } = citizen;
  // 53 days ahead: away from the other tests' slots, within the horizon.
  const day = berlinDate(new Date(Date.now() + 53 * 24 * 3_600_000).toISOString());
  const startsAt = (await freeSlotsOn(page, day))[30];
  if (!startsAt) throw new Error(`no free slot on ${day}`);
  const email = uniqueEmail('fritz');
  await bookByApi(citizen.request, { startsAt, name: 'Fritz Vorwärts', email });
  await openMail(page, email, 'appointment.confirmation');
  await mailLink(page, 'manage').click();
  const state = page.getByTestId('appointment-state');
  await expect(state).toHaveAttribute('data-state', 'booked');
  const move = page.getByRole('button', { name: 'Termin verschieben' });
  const review = page.getByTestId('rebook-review');
  const notice = page.getByTestId('manage-message');
  /** The history entry shown: the router's index of it. */
  const entry = () => page.evaluate(() => (window.history.state as { idx?: number } | null)?.idx ?? null);
  const appointmentEntry = await entry();

  // A finished move: Forward does not reopen its review (whose button would ask for the time
  // now held, and be refused), nor its times; the page stays at the appointment as it is now.
  await move.click();
  const { button, startsAt: newStart } = await firstSlot(page);
  await button.click();
  await review.getByRole('button', { name: 'Termin verschieben' }).click();
  await expect(notice).toHaveText(/^Ihr Termin ist verschoben auf /);
  await expect.poll(entry).toBe(appointmentEntry);
  await page.goForward();
  await expect.poll(entry).toBe(appointmentEntry);
  await expect(review).toHaveCount(0);
  await expect(page.getByTestId('rebook')).toHaveCount(0);
  await expect(move).toBeVisible();
  await expect(state).toHaveText('Ihr Termin ist gebucht.');
  expect(await freeSlotsOn(page, day)).not.toContain(newStart);

  // A finished cancel: Forward does not bring back its question; the page says it is cancelled.
  await page.getByRole('button', { name: 'Termin absagen' }).click();
  await page.getByRole('button', { name: 'Ja, absagen' }).click();
  await expect(state).toHaveAttribute('data-state', 'cancelled');
  await expect.poll(entry).toBe(appointmentEntry);
  await page.goForward();
  await expect.poll(entry).toBe(appointmentEntry);
  await expect(page.getByTestId('cancel-confirm')).toHaveCount(0);
  await expect(state).toHaveText('Dieser Termin ist abgesagt.');
  await expectNoA11yViolations(page);

  // Back still leaves the manage page at once: no step of either is left to go back through.
  await page.goBack();
  await expect(page).toHaveURL(/\/dev\/mailbox\?id=/);
  expect(citizen.errors).toEqual([]);
});
