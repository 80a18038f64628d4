import type { Locator, Page } from '@playwright/test';
import { expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';
import { ADMINS, peoplePerTest, signInAsAdmin, tabTo, TESTHAUSEN_PASSWORD, unusedTotpCode } from './support';

// An admin's typing is not lost without asking: by one of the page's links, the browser's Back
// (a popstate in the app, not a page load) or closing the tab, on every admin page with a form.

const TENANT = 'testhausen';
const DEPARTMENT = 'termine';
const TENANT_PAGE = `/admin/${TENANT}`;
const DEPARTMENT_PAGE = `/admin/${TENANT}/departments/${DEPARTMENT}`;

const people = peoplePerTest();

const QUESTION = {
  de: 'Auf dieser Seite sind Änderungen noch nicht gespeichert. Seite trotzdem verlassen? Die Änderungen gehen dann verloren.',
  en: 'Some changes on this page are not saved yet. Leave the page anyway? The changes will be lost.',
};

/** Every question the page asks, answered as `answer.now` says. */
function questions(page: Page) {
  const asked: { type: string; text: string }[] = [];
  const answer = { now: 'dismiss' as 'accept' | 'dismiss' };
  page.on('dialog', (dialog) => {
    asked.push({ type: dialog.type(), text: dialog.message() });
    void (answer.now === 'accept' ? dialog.accept() : dialog.dismiss());
  });
  return { asked, answer };
}

/**
 * The browser's Back. Not awaited: a Back the page cancels is a navigation that never ends, which
 * `goBack` would wait for; what follows waits for what a person sees instead.
 */
function pressBack(page: Page) {
  void page.goBack().catch(() => undefined);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const at = (path: string) => new RegExp(`${escape(path)}$`);

/**
 * On a page reached by a link in the app: typed into `field`, the page's `back` link (by keyboard)
 * and the browser's Back each ask, in German; "cancel" keeps the page, its address and the typing.
 */
async function keepsTyping(
  page: Page,
  { asked, answer }: ReturnType<typeof questions>,
  options: { path: string; field: Locator; typed: string; back: string },
) {
  answer.now = 'dismiss';
  await expect(page).toHaveURL(at(options.path));
  await options.field.fill(options.typed);
  const before = asked.length;
  await tabTo(page, page.getByRole('link', { name: options.back }));
  await page.keyboard.press('Enter');
  expect(asked.slice(before)).toEqual([{ type: 'confirm', text: QUESTION.de }]);
  await expect(page).toHaveURL(at(options.path));
  await expect(options.field).toHaveValue(options.typed);

  pressBack(page);
  await expect.poll(() => asked.length).toBe(before + 2);
  expect(asked.at(-1)).toEqual({ type: 'confirm', text: QUESTION.de });
  await expect(page).toHaveURL(at(options.path));
  await expect(options.field).toHaveValue(options.typed);
  await expect(options.field).toBeVisible();
}

test('the staff, services, availability and legal pages ask before a link or Back loses typing; cancel keeps all of it', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const admin = await people.open(browser);
  await signInAsAdmin(admin, ADMINS.amelie);
  const page = admin.page;
  const asking = questions(page);
  const { asked, answer } = asking;

  // Staff: the invitation form.
  await page.goto(TENANT_PAGE);
  await page.getByRole('link', { name: 'Mitarbeitende', exact: true }).click();
  await expect(mainHeading(page)).toHaveText('Mitarbeitende der Kommune');
  await keepsTyping(page, asking, {
    path: `${TENANT_PAGE}/staff`,
    field: page.getByRole('form', { name: 'Neue Person einladen' }).getByRole('textbox', { name: 'Name' }),
    typed: 'Nora Neu',
    back: 'Zurück zur Verwaltung der Kommune',
  });

  // Legal pages: the imprint's German text.
  answer.now = 'accept'; // the tab's typing is left by loading another page
  await page.goto(TENANT_PAGE);
  await page.getByRole('link', { name: 'Rechtliche Seiten und FAQ' }).click();
  const imprint = page.getByTestId('admin-text-imprint').getByRole('textbox', { name: 'Text (Deutsch)' });
  await expect(imprint).toBeVisible();
  await keepsTyping(page, asking, {
    path: `${TENANT_PAGE}/texts`,
    field: imprint,
    typed: 'Impressum, noch nicht gespeichert',
    back: 'Zurück zur Verwaltung der Kommune',
  });

  // Services: a new service's name.
  answer.now = 'accept'; // the tab's typing is left by loading another page
  await page.goto(DEPARTMENT_PAGE);
  await page.getByRole('link', { name: 'Leistungen', exact: true }).click();
  await page.getByRole('button', { name: 'Leistung hinzufügen' }).click();
  await keepsTyping(page, asking, {
    path: `${DEPARTMENT_PAGE}/services`,
    field: page.getByTestId('service-form').getByRole('textbox', { name: 'Name (Deutsch)' }),
    typed: 'Neue Leistung',
    back: 'Zurück zum Amt',
  });

  // Availability: the booking rules.
  answer.now = 'accept'; // the tab's typing is left by loading another page
  await page.goto(DEPARTMENT_PAGE);
  await page.getByRole('link', { name: 'Verfügbarkeit und Buchungsregeln' }).click();
  const horizon = page.getByTestId('rules-form').getByRole('spinbutton', { name: 'Wie weit im Voraus buchbar (Tage)' });
  await expect(horizon).toBeVisible();
  await keepsTyping(page, asking, {
    path: `${DEPARTMENT_PAGE}/availability`,
    field: horizon,
    typed: '77',
    back: 'Zurück zum Amt',
  });

  // In English it asks in English; leaving anyway by Back leaves, and nothing is asked there.
  await switchLanguage(page, 'en');
  answer.now = 'accept';
  pressBack(page);
  await expect.poll(() => asked.at(-1)).toEqual({ type: 'confirm', text: QUESTION.en });
  await expect(page).toHaveURL(at(DEPARTMENT_PAGE));
  await expect(page.getByTestId('hours-editor')).toBeVisible();

  // Nothing typed there: Forward and Back again go unasked.
  const count = asked.length;
  await page.goForward();
  await expect(page).toHaveURL(at(`${DEPARTMENT_PAGE}/availability`));
  const horizonEn = page.getByTestId('rules-form').getByRole('spinbutton', { name: 'How far ahead bookable (days)' });
  await expect(horizonEn).toBeVisible();
  await expect(horizonEn).not.toHaveValue('77');
  pressBack(page);
  await expect(page).toHaveURL(at(DEPARTMENT_PAGE));
  expect(asked).toHaveLength(count);
});

test('Back on the department’s and the municipality’s forms asks too; cancel keeps the address and the typing', async ({
  browser,
}) => {
  const admin = await people.open(browser);
  await signInAsAdmin(admin, ADMINS.amelie);
  const page = admin.page;
  const { asked, answer } = questions(page);

  await page.goto('/admin');
  await page.getByTestId('admin-home-tenant').getByRole('link').click();
  await expect(page).toHaveURL(at(TENANT_PAGE));
  await page.getByTestId('admin-departments').getByRole('link').first().click();
  await expect(page).toHaveURL(at(DEPARTMENT_PAGE));
  const description = page.getByLabel('Beschreibung (Deutsch)');
  await description.fill('Nur getippt');
  pressBack(page);
  await expect.poll(() => asked).toEqual([{ type: 'confirm', text: QUESTION.de }]);
  await expect(page).toHaveURL(at(DEPARTMENT_PAGE));
  await expect(description).toHaveValue('Nur getippt');
  // Leaving anyway leaves.
  answer.now = 'accept';
  pressBack(page);
  await expect(page).toHaveURL(at(TENANT_PAGE));
  await expect(mainHeading(page)).toHaveText('Verwaltung: Gemeinde Testhausen');

  // The municipality's settings: Back in English, cancelled, keeps it.
  await switchLanguage(page, 'en');
  const name = page.getByRole('textbox', { name: 'Name of the municipality' });
  const typed = `${await name.inputValue()} (typed)`;
  await name.fill(typed);
  answer.now = 'dismiss';
  pressBack(page);
  await expect.poll(() => asked.at(-1)).toEqual({ type: 'confirm', text: QUESTION.en });
  await expect(page).toHaveURL(at(TENANT_PAGE));
  await expect(name).toHaveValue(typed);
  await expect(mainHeading(page)).toHaveText('Administration: Gemeinde Testhausen');
});

/** The sign-in page after the session ended, and the second factor on the page it returns to. */
async function signInAgain(page: Page, language: 'de' | 'en') {
  const words = {
    de: {
      email: 'E-Mail-Adresse',
      password: 'Passwort',
      signIn: 'Anmelden',
      code: 'Code aus der Authenticator-App',
      confirm: 'Bestätigen',
    },
    en: {
      email: 'E-mail address',
      password: 'Password',
      signIn: 'Sign in',
      code: 'Code from the authenticator app',
      confirm: 'Confirm',
    },
  }[language];
  await expect(page).toHaveURL(/\/staff\/login\?tenant=testhausen$/);
  await expect(page.getByTestId('login-session-ended')).toBeVisible();
  await page.getByLabel(words.email).fill(ADMINS.amelie.email);
  await page.getByLabel(words.password, { exact: true }).fill(TESTHAUSEN_PASSWORD);
  await page.getByRole('button', { name: words.signIn }).click();
  await expect(page.getByTestId('second-factor-gate')).toBeVisible();
  await page.getByLabel(words.code).fill(await unusedTotpCode(ADMINS.amelie.totpSecret));
  await page.getByRole('button', { name: words.confirm }).click();
}

test('a session that ended while the admin typed loses nothing: after signing in again the typing is back, said so', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const admin = await people.open(browser);
  await signInAsAdmin(admin, ADMINS.amelie);
  const headers = { 'X-Forwarded-For': admin.address };
  const page = admin.page;
  const { answer } = questions(page);
  answer.now = 'accept';

  // Signed out in another tab while typing the department's description; Save by keyboard.
  await page.goto(DEPARTMENT_PAGE);
  const description = page.getByLabel('Beschreibung (Deutsch)');
  const before = await description.inputValue();
  await description.fill(`${before} – nach Abmeldung getippt`);
  expect((await admin.request.post('/api/staff/logout', { headers })).status()).toBe(204);
  await tabTo(page, page.getByRole('button', { name: 'Speichern', exact: true }).first());
  await page.keyboard.press('Enter');
  await signInAgain(page, 'de');
  await expect(page).toHaveURL(at(DEPARTMENT_PAGE));
  const restored = page.getByTestId('draft-restored');
  await expect(restored).toHaveText(
    'Sie waren nicht mehr angemeldet. Ihre Eingaben, die noch nicht gespeichert waren, sind wieder eingetragen: Bitte prüfen Sie sie und speichern Sie dann.',
  );
  await expect(page.getByLabel('Beschreibung (Deutsch)')).toHaveValue(`${before} – nach Abmeldung getippt`);
  await expectNoA11yViolations(page);
  // Still not saved: leaving asks; the draft is taken out once restored (a reload shows the saved text).
  answer.now = 'dismiss';
  const asked: string[] = [];
  page.on('dialog', (dialog) => asked.push(dialog.type()));
  await page.getByRole('link', { name: 'Zurück zur Kommune' }).click();
  await expect.poll(() => asked).toContain('confirm');
  answer.now = 'accept';
  await page.reload();
  await expect(page.getByLabel('Beschreibung (Deutsch)')).toHaveValue(before);
  await expect(restored).toHaveCount(0);

  // In English, on the municipality's settings.
  await page.goto(TENANT_PAGE);
  await switchLanguage(page, 'en');
  const name = page.getByRole('textbox', { name: 'Name of the municipality' });
  const was = await name.inputValue();
  await name.fill(`${was} (typed)`);
  expect((await admin.request.post('/api/staff/logout', { headers })).status()).toBe(204);
  await page.getByTestId('tenant-settings').getByRole('button', { name: 'Save', exact: true }).click();
  await signInAgain(page, 'en');
  await expect(page).toHaveURL(at(TENANT_PAGE));
  await expect(page.getByTestId('draft-restored')).toHaveText(
    'You had been signed out. What you had entered and not yet saved is filled in again: please check it, then save.',
  );
  await expect(page.getByRole('textbox', { name: 'Name of the municipality' })).toHaveValue(`${was} (typed)`);
  await expectNoA11yViolations(page);
});
