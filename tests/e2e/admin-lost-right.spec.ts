import { StaffMeSchema } from '@amtsraum/shared';
import type { Browser } from '@playwright/test';
import { totpCode, totpStep } from '../../server/src/lib/totp.js';
import { expect, expectAccessibleAlsoAt320, mainHeading, test } from './fixtures';
import { ADMINS, expectNoBrowserErrors, peoplePerTest, signInAsAdmin, type Person } from './support';

// Issue 15: a right taken away while an admin page is open. Amelie (municipality admin of
// Testhausen, tests/e2e/installation.e2e.json) makes a new person admin of the "termine"
// department; while that person's admin page is open, she lowers them to clerk, and later
// deactivates the account. Their next action meets a plain explanation with a way on, not a
// generic error.

const TENANT = 'testhausen';
const STAFF_API = `/api/admin/tenants/${TENANT}/staff`;
const PASSWORD = 'ein langer Satz als Passwort';

const people = peoplePerTest();

/** An invited person's password from the invitation in the dev mailbox, and an authenticator: signed in with both. */
async function acceptInvitation(person: Person, email: string): Promise<void> {
  const headers = { 'X-Forwarded-For': person.address };
  const list = (await (await person.request.get('/api/dev/mailbox')).json()) as {
    messages: { id: string; kind: string; to: string }[];
  };
  const invitation = list.messages.find((m) => m.to === email && m.kind === 'staff.invite');
  expect(invitation, `the invitation to ${email}`).toBeDefined();
  const { text } = (await (await person.request.get(`/api/dev/mailbox/${invitation!.id}`)).json()) as { text: string };
  const token = /\/staff\/password#([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  expect(token).toBeTruthy();
  const set = await person.request.post('/api/staff/password', { data: { token, password: PASSWORD }, headers });
  expect(set.status()).toBe(200);
  const setup = await person.request.post('/api/staff/second-factor/setup', { data: { password: PASSWORD }, headers });
  expect(setup.status()).toBe(200);
  const { secret } = (await setup.json()) as { secret: string };
  const confirmed = await person.request.post('/api/staff/second-factor/confirm', {
    data: { code: totpCode(secret, totpStep(new Date())) },
    headers,
  });
  expect(confirmed.status()).toBe(200);
}

test('an admin page whose right was taken says so at the next action, and an ended session goes to the sign-in page', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const amelie = await people.open(browser);
  const amelieMe = await signInAsAdmin(amelie, ADMINS.amelie);
  const termine = amelieMe.staff.departments.find((d) => d.slug === 'termine')!;
  const headers = { 'X-Forwarded-For': amelie.address };

  const email = `leitung.${String(Date.now())}@testhausen.example`;
  const invited = await amelie.request.post(STAFF_API, {
    data: {
      name: 'Lena Leitung',
      email,
      languages: ['de'],
      isTenantAdmin: false,
      roles: [{ departmentId: termine.id, role: 'admin' }],
    },
    headers,
  });
  expect(invited.status()).toBe(201);
  const staffId = ((await invited.json()) as { staff: { id: string } }).staff.id;
  const roles = (role: 'admin' | 'clerk') => ({ roles: [{ departmentId: termine.id, role }] });
  // Whatever happens, no admin of Testhausen is left behind for other specs.
  people.tidyWith(async () => {
    await amelie.request.post(`${STAFF_API}/${staffId}/deactivate`, { headers });
  });

  const lena = await people.open(browser);
  await acceptInvitation(lena, email);
  const page = lena.page;
  const departmentPage = `/admin/${TENANT}/departments/termine`;
  await page.goto(departmentPage);
  await expect(mainHeading(page)).toContainText(termine.name.de);
  const settings = page.getByRole('region', { name: 'Einstellungen des Amts' });

  // -- Amelie lowers Lena to clerk while the page is open; Lena saves the settings.
  expect((await amelie.request.patch(`${STAFF_API}/${staffId}`, { data: roles('clerk'), headers })).status()).toBe(200);
  await settings.getByRole('button', { name: 'Speichern' }).click();
  const notice = page.getByTestId('admin-lost-right');
  await expect(notice).toContainText('Sie haben dieses Recht nicht mehr.');
  await expect(notice).toContainText('Ihre Änderung wurde nicht gespeichert.');
  await expect(notice).toBeFocused();
  await expect(page.getByTestId('admin-failure')).toHaveCount(0);
  await expectAccessibleAlsoAt320(page);
  // The way on is the next stop of the keyboard.
  await page.keyboard.press('Tab');
  const home = notice.getByRole('link', { name: 'Zu Ihrer Startseite' });
  await expect(home).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/staff$/);
  await expect(mainHeading(page)).toHaveText('Ihre Ämter');

  // Opened again without the right, the page says the same before any action.
  await page.goto(departmentPage);
  await expect(page.getByTestId('admin-forbidden')).toContainText(
    'Sie haben nicht (mehr) das Recht, diese Seite zu verwalten.',
  );

  // -- Municipality admin for a while: the staff page, whose right Amelie takes while it is open.
  const raised = await amelie.request.patch(`${STAFF_API}/${staffId}`, {
    data: { isTenantAdmin: true, ...roles('admin') },
    headers,
  });
  expect(raised.status()).toBe(200);
  await page.goto(`/admin/${TENANT}/staff`);
  await expect(mainHeading(page)).toHaveText('Mitarbeitende der Kommune');
  const clara = page.getByTestId('staff-member-clara.klein@testhausen.example');
  await clara.getByRole('button', { name: 'Clara Klein bearbeiten' }).click();
  const lowered = await amelie.request.patch(`${STAFF_API}/${staffId}`, { data: { isTenantAdmin: false }, headers });
  expect(lowered.status()).toBe(200);
  await clara.getByRole('form', { name: 'Clara Klein bearbeiten' }).getByRole('button', { name: 'Speichern' }).click();
  const staffNotice = clara.getByTestId('admin-lost-right');
  await expect(staffNotice).toContainText('Sie haben dieses Recht nicht mehr.');
  await expect(staffNotice).toBeFocused();
  await expect(clara.getByTestId('staff-failure')).toHaveCount(0);
  await expectAccessibleAlsoAt320(page);
  // Refused again: the notice takes the focus again, so it is read again.
  const claraForm = clara.getByRole('form', { name: 'Clara Klein bearbeiten' });
  await claraForm.getByRole('button', { name: 'Speichern' }).focus();
  await page.keyboard.press('Enter');
  await expect(staffNotice).toBeFocused();
  await expect(clara.getByTestId('admin-lost-right')).toHaveCount(1);

  // -- Still admin of the department; Amelie deactivates the account while its page is open.
  await page.goto(departmentPage);
  await expect(mainHeading(page)).toContainText(termine.name.de);
  expect((await amelie.request.post(`${STAFF_API}/${staffId}/deactivate`, { headers })).status()).toBe(200);
  await settings.getByRole('button', { name: 'Speichern' }).click();
  await expect(page).toHaveURL(/\/staff\/login\?tenant=testhausen$/);
  await expect(page.getByTestId('login-session-ended')).toHaveText(
    'Ihre Sitzung wurde beendet. Bitte melden Sie sich erneut an.',
  );
  await expectAccessibleAlsoAt320(page);
  const me = await lena.request.get('/api/staff/me', { headers: { 'X-Forwarded-For': lena.address } });
  expect(me.status()).toBe(401);
  expect(StaffMeSchema.safeParse(await me.json()).success).toBe(false);
  expectNoBrowserErrors(amelie);
});

/** A new admin of Testhausen's "termine", signed in with password and authenticator; deactivated after the test. */
async function newAdminOfTermine(browser: Browser, amelie: Person, termineId: string) {
  const headers = { 'X-Forwarded-For': amelie.address };
  const email = `leitung.${String(Date.now())}@testhausen.example`;
  const invited = await amelie.request.post(STAFF_API, {
    data: {
      name: 'Lena Leitung',
      email,
      languages: ['de'],
      isTenantAdmin: false,
      roles: [{ departmentId: termineId, role: 'admin' }],
    },
    headers,
  });
  expect(invited.status()).toBe(201);
  const staffId = ((await invited.json()) as { staff: { id: string } }).staff.id;
  people.tidyWith(async () => {
    await amelie.request.post(`${STAFF_API}/${staffId}/deactivate`, { headers });
  });
  const person = await people.open(browser);
  await acceptInvitation(person, email);
  return { person, staffId };
}

test('the services page says plainly that the right was taken when a service is saved, and changes nothing', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const amelie = await people.open(browser);
  const amelieMe = await signInAsAdmin(amelie, ADMINS.amelie);
  const termine = amelieMe.staff.departments.find((d) => d.slug === 'termine')!;
  const headers = { 'X-Forwarded-For': amelie.address };
  const { person: lena, staffId } = await newAdminOfTermine(browser, amelie, termine.id);
  const page = lena.page;
  const servicesPage = `/admin/${TENANT}/departments/termine/services`;
  await page.goto(servicesPage);
  await expect(mainHeading(page)).toHaveText('Leistungen');
  await page.getByRole('button', { name: 'Leistung hinzufügen' }).click();
  const form = page.getByTestId('service-form');
  const slug = `entzogen-${Date.now().toString(36)}`;
  await form.getByRole('textbox', { name: 'Name (Deutsch)' }).fill('Nicht mehr gespeichert');
  await form.getByRole('textbox', { name: 'Adresse (Kurzname)' }).fill(slug);
  await form.getByRole('textbox', { name: 'Name (Englisch)' }).fill('Not saved any more');
  await form.getByRole('spinbutton', { name: 'Dauer in Minuten' }).fill('15');

  // Amelie lowers Lena to clerk while the form is open; Lena saves.
  const lowered = await amelie.request.patch(`${STAFF_API}/${staffId}`, {
    data: { roles: [{ departmentId: termine.id, role: 'clerk' }] },
    headers,
  });
  expect(lowered.status()).toBe(200);
  await form.getByRole('button', { name: 'Speichern' }).click();
  const notice = form.getByTestId('admin-lost-right');
  await expect(notice).toContainText('Sie haben dieses Recht nicht mehr.');
  await expect(notice).toContainText('Ihre Änderung wurde nicht gespeichert.');
  await expect(notice).toBeFocused();
  await expect(form.getByTestId('service-failure')).toHaveCount(0);
  await expectAccessibleAlsoAt320(page);
  const services = (await (
    await amelie.request.get(`/api/admin/tenants/${TENANT}/departments/termine/services`, { headers })
  ).json()) as { services: { slug: string }[] };
  expect(services.services.map((s) => s.slug)).not.toContain(slug);

  // The way on is the next stop of the keyboard.
  await page.keyboard.press('Tab');
  await expect(notice.getByRole('link', { name: 'Zu Ihrer Startseite' })).toBeFocused();
  // The form's typing is not saved: leaving asks first (admin-unsaved.spec.ts); the admin leaves.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/staff$/);

  // Opened again without the right, the page says so at once, with the same way on.
  await page.goto(servicesPage);
  const refused = page.getByTestId('admin-forbidden');
  await expect(refused).toContainText('Sie haben nicht (mehr) das Recht, diese Seite zu verwalten.');
  await expect(refused.getByRole('link', { name: 'Zu Ihrer Startseite' })).toBeVisible();
  await expectAccessibleAlsoAt320(page);
  expectNoBrowserErrors(amelie);
});
