import { DepartmentResponseSchema } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/client.js';
import { TestClient } from '../test/client.js';
import { createPostgresDatabase, databaseKinds } from '../test/databases.js';
import { makeDepartment, makeStaff, makeTenant, OFFICE_HOURS, signedInAdmin } from '../test/factories.js';
import { killServers, spawnServer } from '../test/processes.js';
import { TEST_ORIGIN } from '../test/server.js';

// Two app processes on one real PostgreSQL: what a municipality runs behind a load balancer.
// Only meaningful with PostgreSQL (PGlite is one process by design), so it runs when CI sets
// TEST_DATABASE_URL.
describe.runIf(databaseKinds.includes('postgres'))('two server processes on one PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let database: Database;
  let urlA: string;
  let urlB: string;

  beforeAll(async () => {
    fresh = await createPostgresDatabase();
    database = await openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 2 });
    const env = {
      DATABASE_URL: fresh.url,
      PUBLIC_BASE_URL: TEST_ORIGIN,
      TRUST_PROXY: '1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
    };
    const [a, b] = [spawnServer(env), spawnServer(env)];
    [urlA, urlB] = await Promise.all([a.url(), b.url()]);
  }, 60_000);

  afterAll(async () => {
    await killServers();
    await database.close();
    await fresh.drop();
  });

  it('carries a knock on A to a clerk on B, and an admit on B to the citizen on A', async () => {
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id, {
      doorOverride: 'open',
      doorOverrideAt: new Date(),
    });
    const clerk = await makeStaff(database.db, tenant.id, {
      name: 'Prozess B',
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });

    const clerkOnB = new TestClient(urlB, { 'x-forwarded-for': '10.3.0.1' });
    expect((await clerkOnB.post('/api/staff/login', { email: clerk.email, password: clerk.password })).status).toBe(
      200,
    );
    const console = await clerkOnB.live();
    const ready = console.next('console');
    console.send({ type: 'watch-console', departmentId: department.id });
    expect((await ready).snapshot.queue).toEqual([]);

    // A → B: the knock arrives at process A; the clerk connected to B sees it.
    const citizenOnA = new TestClient(urlA, { 'x-forwarded-for': '10.3.0.2' });
    const seen = console.next('console', (m) => m.snapshot.queue.length === 1);
    const knock = await citizenOnA.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
      name: 'Über zwei Prozesse',
      concern: 'Test',
      language: 'de',
      consent: true,
    });
    expect(knock.status).toBe(201);
    expect((await seen).snapshot.queue[0]!.name).toBe('Über zwei Prozesse');

    // B → A: the admit happens on B; the citizen's page, connected to A, is called in.
    const waiting = await citizenOnA.live();
    const position = waiting.next('visit');
    waiting.send({ type: 'watch-visit' });
    expect((await position).visit?.position).toBe(1);
    const called = waiting.next('visit', (m) => m.visit?.state === 'admitted');
    expect((await clerkOnB.post(`/api/staff/departments/${department.id}/admit-next`)).status).toBe(200);
    expect((await called).visit?.admittedBy).toBe('Prozess B');

    console.close();
    waiting.close();
  });

  it('closes a console on B when an admin on A takes the clerk out of the department', async () => {
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id);
    const clerk = await makeStaff(database.db, tenant.id, {
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    const { browser: adminOnA } = await signedInAdmin(
      database.db,
      new TestClient(urlA, { 'x-forwarded-for': '10.3.0.3' }),
      tenant.id,
      { values: { isTenantAdmin: true } },
    );
    const clerkOnB = new TestClient(urlB, { 'x-forwarded-for': '10.3.0.4' });
    expect((await clerkOnB.post('/api/staff/login', { email: clerk.email, password: clerk.password })).status).toBe(
      200,
    );
    const console = await clerkOnB.live();
    const ready = console.next('console');
    console.send({ type: 'watch-console', departmentId: department.id });
    await ready;

    const closed = console.next('console-closed');
    const removed = await adminOnA.request('PATCH', `/api/admin/tenants/${tenant.slug}/staff/${clerk.id}`, {
      roles: [],
    });
    expect(removed.status).toBe(200);
    expect((await closed).departmentId).toBe(department.id);
    expect((await clerkOnB.get(`/api/staff/departments/${department.id}/console`)).status).toBe(403);
    console.close();
  });

  it('tells door pages on A and B the same new revision when an admin on B changes the hours', async () => {
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id);
    const { browser: admin } = await signedInAdmin(
      database.db,
      new TestClient(urlB, { 'x-forwarded-for': '10.3.0.3' }),
      tenant.id,
      {
        memberships: [{ departmentId: department.id, role: 'admin' }],
      },
    );
    const watch = async (url: string, address: string) => {
      const live = await new TestClient(url, { 'x-forwarded-for': address }).live();
      const first = live.next('door');
      live.send({ type: 'watch-door', tenant: tenant.slug, department: department.slug });
      return { live, revision: (await first).revision };
    };
    const [onA, onB] = [await watch(urlA, '10.3.0.4'), await watch(urlB, '10.3.0.5')];
    expect(onA.revision).toBeDefined();
    expect(onB.revision).toBe(onA.revision);

    const moved = [onA, onB].map(({ live }) => live.next('door', (m) => m.revision !== onA.revision));
    const path = `/api/admin/tenants/${tenant.slug}/departments/${department.slug}`;
    const saturday = [{ from: '09:00', to: '12:00' }];
    expect((await admin.request('PATCH', path, { openingHours: { ...OFFICE_HOURS, sat: saturday } })).status).toBe(200);
    const [onAMsg, onBMsg] = await Promise.all(moved);
    expect(onBMsg!.revision).toBe(onAMsg!.revision);
    const page = DepartmentResponseSchema.parse(
      (
        await new TestClient(urlA, { 'x-forwarded-for': '10.3.0.6' }).get(
          `/api/tenants/${tenant.slug}/departments/${department.slug}`,
        )
      ).json,
    );
    expect(page.revision).toBe(onAMsg!.revision);
    expect(page.department.openingHours.sat).toEqual(saturday);
    onA.live.close();
    onB.live.close();
  });
});
