import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestClient } from '../test/client.js';
import { jumpableClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test/databases.js';
import { makeDepartment, makeTenant } from '../test/factories.js';
import { startTestServer, type TestServer } from '../test/server.js';

const GRACE_SECONDS = 10;
const HOUR = 3600_000;

/**
 * Issue 11, resilience: the server's clock jumps (NTP corrects a drifted host, a VM moves) while
 * citizens wait. The expiry sweep drops those gone longer than the grace period, and nobody
 * else: not the connected (whatever the order of the sweep and the presence refresh, which in
 * several processes is anyone's guess), not one who dropped a moment ago; and a jump back does
 * not keep a departed citizen in the queue for the size of the jump.
 */
describe.each(databaseKinds)('clock jumps and the expiry sweep on %s', (kind) => {
  const clock = jumpableClock();
  let database: TestDatabase;
  let server: TestServer;
  let address = 0;
  const client = () => new TestClient(server.url, { 'x-forwarded-for': `10.4.0.${++address}` });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    // A sweep more often than the presence refresh: how another process's sweep may fall.
    server = await startTestServer(database, {
      env: { VISIT_GRACE_SECONDS: String(GRACE_SECONDS), TRUST_PROXY: '1' },
      now: clock.now,
      jobs: { heartbeatMs: 1_000, sweepMs: 250, reconcileMs: 3_600_000 },
    });
    // Sweeps start one grace period after the start (citizens reconnecting after a restart).
    await new Promise((resolve) => setTimeout(resolve, GRACE_SECONDS * 1000 + 500));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await database?.close();
  });

  async function waitingRoom() {
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id, {
      doorOverride: 'open',
      doorOverrideAt: clock.now(),
    });
    return async (name: string, options: { connected: boolean }) => {
      const citizen = client();
      const knock = await citizen.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
        name,
        concern: 'Test',
        language: 'de',
        consent: true,
      });
      expect(knock.status).toBe(201);
      const live = options.connected ? await citizen.live() : null;
      if (live) {
        const seen = live.next('visit');
        live.send({ type: 'watch-visit' });
        await seen;
      }
      const state = async () =>
        (await database.db.query.visits.findFirst({ where: (v, { eq }) => eq(v.id, knock.json.visit.id) }))?.state;
      return { citizen, live, state };
    };
  }

  it('keeps the connected and the just-dropped through a jump forward, and drops the gone after the grace', async () => {
    const knock = await waitingRoom();
    const connected = await Promise.all([1, 2, 3].map((i) => knock(`Verbunden ${i}`, { connected: true })));
    const dropped = await knock('Kurz weg', { connected: true });
    dropped.live!.close();

    clock.jump(HOUR);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // a dozen sweeps, three presence refreshes

    for (const c of connected) expect(await c.state()).toBe('waiting');
    // Back within the grace period (real seconds, whatever the clock says): the place is still there.
    expect(await dropped.state()).toBe('waiting');
    const back = await dropped.citizen.get('/api/visit');
    expect(back.json.visit).toMatchObject({ state: 'waiting', position: 4 });

    // Gone for good: dropped once the grace period has passed.
    await vi.waitFor(async () => expect(await dropped.state()).toBe('expired'), {
      timeout: (GRACE_SECONDS + 20) * 1000,
      interval: 250,
    });
    for (const c of connected) expect(await c.state()).toBe('waiting');
    for (const c of connected) c.live!.close();
  }, 60_000);

  it('drops a citizen who left after about the grace period when the clock jumps back, not an hour later', async () => {
    const knock = await waitingRoom();
    const connected = await knock('Verbunden', { connected: true });
    const gone = await knock('Gegangen', { connected: false });

    clock.jump(-HOUR);
    await vi.waitFor(async () => expect(await gone.state()).toBe('expired'), {
      timeout: (GRACE_SECONDS + 20) * 1000,
      interval: 250,
    });
    expect(await connected.state()).toBe('waiting');
    connected.live!.close();
  }, 60_000);
});
