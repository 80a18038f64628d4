import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { makeBookingOffice } from '../test/booking-factories.js';
import { TestClient } from '../test/client.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { signedInClerk } from '../test/factories.js';
import { mountedRoutes, type MountedRoute } from '../test/routes.js';
import { captureLogger, startTestServer, type TestServer } from '../test/server.js';

/**
 * Every route outside administration (whose routes admin-input.test.ts attacks field by field),
 * called with what a broken or hostile client sends: parameters that name nothing or cannot be
 * names, query strings with repeated and oversize values, bodies of every wrong JSON shape and
 * text that is no JSON. As a stranger, as a citizen who knocked and as a signed-in clerk. No
 * answer may be a 5xx, and nothing may be logged as an error: a client's bad input is a 4xx.
 * The route list comes from the app itself, so a route added tomorrow is attacked too.
 */

const ODD_SEGMENTS = ['%C3%A4%C3%B6', '%00', 'a'.repeat(2_000), '00000000-0000-4000-8000-000000000000', '1e999'];

const ODD_BODIES: { name: string; text: string }[] = [
  { name: 'no JSON', text: '{"a":' },
  { name: 'an array', text: '[1,2,3]' },
  { name: 'a string', text: '"x"' },
  { name: 'a number', text: '12345' },
  { name: 'null', text: 'null' },
  { name: 'an empty object', text: '{}' },
  { name: 'nested 200 deep', text: `${'{"a":'.repeat(200)}1${'}'.repeat(200)}` },
  {
    name: 'every usual field of the wrong type',
    text: JSON.stringify(
      Object.fromEntries(
        [
          'name',
          'concern',
          'email',
          'password',
          'code',
          'token',
          'services',
          'persons',
          'startsAt',
          'language',
          'consent',
          'channel',
          'birthDate',
          'phone',
          'state',
          'note',
          'text',
          'reason',
          'visitId',
          'departmentId',
          'camera',
          'microphone',
          'enabled',
          'screenShare',
          'locale',
          'message',
          'rating',
          'deviceId',
          'pairingCode',
        ].map((key, i) => [key, [{ nested: i }, 'x'.repeat(5_000), -1e308, true][i % 4]]),
      ),
    ),
  },
];

const ODD_QUERIES = [
  `?days=-5&from=2026-02-30&services=x&services=y&persons=1e9&q=${'z'.repeat(3_000)}`,
  '?from[]=1&days[a]=2&%00=%00&page=NaN',
];

describe.each(databaseKinds)('every public and staff route refuses junk with a 4xx on %s', (kind) => {
  const log = captureLogger('info');
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase(kind), { logger: log.logger, env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => server.stop());
  let address = 1_000;
  /** A client with an address of its own, so that one route's limits do not hide another's answers. */
  const freshClient = (from?: TestClient) => {
    const n = ++address;
    const client = new TestClient(server.url, {
      'x-forwarded-for': `10.99.${(n >> 8) & 255}.${n & 255}`,
      origin: 'http://amtsraum.test',
    });
    if (from) for (const [name, value] of from.cookies) client.cookies.set(name, value);
    return client;
  };

  const routes = (): MountedRoute[] =>
    mountedRoutes(createApp(server.deps)).filter((route) => !route.path.startsWith('/api/admin'));

  /** The path with each parameter filled: `real` names what exists, otherwise `odd`. */
  const fill = (path: string, real: Record<string, string>, odd?: string) =>
    path.replace(/:(\w+)/g, (_, name: string) => odd ?? real[name] ?? '00000000-0000-4000-8000-000000000000');

  const send = async (client: TestClient, method: string, path: string, body?: string) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        'x-forwarded-for': (client as unknown as { headers: Record<string, string> }).headers['x-forwarded-for']!,
        origin: 'http://amtsraum.test',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(client.cookies.size ? { cookie: client.cookieHeader() } : {}),
      },
      body,
      redirect: 'manual',
    });
    await response.arrayBuffer();
    return response.status;
  };

  it('never answers 5xx and logs no error, whoever asks', async () => {
    const db = server.database.db;
    const office = await makeBookingOffice(db, {
      department: { doorOverride: 'open', doorOverrideAt: new Date(), queueCap: 1_000 },
    });
    const { person: clerk } = await signedInClerk(db, freshClient(), office.tenant.id, [office.department.id]);
    const real: Record<string, string> = {
      tenant: office.tenant.slug,
      department: office.department.slug,
      departmentId: office.department.id,
    };
    // Afresh for every route: a route may end what it is given (a sign-out, a visit left).
    const signedInAgain = async () => {
      const browser = freshClient();
      const response = await browser.post('/api/staff/login', { email: clerk.email, password: clerk.password });
      expect(response.status).toBe(200);
      return browser;
    };
    const knockedAgain = async () => {
      const browser = freshClient();
      const knock = await browser.post(
        `/api/tenants/${office.tenant.slug}/departments/${office.department.slug}/knock`,
        { name: 'Erika Mustermann', concern: 'Ummeldung', language: 'de', consent: true },
      );
      expect(knock.status).toBe(201);
      return { browser, visitId: (knock.json as { visit: { id: string } }).visit.id };
    };
    const mark = log.text().length;
    const failures: string[] = [];
    const sent = { requests: 0 };
    const unauthorised = { stranger: 0, citizen: 0, clerk: 0 };
    for (const route of routes()) {
      for (const whoName of ['stranger', 'citizen', 'clerk'] as const) {
        let client = freshClient();
        const own = { ...real };
        if (whoName === 'citizen') {
          const knocked = await knockedAgain();
          client = knocked.browser;
          own.visitId = knocked.visitId;
        }
        if (whoName === 'clerk') client = await signedInAgain();
        const attempts: { path: string; body?: string }[] = [];
        for (const odd of ODD_SEGMENTS)
          if (route.path.includes(':')) attempts.push({ path: fill(route.path, own, odd) });
        for (const query of ODD_QUERIES) attempts.push({ path: `${fill(route.path, own)}${query}` });
        if (route.method !== 'GET' && route.method !== 'HEAD') {
          for (const body of ODD_BODIES) attempts.push({ path: fill(route.path, own), body: body.text });
        }
        for (const attempt of attempts) {
          sent.requests++;
          const status = await send(client, route.method, attempt.path, attempt.body);
          if (status === 401) unauthorised[whoName]++;
          if (status >= 500) {
            failures.push(
              `${whoName}: ${route.method} ${attempt.path.slice(0, 120)} ${attempt.body?.slice(0, 60) ?? ''} → ${status}`,
            );
          }
        }
      }
    }
    const errors = log
      .text()
      .slice(mark)
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line));
    expect(failures).toEqual([]);
    expect(errors.map((line) => line.slice(0, 400))).toEqual([]);
    expect(sent.requests).toBeGreaterThan(1_000);
    // The clerk's session held through every route: their requests reached past the sign-in guard.
    expect(unauthorised.clerk).toBeLessThan(unauthorised.stranger / 5);
  }, 600_000);
});
