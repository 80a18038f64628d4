import type { Ctx } from '../../deps.js';
import { departmentsWithArrivalsDue } from './appointments.repo.js';

/**
 * An arrival whose booked start has just passed moves to the front of its queue without any other
 * change happening, and the live hub re-reads positions on events only: this tells it, for the
 * departments where a start fell in (after, now]. Run by the jobs scheduler every minute, in every
 * server process; an event too many costs a re-read.
 */
export async function announceDueArrivals(ctx: Pick<Ctx, 'db' | 'events' | 'now'>, after: Date): Promise<void> {
  const due = await departmentsWithArrivalsDue(ctx.db, after, ctx.now);
  await ctx.events.publishAll(due.map((departmentId) => ({ departmentId })));
}
