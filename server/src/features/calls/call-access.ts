import type { CallJoinResponse } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import type { CallGrant, Ctx, MediaEvent } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { inviteeGrant } from '../invites/invitee.service.js';
import { enterCall } from '../visits/visit-states.js';
import { findVisitWithClerk, setCitizenScreenShare } from '../visits/visits.repo.js';
import type { Caller } from './caller.js';

/** Identities in a call: per person and visit, never a name the participant chose. */
export const clerkIdentity = (staffId: string) => `clerk-${staffId}`;
export const citizenIdentity = (visitId: string) => `citizen-${visitId}`;

/**
 * Who may enter a visit's call: the clerk who admitted it, the citizen whose visit cookie names
 * it, and invitees whose seat cookie names an invite for it, while the visit is admitted or in
 * the call. Everybody else gets nothing, whatever room name they guess.
 */
export async function grantFor(db: Db, caller: Caller, visitId: string, now: Date): Promise<CallGrant> {
  const visit = await findVisitWithClerk(db, visitId);
  if (caller.staff && visit?.admittedBy === caller.staff.id) {
    return {
      visitId: visit.id,
      departmentId: visit.departmentId,
      role: 'clerk',
      identity: clerkIdentity(caller.staff.id),
      name: caller.staff.name,
      canShareScreen: true,
      interpreterLanguage: visit.interpreterLanguage,
    };
  }
  if (visit && caller.visitId === visit.id) {
    return {
      visitId: visit.id,
      departmentId: visit.departmentId,
      role: 'citizen',
      identity: citizenIdentity(visit.id),
      name: visit.citizenName,
      canShareScreen: visit.citizenScreenShare,
    };
  }
  if (visit && caller.inviteGuestId) {
    const grant = await inviteeGrant(db, { guestId: caller.inviteGuestId, visit, now });
    if (grant) return grant;
  }
  // Which way back the refusal page offers: staff to their offices, everybody else to the start
  // (issue 13: citizens were offered the staff link). Says only what the caller is themselves.
  throw new AppError('forbidden', { detail: caller.staff ? 'caller=staff' : 'caller=public' });
}

/** `POST /api/calls/:visitId/join`: who the caller is in the call, and how to reach its media. */
export async function joinCall(
  ctx: Pick<Ctx, 'db' | 'media' | 'now'>,
  caller: Caller,
  visitId: string,
): Promise<CallJoinResponse> {
  const grant = await grantFor(ctx.db, caller, visitId, ctx.now);
  const transport = await ctx.media.connect(grant);
  return {
    ...transport,
    visitId: grant.visitId,
    departmentId: grant.departmentId,
    self: { identity: grant.identity, name: grant.name, role: grant.role, canShareScreen: grant.canShareScreen },
    ...(grant.role === 'clerk' ? { interpreterLanguage: grant.interpreterLanguage ?? null } : {}),
  };
}

/**
 * The clerk allows or withdraws the citizen's screen sharing; it holds for the rest of the visit,
 * and the media hears of it at once (for peer-to-peer, the clerk's `call-allow-screen` message
 * tells the room).
 */
export async function allowCitizenScreenShare(
  ctx: Pick<Ctx, 'db' | 'media' | 'now'>,
  caller: Caller,
  visitId: string,
  allowed: boolean,
): Promise<void> {
  const grant = await grantFor(ctx.db, caller, visitId, ctx.now);
  if (grant.role !== 'clerk') throw new AppError('forbidden');
  await setCitizenScreenShare(ctx.db, grant.visitId, allowed);
  await ctx.media.setScreenShare(grant.visitId, citizenIdentity(grant.visitId), allowed);
}

/**
 * The first participant is in the call, on either transport: an admitted visit is now in the call,
 * and everyone watching hears of it (before anyone in the call is told who is there).
 */
export async function markInCall(ctx: Pick<Ctx, 'db' | 'events'>, visitId: string): Promise<void> {
  const entered = await enterCall(ctx.db, visitId);
  if (entered) await ctx.events.publish({ departmentId: entered.departmentId, visitId });
}

/** What the media server saw (a verified webhook). */
export async function onMediaEvent(ctx: Pick<Ctx, 'db' | 'events'>, event: MediaEvent): Promise<void> {
  if (event.type === 'participant_joined') await markInCall(ctx, event.visitId);
}
