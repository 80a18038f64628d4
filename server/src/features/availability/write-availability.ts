import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { staffAbsences, staffAvailability } from '../../db/schema.js';
import { listDifference } from '../../lib/list-difference.js';

/**
 * The writers of a clerk's bookable hours and absences, shared by the availability screens and
 * the installation file (setup/write-entities.ts): they take parsed values, write inside the
 * caller's transaction and neither audit nor announce (issue 15, item 9).
 */

/**
 * Replaces a person's weekly hours in one department only (the admin screen's change of one
 * clerk's hours); their hours elsewhere stay.
 */
export async function replaceDepartmentAvailability(
  tx: Db,
  staffId: string,
  departmentId: string,
  ranges: readonly { weekday: number; startsAt: string; endsAt: string }[],
): Promise<void> {
  const wanted = ranges.map(({ weekday, startsAt, endsAt }) => ({ departmentId, weekday, startsAt, endsAt }));
  await writeWindows(tx, staffId, wanted, departmentId);
}

export async function writeWindows(
  tx: Db,
  staffId: string,
  wanted: { departmentId: string; weekday: number; startsAt: string; endsAt: string }[],
  onlyDepartmentId: string | null,
): Promise<void> {
  const stored = await tx
    .select({
      id: staffAvailability.id,
      departmentId: staffAvailability.departmentId,
      weekday: staffAvailability.weekday,
      startsAt: staffAvailability.startsAt,
      endsAt: staffAvailability.endsAt,
    })
    .from(staffAvailability)
    .where(
      and(
        eq(staffAvailability.staffId, staffId),
        onlyDepartmentId === null ? undefined : eq(staffAvailability.departmentId, onlyDepartmentId),
      ),
    );
  const { remove, add } = listDifference(
    stored,
    wanted,
    (w) => `${w.departmentId}:${w.weekday}:${w.startsAt}-${w.endsAt}`,
  );
  if (remove.length > 0) await tx.delete(staffAvailability).where(inArray(staffAvailability.id, remove));
  if (add.length > 0) await tx.insert(staffAvailability).values(add.map((w) => ({ staffId, ...w })));
}

/** Adds one absence of a person (an admin screen's entry); returns the row. */
export async function insertAbsence(
  tx: Db,
  staffId: string,
  absence: { startsAt: Date; endsAt: Date; reason: string | null; createdAt?: Date },
) {
  const [row] = await tx
    .insert(staffAbsences)
    .values({ staffId, ...absence })
    .returning();
  return row!;
}

/** Removes one absence of this person; false when they have none with that id. */
export async function deleteAbsence(tx: Db, staffId: string, absenceId: string): Promise<boolean> {
  const rows = await tx
    .delete(staffAbsences)
    .where(and(eq(staffAbsences.id, absenceId), eq(staffAbsences.staffId, staffId)))
    .returning({ id: staffAbsences.id });
  return rows.length > 0;
}
