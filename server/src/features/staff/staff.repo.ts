import { createHash } from 'node:crypto';
import { and, eq, gt, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { LocalizedText } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { departments, staff, staffMemberships, staffSessions, tenants } from '../../db/schema.js';

export type StaffRow = typeof staff.$inferSelect;

/** An active account of a municipality that is not archived (issue 15: archived ones cannot sign in). */
export async function findActiveStaffByEmail(db: Db, email: string): Promise<StaffRow | undefined> {
  const [row] = await db
    .select({ staff })
    .from(staff)
    .innerJoin(tenants, eq(tenants.id, staff.tenantId))
    .where(and(eq(staff.email, email), eq(staff.active, true), isNull(tenants.archivedAt)))
    .limit(1);
  return row?.staff;
}

export async function insertSession(db: Db, values: typeof staffSessions.$inferInsert): Promise<void> {
  await db.insert(staffSessions).values(values);
}

/** The staff member behind a session token hash, if the session is neither expired nor idle too long. */
export async function findSessionStaff(db: Db, tokenHash: string, now: Date, idleSince: Date) {
  const [row] = await db
    .select({ staff, session: staffSessions })
    .from(staffSessions)
    .innerJoin(staff, eq(staff.id, staffSessions.staffId))
    .innerJoin(tenants, eq(tenants.id, staff.tenantId))
    .where(
      and(
        eq(staffSessions.tokenHash, tokenHash),
        gt(staffSessions.expiresAt, now),
        gt(staffSessions.lastSeenAt, idleSince),
        eq(staff.active, true),
        isNull(tenants.archivedAt),
      ),
    )
    .limit(1);
  return row;
}

export async function touchSession(db: Db, tokenHash: string, now: Date): Promise<void> {
  await db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.tokenHash, tokenHash));
}

/** Deletes one session (by its token hash) or all of a staff member's; returns whose they were. */
export async function deleteSessions(db: Db, which: { tokenHash: string } | { staffId: string }) {
  return db
    .delete(staffSessions)
    .where(
      'tokenHash' in which ? eq(staffSessions.tokenHash, which.tokenHash) : eq(staffSessions.staffId, which.staffId),
    )
    .returning({ staffId: staffSessions.staffId, tokenHash: staffSessions.tokenHash });
}

export async function deleteStaleSessions(db: Db, now: Date, idleSince: Date): Promise<void> {
  await db.delete(staffSessions).where(or(lt(staffSessions.expiresAt, now), lt(staffSessions.lastSeenAt, idleSince)));
}

export async function listMemberships(db: Db, staffId: string) {
  return db
    .select({
      id: departments.id,
      slug: departments.slug,
      name: departments.name,
      tenantSlug: tenants.slug,
      tenantName: tenants.name,
      role: staffMemberships.role,
    })
    .from(staffMemberships)
    .innerJoin(departments, eq(departments.id, staffMemberships.departmentId))
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(and(eq(staffMemberships.staffId, staffId), isNull(departments.archivedAt)))
    .orderBy(tenants.slug, departments.sortOrder, departments.slug);
}

/** What a staff member may do where: what the staff home shows, and what consoles they may open. */
export interface StaffRoles {
  isTenantAdmin: boolean;
  isInstallationAdmin: boolean;
  /** Departments (not archived), the role in each, its name and its municipality's (the staff home shows both). */
  departments: { id: string; role: 'clerk' | 'admin'; name: LocalizedText; tenantName: string }[];
}

/**
 * The roles of each of `staffIds`, in two reads whatever their number (a resync of the live hub
 * asks for every clerk connected to the process). A staff member not found is not in the map.
 */
export async function rolesOfStaff(db: Db, staffIds: string[]): Promise<Map<string, StaffRoles>> {
  const found = new Map<string, StaffRoles>();
  if (staffIds.length === 0) return found;
  const people = await db
    .select({ id: staff.id, isTenantAdmin: staff.isTenantAdmin, isInstallationAdmin: staff.isInstallationAdmin })
    .from(staff)
    .where(inArray(staff.id, staffIds));
  for (const { id, ...flags } of people) found.set(id, { ...flags, departments: [] });
  const rows = await db
    .select({
      staffId: staffMemberships.staffId,
      id: departments.id,
      role: staffMemberships.role,
      name: departments.name,
      tenantName: tenants.name,
    })
    .from(staffMemberships)
    .innerJoin(departments, and(eq(departments.id, staffMemberships.departmentId), isNull(departments.archivedAt)))
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(inArray(staffMemberships.staffId, staffIds));
  for (const { staffId, ...department } of rows) found.get(staffId)?.departments.push(department);
  return found;
}

/**
 * A short text that changes whenever the roles do, or the name of a department in them or of its
 * municipality (`StaffMe.staff.rolesKey`): the staff home sends it with its `watch-roles`, and the
 * live hub tells the page when the roles no longer come to it. An office renamed or archived by an
 * admin tells its members (`rolesChanged`, organisation/departments.service.ts), a municipality
 * renamed the members of all its offices (tenant-settings.service.ts).
 */
export function rolesKey(roles: StaffRoles): string {
  const departmentRoles = roles.departments
    .map((d) => `${d.id}:${d.role}:${JSON.stringify([d.name, d.tenantName])}`)
    .sort();
  const text = JSON.stringify([roles.isTenantAdmin, roles.isInstallationAdmin, departmentRoles]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** Which of `departmentIds` are archived (a console closed with them says so). */
export async function archivedDepartmentIds(db: Db, departmentIds: string[]): Promise<Set<string>> {
  if (departmentIds.length === 0) return new Set();
  const rows = await db
    .select({ id: departments.id })
    .from(departments)
    .where(and(inArray(departments.id, departmentIds), isNotNull(departments.archivedAt)));
  return new Set(rows.map((row) => row.id));
}

/** The membership row in the department, archived or not as asked. */
async function membershipRow(db: Db, staffId: string, departmentId: string, archived: boolean) {
  const [row] = await db
    .select({ role: staffMemberships.role })
    .from(staffMemberships)
    .innerJoin(
      departments,
      and(
        eq(departments.id, staffMemberships.departmentId),
        archived ? isNotNull(departments.archivedAt) : isNull(departments.archivedAt),
      ),
    )
    .where(and(eq(staffMemberships.staffId, staffId), eq(staffMemberships.departmentId, departmentId)))
    .limit(1);
  return row;
}

/**
 * Whether the staff member worked in the department before it was archived (their membership
 * stays): a console opened on it afterwards, from a bookmark or an old tab, says it was archived,
 * not that they do not work there. False for anyone else, who learns nothing of the department.
 */
export async function workedInArchived(db: Db, staffId: string, departmentId: string): Promise<boolean> {
  return (await membershipRow(db, staffId, departmentId, true)) !== undefined;
}

/**
 * The membership row if the staff member works in the department; authorization as a query. An
 * archived department has no console any more (issue 15).
 */
export function findMembership(db: Db, staffId: string, departmentId: string) {
  return membershipRow(db, staffId, departmentId, false);
}

/** The clerk's counter in the department ("Platz 3"), null until set or when not a member. */
export async function findCounterName(db: Db, staffId: string, departmentId: string): Promise<string | null> {
  const [row] = await db
    .select({ counterName: staffMemberships.counterName })
    .from(staffMemberships)
    .where(and(eq(staffMemberships.staffId, staffId), eq(staffMemberships.departmentId, departmentId)))
    .limit(1);
  return row?.counterName ?? null;
}

/** Sets the clerk's counter in the department; false when they are not a member (any more). */
export async function setCounterName(db: Db, staffId: string, departmentId: string, counterName: string) {
  const rows = await db
    .update(staffMemberships)
    .set({ counterName })
    .where(and(eq(staffMemberships.staffId, staffId), eq(staffMemberships.departmentId, departmentId)))
    .returning({ staffId: staffMemberships.staffId });
  return rows.length > 0;
}
