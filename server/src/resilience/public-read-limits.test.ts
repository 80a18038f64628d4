import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_READ_LIMITS } from '../lib/rate-limit.js';
import { INVITE_STATUS_LIMITS } from '../features/invites/invites.router.js';
import { LOGOUT_LIMITS } from '../features/staff/staff.router.js';
import { STAFF_COOKIE } from '../lib/cookies.js';
import { TestClient } from '../test/client.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeOffice, signedInClerk } from '../test/factories.js';
import { startTestServer, type TestServer } from '../test/server.js';

const SHELL = '<!doctype html><title>Amtsraum</title><div id="root"></div>';

// The last public routes without a limit (decision 016): the office pages' reads, the page shell's
// slug check, the invitee's status and the sign-out (only those that ended no session). Each
// counts per address group, and past its limit answers 429 with Retry-After, while other
// addresses go on as before.
describe.each(databaseKinds)('limits on the public pages’ reads on %s', (kind) => {
  let server: TestServer;
  let webDir: string;
  let addresses = 0;
  const nextAddress = () => {
    addresses += 1;
    return `10.77.${addresses >> 8}.${addresses & 255}`;
  };
  const client = (at = nextAddress()) => new TestClient(server.url, { 'x-forwarded-for': at });

  beforeAll(async () => {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-web-'));
    fs.writeFileSync(path.join(webDir, 'index.html'), SHELL);
    server = await startTestServer(await createTestDatabase(kind), { env: { TRUST_PROXY: '1' }, webDistDir: webDir });
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  /** Sends `times` requests from `from`; returns the statuses seen. */
  async function send(from: TestClient, method: string, url: string, times: number) {
    const statuses = new Set<number>();
    for (let i = 0; i < times; i++) statuses.add((await from.request(method, url)).status);
    return [...statuses];
  }

  function expectRefused(response: Awaited<ReturnType<TestClient['request']>>) {
    expect(response.status).toBe(429);
    expect(response.json.code).toBe('rate_limited');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  }

  it.each([
    ['tenant page', (base: string) => base.replace(/\/departments\/.*$/, '')],
    ['department page', (base: string) => base],
    ['booking page', (base: string) => `${base}/booking`],
    ['home page', () => '/api/tenants'],
    ['imprint page', (base: string) => `${base.replace(/\/departments\/.*$/, '')}/texts/imprint`],
    ['sign-in page', (base: string) => base.replace(/\/api\/tenants\/([^/]+)\/.*$/, '/api/auth/oidc/$1')],
  ])('serves the %s’s read 600 times in ten minutes to one address, then refuses it', async (_name, pathOf) => {
    const { base } = await makeOffice(server.database.db);
    const url = pathOf(base);
    const script = client();
    expect(await send(script, 'GET', url, PAGE_READ_LIMITS.perAddress.max)).toEqual([200]);
    const refused = await script.get(url);
    expectRefused(refused);
    // The window is ten minutes: the title says so, rather than "a moment".
    expect(refused.json.title).toMatch(/^Zu viele Anfragen\. Bitte versuchen Sie es in etwa (9|10) Minuten erneut\.$/);
    expect((await script.request('GET', url, undefined, { 'accept-language': 'en' })).json.title).toMatch(
      /^Too many requests\. Please try again in about (9|10) minutes\.$/,
    );
    expect((await client().get(url)).status).toBe(200);
  });

  it('checks the page shell’s slugs 600 times in ten minutes for one address, then sends the shell unchecked with 429', async () => {
    const { tenant, department } = await makeOffice(server.database.db);
    const page = `/${tenant.slug}/${department.slug}`;
    const script = nextAddress();
    const shell = (from: string, url: string) => fetch(`${server.url}${url}`, { headers: { 'x-forwarded-for': from } });
    for (let i = 0; i < PAGE_READ_LIMITS.perAddress.max; i++) expect((await shell(script, page)).status).toBe(200);
    const refused = await shell(script, page);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.text()).toBe(SHELL);
    // An unknown office is not looked up for it either; another address still hears the truth.
    expect((await shell(script, `/${tenant.slug}/gibt-es-nicht`)).status).toBe(429);
    const other = nextAddress();
    expect((await shell(other, page)).status).toBe(200);
    expect((await shell(other, `/${tenant.slug}/gibt-es-nicht`)).status).toBe(404);
    // Pages without slugs cost no query and are not counted.
    expect((await shell(script, '/staff/login')).status).toBe(200);
  });

  it('answers an invitee’s status 1200 times in ten minutes to one address, then refuses it', async () => {
    const script = client();
    // Without a seat the answer is invite_invalid (404); it is counted all the same.
    expect(await send(script, 'POST', '/api/invites/status', INVITE_STATUS_LIMITS.perAddress.max)).toEqual([404]);
    expectRefused(await script.request('POST', '/api/invites/status'));
    expect((await client().request('POST', '/api/invites/status')).status).toBe(404);
  });

  /** A clerk behind `at` signs out: the cookie cleared, and the session ended with it. */
  async function expectClerkSignsOut(at: string, tenantId: string, departmentId: string) {
    const clerk = client(at);
    await signedInClerk(server.database.db, clerk, tenantId, [departmentId]);
    const cookie = clerk.cookies.get(STAFF_COOKIE)!;
    expect((await clerk.post('/api/staff/logout')).status).toBe(204);
    expect(clerk.cookies.has(STAFF_COOKIE)).toBe(false);
    const sameCookie = client(at);
    sameCookie.cookies.set(STAFF_COOKIE, cookie);
    expect((await sameCookie.get('/api/staff/me')).status).toBe(401);
  }

  it('answers sign-outs without a cookie uncounted: a clerk behind the same address still signs out', async () => {
    const { tenant, department } = await makeOffice(server.database.db);
    const at = nextAddress();
    const script = client(at);
    expect(await send(script, 'POST', '/api/staff/logout', LOGOUT_LIMITS.perAddress.max + 5)).toEqual([204]);
    await expectClerkSignsOut(at, tenant.id, department.id);
  });

  it('refuses made-up session cookies after 120 sign-outs from one address, yet ends a clerk’s session there', async () => {
    const { tenant, department } = await makeOffice(server.database.db);
    const at = nextAddress();
    const script = client(at);
    const madeUp = () => {
      script.cookies.set(STAFF_COOKIE, `made-up-${Math.random()}`);
      return script.post('/api/staff/logout');
    };
    const statuses = new Set<number>();
    for (let i = 0; i < LOGOUT_LIMITS.perAddress.max; i++) statuses.add((await madeUp()).status);
    expect([...statuses]).toEqual([204]);
    const refused = await madeUp();
    expectRefused(refused);
    expect(script.cookies.has(STAFF_COOKIE)).toBe(false);
    // A clerk behind the same address: signed out, the session ended, not only the cookie cleared.
    await expectClerkSignsOut(at, tenant.id, department.id);
    // Elsewhere signing out goes on.
    const elsewhere = client();
    await signedInClerk(server.database.db, elsewhere, tenant.id, [department.id]);
    expect((await elsewhere.post('/api/staff/logout')).status).toBe(204);
    expect((await elsewhere.get('/api/staff/me')).status).toBe(401);
  });
});
