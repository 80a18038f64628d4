import { and, asc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { closures, departments, services, tenants } from '../../db/schema.js';

export type TenantRow = typeof tenants.$inferSelect;
export type DepartmentRow = typeof departments.$inferSelect;
export type ServiceRow = typeof services.$inferSelect;
export type ClosureRow = typeof closures.$inferSelect;

// Archived municipalities (issue 15) have no public page: they are left out here.
export async function listTenants(db: Db): Promise<TenantRow[]> {
  return db.select().from(tenants).where(isNull(tenants.archivedAt)).orderBy(asc(tenants.name));
}

export async function findTenantBySlug(db: Db, slug: string): Promise<TenantRow | undefined> {
  const [row] = await db
    .select()
    .from(tenants)
    .where(and(eq(tenants.slug, slug), isNull(tenants.archivedAt)))
    .limit(1);
  return row;
}

export async function listDepartments(db: Db, tenantId: string): Promise<DepartmentRow[]> {
  return db
    .select()
    .from(departments)
    .where(and(eq(departments.tenantId, tenantId), isNull(departments.archivedAt)))
    .orderBy(asc(departments.sortOrder), asc(departments.slug));
}

/**
 * The department only if it belongs to the tenant: the tenant is part of the lookup. An archived
 * department is not found: its door and booking pages answer 404 (issue 15).
 */
export async function findDepartment(db: Db, tenantId: string, slug: string): Promise<DepartmentRow | undefined> {
  const [row] = await db
    .select()
    .from(departments)
    .where(and(eq(departments.tenantId, tenantId), eq(departments.slug, slug), isNull(departments.archivedAt)))
    .limit(1);
  return row;
}

export async function listServices(db: Db, departmentId: string): Promise<ServiceRow[]> {
  return (
    db
      .select()
      .from(services)
      // Archived services are no longer offered (issue 15); bookings made keep naming them.
      .where(and(eq(services.departmentId, departmentId), isNull(services.archivedAt)))
      .orderBy(asc(services.sortOrder), asc(services.slug))
  );
}

/** The offered services of several departments (as `listServices`), for the live hub's reads. */
export async function listServicesOf(db: Db, departmentIds: string[]): Promise<ServiceRow[]> {
  if (departmentIds.length === 0) return [];
  return db
    .select()
    .from(services)
    .where(and(inArray(services.departmentId, departmentIds), isNull(services.archivedAt)))
    .orderBy(asc(services.sortOrder), asc(services.slug));
}

/**
 * Closures of the tenant that have not ended before `fromDate` (YYYY-MM-DD), for the given
 * departments plus the tenant-wide ones.
 */
export async function listClosures(db: Db, tenantId: string, fromDate: string): Promise<ClosureRow[]> {
  return db
    .select()
    .from(closures)
    .where(and(eq(closures.tenantId, tenantId), gte(closures.endsOn, fromDate)))
    .orderBy(asc(closures.startsOn));
}

/** A department with its tenant, by id. */
export async function findDepartmentWithTenant(db: Db, departmentId: string) {
  // Built once per database: a citizen's leave answers with it, and clerks' pages read it often.
  const statement = prepared(db, 'department_with_tenant', () =>
    db
      .select({ department: departments, tenant: tenants })
      .from(departments)
      .innerJoin(tenants, eq(tenants.id, departments.tenantId))
      .where(eq(departments.id, sql.placeholder('departmentId')))
      .limit(1)
      .prepare('department_with_tenant'),
  );
  const [row] = await statement.execute({ departmentId });
  return row;
}

/** Departments with their tenants, by id (those that exist). */
export async function findDepartmentsWithTenant(db: Db, departmentIds: string[]) {
  if (departmentIds.length === 0) return [];
  return db
    .select({ department: departments, tenant: tenants })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(inArray(departments.id, departmentIds));
}

/** A department with its tenant, by the slugs of its public address; not an archived one (no knock, no booking). */
export async function findDepartmentBySlugs(db: Db, tenantSlug: string, departmentSlug: string) {
  const [row] = await db
    .select({ department: departments, tenant: tenants })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(
      and(
        eq(tenants.slug, tenantSlug),
        eq(departments.slug, departmentSlug),
        isNull(departments.archivedAt),
        isNull(tenants.archivedAt),
      ),
    )
    .limit(1);
  return row;
}

export function closuresFor(rows: ClosureRow[], departmentId: string): ClosureRow[] {
  return rows.filter((row) => row.departmentId === null || row.departmentId === departmentId);
}

/** A department with its municipality, as the admin and availability services receive it. */
export interface OfficeScope {
  tenant: TenantRow;
  department: DepartmentRow;
}

/** Every open department of every open municipality, with the municipality's time zone. */
export async function listDoorsEverywhere(db: Db): Promise<{ department: DepartmentRow; timeZone: string }[]> {
  return db
    .select({ department: departments, timeZone: tenants.timeZone })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(and(isNull(departments.archivedAt), isNull(tenants.archivedAt)));
}

/** Closures of every municipality ending on `fromDate` or later. */
export async function listClosuresEverywhere(db: Db, fromDate: string): Promise<ClosureRow[]> {
  return db.select().from(closures).where(gte(closures.endsOn, fromDate));
}
