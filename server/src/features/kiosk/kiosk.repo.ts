import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appointments, departments, services, visits } from '../../db/schema.js';
import { stateIn, WAITING } from '../visits/visit-states.js';

/**
 * The appointment a booking code names, with its department: in the municipality `tenantId`, or
 * anywhere in the installation when null (a QR code only this installation can make, from a
 * citizen at the wrong town hall, is told where to go). A typed code is looked up in the kiosk's
 * municipality only: a kiosk must not tell which codes exist elsewhere, nor count wrong dates of
 * birth (and lock) on other municipalities' appointments.
 */
export async function findAppointmentByBookingCode(db: Db, bookingCode: string, tenantId: string | null) {
  const [row] = await db
    .select({
      id: appointments.id,
      departmentId: appointments.departmentId,
      departmentName: departments.name,
    })
    .from(appointments)
    .innerJoin(departments, eq(departments.id, appointments.departmentId))
    .where(and(eq(appointments.bookingCode, bookingCode), tenantId ? eq(appointments.tenantId, tenantId) : undefined))
    .limit(1);
  return row;
}

/**
 * Stores the count of wrong dates of birth since the last right one on a locked appointment row,
 * and the check-in lock they earned (`lockedUntil`), or none. Only called while no lock holds, so a
 * lock that ran out is cleared here; the count goes on across locks (each lock lasts longer:
 * kiosk.service.ts) and only a right date or the QR code resets it.
 */
export async function recordCheckInFailure(
  db: Db,
  options: { appointmentId: string; failures: number; lockedUntil: Date | null },
): Promise<void> {
  await db
    .update(appointments)
    .set({ checkInFailures: options.failures, checkInLockedUntil: options.lockedUntil })
    .where(eq(appointments.id, options.appointmentId));
}

/** A successful check-in forgets earlier wrong tries. */
export async function resetCheckInFailures(db: Db, appointmentId: string): Promise<void> {
  await db
    .update(appointments)
    .set({ checkInFailures: 0, checkInLockedUntil: null })
    .where(eq(appointments.id, appointmentId));
}

/** Services a walk-in ticket may name: given on site and handled without appointment. */
export async function listWalkInServices(db: Db, departmentId: string) {
  return db
    .select({ id: services.id, slug: services.slug, name: services.name })
    .from(services)
    .where(
      and(
        eq(services.departmentId, departmentId),
        eq(services.knockable, true),
        inArray(services.channels, ['onsite', 'both']),
        isNull(services.archivedAt),
      ),
    )
    .orderBy(asc(services.sortOrder), asc(services.slug));
}

/** Waiting visits of a department, counted inside the caller's transaction (after it locked the department). */
export async function countWaiting(db: Db, departmentId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(visits)
    .where(and(eq(visits.departmentId, departmentId), stateIn(WAITING)));
  return row?.n ?? 0;
}

/** Locks a department's row until the transaction ends: "count, then insert" stays atomic. */
export async function lockDepartment(db: Db, departmentId: string): Promise<void> {
  await db.select({ id: departments.id }).from(departments).where(eq(departments.id, departmentId)).for('update');
}
