import { and, asc, count, eq, gt, gte, inArray, isNull, lt, lte, ne, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appointments, closures, staff, staffAbsences, staffAvailability, staffMemberships } from '../../db/schema.js';
import type { ClerkSchedule, Interval } from './slots.js';

/** What the slot search reads: the clerks' weekly hours, absences and appointments, and closures. */

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
