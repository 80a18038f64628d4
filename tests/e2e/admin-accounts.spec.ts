import { expect, expectAccessibleAlsoAt320, mainHeading, test } from './fixtures';
import { ADMINS, expectNoBrowserErrors, peoplePerTest, signInAsAdmin, tabTo } from './support';

// Staff accounts (issue 15), against tests/e2e/installation.e2e.json: Amelie administers
// Testhausen (with its "Terminbüro"); Ines administers the installation.

const people = peoplePerTest();

test('an admin invites a clerk, who sets a password from the mail, is signed in, loses a console with its role, and is shut out once deactivated', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const amelie = await people.open(browser);
  await signInAsAdmin(amelie, ADMINS.amelie);
  const admin = amelie.page;
  await admin.goto('/admin/testhausen/staff');
  await expect(mainHeading(admin)).toHaveText('Mitarbeitende der Kommune');
  await expectAccessibleAlsoAt320(admin);

  const email = `neu.${String(Date.now())}@testhausen.example`;
  const name = `Nora Neu ${String(Date.now() % 10_000)}`;
  const form = admin.getByRole('form', { name: 'Neue Person einladen' });
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  await form.getByRole('textbox', { name: 'Dienstliche E-Mail-Adresse' }).fill(email);
  await form.getByRole('checkbox', { name: 'Türkçe' }).check();
  await form.getByRole('combobox', { name: 'Terminbüro' }).selectOption('clerk');
  await form.getByRole('button', { name: 'Einladung senden' }).click();
  await expect(admin.getByTestId('staff-notice')).toContainText(email);
  // The invite form starts afresh: the focus is on what happened, not lost to the page's start.
  await expect(admin.getByTestId('staff-notice')).toBeFocused();
  const card = admin.getByTestId(`staff-member-${email}`);
  await expect(card.getByTestId('staff-status')).toHaveText('eingeladen');

  // The invitation in the dev mailbox, its link with the token in the fragment.
  await admin.goto('/dev/mailbox');
  const row = admin.getByTestId('mailbox-entry').filter({ hasText: email }).filter({ hasText: 'staff.invite' });
  await expect(row).toHaveCount(1);
  await row.getByRole('link').click();
  const link = admin.getByTestId('message-text').locator('a[href*="/staff/password#"]');
  await expect(link).toHaveCount(1);
  const href = await link.getAttribute('href');
  expect(href).toMatch(/\/staff\/password#[A-Za-z0-9_-]{43}$/);

  // The invitee, in a browser of their own; the page checks the link before showing the form.
  const invitee = await people.open(browser);
  await invitee.page.goto(href!);
  await expect(mainHeading(invitee.page)).toHaveText('Passwort festlegen');
  await expect(invitee.page).toHaveTitle('Passwort festlegen – Amtsraum');
  // The token has left the address bar.
  expect(new URL(invitee.page.url()).hash).toBe('');
  await expectAccessibleAlsoAt320(invitee.page);
  const password = 'ein Satz aus vielen Wörtern';
  // A second browser opens the same link meanwhile: the check leaves it unused.
  const again = await people.open(browser);
  await again.page.goto(href!);
  const againForm = again.page.getByRole('form', { name: 'Passwort festlegen' });
  await expect(againForm).toBeVisible();
  const setForm = invitee.page.getByRole('form', { name: 'Passwort festlegen' });
  await setForm.getByLabel('Neues Passwort', { exact: true }).fill('zu kurz');
  await setForm.getByLabel('Neues Passwort wiederholen').fill('zu kurz');
  await setForm.getByRole('button', { name: 'Passwort speichern und anmelden' }).click();
  await expect(invitee.page.getByTestId('error-summary')).toContainText('mindestens 12 Zeichen');
  await setForm.getByLabel('Neues Passwort', { exact: true }).fill(password);
  await setForm.getByLabel('Neues Passwort wiederholen').fill(password);
  await setForm.getByRole('button', { name: 'Passwort speichern und anmelden' }).click();
  await expect(invitee.page).toHaveURL(/\/staff$/);
  await expect(mainHeading(invitee.page)).toHaveText('Ihre Ämter');
  await expect(mainHeading(invitee.page)).toBeFocused(); // a new page: its heading, not <body>
  await expect(invitee.page.getByRole('link', { name: 'Terminbüro', exact: true })).toBeVisible();
  expectNoBrowserErrors(invitee);

  // The same link a second time, from the form shown before it was used: used up, with a way on.
  // The form is gone with the focus in it: the message takes the focus, then the new page's heading.
  await againForm.getByLabel('Neues Passwort', { exact: true }).fill(password);
  await againForm.getByLabel('Neues Passwort wiederholen').fill(password);
  await againForm.getByRole('button', { name: 'Passwort speichern und anmelden' }).click();
  await expect(again.page.getByTestId('link-problem')).toContainText('schon benutzt');
  await expect(again.page.getByTestId('link-problem')).toBeFocused();
  await again.page.getByRole('button', { name: 'Neuen Link anfordern' }).click();
  await expect(mainHeading(again.page)).toHaveText('Passwort vergessen');
  await expect(mainHeading(again.page)).toBeFocused();
  // Opened now, the used link and a made-up one are said at once: no password to type first.
  for (const [link, problem] of [
    [href!, 'schon benutzt'],
    [`/staff/password#${'x'.repeat(43)}`, 'ungültig'],
  ] as const) {
    await again.page.goto('/staff/login');
    await again.page.goto(link);
    await expect(again.page.getByTestId('link-problem')).toContainText(problem);
    await expect(againForm).toHaveCount(0);
  }

  // Amelie takes the Terminbüro away while its console is open: the console says so at once.
  await invitee.page.getByRole('link', { name: 'Terminbüro', exact: true }).click();
  await expect(mainHeading(invitee.page)).toContainText('Terminbüro');
  await admin.goto('/admin/testhausen/staff');
  await expect(card.getByTestId('staff-status')).toHaveText('aktiv');
  await card.getByRole('button', { name: `${name} bearbeiten` }).click();
  const edit = card.getByRole('form', { name: `${name} bearbeiten` });
  await edit.getByRole('combobox', { name: 'Terminbüro' }).selectOption('');
  await edit.getByRole('button', { name: 'Speichern' }).click();
  await expect(admin.getByTestId('staff-notice')).toContainText(name);
  await expect(invitee.page.getByRole('alert')).toHaveText('Sie sind diesem Amt nicht mehr zugeordnet.');
  await invitee.page.getByRole('link', { name: 'Ihre Ämter' }).click();
  await expect(mainHeading(invitee.page)).toHaveText('Ihre Ämter');
  expectNoBrowserErrors(invitee);

  // Amelie deactivates the new account: its next request is refused.
  admin.once('dialog', (dialog) => void dialog.accept());
  await card.getByRole('button', { name: `${name} deaktivieren` }).click();
  await expect(card.getByTestId('staff-status')).toHaveText('deaktiviert');
  await expect(admin.getByTestId('staff-notice')).toBeFocused();
  const refused = await invitee.request.get('/api/staff/me', { headers: { 'X-Forwarded-For': invitee.address } });
  expect(refused.status()).toBe(401);
  expectNoBrowserErrors(amelie);
});

test('the forgot-password, profile and installation pages work by keyboard and pass axe', async ({ browser }) => {
  test.setTimeout(90_000);
  const visitor = await people.open(browser);
  await visitor.page.goto('/staff/login');
  await visitor.page.getByRole('link', { name: 'Passwort vergessen?' }).click();
  await expect(mainHeading(visitor.page)).toHaveText('Passwort vergessen');
  await expectAccessibleAlsoAt320(visitor.page);
  await visitor.page.getByRole('textbox', { name: 'E-Mail-Adresse' }).fill(`niemand.${String(Date.now())}@example.org`);
  await visitor.page.keyboard.press('Enter');
  await expect(visitor.page.getByTestId('reset-sent')).toContainText('Wenn es zu dieser Adresse ein Konto gibt');
  await expect(visitor.page.getByTestId('reset-sent')).toBeFocused(); // the form is gone: not <body>

  const ines = await people.open(browser);
  await signInAsAdmin(ines, ADMINS.ines);
  // Reached by a link, the page keeps the focus on its heading once the list is there (it fell to
  // <body> when the page's messages waited for their translations after the heading had it).
  await ines.page.goto('/admin');
  await ines.page.getByRole('link', { name: 'Installation: Kommunen verwalten' }).click();
  await expect(mainHeading(ines.page)).toHaveText('Kommunen der Installation');
  await expect(ines.page.getByTestId('municipality-testhausen')).toBeVisible();
  await expect(mainHeading(ines.page)).toBeFocused();
  await expectAccessibleAlsoAt320(ines.page);
  // A name the application reserves (only the server checks them) is refused at its field, saying so.
  const slug = ines.page.getByLabel('Adresse (Kurzname)');
  await slug.fill('kiosk');
  await ines.page.getByLabel('Name der Kommune').fill('Stadt Kiosk');
  await ines.page.getByLabel('Name der ersten Verwaltungsperson').fill('Ines Kiosk');
  await ines.page.getByLabel('E-Mail-Adresse der ersten Verwaltungsperson').fill('ines@kiosk.example');
  await ines.page.keyboard.press('Enter');
  await expect(slug).toHaveAttribute('aria-invalid', 'true');
  await expect(slug).toHaveAccessibleDescription(/manche Namen sind für die Anwendung reserviert/);
  await expect(ines.page.getByTestId('municipality-kiosk')).toHaveCount(0);
  ines.errors.splice(0, ines.errors.length, ...ines.errors.filter((error) => !/status of 400/.test(error)));

  // The own profile and security pages are reached from the staff home page, by keyboard.
  await ines.page.goto('/staff');
  // Ines works in no office: her home page says where her work is, not only "not assigned yet".
  await expect(ines.page.getByTestId('staff-no-office')).toHaveText(
    'Sie arbeiten selbst in keinem Amt. Ämter und ihre Mitarbeitenden richten Sie unter „Verwaltung“ ein.',
  );
  await expect(ines.page.getByTestId('staff-admin-link').getByRole('link', { name: 'Verwaltung' })).toBeVisible();
  const profile = ines.page.getByTestId('staff-account-links').getByRole('link', { name: 'Ihr Profil' });
  await tabTo(ines.page, profile);
  await ines.page.keyboard.press('Enter');
  await expect(mainHeading(ines.page)).toHaveText('Ihr Profil');
  await expect(ines.page.getByRole('textbox', { name: 'Name' })).not.toHaveValue('');
  await expectAccessibleAlsoAt320(ines.page);
  await ines.page.getByRole('link', { name: 'Zurück zu Ihren Ämtern' }).click();
  await ines.page.getByTestId('staff-account-links').getByRole('link', { name: 'Sicherheit Ihres Zugangs' }).click();
  await expect(mainHeading(ines.page)).toHaveText('Sicherheit Ihres Zugangs');
  await expect(ines.page.getByRole('link', { name: 'Zu Ihren Ämtern' })).toBeVisible();
  expectNoBrowserErrors(visitor, ines);
});

test('a clerk another admin invited meanwhile is listed once the staff page’s tab is shown again', async ({
  browser,
}) => {
  const amelie = await people.open(browser);
  await signInAsAdmin(amelie, ADMINS.amelie);
  const { page } = amelie;
  await page.goto('/admin/testhausen/staff');
  await expect(mainHeading(page)).toHaveText('Mitarbeitende der Kommune');
  // Invited in another window (the same session's requests stand for it).
  const email = `anderes.fenster.${String(Date.now())}@testhausen.example`;
  const invited = await amelie.request.post('/api/admin/tenants/testhausen/staff', {
    data: { name: 'Olaf Anderswo', email, languages: [], isTenantAdmin: false, roles: [] },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const card = page.getByTestId(`staff-member-${email}`);
  await expect(card).toHaveCount(0);
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(card.getByTestId('staff-status')).toHaveText('eingeladen');
  expectNoBrowserErrors(amelie);
});
