import { inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { visits } from '../db/schema.js';
import { TestClient, type LiveSocket } from '../test/client.js';
import { testClock } from '../test/clock.js';
import { createTestDatabase } from '../test/databases.js';
import { makeOffice } from '../test/factories.js';
import { startTestServer, type TestServer } from '../test/server.js';

// The beat's sightings (every watching citizen marked present, every other beat) were written in
// chunks of 100 back to back: at 10,000 citizens that held up every queue change of the next
// seconds (decision 031, forty-ninth addendum). The job now spreads the chunks over half the beat,
// as it does the pings, but over no more than a quarter of the time a sighting stays recent: each
// is stamped with the round's start, and must be in the database long before the visit's grace
// period could end. The writes themselves are the same statement on both databases: PGlite alone.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin
const CITIZENS = 120; // two chunks: 100 and 20
const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

describe('the sightings of many watching citizens, spread over the beat', () => {
  const servers: TestServer[] = [];
  const sockets: LiveSocket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const server of servers) await server.stop();
  });

  /** A server (its own beats: the test runs them) with `CITIZENS` waiting and watching their visit. */
  async function watching(env: Record<string, string>) {
    const clock = testClock(NOW);
    const server = await startTestServer(await createTestDatabase('pglite'), {
      now: clock.now,
      env: { TRUST_PROXY: '1', ...env },
      jobs: { heartbeatMs: 3_600_000 },
    });
    servers.push(server);
    const { base } = await makeOffice(server.database.db, {
      openAt: clock.now(),
      department: { queueCap: CITIZENS },
    });
    const ids: string[] = [];
    for (let n = 0; n < CITIZENS; n++) {
      const citizen = new TestClient(server.url, { 'x-forwarded-for': `10.49.${n >> 8}.${n & 255}` });
      expect((await citizen.post(`${base}/knock`, knockBody(`Bürger ${String(n)}`))).status).toBe(201);
      const live = await citizen.live();
      sockets.push(live);
      const placed = live.next('visit');
      live.send({ type: 'watch-visit' });
      ids.push((await placed).visit!.id);
    }
    // Every first watch wrote its sighting; a beat 31 s later finds each old enough to write again.
    clock.advance(31_000);
    const seen = async () => {
      const rows = await server.database.db
        .select({ lastSeenAt: visits.lastSeenAt })
        .from(visits)
        .where(inArray(visits.id, ids));
      return rows.map((row) => row.lastSeenAt.getTime());
    };
    return { server, clock, seen };
  }

  it('writes one chunk, then waits before the next; a stopping process ends the round', async () => {
    // Default grace (120 s): sightings recent for 30 s, so a round may take up to 7.5 s.
    const { server, clock, seen } = await watching({});
    const start = clock.now().getTime();
    const round = server.hub.refreshPresence(600_000);
    const written = async () => (await seen()).filter((at) => at >= start).length;
    await expect.poll(written, { timeout: 10_000 }).toBe(100);
    // The second chunk waits its turn: still not written once the first is.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await written()).toBe(100);
    server.hub.endRounds();
    await round;
    expect(await written()).toBe(100);
  }, 120_000);

  it('spreads no longer than a short grace period allows: the round ends with every sighting written', async () => {
    // Grace 20 s: sightings recent for 5 s, so the round may take 1.25 s, not the ten minutes given.
    const { server, clock, seen } = await watching({ VISIT_GRACE_SECONDS: '20' });
    const start = clock.now().getTime();
    await server.hub.refreshPresence(600_000);
    const stamps = await seen();
    expect(stamps).toHaveLength(CITIZENS);
    expect(stamps.every((at) => at >= start)).toBe(true);
  }, 120_000);
});
