import { HTTP_404_LOGGED, expect, expectNoA11yViolations, mainHeading, switchLanguage, test } from './fixtures';

const pages = [
  { name: 'home', path: '/' },
  { name: 'tenant', path: '/musterstadt' },
  { name: 'department', path: '/musterstadt/buergeramt' },
  { name: 'not found', path: '/gibtsnicht' },
];

for (const { name, path } of pages) {
  test(`the ${name} page has no WCAG 2.1 AA violations in German and English`, async ({ page, browserErrors }) => {
    browserErrors.allow(HTTP_404_LOGGED);
    await page.goto(path);
    await expect(mainHeading(page)).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expectNoA11yViolations(page);

    await switchLanguage(page, 'en');
    await expectNoA11yViolations(page);
  });
}

test('the department page reflows at 320 px without horizontal scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/musterstadt/buergeramt');
  await expect(mainHeading(page)).toBeVisible();
  for (const language of ['de', 'en'] as const) {
    if (language === 'en') await switchLanguage(page, 'en');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal overflow in ${language}`).toBeLessThanOrEqual(0);
  }
});

test('the first Tab reaches the skip link, which moves focus to main', async ({ page }) => {
  await page.goto('/musterstadt');
  await expect(mainHeading(page)).toBeVisible();

  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Zum Inhalt springen' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();

  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  await expect(page).toHaveURL(/\/musterstadt$/); // no hash navigation

  // The next Tab continues inside main, past the header.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
});
