import { addDays, formatCivilDate, parseCivilDate } from '@amtsraum/shared';
import type { Ctx } from '../../deps.js';
import {
  closuresFor,
  listClosuresEverywhere,
  listDoorsEverywhere,
  type ClosureRow,
  type DepartmentRow,
} from './directory.repo.js';
import { activeDoorOverride, doorStatus } from './directory.service.js';

/**
 * A door also turns by the clock alone: the opening hours begin or end, a closure's day comes, a
 * clerk's setting for the day lapses at midnight. No request publishes that, and the live hub
 * answers every watch from what it kept until the department's next event: a door page opened at
 * 08:01 said "closed, opens at 08:00", one open at closing time went on offering the knock, and a
 * console left open overnight still showed yesterday's "closed". This tells the hub about the
 * departments whose door, read by the clock, differs between `after` and now. Run by the jobs
 * scheduler in every server process; an event too many costs a re-read.
 */
export async function announceDoorTurns(ctx: Pick<Ctx, 'db' | 'events' | 'now'>, after: Date): Promise<void> {
  // The day before `after` in UTC is on or before its day in every time zone.
  const fromDate = formatCivilDate(addDays(parseCivilDate(after.toISOString().slice(0, 10)), -1));
  const [doors, closureRows] = await Promise.all([
    listDoorsEverywhere(ctx.db),
    listClosuresEverywhere(ctx.db, fromDate),
  ]);
  const turned = doors.filter(({ department, timeZone }) => {
    const own = closuresFor(closureRows, department.id);
    return doorByClock(department, own, timeZone, after) !== doorByClock(department, own, timeZone, ctx.now);
  });
  await ctx.events.publishAll(turned.map(({ department }) => ({ departmentId: department.id })));
}

/** What of a door depends on the clock alone (attendance has a job of its own), comparable. */
function doorByClock(department: DepartmentRow, closureRows: ClosureRow[], timeZone: string, at: Date): string {
  const door = doorStatus(department, closureRows, timeZone, at);
  const setting = activeDoorOverride(department, timeZone, at);
  return JSON.stringify([door.state, door.openByHours, door.closesAt, door.nextOpening, setting]);
}
