import { asc, desc, sql, type SQL } from 'drizzle-orm';
import { appointments, visits } from '../../db/schema.js';

/**
 * Queue order (issue 6): appointment arrivals whose booked start has come go first, by that start;
 * then everybody else (walk-ins, and arrivals early for their time) by (priority desc, created_at,
 * id). The one order for the console, the citizen's position and "admit next".
 */
export function queueOrder(now: Date | SQL): SQL[] {
  // `now` as SQL: a placeholder of a prepared statement (db/prepared.ts), a timestamptz.
  const at = now instanceof Date ? sql`${now.toISOString()}::timestamptz` : now;
  const dueStart = sql`(select due.starts_at from ${appointments} due where due.id = ${visits.appointmentId} and due.starts_at <= ${at})`;
  return [sql`${dueStart} asc nulls last`, desc(visits.priority), asc(visits.createdAt), asc(visits.id)];
}
