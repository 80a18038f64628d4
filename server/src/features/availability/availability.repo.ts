import { and, asc, eq, gt, gte, inArray, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  appointments,
  departments,
  services,
  staff,
  staffAbsences,
  staffAvailability,
  staffMemberships,
} from '../../db/schema.js';
import type { StaffRow } from '../staff/staff.repo.js';

/** Clerks' weekly hours and absences, and the booked appointments they bear on. */

export type AbsenceRow = typeof staffAbsences.$inferSelect;
export type AvailabilityRow = typeof staffAvailability.$inferSelect;

/** The department's active members, by name (authorization: the department is the admin's). */
export function listMembers(db: Db, departmentId: string) {
  return db
    .select({ id: staff.id, name: staff.name })
    .from(staffMemberships)
    .innerJoin(staff, eq(staff.id, staffMemberships.staffId))
    .where(and(eq(staffMemberships.departmentId, departmentId), eq(staff.active, true)))
    .orderBy(asc(staff.name), asc(staff.id));
}

export async function findMember(db: Db, departmentId: string, staffId: string) {
  const [row] = await db
    .select({ id: staff.id, name: staff.name })
    .from(staffMemberships)
    .innerJoin(staff, eq(staff.id, staffMemberships.staffId))
    .where(and(eq(staffMemberships.departmentId, departmentId), eq(staffMemberships.staffId, staffId)))
    .limit(1);
  return row;
}

export function listRanges(db: Db, departmentId: string, staffIds?: string[]) {
  return db
    .select()
    .from(staffAvailability)
    .where(
      and(
        eq(staffAvailability.departmentId, departmentId),
        staffIds ? inArray(staffAvailability.staffId, staffIds) : undefined,
      ),
    )
    .orderBy(asc(staffAvailability.weekday), asc(staffAvailability.startsAt));
}

/** Absences not over at `now`, of `staffIds`. */
export function listAbsences(db: Db, staffIds: string[], now: Date) {
  if (staffIds.length === 0) return Promise.resolve([] as AbsenceRow[]);
  return db
    .select()
    .from(staffAbsences)
    .where(and(inArray(staffAbsences.staffId, staffIds), gt(staffAbsences.endsAt, now)))
    .orderBy(asc(staffAbsences.startsAt));
}

/**
 * Booked appointments (not arrived, not over) of one clerk from `now` on: in `departmentId`, or
 * in any department overlapping `span` (an absence is the person's).
 */
export function bookedAppointmentsOf(
  db: Db,
  staffId: string,
  now: Date,
  where: { departmentId: string } | { span: { startsAt: Date; endsAt: Date } },
) {
  return db
    .select({ appointment: appointments, departmentSlug: departments.slug, clerkName: staff.name })
    .from(appointments)
    .innerJoin(departments, eq(departments.id, appointments.departmentId))
    .innerJoin(staff, eq(staff.id, appointments.staffId))
    .where(
      and(
        eq(appointments.staffId, staffId),
        eq(appointments.state, 'booked'),
        gte(appointments.startsAt, now),
        'departmentId' in where
          ? eq(appointments.departmentId, where.departmentId)
          : and(lt(appointments.startsAt, where.span.endsAt), gt(appointments.endsAt, where.span.startsAt)),
      ),
    )
    .orderBy(asc(appointments.startsAt));
}

/** Booked appointments (not arrived) of `departmentIds` starting in [from, to) and not before `now`: a closure's. */
export function bookedAppointmentsIn(db: Db, departmentIds: string[], now: Date, range: { from: Date; to: Date }) {
  if (departmentIds.length === 0) return Promise.resolve([]);
  return db
    .select({ appointment: appointments, departmentSlug: departments.slug, clerkName: staff.name })
    .from(appointments)
    .innerJoin(departments, eq(departments.id, appointments.departmentId))
    .innerJoin(staff, eq(staff.id, appointments.staffId))
    .where(
      and(
        inArray(appointments.departmentId, departmentIds),
        eq(appointments.state, 'booked'),
        gte(appointments.startsAt, now),
        gte(appointments.startsAt, range.from),
        lt(appointments.startsAt, range.to),
      ),
    )
    .orderBy(asc(appointments.startsAt));
}

/** Live appointments of the department in [from, to), for the week view. */
export function departmentAppointments(db: Db, departmentId: string, range: { from: Date; to: Date }) {
  return db
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.departmentId, departmentId),
        ne(appointments.state, 'cancelled'),
        gte(appointments.startsAt, range.from),
        lt(appointments.startsAt, range.to),
      ),
    )
    .orderBy(asc(appointments.startsAt));
}

export async function serviceNames(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, Record<string, string> & { de: string }>();
  const rows = await db
    .select({ id: services.id, name: services.name })
    .from(services)
    .where(inArray(services.id, ids));
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** The departments whose appointments `who` may see in full and change: all of the municipality's, or their own. */
export async function administeredDepartmentIds(db: Db, who: StaffRow): Promise<Set<string>> {
  const rows = await db
    .select({ id: departments.id })
    .from(departments)
    .where(
      or(
        who.isTenantAdmin ? eq(departments.tenantId, who.tenantId) : sql`false`,
        sql`exists (select 1 from ${staffMemberships} where ${staffMemberships.staffId} = ${who.id}
          and ${staffMemberships.departmentId} = ${departments.id} and ${staffMemberships.role} = 'admin')`,
      ),
    );
  return new Set(rows.map((row) => row.id));
}

/** Every department a clerk belongs to (an absence changes the slots of each). */
export async function departmentsOf(db: Db, staffId: string): Promise<string[]> {
  const rows = await db
    .select({ id: staffMemberships.departmentId })
    .from(staffMemberships)
    .where(eq(staffMemberships.staffId, staffId));
  return rows.map((row) => row.id);
}
