import { and, count, eq, gt, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appointments, departments } from '../../db/schema.js';
import type { LocalizedText } from '@amtsraum/shared';
import type { ClerkSchedule } from './slots.js';

/** What the slot search reads: the clerks' weekly hours, absences and appointments, and closures. */

/**
 * Longer than any appointment: each lies within one of a clerk's availability windows, which end
 * on the day they start (at most 25 hours on the autumn clock change). So an appointment
 * overlapping a span starts less than this before it.
 */
const LONGEST_APPOINTMENT_MS = 48 * 60 * 60_000;

/** Live (not cancelled) appointments of the clerks `staffIds`, in any department. */
const liveAppointmentsOf = (staffIds: string[]) =>
  and(inArray(appointments.staffId, staffIds), ne(appointments.state, 'cancelled'));

export interface SlotInputs {
  clerks: ClerkSchedule[];
  /**
   * Closures of the department and tenant-wide holidays touching the dates, YYYY-MM-DD, with the
   * reason the calendar shows (a holiday's name); the department's own first.
   */
  closures: { startsOn: string; endsOn: string; reason: LocalizedText | null }[];
}

type WindowRow = [staffId: string, weekday: number, startsAt: string, endsAt: string];
/**
 * Instants as epoch seconds (`date_part`, a float8; `extract` computes a numeric, at twice the
 * cost): cheaper to carry than timestamps, exact to the microsecond.
 */
type SpanRow = [staffId: string, startsAt: number, endsAt: number];
type BusyRow = [staffId: string, starts: number[], ends: number[]];

/**
 * Everything the slot computation needs for a department over [from, to) (instants) and
 * [fromDate, toDate] (its dates): the weekly hours of its active clerks, their absences, their
 * live appointments in any department (a clerk is one person, and the no-overlap constraint is per
 * clerk), and the closures.
 *
 * One statement, each part aggregated to JSON: a slot search used to take six queries and to
 * turn thousands of appointment rows into objects, which on PGlite made it slower than its HTTP
 * budget on its own (issue 14). The appointments come as two arrays per clerk.
 */
export async function loadSlotInputs(
  db: Db,
  query: {
    tenantId: string;
    departmentId: string;
    range: { from: Date; to: Date };
    fromDate: string;
    toDate: string;
    ignoreAppointmentId?: string;
  },
): Promise<SlotInputs> {
  const from = query.range.from.toISOString();
  const to = query.range.to.toISOString();
  const startedAfter = new Date(query.range.from.getTime() - LONGEST_APPOINTMENT_MS).toISOString();
  // Written out in SQL: drizzle leaves column names unqualified inside `sql`, and these
  // subqueries join tables that share them. The names are those of db/schema.ts.
  const clerkIds = sql`select a.staff_id from staff_availability a
    join staff s on s.id = a.staff_id and s.active
    join staff_memberships m on m.staff_id = a.staff_id and m.department_id = a.department_id
    where a.department_id = ${query.departmentId}::uuid`;
  const ignore = query.ignoreAppointmentId ? sql`and p.id <> ${query.ignoreAppointmentId}::uuid` : sql``;
  const [row] = await db
    .select({
      windows: sql<
        WindowRow[]
      >`(select coalesce(json_agg(json_build_array(a.staff_id, a.weekday, a.starts_at, a.ends_at)
          order by a.staff_id, a.weekday, a.starts_at), '[]')
        from staff_availability a
        join staff s on s.id = a.staff_id and s.active
        join staff_memberships m on m.staff_id = a.staff_id and m.department_id = a.department_id
        where a.department_id = ${query.departmentId}::uuid)`,
      absences: sql<SpanRow[]>`(select coalesce(json_agg(json_build_array(
          b.staff_id, date_part('epoch', b.starts_at), date_part('epoch', b.ends_at))), '[]')
        from staff_absences b
        where b.staff_id in (${clerkIds}) and b.starts_at < ${to}::timestamptz and b.ends_at > ${from}::timestamptz)`,
      appointments: sql<
        BusyRow[]
      >`(select coalesce(json_agg(json_build_array(busy.staff_id, busy.starts, busy.ends)), '[]')
        from (select p.staff_id,
            array_agg(date_part('epoch', p.starts_at)) as starts,
            array_agg(date_part('epoch', p.ends_at)) as ends
          from appointments p
          where p.staff_id in (${clerkIds}) and p.state <> 'cancelled'
            and p.starts_at < ${to}::timestamptz and p.starts_at > ${startedAfter}::timestamptz
            and p.ends_at > ${from}::timestamptz ${ignore}
          group by p.staff_id) busy)`,
      closures: sql<
        [startsOn: string, endsOn: string, reason: LocalizedText | null][]
      >`(select coalesce(json_agg(json_build_array(c.starts_on, c.ends_on, c.reason)
          order by c.department_id nulls last, c.starts_on), '[]')
        from closures c
        where c.tenant_id = ${query.tenantId}::uuid
          and (c.department_id is null or c.department_id = ${query.departmentId}::uuid)
          and c.ends_on >= ${query.fromDate}::date and c.starts_on <= ${query.toDate}::date)`,
    })
    .from(departments)
    .where(eq(departments.id, query.departmentId));
  if (!row) return { clerks: [], closures: [] };

  const schedules = new Map<string, ClerkSchedule>();
  for (const [staffId, weekday, startsAt, endsAt] of row.windows) {
    const schedule = schedules.get(staffId) ?? { staffId, windows: [], absences: [], appointments: [] };
    schedule.windows.push({ weekday, startsAt, endsAt });
    schedules.set(staffId, schedule);
  }
  const instant = (seconds: number) => new Date(Math.round(seconds * 1000));
  for (const [staffId, startsAt, endsAt] of row.absences) {
    schedules.get(staffId)?.absences.push({ startsAt: instant(startsAt), endsAt: instant(endsAt) });
  }
  for (const [staffId, starts, ends] of row.appointments) {
    const busy = schedules.get(staffId)?.appointments;
    for (const [i, start] of starts.entries()) busy?.push({ startsAt: instant(start), endsAt: instant(ends[i]!) });
  }
  return {
    clerks: [...schedules.values()],
    closures: row.closures.map(([startsOn, endsOn, reason]) => ({ startsOn, endsOn, reason })),
  };
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

/**
 * Whether `email` (any case) has a live appointment in the department overlapping [from, to): the
 * same person booking the same time twice, by a second click or a second tab, would block two
 * clerks for one conversation.
 */
export async function emailBookedDuring(
  db: Db,
  query: { departmentId: string; email: string; from: Date; to: Date },
): Promise<boolean> {
  const rows = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.departmentId, query.departmentId),
        // Bounded from below, so the index's range is the span's days, not the department's past.
        gt(appointments.startsAt, new Date(query.from.getTime() - LONGEST_APPOINTMENT_MS)),
        lt(appointments.startsAt, query.to),
        gt(appointments.endsAt, query.from),
        ne(appointments.state, 'cancelled'),
        sql`lower(${appointments.email}) = lower(${query.email})`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}
