import type { Browser, BrowserContext } from '@playwright/test';
import { aheadForOneBerlinDay } from './berlin-day';
import { test } from './fixtures';
import { E2E_INSTALLATION, startApp, type AppServer } from './servers';
import { newPerson, type AppClock, type Person } from './support';

/**
 * An app of the spec's own (Gemeinde Testhausen of tests/e2e/installation.e2e.json, no demo) for
 * steps that must fall on one calendar day in Berlin, at whatever hour the run comes: an on-site
 * check-in works only on the appointment's own day. When the day ends within the spec's time, the
 * app's clock (tests/e2e/moved-clock.mjs) and the clocks of the browsers that talk to it are moved
 * to a minute past midnight instead of waiting for it; otherwise they show the machine's time.
 *
 * AMTSRAUM_E2E_NOW (an ISO 8601 instant, e.g. `2026-12-06T23:50:00+01:00`) stands in for the
 * machine's time as the spec's start: to walk these specs at another hour, such as just before
 * midnight, without moving the machine's clock.
 */
export interface OneDayApp extends AppClock {
  /** A person (one browser context) talking to this app, their browser's clock set to the app's. */
  open(browser: Browser, options?: { locale?: string }): Promise<Person>;
  /** Sets a browser context's clock to the app's (for a context made another way). */
  setClock(context: BrowserContext): Promise<void>;
}

/** The spec's start as AMTSRAUM_E2E_NOW gives it, or the machine's time. */
function start(): Date {
  const given = process.env.AMTSRAUM_E2E_NOW;
  if (!given) return new Date();
  const at = new Date(given);
  if (Number.isNaN(at.getTime())) {
    throw new Error(`AMTSRAUM_E2E_NOW must be an ISO 8601 instant such as 2026-12-06T23:50:00+01:00, not "${given}"`);
  }
  return at;
}

/** The moved clock of a spec's own app (servers.ts, `clockAheadMs`), for the spec and its browsers. */
export interface OneDayClock {
  /** How far the app's clock runs ahead of the machine's: `startApp`'s `clockAheadMs`. */
  aheadMs: number;
  /** The app's time now. */
  now(): Date;
  /** Sets a browser context's clock to the app's. */
  setClock(context: BrowserContext): Promise<void>;
}

/**
 * A clock whose next `ms` fall on one Berlin day, started at AMTSRAUM_E2E_NOW or the machine's
 * time: moved to a minute past midnight when less of the day is left, never waiting for it. Take it
 * before starting the app (its start counts in `ms`) and start the app with its `aheadMs`.
 */
export function clockOfOneBerlinDay(ms: number): OneDayClock {
  const at = start();
  const aheadMs = at.getTime() - Date.now() + aheadForOneBerlinDay(ms, at);
  const now = () => new Date(Date.now() + aheadMs);
  return {
    aheadMs,
    now,
    async setClock(context) {
      await context.clock.install({ time: now() });
    },
  };
}

/**
 * Starts the app before the tests of the calling scope (a spec file or a `describe`) and stops it
 * after them; `ms` is how long their steps need on one Berlin day. Call once, at that scope.
 */
export function appOfOneBerlinDay(ms: number): OneDayApp {
  let app: AppServer | null = null;
  let clock: OneDayClock | null = null;
  test.beforeAll(async () => {
    // A fresh data folder's migrations, the installation and its password hashes on busy cores.
    test.setTimeout(150_000);
    clock = clockOfOneBerlinDay(ms);
    app = await startApp({ SEED_DEMO: 'false' }, { clockAheadMs: clock.aheadMs, installation: E2E_INSTALLATION });
  });
  test.afterAll(async () => {
    await app?.stop();
  });
  const url = (): string => {
    if (!app) throw new Error('the spec’s app has not started');
    return app.url;
  };
  const now = () => clock?.now() ?? new Date();
  const setClock = async (context: BrowserContext) => {
    await context.clock.install({ time: now() });
  };
  return {
    url,
    now,
    setClock,
    async open(browser, options = {}) {
      const person = await newPerson(browser, { ...options, baseURL: url() });
      await setClock(person.context);
      return person;
    },
  };
}
