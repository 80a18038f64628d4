import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { startLivekitApp, type LivekitApp, type Transport } from './servers';

export { expect };

export interface BrowserErrors {
  /** Tolerates errors matching `pattern` in this test, e.g. the 404 a not-found page is about. */
  allow(pattern: RegExp): void;
}

export interface TransportOptions {
  /**
   * The call transport of the app the tests talk to: a project setting (playwright.config.ts).
   * `p2p` is the app playwright.config.ts starts; for `livekit` the worker starts a LiveKit
   * server and an app using it, and every page and request of the test goes there.
   */
  transport: Transport;
  /** The app of this worker's transport; `livekit` is set for the LiveKit one. */
  callApp: { url: string; livekit: LivekitApp | null };
}

/**
 * Every test fails on an unexpected `console.error` or uncaught page error: a page that
 * "looks right" while throwing is not right.
 */
export const test = base.extend<{ browserErrors: BrowserErrors }, TransportOptions>({
  transport: ['p2p', { option: true, scope: 'worker' }],
  callApp: [
    async ({ transport }, use, workerInfo) => {
      if (transport === 'p2p') {
        await use({ url: String(workerInfo.project.use.baseURL), livekit: null });
        return;
      }
      const app = await startLivekitApp();
      try {
        await use({ url: app.url, livekit: app });
      } finally {
        await app.stop();
      }
    },
    { scope: 'worker', timeout: 150_000 },
  ],
  baseURL: async ({ callApp }, use) => {
    await use(callApp.url);
  },
  browserErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      const allowed: RegExp[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console.error: ${message.text()} @ ${message.location().url}`);
      });
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      await use({ allow: (pattern) => allowed.push(pattern) });
      expect(
        errors.filter((error) => !allowed.some((pattern) => pattern.test(error))),
        'unexpected errors in the browser',
      ).toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * livekit-client logs its data channels closing as errors when the server, not the page, ends the
 * session (a person removed, the room closed for everyone): the SCTP abort can come before the
 * leave message that would have told it to expect that (its own graceful leave is quiet,
 * livekit/client-sdk-js#1953). So can its signal connection: closed with the room before the
 * leave message arrived, it is "error reading from signal stream", and the page then learns the
 * end from the app (`useCallOver`). Nothing is wrong then; anything else it logs still
 * fails a test.
 */
export const LIVEKIT_SERVER_ENDED_SESSION =
  /^console\.error: (DataChannel error on (lossy|reliable): User-Initiated Abort|publisher data channel '\w+' closed unexpectedly|error reading from signal stream)/;

/** Chromium logs every 404 response, including the ones a not-found page is expected to get. */
export const HTTP_404_LOGGED = /Failed to load resource: the server responded with a status of 404/;

/** Runs axe-core with the WCAG 2.1 A/AA rules and fails with a readable list of violations. */
export async function expectNoA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help}\n` +
      violation.nodes.map((node) => `    ${node.target.join(' ')}: ${node.failureSummary ?? ''}`).join('\n'),
  );
  expect(violations, `accessibility violations on ${page.url()}`).toEqual([]);
}

/**
 * axe-core on the page as it is, then on a 320 px phone without sideways scrolling there; the
 * viewport is given back afterwards.
 */
export async function expectAccessibleAlsoAt320(page: Page): Promise<void> {
  await expectNoA11yViolations(page);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoA11yViolations(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'sideways scrolling at 320 px').toBeLessThanOrEqual(0);
  if (size) await page.setViewportSize(size);
}

export function mainHeading(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

/**
 * Once a page has loaded (its h1 shown), the document title names it, not the loading state
 * (WCAG 2.4.2): a loading placeholder inside the page once left "Wird geladen …" there. (A page's
 * title may be shorter than its heading, "Mitarbeitende" for "Mitarbeitende der Kommune".)
 */
export async function expectTitleOfLoadedPage(page: Page): Promise<void> {
  await expect(page.getByTestId('loading')).toHaveCount(0);
  await expect(mainHeading(page)).toBeVisible();
  await expect(page).toHaveTitle(/^.+ – Amtsraum$/);
  await expect(page).not.toHaveTitle(/^(Wird geladen|Loading) …/);
}

/** Switches the interface language with the header's switcher and waits for <html lang>. */
export async function switchLanguage(page: Page, to: 'de' | 'en'): Promise<void> {
  const button = page.getByRole('button', { name: to === 'de' ? 'Deutsch' : 'English', exact: true });
  await button.click();
  await expect(button).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('lang', to);
}

// German times end in a no-break space and "Uhr" (kept on one line), hence \s.
const DOOR_TEXT = {
  de: {
    open: /^Jetzt geöffnet(\. Geöffnet bis \d\d:\d\d\sUhr)?$/,
    paused: /^Gerade Pause(\. Geöffnet bis \d\d:\d\d\sUhr)?$/,
    closed: /^Geschlossen\. (Öffnet \S+, \d{1,2}\. \S+, \d\d:\d\d\sUhr|Derzeit sind keine Öffnungszeiten angekündigt)$/,
    unattended: /^Gerade niemand im Dienst(\. Geöffnet bis \d\d:\d\d\sUhr)?$/,
  },
  en: {
    open: /^Open now(\. Open until \d\d:\d\d)?$/,
    paused: /^On a short break(\. Open until \d\d:\d\d)?$/,
    closed: /^Closed\. (Opens \S+,? \d{1,2} \S+ at \d\d:\d\d|No opening hours announced at the moment)$/,
    unattended: /^Nobody on duty right now(\. Open until \d\d:\d\d)?$/,
  },
} as const;

/**
 * Checks a door status in words against its state. The state depends on the clock the
 * tests run at (and whether a clerk is on duty), so the text is matched by what the page reports.
 */
export async function expectDoorText(door: Locator, language: 'de' | 'en'): Promise<void> {
  const state = await door.getAttribute('data-state');
  expect(state).toMatch(/^(open|paused|closed)$/);
  const unattended = (await door.getAttribute('data-unattended')) === 'true';
  await expect(door).toHaveText(
    DOOR_TEXT[language][unattended ? 'unattended' : (state as 'open' | 'paused' | 'closed')],
  );
}
