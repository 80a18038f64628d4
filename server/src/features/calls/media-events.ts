import type { Ctx, MediaEvent } from '../../deps.js';
import { insertAudit } from '../audit/audit.repo.js';
import { callOver } from '../visits/visit-states.js';
import { findVisitWithClerk, visitIdsInCall } from '../visits/visits.repo.js';
import { identityMayJoin, markInCall } from './call-access.js';

/**
 * The media server's view of the calls (LiveKit) and ours, kept in agreement. Webhooks bring each
 * change at once; `reconcileCalls` puts right what webhooks missed while our server was down
 * (LiveKit gives up on a webhook after a few retries in about 15 s). Both only ever act on what
 * the database and LiveKit say now, so a webhook that is late, repeated or replayed within its
 * signature's five minutes changes nothing (decision 013: no store of event ids).
 */

type MediaCtx = Pick<Ctx, 'db' | 'events' | 'media' | 'logger' | 'now'>;

export async function onMediaEvent(ctx: MediaCtx, event: MediaEvent): Promise<void> {
  switch (event.type) {
    case 'participant_joined':
      return admitOrRemove(ctx, event.visitId, event.identity);
    case 'room_finished':
      // A room of the same name open again (a new join reopened it) makes this one old news.
      if (await ctx.media.calls?.isOpen(event.visitId)) return;
      return endCallOver(ctx, event.visitId);
  }
}

/**
 * Someone is in the visit's room: with a right to be there the visit is in the call; without one
 * (a withdrawn link, a token from before) LiveKit takes them out again at once.
 */
async function admitOrRemove(ctx: MediaCtx, visitId: string, identity: string): Promise<void> {
  if (await identityMayJoin(ctx.db, visitId, identity, ctx.now)) {
    await markInCall(ctx, visitId);
    return;
  }
  ctx.logger.info({ visitId }, 'removing a participant without a grant from the call');
  await ctx.media
    .removeParticipant(visitId, identity)
    .catch((error: unknown) => ctx.logger.warn({ err: error, visitId }, 'could not remove a participant'));
}

/** The call is over on the media server: the visit ends, served. */
async function endCallOver(ctx: MediaCtx, visitId: string): Promise<void> {
  const ended = await callOver(ctx.db, { visitId, now: ctx.now });
  if (!ended) return;
  await insertAudit(ctx.db, {
    tenantId: ended.tenantId,
    departmentId: ended.departmentId,
    visitId,
    actorKind: 'system',
    action: 'visit.call_over',
    createdAt: ctx.now,
  });
  await ctx.events.publish({
    departmentId: ended.departmentId,
    visitId,
    moved: { to: 'done', at: ctx.now.toISOString() },
  });
}

/**
 * Everything the webhooks would have told, read from the media server now: rooms of visits that
 * ended are closed, people without a right are removed, a visit with someone rightfully in its room
 * is in the call, and a visit in the call whose room is gone is over. Run at start and every half
 * minute by every process; each step is conditional, so processes running it at once agree.
 */
export async function reconcileCalls(ctx: MediaCtx): Promise<void> {
  const calls = ctx.media.calls;
  if (!calls) return;
  // The visits first: a visit in the call now had its room before the listing below began.
  const inCall = await visitIdsInCall(ctx.db);
  const open = await calls.list();
  for (const call of open) {
    if (!(await findVisitWithClerk(ctx.db, call.visitId))) {
      await ctx.media
        .endCall(call.visitId)
        .catch((error: unknown) => ctx.logger.warn({ err: error, visitId: call.visitId }, 'could not close a room'));
      continue;
    }
    for (const identity of call.identities) await admitOrRemove(ctx, call.visitId, identity);
  }
  const stillOpen = new Set(open.map((call) => call.visitId));
  for (const visitId of inCall) if (!stillOpen.has(visitId)) await endCallOver(ctx, visitId);
}
