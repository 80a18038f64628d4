import { MailboxListSchema, MailboxMessageSchema } from '@amtsraum/shared';
import type { Browser, Page } from '@playwright/test';
import { TODAY_SLOT_MARGIN } from './berlin-day';
import { expect, expectAccessibleAlsoAt320, expectNoA11yViolations, mainHeading, test } from './fixtures';
import { launchWithCamera, qrVideo, readQrCode } from './hybrid-support';
import { appOfOneBerlinDay } from './one-day-app';
import {
  ADMINS,
  TESTHAUSEN_PASSWORD,
  expectNoBrowserErrors,
  goOnDuty,
  nextClientAddress,
  peoplePerTest,
  setDoor,
  signInAsAdmin,
  signInAsStaff,
  tabTo,
  tidyDepartment,
} from './support';

// The proof of issue 16, walked through the product as its people do, on the default e2e app and
// Testhausen's "Bürgerbüro vor Ort" (tests/e2e/installation.e2e.json): bookable around the clock
// with no lead time, so the earliest slot offered starts within the next quarter hour, inside the
// half hour before a start in which the kiosk takes check-ins. The admin pairs a kiosk and a call
// display on the devices page; a citizen books on site; the QR code of the confirmation mail is
// decoded from its PNG and played to the kiosk's camera; a walk-in ticket follows; the clerk
// calls the appointment first, then the walk-in, and the display shows each at the clerk's counter.
// On an app of the spec's own whose day does not end during the test (late in the evening its clock
// is moved past midnight, one-day-app.ts): the kiosk checks in on the appointment's own day only.

const TENANT = 'testhausen';
const DEPARTMENT = 'vor-ort';
const CLERK = 'otto.ort@testhausen.example';
const COUNTER = 'Platz 3';

const people = peoplePerTest();
const day = appOfOneBerlinDay(TODAY_SLOT_MARGIN);

/** Adds a device on the admin's devices page and returns its one-time pairing code. */
async function addDevice(page: Page, kind: 'Kiosk' | 'Aufrufanzeige', label: string): Promise<string> {
  await page.getByRole('button', { name: `${kind} hinzufügen` }).click();
  await page.getByLabel('Bezeichnung').fill(label);
  await page.getByLabel('Bezeichnung').press('Enter');
  // The box shows this device's code once it names this kind of page (the one before may still show).
  const box = page.getByTestId('device-code');
  await expect(box).toContainText(kind === 'Kiosk' ? 'die Kiosk-Seite' : 'die Seite der Aufrufanzeige');
  const code = (await box.getByTestId('device-code-value').textContent())?.trim() ?? '';
  expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
  return code;
}

/** The confirmation's QR code, read from the PNG the mail carries inline (decoded by Chromium, read by jsQR). */
async function qrTextOfConfirmation(page: Page, email: string): Promise<string> {
  const list = MailboxListSchema.parse(await (await page.request.get('/api/dev/mailbox')).json());
  const entry = list.messages.find((m) => m.to.includes(email) && m.kind === 'appointment.confirmation');
  expect(entry, 'the confirmation mail').toBeTruthy();
  const message = MailboxMessageSchema.parse(await (await page.request.get(`/api/dev/mailbox/${entry!.id}`)).json());
  const png = message.attachments.find((a) => a.contentType === 'image/png');
  expect(png, 'the QR code image of the mail').toBeTruthy();
  const image = await page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { data: Array.from(data), width, height };
  }, png!.content);
  const text = readQrCode(image);
  expect(text, 'a QR code in the image').toBeTruthy();
  return text!;
}

test('the hybrid office: booked on site, checked in by the mail’s QR code at the kiosk, a walk-in after, called in order to the counter on the display', async ({
  browser,
}) => {
  // Two sign-ins (one with an authenticator code that may wait for the next 30 s), two browsers, axe
  // at two widths.
  test.setTimeout(180_000);

  // The admin pairs a kiosk and a call display for the department on the devices page.
  const admin = people.add(await day.open(browser));
  await signInAsAdmin(admin, ADMINS.amelie, day);
  await admin.page.goto(`/admin/${TENANT}/departments/${DEPARTMENT}/devices`);
  await expect(mainHeading(admin.page)).toHaveText('Kiosk und Aufrufanzeige');
  const kioskCode = await addDevice(admin.page, 'Kiosk', `Eingang ${String(Date.now())}`);
  const displayCode = await addDevice(admin.page, 'Aufrufanzeige', `Wartebereich ${String(Date.now())}`);
  expectNoBrowserErrors(admin);
  await admin.context.close();

  const display = people.add(await day.open(browser));
  await display.page.setViewportSize({ width: 1920, height: 1080 });
  await display.page.goto('/anzeige');
  await display.page.getByLabel('Kopplungscode').fill(displayCode);
  await display.page.getByLabel('Kopplungscode').press('Enter');
  await expect(display.page.getByTestId('call-display')).toContainText('Bürgerbüro vor Ort');
  await expect(display.page.getByTestId('call-display-none')).toBeVisible();

  // The clerk is on duty with the door open (else the kiosk hands out no walk-in tickets).
  const clerk = people.add(await day.open(browser));
  const me = await signInAsStaff(clerk, CLERK, TESTHAUSEN_PASSWORD);
  const departmentId = me.staff.departments.find((d) => d.slug === DEPARTMENT && d.tenantSlug === TENANT)!.id;
  await setDoor(clerk, departmentId, 'open');
  people.tidyWith(() => tidyDepartment(clerk, departmentId));
  await goOnDuty(clerk, departmentId);

  // 1. A citizen books the earliest on-site slot.
  const email = `hybrid.${String(Date.now())}@example.org`;
  const citizenName = 'Hanna Hybrid';
  const citizen = people.add(await day.open(browser));
  const { page } = citizen;
  await page.goto(`/${TENANT}/${DEPARTMENT}/termin`);
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.getByTestId('slot-list').getByRole('button').first().click();
  await page.getByTestId('channel-choice').getByRole('radio', { name: 'Vor Ort im Amt' }).check();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(citizenName);
  await page.getByRole('textbox', { name: 'E-Mail-Adresse', exact: true }).fill(email);
  await page.getByRole('textbox', { name: 'Tag' }).fill('23');
  await page.getByRole('textbox', { name: 'Monat' }).fill('4');
  await page.getByRole('textbox', { name: 'Jahr' }).fill('1980');
  await page.getByRole('checkbox', { name: /Datenschutzhinweise/ }).check();
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  await expect(page.getByTestId('appointment-kind')).toHaveText('Vor Ort im Amt');
  const bookingCode = (await page.getByTestId('booking-code').textContent())?.trim() ?? '';

  // 2. The QR code of the confirmation mail, shown to the kiosk's camera.
  const qrText = await qrTextOfConfirmation(page, email);
  expect(qrText).toContain(bookingCode.replace('-', ''));
  let camera: Browser | null = null;
  try {
    camera = await launchWithCamera(qrVideo(qrText));
    const context = await camera.newContext({
      baseURL: day.url(),
      locale: 'de-DE',
      viewport: { width: 1024, height: 768 },
      extraHTTPHeaders: { 'X-Forwarded-For': nextClientAddress() },
    });
    await day.setClock(context);
    const kiosk = await context.newPage();
    const kioskErrors: string[] = [];
    kiosk.on('console', (message) => {
      // Before pairing the kiosk asks who it is (401): expected; anything else fails.
      if (message.type() !== 'error' || /status of 401/.test(message.text())) return;
      kioskErrors.push(message.text());
    });
    kiosk.on('pageerror', (error) => kioskErrors.push(error.message));
    await kiosk.goto('/kiosk');
    await kiosk.getByLabel('Kopplungscode').fill(kioskCode);
    await kiosk.getByLabel('Kopplungscode').press('Enter');
    const start = kiosk.getByRole('heading', { level: 1, name: 'Willkommen! Was möchten Sie tun?' });
    await expect(start).toBeVisible();
    await expectAccessibleAlsoAt320(kiosk);

    // By keyboard: to "scan", Enter; the camera finds the code and checks the citizen in.
    const scan = kiosk.getByRole('button', { name: 'Termin: QR-Code scannen' });
    await tabTo(kiosk, scan);
    await kiosk.keyboard.press('Enter');
    await expect(kiosk.getByRole('heading', { level: 1, name: 'Sie sind angemeldet.' })).toBeVisible({
      timeout: 15_000,
    });
    const appointmentNumber = (await kiosk.getByTestId('kiosk-ticket-number').textContent())?.trim() ?? '';
    expect(appointmentNumber).toMatch(/^\d{3}$/);
    await expect(kiosk.getByTestId('kiosk-ticket')).not.toContainText(citizenName);
    await expectAccessibleAlsoAt320(kiosk);
    const done = kiosk.getByRole('button', { name: 'Fertig' });
    await tabTo(kiosk, done);
    await kiosk.keyboard.press('Enter');
    await expect(start).toBeVisible();

    // 3. A walk-in ticket, by keyboard too.
    const draw = kiosk.getByRole('button', { name: 'Wartenummer ziehen' });
    await tabTo(kiosk, draw);
    await kiosk.keyboard.press('Enter');
    await expect(kiosk.getByRole('heading', { level: 1, name: 'Worum geht es?' })).toBeFocused();
    await expectNoA11yViolations(kiosk);
    const service = kiosk.getByRole('button', { name: 'Personalausweis' });
    await tabTo(kiosk, service);
    await kiosk.keyboard.press('Enter');
    await expect(kiosk.getByRole('heading', { level: 1, name: 'Ihre Wartenummer' })).toBeVisible();
    const walkInNumber = (await kiosk.getByTestId('kiosk-ticket-number').textContent())?.trim() ?? '';
    expect(Number(walkInNumber)).toBe(Number(appointmentNumber) + 1);
    await expectNoA11yViolations(kiosk);
    expect(kioskErrors).toEqual([]);

    // 4. The console: the citizen is present, on site with their ticket, ahead of the walk-in.
    const console_ = clerk.page;
    await console_.goto(`/staff/${departmentId}`);
    const rows = console_.getByTestId('queue').locator('tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText(citizenName);
    await expect(rows.nth(0)).toContainText(`Vor Ort · Nr. ${appointmentNumber}`);
    await expect(rows.nth(1)).toContainText(`Vor Ort · Nr. ${walkInNumber}`);

    // The clerk names their counter, then "next": the appointment, to the counter, on the display.
    const counter = console_.getByRole('textbox', { name: 'Ihr Platz' });
    await counter.fill(COUNTER);
    await counter.press('Enter');
    await expect(console_.getByTestId('counter')).toHaveText(new RegExp(`^Ihr Platz: ${COUNTER}`));
    const next = console_.getByRole('button', { name: 'Nächste Person hereinbitten' });
    await next.click();
    const current = console_.getByTestId('current-visit');
    await expect(current.getByTestId('called-visit')).toContainText(
      `Nr. ${appointmentNumber} aufgerufen an ${COUNTER}`,
    );
    const calls = display.page.getByTestId('call-display-call');
    await expect(calls.first()).toContainText(appointmentNumber);
    await expect(calls.first()).toContainText(COUNTER);
    await expect(display.page.getByTestId('call-display-live')).toHaveText(
      `Nummer ${appointmentNumber}, bitte zu ${COUNTER}.`,
    );
    await expect(display.page.getByTestId('call-display')).not.toContainText(citizenName);
    await expectAccessibleAlsoAt320(display.page);

    // Then the walk-in.
    await current.getByRole('button', { name: 'Erledigt' }).click();
    await expect(current).toContainText('Sie sind gerade in keinem Gespräch.');
    await next.click();
    await expect(current.getByTestId('called-visit')).toContainText(`Nr. ${walkInNumber} aufgerufen an ${COUNTER}`);
    await expect(calls.first()).toContainText(walkInNumber);
    await expect(calls.first()).toContainText(COUNTER);
    // The finished appointment is no longer called; it stays below, among the last few calls.
    await expect(display.page.getByTestId('call-display-earlier').getByRole('listitem')).toContainText([
      `${appointmentNumber} ${COUNTER}`,
    ]);
    await expect(rows).toHaveCount(0);
  } finally {
    await camera?.close();
  }
  expectNoBrowserErrors(clerk, citizen);
  expect(display.errors.filter((error) => !/status of 401 .*\/api\/devices\/display\/me$/.test(error))).toEqual([]);
});
