import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/client.js';
import { TestClient } from '../test/client.js';
import { createPostgresDatabase, databaseKinds } from '../test/databases.js';
import { makeDepartment, makeStaff, makeTenant } from '../test/factories.js';
import { killServers, spawnServer } from '../test/processes.js';
import { TEST_ORIGIN } from '../test/server.js';
import { PAGE_READ_LIMITS } from '../lib/rate-limit.js';

// Issue 11, item 6: two app processes on one PostgreSQL act as one limiter. (PGlite is one
// process by design and counts in memory; its limits are covered by the feature tests.)
describe.runIf(databaseKinds.includes('postgres'))('rate limits across two app processes', () => {
  let fresh: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let database: Database;
  let urls: [string, string];

  beforeAll(async () => {
    fresh = await createPostgresDatabase();
    database = await openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 2 });
    const env = { DATABASE_URL: fresh.url, PUBLIC_BASE_URL: TEST_ORIGIN, TRUST_PROXY: '1', SEED_DEMO: 'false' };
    const [a, b] = [spawnServer(env), spawnServer(env)];
    urls = [await a.url(), await b.url()];
  }, 90_000);

  afterAll(async () => {
    await killServers();
    await database.close();
    await fresh.drop();
  });

  it('gives a browser six knocks in ten minutes in all, not six per process', async () => {
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id, {
      doorOverride: 'open',
      doorOverrideAt: new Date(),
      queueCap: 100,
    });
    // One browser (its visit cookie), dealt to either process in turn.
    const browsers = urls.map((url) => new TestClient(url, { 'x-forwarded-for': '198.51.100.20' }));
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      const [browser, other] = [browsers[i % 2]!, browsers[(i + 1) % 2]!];
      const response = await browser.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
        name: 'Eine Person',
        concern: 'Test',
        language: 'de',
        consent: true,
      });
      statuses.push(response.status);
      for (const [name, value] of browser.cookies) other.cookies.set(name, value);
    }
    // The first knock brings the cookie and its knock key, and counts; five more under it, then
    // the browser waits, whichever process it asks.
    expect(statuses).toEqual([201, 200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it('gives a guesser ten tries on an account in all, and still lets the clerk in from their device', async () => {
    const tenant = await makeTenant(database.db);
    const person = await makeStaff(database.db, tenant.id);
    const own = new TestClient(urls[0], { 'x-forwarded-for': '198.51.100.30' });
    expect((await own.post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(200);

    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const guesser = new TestClient(urls[i % 2]!, { 'x-forwarded-for': `198.51.100.${100 + i}` });
      statuses.push((await guesser.post('/api/staff/login', { email: person.email, password: `guess-${i}` })).status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);

    // The clerk's browser, dealt to the other process this time.
    const ownOnB = new TestClient(urls[1], { 'x-forwarded-for': '198.51.100.30' });
    for (const [name, value] of own.cookies) ownOnB.cookies.set(name, value);
    expect((await ownOnB.post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(
      200,
    );
  });

  it('counts a department page’s reads from one address on both processes together', async () => {
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id);
    const url = `/api/tenants/${tenant.slug}/departments/${department.slug}`;
    const [a, b] = urls.map((base) => new TestClient(base, { 'x-forwarded-for': '198.51.100.40' }));
    const statuses = new Set<number>();
    for (let i = 0; i < PAGE_READ_LIMITS.perAddress.max; i++) statuses.add((await (i % 2 ? b! : a!).get(url)).status);
    expect([...statuses]).toEqual([200]);
    expect((await a!.get(url)).status).toBe(429);
    expect((await b!.get(url)).status).toBe(429);
  });
});
