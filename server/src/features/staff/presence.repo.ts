import { and, eq, gt, inArray, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { consolePresence } from '../../db/schema.js';

/**
 * Clerks with a console open, per department and connection: the "clerks on duty" of the wait
 * estimate. The live hub keeps each open console's row fresh; a row not refreshed within the TTL
 * (its process died) no longer counts and is deleted.
 */
export const PRESENCE_TTL_MS = 90_000;

/** The row key of one console connection watching one department. */
export const presenceKey = (connectionId: string, departmentId: string) => `${connectionId}:${departmentId}`;

/** For a `where` on console presence: the row was refreshed within the TTL. */
export const presenceFresh = (now: Date): SQL => gt(consolePresence.seenAt, new Date(now.getTime() - PRESENCE_TTL_MS));

/** The clerks with a console of the department open (each once, however many tabs). */
export async function clerksAtConsole(db: Db, departmentId: string, now: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ staffId: consolePresence.staffId })
    .from(consolePresence)
    .where(and(eq(consolePresence.departmentId, departmentId), presenceFresh(now)));
  return rows.map((row) => row.staffId);
}

/** The fresh console rows of the department with when each was last refreshed (the live hub's cache). */
export async function consoleRows(
  db: Db,
  departmentId: string,
  now: Date,
): Promise<{ staffId: string; seenAt: Date }[]> {
  return db
    .select({ staffId: consolePresence.staffId, seenAt: consolePresence.seenAt })
    .from(consolePresence)
    .where(and(eq(consolePresence.departmentId, departmentId), presenceFresh(now)));
}

/** `consoleRows` for several departments at once. */
export async function consoleRowsOf(
  db: Db,
  departmentIds: string[],
  now: Date,
): Promise<{ departmentId: string; staffId: string; seenAt: Date }[]> {
  if (departmentIds.length === 0) return [];
  return db
    .select({
      departmentId: consolePresence.departmentId,
      staffId: consolePresence.staffId,
      seenAt: consolePresence.seenAt,
    })
    .from(consolePresence)
    .where(and(inArray(consolePresence.departmentId, departmentIds), presenceFresh(now)));
}

export async function markPresent(
  db: Db,
  entry: { connectionId: string; staffId: string; departmentId: string; now: Date },
): Promise<void> {
  await db
    .insert(consolePresence)
    .values({
      connectionId: presenceKey(entry.connectionId, entry.departmentId),
      staffId: entry.staffId,
      departmentId: entry.departmentId,
      seenAt: entry.now,
    })
    .onConflictDoUpdate({ target: consolePresence.connectionId, set: { seenAt: entry.now } });
}

export async function clearPresence(db: Db, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.delete(consolePresence).where(inArray(consolePresence.connectionId, keys));
}

/** Keeps the given consoles on duty, and drops those no process has refreshed within the TTL. */
export async function refreshPresence(db: Db, keys: string[], now: Date): Promise<void> {
  if (keys.length > 0) {
    await db.update(consolePresence).set({ seenAt: now }).where(inArray(consolePresence.connectionId, keys));
  }
  await db.delete(consolePresence).where(lt(consolePresence.seenAt, new Date(now.getTime() - PRESENCE_TTL_MS)));
}
