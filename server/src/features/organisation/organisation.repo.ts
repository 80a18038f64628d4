import { and, asc, eq, gt, isNull, max, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appointments, closures, departments, services, staffMemberships, tenants, visits } from '../../db/schema.js';
import type { ClosureRow, DepartmentRow } from '../directory/directory.repo.js';
import { stateIn, WAITING } from '../visits/visit-states.js';
import { closureScope } from './write-organisation.js';

/** Queries of the municipality and department administration; the tenant is in every `where`. */

/** Every department of the tenant, archived ones last. */
export async function listTenantDepartments(db: Db, tenantId: string): Promise<DepartmentRow[]> {
  return db
    .select()
    .from(departments)
    .where(eq(departments.tenantId, tenantId))
    .orderBy(asc(departments.archivedAt), asc(departments.sortOrder), asc(departments.slug));
}

/** The ids of the tenant's departments still offered (those whose pages a change reaches). */
export async function liveDepartmentIds(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db
    .select({ id: departments.id })
    .from(departments)
    .where(and(eq(departments.tenantId, tenantId), isNull(departments.archivedAt)));
  return rows.map((row) => row.id);
}

export async function nextSortOrder(db: Db, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ n: max(departments.sortOrder) })
    .from(departments)
    .where(eq(departments.tenantId, tenantId));
  return (row?.n ?? -1) + 1;
}

/**
 * Marks a live department archived (its settings go through write-organisation.ts; archiving has
 * its own rules in departments.service.ts); undefined when it is archived already.
 */
export async function markDepartmentArchived(
  db: Db,
  tenantId: string,
  departmentId: string,
  at: Date,
): Promise<DepartmentRow | undefined> {
  const [row] = await db
    .update(departments)
    .set({ archivedAt: at })
    .where(and(eq(departments.id, departmentId), eq(departments.tenantId, tenantId), isNull(departments.archivedAt)))
    .returning();
  return row;
}

/** Locks the department row until the transaction ends: one archive (or change) at a time. */
export async function lockDepartment(db: Db, departmentId: string): Promise<DepartmentRow | undefined> {
  const [row] = await db.select().from(departments).where(eq(departments.id, departmentId)).for('update');
  return row;
}

/** The staff who work in the department, whatever their role. */
export async function memberStaffIds(db: Db, departmentId: string): Promise<string[]> {
  const rows = await db
    .select({ staffId: staffMemberships.staffId })
    .from(staffMemberships)
    .where(eq(staffMemberships.departmentId, departmentId));
  return rows.map((row) => row.staffId);
}

/** Everyone who works in one of the tenant's departments that are not archived, each once. */
export async function tenantMemberStaffIds(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ staffId: staffMemberships.staffId })
    .from(staffMemberships)
    .innerJoin(departments, eq(departments.id, staffMemberships.departmentId))
    .where(and(eq(departments.tenantId, tenantId), isNull(departments.archivedAt)));
  return rows.map((row) => row.staffId);
}

export async function waitingVisitIds(db: Db, departmentId: string): Promise<string[]> {
  const rows = await db
    .select({ id: visits.id })
    .from(visits)
    .where(and(eq(visits.departmentId, departmentId), stateIn(WAITING)))
    .orderBy(asc(visits.createdAt));
  return rows.map((row) => row.id);
}

/** Booked appointments not yet over: what archiving the department would cancel. */
export async function openAppointments(db: Db, departmentId: string, now: Date) {
  return db
    .select({ id: appointments.id, startsAt: appointments.startsAt })
    .from(appointments)
    .where(
      and(eq(appointments.departmentId, departmentId), eq(appointments.state, 'booked'), gt(appointments.endsAt, now)),
    )
    .orderBy(asc(appointments.startsAt));
}

export async function listScopedClosures(db: Db, tenantId: string, departmentId: string | null): Promise<ClosureRow[]> {
  return db
    .select()
    .from(closures)
    .where(closureScope(tenantId, departmentId))
    .orderBy(asc(closures.startsOn), asc(closures.endsOn));
}

export async function deleteScopedClosure(
  db: Db,
  tenantId: string,
  departmentId: string | null,
  closureId: string,
): Promise<ClosureRow | undefined> {
  const [row] = await db
    .delete(closures)
    .where(and(eq(closures.id, closureId), closureScope(tenantId, departmentId)))
    .returning();
  return row;
}

/** Locks the tenant row until the transaction ends (two prefills at once add each holiday once). */
export async function lockTenant(db: Db, tenantId: string): Promise<void> {
  await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
}

/** The department's services (archived ones too: restoring one must not bring back a dangling on-site offer) that offer on site. */
export async function countOnsiteServices(db: Db, departmentId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(services)
    .where(and(eq(services.departmentId, departmentId), ne(services.channels, 'video')));
  return row?.n ?? 0;
}
