import { expect, expectDoorText, mainHeading, switchLanguage, test } from './fixtures';

const DEPARTMENTS = ['buergeramt', 'gewerbeamt', 'fundbuero'];

test('a citizen finds a department, switches to English and opens it with the keyboard', async ({ page }) => {
  await page.goto('/');
  await expect(mainHeading(page)).toHaveText('Ihr virtuelles Bürgerbüro');
  await expect(page).toHaveTitle('Kommunen – Amtsraum');

  // The seed names it "Stadt Musterstadt"; the slug is what the tests rely on.
  await page.getByRole('link', { name: /Musterstadt/ }).click();
  await expect(page).toHaveURL(/\/musterstadt$/);
  // After a client-side navigation the new page's heading has focus (WCAG 2.4.3).
  await expect(mainHeading(page)).toHaveText(/Musterstadt/);
  await expect(mainHeading(page)).toBeFocused();
  await expect(page).toHaveTitle(/Musterstadt – Amtsraum$/);
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Ämter und Stellen');
  await expect(page.getByTestId('departments').locator(':scope > li')).toHaveCount(3);
  for (const name of ['Bürgeramt', 'Gewerbeamt', 'Fundbüro']) {
    await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
  }
  for (const slug of DEPARTMENTS) {
    await expectDoorText(page.getByTestId(`department-${slug}`).getByTestId('door-status'), 'de');
  }

  await switchLanguage(page, 'en');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Offices and departments');
  await expect(page.getByRole('link', { name: 'Bürgeramt', exact: true })).toHaveCount(0); // English name now
  for (const slug of DEPARTMENTS) {
    await expectDoorText(page.getByTestId(`department-${slug}`).getByTestId('door-status'), 'en');
  }

  // Keyboard only from here: Tab from the language switcher to the first department's link.
  const link = page.locator('a[href="/musterstadt/buergeramt"]');
  for (let presses = 0; presses < 25 && !(await link.evaluate((el) => el === document.activeElement)); presses++) {
    await page.keyboard.press('Tab');
  }
  await expect(link).toBeFocused();
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/\/musterstadt\/buergeramt$/);
  await expect(mainHeading(page)).toBeFocused();
  await expect(page).toHaveTitle(/^.+ – .*Musterstadt – Amtsraum$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expectDoorText(page.getByTestId('door-status'), 'en');

  const hours = page.getByRole('table', { name: 'Opening hours' });
  await expect(hours.getByRole('row')).toHaveCount(8); // header and seven days
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
    await expect(hours.getByRole('rowheader', { name: new RegExp(`^${day}`) })).toBeVisible();
  }

  const services = page.getByTestId(/^service-/);
  expect(await services.count()).toBeGreaterThan(0);
  await expect(services.first().getByRole('heading', { level: 3 })).not.toBeEmpty();
  await expect(services.first()).toContainText(/Takes about \d+ minutes?/);
  await expect(services.getByTestId('documents').first().getByRole('listitem').first()).not.toBeEmpty();

  const breadcrumb = page.getByRole('navigation', { name: 'You are here' });
  await breadcrumb.getByRole('link', { name: /Musterstadt/ }).click();
  await expect(page).toHaveURL(/\/musterstadt$/);
  await expect(mainHeading(page)).toBeFocused();
});
