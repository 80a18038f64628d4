import { and, asc, desc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appointments, departments, staff, visits } from '../../db/schema.js';
import { staffIsMember, type AppointmentRow } from '../booking/booking.repo.js';

/** Queries of the appointment day: the join link, the clerk's list, no-shows, and how arrivals end. */

const LIVE_VISIT_STATES = ['waiting', 'admitted', 'in_call'] as const;

/** Locks the appointment row for the rest of the transaction: two devices arriving at once queue up here. */
export async function lockAppointment(db: Db, appointmentId: string): Promise<AppointmentRow | undefined> {
  const [row] = await db.select().from(appointments).where(eq(appointments.id, appointmentId)).for('update');
  return row;
}

/** The arrival's visit while it is in the queue or in the call. */
export async function findLiveArrival(db: Db, appointmentId: string) {
  const [row] = await db
    .select({ id: visits.id, departmentId: visits.departmentId })
    .from(visits)
    .where(and(eq(visits.appointmentId, appointmentId), inArray(visits.state, [...LIVE_VISIT_STATES])))
    .orderBy(desc(visits.createdAt))
    .limit(1);
  return row;
}

export async function insertArrivalVisit(db: Db, appointment: AppointmentRow, now: Date): Promise<string> {
  const [row] = await db
    .insert(visits)
    .values({
      tenantId: appointment.tenantId,
      departmentId: appointment.departmentId,
      kind: 'appointment',
      appointmentId: appointment.id,
      citizenName: appointment.citizenName,
      concern: appointment.concern,
      serviceId: appointment.serviceIds[0] ?? null,
      language: appointment.language,
      interpreterLanguage: appointment.interpreterLanguage,
      createdAt: now,
      lastSeenAt: now,
    })
    .returning({ id: visits.id });
  if (!row) throw new Error('insert returned nothing');
  return row.id;
}

export async function setAppointmentState(
  db: Db,
  appointmentId: string,
  state: AppointmentRow['state'],
): Promise<void> {
  await db.update(appointments).set({ state }).where(eq(appointments.id, appointmentId));
}

/**
 * A department's appointments starting in [from, to), for a clerk of that department: the
 * membership is part of the query, so a clerk of another department gets nothing.
 */
export async function listDepartmentAppointments(
  db: Db,
  options: { departmentId: string; staffId: string; from: Date; to: Date },
) {
  const arrival = sql<
    string | null
  >`(select ${visits.id} from ${visits} where ${visits.appointmentId} = ${appointments.id} order by ${visits.createdAt} desc limit 1)`;
  return db
    .select({
      appointment: appointments,
      clerkName: staff.name,
      noShowGraceMinutes: departments.noShowGraceMinutes,
      visitId: arrival,
    })
    .from(appointments)
    .innerJoin(staff, eq(staff.id, appointments.staffId))
    .innerJoin(departments, eq(departments.id, appointments.departmentId))
    .where(
      and(
        eq(appointments.departmentId, options.departmentId),
        gte(appointments.startsAt, options.from),
        lt(appointments.startsAt, options.to),
        staffIsMember(options.staffId),
      ),
    )
    .orderBy(asc(appointments.startsAt), asc(appointments.id));
}

/**
 * Marks a no-show: only a booked appointment (nobody came, or whoever came has gone again), and
 * only once the department's grace period after its start has passed. The conditions are in the
 * update itself, so a citizen arriving at the same moment wins or loses cleanly.
 */
export async function markNoShow(
  db: Db,
  options: { departmentId: string; appointmentId: string; staffId: string; now: Date },
) {
  const [row] = await db
    .update(appointments)
    .set({ state: 'no_show' })
    .where(
      and(
        eq(appointments.id, options.appointmentId),
        eq(appointments.departmentId, options.departmentId),
        eq(appointments.state, 'booked'),
        staffIsMember(options.staffId),
        sql`${appointments.startsAt} + make_interval(mins => (select ${departments.noShowGraceMinutes} from ${departments} where ${departments.id} = ${appointments.departmentId})) <= ${options.now.toISOString()}::timestamptz`,
      ),
    )
    .returning({ id: appointments.id, tenantId: appointments.tenantId });
  return row;
}

/**
 * What an arrival's end means for its appointment. Served (the clerk finished the visit): `done`.
 * Not served (the citizen left, their page was gone past the grace period, or a clerk declined):
 * back to `booked`, so the join link lets them in again until the appointment's end; after that
 * the clerk can mark a no-show as for anyone who did not come.
 */
export async function settleArrivals(
  db: Db,
  appointmentIds: (string | null)[],
  outcome: 'served' | 'not_served',
): Promise<void> {
  const ids = appointmentIds.filter((id): id is string => id !== null);
  if (ids.length === 0) return;
  await db
    .update(appointments)
    .set({ state: outcome === 'served' ? 'done' : 'booked' })
    .where(
      and(
        inArray(appointments.id, ids),
        outcome === 'served' ? inArray(appointments.state, ['arrived', 'booked']) : eq(appointments.state, 'arrived'),
      ),
    );
}

/**
 * Personal data of appointments (name, e-mail, phone, concern) is kept only for the retention
 * period after the appointment's end; the row stays, anonymous, for statistics and the audit trail.
 */
export async function purgeAppointmentPersonalData(db: Db, cutoff: Date): Promise<number> {
  const purged = await db
    .update(appointments)
    .set({ citizenName: '', email: null, phone: null, concern: null })
    .where(
      and(
        lt(appointments.endsAt, cutoff),
        sql`(${appointments.citizenName} <> '' or ${appointments.email} is not null or ${appointments.phone} is not null or ${appointments.concern} is not null)`,
      ),
    )
    .returning({ id: appointments.id });
  return purged.length;
}

/** Departments where an arrival's booked start fell in (after, upTo]: their queue order changed by time alone. */
export async function departmentsWithArrivalsDue(db: Db, after: Date, upTo: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ departmentId: visits.departmentId })
    .from(visits)
    .innerJoin(appointments, eq(appointments.id, visits.appointmentId))
    .where(
      and(
        eq(visits.state, 'waiting'),
        isNotNull(visits.appointmentId),
        sql`${appointments.startsAt} > ${after.toISOString()}::timestamptz`,
        sql`${appointments.startsAt} <= ${upTo.toISOString()}::timestamptz`,
      ),
    );
  return rows.map((row) => row.departmentId);
}
