import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departments, visits } from '../db/schema.js';
import { announceInstallation } from '../features/setup/installation.service.js';
import { TestClient, type LiveSocket } from '../test/client.js';
import { testClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds, type DatabaseKind } from '../test/databases.js';
import { makeClosure, makeOffice, makeStaff, OFFICE_HOURS } from '../test/factories.js';
import { startSecondServer, startTestServer, type TestServer } from '../test/server.js';

// Issue 14, items 2 and 3: the hub keeps each department's setting between queue changes and
// answers a burst of first watches from a few reads. These tests prove that what it keeps is
// dropped when the setting changes (in another server process, on PostgreSQL), and count the
// statements a burst costs through the query builder's own logger.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin: open by the office hours
const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

async function servers(kind: DatabaseKind, clock: ReturnType<typeof testClock>) {
  const statements: string[] = [];
  const a = await startTestServer(await createTestDatabase(kind, { onQuery: (query) => statements.push(query) }), {
    now: clock.now,
    env: { TRUST_PROXY: '1' },
  });
  const b = await startSecondServer(a, { now: clock.now, env: { TRUST_PROXY: '1' } });
  return { a, b, statements };
}

describe.each(databaseKinds)('the live hub’s kept department setting on %s', (kind) => {
  const clock = testClock(NOW);
  let a: TestServer;
  let b: TestServer;
  let statements: string[];
  let address = 0;
  const client = (server: TestServer) => {
    const n = ++address;
    return new TestClient(server.url, { 'x-forwarded-for': `10.20.${n >> 8}.${n & 255}` });
  };

  beforeAll(async () => {
    ({ a, b, statements } = await servers(kind, clock));
  }, 180_000);
  afterAll(async () => {
    if (b !== a) await b.stop();
    await a.stop();
  });

  /** Citizens who knocked on A at the door under `base`, one after another, in this order. */
  async function knockedOnA(base: string, names: string[]) {
    const citizens = names.map(() => client(a));
    for (const [index, citizen] of citizens.entries()) {
      expect((await citizen.post(`${base}/knock`, knockBody(names[index]!))).status).toBe(201);
    }
    return citizens;
  }

  /** A citizen waiting on A, with their visit and the door watched there. */
  async function waitingOnA() {
    const db = a.database.db;
    const office = await makeOffice(db, { openAt: clock.now(), department: { avgHandlingMinutes: 12 } });
    const citizen = client(a);
    expect((await citizen.post(`${office.base}/knock`, knockBody('Wartend'))).status).toBe(201);
    const visitLive = await citizen.live();
    const first = visitLive.next('visit');
    visitLive.send({ type: 'watch-visit' });
    expect((await first).visit).toMatchObject({ position: 1, estimatedWaitMinutes: 12 });
    const doorLive = await client(a).live();
    const door = doorLive.next('door');
    doorLive.send({ type: 'watch-door', tenant: office.tenant.slug, department: office.department.slug });
    expect((await door).door).toMatchObject({ openByHours: true, clerksOnDuty: 0 });
    return { ...office, visitLive, doorLive };
  }

  const close = (...sockets: LiveSocket[]) => sockets.forEach((socket) => socket.close());

  it('shows a clerk going on duty on B to the citizens on A at once', async () => {
    const { tenant, department, visitLive, doorLive } = await waitingOnA();
    const clerk = await makeStaff(b.database.db, tenant.id, {
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    const clerkOnB = client(b);
    expect((await clerkOnB.post('/api/staff/login', { email: clerk.email, password: clerk.password })).status).toBe(
      200,
    );
    // A free clerk takes the first in line at once: the estimate drops to zero.
    const served = visitLive.next('visit', (m) => m.visit?.estimatedWaitMinutes === 0);
    const onDuty = doorLive.next('door', (m) => m.door.clerksOnDuty === 1);
    const consoleLive = await clerkOnB.live();
    consoleLive.send({ type: 'watch-console', departmentId: department.id });
    expect((await served).visit?.position).toBe(1);
    await onDuty;

    // And going off duty again (the console closes on B): back to the mean.
    const alone = visitLive.next('visit', (m) => m.visit?.estimatedWaitMinutes === 12);
    consoleLive.close();
    await alone;
    close(visitLive, doorLive);
  });

  it('shows hours and a closure changed beside B (the setup command) to the citizens on A', async () => {
    const { tenant, department, doorLive, visitLive } = await waitingOnA();
    // What `npm run setup` does: write the file's hours and closures, then tell the running servers.
    const closed = doorLive.next('door', (m) => !m.door.openByHours);
    await b.database.db
      .update(departments)
      .set({ openingHours: { ...OFFICE_HOURS, mon: [] } })
      .where(eq(departments.id, department.id));
    await announceInstallation(b.database.db, b.deps.events);
    expect((await closed).door.openByHours).toBe(false);

    const reopened = doorLive.next('door', (m) => m.door.openByHours);
    await b.database.db
      .update(departments)
      .set({ openingHours: OFFICE_HOURS })
      .where(eq(departments.id, department.id));
    await announceInstallation(b.database.db, b.deps.events);
    await reopened;

    const closure = doorLive.next('door', (m) => !m.door.openByHours);
    await makeClosure(b.database.db, {
      tenantId: tenant.id,
      departmentId: department.id,
      startsOn: '2026-11-23',
      endsOn: '2026-11-23',
      reason: { de: 'Betriebsausflug' },
    });
    await announceInstallation(b.database.db, b.deps.events);
    await closure;
    close(doorLive, visitLive);
  });

  it('shows the door a clerk closes on B to the door watchers on A', async () => {
    const { tenant, department, doorLive, visitLive } = await waitingOnA();
    const clerk = await makeStaff(b.database.db, tenant.id, {
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    const clerkOnB = client(b);
    await clerkOnB.post('/api/staff/login', { email: clerk.email, password: clerk.password });
    const closed = doorLive.next('door', (m) => m.door.state === 'closed');
    expect((await clerkOnB.put(`/api/staff/departments/${department.id}/door`, { state: 'closed' })).status).toBe(200);
    await closed;
    close(doorLive, visitLive);
  });

  it('answers a burst of first watches with correct, distinct positions from a few reads', async () => {
    const { base } = await makeOffice(a.database.db, { openAt: clock.now(), department: { queueCap: 100 } });
    const n = 40;
    const citizens = await knockedOnA(
      base,
      Array.from({ length: n }, (_, i) => `Person ${String(i + 1)}`),
    );
    const sockets = await Promise.all(citizens.map((citizen) => citizen.live()));
    const answers = sockets.map((socket) => socket.next('visit'));
    const before = statements.length;
    for (const socket of sockets) socket.send({ type: 'watch-visit' });
    const visits = (await Promise.all(answers)).map((m) => m.visit);
    const spent = statements.length - before;

    // Everyone their own place, in the order they knocked.
    expect(visits.map((visit) => visit?.name)).toEqual(citizens.map((_, i) => `Person ${String(i + 1)}`));
    expect(visits.map((visit) => visit?.position)).toEqual(citizens.map((_, i) => i + 1));
    // One socket used to cost seven statements; the burst costs a handful for all of them.
    expect(spent).toBeLessThan(n / 2);
    close(...sockets);
  });

  it('answers a reconnect storm of known visits from its last read, and still marks them present', async () => {
    const { base } = await makeOffice(a.database.db, { openAt: clock.now(), department: { queueCap: 100 } });
    const n = 30;
    const citizens = await knockedOnA(
      base,
      Array.from({ length: n }, (_, i) => `Gast ${String(i + 1)}`),
    );
    const watchAll = async () => {
      const sockets = await Promise.all(citizens.map((citizen) => citizen.live()));
      const answers = sockets.map((socket) => socket.next('visit'));
      for (const socket of sockets) socket.send({ type: 'watch-visit' });
      const visits = (await Promise.all(answers)).map((m) => m.visit);
      return { sockets, visits };
    };
    const first = await watchAll();
    const ids = first.visits.map((visit) => visit!.id);
    close(...first.sockets);

    // The pages reload 45 seconds later: nothing changed in the queue meanwhile.
    clock.advance(45_000);
    const reloadedAt = clock.now().getTime();
    const before = statements.length;
    const again = await watchAll();
    expect(again.visits.map((visit) => visit?.position)).toEqual(citizens.map((_, i) => i + 1));
    expect(again.visits.map((visit) => visit?.id)).toEqual(ids);
    // No read of visits or departments: only marking them present (in one or two statements).
    // What the hub reads and writes for a watch (the jobs meanwhile go on with their own tables).
    const spent = statements.slice(before).filter(aboutTheQueue);
    await expect.poll(async () => (await seenAt(ids)).every((at) => at !== undefined && at >= reloadedAt)).toBe(true);
    expect(spent.filter((query) => !/^update "visits" set "last_seen_at"/.test(query))).toEqual([]);
    expect(spent.length).toBeLessThanOrEqual(3);
    close(...again.sockets);

    // And once more at once: seen moments ago, so not even that.
    const quiet = statements.length;
    const third = await watchAll();
    expect(third.visits.map((visit) => visit?.position)).toEqual(citizens.map((_, i) => i + 1));
    expect(statements.slice(quiet).filter(aboutTheQueue)).toEqual([]);
    close(...third.sockets);
  });

  /** Citizens knocked on A in this order, each watching their visit there (positions 1, 2, …). */
  async function queueOnA(names: string[]) {
    const office = await makeOffice(a.database.db, { openAt: clock.now(), department: { avgHandlingMinutes: 10 } });
    const citizens = await knockedOnA(office.base, names);
    const sockets = await Promise.all(citizens.map((citizen) => citizen.live()));
    const answers = sockets.map((socket) => socket.next('visit'));
    for (const socket of sockets) socket.send({ type: 'watch-visit' });
    const ids = (await Promise.all(answers)).map((m) => m.visit!.id);
    return { ...office, citizens, sockets, ids };
  }

  it('tells everyone of a move from the queue it keeps at once, and lets its read correct it', async () => {
    const { department, sockets, ids } = await queueOnA(['Erste', 'Zweite', 'Dritte']);
    // An event from B says the first left, while the database (not changed here) still has her
    // waiting: the hub tells the others from its kept queue before it reads, then the read sets
    // them right. A hub that only reads would send positions 2 and 3 once.
    const second = sockets[1]!.next('visit');
    const third = sockets[2]!.next('visit');
    const corrected = sockets[1]!.next('visit', (m) => m.visit?.position === 2);
    await b.deps.events.publish({
      departmentId: department.id,
      visitId: ids[0]!,
      moved: { to: 'left', at: clock.now().toISOString() },
    });
    expect((await second).visit).toMatchObject({ position: 1, state: 'waiting' });
    expect((await third).visit).toMatchObject({ position: 2 });
    await corrected;
    close(...sockets);
  });

  it('tells of a leave and an admit made on B exactly as a read of the queue would', async () => {
    const { tenant, department, citizens, sockets } = await queueOnA(['Anna', 'Bernd', 'Carla']);
    const clerk = await makeStaff(b.database.db, tenant.id, {
      name: 'Frau Schulz',
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    const clerkOnB = client(b);
    await clerkOnB.post('/api/staff/login', { email: clerk.email, password: clerk.password });
    const [anna, bernd, carla] = sockets as [LiveSocket, LiveSocket, LiveSocket];
    // A clerk on duty: the first in line is next, the others wait a mean each (10 minutes).
    const onDuty = [anna, bernd, carla].map((socket, i) =>
      socket.next('visit', (m) => m.visit?.estimatedWaitMinutes === i * 10),
    );
    const consoleLive = await clerkOnB.live();
    const snapshot = consoleLive.next('console');
    consoleLive.send({ type: 'watch-console', departmentId: department.id });
    await Promise.all([snapshot, ...onDuty]);

    // Anna leaves: the first message each one gets is the whole truth, no correction to follow.
    const left = anna.next('visit');
    const berndFirst = bernd.next('visit');
    const carlaSecond = carla.next('visit');
    expect((await citizens[0]!.post('/api/visit/leave', {})).status).toBe(200);
    expect((await left).visit).toMatchObject({ state: 'left', position: null, name: 'Anna' });
    expect((await berndFirst).visit).toMatchObject({ state: 'waiting', position: 1 });
    expect((await carlaSecond).visit).toMatchObject({ state: 'waiting', position: 2 });

    // The clerk on B lets in the next: Bernd learns who, Carla moves up, the console shows him.
    const admitted = bernd.next('visit');
    const carlaFirst = carla.next('visit');
    const withClerk = consoleLive.next('console', (m) => m.snapshot.active.length === 1);
    expect((await clerkOnB.post(`/api/staff/departments/${department.id}/admit-next`, {})).status).toBe(200);
    expect((await admitted).visit).toMatchObject({ state: 'admitted', admittedBy: 'Frau Schulz', position: null });
    expect((await carlaFirst).visit).toMatchObject({ state: 'waiting', position: 1 });
    const active = (await withClerk).snapshot.active[0]!;
    expect(active).toMatchObject({
      name: 'Bernd',
      state: 'admitted',
      admittedBy: { id: clerk.id, name: 'Frau Schulz' },
    });
    close(...sockets, consoleLive);
  });

  it('marks watching citizens present every other heartbeat, not every one', async () => {
    const { sockets, ids } = await queueOnA(['Ida', 'Jan']);
    // The test clock ticks a millisecond per reading: a beat's sighting is its own, within a few.
    const beat = async () => {
      clock.advance(15_000);
      const from = clock.now().getTime();
      await a.hub.refreshPresence();
      return { from, to: clock.now().getTime() };
    };
    const seenWithin = async ({ from, to }: { from: number; to: number }) =>
      (await seenAt(ids)).every((at) => at !== undefined && at >= from && at <= to);
    // Knocked moments ago: the first beat writes them, the next leaves them, the third again.
    const first = await beat();
    expect(await seenWithin(first)).toBe(true);
    await beat();
    expect(await seenWithin(first)).toBe(true);
    const third = await beat();
    expect(await seenWithin(third)).toBe(true);
    close(...sockets);
  });

  function aboutTheQueue(query: string) {
    return /"(visits|departments|tenants|closures|console_presence|staff)"/.test(query);
  }

  async function seenAt(ids: string[]) {
    const rows = await a.database.db
      .select({ id: visits.id, lastSeenAt: visits.lastSeenAt })
      .from(visits)
      .where(inArray(visits.id, ids));
    const byId = new Map(rows.map((row) => [row.id, row.lastSeenAt?.getTime()]));
    return ids.map((id) => byId.get(id));
  }
});
