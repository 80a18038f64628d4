import { dayRange, parseCivilDate, weeklyWindows } from '@amtsraum/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { departments, staff, staffAbsences, staffMemberships } from '../../db/schema.js';
import { listDifference } from '../../lib/list-difference.js';
import { insertAbsence, writeWindows } from '../availability/write-availability.js';
import type { AbsenceInput, StaffInput, WeeklyHours } from './installation.schema.js';

/**
 * The writers of staff, their bookable hours and absences, for the installation file and the demo
 * seed, and for the staff and availability services. Like the writers of municipalities,
 * departments and closures (organisation/write-organisation.ts), services (offer/write-service.ts)
 * and texts (legal/write-texts.ts), each takes parsed values, matches by the natural key (e-mail),
 * writes inside the caller's transaction and neither audits nor announces (issue 15, item 9).
 */

type StaffValues = Pick<StaffInput, 'email' | 'name' | 'languages' | 'tenantAdmin' | 'installationAdmin'>;

type StaffRow = typeof staff.$inferSelect;
type StaffInsert = typeof staff.$inferInsert;
export type StaffRole = 'clerk' | 'admin';

/** The fields of an account that the installation file and the admin screens both set. */
export type StaffFields = Partial<Pick<StaffInsert, 'name' | 'languages' | 'isTenantAdmin' | 'isInstallationAdmin'>>;

/** Inserts an account of the municipality; the caller decides what a taken e-mail address means. */
export async function insertStaff(
  tx: Db,
  tenantId: string,
  values: StaffFields & Pick<StaffInsert, 'email' | 'name' | 'passwordHash'>,
): Promise<StaffRow> {
  const [row] = await tx
    .insert(staff)
    .values({ tenantId, ...values })
    .returning();
  return row!;
}

/** Writes `values` to the municipality's account; undefined when it is not one of its accounts. */
export async function writeStaffFields(
  tx: Db,
  tenantId: string,
  staffId: string,
  values: StaffFields,
): Promise<StaffRow | undefined> {
  const [row] = await tx
    .update(staff)
    .set(values)
    .where(and(eq(staff.id, staffId), eq(staff.tenantId, tenantId)))
    .returning();
  return row;
}

/** What a role change did, by department id: callers audit it and tell whoever lost a right. */
export interface MembershipChanges {
  added: string[];
  removed: string[];
  /** Admin before, clerk now. */
  lowered: string[];
  /** Clerk before, admin now. */
  raised: string[];
}

/**
 * Sets a person's roles in the municipality's departments to `roles` (department id → role, the
 * whole list); roles in other municipalities' departments are not touched (a person belongs to
 * one anyway). A list written again unchanged keeps its rows.
 */
export async function writeMemberships(
  tx: Db,
  tenantId: string,
  staffId: string,
  roles: ReadonlyMap<string, StaffRole>,
): Promise<MembershipChanges> {
  const stored = await tx
    .select({ departmentId: staffMemberships.departmentId, role: staffMemberships.role })
    .from(staffMemberships)
    .innerJoin(departments, eq(departments.id, staffMemberships.departmentId))
    .where(and(eq(staffMemberships.staffId, staffId), eq(departments.tenantId, tenantId)));
  const before = new Map(stored.map((m) => [m.departmentId, m.role]));
  const changes: MembershipChanges = { added: [], removed: [], lowered: [], raised: [] };
  for (const [departmentId, role] of before) {
    const now = roles.get(departmentId);
    if (now === undefined) changes.removed.push(departmentId);
    else if (now !== role) (role === 'admin' ? changes.lowered : changes.raised).push(departmentId);
  }
  for (const departmentId of roles.keys()) if (!before.has(departmentId)) changes.added.push(departmentId);
  const replaced = [...changes.removed, ...changes.lowered, ...changes.raised];
  if (replaced.length > 0) {
    await tx
      .delete(staffMemberships)
      .where(and(eq(staffMemberships.staffId, staffId), inArray(staffMemberships.departmentId, replaced)));
  }
  const insert = [...changes.added, ...changes.lowered, ...changes.raised];
  if (insert.length > 0) {
    await tx
      .insert(staffMemberships)
      .values(insert.map((departmentId) => ({ staffId, departmentId, role: roles.get(departmentId)! })));
  }
  return changes;
}

/**
 * Creates or updates a staff account by e-mail, with its roles (department id → role, the whole
 * list). A new account gets `passwordHash` (null: it signs in through an invitation or the
 * identity provider); an existing one keeps its password, second factor and active flag.
 * `lostRoles`: a department taken away or lowered, or municipality admin no more; the caller
 * tells the running servers, whose live hubs close the consoles concerned.
 */
export async function upsertStaff(
  tx: Db,
  tenantId: string,
  input: StaffValues,
  roles: ReadonlyMap<string, StaffRole>,
  newPasswordHash: () => Promise<string | null>,
): Promise<{ id: string; created: boolean; lostRoles: boolean }> {
  const [existing] = await tx
    .select({ id: staff.id, tenantId: staff.tenantId, isTenantAdmin: staff.isTenantAdmin })
    .from(staff)
    .where(eq(staff.email, input.email));
  if (existing && existing.tenantId !== tenantId) {
    throw new Error(`${input.email} already belongs to another municipality`);
  }
  const values = {
    name: input.name,
    languages: input.languages,
    isTenantAdmin: input.tenantAdmin,
    isInstallationAdmin: input.installationAdmin,
  };
  const id = existing
    ? (await writeStaffFields(tx, tenantId, existing.id, values))!.id
    : (await insertStaff(tx, tenantId, { email: input.email, passwordHash: await newPasswordHash(), ...values })).id;
  const changes = await writeMemberships(tx, tenantId, id, roles);
  const lostRoles =
    changes.removed.length + changes.lowered.length > 0 || (existing?.isTenantAdmin === true && !input.tenantAdmin);
  return { id, created: !existing, lostRoles };
}

/** Replaces a person's weekly bookable hours: department id → weekly hours (the whole list). */
export async function replaceAvailability(
  tx: Db,
  staffId: string,
  hours: ReadonlyMap<string, WeeklyHours>,
): Promise<void> {
  const wanted = [...hours].flatMap(([departmentId, weekly]) =>
    weeklyWindows(weekly).map((window) => ({ departmentId, ...window })),
  );
  await writeWindows(tx, staffId, wanted, null);
}

/** Replaces a person's absences (the whole list); whole days are read in `timeZone`. */
export async function replaceAbsences(
  tx: Db,
  staffId: string,
  list: readonly AbsenceInput[],
  timeZone: string,
): Promise<void> {
  const stored = await tx
    .select({
      id: staffAbsences.id,
      startsAt: staffAbsences.startsAt,
      endsAt: staffAbsences.endsAt,
      reason: staffAbsences.reason,
    })
    .from(staffAbsences)
    .where(eq(staffAbsences.staffId, staffId));
  const wanted = list.map((absence) => {
    const span =
      'from' in absence
        ? dayRange(parseCivilDate(absence.from), parseCivilDate(absence.to), timeZone)
        : { from: new Date(absence.startsAt), to: new Date(absence.endsAt) };
    return { startsAt: span.from, endsAt: span.to, reason: absence.reason ?? null };
  });
  const { remove, add } = listDifference(
    stored,
    wanted,
    (a) => `${a.startsAt.toISOString()}/${a.endsAt.toISOString()}/${a.reason ?? ''}`,
  );
  if (remove.length > 0) await tx.delete(staffAbsences).where(inArray(staffAbsences.id, remove));
  for (const absence of add) await insertAbsence(tx, staffId, absence);
}
