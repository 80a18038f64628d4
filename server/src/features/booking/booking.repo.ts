import { and, asc, count, eq, gt, gte, inArray, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  appointments,
  closures,
  departments,
  services,
  staff,
  staffAbsences,
  staffAvailability,
  staffMemberships,
  tenants,
  visits,
} from '../../db/schema.js';
import type { ServiceRow } from '../directory/directory.repo.js';
import type { ClerkSchedule, Interval } from './slots.js';

export type AppointmentRow = typeof appointments.$inferSelect;
export type { DepartmentRow, ServiceRow, TenantRow } from '../directory/directory.repo.js';

export async function listBookableServices(db: Db, departmentId: string): Promise<ServiceRow[]> {
  return db
    .select()
    .from(services)
    .where(and(eq(services.departmentId, departmentId), eq(services.bookable, true)))
    .orderBy(asc(services.sortOrder), asc(services.slug));
}

/** Services by id, in the order of `ids` (an appointment keeps its services in order). */
export async function findServicesByIds(db: Db, ids: string[]): Promise<ServiceRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.select().from(services).where(inArray(services.id, ids));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Live (not cancelled) appointments of the clerks `staffIds`, in any department. */
const liveAppointmentsOf = (staffIds: string[]) =>
  and(inArray(appointments.staffId, staffIds), ne(appointments.state, 'cancelled'));

/**
 * Everything the slot computation needs for a department over [from, to): the weekly hours of
 * its active clerks, their absences, and their live appointments in any department (a clerk is
 * one person, and the no-overlap constraint is per clerk).
 */
export async function loadClerkSchedules(
  db: Db,
  departmentId: string,
  range: { from: Date; to: Date },
  options: { ignoreAppointmentId?: string } = {},
): Promise<ClerkSchedule[]> {
  const windows = await db
    .select({
      staffId: staffAvailability.staffId,
      weekday: staffAvailability.weekday,
      startsAt: staffAvailability.startsAt,
      endsAt: staffAvailability.endsAt,
    })
    .from(staffAvailability)
    .innerJoin(staff, and(eq(staff.id, staffAvailability.staffId), eq(staff.active, true)))
    .innerJoin(
      staffMemberships,
      and(
        eq(staffMemberships.staffId, staffAvailability.staffId),
        eq(staffMemberships.departmentId, staffAvailability.departmentId),
      ),
    )
    .where(eq(staffAvailability.departmentId, departmentId))
    .orderBy(asc(staffAvailability.staffId), asc(staffAvailability.weekday), asc(staffAvailability.startsAt));

  const schedules = new Map<string, ClerkSchedule>();
  for (const { staffId, ...window } of windows) {
    const schedule = schedules.get(staffId) ?? { staffId, windows: [], absences: [], appointments: [] };
    schedule.windows.push(window);
    schedules.set(staffId, schedule);
  }
  const staffIds = [...schedules.keys()];
  if (staffIds.length === 0) return [];

  const [absenceRows, appointmentRows] = await Promise.all([
    db
      .select({ staffId: staffAbsences.staffId, startsAt: staffAbsences.startsAt, endsAt: staffAbsences.endsAt })
      .from(staffAbsences)
      .where(
        and(
          inArray(staffAbsences.staffId, staffIds),
          lt(staffAbsences.startsAt, range.to),
          gt(staffAbsences.endsAt, range.from),
        ),
      ),
    db
      .select({ staffId: appointments.staffId, startsAt: appointments.startsAt, endsAt: appointments.endsAt })
      .from(appointments)
      .where(
        and(
          liveAppointmentsOf(staffIds),
          lt(appointments.startsAt, range.to),
          gt(appointments.endsAt, range.from),
          options.ignoreAppointmentId ? ne(appointments.id, options.ignoreAppointmentId) : undefined,
        ),
      ),
  ]);
  const push = (rows: ({ staffId: string } & Interval)[], key: 'absences' | 'appointments') => {
    for (const { staffId, startsAt, endsAt } of rows) schedules.get(staffId)?.[key].push({ startsAt, endsAt });
  };
  push(absenceRows, 'absences');
  push(appointmentRows, 'appointments');
  return [...schedules.values()];
}

/** Closures of the department and tenant-wide holidays touching [from, to] (YYYY-MM-DD). */
export async function listClosuresBetween(
  db: Db,
  tenantId: string,
  departmentId: string,
  from: string,
  to: string,
): Promise<{ startsOn: string; endsOn: string }[]> {
  return db
    .select({ startsOn: closures.startsOn, endsOn: closures.endsOn })
    .from(closures)
    .where(
      and(
        eq(closures.tenantId, tenantId),
        or(isNull(closures.departmentId), eq(closures.departmentId, departmentId)),
        gte(closures.endsOn, from),
        lte(closures.startsOn, to),
      ),
    );
}

/** Live appointments per clerk starting in [from, to): "fewest bookings that day first". */
export async function countAppointmentsByClerk(
  db: Db,
  staffIds: string[],
  range: { from: Date; to: Date },
): Promise<Map<string, number>> {
  if (staffIds.length === 0) return new Map();
  const rows = await db
    .select({ staffId: appointments.staffId, n: count() })
    .from(appointments)
    .where(
      and(liveAppointmentsOf(staffIds), gte(appointments.startsAt, range.from), lt(appointments.startsAt, range.to)),
    )
    .groupBy(appointments.staffId);
  return new Map(rows.map((row) => [row.staffId, Number(row.n)]));
}

/** An appointment with its department and tenant: the one `where` picks. */
async function findAppointmentInOffice(db: Db, where: SQL | undefined) {
  const [row] = await db
    .select({ appointment: appointments, department: departments, tenant: tenants })
    .from(appointments)
    .innerJoin(departments, eq(departments.id, appointments.departmentId))
    .innerJoin(tenants, eq(tenants.id, appointments.tenantId))
    .where(where)
    .limit(1);
  return row;
}

/** The appointment a manage/join token names (by its SHA-256), with its department and tenant. */
export function findAppointmentByTokenHash(db: Db, tokenHash: string) {
  return findAppointmentInOffice(db, eq(appointments.manageTokenHash, tokenHash));
}

export function findAppointmentWithContext(db: Db, appointmentId: string) {
  return findAppointmentInOffice(db, eq(appointments.id, appointmentId));
}

/** For a `where` on appointments: `staffId` belongs to the appointment's department. */
export const staffIsMember = (staffId: string) =>
  sql`exists (select 1 from ${staffMemberships} where ${staffMemberships.departmentId} = ${appointments.departmentId} and ${staffMemberships.staffId} = ${staffId})`;

/**
 * An appointment as a clerk may see it: only through a department the clerk belongs to. The
 * membership is part of the query, so another department's appointment is simply not found.
 */
export function findAppointmentForStaff(db: Db, staffId: string, departmentId: string, appointmentId: string) {
  return findAppointmentInOffice(
    db,
    and(eq(appointments.id, appointmentId), eq(appointments.departmentId, departmentId), staffIsMember(staffId)),
  );
}

/** The appointment row as it is now. */
export async function findAppointment(db: Db, appointmentId: string): Promise<AppointmentRow | undefined> {
  const [row] = await db.select().from(appointments).where(eq(appointments.id, appointmentId));
  return row;
}

/**
 * Changes an appointment only while it is booked and, with `startsAfter`, starts after that
 * instant. The condition is part of the UPDATE, so a change made meanwhile (cancelled, arrived,
 * started) wins cleanly: then nothing is changed and the answer is undefined.
 */
export async function updateBookedAppointment(
  db: Db,
  appointmentId: string,
  values: Partial<Pick<AppointmentRow, 'state' | 'cancelledAt' | 'staffId' | 'startsAt' | 'endsAt' | 'reminderSentAt'>>,
  options: { startsAfter?: Date } = {},
): Promise<AppointmentRow | undefined> {
  const [row] = await db
    .update(appointments)
    .set(values)
    .where(
      and(
        eq(appointments.id, appointmentId),
        eq(appointments.state, 'booked'),
        options.startsAfter ? gt(appointments.startsAt, options.startsAfter) : undefined,
      ),
    )
    .returning();
  return row;
}

export async function findStaffName(db: Db, staffId: string): Promise<string | null> {
  const [row] = await db.select({ name: staff.name }).from(staff).where(eq(staff.id, staffId)).limit(1);
  return row?.name ?? null;
}

/** The arrival visit of an appointment, if the citizen has come in. */
export async function findArrivalVisitId(db: Db, appointmentId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: visits.id })
    .from(visits)
    .where(eq(visits.appointmentId, appointmentId))
    .orderBy(asc(visits.createdAt))
    .limit(1);
  return row?.id ?? null;
}
