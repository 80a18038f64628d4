import { eq } from 'drizzle-orm';
import type { ServerMessage } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departments } from '../db/schema.js';
import { TestClient, type LiveSocket } from '../test/client.js';
import { testClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeDepartment, makeTenant } from '../test/factories.js';
import { startTestServer, type TestServer } from '../test/server.js';

// Two reads of one department can be in flight at once: a refresh a job or a resync asked for,
// and the one the next change asked for meanwhile (on PostgreSQL they run on two connections, and
// the older can finish last). What the newer read sent must stay the last word: the older one,
// read before that change, is not sent (decision 018, fifth addendum's open point, now closed).

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin

/** The hub's department reads, to hold one back (the hub keeps them private: a test reaches in). */
interface Reads {
  state(departmentId: string, now: Date): Promise<unknown>;
}

describe.each(databaseKinds)('two reads of one department in flight on %s', (kind) => {
  const clock = testClock(NOW);
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase(kind), { now: clock.now });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  const lastDoor = (live: LiveSocket) =>
    live.received.filter((m): m is Extract<ServerMessage, { type: 'door' }> => m.type === 'door').at(-1)?.door;

  it('sends the newer read, and never the older one after it', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: clock.now() });
    const live = await new TestClient(server.url).live();
    const opened = live.next('door', (m) => m.door.state === 'open');
    live.send({ type: 'watch-door', tenant: tenant.slug, department: department.slug });
    await opened;

    // The hub's next read of this department is held back once it has read (the door still open).
    const reads = (server.hub as unknown as { contexts: Reads }).contexts;
    const read = reads.state.bind(reads);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const heldRead = new Promise<void>((resolve) => (reached = resolve));
    let done!: () => void;
    const heldDone = new Promise<void>((resolve) => (done = resolve));
    let holding = true;
    reads.state = async (departmentId, now) => {
      const state = await read(departmentId, now);
      if (holding && departmentId === department.id) {
        holding = false;
        reached();
        await gate;
        setImmediate(done);
      }
      return state;
    };

    // A change the hub must read for (its settings, as a job's round publishes it) …
    await server.deps.events.publish({ departmentId: department.id, context: true });
    await heldRead;
    // … and a newer one while that read is held: the clerks pause the door.
    const paused = live.next('door', (m) => m.door.state === 'paused');
    await db
      .update(departments)
      .set({ doorOverride: 'paused', doorOverrideAt: clock.now() })
      .where(eq(departments.id, department.id));
    await server.deps.events.publish({ departmentId: department.id, context: true });
    await paused;

    // The older read goes on now; whatever it sends is in before this pong.
    release();
    await heldDone;
    const pong = live.next('pong');
    live.send({ type: 'ping' });
    await pong;
    expect(lastDoor(live)?.state).toBe('paused');
    live.close();
  }, 60_000);
});
