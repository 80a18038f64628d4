import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appointments, departments, services, staff, staffMemberships, tenants, visits } from '../../db/schema.js';
import type { ServiceRow } from '../directory/directory.repo.js';
import { stateIn, WAITING } from '../visits/visit-states.js';

/** Queries of appointments: the booking, the manage link, the appointment day and the clerk's list. */

export type AppointmentRow = typeof appointments.$inferSelect;
export type { DepartmentRow, ServiceRow, TenantRow } from '../directory/directory.repo.js';

export async function listBookableServices(db: Db, departmentId: string): Promise<ServiceRow[]> {
  return db
    .select()
    .from(services)
    .where(and(eq(services.departmentId, departmentId), eq(services.bookable, true), isNull(services.archivedAt)))
    .orderBy(asc(services.sortOrder), asc(services.slug));
}

/** Services by id, in the order of `ids` (an appointment keeps its services in order). */
export async function findServicesByIds(db: Db, ids: string[]): Promise<ServiceRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.select().from(services).where(inArray(services.id, ids));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
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

/** The appointment a manage token names (by its SHA-256), with its department and tenant. */
export function findAppointmentByTokenHash(db: Db, tokenHash: string) {
  return findAppointmentInOffice(db, eq(appointments.manageTokenHash, tokenHash));
}

/**
 * The appointment a token that joins names: its join-only token or its manage token (by SHA-256),
 * with its department and tenant, and whether the token also manages it.
 */
export async function findAppointmentToJoin(db: Db, tokenHash: string) {
  const found = await findAppointmentInOffice(
    db,
    or(eq(appointments.manageTokenHash, tokenHash), eq(appointments.joinTokenHash, tokenHash)),
  );
  return found && { ...found, manages: found.appointment.manageTokenHash === tokenHash };
}

/** Stores `joinTokenHash` for an appointment that has none yet (one that has keeps it). */
export async function setMissingJoinTokenHash(db: Db, appointmentId: string, joinTokenHash: string): Promise<void> {
  await db
    .update(appointments)
    .set({ joinTokenHash })
    .where(and(eq(appointments.id, appointmentId), isNull(appointments.joinTokenHash)));
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

export async function insertAppointment(db: Db, values: typeof appointments.$inferInsert): Promise<AppointmentRow> {
  const [row] = await db.insert(appointments).values(values).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

/** Locks the appointment row for the rest of the transaction: two devices arriving at once queue up here. */
/**
 * Locks an appointment's row for the caller's transaction. With `departmentId` (a clerk's), an
 * appointment of another department is not found, and not locked.
 */
export async function lockAppointment(
  db: Db,
  appointmentId: string,
  departmentId?: string,
): Promise<AppointmentRow | undefined> {
  const [row] = await db
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.id, appointmentId),
        departmentId === undefined ? undefined : eq(appointments.departmentId, departmentId),
      ),
    )
    .for('update');
  return row;
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
 * Personal data of appointments (name, e-mail, phone, concern, and on site the booking code and
 * the date of birth's hash) is kept only for the retention
 * period after the appointment's end; the row stays, anonymous, for statistics and the audit trail.
 */
export async function purgeAppointmentPersonalData(db: Db, cutoff: Date): Promise<number> {
  const purged = await db
    .update(appointments)
    .set({
      citizenName: '',
      email: null,
      phone: null,
      concern: null,
      // What check-in needs goes with the rest (issue 16): a purged appointment's code checks in nowhere.
      bookingCode: null,
      birthDateHash: null,
      checkInFailures: 0,
      checkInLockedUntil: null,
    })
    .where(
      and(
        lt(appointments.endsAt, cutoff),
        sql`(${appointments.citizenName} <> '' or ${appointments.email} is not null or ${appointments.phone} is not null or ${appointments.concern} is not null or ${appointments.bookingCode} is not null or ${appointments.birthDateHash} is not null or ${appointments.checkInFailures} <> 0 or ${appointments.checkInLockedUntil} is not null)`,
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
        stateIn(WAITING),
        isNotNull(visits.appointmentId),
        sql`${appointments.startsAt} > ${after.toISOString()}::timestamptz`,
        sql`${appointments.startsAt} <= ${upTo.toISOString()}::timestamptz`,
      ),
    );
  return rows.map((row) => row.departmentId);
}
