import { DepartmentResponseSchema, SlotsResponseSchema, type ServerMessage } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/client.js';
import { TestClient } from '../test/client.js';
import { bookingRequest, makeBookingOffice } from '../test/booking-factories.js';
import { createPostgresDatabase, databaseKinds } from '../test/databases.js';
import {
  makeDepartment,
  makeStaff,
  makeTenant,
  OFFICE_HOURS,
  signedInAdmin,
  signedInClerk,
} from '../test/factories.js';
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

  it('tells a console on B that a citizen waiting on A lost the connection, and that they are back on B', async () => {
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id, {
      doorOverride: 'open',
      doorOverrideAt: new Date(),
    });
    const { browser: clerkOnB } = await signedInClerk(
      database.db,
      new TestClient(urlB, { 'x-forwarded-for': '10.3.2.1' }),
      tenant.id,
      [department.id],
    );
    const citizenOnA = new TestClient(urlA, { 'x-forwarded-for': '10.3.2.2' });
    const knock = await citizenOnA.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
      name: 'Wackelig',
      concern: 'Test',
      language: 'de',
      consent: true,
    });
    expect(knock.status).toBe(201);
    const watch = async (client: TestClient) => {
      const live = await client.live();
      const seen = live.next('visit');
      live.send({ type: 'watch-visit' });
      return { live, visitId: (await seen).visit!.id };
    };
    const onA = await watch(citizenOnA);
    const console = await clerkOnB.live();
    const first = console.next('console-connections');
    console.send({ type: 'watch-console', departmentId: department.id });
    expect((await first).lost).toEqual([]);

    // The citizen's socket on A closes: the console on B is told, a few seconds later.
    const lost = console.next('console-connections', (m) => m.lost.length > 0, 10_000);
    onA.live.close();
    expect((await lost).lost).toEqual([onA.visitId]);

    // The page reconnects, to B this time: connected again.
    const citizenOnB = new TestClient(urlB, { 'x-forwarded-for': '10.3.2.2' });
    for (const [name, value] of citizenOnA.cookies) citizenOnB.cookies.set(name, value);
    const back = console.next('console-connections', (m) => m.lost.length === 0);
    const onB = await watch(citizenOnB);
    expect(onB.visitId).toBe(onA.visitId);
    await back;
    console.close();
    onB.live.close();
  }, 30_000);

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

  it('opens a console on B that was refused when an admin on A gives the clerk the role', async () => {
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id);
    const clerk = await makeStaff(database.db, tenant.id, { memberships: [] });
    const { browser: adminOnA } = await signedInAdmin(
      database.db,
      new TestClient(urlA, { 'x-forwarded-for': '10.3.0.7' }),
      tenant.id,
      { values: { isTenantAdmin: true } },
    );
    const clerkOnB = new TestClient(urlB, { 'x-forwarded-for': '10.3.0.8' });
    expect((await clerkOnB.post('/api/staff/login', { email: clerk.email, password: clerk.password })).status).toBe(
      200,
    );
    const console = await clerkOnB.live();
    const refused = console.next('error');
    console.send({ type: 'watch-console', departmentId: department.id });
    expect((await refused).code).toBe('forbidden');

    const opened = console.next('console', (m) => m.snapshot.department.id === department.id);
    const given = await adminOnA.request('PATCH', `/api/admin/tenants/${tenant.slug}/staff/${clerk.id}`, {
      roles: [{ departmentId: department.id, role: 'clerk' }],
    });
    expect(given.status).toBe(200);
    await opened;
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
  it('tells a console on B of a booking, a move and a cancel on A, and the citizen waiting on A only of queue changes', async () => {
    // The hub decides from the event (`appointmentId`) that no visit changed: both processes must agree.
    const o = await makeBookingOffice(database.db, {
      department: { doorOverride: 'open', doorOverrideAt: new Date() },
    });
    const { browser: clerkOnB } = await signedInClerk(
      database.db,
      new TestClient(urlB, { 'x-forwarded-for': '10.3.1.1' }),
      o.tenant.id,
      [o.department.id],
    );
    const console = await clerkOnB.live();
    const onDuty = console.next('console', (m) => m.snapshot.door.clerksOnDuty === 1);
    console.send({ type: 'watch-console', departmentId: o.department.id });
    await onDuty;

    const [first, second] = [1, 2].map((n) => new TestClient(urlA, { 'x-forwarded-for': `10.3.1.${String(n + 1)}` }));
    const queued = console.next('console', (m) => m.snapshot.queue.length === 2);
    for (const [client, name] of [
      [first!, 'Erste'],
      [second!, 'Zweite'],
    ] as const) {
      const knock = await client.post(`${o.base}/knock`, { name, concern: 'Test', language: 'de', consent: true });
      expect(knock.status).toBe(201);
    }
    await queued;
    const waiting = await second!.live();
    const placed = waiting.next('visit');
    waiting.send({ type: 'watch-visit' });
    expect((await placed).visit?.position).toBe(2);
    const pong = waiting.next('pong');
    waiting.send({ type: 'ping' });
    await pong;
    const positions = () =>
      waiting.received.flatMap((m: ServerMessage) => (m.type === 'visit' ? [m.visit?.position ?? null] : []));
    const before = positions().length;

    const citizenOnA = new TestClient(urlA, { 'x-forwarded-for': '10.3.1.9' });
    const today = new Date().toISOString().slice(0, 10);
    const slots = SlotsResponseSchema.parse(
      (await citizenOnA.get(`${o.base}/slots?services=${o.services[0]!.slug}&from=${today}&days=7`)).json,
    ).days.flatMap((day) => day.slots.map((slot) => slot.startsAt));
    expect(slots.length).toBeGreaterThan(4);
    let told = console.next('console');
    const booked = await citizenOnA.post(`${o.base}/appointments`, bookingRequest(o, slots[0]!));
    expect(booked.status).toBe(201);
    const id = booked.json.appointment.id as string;
    await told;
    told = console.next('console');
    expect((await clerkOnB.post(`${o.console}/${id}/move`, { startsAt: slots[4]! })).status).toBe(200);
    await told;
    told = console.next('console');
    expect((await clerkOnB.post(`${o.console}/${id}/cancel`, {})).status).toBe(200);
    expect((await told).snapshot.queue).toHaveLength(2);

    // The first in line leaves on A: the second is told their new place, and was told nothing in between.
    const changed = console.next('console', (m) => m.snapshot.queue.length === 1);
    const movedUp = waiting.next('visit', (m) => m.visit?.position === 1);
    expect((await first!.post('/api/visit/leave')).status).toBe(200);
    await Promise.all([changed, movedUp]);
    expect(positions().slice(before)).toEqual([1]);
    console.close();
    waiting.close();
  });
});
