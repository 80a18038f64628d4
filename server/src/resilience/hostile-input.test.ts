import http from 'node:http';
import { eq } from 'drizzle-orm';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import * as schema from '../db/schema.js';
import { bodyFor, fill as fillAdmin, makeTarget, snapshot } from '../test/admin-routes.js';
import { makeBookingOffice } from '../test/booking-factories.js';
import { TestClient } from '../test/client.js';
import { createTestDatabase } from '../test/databases.js';
import { makeClosure, signedInAdmin } from '../test/factories.js';
import { mountedRoutes, type MountedRoute } from '../test/routes.js';
import { captureLogger, startTestServer, TEST_ORIGIN, type TestServer } from '../test/server.js';

/**
 * The sweep of every mounted route with what a hostile client sends (route-fuzz.test.ts asks only
 * "no 5xx"; this one asks for the whole answer): bodies of every wrong shape, nested 1 000 deep,
 * with `__proto__` and `constructor` keys, 100 000 characters long, with NUL bytes and lone
 * surrogates, numbers as strings, of the wrong media type; path parameters that are no ids, 500
 * characters long, with encoded slashes and `%00`; repeated query parameters. As a citizen who
 * knocked (visit cookie), as a signed-in clerk, and as an administrator on the admin routes.
 *
 * Every answer is the route's normal one or a 4xx problem (application/problem+json, a title in
 * the requester's language: German by default, English with `Accept-Language: en`, and the two
 * differ), never a 5xx, never a stack, never a hang; an input that is refused changes nothing
 * in the database. The routes come from the app itself, so a route added tomorrow is swept too.
 *
 * PGlite only: what is checked is the server's parsing and answering, which is the same code over
 * both drivers; the PostgreSQL driver's own handling of odd text (NUL bytes) is covered by
 * malformed-input.test.ts and admin-input.test.ts on both, and the sweep's thousands of requests
 * would double the suite's time for nothing more.
 */

const NOT_AN_ID = ['not-a-uuid', 'x'.repeat(500), 'a%2Fb', '%00', '..%2F..%2Fetc', '12345'];

/** A body that a usual write route would take, field names from across the API; spoiled below. */
const USUAL: Record<string, unknown> = {
  name: 'Erika Mustermann',
  concern: 'Ummeldung',
  language: 'de',
  consent: true,
  email: 'erika@test.example',
  password: 'ein-langes-passwort',
  persons: 1,
  services: ['ausweis'],
  startsAt: '2026-11-24T07:00:00.000Z',
  birthDate: '1980-01-01',
  code: '123456',
  text: 'Hallo',
  reason: 'Test',
  note: 'Test',
  label: 'Test',
  role: 'guest',
  state: 'open',
  message: 'Die Schrift ist zu klein.',
  page: '/stadt/amt',
};

/** Fields of USUAL a person writes freely: spoilt alone, so that the other fields pass. */
const FREE_TEXT = ['concern', 'text', 'reason', 'note', 'message'];
/** Fields of USUAL that name someone or something: by other rules than free text, so spoilt apart. */
const NAMES = ['name', 'label'];

/** `value` with a NUL byte in the middle of each string in it. */
function withNul(value: unknown): unknown {
  if (typeof value === 'string') return `${value.slice(0, 1)}\u0000${value.slice(1)}`;
  if (Array.isArray(value)) return value.map(withNul);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withNul(item)]));
  return value;
}

const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Bodies sent to every route that takes one, with the media type each goes out with. */
function hostileBodies(): { name: string; text: string; type?: string; refusedEverywhere?: boolean }[] {
  const spoilt = (value: unknown) =>
    JSON.stringify(
      Object.fromEntries(Object.entries(USUAL).map(([key, v]) => [key, typeof v === 'string' ? value : v])),
    );
  return [
    { name: 'invalid JSON', text: '{"name": ', refusedEverywhere: true },
    { name: 'an array', text: JSON.stringify([USUAL]) },
    { name: 'a string', text: '"x"', refusedEverywhere: true },
    { name: 'null', text: 'null', refusedEverywhere: true },
    { name: 'nested 1 000 deep', text: deep(1_000) },
    { name: 'nested 1 000 deep in an array', text: `${'['.repeat(1_000)}${']'.repeat(1_000)}` },
    // As deep as the 64 kB limit lets a body go: past the call stack of anything that recurses.
    { name: 'nested 30 000 deep in an array', text: `${'['.repeat(30_000)}${']'.repeat(30_000)}` },
    {
      name: '__proto__ and constructor keys',
      text: `{"__proto__":{"isTenantAdmin":true,"isInstallationAdmin":true},"constructor":{"prototype":{"polluted":1}},${JSON.stringify(USUAL).slice(1)}`,
    },
    {
      name: 'a string 100 000 characters long',
      text: JSON.stringify({ ...USUAL, name: 'x'.repeat(100_000) }),
      refusedEverywhere: true,
    },
    { name: 'NUL bytes in every string', text: spoilt('Erika\u0000Mustermann') },
    {
      name: 'NUL bytes in the free text',
      text: JSON.stringify({
        ...USUAL,
        ...Object.fromEntries(FREE_TEXT.map((key) => [key, `${String(USUAL[key])}\u0000`])),
      }),
    },
    {
      name: 'NUL bytes in the names',
      text: JSON.stringify({
        ...USUAL,
        ...Object.fromEntries(NAMES.map((key) => [key, `${String(USUAL[key])}\u0000`])),
      }),
    },
    { name: 'lone surrogates in every string', text: spoilt('Erika \ud800 Mustermann'), refusedEverywhere: true },
    { name: 'a lone low surrogate in every string', text: spoilt('\udfff'), refusedEverywhere: true },
    {
      name: 'numbers as strings',
      text: JSON.stringify({ ...USUAL, persons: '2', consent: 'true', queueCap: '3', durationMinutes: '20' }),
    },
    { name: 'text/plain', text: JSON.stringify(USUAL), type: 'text/plain', refusedEverywhere: true },
    {
      name: 'a form',
      text: 'name=Erika&consent=true',
      type: 'application/x-www-form-urlencoded',
      refusedEverywhere: true,
    },
    { name: 'JSON that says it is XML', text: JSON.stringify(USUAL), type: 'application/xml', refusedEverywhere: true },
  ];
}

/** Query parameters the API reads, each twice, plus a stray NUL. */
const REPEATED_QUERY =
  '?a=1&a=2&from=2026-12-07&from=2026-12-08&date=2026-12-07&date=2026-12-08&services=ausweis&services=pass' +
  '&q=a&q=b&days=1&days=2&returnTo=%2Fa&returnTo=%2Fb&tenant=x&tenant=y&%00=%00';

interface Answer {
  status: number;
  type: string;
  body: string;
}

/** One request exactly as given (node:http: fetch would tidy the path), refused if it hangs. */
function send(
  url: string,
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: { text: string; type?: string },
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise<Answer>((resolve, reject) => {
    const request = http.request(
      {
        hostname,
        port,
        method,
        path: target,
        timeout: 10_000,
        headers: {
          origin: TEST_ORIGIN,
          // With its length, as browsers send it (node:http sends a DELETE's body without one).
          ...(body
            ? {
                'content-type': body.type ?? 'application/json',
                'content-length': String(Buffer.byteLength(body.text)),
              }
            : {}),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            type: response.headers['content-type'] ?? '',
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${target.slice(0, 100)} hung`)));
    request.on('error', reject);
    request.end(body?.text);
  });
}

type Who = 'citizen' | 'clerk' | 'admin';

describe('every route answers hostile input with a 4xx problem in the requester’s language (PGlite)', () => {
  const log = captureLogger('info');
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'), {
      logger: log.logger,
      env: { TRUST_PROXY: '1' },
    });
  });
  afterAll(() => server.stop());

  it('refuses every hostile variant on every route, in German and English, changing nothing', async () => {
    const db = server.database.db;
    const office = await makeBookingOffice(db, {
      department: { doorOverride: 'open', doorOverrideAt: new Date(), queueCap: 10_000 },
    });
    // A contact address, so that the accessibility feedback gets as far as its mail.
    await db
      .update(schema.tenants)
      .set({ contact: { ...office.tenant.contact, email: 'rathaus@test.example' } })
      .where(eq(schema.tenants.id, office.tenant.id));
    const closure = await makeClosure(db, { tenantId: office.tenant.id, startsOn: '2026-12-24', endsOn: '2026-12-24' });
    const target = await makeTarget(db, office.tenant, closure.id);
    let address = 0;
    const fresh = () => {
      const n = ++address;
      return new TestClient(server.url, {
        'x-forwarded-for': `10.77.${(n >> 8) & 255}.${n & 255}`,
        origin: TEST_ORIGIN,
      });
    };
    const clerkPassword = { email: '', password: '' };
    {
      const { person } = await signedInAdmin(db, fresh(), office.tenant.id, {
        memberships: [{ departmentId: office.department.id, role: 'clerk' }],
      });
      clerkPassword.email = person.email;
      clerkPassword.password = person.password;
    }
    /** A browser of `who`, afresh for every route: a route may end what it is given (sign-out, leave). */
    const browserOf = async (who: Who): Promise<{ browser: TestClient; own: Record<string, string> }> => {
      const browser = fresh();
      const own: Record<string, string> = {
        tenant: office.tenant.slug,
        department: office.department.slug,
        departmentId: office.department.id,
      };
      if (who === 'citizen') {
        const knock = await browser.post(`${office.base}/knock`, {
          name: 'Erika Mustermann',
          concern: 'Ummeldung',
          language: 'de',
          consent: true,
        });
        expect(knock.status).toBe(201);
        own.visitId = (knock.json as { visit: { id: string } }).visit.id;
      } else if (who === 'clerk') {
        const login = await browser.post('/api/staff/login', clerkPassword);
        expect(login.status).toBe(200);
      } else {
        await signedInAdmin(db, browser, office.tenant.id, {
          values: { isTenantAdmin: true, isInstallationAdmin: true },
        });
      }
      return { browser, own };
    };
    const fillPath = (route: MountedRoute, own: Record<string, string>, odd?: string) =>
      route.path.startsWith('/api/admin')
        ? odd === undefined
          ? fillAdmin(route, target)
          : route.path.replace(/:(\w+)/g, (_, name: string) =>
              name === 'tenant' ? office.tenant.slug : name === 'department' ? target.department : odd,
            )
        : route.path.replace(
            /:(\w+)/g,
            (_, name: string) => odd ?? own[name] ?? '00000000-0000-4000-8000-000000000000',
          );

    const routes = mountedRoutes(createApp(server.deps)).filter(
      // LiveKit's webhook is signed by LiveKit, not called by a browser: its own tests attack it.
      (route) => !route.path.includes('livekit'),
    );
    const failures: string[] = [];
    const changed: string[] = [];
    let sent = 0;
    const mark = log.text().length;
    for (const route of routes) {
      const whos: Who[] = route.path.startsWith('/api/admin') ? ['admin'] : ['citizen', 'clerk'];
      for (const who of whos) {
        const { browser, own } = await browserOf(who);
        const cookie = browser.cookieHeader();
        const headers = {
          'x-forwarded-for': `10.78.${(++address >> 8) & 255}.${address & 255}`,
          ...(cookie ? { cookie } : {}),
        };
        const attempts: {
          what: string;
          path: string;
          body?: { text: string; type?: string; refusedEverywhere?: boolean };
          /** Sent beside the browser's own (replacing one of the same name). */
          headers?: Record<string, string>;
          /** The refusal's code, where only one is right. */
          code?: string;
        }[] = [];
        if (route.path.includes(':'))
          for (const odd of NOT_AN_ID)
            attempts.push({ what: `parameter ${odd.slice(0, 20)}`, path: fillPath(route, own, odd) });
        const plain = fillPath(route, own);
        attempts.push({
          what: 'repeated query',
          path: `${plain}${plain.includes('?') ? '&' : ''}${plain.includes('?') ? REPEATED_QUERY.slice(1) : REPEATED_QUERY}`,
        });
        if (route.method !== 'GET' && route.method !== 'HEAD')
          for (const body of hostileBodies()) attempts.push({ what: body.name, path: plain, body });
        // Headers over Node's 16 kB (an address with a long query string, a cookie grown too big):
        // refused by Node's parser before any route runs, with a code of their own (not "too large
        // a body", which sent people looking for a file they never sent).
        const overlong = 'x'.repeat(20_000);
        attempts.push(
          {
            what: 'a query string over 16 kB',
            path: `${plain}${plain.includes('?') ? '&' : '?'}q=${overlong}`,
            code: 'headers_too_large',
          },
          {
            what: 'a cookie over 16 kB',
            path: plain,
            headers: { cookie: `${cookie ? `${cookie}; ` : ''}crumbs=${overlong}` },
            code: 'headers_too_large',
          },
        );
        // An admin route's own good body with a NUL byte in each of its strings: no text takes one.
        const good = route.path.startsWith('/api/admin') ? bodyFor(route, target) : undefined;
        const nul = good === undefined ? undefined : JSON.stringify(withNul(good));
        if (nul !== undefined && nul !== JSON.stringify(good))
          attempts.push({
            what: 'its own body with NUL bytes',
            path: plain,
            body: { text: nul, refusedEverywhere: true },
          });
        const before = await snapshot(db);
        let refusedAll = true;
        for (const attempt of attempts) {
          sent++;
          const label = `${who} ${route.method} ${route.path} with ${attempt.what}`;
          const sentHeaders = { ...headers, ...attempt.headers };
          const de = await send(server.url, route.method, attempt.path, sentHeaders, attempt.body).catch(
            (error: Error) => ({
              status: 0,
              type: '',
              body: error.message,
            }),
          );
          if (de.status === 0 || de.status >= 500) {
            failures.push(`${label} → ${de.status} ${de.body.slice(0, 200)}`);
            continue;
          }
          if (de.status < 400) {
            // What no route can take (the body reader refuses it before any route runs).
            if (attempt.body?.refusedEverywhere || attempt.code) failures.push(`${label} → ${de.status}, taken`);
            refusedAll = false;
            continue;
          }
          if (route.method === 'HEAD') continue;
          if (!de.type.startsWith(PROBLEM_CONTENT_TYPE)) {
            failures.push(`${label} → ${de.status} as ${de.type || 'no type'}: ${de.body.slice(0, 100)}`);
            continue;
          }
          const problem = ProblemSchema.safeParse(JSON.parse(de.body));
          if (!problem.success || !problem.data.title) {
            failures.push(`${label} → ${de.status}, not a problem: ${de.body.slice(0, 200)}`);
            continue;
          }
          if (/\bat \S+ \(|node_modules|\.ts:\d|stack|SQL|syntax error at/i.test(de.body)) {
            failures.push(`${label} → ${de.status} says too much: ${de.body.slice(0, 200)}`);
          }
          if (problem.data.status !== de.status)
            failures.push(`${label} → ${de.status} but says ${problem.data.status}`);
          if (
            attempt.code &&
            (problem.data.code !== attempt.code || problem.data.type !== `about:blank#${attempt.code}`)
          )
            failures.push(`${label} → ${de.status} ${problem.data.code}, not ${attempt.code}`);
          const en = await send(
            server.url,
            route.method,
            attempt.path,
            { ...sentHeaders, 'accept-language': 'en' },
            attempt.body,
          );
          // The limit of a route (second-factor tries) may be reached by the second asking: fine.
          if (en.status === 429 && de.status !== 429) continue;
          if (en.status !== de.status) {
            failures.push(`${label} → ${de.status} in German but ${en.status} in English`);
            continue;
          }
          const english = ProblemSchema.parse(JSON.parse(en.body));
          if (english.title === problem.data.title) failures.push(`${label} → "${english.title}" in both languages`);
          const same = (problem.data.errors ?? []).filter((error, i) => error.message === english.errors?.[i]?.message);
          if (same.length)
            failures.push(`${label} → untranslated: ${same.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
        }
        // Input that was refused every time changed nothing.
        if (refusedAll) {
          const after = await snapshot(db);
          const tables = Object.keys(before).filter(
            (name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]),
          );
          if (tables.length) changed.push(`${who} ${route.method} ${route.path}: ${tables.join(', ')}`);
        }
      }
    }
    const errors = log
      .text()
      .slice(mark)
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line))
      .map((line) => line.slice(0, 300));
    expect({ failures, changed, errors }).toEqual({ failures: [], changed: [], errors: [] });
    expect(sent).toBeGreaterThan(1_000);
  }, 300_000);

  it('refuses half a character (a lone surrogate) anywhere in a body, naming the field, and stores nothing', async () => {
    const db = server.database.db;
    const office = await makeBookingOffice(db, {
      department: { doorOverride: 'open', doorOverrideAt: new Date(), queueCap: 100 },
    });
    const citizen = new TestClient(server.url, { 'x-forwarded-for': '10.79.0.1', origin: TEST_ORIGIN });
    const before = await snapshot(db);
    for (const [knock, path] of [
      [{ name: 'Erika \ud800 Mustermann', concern: 'Ummeldung', language: 'de', consent: true }, 'name'],
      [{ name: 'Erika Mustermann', concern: 'Ummeldung \udfff', language: 'de', consent: true }, 'concern'],
    ] as const) {
      const de = await citizen.post(`${office.base}/knock`, knock);
      const en = await citizen.request('POST', `${office.base}/knock`, knock, { 'accept-language': 'en' });
      expect([de.status, de.json.code, de.json.errors]).toEqual([
        400,
        'validation_failed',
        [{ path, message: 'Dieser Text enthält ein unvollständiges Zeichen. Bitte geben Sie ihn noch einmal ein.' }],
      ]);
      expect(en.json.errors).toEqual([
        { path, message: 'This text contains a broken character. Please enter it again.' },
      ]);
    }
    expect(await snapshot(db)).toEqual(before);
    // A whole character from outside the basic plane (two halves together) is text like any other.
    const whole = await citizen.post(`${office.base}/knock`, {
      name: 'Erika 😀',
      concern: 'Ummeldung',
      language: 'de',
      consent: true,
    });
    expect(whole.status).toBe(201);
  });
});
