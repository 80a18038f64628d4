import {
  DepartmentResponseSchema,
  InstallationResponseSchema,
  ProblemSchema,
  TenantResponseSchema,
} from '@amtsraum/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departments } from '../../db/schema.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { makeClosure, makeDepartment, makeService, makeTenant, OFFICE_HOURS } from '../../test/factories.js';
import { doorStatus } from './directory.service.js';
import { startTestServer, type TestServer } from '../../test/server.js';

// Monday 23 November 2026, 10:00 in Berlin.
const NOW = new Date('2026-11-23T09:00:00Z');

describe.each(databaseKinds)('directory API on %s', (kind) => {
  let server: TestServer;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase(kind), { now: () => NOW });
  });
  afterAll(() => server.stop());

  it('lists the municipalities of the installation', async () => {
    const db = server.database.db;
    const a = await makeTenant(db, { name: 'Stadt A' });
    const b = await makeTenant(db, { name: 'Gemeinde B' });
    const body = InstallationResponseSchema.parse(await (await get('/api/tenants')).json());
    expect(body.tenants.map((t) => t.slug)).toEqual(expect.arrayContaining([a.slug, b.slug]));
  });

  it('shows a tenant with its departments and whether each is open by its hours', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const open = await makeDepartment(db, tenant.id, { sortOrder: 1 });
    const closedToday = await makeDepartment(db, tenant.id, { sortOrder: 2 });
    await makeClosure(db, {
      tenantId: tenant.id,
      departmentId: closedToday.id,
      startsOn: '2026-11-23',
      endsOn: '2026-11-23',
    });
    await makeDepartment(db, (await makeTenant(db)).id); // another tenant's department stays out

    const response = await get(`/api/tenants/${tenant.slug}`);
    expect(response.status).toBe(200);
    const body = TenantResponseSchema.parse(await response.json());
    expect(body.departments.map((d) => d.slug)).toEqual([open.slug, closedToday.slug]);
    expect(body.departments[0]!.door).toEqual({
      state: 'open',
      openByHours: true,
      closesAt: '2026-11-23T11:00:00.000Z',
      nextOpening: null,
      unattended: false,
    });
    expect(body.departments[1]!.door).toEqual({
      state: 'closed',
      openByHours: false,
      closesAt: null,
      nextOpening: '2026-11-24T07:00:00.000Z',
      unattended: false,
    });
  });

  it('lets a tenant-wide holiday close every department', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    await makeDepartment(db, tenant.id);
    await makeClosure(db, {
      tenantId: tenant.id,
      startsOn: '2026-11-23',
      endsOn: '2026-11-24',
      reason: { de: 'Feiertag' },
    });
    const body = TenantResponseSchema.parse(await (await get(`/api/tenants/${tenant.slug}`)).json());
    expect(body.departments[0]!.door.state).toBe('closed');
    expect(body.departments[0]!.door.nextOpening).toBe('2026-11-25T07:00:00.000Z');
  });

  it('shows a department with hours, closures, contact and services with documents', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id, { contact: { phone: '+49 1', email: 'amt@test.example' } });
    await makeService(db, department.id, {
      slug: 'ausweis',
      name: { de: 'Ausweis', en: 'ID card' },
      documents: [{ de: 'Passfoto', en: 'Passport photo' }],
      durationMinutes: 15,
      extraMinutesPerPerson: 10,
      knockable: false,
    });
    await makeClosure(db, {
      tenantId: tenant.id,
      departmentId: department.id,
      startsOn: '2026-12-24',
      endsOn: '2026-12-26',
    });
    await makeClosure(db, {
      tenantId: tenant.id,
      departmentId: department.id,
      startsOn: '2026-01-01',
      endsOn: '2026-01-01',
    }); // past

    const body = DepartmentResponseSchema.parse(
      await (await get(`/api/tenants/${tenant.slug}/departments/${department.slug}`)).json(),
    );
    expect(body.tenant.slug).toBe(tenant.slug);
    expect(body.department.contact).toEqual({ phone: '+49 1', email: 'amt@test.example' });
    expect(body.department.openingHours.tue).toHaveLength(2);
    expect(body.department.closures).toEqual([{ from: '2026-12-24', to: '2026-12-26', reason: null }]);
    expect(body.department.services).toEqual([
      {
        slug: 'ausweis',
        name: { de: 'Ausweis', en: 'ID card' },
        description: null,
        durationMinutes: 15,
        extraMinutesPerPerson: 10,
        documents: [{ de: 'Passfoto', en: 'Passport photo' }],
        bookable: true,
        knockable: false,
        onlineUrl: null,
        maxPersons: null,
        channels: 'video',
      },
    ]);
  });

  it('tells per service whether it is given by video, on site or both, and where on site (issue 16)', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const place = { de: 'Rathaus, Raum 12', en: 'Town hall, room 12' };
    const department = await makeDepartment(db, tenant.id, { onsiteLocation: place });
    await makeService(db, department.id, { slug: 'a-video', sortOrder: 1 });
    await makeService(db, department.id, { slug: 'b-vor-ort', sortOrder: 2, channels: 'onsite' });
    await makeService(db, department.id, { slug: 'c-beides', sortOrder: 3, channels: 'both' });
    const videoOnly = await makeDepartment(db, tenant.id);

    const body = DepartmentResponseSchema.parse(
      await (await get(`/api/tenants/${tenant.slug}/departments/${department.slug}`)).json(),
    );
    expect(body.department.services.map((s) => [s.slug, s.channels])).toEqual([
      ['a-video', 'video'],
      ['b-vor-ort', 'onsite'],
      ['c-beides', 'both'],
    ]);
    expect(body.department.onsiteLocation).toEqual(place);
    const plain = DepartmentResponseSchema.parse(
      await (await get(`/api/tenants/${tenant.slug}/departments/${videoOnly.slug}`)).json(),
    );
    expect(plain.department.onsiteLocation).toBeNull();
  });

  it('tells how the name stands in a sentence, as the municipality wrote it (issue 13: "Zurück zu Bürgeramt")', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const nameForms = { de: { at: 'beim Bürgeramt', to: 'zum Bürgeramt' } };
    const withForms = await makeDepartment(db, tenant.id, { nameForms });
    const without = await makeDepartment(db, tenant.id);
    const page = DepartmentResponseSchema.parse(
      await (await get(`/api/tenants/${tenant.slug}/departments/${withForms.slug}`)).json(),
    );
    expect(page.department.nameForms).toEqual(nameForms);
    const list = TenantResponseSchema.parse(await (await get(`/api/tenants/${tenant.slug}`)).json());
    expect(list.departments.find((d) => d.slug === without.slug)?.nameForms).toEqual({});
  });

  it("applies the clerks' door setting for the day over the opening hours", async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id);
    const url = `/api/tenants/${tenant.slug}/departments/${department.slug}`;
    await db
      .update(departments)
      .set({ doorOverride: 'paused', doorOverrideAt: NOW })
      .where(eq(departments.id, department.id));
    const body = DepartmentResponseSchema.parse(await (await get(url)).json());
    expect(body.department.door.state).toBe('paused');
    expect(body.department.door.openByHours).toBe(true);
    // A setting from yesterday no longer holds: the hours rule again.
    const yesterday = new Date(NOW.getTime() - 24 * 3600_000);
    await db.update(departments).set({ doorOverrideAt: yesterday }).where(eq(departments.id, department.id));
    expect(DepartmentResponseSchema.parse(await (await get(url)).json()).department.door.state).toBe('open');
  });

  it('answers unknown tenants and departments with a 404 problem in the requested language', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const other = await makeTenant(db);
    const othersDepartment = await makeDepartment(db, other.id);

    const unknownTenant = await get('/api/tenants/gibt-es-nicht');
    expect(unknownTenant.status).toBe(404);
    expect(unknownTenant.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(ProblemSchema.parse(await unknownTenant.json())).toMatchObject({
      code: 'tenant_not_found',
      status: 404,
      title: 'Diese Kommune gibt es hier nicht.',
    });

    // Another tenant's department is not reachable under this tenant's slug.
    const foreign = await get(`/api/tenants/${tenant.slug}/departments/${othersDepartment.slug}`, {
      'Accept-Language': 'en-GB,en;q=0.9',
    });
    expect(foreign.status).toBe(404);
    expect(ProblemSchema.parse(await foreign.json())).toMatchObject({
      code: 'department_not_found',
      title: 'This department does not exist here.',
    });
  });

  it("says the municipality is unknown, not the department, on a department's citizen routes", async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id);
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'en' },
        body: JSON.stringify(body),
      });
    const name = { name: 'Alex', language: 'de', consent: true };
    const booking = { ...name, services: ['pass'], persons: 1, startsAt: NOW.toISOString(), email: 'a@example.org' };
    const routes = (base: string) => [
      get(base),
      get(`${base}/door`),
      get(`${base}/booking`),
      get(`${base}/slots?services=pass`),
      post(`${base}/knock`, { ...name, concern: 'Ausweis' }),
      post(`${base}/appointments`, booking),
    ];
    const codes = async (base: string) =>
      Promise.all(
        routes(base).map(async (answer) => {
          const response = await answer;
          return `${response.status} ${ProblemSchema.parse(await response.json()).code}`;
        }),
      );

    for (const base of [
      `/api/tenants/gibt-es-nicht/departments/${department.slug}`,
      '/api/tenants/gibt-es-nicht/departments/auch-nicht',
    ]) {
      expect([base, await codes(base)]).toEqual([base, Array(6).fill('404 tenant_not_found')]);
    }
    const missing = `/api/tenants/${tenant.slug}/departments/gibt-es-nicht`;
    expect([missing, await codes(missing)]).toEqual([missing, Array(6).fill('404 department_not_found')]);
    const english = await get(`/api/tenants/gibt-es-nicht/departments/${department.slug}/door`, {
      'accept-language': 'en',
    });
    expect(ProblemSchema.parse(await english.json()).title).toBe('This municipality does not exist here.');
  });
});

describe('doorStatus', () => {
  it("gives the next day's opening when a clerk closes the door for today before opening time", () => {
    const early = new Date('2026-11-23T05:00:00Z'); // Monday 06:00 in Berlin; the hours open at 08:00
    const department = {
      openingHours: OFFICE_HOURS,
      doorOverride: 'closed',
      doorOverrideAt: early,
    } as unknown as Parameters<typeof doorStatus>[0];
    expect(doorStatus(department, [], 'Europe/Berlin', early)).toMatchObject({
      state: 'closed',
      nextOpening: '2026-11-24T07:00:00.000Z', // Tuesday 08:00, not today 08:00
    });
  });
});
