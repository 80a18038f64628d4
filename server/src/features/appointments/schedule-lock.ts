import { sql } from 'drizzle-orm';
import { transactionsRunAlone, type Db } from '../../db/client.js';

/** Any fixed number: the advisory-lock class of departments' schedules (the second key names the department). */
const SCHEDULE_LOCK_CLASS = 7_240_415;
/** The class of one clerk's start time (the second key hashes clerk and start). */
const CLERK_SLOT_LOCK_CLASS = 7_240_416;
/** The class of one e-mail address in one department (the second key hashes both). */
const BOOKER_LOCK_CLASS = 7_240_417;

/**
 * Serialises, per department, what decides whether a time can be booked against what is booked
 * in it: a change of a clerk's hours, an absence or a closure takes this lock EXCLUSIVE; a booking
 * or a move takes it SHARED (`lockScheduleForBooking`). So a change waits for the bookings in
 * flight and the bookings after it wait for the change (issue 15: a change must never leave a
 * booking outside availability, and a booking must never land in a time a change just removed),
 * while bookings of one department run beside each other (issue 14, the 07:45 rush; decision 025's
 * addendum). Each reads what it decides on after taking the lock, inside the same transaction; the
 * lock is released at commit or rollback.
 *
 * A transaction-scoped advisory lock rather than `FOR UPDATE` on the department row: that row is
 * already the knock's lock (the queue cap) and a settings change's, and bookings should wait for
 * neither. It works alike on PostgreSQL and PGlite (one connection there: it never waits). Several
 * departments are locked in one order (by id), so two changes never wait for each other crosswise;
 * taking a lock the transaction already holds returns at once (an availability change moving its
 * collisions takes the shared lock under its own exclusive one).
 */
export async function lockSchedules(tx: Db, departmentIds: Iterable<string>): Promise<void> {
  for (const id of [...new Set(departmentIds)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(${SCHEDULE_LOCK_CLASS}::int4, hashtext(${id}::text))`);
  }
}

/**
 * A booking's or a move's share of the department's schedule lock (see `lockSchedules`). Not sent
 * on PGlite: its transactions run one at a time (`transactionsRunAlone`), so a change can never
 * come between a booking's read and its insert there, and the statement would only cost the one
 * thread a turn (issue 14, the rush; decision 025's second addendum). A change still takes its
 * exclusive lock there: it is rare, and the same code runs on both.
 */
export async function lockScheduleForBooking(tx: Db, departmentId: string): Promise<void> {
  if (transactionsRunAlone(tx)) return;
  await tx.execute(
    sql`select pg_advisory_xact_lock_shared(${SCHEDULE_LOCK_CLASS}::int4, hashtext(${departmentId}::text))`,
  );
}

/**
 * Taken in the savepoint of each attempt to give a clerk a start time, before the row is written.
 * Bookings now run side by side, and two that insert the same clerk's same time at once would
 * each wait for the other's uncommitted row in the no-overlap constraint until the deadlock
 * detector aborts one (a second later, PostgreSQL's `deadlock_timeout`). With this lock the
 * second waits for the first's commit and then meets its row as 23P01 at once. It is keyed by
 * clerk and start, so it only ever waits where the constraint would wait anyway (two rows of one
 * clerk with one start always overlap) and adds no new way to deadlock; overlaps with another
 * start are left to the constraint and the retry in `withFirstFreeClerk`. A refused attempt's
 * savepoint rollback releases it. Not sent on PGlite, where no other transaction's row can be
 * uncommitted while this one runs (see `lockScheduleForBooking`).
 */
export async function lockClerkStart(tx: Db, staffId: string, startsAt: Date): Promise<void> {
  if (transactionsRunAlone(tx)) return;
  const key = `${staffId} ${startsAt.toISOString()}`;
  await tx.execute(sql`select pg_advisory_xact_lock(${CLERK_SLOT_LOCK_CLASS}::int4, hashtext(${key}::text))`);
}

/**
 * Taken before a booking looks for the same e-mail address's appointments at the same time
 * (`emailBookedDuring`), so that two bookings of one person sent at once, to two processes, do not
 * both find none. Not sent on PGlite, whose transactions run one at a time.
 */
export async function lockBooker(tx: Db, departmentId: string, email: string): Promise<void> {
  if (transactionsRunAlone(tx)) return;
  const key = `${departmentId} ${email.toLowerCase()}`;
  await tx.execute(sql`select pg_advisory_xact_lock(${BOOKER_LOCK_CLASS}::int4, hashtext(${key}::text))`);
}
