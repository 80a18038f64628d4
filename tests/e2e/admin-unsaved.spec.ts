import type { Locator, Page } from '@playwright/test';
import { expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';
import {
  ADMINS,
  peoplePerTest,
  signInAsAdmin,
  tabTo,
  TESTHAUSEN_PASSWORD,
  unusedTotpCode,
  type Person,
} from './support';

// An admin's typing is not lost without asking: by one of the page's links, the browser's Back
// (a popstate in the app, not a page load) or closing the tab, on every admin page with a form.

const TENANT = 'testhausen';
const DEPARTMENT = 'termine';
const TENANT_PAGE = `/admin/${TENANT}`;
const DEPARTMENT_PAGE = `/admin/${TENANT}/departments/${DEPARTMENT}`;
const SERVICES_PAGE = `${DEPARTMENT_PAGE}/services`;

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
async function signInAgain(
  page: Page,
  language: 'de' | 'en',
  account: { email: string; password: string; totpSecret: string } = {
    ...ADMINS.amelie,
    password: TESTHAUSEN_PASSWORD,
  },
) {
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
  await page.getByLabel(words.email).fill(account.email);
  await page.getByLabel(words.password, { exact: true }).fill(account.password);
  await page.getByRole('button', { name: words.signIn }).click();
  await expect(page.getByTestId('second-factor-gate')).toBeVisible();
  await page.getByLabel(words.code).fill(await unusedTotpCode(account.totpSecret));
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

const KEPT = {
  // Kept for the same account only: someone else signing in in the tab gets none of it.
  de: 'Ihre Eingaben sind in diesem Tab aufbewahrt und werden wieder eingesetzt, wenn Sie sich mit demselben Konto anmelden.',
  en: 'What you had entered is kept in this tab and will be filled in again when you sign in with the same account.',
};
const RESTORED = {
  de: 'Sie waren nicht mehr angemeldet. Ihre Eingaben, die noch nicht gespeichert waren, sind wieder eingetragen: Bitte prüfen Sie sie und speichern Sie dann.',
  en: 'You had been signed out. What you had entered and not yet saved is filled in again: please check it, then save.',
};

/** The typing this tab keeps for after a sign-in (sessionStorage), by its entries' names. */
const keptEntries = (page: Page) =>
  page.evaluate(() => Object.keys(window.sessionStorage).filter((key) => key.startsWith('amtsraum.unsaved:')));

test('the tab shown again finds the session ended: a new service’s typing is kept, the sign-in page says so, and the form opens again with it', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const admin = await people.open(browser);
  await signInAsAdmin(admin, ADMINS.amelie);
  const headers = { 'X-Forwarded-For': admin.address };
  const page = admin.page;
  const { answer } = questions(page);
  answer.now = 'accept';

  await page.goto(SERVICES_PAGE);
  await tabTo(page, page.getByRole('button', { name: 'Leistung hinzufügen' }));
  await page.keyboard.press('Enter');
  const name = page.getByLabel('Name (Deutsch)', { exact: true });
  await name.focus();
  const typed = `Ummeldung nach Abmeldung ${String(Date.now())}`;
  await page.keyboard.type(typed);
  // Signed out in another tab; coming back to this one loads the list again, without a session.
  expect((await admin.request.post('/api/staff/logout', { headers })).status()).toBe(204);
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(page).toHaveURL(/\/staff\/login\?tenant=testhausen$/);
  await expect(page.getByTestId('login-drafts-kept')).toHaveText(KEPT.de);
  await expectNoA11yViolations(page);
  await signInAgain(page, 'de');

  await expect(page).toHaveURL(at(SERVICES_PAGE));
  const form = page.getByTestId('service-form');
  await expect(form.getByTestId('draft-restored')).toHaveText(RESTORED.de);
  await expect(form.getByLabel('Name (Deutsch)', { exact: true })).toHaveValue(typed);
  expect(await keptEntries(page)).toEqual([]);
  await expectNoA11yViolations(page);
  // Taken out once restored: loaded again, the page shows the list, and no form.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Leistung hinzufügen' })).toBeVisible();
  await expect(form).toHaveCount(0);
});

test('in English: the on-site place and a new closure, typed when the session ended, are back after signing in again', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const admin = await people.open(browser);
  await signInAsAdmin(admin, ADMINS.amelie);
  const headers = { 'X-Forwarded-For': admin.address };
  const page = admin.page;
  const { answer } = questions(page);
  answer.now = 'accept';

  await page.goto(DEPARTMENT_PAGE);
  await switchLanguage(page, 'en');
  const onsite = page.getByRole('region', { name: 'On site at the office' });
  const place = onsite.getByLabel('Place of on-site appointments (German): building, room, address');
  const placeTyped = `Rathaus, Zimmer ${String(Date.now() % 1000)}`;
  await place.fill(placeTyped);
  const closure = page.getByRole('form', { name: 'Enter a closure' });
  await closure.getByLabel('First day').fill('2031-05-02');
  await closure.getByLabel('Reason in German (shown to citizens)').fill('Betriebsausflug');
  expect((await admin.request.post('/api/staff/logout', { headers })).status()).toBe(204);
  await tabTo(page, onsite.getByRole('button', { name: 'Save', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/staff\/login\?tenant=testhausen$/);
  await expect(page.getByTestId('login-drafts-kept')).toHaveText(KEPT.en);
  await expectNoA11yViolations(page);
  await signInAgain(page, 'en');

  await expect(page).toHaveURL(at(DEPARTMENT_PAGE));
  await expect(onsite.getByTestId('draft-restored')).toHaveText(RESTORED.en);
  await expect(place).toHaveValue(placeTyped);
  await expect(closure.getByTestId('draft-restored')).toHaveText(RESTORED.en);
  await expect(closure.getByLabel('First day')).toHaveValue('2031-05-02');
  await expect(closure.getByLabel('Reason in German (shown to citizens)')).toHaveValue('Betriebsausflug');
  await expectNoA11yViolations(page);
});

/** The invited person's password and authenticator, set up from the invitation in the dev mailbox. */
async function acceptInvitation(person: Person, email: string, password: string): Promise<string> {
  const headers = { 'X-Forwarded-For': person.address };
  const list = (await (await person.request.get('/api/dev/mailbox')).json()) as {
    messages: { id: string; kind: string; to: string }[];
  };
  const invitation = list.messages.find((m) => m.to === email && m.kind === 'staff.invite');
  expect(invitation, `the invitation to ${email}`).toBeDefined();
  const { text } = (await (await person.request.get(`/api/dev/mailbox/${invitation!.id}`)).json()) as { text: string };
  const token = /\/staff\/password#([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  expect(token).toBeTruthy();
  expect((await person.request.post('/api/staff/password', { data: { token, password }, headers })).status()).toBe(200);
  const setup = await person.request.post('/api/staff/second-factor/setup', { data: { password }, headers });
  expect(setup.status()).toBe(200);
  const { secret } = (await setup.json()) as { secret: string };
  const confirmed = await person.request.post('/api/staff/second-factor/confirm', {
    data: { code: await unusedTotpCode(secret) },
    headers,
  });
  expect(confirmed.status()).toBe(200);
  return secret;
}

test('someone else signing in in the same tab never sees the typing kept for another: it is dropped unseen', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  // Amelie invites Lena, admin of the same department, in a window of her own.
  const boss = await people.open(browser);
  const bossMe = await signInAsAdmin(boss, ADMINS.amelie);
  const termine = bossMe.staff.departments.find((d) => d.slug === DEPARTMENT)!;
  const bossHeaders = { 'X-Forwarded-For': boss.address };
  const staffApi = `/api/admin/tenants/${TENANT}/staff`;
  const email = `lena.${String(Date.now())}@testhausen.example`;
  const invited = await boss.request.post(staffApi, {
    data: {
      name: 'Lena Leitung',
      email,
      languages: ['de'],
      isTenantAdmin: false,
      roles: [{ departmentId: termine.id, role: 'admin' }],
    },
    headers: bossHeaders,
  });
  expect(invited.status()).toBe(201);
  const staffId = ((await invited.json()) as { staff: { id: string } }).staff.id;
  people.tidyWith(async () => {
    await boss.request.post(`${staffApi}/${staffId}/deactivate`, { headers: bossHeaders });
  });
  const password = 'ein langer Satz als Passwort';
  const lenaSecret = await acceptInvitation(await people.open(browser), email, password);

  // Amelie types the on-site place in this tab; her session ends; Save leads to the sign-in page.
  const tab = await people.open(browser);
  await signInAsAdmin(tab, ADMINS.amelie);
  const page = tab.page;
  const { answer } = questions(page);
  answer.now = 'accept';
  await page.goto(DEPARTMENT_PAGE);
  const onsite = page.getByRole('region', { name: 'Vor Ort im Amt' });
  const place = onsite.getByLabel('Ort für Termine vor Ort (Deutsch): Gebäude, Raum, Adresse');
  const saved = await place.inputValue();
  await place.fill(`${saved} – Amelies Entwurf`);
  expect((await tab.request.post('/api/staff/logout', { headers: { 'X-Forwarded-For': tab.address } })).status()).toBe(
    204,
  );
  await onsite.getByRole('button', { name: 'Speichern', exact: true }).click();
  await expect(page.getByTestId('login-drafts-kept')).toHaveText(KEPT.de);
  expect(await keptEntries(page)).toHaveLength(1);

  // Lena signs in in the same tab: the page as saved, nothing of Amelie's, and her typing gone.
  await signInAgain(page, 'de', { email, password, totpSecret: lenaSecret });
  await expect(page).toHaveURL(at(DEPARTMENT_PAGE));
  await expect(place).toHaveValue(saved);
  await expect(page.getByTestId('draft-restored')).toHaveCount(0);
  await expect.poll(() => keptEntries(page)).toEqual([]);
  await expectNoA11yViolations(page);
});
