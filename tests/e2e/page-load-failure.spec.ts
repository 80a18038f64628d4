import type { Browser, Page } from '@playwright/test';
import { expect, expectAccessibleAlsoAt320, mainHeading, test, type BrowserErrors } from './fixtures';
import { chunkUrls, openDoorAsClerk, peoplePerTest, STAFF, tabTo, TENANT, tidyDepartment } from './support';

// A page's code comes in chunks, each downloaded when the page is opened. When one could not be
// downloaded (the network gone for a moment), the whole page went white, header and footer too,
// with nothing to say why or to do. Now the page says so, calmly, keeps the header and footer, and
// a "reload" brings the page once the network is back. Testhausen's Terminbüro, as in booking.spec.ts.

const DOOR = '/testhausen/termine';

const people = peoplePerTest();

/** Chromium's log of the refused download and React's of the error its boundary caught. */
const CUT_OFF = /Failed to load resource: net::ERR_INTERNET_DISCONNECTED|Failed to fetch dynamically imported module/;

/** Cuts the network off for the chunks whose file names match `name`; gives a function that restores it. */
async function cutOff(page: Page, name: string): Promise<() => Promise<void>> {
  const chunk = chunkUrls(name);
  await page.route(chunk, (route) => route.abort('internetdisconnected'));
  return () => page.unroute(chunk);
}

async function expectHeaderAndFooter(page: Page): Promise<void> {
  await expect(page.getByRole('banner').getByRole('link').first()).toBeVisible();
  await expect(page.getByRole('contentinfo')).toBeVisible();
  await expect(page.getByTestId('legal-footer')).toBeVisible();
}

test('a page whose code cannot be downloaded says so in German, keeps header and footer, and reloads by keyboard once the network is back', async ({
  page,
  browserErrors,
}) => {
  browserErrors.allow(CUT_OFF);
  await page.goto(DOOR);
  await expect(mainHeading(page)).toBeVisible();
  const restore = await cutOff(page, 'BookingPage');

  await page.getByTestId('booking-offer').getByRole('link', { name: 'Videotermin buchen' }).click();
  await expect(page).toHaveURL(/\/testhausen\/termine\/termin$/);
  const heading = mainHeading(page);
  await expect(heading).toHaveText('Diese Seite konnte nicht vollständig geladen werden.');
  await expect(heading).toBeFocused();
  await expect(page).toHaveTitle('Seite nicht vollständig geladen – Amtsraum');
  await expect(page.getByRole('main')).toContainText('Prüfen Sie Ihre Internetverbindung.');
  await expectHeaderAndFooter(page);
  await expectAccessibleAlsoAt320(page);

  // Still offline: the reload brings the same answer, not a white page.
  const reload = page.getByRole('button', { name: 'Neu laden' });
  await tabTo(page, reload);
  await page.keyboard.press('Enter');
  await expect(heading).toHaveText('Diese Seite konnte nicht vollständig geladen werden.');
  await expectHeaderAndFooter(page);

  await restore();
  await tabTo(page, reload);
  await page.keyboard.press('Enter');
  await expect(heading).toHaveText('Videotermin buchen');
  await expect(page.getByRole('button', { name: 'Neu laden' })).toHaveCount(0);
});

test('in English, a knock form that cannot be downloaded takes the door page’s place with the message; another page opens from the header, and the reload brings the door back', async ({
  page,
  browserErrors,
}) => {
  browserErrors.allow(CUT_OFF);
  await page.addInitScript(() => window.localStorage.setItem('amtsraum.locale', 'en'));
  const restore = await cutOff(page, 'KnockSection');
  await page.goto(DOOR);
  const heading = mainHeading(page);
  await expect(heading).toHaveText('This page could not be loaded completely.');
  await expect(page).toHaveTitle('Page not fully loaded – Amtsraum');
  await expect(page.getByRole('main')).toContainText('Please check your internet connection');
  await expectHeaderAndFooter(page);
  await expectAccessibleAlsoAt320(page);

  // The rest of the app still works: the header's link opens another page in place of the message.
  await page.getByRole('banner').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/$/);
  await expect(heading).not.toHaveText('This page could not be loaded completely.');
  await expect(page.getByRole('button', { name: 'Reload' })).toHaveCount(0);

  await page.goBack();
  await expect(heading).toHaveText('This page could not be loaded completely.');
  await restore();
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByTestId('door-status')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reload' })).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 2, name: /^(Knock|You cannot knock right now)$/ })).toBeVisible();
});

// A feature's own words that could not be downloaded (here the knock form's): i18next asked for
// them six times in 11 s, and the form then showed its keys ("knock.heading") instead of words.
test('a feature whose words cannot be downloaded: after a few tries the page says so, not its keys, and the reload brings the knock form once the network is back', async ({
  page,
  browserErrors,
}) => {
  browserErrors.allow(CUT_OFF);
  browserErrors.allow(/Error: no words: de\/visits/); // React's log of what its boundary caught
  const words = chunkUrls('visits');
  let refusals = 0;
  await page.route(words, async (route) => {
    refusals++;
    await route.abort('internetdisconnected');
  });
  await page.goto(DOOR);
  const heading = mainHeading(page);
  await expect(heading).toHaveText('Diese Seite konnte nicht vollständig geladen werden.');
  expect(refusals).toBe(4); // the first download and three tries more (i18n.ts: maxRetries)
  await expect(page.getByRole('main')).not.toContainText('knock.');
  await expectHeaderAndFooter(page);

  await page.unroute(words);
  await page.getByRole('button', { name: 'Neu laden' }).click();
  await expect(page.getByTestId('door-status')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: /^Anklopfen( ist gerade nicht möglich)?$/ })).toBeVisible();
  expect(refusals).toBe(4);
});

/**
 * Musterstadt's Fundbüro, open with Mehmet on duty (as in knock.spec.ts); on `page`, the `errors`
 * namespace (which every page fetches at its start beside the first download) refused, each time
 * counted, and a knock answered as a full queue in the server's words `title` (the refusal itself
 * is proven in the server's tests).
 */
async function fullQueueWithoutWords(
  { browser, page, browserErrors }: { browser: Browser; page: Page; browserErrors: BrowserErrors },
  title: string,
) {
  browserErrors.allow(CUT_OFF);
  browserErrors.allow(/status of 503 \(Service Unavailable\)/);
  const clerk = people.add(await openDoorAsClerk(browser, STAFF.mehmet, 'fundbuero'));
  people.tidyWith(() => tidyDepartment(clerk, clerk.departmentId));
  const errorsChunk = chunkUrls('errors');
  const refusals = { count: 0, end: () => page.unroute(errorsChunk) };
  await page.route(errorsChunk, async (route) => {
    refusals.count++;
    await route.abort('internetdisconnected');
  });
  await page.route('**/api/tenants/*/departments/*/knock', (route) =>
    route.fulfill({
      status: 503,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({ type: 'about:blank#queue_full', title, status: 503, code: 'queue_full' }),
    }),
  );
  return refusals;
}

async function knockAsErika(page: Page): Promise<void> {
  const form = page.getByRole('form', { name: 'Anklopfen' });
  await form.getByLabel(/^Name/).fill('Erika Netz');
  await form.getByLabel(/^Ihr Anliegen/).fill('Eine kurze Frage');
  await form.getByRole('checkbox', { name: /Datenschutz/ }).check();
  await form.getByRole('button', { name: 'Anklopfen' }).click();
}

test('the words for refusals, cut off for a moment at the start, are fetched again: a refusal then says what happened, not its key', async ({
  browser,
  page,
  browserErrors,
}) => {
  const refusals = await fullQueueWithoutWords({ browser, page, browserErrors }, 'Warteschlange voll');
  await page.goto(`/${TENANT}/fundbuero`);
  await expect.poll(() => refusals.count).toBeGreaterThan(0);
  await refusals.end();
  await knockAsErika(page);
  await expect(page.getByTestId('knock-failure')).toHaveText(
    'Die Warteschlange ist gerade voll. Bitte versuchen Sie es später noch einmal.',
  );
});

// The page waited for those words: with their chunk refused, it stayed white through i18next's
// retries (about 11 s) and the knock form came after another round of them, at 22 s.
test('the words for refusals, never downloaded in this visit: the page does not wait for them, and a refusal says the server’s own words, not its key', async ({
  browser,
  page,
  browserErrors,
}) => {
  // A full queue, in the words the server sends in German (server/src/lib/messages.ts).
  const serverWords =
    'Die Warteschlange ist gerade voll. Bitte versuchen Sie es später noch einmal oder buchen Sie einen Termin.';
  const refusals = await fullQueueWithoutWords({ browser, page, browserErrors }, serverWords);
  await page.goto(`/${TENANT}/fundbuero`);
  await expect(page.getByRole('form', { name: 'Anklopfen' }).getByLabel(/^Name/)).toBeVisible();
  // Shown while the words are still being asked for: before the sixth refusal, which ended i18next's
  // first round of retries (the old page was white until then).
  expect(refusals.count).toBeGreaterThan(0);
  expect(refusals.count).toBeLessThan(6);
  await knockAsErika(page);
  await expect(page.getByTestId('knock-failure')).toHaveText(serverWords);
});
