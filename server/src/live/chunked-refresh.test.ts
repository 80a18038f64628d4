import http from 'node:http';
import { inArray } from 'drizzle-orm';
import type { ServerMessage } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departments } from '../db/schema.js';
import { TestClient, type LiveSocket } from '../test/client.js';
import { testClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeDepartment, makeTenant } from '../test/factories.js';
import { startSecondServer, startTestServer, type TestServer } from '../test/server.js';

// Decision 018, fourth addendum: when many departments change at once (a job's round, a resync),
// the hub reads them 5 at a time with a turn of the event loop between chunks, each chunk's
// versions taken just before its read, and before each chunk waits for the changing requests
// under way (lib/foreground.ts; decision 031, third addendum). 45 departments make nine chunks. What must
// hold whatever the interleaving: every watcher of every department gets its own department's
// new state, and a queue change that arrives while the chunks are read is neither lost nor
// overwritten afterwards by a read begun before it.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin
const DEPARTMENTS = 45;
const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

interface Watched {
  id: string;
  slug: string;
  base: string;
  /** The first in the queue (not watching). */
  first: TestClient;
  /** The second in the queue, watching their visit. */
  secondLive: LiveSocket;
  secondVisitId: string;
  doorLive: LiveSocket;
}

describe.each(databaseKinds)('the hub’s chunked refresh of many departments on %s', (kind) => {
  const clock = testClock(NOW);
  let a: TestServer;
  let b: TestServer;
  let address = 0;
  const client = (server: TestServer) => {
    const n = ++address;
    return new TestClient(server.url, { 'x-forwarded-for': `10.45.${n >> 8}.${n & 255}` });
  };

  beforeAll(async () => {
    // A refresh's chunks wait for a changing request under way as long as the test holds one.
    a = await startTestServer(await createTestDatabase(kind), {
      now: clock.now,
      env: { TRUST_PROXY: '1' },
      foregroundWaitMs: 60_000,
    });
    // The events come from B, as another process publishes them (on PGlite B is A itself).
    b = await startSecondServer(a, { now: clock.now, env: { TRUST_PROXY: '1' } });
  }, 180_000);
  afterAll(async () => {
    if (b && b !== a) await b.stop();
    await a?.stop();
  });

  /** 45 open departments of one municipality, each with two waiting on A, the second and the door watched there. */
  async function fortyFive(): Promise<Watched[]> {
    const db = a.database.db;
    const tenant = await makeTenant(db);
    const watched: Watched[] = [];
    for (let i = 0; i < DEPARTMENTS; i++) {
      const department = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: clock.now() });
      const base = `/api/tenants/${tenant.slug}/departments/${department.slug}`;
      const first = client(a);
      const second = client(a);
      expect((await first.post(`${base}/knock`, knockBody(`Erste ${String(i)}`))).status).toBe(201);
      const knocked = await second.post(`${base}/knock`, knockBody(`Zweite ${String(i)}`));
      expect(knocked.status).toBe(201);
      const secondLive = await second.live();
      const placed = secondLive.next('visit', (m) => m.visit?.position === 2);
      secondLive.send({ type: 'watch-visit' });
      const doorLive = await client(a).live();
      const door = doorLive.next('door', (m) => m.door.state === 'open');
      doorLive.send({ type: 'watch-door', tenant: tenant.slug, department: department.slug });
      const visitId = (await placed).visit!.id;
      await door;
      watched.push({
        id: department.id,
        slug: department.slug,
        base,
        first,
        secondLive,
        secondVisitId: visitId,
        doorLive,
      });
    }
    // Nothing of the set-up is on its way any more: a pong comes after all sent before it.
    await Promise.all(
      watched.flatMap((w) =>
        [w.secondLive, w.doorLive].map((live) => {
          const pong = live.next('pong');
          live.send({ type: 'ping' });
          return pong;
        }),
      ),
    );
    return watched;
  }

  /** All 45 doors paused behind the hub's back, then one context event each from B, in one go. */
  async function pauseAllFromB(watched: Watched[]) {
    await b.database.db
      .update(departments)
      .set({ doorOverride: 'paused', doorOverrideAt: clock.now() })
      .where(
        inArray(
          departments.id,
          watched.map((w) => w.id),
        ),
      );
    await Promise.all(watched.map((w) => b.deps.events.publish({ departmentId: w.id, context: true })));
  }

  const lastVisit = (live: LiveSocket) =>
    live.received.filter((m): m is Extract<ServerMessage, { type: 'visit' }> => m.type === 'visit').at(-1)?.visit;

  const roundTrip = async (live: LiveSocket) => {
    const pong = live.next('pong');
    live.send({ type: 'ping' });
    await pong;
  };

  it('tells every watcher of 45 changed departments their own department’s new state', async () => {
    const watched = await fortyFive();
    const from = watched.map((w) => ({ door: w.doorLive.received.length, visit: w.secondLive.received.length }));
    const paused = watched.map((w) => w.doorLive.next('door', (m) => m.door.state === 'paused', 15_000));
    const told = watched.map((w) => w.secondLive.next('visit', () => true, 15_000));
    await pauseAllFromB(watched);
    const doors = await Promise.all(paused);
    const visits = await Promise.all(told);
    for (const [i, w] of watched.entries()) {
      expect(doors[i]).toMatchObject({ department: w.slug, door: { state: 'paused' } });
      expect(visits[i]!.visit).toMatchObject({ id: w.secondVisitId, position: 2 });
    }
    // Nobody was told anything of another department, nor a door that was not paused.
    for (const [i, w] of watched.entries()) {
      await Promise.all([roundTrip(w.doorLive), roundTrip(w.secondLive)]);
      const doorMessages = w.doorLive.received.slice(from[i]!.door).filter((m) => m.type !== 'pong');
      expect(doorMessages.every((m) => m.type === 'door' && m.department === w.slug && m.door.state === 'paused')).toBe(
        true,
      );
      const visitMessages = w.secondLive.received.slice(from[i]!.visit).filter((m) => m.type !== 'pong');
      expect(visitMessages.every((m) => m.type === 'visit' && m.visit?.id === w.secondVisitId)).toBe(true);
      w.doorLive.close();
      w.secondLive.close();
    }
  }, 120_000);

  it('loses no queue change that arrives while the chunks are read, and no older read overwrites it', async () => {
    const watched = await fortyFive();
    // Departments in the first, the second and the last chunk (the hub takes them in the events' order).
    const leaving = [watched[0]!, watched[25]!, watched[43]!];
    const movedUp = leaving.map((w) => w.secondLive.next('visit', (m) => m.visit?.position === 1, 15_000));
    const allPaused = Promise.all(
      watched.map((w) => w.doorLive.next('door', (m) => m.door.state === 'paused', 15_000)),
    );
    // The first in three queues leave (on B) right behind the 45 events: their own events arrive
    // while the chunks are read, before the chunk of their department or during its read.
    await pauseAllFromB(watched);
    const answers = await Promise.all(
      leaving.map((w) => {
        const onB = client(b);
        for (const [name, value] of w.first.cookies) onB.cookies.set(name, value);
        return onB.post('/api/visit/leave');
      }),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    for (const moved of await Promise.all(movedUp)) expect(moved.visit?.position).toBe(1);
    // Every read the 45 events asked for has been sent (each department's door is paused, and
    // each is read once for them); whatever those reads sent the three is in before these pongs.
    // Their last word must still be the queue after the leave, not a read begun before it.
    await allPaused;
    await Promise.all(leaving.map((w) => roundTrip(w.secondLive)));
    for (const w of leaving) expect(lastVisit(w.secondLive)).toMatchObject({ id: w.secondVisitId, position: 1 });
    for (const w of watched) {
      w.doorLive.close();
      w.secondLive.close();
    }
  }, 120_000);

  it('lets a change under way pass before each chunk of a refresh of many, and finishes once it is answered', async () => {
    const watched = await fortyFive();
    const pausedSoFar = () =>
      watched.filter((w) => w.doorLive.received.some((m) => m.type === 'door' && m.door.state === 'paused')).length;
    // A change under way on A: a request whose body has not arrived yet (as a slow phone's would).
    const { port } = new URL(a.url);
    const held = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/visit/leave',
      headers: { 'content-type': 'application/json', 'content-length': '100', 'x-forwarded-for': '10.45.250.1' },
    });
    held.on('error', () => {});
    held.write('{');
    await expect.poll(() => a.deps.foreground.underWay, { timeout: 15_000 }).toBe(1);
    const allPaused = Promise.all(
      watched.map((w) => w.doorLive.next('door', (m) => m.door.state === 'paused', 30_000)),
    );
    await pauseAllFromB(watched);
    // The refresh reached a chunk boundary and waits there for the change to be answered.
    await expect.poll(() => a.deps.foreground.waiting, { timeout: 15_000 }).toBeGreaterThan(0);
    const before = pausedSoFar();
    expect(before).toBeLessThan(DEPARTMENTS);
    // Still waiting after a round trip through the hub on every door socket.
    await Promise.all(watched.map((w) => roundTrip(w.doorLive)));
    expect(pausedSoFar()).toBe(before);
    // The change ends (its client goes away): the refresh goes on and tells every door.
    held.destroy();
    await allPaused;
    expect(pausedSoFar()).toBe(DEPARTMENTS);
    expect(a.deps.foreground.underWay).toBe(0);
    for (const w of watched) {
      w.doorLive.close();
      w.secondLive.close();
    }
  }, 120_000);
});
