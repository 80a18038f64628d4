import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../test/client.js';
import { testClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeDepartment, makeStaff, makeTenant } from '../test/factories.js';
import { startSecondServer, startTestServer, type TestServer } from '../test/server.js';

// A clerk of two offices, still with someone in one, is refused a person at the other; the console
// says where ("in einem anderen Ihrer Ämter: Fundbüro"). That notice stayed after the conversation
// there ended, until a reload: the console heard nothing of another office. It asks the hub now
// (`watch-busy`), which says `busy-ended` the moment that conversation ends, in any process.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin
const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

describe.each(databaseKinds)('a clerk busy in another office on %s', (kind) => {
  const clock = testClock(NOW);
  let a: TestServer;
  let b: TestServer;
  let address = 0;
  const client = (server: TestServer) => {
    const n = ++address;
    return new TestClient(server.url, { 'x-forwarded-for': `10.62.${n >> 8}.${n & 255}` });
  };

  beforeAll(async () => {
    a = await startTestServer(await createTestDatabase(kind), { now: clock.now, env: { TRUST_PROXY: '1' } });
    b = await startSecondServer(a, { now: clock.now, env: { TRUST_PROXY: '1' } });
  }, 180_000);
  afterAll(async () => {
    if (b !== a) await b.stop();
    await a.stop();
  });

  async function twoOffices() {
    const db = a.database.db;
    const tenant = await makeTenant(db);
    const open = { doorOverride: 'open' as const, doorOverrideAt: clock.now() };
    const fund = await makeDepartment(db, tenant.id, open);
    const gewerbe = await makeDepartment(db, tenant.id, open);
    const person = await makeStaff(db, tenant.id, {
      name: 'Zwei Ämter',
      memberships: [
        { departmentId: fund.id, role: 'clerk' },
        { departmentId: gewerbe.id, role: 'clerk' },
      ],
    });
    // The clerk's call on A; their console of the other office on B (two tabs, two processes).
    const signIn = async (server: TestServer) => {
      const browser = client(server);
      const login = await browser.post('/api/staff/login', { email: person.email, password: person.password });
      expect(login.status).toBe(200);
      return browser;
    };
    return { tenant, fund, gewerbe, onA: await signIn(a), onB: await signIn(b) };
  }

  it('tells the console the moment the conversation in the other office ends', async () => {
    const { tenant, fund, gewerbe, onA, onB } = await twoOffices();
    const citizen = client(a);
    const knock = await citizen.post(`/api/tenants/${tenant.slug}/departments/${fund.slug}/knock`, knockBody('Dora'));
    expect(knock.status).toBe(201);
    const visitId = knock.json.visit.id as string;
    expect((await onA.post(`/api/staff/departments/${fund.id}/visits/${visitId}/admit`)).status).toBe(200);
    expect((await onB.post(`/api/staff/departments/${gewerbe.id}/admit-next`)).json.code).toBe('clerk_busy');

    const live = await onB.live();
    live.send({ type: 'watch-busy', departmentId: fund.id });
    // The watch's own read is done by the time the slower console watch is answered: still busy.
    const console = live.next('console');
    live.send({ type: 'watch-console', departmentId: gewerbe.id });
    await console;
    expect(live.received.filter((m) => m.type === 'busy-ended')).toEqual([]);

    const ended = live.next('busy-ended');
    expect((await onA.post(`/api/staff/departments/${fund.id}/visits/${visitId}/finish`)).status).toBe(204);
    expect(await ended).toEqual({ type: 'busy-ended', departmentId: fund.id });
    live.close();
  });

  it('says so at once when that conversation is already over, and only to a signed-in clerk', async () => {
    const { fund, onB } = await twoOffices();
    const live = await onB.live();
    const ended = live.next('busy-ended');
    live.send({ type: 'watch-busy', departmentId: fund.id });
    expect(await ended).toEqual({ type: 'busy-ended', departmentId: fund.id });
    live.close();

    const stranger = await client(b).live();
    const refused = stranger.next('error');
    stranger.send({ type: 'watch-busy', departmentId: fund.id });
    expect((await refused).code).toBe('unauthorized');
    stranger.close();
  });
});
