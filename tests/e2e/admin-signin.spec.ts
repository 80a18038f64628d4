import { totpCode, totpStep } from '../../server/src/lib/totp.js';
import { expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';
import {
  ADMINS,
  peoplePerTest,
  signInAsAdmin,
  signInAsStaff,
  TESTHAUSEN_PASSWORD,
  unusedTotpCode,
  type Person,
} from './support';

const people = peoplePerTest();

/** The browser logs each refused code (HTTP 401) as a failed resource; nothing else may appear. */
function expectOnlyRefusedCodes(person: Person) {
  expect(person.errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
}

/**
 * Testhausen's clerk, who has no authenticator (tests/e2e/installation.e2e.json): the page is the
 * same for a new admin. Her sign-ins with the password alone keep working after it.
 */
const CLARA = 'clara.klein@testhausen.example';

test('a staff member sets up an authenticator app on /staff/security, by keyboard', async ({ browser }) => {
  // Six axe-core runs in two languages and two widths, and on a repeat an admin's sign-in, whose
  // code may wait for the next half-minute.
  test.setTimeout(150_000);
  const person = await people.open(browser);
  const { page } = person;
  const me = await signInAsStaff(person, CLARA, TESTHAUSEN_PASSWORD);
  if (me.staff.secondFactor.enrolled) {
    // An earlier run of this test set hers up (--repeat-each): her admin removes it, as for a lost
    // phone, which ends her sessions.
    const amelie = await people.open(browser);
    await signInAsAdmin(amelie, ADMINS.amelie);
    const reset = await amelie.request.post(`/api/admin/tenants/testhausen/staff/${me.staff.id}/second-factor/reset`, {
      headers: { 'X-Forwarded-For': amelie.address },
    });
    expect(reset.status()).toBe(204);
    await signInAsStaff(person, CLARA, TESTHAUSEN_PASSWORD);
  }
  await page.goto('/staff/security');
  await expect(mainHeading(page)).toHaveText('Sicherheit Ihres Zugangs');
  await expect(page.getByTestId('second-factor-status')).toHaveText('Noch keine Authenticator-App eingerichtet.');
  await expectNoA11yViolations(page);

  // Signed in with the password alone, she types it again: a desk left signed in enrols no
  // stranger's phone. Enter in the field sends the form ('Authenticator-App einrichten').
  await expect(page.getByRole('button', { name: 'Authenticator-App einrichten' })).toBeVisible();
  await page.getByLabel('Ihr Passwort').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.field__error')).toContainText('Bitte geben Sie Ihr Passwort ein.');
  await page.getByLabel('Ihr Passwort').focus();
  await page.keyboard.type(TESTHAUSEN_PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Neue Authenticator-App verbinden' })).toBeFocused();
  await expect(page.getByTestId('qr-code')).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(page.getByRole('link', { name: /Authenticator-App öffnen/ })).toHaveAttribute(
    'href',
    new RegExp(`^otpauth://totp/.*secret=${secret}`),
  );
  await expectNoA11yViolations(page);

  // A wrong code is named next to the field, in the interface language.
  const code = page.getByLabel('Code aus der Authenticator-App');
  await code.focus();
  await page.keyboard.type('000000');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('confirm-form').locator('.field__error')).toContainText('Dieser Code stimmt nicht');
  await switchLanguage(page, 'en');
  await expect(page.getByTestId('confirm-form').locator('.field__error')).toContainText('This code is not right');
  await expectNoA11yViolations(page);

  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'horizontal overflow at 320 px').toBeLessThanOrEqual(0);

  await page.getByLabel('Code from the authenticator app').fill(totpCode(secret, totpStep(new Date())));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('second-factor-done')).toHaveText(/set up and this sign-in is confirmed/);
  // The code form went away with the focus in it: the outcome takes the focus, not <body>.
  await expect(page.getByTestId('second-factor-done')).toBeFocused();
  await expect(page.getByTestId('second-factor-status')).toHaveText(
    'Authenticator app set up. This sign-in is confirmed.',
  );
  await expectNoA11yViolations(page);
  expectOnlyRefusedCodes(person);
});

test('an admin signed in with the password steps up with the code', async ({ browser }) => {
  // A code Amelie's other sign-ins used this half-minute means waiting for the next one.
  test.setTimeout(90_000);
  const person = await people.open(browser);
  const { page } = person;
  await signInAsStaff(person, ADMINS.amelie.email, TESTHAUSEN_PASSWORD);
  await page.goto('/staff/security');
  await expect(page.getByTestId('second-factor-status')).toHaveText(
    'Authenticator-App eingerichtet. Diese Anmeldung ist noch nicht bestätigt.',
  );
  await expectNoA11yViolations(page);

  const form = page.getByTestId('step-up-form');
  for (let attempt = 1; ; attempt += 1) {
    await form.getByLabel('Code aus der Authenticator-App').fill(await unusedTotpCode(ADMINS.amelie.totpSecret));
    await page.keyboard.press('Enter');
    const outcome = await Promise.race([
      page
        .getByTestId('second-factor-done')
        .waitFor()
        .then(() => 'proved' as const),
      form
        .locator('.field__error')
        .waitFor()
        .then(() => 'used' as const),
    ]);
    if (outcome === 'proved') break;
    // Another sign-in of Amelie used this 30-second code: wait for the next one.
    expect(attempt, 'no code of Amelie worked').toBeLessThan(3);
    await page.waitForTimeout(30_000 - (Date.now() % 30_000) + 200);
  }
  await expect(page.getByTestId('second-factor-status')).toHaveText(
    'Authenticator-App eingerichtet. Diese Anmeldung ist bestätigt.',
  );
  await expect(page.getByTestId('second-factor-done')).toBeFocused();
  await expectNoA11yViolations(page);
  expectOnlyRefusedCodes(person);
});

test('the staff sign-in page says why a sign-in through the provider was refused', async ({ page }) => {
  await page.goto('/staff/login?tenant=testhausen&oidcError=unmapped');
  await expect(page.getByTestId('oidc-error')).toContainText('hat hier keine Rolle');
  // Testhausen offers no identity provider: no button, the password form as always.
  await expect(page.getByTestId('oidc-sign-in')).toHaveCount(0);
  await expect(page.getByLabel('Passwort')).toBeVisible();
  await expectNoA11yViolations(page);
  await switchLanguage(page, 'en');
  await expect(page.getByTestId('oidc-error')).toContainText('has no role here');
  await expectNoA11yViolations(page);
});
