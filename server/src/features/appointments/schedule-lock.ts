import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

/** Any fixed number: the advisory-lock class of departments' schedules (the second key names the department). */
const SCHEDULE_LOCK_CLASS = 7_240_415;

/**
 * Serialises, per department, what decides whether a time can be booked and what is booked in it:
 * a booking or a move, and a change of a clerk's hours, an absence or a closure (issue 15: a change
 * must never leave a booking outside availability, and a booking must never land in a time a
 * change just removed). Each reads what it decides on after taking the lock, inside the same
 * transaction; the lock is released at commit or rollback.
 *
 * A transaction-scoped advisory lock rather than `FOR UPDATE` on the department row: that row is
 * already the knock's lock (the queue cap) and a settings change's, and bookings should wait for
 * neither. It works alike on PostgreSQL and PGlite. Several departments are locked in one order
 * (by id), so two changes never wait for each other crosswise; taking a lock the transaction
 * already holds returns at once (an availability change moving its collisions).
 */
export async function lockSchedules(tx: Db, departmentIds: Iterable<string>): Promise<void> {
  for (const id of [...new Set(departmentIds)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(${SCHEDULE_LOCK_CLASS}::int4, hashtext(${id}::text))`);
  }
}
