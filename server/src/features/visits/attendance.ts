import { PLACE_HOLD_MINUTES } from '@amtsraum/shared';
import { and, gt, inArray, isNotNull, isNull, lte, notInArray, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { consolePresence, departments, visits } from '../../db/schema.js';
import type { Ctx } from '../../deps.js';
import { insertAudit } from '../audit/audit.repo.js';
import { UNATTENDED_GRACE_MS } from '../directory/directory.service.js';
import { presenceFresh } from '../staff/presence.repo.js';
import { dropUnattended, stateIn, WITH_CLERK } from './visit-states.js';

/**
 * A door nobody attends (issue 13; docs/decisions/017-a-door-nobody-attends.md). Somebody attends
 * a department while a clerk has its console open or is with one of its citizens. When nobody has
 * for a minute (`UNATTENDED_GRACE_MS`), the door stops taking knocks and the people waiting are
 * told; they keep their place for `PLACE_HOLD_MS`, and if nobody comes back by then their visit
 * ends as `unattended`, with the booking link offered.
 */

/** How long people waiting keep their place at a door nobody attends (shared: the waiting room says it). */
export const PLACE_HOLD_MS = PLACE_HOLD_MINUTES * 60_000;

/** Departments somebody attends at `now`, as subqueries (each a list of department ids). */
function attendedNow(db: Db, now: Date) {
  return [
    db.select({ id: consolePresence.departmentId }).from(consolePresence).where(presenceFresh(now)),
    db.select({ id: visits.departmentId }).from(visits).where(stateIn(WITH_CLERK)),
  ];
}

/**
 * One round of the attendance job: stamps departments nobody attends (`unattended_since`), clears
 * the stamp where somebody is back, tells the pages of departments whose grace ran out since
 * `previousRound`, and ends the places held long enough. Each step is one conditional statement,
 * so several processes may run it at once; the events only say "look again".
 */
export async function followAttendance(
  ctx: Pick<Ctx, 'db' | 'events' | 'now'>,
  previousRound: Date,
): Promise<{ dropped: number }> {
  const { db, now } = ctx;
  const attended = attendedNow(db, now);
  const cleared = await db
    .update(departments)
    .set({ unattendedSince: null })
    .where(and(isNotNull(departments.unattendedSince), or(...attended.map((ids) => inArray(departments.id, ids)))))
    .returning({ id: departments.id });
  const stamped = await db
    .update(departments)
    .set({ unattendedSince: now })
    .where(and(isNull(departments.unattendedSince), ...attended.map((ids) => notInArray(departments.id, ids))))
    .returning({ id: departments.id });
  // The stamp is part of the department the live hubs keep: they read it again.
  await ctx.events.publishAll([...cleared, ...stamped].map(({ id }) => ({ departmentId: id, context: true })));

  // The door turns unattended by the passing of time alone: no request publishes it.
  const crossed = await db
    .select({ id: departments.id })
    .from(departments)
    .where(
      and(
        gt(departments.unattendedSince, new Date(previousRound.getTime() - UNATTENDED_GRACE_MS)),
        lte(departments.unattendedSince, new Date(now.getTime() - UNATTENDED_GRACE_MS)),
      ),
    );
  await ctx.events.publishAll(crossed.map(({ id }) => ({ departmentId: id })));

  const dropped = await dropUnattended(db, { holdMs: PLACE_HOLD_MS, now, attendedDepartments: attended });
  for (const row of dropped) {
    await insertAudit(db, {
      tenantId: row.tenantId,
      departmentId: row.departmentId,
      visitId: row.id,
      actorKind: 'system',
      action: 'visit.unattended',
      data: { holdMinutes: PLACE_HOLD_MS / 60_000 },
      createdAt: now,
    });
  }
  await ctx.events.publishAll(
    [...new Set(dropped.map((row) => row.departmentId))].map((departmentId) => ({ departmentId })),
  );
  return { dropped: dropped.length };
}

/** When a waiting walk-in's place at a door nobody attends gives up: from the later of stamp and knock. */
export function placeHeldUntil(unattendedSince: Date, knockedAt: Date): Date {
  return new Date(Math.max(unattendedSince.getTime(), knockedAt.getTime()) + PLACE_HOLD_MS);
}
