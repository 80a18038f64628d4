import { MailboxMessageSchema } from '@amtsraum/shared';
import type { Page } from '@playwright/test';
import { expect, expectAccessibleAlsoAt320, expectNoA11yViolations, mainHeading, test } from './fixtures';
import { tabTo } from './support';

// Appointment kinds (issue 16, item 1), against tests/e2e/installation.e2e.json: Testhausen's
// "Bürgerbüro vor Ort" offers its one service by video or on site, in room 12 of the town hall,
// with one clerk bookable around the clock. A citizen books on site by keyboard alone.

const BOOKING_PAGE = '/testhausen/vor-ort/termin';
const PLACE_LINE = 'Rathaus Testhausen, Zimmer 12';
const CODE = /^[ACDEFGHJKMNPQRTWXY34679]{4}-[ACDEFGHJKMNPQRTWXY34679]{4}$/;

const stepHeading = (page: Page) => page.getByTestId('step-heading');

/** Tabs to `name`'s control and types into it, as a keyboard user does. */
async function typeInto(page: Page, name: string | RegExp, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name, exact: typeof name === 'string' });
  await tabTo(page, box);
  await page.keyboard.type(text);
}

test('a citizen books an on-site appointment by keyboard; confirmation and mail say where to go, with the code', async ({
  page,
}, testInfo) => {
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  const email = `vor.ort.${String(Date.now())}@example.org`;
  await page.goto(BOOKING_PAGE);
  // Not "video" only here: the page is for booking either kind.
  await expect(mainHeading(page)).toHaveText('Termin buchen');

  // Step 1: the one service is chosen already; it says that it is offered both ways.
  await expect(stepHeading(page)).toHaveText('Schritt 1 von 3: Leistung wählen');
  await expect(page.getByText('Per Video oder vor Ort.')).toBeVisible();
  const next = page.getByRole('button', { name: 'Weiter' });
  await tabTo(page, next);
  await page.keyboard.press('Enter');

  // Step 2: the first free slot, by keyboard.
  await expect(stepHeading(page)).toHaveText('Schritt 2 von 3: Termin wählen');
  const slot = page.getByTestId('slot-list').getByRole('button').first();
  await tabTo(page, slot);
  await page.keyboard.press('Enter');

  // Step 3: video or on site; on site asks for the date of birth, with the place shown.
  await expect(stepHeading(page)).toHaveText('Schritt 3 von 3: Ihre Angaben');
  const choice = page.getByTestId('channel-choice');
  await expect(choice).toHaveAccessibleName('Wie möchten Sie den Termin wahrnehmen?');
  await expect(page.getByTestId('birth-date')).toHaveCount(0);
  const onsite = choice.getByRole('radio', { name: 'Vor Ort im Amt' });
  await tabTo(page, choice.getByRole('radio').first());
  // Arrow keys move within the radio group (and choose).
  await page.keyboard.press('ArrowDown');
  await expect(onsite).toBeChecked();
  await expect(page.getByTestId('onsite-where')).toContainText(PLACE_LINE);
  const birthDate = page.getByTestId('birth-date');
  await expect(birthDate).toHaveAccessibleName('Geburtsdatum');
  await expect(birthDate).toContainText('Sie geben es bei der Anmeldung am Terminal im Amt noch einmal ein');

  // Booking without the date of birth: the error summary names it, the field is marked.
  await typeInto(page, 'Name', 'Olga Ort');
  await typeInto(page, 'E-Mail-Adresse', email);
  const consent = page.getByRole('checkbox', { name: /Datenschutzhinweise/ });
  await tabTo(page, consent);
  await page.keyboard.press('Space');
  await expect(consent).toBeChecked();
  const submit = page.getByRole('button', { name: 'Termin verbindlich buchen' });
  await tabTo(page, submit);
  await page.keyboard.press('Enter');
  const summary = page.getByTestId('error-summary');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('Bitte geben Sie Ihr Geburtsdatum an');
  await expect(page.getByRole('textbox', { name: 'Tag' })).toHaveAttribute('aria-invalid', 'true');
  await expectAccessibleAlsoAt320(page);

  // A day that does not exist is refused too, before anything is sent.
  await typeInto(page, 'Tag', '31');
  await typeInto(page, 'Monat', '4');
  await typeInto(page, 'Jahr', '1980');
  await tabTo(page, submit);
  await page.keyboard.press('Enter');
  await expect(summary).toContainText('gültiges Geburtsdatum in der Vergangenheit');

  const day = page.getByRole('textbox', { name: 'Tag' });
  await day.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('23');
  await expect(day).toHaveValue('23');
  await shot('onsite-step-3');
  await tabTo(page, submit);
  await page.keyboard.press('Enter');

  // The confirmation: on site, the place, the booking code, what to bring to the kiosk.
  const confirmation = page.getByTestId('booking-confirmation');
  await expect(mainHeading(page)).toHaveText('Ihr Termin ist gebucht');
  await expect(page.getByTestId('appointment-kind')).toHaveText('Vor Ort im Amt');
  await expect(page.getByTestId('onsite-location')).toContainText(PLACE_LINE);
  await expect(page.getByTestId('onsite-location')).toContainText('Marktplatz 1, 12345 Testhausen');
  const code = (await page.getByTestId('booking-code').textContent()) ?? '';
  expect(code).toMatch(CODE);
  await expect(page.getByTestId('onsite-info')).toContainText('Terminal im Eingangsbereich');
  await expect(confirmation).not.toContainText('Warteraum');
  await expectAccessibleAlsoAt320(page);
  await shot('onsite-confirmation');

  // The mailbox: the confirmation with the place, the code and the QR code beside the .ics.
  await page.goto('/dev/mailbox');
  await expect(mainHeading(page)).toHaveText('Entwicklungs-Postfach');
  const row = page
    .getByTestId('mailbox-entry')
    .filter({ hasText: email })
    .filter({ hasText: 'appointment.confirmation' });
  await expect(row).toHaveCount(1);
  await row.getByRole('link').click();
  const text = page.getByTestId('message-text');
  await expect(text).toContainText(PLACE_LINE);
  await expect(text).toContainText(code);
  await expect(text).toContainText('Buchungscode und Ihr Geburtsdatum mit');
  await expect(page.locator('a[href*="/termin/beitreten#"]')).toHaveCount(0);
  const attachments = page.getByTestId('attachment');
  await expect(attachments).toHaveCount(2);
  await expect(attachments.nth(1)).toHaveAttribute('download', /\.png$/);
  await expectNoA11yViolations(page);

  // The PNG is what the mail server sends inline: a real image, checked from the message itself.
  const id = new URL(page.url()).searchParams.get('id')!;
  const message = MailboxMessageSchema.parse(await (await page.request.get(`/api/dev/mailbox/${id}`)).json());
  const png = message.attachments.find((a) => a.contentType === 'image/png')!;
  expect(Buffer.from(png.content, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(message.html).toContain('src="cid:');
});

test("the department's door says per service whether it is by video or on site, where, and offers booking of both kinds", async ({
  page,
}) => {
  await page.goto('/testhausen/vor-ort');
  const service = page.getByTestId('service-ausweis');
  await expect(service).toContainText('mit Termin per Video oder vor Ort');
  await expect(service.getByTestId('service-place')).toContainText(`Vor Ort: ${PLACE_LINE}`);
  const offer = page.getByTestId('booking-offer');
  await expect(offer.getByRole('heading', { level: 2 })).toHaveText('Termin per Video oder vor Ort');
  // Not "Videotermin buchen" where on site is offered too.
  const link = offer.getByRole('link', { name: 'Termin buchen', exact: true });
  await tabTo(page, link);
  await expectAccessibleAlsoAt320(page);
  await page.keyboard.press('Enter');
  await expect(mainHeading(page)).toHaveText('Termin buchen');
});
