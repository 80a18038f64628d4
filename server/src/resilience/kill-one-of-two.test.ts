import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/client.js';
import { TestClient, type LiveSocket } from '../test/client.js';
import { createPostgresDatabase, databaseKinds } from '../test/databases.js';
import { makeDepartment, makeStaff, makeTenant } from '../test/factories.js';
import { killServers, spawnServer, type ServerProcess } from '../test/processes.js';
import { TEST_ORIGIN } from '../test/server.js';

const camera = { camera: true, microphone: true, screen: false, cameraStreamId: 'cam-1', screenStreamId: null };

/**
 * Issue 11, resilience: one of two app processes on one PostgreSQL dies (kill -9) while citizens
 * wait on it and a call runs on it. Nobody is lost, the order stays, and everyone carries on with
 * the other process, as a load balancer would send them there.
 */
describe.runIf(databaseKinds.includes('postgres'))('kill -9 of one of two app processes', () => {
  let fresh: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let database: Database;
  let a: ServerProcess;
  let urlA: string;
  let urlB: string;

  beforeAll(async () => {
    fresh = await createPostgresDatabase();
    database = await openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 2 });
    const env = { DATABASE_URL: fresh.url, PUBLIC_BASE_URL: TEST_ORIGIN, TRUST_PROXY: '1', SEED_DEMO: 'false' };
    a = spawnServer(env);
    const b = spawnServer(env);
    [urlA, urlB] = await Promise.all([a.url(), b.url()]);
  }, 90_000);
  afterAll(async () => {
    await killServers();
    await database.close();
    await fresh.drop();
  });

  it('loses no one, keeps the order, and lets citizens and the call resync on the other', async () => {
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id, {
      doorOverride: 'open',
      doorOverrideAt: new Date(),
      queueCap: 100,
    });
    const person = await makeStaff(database.db, tenant.id, {
      name: 'Anna Schmidt',
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    // One browser (its address and cookie jar), sent to the other process by the load balancer.
    const addresses = new Map<TestClient, string>();
    const browserOn = (url: string, address: string) => {
      const browser = new TestClient(url, { 'x-forwarded-for': address });
      addresses.set(browser, address);
      return browser;
    };
    const moved = (from: TestClient, url: string) => {
      const to = browserOn(url, addresses.get(from)!);
      for (const [name, value] of from.cookies) to.cookies.set(name, value);
      return to;
    };

    const clerkOnB = browserOn(urlB, '10.6.1.1');
    expect((await clerkOnB.post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(
      200,
    );

    const citizens: TestClient[] = [];
    const onA: LiveSocket[] = [];
    for (let i = 0; i < 12; i++) {
      const citizen = browserOn(urlA, `10.6.0.${i + 1}`);
      const knock = await citizen.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
        name: `Wartende ${i + 1}`,
        concern: 'Test',
        language: 'de',
        consent: true,
      });
      expect(knock.status).toBe(201);
      citizens.push(citizen);
      const live = await citizen.live();
      const seen = live.next('visit');
      live.send({ type: 'watch-visit' });
      expect((await seen).visit?.position).toBe(i + 1);
      onA.push(live);
    }

    // A call on A: the clerk admits the first citizen, and both join over A's socket.
    const first = citizens[0]!;
    const visitId = (await first.get('/api/visit')).json.visit.id as string;
    expect((await clerkOnB.post(`/api/staff/departments/${department.id}/visits/${visitId}/admit`)).status).toBe(200);
    const clerkOnA = moved(clerkOnB, urlA);
    const clerkCall = await clerkOnA.live();
    const clerkJoined = clerkCall.next('call-joined');
    clerkCall.send({ type: 'call-join', visitId, media: camera });
    await clerkJoined;
    const citizenJoined = onA[0]!.next('call-joined');
    onA[0]!.send({ type: 'call-join', visitId, media: camera });
    expect((await citizenJoined).participants.map((p) => p.role)).toEqual(['clerk']);

    a.process.kill('SIGKILL');
    await a.exited;
    const killedAt = Date.now();

    // Everyone reconnects, to B.
    const onB = await Promise.all(
      citizens.map(async (citizen) => {
        const live = await moved(citizen, urlB).live();
        const seen = live.next('visit');
        live.send({ type: 'watch-visit' });
        return { live, visit: (await seen).visit };
      }),
    );
    const resyncedAfter = Date.now() - killedAt;
    expect(onB[0]!.visit?.state).toMatch(/admitted|in_call/);
    expect(onB.slice(1).map(({ visit }) => [visit?.name, visit?.state, visit?.position])).toEqual(
      citizens.slice(1).map((_, i) => [`Wartende ${i + 2}`, 'waiting', i + 1]),
    );

    // The clerk's console on B shows the same queue, in the same order.
    const console_ = await clerkOnB.live();
    const snapshot = console_.next('console');
    console_.send({ type: 'watch-console', departmentId: department.id });
    const { queue, active } = (await snapshot).snapshot;
    expect(queue.map((entry) => entry.name)).toEqual(citizens.slice(1).map((_, i) => `Wartende ${i + 2}`));
    expect(active.map((entry) => entry.id)).toEqual([visitId]);

    // The call goes on over B.
    const clerkAgain = await clerkOnB.live();
    const clerkBack = clerkAgain.next('call-joined');
    clerkAgain.send({ type: 'call-join', visitId, media: camera });
    await clerkBack;
    const citizenBack = onB[0]!.live.next('call-joined');
    onB[0]!.live.send({ type: 'call-join', visitId, media: camera });
    expect((await citizenBack).participants.map((p) => p.name)).toEqual(['Anna Schmidt']);

    // And the queue moves on for everyone.
    const called = onB[1]!.live.next('visit', (m) => m.visit?.state === 'admitted');
    const nextInLine = onB[2]!.live.next('visit', (m) => m.visit?.position === 1);
    expect((await clerkOnB.post(`/api/staff/departments/${department.id}/visits/${visitId}/finish`)).status).toBe(204);
    expect((await clerkOnB.post(`/api/staff/departments/${department.id}/admit-next`)).status).toBe(200);
    await called;
    await nextInLine;
    console.info(`12 citizens resynced on the other process ${resyncedAfter} ms after kill -9`);
    for (const socket of [...onB.map((entry) => entry.live), console_, clerkAgain]) socket.close();
  }, 120_000);
});
