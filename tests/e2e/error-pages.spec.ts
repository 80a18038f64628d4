import { randomBytes } from 'node:crypto';
import { HTTP_404_LOGGED, expect, mainHeading, switchLanguage, test } from './fixtures';
import { newPerson } from './support';

const cases = [
  { path: '/gibtsnicht', backDe: 'Alle Kommunen', backEn: 'All municipalities', to: /\/$/ },
  {
    path: '/musterstadt/gibtsnicht',
    backDe: 'Zu den Ämtern der Kommune',
    backEn: "Go to the municipality's offices",
    to: /\/musterstadt$/,
  },
];

for (const { path, backDe, backEn, to } of cases) {
  test(`${path} answers 404 and says so in German and English`, async ({ page, browserErrors }) => {
    browserErrors.allow(HTTP_404_LOGGED);

    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(mainHeading(page)).toHaveText('Seite nicht gefunden');
    await expect(page).toHaveTitle('Seite nicht gefunden – Amtsraum');
    await expect(page.getByRole('main').getByRole('link', { name: backDe })).toBeVisible();

    await switchLanguage(page, 'en');
    await expect(mainHeading(page)).toHaveText('Page not found');
    await expect(page).toHaveTitle('Page not found – Amtsraum');

    // The choice is remembered across visits.
    const again = await page.reload();
    expect(again?.status()).toBe(404);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(mainHeading(page)).toHaveText('Page not found');

    await page.getByRole('main').getByRole('link', { name: backEn }).click();
    await expect(page).toHaveURL(to);
    await expect(mainHeading(page)).toBeFocused();
  });
}

test('an unknown route inside the app shows the 404 page', async ({ page, browserErrors }) => {
  browserErrors.allow(HTTP_404_LOGGED);
  await page.goto('/');
  await expect(mainHeading(page)).toBeVisible();
  // Client-side: the router, not the server, decides.
  await page.evaluate(() => {
    window.history.pushState({}, '', '/musterstadt/buergeramt/gibtsnicht');
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
  await expect(mainHeading(page)).toHaveText('Seite nicht gefunden');
});

test('when the API fails, the error page says why and its retry recovers', async ({ page, browserErrors }) => {
  browserErrors.allow(/Failed to load resource: (net::ERR_FAILED|the server responded with a status of 500)/);
  const answers = ['network', 'server'];
  await page.route('**/api/tenants/musterstadt', async (route) => {
    const answer = answers.shift();
    if (answer === 'network') return route.abort('failed');
    if (answer === 'server') {
      return route.fulfill({
        status: 500,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Interner Fehler', status: 500, code: 'internal_error' }),
      });
    }
    return route.continue();
  });

  await page.goto('/musterstadt');
  await expect(mainHeading(page)).toHaveText('Das hat leider nicht geklappt');
  await expect(page.getByRole('main')).toContainText('Keine Verbindung zum Server.');

  await page.getByRole('button', { name: 'Erneut versuchen' }).click();
  await expect(page.getByRole('main')).toContainText('Auf unserer Seite ist ein Fehler aufgetreten.');
  await expect(mainHeading(page)).toBeFocused();

  await page.getByRole('button', { name: 'Erneut versuchen' }).click();
  await expect(mainHeading(page)).toHaveText(/Musterstadt/);
  await expect(mainHeading(page)).toBeFocused();
});

test('an invite link cut short says it is not valid, not that something went wrong', async ({
  page,
  browserErrors,
}) => {
  // The token is checked at once; the server cannot read this one (400).
  browserErrors.allow(/the server responded with a status of 400/);
  await page.goto('/einladung#kurz');
  await expect(mainHeading(page)).toHaveText('Dieser Einladungslink ist ungültig');
  await expect(page.getByText('Der Link ist unvollständig oder verändert.', { exact: false })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Erneut versuchen' })).toHaveCount(0);
  await expect(page).toHaveURL(/\/einladung$/); // the token left the address bar all the same

  await switchLanguage(page, 'en');
  await expect(mainHeading(page)).toHaveText('This invitation link is not valid');
  await page.getByRole('main').getByRole('link', { name: 'All municipalities' }).click();
  await expect(page).toHaveURL(/\/$/);
});

// A page whose first read is refused for too many requests said "Bitte warten Sie einen Moment"
// when the limit asked for ten minutes: people came back at once and were refused again.
test('a manage link refused for too many tries says how long to wait, in German and English', async ({ browser }) => {
  const guesser = await newPerson(browser); // an address of its own: the limit counts per address
  const token = () => randomBytes(32).toString('base64url');
  // Sixty tries of the manage links' limit in ten minutes, each a link that does not exist.
  for (let i = 0; i < 60; i += 1) {
    const tried = await guesser.request.post('/api/appointments/manage', { data: { token: token() } });
    expect(tried.status()).toBe(404);
  }
  const { page } = guesser;
  await page.goto(`/termin#${token()}`);
  await expect(mainHeading(page)).toHaveText('Das hat leider nicht geklappt');
  await expect(page.getByRole('main')).toContainText(
    /Zu viele Anfragen\. Bitte versuchen Sie es in etwa (9|10) Minuten erneut\./,
  );
  await expect(page.getByRole('main')).not.toContainText('einen Moment');
  await switchLanguage(page, 'en');
  await expect(page.getByRole('main')).toContainText(/Too many requests\. Please try again in about (9|10) minutes\./);
  // Chromium logs the refused read (429); nothing else went wrong.
  expect(guesser.errors.filter((error) => !/status of 429/.test(error))).toEqual([]);
  await guesser.context.close();
});
