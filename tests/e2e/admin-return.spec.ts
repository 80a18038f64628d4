import { startTestProvider, type TestProvider } from '../../server/src/test/oidc-provider.js';
import { expect, expectAccessibleAlsoAt320, mainHeading, test } from './fixtures';
import { ADMINS, peoplePerTest, signInAsAdmin, TESTHAUSEN_PASSWORD, unusedTotpCode, type Person } from './support';

// Signed in again, an admin comes back to the admin page they were on, as a clerk does to their
// console: not to the staff home (tests/e2e/installation.e2e.json: Amelie administers Testhausen).

const TENANT = 'testhausen';
const DEPARTMENT_PAGE = `/admin/${TENANT}/departments/termine`;
/** An admin page sends to the sign-in page for its municipality, which offers its identity provider. */
const SIGN_IN = /\/staff\/login\?tenant=testhausen$/;

const people = peoplePerTest();

/** The page's own 401 (no session, or no longer) is what sends it to sign in; nothing else may fail. */
function expectNoErrorsBut401(person: Person): void {
  expect(person.errors.filter((error) => !error.includes('status of 401 (Unauthorized)'))).toEqual([]);
}

test('an admin page opened without a session comes back after signing in, also through the second factor', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const amelie = await people.open(browser);
  const { page } = amelie;
  const services = `${DEPARTMENT_PAGE}/services`;
  await page.goto(services);
  await expect(page).toHaveURL(SIGN_IN);
  // Nothing ended: the page had no session to begin with.
  await expect(page.getByTestId('login-session-ended')).toHaveCount(0);
  await page.getByLabel('E-Mail-Adresse').fill(ADMINS.amelie.email);
  await page.getByLabel('Passwort', { exact: true }).fill(TESTHAUSEN_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();

  await expect(page).toHaveURL(services);
  await expect(page.getByTestId('second-factor-gate')).toBeVisible();
  await page.getByLabel('Code aus der Authenticator-App').fill(await unusedTotpCode(ADMINS.amelie.totpSecret));
  await page.getByRole('button', { name: 'Bestätigen' }).click();
  await expect(mainHeading(page)).toHaveText('Leistungen');
  await expect(page).toHaveURL(services);
  expectNoErrorsBut401(amelie);
});

test('an admin page whose session ended meanwhile comes back after signing in again', async ({ browser }) => {
  test.setTimeout(90_000);
  const amelie = await people.open(browser);
  const me = await signInAsAdmin(amelie, ADMINS.amelie);
  const termine = me.staff.departments.find((d) => d.slug === 'termine' && d.tenantSlug === TENANT)!;
  const { page } = amelie;
  await page.goto(DEPARTMENT_PAGE);
  await expect(mainHeading(page)).toContainText(termine.name.de);

  // Signed out elsewhere (another tab): the page's next action meets the ended session.
  const out = await amelie.request.post('/api/staff/logout', { headers: { 'X-Forwarded-For': amelie.address } });
  expect(out.ok()).toBe(true);
  await page.getByRole('region', { name: 'Einstellungen des Amts' }).getByRole('button', { name: 'Speichern' }).click();
  await expect(page).toHaveURL(SIGN_IN);
  await expect(page.getByTestId('login-session-ended')).toHaveText(
    'Ihre Sitzung wurde beendet. Bitte melden Sie sich erneut an.',
  );
  await expectAccessibleAlsoAt320(page);
  await page.getByLabel('E-Mail-Adresse').fill(ADMINS.amelie.email);
  await page.getByLabel('Passwort', { exact: true }).fill(TESTHAUSEN_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();

  // Back at the department's page, which asks for the new session's second factor.
  await expect(page).toHaveURL(DEPARTMENT_PAGE);
  await expect(page.getByTestId('second-factor-gate')).toBeVisible();
  expectNoErrorsBut401(amelie);
});

test('an admin page opened without a session comes back after signing in through the town hall’s provider, also after cancelling there once', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const amelie = await people.open(browser);
  await signInAsAdmin(amelie, ADMINS.amelie);
  const providerApi = `/api/admin/tenants/${TENANT}/identity-provider`;
  let provider: TestProvider | null = null;
  // Other specs expect Testhausen without a provider.
  people.tidyWith(async () => {
    await amelie.request.delete(providerApi, { headers: { 'X-Forwarded-For': amelie.address } });
    await provider?.stop();
  });
  provider = await startTestProvider({ redirectUris: [`${baseURL!}/api/auth/oidc/${TENANT}/callback`] });
  provider.accounts.set('amelie', { email: ADMINS.amelie.email, email_verified: true, name: 'Amelie Admin' });
  // No mapping: the provider proves who she is, her roles stay as Testhausen gave them.
  const configured = await amelie.request.put(providerApi, {
    data: {
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      label: { de: 'Rathaus-Konto', en: 'town hall account' },
      scopes: 'openid email profile',
      roleMapping: [],
      provisionAccounts: false,
    },
    headers: { 'X-Forwarded-For': amelie.address },
  });
  expect(configured.status(), await configured.text()).toBe(200);

  const later = await people.open(browser);
  const { page } = later;
  const services = `${DEPARTMENT_PAGE}/services`;
  await page.goto(services);
  await expect(page).toHaveURL(SIGN_IN);
  await page.getByTestId('oidc-sign-in').click();
  // The provider's own development pages stand in for the town hall's sign-in form. Cancelled
  // there first: back on the sign-in page with the reason, still on the way back to the page.
  await expect(page).toHaveURL((url) => url.origin === provider!.issuer);
  await page.getByRole('link', { name: '[ Cancel ]' }).click();
  await expect(page.getByTestId('oidc-error')).toContainText('hat die Anmeldung nicht bestätigt');
  await expect(page).toHaveURL(
    (url) => url.pathname === '/staff/login' && url.searchParams.get('returnTo') === services,
  );
  await page.getByTestId('oidc-sign-in').click();
  await expect(page).toHaveURL((url) => url.origin === provider!.issuer);
  await page.getByPlaceholder('Enter any login').fill('amelie');
  await page.getByPlaceholder('and password').fill('any');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();

  // Back on the page, signed in: the provider's sign-in counts as the second factor.
  await expect(page).toHaveURL(services, { timeout: 15_000 });
  await expect(mainHeading(page)).toHaveText('Leistungen');
  await expect(page.getByTestId('second-factor-gate')).toHaveCount(0);

  // Her session ends on a page whose address names no municipality (a console's, the staff home):
  // the sign-in page still offers the provider this browser signed in through.
  const out = await later.request.post('/api/staff/logout', { headers: { 'X-Forwarded-For': later.address } });
  expect(out.ok()).toBe(true);
  await page.goto('/staff/login');
  await expect(page.getByTestId('oidc-sign-in')).toHaveText('Anmelden mit Rathaus-Konto');
  // The provider's development pages are not ours: they load a web font from the internet and
  // ask for a favicon they lack.
  const providerOrigin = provider.issuer;
  expect(
    later.errors.filter(
      (error) =>
        !error.includes('status of 401 (Unauthorized)') &&
        !/fonts\.googleapis\.com/.test(error) &&
        !error.includes(providerOrigin),
    ),
  ).toEqual([]);
});
