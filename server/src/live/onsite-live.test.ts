import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../test/client.js';
import { settableClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds, type DatabaseKind } from '../test/databases.js';
import { makeOffice, makeService, makeStaff } from '../test/factories.js';
import { startSecondServer, startTestServer, type TestServer } from '../test/server.js';

// Issue 16, item 3: on-site visits in the live hub's kept queue (decision 018). They have no
// socket of their own, yet they count in the door's `waiting`, in the estimate and in the
// citizens' positions; a call to a counter and a recall reach every console at once, derived from
// the kept state before any read (the first message is already right), also in another process.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin: open by the office hours
// Steps well inside the hub's reuse of a read (a minute), so that moves are derived from it.
const STEP = 10_000;
const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

async function servers(kind: DatabaseKind, now: () => Date) {
  const a = await startTestServer(await createTestDatabase(kind), { now, env: { TRUST_PROXY: '1' } });
  const b = await startSecondServer(a, { now, env: { TRUST_PROXY: '1' } });
  return { a, b };
}

describe.each(databaseKinds)('on-site visits in the live queue on %s', (kind) => {
  const clock = settableClock(NOW);
  let a: TestServer;
  let b: TestServer;
  let address = 0;
  const client = (server: TestServer) => {
    const n = ++address;
    return new TestClient(server.url, { 'x-forwarded-for': `10.30.${n >> 8}.${n & 255}` });
  };

  beforeAll(async () => {
    ({ a, b } = await servers(kind, clock.now));
  }, 180_000);
  afterAll(async () => {
    if (b !== a) await b.stop();
    await a.stop();
  });

  async function signedIn(server: TestServer, tenantId: string, departmentId: string) {
    const person = await makeStaff(server.database.db, tenantId, {
      name: 'Clerk Counter',
      memberships: [{ departmentId, role: 'clerk' }],
    });
    const browser = client(server);
    const login = await browser.post('/api/staff/login', { email: person.email, password: person.password });
    expect(login.status).toBe(200);
    return browser;
  }

  it('counts on-site visits on B and shows a call to the counter and a recall at once', async () => {
    clock.reset();
    const db = a.database.db;
    const office = await makeOffice(db, { openAt: clock.now(), department: { avgHandlingMinutes: 10 } });
    const service = await makeService(db, office.department.id, { channels: 'onsite', knockable: true });
    const clerkOnA = await signedIn(a, office.tenant.id, office.department.id);
    const clerkOnB = await signedIn(b, office.tenant.id, office.department.id);
    expect((await clerkOnA.put(`${office.staffPath}/counter`, { counterName: 'Platz 3' })).status).toBe(200);

    // Watchers on B: the door, and the console (which puts one clerk on duty).
    const doorLive = await client(b).live();
    const doorFirst = doorLive.next('door');
    doorLive.send({ type: 'watch-door', tenant: office.tenant.slug, department: office.department.slug });
    expect((await doorFirst).door.waiting).toBe(0);
    const consoleLive = await clerkOnB.live();
    const watching = consoleLive.next('console', (m) => m.snapshot.door.clerksOnDuty === 1);
    consoleLive.send({ type: 'watch-console', departmentId: office.department.id });
    await watching;

    // A ticket drawn at the counter on A, then a citizen knocking (and watching) on A.
    const ticketed = doorLive.next('door', (m) => m.door.waiting === 1);
    const ticket = await clerkOnA.post(`${office.staffPath}/onsite-tickets`, { serviceSlug: service.slug });
    expect(ticket.status).toBe(201);
    await ticketed;
    clock.set(new Date(NOW.getTime() + STEP));
    const citizen = client(a);
    expect((await citizen.post(`${office.base}/knock`, knockBody('Zuhause'))).status).toBe(201);
    const citizenLive = await citizen.live();
    const place = citizenLive.next('visit');
    citizenLive.send({ type: 'watch-visit' });
    // One on a chair in the town hall ahead: second, and the estimate counts them.
    expect((await place).visit).toMatchObject({ position: 2, estimatedWaitMinutes: 10 });
    const door = await client(b).get(`${office.base}/door`);
    expect(door.json.door).toMatchObject({ waiting: 2 });

    // "Next" on A calls the ticket to Platz 3: B's console and the citizen learn it from the move.
    clock.set(new Date(NOW.getTime() + 2 * STEP));
    const calledAt = clock.now().toISOString();
    const called = consoleLive.next('console');
    const movedUp = citizenLive.next('visit');
    const next = await clerkOnA.post(`${office.staffPath}/admit-next`);
    expect(next.json.visitId).toBe(ticket.json.visitId);
    const snapshot = (await called).snapshot;
    expect(snapshot.queue.map((entry) => entry.name)).toEqual(['Zuhause']);
    expect(snapshot.active).toEqual([
      expect.objectContaining({
        id: ticket.json.visitId,
        state: 'admitted',
        channel: 'onsite',
        ticketNumber: 1,
        calledAt,
        calledCounter: 'Platz 3',
        admittedBy: expect.objectContaining({ name: 'Clerk Counter' }),
      }),
    ]);
    expect((await movedUp).visit?.position).toBe(1);

    // A recall moves only the call's time, on every console, at once.
    clock.set(new Date(NOW.getTime() + 3 * STEP));
    const recalledAt = clock.now().toISOString();
    const recalled = consoleLive.next('console');
    expect((await clerkOnA.post(`${office.staffPath}/visits/${ticket.json.visitId}/recall`)).status).toBe(204);
    expect((await recalled).snapshot.active[0]).toMatchObject({
      calledAt: recalledAt,
      calledCounter: 'Platz 3',
      admittedAt: calledAt,
    });

    // Nobody came: gone from the console; the citizen at home is still first.
    const gone = consoleLive.next('console');
    expect((await clerkOnA.post(`${office.staffPath}/visits/${ticket.json.visitId}/no-show`)).status).toBe(204);
    expect((await gone).snapshot.active).toEqual([]);
    expect((await client(b).get(`${office.base}/door`)).json.door).toMatchObject({ waiting: 1 });

    for (const socket of [doorLive, consoleLive, citizenLive]) socket.close();
  });
});
