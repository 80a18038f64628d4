import { getTableName, isTable } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import * as schema from '../db/schema.js';
import type { MountedRoute } from './routes.js';
import { makeClosure, makeDepartment, makeService, makeStaff, makeTenant } from './factories.js';

/**
 * What the attack tests of the admin routes (features/staff/admin-routes.test.ts,
 * admin-input.test.ts) send to each route, and how they fill its parameters.
 */

export type Scope = 'installation' | 'tenant' | 'department';

/** A body that would do something if the guard let it through; every admin route must be here. */
export const BODIES: Record<string, unknown | ((target: Target) => unknown)> = {
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
    startsOn: '2027-03-02',
    endsOn: '2027-03-02',
    reason: 'Übernommen',
  },
  'DELETE /api/admin/tenants/:tenant/departments/:department/availability/:staffId/absences/:absenceId': undefined,
  'GET /api/admin/tenants/:tenant/departments/:department/booking-rules': undefined,
  'PUT /api/admin/tenants/:tenant/departments/:department/booking-rules': {
    horizonDays: 45,
    leadMinutes: 30,
    sameDayReleaseTime: null,
    joinOpensMinutesBefore: 10,
    noShowGraceMinutes: 10,
    maxPersonsPerBooking: 6,
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
  'PUT /api/admin/tenants/:tenant/departments/:department/services/order': (target: Target) => ({
    ids: [target.serviceId],
  }),
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
  'GET /api/admin/tenants/:tenant/departments/:department/devices': undefined,
  'POST /api/admin/tenants/:tenant/departments/:department/devices': { kind: 'display', label: 'Übernommen' },
  'POST /api/admin/tenants/:tenant/departments/:department/devices/:deviceId/pairing': {},
  'POST /api/admin/tenants/:tenant/departments/:department/devices/:deviceId/revoke': {},
};

/** What to send to `route` when its parameters are `target`'s. */
export function bodyFor(route: MountedRoute, target: Target): unknown {
  const body = BODIES[`${route.method} ${route.path}`];
  return typeof body === 'function' ? (body as (target: Target) => unknown)(target) : body;
}

/** Query strings the routes need to answer at all. */
export const QUERIES: Record<string, string> = {
  'GET /api/admin/tenants/:tenant/departments/:department/availability/week': '?from=2026-12-07',
};

export function scopeOf(path: string): Scope {
  if (path.startsWith('/api/admin/installation/')) return 'installation';
  if (path.startsWith('/api/admin/tenants/:tenant/departments/:department')) return 'department';
  if (path.startsWith('/api/admin/tenants/:tenant')) return 'tenant';
  throw new Error(`admin route outside the known trees: ${path}`);
}

/** The ids a route's parameters take: those of one municipality and one of its departments. */
export interface Target {
  tenant: string;
  tenantId: string;
  department: string;
  staffId: string;
  serviceId: string;
  /** A closure of the department (department routes) and one of the whole municipality. */
  departmentClosureId: string;
  tenantClosureId: string;
  absenceId: string;
  /** A call display of the department (issue 16). */
  deviceId: string;
}

export function fill(route: MountedRoute, target: Target): string {
  const closure = scopeOf(route.path) === 'department' ? target.departmentClosureId : target.tenantClosureId;
  const values: Record<string, string> = {
    tenant: target.tenant,
    tenantId: target.tenantId,
    department: target.department,
    staffId: target.staffId,
    serviceId: target.serviceId,
    closureId: closure,
    absenceId: target.absenceId,
    deviceId: target.deviceId,
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
export async function snapshot(db: Db): Promise<Record<string, string[]>> {
  const skip = new Set(['rate_limit_counters', 'staff_sessions', 'console_presence']);
  const result: Record<string, string[]> = {};
  for (const table of Object.values(schema)) {
    if (!isTable(table)) continue;
    const name = getTableName(table);
    if (skip.has(name)) continue;
    const rows = await db.select().from(table as PgTable);
    // The mail worker sends in the background: a mail counts by its being there, not its state.
    const kept = table === schema.mailOutbox ? rows.map(({ id, kind, to }) => ({ id, kind, to })) : rows;
    result[name] = kept.map((row) => JSON.stringify(row)).sort();
  }
  return result;
}

/** A municipality with two departments, a clerk in each, a service, closures and an absence. */
export async function makeMunicipality(db: Db) {
  const tenant = await makeTenant(db);
  const tenantClosure = await makeClosure(db, {
    tenantId: tenant.id,
    startsOn: '2026-12-24',
    endsOn: '2026-12-24',
  });
  return {
    tenant,
    a: await makeTarget(db, tenant, tenantClosure.id),
    b: await makeTarget(db, tenant, tenantClosure.id),
  };
}

/** A department of `tenant` with a clerk, a service, a closure and an absence of the clerk. */
export async function makeTarget(
  db: Db,
  tenant: { id: string; slug: string },
  tenantClosureId: string,
): Promise<Target> {
  const row = await makeDepartment(db, tenant.id);
  const clerk = await makeStaff(db, tenant.id, { memberships: [{ departmentId: row.id, role: 'clerk' }] });
  const service = await makeService(db, row.id);
  const closure = await makeClosure(db, {
    tenantId: tenant.id,
    departmentId: row.id,
    startsOn: '2026-12-27',
    endsOn: '2026-12-27',
  });
  const [absence] = await db
    .insert(schema.staffAbsences)
    .values({
      staffId: clerk.id,
      startsAt: new Date('2026-12-28T08:00:00Z'),
      endsAt: new Date('2026-12-28T12:00:00Z'),
    })
    .returning();
  const [device] = await db
    .insert(schema.devices)
    .values({ tenantId: tenant.id, departmentId: row.id, kind: 'display', label: 'Anzeige Flur' })
    .returning();
  return {
    tenant: tenant.slug,
    tenantId: tenant.id,
    department: row.slug,
    staffId: clerk.id,
    serviceId: service.id,
    departmentClosureId: closure.id,
    tenantClosureId,
    absenceId: absence!.id,
    deviceId: device!.id,
  };
}
