import { HealthResponseSchema } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../db/client.js';
import { TestClient } from '../test/client.js';
import { makeDepartment, makeStaff, makeTenant } from '../test/factories.js';
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from '../test/private-postgres.js';
import { killServers, spawnServer } from '../test/processes.js';
import { TEST_ORIGIN } from '../test/server.js';

/**
 * Issue 11, resilience: PostgreSQL goes away under a running app (a crash, a restart for an
 * update) and comes back. The app says it is not ready meanwhile, answers 503 instead of 500,
 * recovers by itself, and nobody in the queue is lost or moved. A PostgreSQL of the test's own:
 * the shared cluster is never stopped.
 */
describe.runIf(privatePostgresAvailable())('PostgreSQL restarted under a running app', () => {
  let pg: PrivatePostgres;
  let database: Database;
  let url: string;
  let address = 0;
  const client = () => new TestClient(url, { 'x-forwarded-for': `10.8.0.${++address}` });
  const health = async () => {
    const response = await fetch(`${url}/api/health`);
    return { status: response.status, body: HealthResponseSchema.parse(await response.json()) };
  };

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    database = await openDatabase({ kind: 'postgres', url: pg.url, maxConnections: 2 });
    const app = spawnServer({
      DATABASE_URL: pg.url,
      PUBLIC_BASE_URL: TEST_ORIGIN,
      TRUST_PROXY: '1',
      SEED_DEMO: 'false',
    });
    url = await app.url();
  }, 90_000);
  afterAll(async () => {
    await killServers();
    await database?.close();
    pg?.destroy();
  });

  it('reports not ready while it is gone, recovers without a restart, and loses no one', async () => {
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id, {
      doorOverride: 'open',
      doorOverrideAt: new Date(),
    });
    const person = await makeStaff(database.db, tenant.id, {
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    const clerk = client();
    expect((await clerk.post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(200);
    const console_ = await clerk.live();
    const watching = console_.next('console');
    console_.send({ type: 'watch-console', departmentId: department.id });
    await watching;

    const knockPath = `/api/tenants/${tenant.slug}/departments/${department.slug}/knock`;
    const knock = (browser: TestClient, name: string) =>
      browser.post(knockPath, { name, concern: 'Test', language: 'de', consent: true });
    const citizens: TestClient[] = [];
    for (let i = 0; i < 5; i++) {
      const citizen = client();
      expect((await knock(citizen, `Wartende ${i + 1}`)).status).toBe(201);
      citizens.push(citizen);
    }
    const sockets = await Promise.all(citizens.map((citizen) => citizen.live()));
    for (const socket of sockets) {
      const seen = socket.next('visit');
      socket.send({ type: 'watch-visit' });
      await seen;
    }
    expect((await health()).status).toBe(200);

    // The database crashes.
    pg.stop('immediate');
    const downAt = Date.now();
    await vi.waitFor(async () => expect((await health()).status).toBe(503), { timeout: 20_000, interval: 250 });
    const notReadyAfter = Date.now() - downAt;
    const down = await health();
    expect(down.body).toMatchObject({ status: 'degraded', database: { reachable: false } });
    const refused = await knock(client(), 'Während des Ausfalls');
    expect([refused.status, refused.json?.code]).toEqual([503, 'database_unavailable']);

    // It comes back; the app was never restarted.
    pg.start();
    const upAt = Date.now();
    await vi.waitFor(async () => expect((await health()).status).toBe(200), { timeout: 60_000, interval: 250 });
    const readyAfter = Date.now() - upAt;

    // Everyone still waits, in the order they came; the knock during the outage made nothing.
    for (const [i, citizen] of citizens.entries()) {
      const own = await citizen.get('/api/visit');
      expect([i, own.json.visit?.state, own.json.visit?.position]).toEqual([i, 'waiting', i + 1]);
    }
    // Live updates flow again: a new knock reaches the clerk's console, still on its old socket.
    const seen = console_.next('console', (m) => m.snapshot.queue.length === 6, 20_000);
    expect((await knock(client(), 'Nach dem Ausfall')).status).toBe(201);
    expect((await seen).snapshot.queue.map((entry) => entry.name)).toEqual([
      'Wartende 1',
      'Wartende 2',
      'Wartende 3',
      'Wartende 4',
      'Wartende 5',
      'Nach dem Ausfall',
    ]);
    console.info(`not ready ${notReadyAfter} ms after the crash; ready again ${readyAfter} ms after the restart`);
    for (const socket of [...sockets, console_]) socket.close();
  }, 150_000);
});
