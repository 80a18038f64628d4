import type { BookingRules, ClosureCreate, DepartmentFields, TenantSettingsFields } from '@amtsraum/shared';
import { and, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { closures, departments, tenants } from '../../db/schema.js';
import { givenOnly, listDifference, sortedKeys } from '../../lib/list-difference.js';
import type { ClosureRow, DepartmentRow, TenantRow } from '../directory/directory.repo.js';

/**
 * The one way a municipality, a department (with its booking rules) and a closure are written
 * (issue 15, item 9): the admin screens' services, the installation file, the demo seed and an
 * export read back all come here, with values parsed by the shared schemas (the file's derive
 * from the screens'). Each writes inside the caller's transaction; none audits or announces: the
 * caller knows who acted and whose pages to tell. A value left out (`undefined`) stays as stored.
 */

/** A municipality's settings; the file may offer more languages than the screens name. */
export type TenantValues = Partial<Omit<TenantSettingsFields, 'locales'>> & {
  locales?: string[];
  defaultLocale?: string;
};

/**
 * `{ slug }` creates the municipality or updates the one with that slug (the installation file);
 * `{ slug, ifTaken: 'refuse' }` only creates it: undefined when the slug is taken, archived
 * municipalities included (the installation admin's screen); `{ id }` updates that one. Its
 * archived flag is never touched.
 */
export async function writeTenant(
  db: Db,
  target: { slug: string; ifTaken?: 'update' },
  values: TenantValues & Pick<TenantSettingsFields, 'name'>,
): Promise<TenantRow>;
export async function writeTenant(
  db: Db,
  target: { slug: string; ifTaken: 'refuse' },
  values: TenantValues & Pick<TenantSettingsFields, 'name'>,
): Promise<TenantRow | undefined>;
export async function writeTenant(db: Db, target: { id: string }, values: TenantValues): Promise<TenantRow | undefined>;
export async function writeTenant(
  db: Db,
  target: { slug: string; ifTaken?: 'update' | 'refuse' } | { id: string },
  values: TenantValues,
): Promise<TenantRow | undefined> {
  const set = givenOnly({
    name: values.name,
    timeZone: values.timeZone,
    defaultLocale: values.defaultLocale,
    brandColor: values.brandColor,
    logoUrl: values.logoUrl,
    locales: values.locales,
    contact: values.contact,
    stateCode: values.stateCode,
  });
  if ('id' in target) {
    if (Object.keys(set).length === 0) {
      const [row] = await db.select().from(tenants).where(eq(tenants.id, target.id));
      return row;
    }
    const [row] = await db.update(tenants).set(set).where(eq(tenants.id, target.id)).returning();
    return row;
  }
  const insert = db.insert(tenants).values({ slug: target.slug, name: values.name!, ...set });
  if (target.ifTaken === 'refuse') {
    const [row] = await insert.onConflictDoNothing({ target: tenants.slug }).returning();
    return row;
  }
  const [row] = await insert.onConflictDoUpdate({ target: tenants.slug, set }).returning();
  if (!row) throw new Error(`could not write tenant ${target.slug}`);
  return row;
}

/** A department's own settings and its booking rules (the same row). */
export type DepartmentValues = Partial<DepartmentFields & BookingRules>;
type NewDepartmentValues = DepartmentValues & Pick<DepartmentFields, 'name' | 'description' | 'openingHours'>;

/**
 * - `{ slug, ifTaken: 'update' }` creates the department or updates the one with that slug (the
 *   installation file), archived or not;
 * - `{ slug, ifTaken: 'refuse' }` only creates it: undefined when the slug is taken, archived
 *   departments included (their old links must not lead somewhere new);
 * - `{ id }` updates a department that is not archived: undefined otherwise.
 * Archived flag and door state are never written here.
 */
export async function writeDepartment(
  db: Db,
  target: { tenantId: string; slug: string; ifTaken: 'update' | 'refuse' },
  values: NewDepartmentValues,
  options?: { sortOrder?: number },
): Promise<DepartmentRow | undefined>;
export async function writeDepartment(
  db: Db,
  target: { tenantId: string; id: string },
  values: DepartmentValues,
  options?: { sortOrder?: number },
): Promise<DepartmentRow | undefined>;
export async function writeDepartment(
  db: Db,
  target: { tenantId: string; slug: string; ifTaken: 'update' | 'refuse' } | { tenantId: string; id: string },
  values: DepartmentValues,
  options: { sortOrder?: number } = {},
): Promise<DepartmentRow | undefined> {
  const set = givenOnly({
    name: values.name,
    nameForms: values.nameForms,
    description: values.description,
    contact: values.contact,
    openingHours: values.openingHours,
    doorPolicy: values.doorPolicy,
    queueCap: values.queueCap,
    avgHandlingMinutes: values.avgHandlingMinutes,
    onsiteLocation: values.onsiteLocation,
    kioskWalkIns: values.kioskWalkIns,
    checkInOpensMinutesBefore: values.checkInOpensMinutesBefore,
    bookingHorizonDays: values.horizonDays,
    bookingLeadMinutes: values.leadMinutes,
    sameDayReleaseTime: values.sameDayReleaseTime,
    joinOpensMinutesBefore: values.joinOpensMinutesBefore,
    noShowGraceMinutes: values.noShowGraceMinutes,
    maxPersonsPerBooking: values.maxPersonsPerBooking,
    clerksManageAbsences: values.clerksManageAbsences,
    sortOrder: options.sortOrder,
  });
  if ('id' in target) {
    const live = and(
      eq(departments.id, target.id),
      eq(departments.tenantId, target.tenantId),
      isNull(departments.archivedAt),
    );
    if (Object.keys(set).length === 0) {
      const [row] = await db.select().from(departments).where(live);
      return row;
    }
    const [row] = await db.update(departments).set(set).where(live).returning();
    return row;
  }
  const created = { tenantId: target.tenantId, slug: target.slug, ...(set as NewDepartmentValuesColumns) };
  const insert = db.insert(departments).values(created);
  const [row] = await (
    target.ifTaken === 'update'
      ? insert.onConflictDoUpdate({ target: [departments.tenantId, departments.slug], set })
      : insert.onConflictDoNothing({ target: [departments.tenantId, departments.slug] })
  ).returning();
  return row;
}
type NewDepartmentValuesColumns = Pick<typeof departments.$inferInsert, 'name' | 'description' | 'openingHours'>;

/** Closures of the tenant: tenant-wide (`departmentId` null, public holidays) or of one department. */
export const closureScope = (tenantId: string, departmentId: string | null): SQL =>
  and(
    eq(closures.tenantId, tenantId),
    departmentId === null ? isNull(closures.departmentId) : eq(closures.departmentId, departmentId),
  )!;

/** Adds days closed to a department, or (`departmentId` null) to the whole municipality. */
export async function addClosures(
  db: Db,
  tenantId: string,
  departmentId: string | null,
  list: readonly ClosureCreate[],
): Promise<ClosureRow[]> {
  if (list.length === 0) return [];
  return db
    .insert(closures)
    .values(list.map((c) => ({ tenantId, departmentId, startsOn: c.from, endsOn: c.to, reason: c.reason })))
    .returning();
}

/**
 * Replaces the closures of a department, or (departmentId null) the municipality-wide ones: the
 * list given is the whole list (the installation file). Closures written again unchanged keep
 * their rows.
 */
export async function replaceClosures(
  db: Db,
  tenantId: string,
  departmentId: string | null,
  list: readonly ClosureCreate[],
): Promise<void> {
  const stored = await db
    .select({ id: closures.id, from: closures.startsOn, to: closures.endsOn, reason: closures.reason })
    .from(closures)
    .where(closureScope(tenantId, departmentId));
  const { remove, add } = listDifference(stored, list, (c) => JSON.stringify([c.from, c.to, sortedKeys(c.reason)]));
  if (remove.length > 0) await db.delete(closures).where(inArray(closures.id, remove));
  await addClosures(db, tenantId, departmentId, add);
}
