import * as schema from '../../db/schema.js';
import { getTableName, isTable } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import type { Db } from '../../db/client.js';
import { databaseKinds } from '../../test/databases.js';
import type { TestClient } from '../../test/client.js';
import {
  makeClosure,
  makeDepartment,
  makeService,
  makeStaff,
  makeTenant,
  signedInAdmin,
  signedInClerk,
} from '../../test/factories.js';
import { mountedRoutes, type MountedRoute } from '../../test/routes.js';
import { useTestServer } from '../../test/suite.js';

/**
 * Every admin route the app mounts (read from the app itself, so tomorrow's route is in here too),
 * attacked by everyone who must be refused (issue 15): nobody signed in, a clerk, a department
 * admin on another department, a municipality admin on another municipality, a municipality admin
 * on the installation's routes, and admins reaching with their own path for another's ids. Each
 * refusal changes nothing: the whole database reads the same afterwards.
 */

type Scope = 'installation' | 'tenant' | 'department';

/** A body that would do something if the guard let it through; every admin route must be here. */
const BODIES: Record<string, unknown> = {
  'GET /api/admin/installation/tenants': undefined,
  'POST /api/admin/installation/tenants': {
    slug: 'uebernahme',
    name: 'Übernahme',
    timeZone: 'Europe/Berlin',
    stateCode: 'BY',
    defaultLocale: 'de',
    admin: { name: 'Eindringling', email: 'eindringling@test.example' },
  },
  'POST /api/admin/installation/tenants/:tenantId/archive': {},
  'POST /api/admin/installation/tenants/:tenantId/unarchive': {},
  'GET /api/admin/tenants/:tenant': undefined,
  'PATCH /api/admin/tenants/:tenant': { name: 'Übernommen' },
  'GET /api/admin/tenants/:tenant/audit': undefined,
  'GET /api/admin/tenants/:tenant/audit.csv': undefined,
  'GET /api/admin/tenants/:tenant/closures': undefined,
  'POST /api/admin/tenants/:tenant/closures': { from: '2026-12-01', to: '2026-12-01', reason: null },
  'DELETE /api/admin/tenants/:tenant/closures/:closureId': undefined,
  'POST /api/admin/tenants/:tenant/closures/holidays': { year: 2026 },
  'GET /api/admin/tenants/:tenant/departments': undefined,
  'POST /api/admin/tenants/:tenant/departments': { slug: 'neu', name: { de: 'Neu' }, description: { de: 'Neu' } },
  'GET /api/admin/tenants/:tenant/export': undefined,
  'GET /api/admin/tenants/:tenant/identity-provider': undefined,
  'PUT /api/admin/tenants/:tenant/identity-provider': {
    issuer: 'https://idp.test.example',
    clientId: 'amtsraum',
    clientSecret: 'geheim',
    label: { de: 'Anmelden' },
  },
  'DELETE /api/admin/tenants/:tenant/identity-provider': undefined,
  'GET /api/admin/tenants/:tenant/staff': undefined,
  'POST /api/admin/tenants/:tenant/staff': {
    name: 'Neue Person',
    email: 'neu@test.example',
    languages: ['de'],
    isTenantAdmin: true,
    roles: [],
  },
  'PATCH /api/admin/tenants/:tenant/staff/:staffId': { name: 'Umbenannt', isTenantAdmin: true },
  'POST /api/admin/tenants/:tenant/staff/:staffId/deactivate': {},
  'POST /api/admin/tenants/:tenant/staff/:staffId/reactivate': {},
  'POST /api/admin/tenants/:tenant/staff/:staffId/invitation': {},
  'POST /api/admin/tenants/:tenant/staff/:staffId/second-factor/reset': {},
  'GET /api/admin/tenants/:tenant/texts': undefined,
  'PUT /api/admin/tenants/:tenant/texts/:kind': { text: { de: 'Übernommen' } },
  'DELETE /api/admin/tenants/:tenant/texts/:kind': undefined,
  'GET /api/admin/tenants/:tenant/departments/:department': undefined,
  'PATCH /api/admin/tenants/:tenant/departments/:department': { queueCap: 3 },
  'GET /api/admin/tenants/:tenant/departments/:department/archive-preview': undefined,
  'POST /api/admin/tenants/:tenant/departments/:department/archive': { confirmAffected: 0 },
  'GET /api/admin/tenants/:tenant/departments/:department/audit': undefined,
  'GET /api/admin/tenants/:tenant/departments/:department/audit.csv': undefined,
  'GET /api/admin/tenants/:tenant/departments/:department/availability': undefined,
  'GET /api/admin/tenants/:tenant/departments/:department/availability/week': undefined,
  'PUT /api/admin/tenants/:tenant/departments/:department/availability/:staffId': {
    ranges: [{ weekday: 3, startsAt: '13:00', endsAt: '16:00' }],
  },
  'POST /api/admin/tenants/:tenant/departments/:department/availability/:staffId/absences': {
    startsOn: '2026-11-24',
    endsOn: '2026-11-24',
    reason: 'Übernommen',
  },
  'DELETE /api/admin/tenants/:tenant/departments/:department/availability/:staffId/absences/:absenceId': undefined,
  'GET /api/admin/tenants/:tenant/departments/:department/booking-rules': undefined,
  'PUT /api/admin/tenants/:tenant/departments/:department/booking-rules': {
    horizonDays: 45,
    leadMinutes: 30,
    sameDayReleaseTime: null,
    clerksManageAbsences: true,
  },
  'GET /api/admin/tenants/:tenant/departments/:department/closures': undefined,
  'POST /api/admin/tenants/:tenant/departments/:department/closures': {
    from: '2026-12-01',
    to: '2026-12-01',
    reason: null,
  },
  'DELETE /api/admin/tenants/:tenant/departments/:department/closures/:closureId': undefined,
  'GET /api/admin/tenants/:tenant/departments/:department/services': undefined,
  'POST /api/admin/tenants/:tenant/departments/:department/services': {
    slug: 'uebernahme',
    name: { de: 'Übernahme' },
    description: null,
    durationMinutes: 20,
    extraMinutesPerPerson: 0,
    documents: [],
    bookable: true,
    knockable: true,
    maxPersons: 1,
    keywords: {},
    onlineUrl: null,
  },
  'PUT /api/admin/tenants/:tenant/departments/:department/services/order': { ids: [] },
  'PUT /api/admin/tenants/:tenant/departments/:department/services/:serviceId': {
    name: { de: 'Übernommen' },
    description: null,
    durationMinutes: 20,
    extraMinutesPerPerson: 0,
    documents: [],
    bookable: false,
    knockable: true,
    maxPersons: 1,
    keywords: {},
    onlineUrl: null,
  },
  'POST /api/admin/tenants/:tenant/departments/:department/services/:serviceId/archive': {},
  'POST /api/admin/tenants/:tenant/departments/:department/services/:serviceId/restore': {},
};

/** Query strings the routes need to answer at all. */
const QUERIES: Record<string, string> = {
  'GET /api/admin/tenants/:tenant/departments/:department/availability/week': '?from=2026-12-07',
};

function scopeOf(path: string): Scope {
  if (path.startsWith('/api/admin/installation/')) return 'installation';
  if (path.startsWith('/api/admin/tenants/:tenant/departments/:department')) return 'department';
  if (path.startsWith('/api/admin/tenants/:tenant')) return 'tenant';
  throw new Error(`admin route outside the known trees: ${path}`);
}

/** The ids a route's parameters take: those of one municipality and one of its departments. */
interface Target {
  tenant: string;
  tenantId: string;
  department: string;
  staffId: string;
  serviceId: string;
  /** A closure of the department (department routes) and one of the whole municipality. */
  departmentClosureId: string;
  tenantClosureId: string;
  absenceId: string;
}

function fill(route: MountedRoute, target: Target): string {
  const closure = scopeOf(route.path) === 'department' ? target.departmentClosureId : target.tenantClosureId;
  const values: Record<string, string> = {
    tenant: target.tenant,
    tenantId: target.tenantId,
    department: target.department,
    staffId: target.staffId,
    serviceId: target.serviceId,
    closureId: closure,
    absenceId: target.absenceId,
    kind: 'imprint',
  };
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = values[name];
    if (!value) throw new Error(`no value for :${name} in ${route.path}`);
    return value;
  });
  return `${path}${QUERIES[`${route.method} ${route.path}`] ?? ''}`;
}

/** Every row of every table but the counters and sessions a request itself may touch. */
async function snapshot(db: Db): Promise<Record<string, string[]>> {
  const skip = new Set(['rate_limit_counters', 'staff_sessions', 'console_presence']);
  const result: Record<string, string[]> = {};
  for (const table of Object.values(schema)) {
    if (!isTable(table)) continue;
    const name = getTableName(table);
    if (skip.has(name)) continue;
    const rows = await db.select().from(table as PgTable);
    result[name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return result;
}

describe.each(databaseKinds)('every admin route refuses whom it must on %s', (kind) => {
  const suite = useTestServer(kind);
  const { client, db } = suite;

  function adminRoutes(): MountedRoute[] {
    return mountedRoutes(createApp(suite.server.deps)).filter((route) => route.path.startsWith('/api/admin'));
  }

  /** A municipality with two departments, a clerk in each, a service, closures and an absence. */
  async function municipality() {
    const tenant = await makeTenant(db());
    const tenantClosure = await makeClosure(db(), {
      tenantId: tenant.id,
      startsOn: '2026-12-24',
      endsOn: '2026-12-24',
    });
    const department = async (): Promise<Target> => {
      const row = await makeDepartment(db(), tenant.id);
      const clerk = await makeStaff(db(), tenant.id, { memberships: [{ departmentId: row.id, role: 'clerk' }] });
      const service = await makeService(db(), row.id);
      const closure = await makeClosure(db(), {
        tenantId: tenant.id,
        departmentId: row.id,
        startsOn: '2026-12-27',
        endsOn: '2026-12-27',
      });
      const [absence] = await db()
        .insert(schema.staffAbsences)
        .values({
          staffId: clerk.id,
          startsAt: new Date('2026-12-28T08:00:00Z'),
          endsAt: new Date('2026-12-28T12:00:00Z'),
        })
        .returning();
      return {
        tenant: tenant.slug,
        tenantId: tenant.id,
        department: row.slug,
        staffId: clerk.id,
        serviceId: service.id,
        departmentClosureId: closure.id,
        tenantClosureId: tenantClosure.id,
        absenceId: absence!.id,
      };
    };
    return { tenant, a: await department(), b: await department() };
  }

  /** Sends every route with its body; expects each answer to be one of `statuses`; nothing may change. */
  async function expectRefused(
    who: string,
    browser: TestClient,
    requests: { route: MountedRoute; path: string }[],
    statuses: number[],
  ) {
    const before = await snapshot(db());
    const answers = [];
    for (const { route, path } of requests) {
      const response = await browser.request(route.method, path, BODIES[`${route.method} ${route.path}`]);
      answers.push({
        who,
        route: `${route.method} ${route.path}`,
        refused: statuses.includes(response.status) || { status: response.status, body: response.json },
      });
    }
    expect(answers.filter((answer) => answer.refused !== true)).toEqual([]);
    expect(await snapshot(db())).toEqual(before);
  }

  it('knows what to send to every mounted admin route, and each lies in one tree', () => {
    const routes = adminRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const unknown = routes.map((route) => `${route.method} ${route.path}`).filter((key) => !(key in BODIES));
    expect(unknown, 'admin routes this test does not know yet: add them to BODIES').toEqual([]);
    for (const route of routes) expect(['installation', 'tenant', 'department']).toContain(scopeOf(route.path));
  });

  it('refuses nobody signed in (401) and a clerk (403) on every admin route', async () => {
    const routes = adminRoutes();
    const x = await municipality();
    const on = (target: Target) => routes.map((route) => ({ route, path: fill(route, target) }));
    await expectRefused('nobody', client(), on(x.a), [401]);
    // A clerk of department A, second factor proved: the role decides, not the session.
    const { browser } = await signedInAdmin(db(), client(), x.tenant.id, {
      memberships: [{ departmentId: (await departmentId(x.a)).id, role: 'clerk' }],
    });
    await expectRefused('clerk with second factor', browser, on(x.a), [403]);
    const clerk = await signedInClerk(db(), client(), x.tenant.id, [(await departmentId(x.a)).id]);
    await expectRefused('clerk', clerk.browser, on(x.a), [403]);
  });

  it('keeps a department admin to their department: not another, not the municipality, not the installation', async () => {
    const routes = adminRoutes();
    const x = await municipality();
    const { browser } = await signedInAdmin(db(), client(), x.tenant.id, {
      memberships: [
        { departmentId: (await departmentId(x.a)).id, role: 'admin' },
        { departmentId: (await departmentId(x.b)).id, role: 'clerk' },
      ],
    });
    const own = routes.filter((route) => scopeOf(route.path) === 'department');
    // Their own department lets them in (so the refusals below are the guard's doing, not a typo).
    for (const route of own.filter((r) => r.method === 'GET')) {
      expect({ route: route.path, status: (await browser.get(fill(route, x.a))).status }).toEqual({
        route: route.path,
        status: 200,
      });
    }
    await expectRefused(
      'department admin of A on B and above',
      browser,
      routes.map((route) => ({ route, path: fill(route, x.b) })),
      [403, 404],
    );
    // Their own department's path with B's clerk, service, closure and absence.
    const crossed = own
      .filter((route) => /:(staffId|serviceId|closureId|absenceId)/.test(route.path))
      .map((route) => ({ route, path: fill(route, { ...x.b, tenant: x.a.tenant, department: x.a.department }) }));
    expect(crossed.length).toBeGreaterThan(5);
    await expectRefused("department admin of A with B's ids", browser, crossed, [403, 404]);
  });

  it('keeps a municipality admin to their municipality, and off the installation routes', async () => {
    const routes = adminRoutes();
    const x = await municipality();
    const y = await municipality();
    const { browser } = await signedInAdmin(db(), client(), x.tenant.id, { values: { isTenantAdmin: true } });
    for (const route of routes.filter((r) => r.method === 'GET' && scopeOf(r.path) !== 'installation')) {
      expect({ route: route.path, status: (await browser.get(fill(route, x.a))).status }).toEqual({
        route: route.path,
        status: 200,
      });
    }
    await expectRefused(
      'municipality admin of X on Y and the installation',
      browser,
      routes.map((route) => ({ route, path: fill(route, y.a) })),
      [403, 404],
    );
    // Their own municipality's paths with Y's staff, services, closures and absences.
    const crossed = routes
      .filter((route) => scopeOf(route.path) !== 'installation')
      .filter((route) => /:(staffId|serviceId|closureId|absenceId)/.test(route.path))
      .map((route) => ({ route, path: fill(route, { ...y.a, tenant: x.a.tenant, department: x.a.department }) }));
    expect(crossed.length).toBeGreaterThan(10);
    await expectRefused("municipality admin of X with Y's ids", browser, crossed, [403, 404]);
  });

  /** The department row of a target (the factories return slugs in Target). */
  async function departmentId(target: Target) {
    const rows = await db().select().from(schema.departments);
    return rows.find((row) => row.slug === target.department && row.tenantId === target.tenantId)!;
  }
});
