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
 * Booked appointments (not arrived, not begun: starting at or after `now`) that a change of
 * availability may hit, by filters that all apply: of one clerk (`staffId`), of some departments
 * (`departmentIds`; empty finds none), overlapping `span` (an absence), or starting in one of
 * `startingIn`'s [from, to) ranges (a closure's days; empty finds none).
 */
export function bookedAppointments(
  db: Db,
  now: Date,
  where: {
    staffId?: string;
    departmentIds?: string[];
    span?: { startsAt: Date; endsAt: Date };
    startingIn?: { from: Date; to: Date }[];
  },
) {
  const { staffId, departmentIds, span, startingIn } = where;
  if (departmentIds?.length === 0 || startingIn?.length === 0) return Promise.resolve([]);
  return db
    .select({ appointment: appointments, departmentSlug: departments.slug, clerkName: staff.name })
    .from(appointments)
    .innerJoin(departments, eq(departments.id, appointments.departmentId))
    .innerJoin(staff, eq(staff.id, appointments.staffId))
    .where(
      and(
        eq(appointments.state, 'booked'),
        gte(appointments.startsAt, now),
        staffId ? eq(appointments.staffId, staffId) : undefined,
        departmentIds ? inArray(appointments.departmentId, departmentIds) : undefined,
        span ? and(lt(appointments.startsAt, span.endsAt), gt(appointments.endsAt, span.startsAt)) : undefined,
        startingIn
          ? or(
              ...startingIn.map((range) =>
                and(gte(appointments.startsAt, range.from), lt(appointments.startsAt, range.to)),
              ),
            )
          : undefined,
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
