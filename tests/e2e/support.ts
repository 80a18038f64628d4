import {
  CitizenVisitResponseSchema,
  ConsoleSnapshotSchema,
  StaffMeSchema,
  type CitizenVisit,
  type ConsoleSnapshot,
  type DoorSetting,
  type KnockRequest,
  type StaffMe,
} from '@amtsraum/shared';
import type { APIRequestContext, Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { totpCode, totpStep } from '../../server/src/lib/totp.js';
import { expect, LIVEKIT_SERVER_ENDED_SESSION, test } from './fixtures';

/**
 * Shared steps for specs with several people: a clerk signs in and opens the door, citizens
 * knock. Each helper works through the HTTP API of a browser context, so the context's cookies
 * (staff session, visit cookie) are the ones its pages then use.
 */

/** Which built file holds which module: chunk files are named by their hash alone (web/vite.config.ts). */
const MANIFEST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist/.vite/manifest.json');

/** The build's chunks, each with its file (`assets/….js`) and its name (a module's, or a namespace's). */
function builtChunks(): { file: string; name?: string }[] {
  return Object.values(JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, { file: string; name?: string }>);
}

/** The name of the built chunk at `url` (`LegalPage`, or a namespace such as `legal`); undefined for any other address. */
export function chunkName(url: string): string | undefined {
  const { pathname } = new URL(url);
  return builtChunks().find((chunk) => pathname === `/${chunk.file}`)?.name;
}

/**
 * The addresses of the built chunks named `names` (a page's module, `BookingPage`, or a shared
 * module, `leave-guard`), for a test that holds or cuts off their download.
 */
export function chunkUrls(...names: string[]): RegExp {
  const chunks = builtChunks();
  const files = names.flatMap((name) => {
    const named = chunks.filter((chunk) => chunk.name === name && chunk.file.endsWith('.js'));
    if (named.length === 0) throw new Error(`No chunk named ${name} in ${MANIFEST}: build the client (npm run build).`);
    return named.map((chunk) => chunk.file.replaceAll('.', '\\.'));
  });
  return new RegExp(`/(${files.join('|')})$`);
}

/** Matches SEED_DEMO_PASSWORD in playwright.config.ts. */
export const DEMO_PASSWORD = 'demo-passwort-e2e';
export const TENANT = 'musterstadt';

export const STAFF = {
  /** clerk, Bürgeramt */
  anna: 'anna.schmidt@musterstadt.example',
  /** clerk, Bürgeramt and Fundbüro */
  mehmet: 'mehmet.yilmaz@musterstadt.example',
  /** admin, Gewerbeamt */
  petra: 'petra.weber@musterstadt.example',
  /** all three departments */
  verwaltung: 'verwaltung@musterstadt.example',
} as const;

export type DepartmentSlug = 'buergeramt' | 'gewerbeamt' | 'fundbuero';

// Each context gets its own client address: the server trusts one proxy hop (TRUST_PROXY=1),
// and knocking (6 per 10 min) and signing in (20 per 15 min) are limited per address.
let addressCounter = 0;
const addressBase = Math.floor(Math.random() * 200) + 20;

/** A fresh 10.1.x.y address, unique within this run. */
export function nextClientAddress(): string {
  addressCounter += 1;
  return `10.1.${String(addressBase + Math.floor(addressCounter / 250))}.${String((addressCounter % 250) + 1)}`;
}

export interface Person {
  context: BrowserContext;
  page: Page;
  request: APIRequestContext;
  address: string;
  /** console.error and page errors of this person's page, as the `browserErrors` fixture collects them. */
  errors: string[];
}

/** Fails with the unexpected browser errors of every person (the fixture only watches `page`). */
export function expectNoBrowserErrors(...people: Person[]): void {
  expect(
    people.flatMap((person) => person.errors),
    'unexpected errors in the browser',
  ).toEqual([]);
}

/** A new browser context (one person) with its own client address and one page. */
export async function newPerson(
  browser: Browser,
  options: {
    locale?: string;
    /** Another app process than the test's. */ baseURL?: string;
    /** The browser's own clock zone (someone abroad), e.g. `America/New_York`. */ timezoneId?: string;
  } = {},
): Promise<Person> {
  const address = nextClientAddress();
  const context = await browser.newContext({
    extraHTTPHeaders: { 'X-Forwarded-For': address },
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const error = `console.error: ${message.text()} @ ${message.location().url}`;
    if (!LIVEKIT_SERVER_ENDED_SESSION.test(error)) errors.push(error);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { context, page, request: context.request, address, errors };
}

export interface PeoplePerTest {
  /** A new person, closed after the test. */
  open(browser: Browser): Promise<Person>;
  /** Closes a person another helper opened (e.g. `openDoorAsClerk`) after the test. */
  add<P extends Person>(person: P): P;
  /** Runs after the test, before the people close (e.g. `tidyDepartment`). */
  tidyWith(tidy: () => Promise<void>): void;
}

/** The people of each test in a spec file, tidied up and closed after it. Call once per file. */
export function peoplePerTest(): PeoplePerTest {
  const people: Person[] = [];
  let tidy: (() => Promise<void>) | null = null;
  test.afterEach(async () => {
    await tidy?.();
    tidy = null;
    for (const person of people.splice(0)) await person.context.close();
  });
  const add = <P extends Person>(person: P): P => {
    people.push(person);
    return person;
  };
  return {
    open: async (browser) => add(await newPerson(browser)),
    add,
    tidyWith: (next) => {
      tidy = next;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Staff

/** Signs in through the API; the context's pages are then signed in too. */
export async function signInAsStaff(person: Person, email: string, password = DEMO_PASSWORD): Promise<StaffMe> {
  const response = await person.request.post('/api/staff/login', {
    data: { email, password },
    headers: { 'X-Forwarded-For': person.address },
  });
  expect(response.status(), `sign-in of ${email}`).toBe(200);
  return StaffMeSchema.parse(await response.json());
}

/** Admins of tests/e2e/installation.e2e.json, with their authenticator secrets (the file's `totpSecret`). */
export const ADMINS = {
  /** municipality admin of Testhausen, admin of its "termine" department */
  amelie: { email: 'amelie.admin@testhausen.example', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
  /** installation admin */
  ines: { email: 'ines.it@testhausen.example', totpSecret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU' },
} as const;
export const TESTHAUSEN_PASSWORD = 'testhausen-e2e-passwort';

/** An app of a spec's own whose clock is moved (one-day-app.ts): its address and its time. */
export interface AppClock {
  url(): string;
  now(): Date;
}

/**
 * A code of this authenticator that no earlier test of this run has sent yet: a code works once,
 * and every refused one counts against the account's five tries in 15 minutes, so with many
 * specs signing the same admin in, sending a used code would lock the account (429). The run's
 * data folder remembers the last 30-second step sent per secret, across Playwright's workers.
 * The server takes the code of the step before and after the current one too (an authenticator's
 * clock drifts: server/src/lib/totp.ts); when the current step was sent already, this sends the
 * next one, as an authenticator a little ahead would, and waits only when that was sent too (each
 * wait was up to 30 seconds, and admin specs sign the same admins in one after another). Never the
 * step before: at a step's end the server may already be past it. For an app with a moved clock
 * (`app`), the step is its clock's, and remembered apart.
 */
export async function unusedTotpCode(secret: string, app?: AppClock): Promise<string> {
  const now = () => app?.now() ?? new Date();
  const folder = process.env.AMTSRAUM_E2E_DATA_DIR;
  const key = app ? `${app.url()} ${secret}` : secret;
  const file = folder ? path.join(folder, `totp-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`) : null;
  const last = file && existsSync(file) ? Number(readFileSync(file, 'utf8')) : -1;
  if (totpStep(now()) + 1 <= last) await untilNextStep(now());
  const step = Math.max(totpStep(now()), last + 1);
  if (file) writeFileSync(file, String(step));
  return totpCode(secret, step);
}

/** Waits until the next 30-second step of the authenticator's clock, which stands at `at`. */
async function untilNextStep(at: Date): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 30_000 - (at.getTime() % 30_000) + 200));
}

/**
 * Signs an admin in and proves the second factor with their authenticator's current code, as
 * every admin route needs. A code works once: a third admin sign-in of the same person within
 * the same 30 seconds waits for the next code (unusedTotpCode). `app`: the person's app has a moved clock.
 */
export async function signInAsAdmin(
  person: Person,
  admin: { email: string; totpSecret: string },
  app?: AppClock,
): Promise<StaffMe> {
  await signInAsStaff(person, admin.email, TESTHAUSEN_PASSWORD);
  for (let attempt = 1; ; attempt += 1) {
    const response = await person.request.post('/api/staff/second-factor', {
      data: { code: await unusedTotpCode(admin.totpSecret, app) },
      headers: { 'X-Forwarded-For': person.address },
    });
    if (response.status() === 200) return StaffMeSchema.parse(await response.json());
    expect(response.status(), `second factor of ${admin.email}`).toBe(401);
    expect(attempt, `second factor of ${admin.email}: no code worked`).toBeLessThan(3);
    await untilNextStep(app?.now() ?? new Date());
  }
}

/** The department's id as the staff member sees it (their `/api/staff/me`). */
export function departmentId(me: StaffMe, slug: DepartmentSlug): string {
  const department = me.staff.departments.find((d) => d.slug === slug && d.tenantSlug === TENANT);
  if (!department) throw new Error(`${me.staff.email} is not a member of ${slug}`);
  return department.id;
}

export async function getConsole(person: Person, departmentIdValue: string): Promise<ConsoleSnapshot> {
  const response = await person.request.get(`/api/staff/departments/${departmentIdValue}/console`);
  expect(response.status()).toBe(200);
  return ConsoleSnapshotSchema.parse(await response.json());
}

/**
 * Sets the door (open / paused / closed / auto = by opening hours). The seed's opening hours
 * may have the door closed when the tests run, so specs open it first.
 */
export async function setDoor(
  person: Person,
  departmentIdValue: string,
  state: DoorSetting['state'],
): Promise<ConsoleSnapshot> {
  const response = await person.request.put(`/api/staff/departments/${departmentIdValue}/door`, { data: { state } });
  expect(response.status(), `door ${state}`).toBe(200);
  return ConsoleSnapshotSchema.parse(await response.json());
}

/**
 * Puts the clerk on duty: their console of the department open in a page of its own (a second
 * tab), so the door takes knocks (a door nobody attends does not, issue 13). Returns that page;
 * closing it takes the clerk off duty.
 */
export async function goOnDuty(clerk: Person, departmentIdValue: string): Promise<Page> {
  const duty = await clerk.context.newPage();
  await duty.goto(`/staff/${departmentIdValue}`);
  await expect
    .poll(async () => (await getConsole(clerk, departmentIdValue)).door.clerksOnDuty, {
      message: 'the clerk’s console counts as on duty',
    })
    .toBeGreaterThan(0);
  return duty;
}

/**
 * A clerk signed in with the door of `slug` open and their console open in a second tab (on
 * duty); the clerk's page is still blank.
 */
export async function openDoorAsClerk(
  browser: Browser,
  email: string,
  slug: DepartmentSlug,
  options: { baseURL?: string } = {},
): Promise<Person & { me: StaffMe; departmentId: string; duty: Page }> {
  const clerk = await newPerson(browser, options);
  const me = await signInAsStaff(clerk, email);
  const id = departmentId(me, slug);
  await setDoor(clerk, id, 'open');
  const duty = await goOnDuty(clerk, id);
  return { ...clerk, me, departmentId: id, duty };
}

export async function admitViaApi(person: Person, departmentIdValue: string, visitId: string): Promise<void> {
  const response = await person.request.post(`/api/staff/departments/${departmentIdValue}/visits/${visitId}/admit`);
  expect(response.status(), 'admit').toBe(200);
}

export async function finishViaApi(person: Person, departmentIdValue: string, visitId: string): Promise<void> {
  const response = await person.request.post(`/api/staff/departments/${departmentIdValue}/visits/${visitId}/finish`);
  expect(response.status(), 'finish').toBe(204);
}

/**
 * Each person's page leaves whatever it shows (a call included), as a closed tab does. For a
 * teardown that ends LiveKit visits by request: the pages are gone before the rooms close, so
 * what a page does when its call is ended under it (the LiveKit client's logs, its question to the
 * app, a navigation) cannot mix into the test's result; call.spec and livekit.spec test that.
 */
export async function leaveCalls(...people: Person[]): Promise<void> {
  await Promise.all(people.map((person) => person.page.goto('about:blank').catch(() => undefined)));
}

/**
 * Leaves a department as a spec found it: declines who still waits, finishes what is still
 * open, and gives the door back to the opening hours. Needs a staff member of the department.
 */
export async function tidyDepartment(person: Person, departmentIdValue: string): Promise<void> {
  const snapshot = await getConsole(person, departmentIdValue);
  for (const entry of snapshot.queue) {
    await person.request.post(`/api/staff/departments/${departmentIdValue}/visits/${entry.id}/decline`, {
      data: {},
    });
  }
  for (const entry of snapshot.active) {
    await person.request.post(`/api/staff/departments/${departmentIdValue}/visits/${entry.id}/finish`);
  }
  await setDoor(person, departmentIdValue, 'auto');
}

// ---------------------------------------------------------------------------------------------
// Citizens

export type KnockInput = Partial<Omit<KnockRequest, 'consent'>> & { name: string };

/** Knocks through the API (sets this context's visit cookie). The door must be open. */
export async function knockViaApi(person: Person, slug: DepartmentSlug, input: KnockInput): Promise<CitizenVisit> {
  const body: KnockRequest = {
    language: 'de',
    ...(input.serviceSlug ? {} : { concern: 'Eine kurze Frage' }),
    ...input,
    consent: true,
  };
  const response = await person.request.post(`/api/tenants/${TENANT}/departments/${slug}/knock`, {
    data: body,
    headers: { 'X-Forwarded-For': person.address },
  });
  expect([200, 201], `knock at ${slug}: ${await response.text()}`).toContain(response.status());
  return CitizenVisitResponseSchema.parse(await response.json()).visit;
}

/**
 * Knocks with the department page's form, as a citizen would, and waits for the waiting
 * room. The door must be open. Returns the visit as the API then reports it.
 */
export async function knockViaForm(
  person: Person,
  slug: DepartmentSlug,
  input: { name: string; concern?: string },
): Promise<CitizenVisit> {
  const { page } = person;
  await page.goto(`/${TENANT}/${slug}`);
  const form = page.getByRole('form', { name: /Anklopfen|Knock/ });
  await form.getByLabel(/^(Name|Your name)/).fill(input.name);
  await form.getByLabel(/^(Ihr Anliegen|Your concern)/).fill(input.concern ?? 'Eine kurze Frage');
  await form.getByRole('checkbox', { name: /Datenschutz|privacy/ }).check();
  await form.getByRole('button', { name: /Anklopfen|Knock/ }).click();
  await expect(page).toHaveURL(new RegExp(`/${TENANT}/${slug}/wait$`));
  const response = await person.request.get('/api/visit');
  expect(response.status()).toBe(200);
  return CitizenVisitResponseSchema.parse(await response.json()).visit;
}

/** Opens the waiting room (the visit cookie says whose). */
export async function openWaitingRoom(person: Person, slug: DepartmentSlug): Promise<void> {
  await person.page.goto(`/${TENANT}/${slug}/wait`);
  await expect(person.page.getByRole('heading', { level: 1 })).toBeVisible();
}

// ---------------------------------------------------------------------------------------------
// Keyboard

/** Presses Tab until `target` has the focus: proves it can be reached without a mouse. */
export async function tabTo(page: Page, target: Locator, maxPresses = 200): Promise<void> {
  const focused = () => target.evaluate((element) => element === document.activeElement);
  if (await focused()) return;
  for (let i = 0; i < maxPresses; i += 1) {
    await page.keyboard.press('Tab');
    if (await focused()) return;
  }
  throw new Error(`not reached with ${String(maxPresses)} presses of Tab: ${target.toString()}`);
}
