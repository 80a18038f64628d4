import type { Page } from '@playwright/test';
import { expect, expectNoA11yViolations, mainHeading, test } from './fixtures';
import { chunkName } from './support';

/** Axe at the desktop size and at 320 px, where nothing may scroll sideways. */
async function checkBothWidths(page: Page): Promise<void> {
  await expectNoA11yViolations(page);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoA11yViolations(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  if (size) await page.setViewportSize(size);
}

test('legal pages from the door page’s footer, accessibility feedback to the mailbox, and the office search', async ({
  page,
}) => {
  test.setTimeout(120_000); // eight axe runs on four pages at two widths
  // The footer of a door page links to its municipality's pages, from a chunk of its own with its
  // words in `common`: the legal pages' code and words load only when one is opened (issue 14).
  const legalChunks: string[] = [];
  page.on('request', (request) => {
    if (['LegalPage', 'legal'].includes(chunkName(request.url()) ?? '')) legalChunks.push(request.url());
  });
  await page.goto('/musterstadt/buergeramt');
  const footer = page.getByTestId('legal-footer');
  await expect(footer.getByRole('link')).toHaveText(['Impressum', 'Datenschutz', 'Barrierefreiheit', 'Häufige Fragen']);
  await page.waitForLoadState('networkidle');
  expect(legalChunks).toEqual([]);

  // The default privacy text tells the configured retention (RETENTION_DAYS, 30 by default).
  await footer.getByRole('link', { name: 'Datenschutz' }).click();
  await expect(page).toHaveURL(/\/musterstadt\/datenschutz$/);
  await expect(mainHeading(page)).toHaveText('Datenschutzerklärung');
  expect(legalChunks.length).toBeGreaterThan(0);
  await expect(page.getByTestId('legal-privacy')).toContainText('30 Tage nach dem Ende Ihres Besuchs gelöscht');
  await expect(page.getByTestId('legal-privacy')).toContainText('nicht aufgezeichnet');
  await checkBothWidths(page);

  await page.getByTestId('legal-footer').getByRole('link', { name: 'Häufige Fragen' }).click();
  await expect(mainHeading(page)).toHaveText('Häufige Fragen');
  await checkBothWidths(page);

  await page.getByTestId('legal-footer').getByRole('link', { name: 'Impressum' }).click();
  await expect(page.getByTestId('legal-imprint')).toContainText('noch nicht eingetragen');
  await checkBothWidths(page);

  // Musterstadt has no contact address: the feedback goes to the operator, and the form says so.
  await page.getByTestId('legal-footer').getByRole('link', { name: 'Barrierefreiheit' }).click();
  await expect(page.getByTestId('legal-accessibility')).toContainText('WCAG 2.1');
  await expect(page.getByTestId('feedback-form')).toContainText('betrieb@amtsraum.example');
  await checkBothWidths(page);
  await page.getByRole('button', { name: 'Nachricht senden' }).click();
  await expect(page.getByTestId('error-summary')).toContainText('Bitte schreiben Sie eine Nachricht');
  await page.getByLabel('Ihre Nachricht').fill('Der Knopf zum Anklopfen ist mit der Lupe schwer zu finden.');
  await page.getByLabel('Betroffene Seite (freiwillig)').fill('/musterstadt/buergeramt');
  await page.getByRole('button', { name: 'Nachricht senden' }).click();
  await expect(page.getByTestId('feedback-sent')).toBeFocused();
  await expect(page.getByTestId('feedback-sent')).toContainText('an den Betreiber gesendet');

  await page.goto('/dev/mailbox');
  await expect(
    page
      .getByTestId('mailbox-entry')
      .filter({ hasText: 'betrieb@amtsraum.example' })
      .filter({ hasText: 'Barrierefreiheit' }),
  ).toHaveCount(1);

  // Finding the right office on the municipality's page.
  await page.goto('/musterstadt');
  await page.getByRole('searchbox', { name: /Das richtige Amt finden/ }).fill('Perso');
  await page.getByRole('button', { name: 'Suchen' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Ein Amt gefunden.' })).toBeVisible();
  const result = page.getByTestId('search-result-buergeramt');
  await expect(result).toContainText('Personalausweis');
  await expect(result.getByRole('link', { name: 'Termin buchen' })).toBeVisible();
  await checkBothWidths(page);
});

test('the office search’s field on a phone is as big to tap and to read as the page’s other fields', async ({
  page,
}) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const path of ['/', '/musterstadt']) {
    await page.goto(path);
    const field = page.getByRole('searchbox', { name: /Das richtige Amt finden/ });
    await expect(field).toBeVisible();
    const [fieldSize, textSize] = await field.evaluate((input) => [
      input.getBoundingClientRect().height,
      getComputedStyle(input).fontSize,
    ]);
    const pageTextSize = await page.evaluate(() => getComputedStyle(document.body).fontSize);
    const button = await page.getByRole('button', { name: 'Suchen' }).boundingBox();
    expect(fieldSize, `the field's height on ${path}`).toBeGreaterThanOrEqual(button?.height ?? 44);
    expect(textSize, `the field's text size on ${path}`).toBe(pageTextSize);
  }
});
