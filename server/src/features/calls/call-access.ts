import type { CallJoinResponse, CallPreview, CallStatus } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import type { CallGrant, Ctx } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { guestIdFromIdentity } from '../invites/invite-links.js';
import { inviteeGrant, seatRefusal, seatWasFor } from '../invites/invitee.service.js';
import { ACTIVE, ENDED, enterCall, WITH_CLERK } from '../visits/visit-states.js';
import { callKeyOf, findVisitWithClerk, setCitizenScreenShare } from '../visits/visits.repo.js';
import type { Caller } from './caller.js';
import { setMemberScreenShare } from './call-members.repo.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Identities in a call: per person and visit, never a name the participant chose. */
export const clerkIdentity = (staffId: string) => `clerk-${staffId}`;
export const citizenIdentity = (visitId: string) => `citizen-${visitId}`;

/**
 * Who may enter a visit's call: the clerk who admitted it, the citizen whose visit cookie names
 * it, and invitees whose seat cookie names an invite for it, while the visit is admitted or in
 * the call. Everybody else gets nothing, whatever room name they guess.
 */
/**
 * A grant with the municipality's time zone, which every clock in the call reads (as the console's
 * do), and its slug, by which the call's pages link to its legal notice and privacy statement.
 */
type ZonedGrant = CallGrant & { timeZone: string; tenantSlug: string };

export async function grantFor(db: Db, caller: Caller, visitId: string, now: Date): Promise<ZonedGrant> {
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
      timeZone: visit.timeZone,
      tenantSlug: visit.tenantSlug,
    };
  }
  if (visit && caller.visitId === visit.id) return citizenGrant(visit);
  if (visit && caller.inviteGuestId) {
    const grant = await inviteeGrant(db, { guestId: caller.inviteGuestId, visit, now });
    if (grant) return { ...grant, timeZone: visit.timeZone, tenantSlug: visit.tenantSlug };
  }
  throw refusal(caller);
}

/**
 * An invitee refused the join of a call their seat was for hears why (`invite_removed`,
 * `invite_revoked`, `invite_expired`), as their invitation page says it; anyone else `forbidden`.
 */
async function joinRefusal(db: Db, caller: Caller, visitId: string, now: Date, error: unknown): Promise<unknown> {
  if (!(error instanceof AppError) || error.code !== 'forbidden' || !caller.inviteGuestId) return error;
  const visit = await findVisitWithClerk(db, visitId);
  const own = await seatRefusal(db, {
    guestId: caller.inviteGuestId,
    visitId,
    appointmentId: visit?.appointmentId ?? null,
    now,
  });
  return own ?? error;
}

function citizenGrant(visit: NonNullable<Awaited<ReturnType<typeof findVisitWithClerk>>>): ZonedGrant {
  return {
    visitId: visit.id,
    departmentId: visit.departmentId,
    role: 'citizen',
    identity: citizenIdentity(visit.id),
    name: visit.citizenName,
    canShareScreen: visit.citizenScreenShare,
    timeZone: visit.timeZone,
    tenantSlug: visit.tenantSlug,
  };
}

/**
 * Which way back the refusal page offers: staff to their offices, everybody else to the start
 * (issue 13: citizens were offered the staff link). Says only what the caller is themselves.
 */
function refusal(caller: Caller): AppError {
  return new AppError('forbidden', { extra: { caller: caller.staff ? 'staff' : 'public' } });
}

/** Who the caller is in the call, beside how to reach its media. */
function joined<T extends object>(grant: ZonedGrant, transport: T) {
  return {
    ...transport,
    visitId: grant.visitId,
    departmentId: grant.departmentId,
    timeZone: grant.timeZone,
    self: { identity: grant.identity, name: grant.name, role: grant.role, canShareScreen: grant.canShareScreen },
  };
}

/** `POST /api/calls/:visitId/join`: who the caller is in the call, and how to reach its media. */
export async function joinCall(
  ctx: Pick<Ctx, 'db' | 'media' | 'now'>,
  caller: Caller,
  visitId: string,
): Promise<CallJoinResponse> {
  const grant = await grantFor(ctx.db, caller, visitId, ctx.now).catch(async (error: unknown) => {
    throw await joinRefusal(ctx.db, caller, visitId, ctx.now, error);
  });
  const transport = await ctx.media.connect(grant, async () => {
    const key = await callKeyOf(ctx.db, grant.visitId);
    if (!key) throw new AppError('forbidden'); // the visit ended a moment ago
    return key;
  });
  return {
    ...joined(grant, transport),
    ...(grant.role === 'clerk' ? { interpreterLanguage: grant.interpreterLanguage ?? null } : {}),
  };
}

/** The refusals of a join that say the invitee's seat in this call is gone, not the call. */
const SEAT_GONE: readonly string[] = ['invite_removed', 'invite_revoked', 'invite_expired'];

/**
 * `GET /api/calls/:visitId/status`: whether the caller may still be in the call, with the same
 * checks as the join. It says nothing beyond that: for anyone not in the call it is `ended`, as for
 * a call that is over; only an invitee whose own seat in it is gone hears `removed`, which the
 * join tells them too. Someone in the call, or in it before, hears its municipality too: the
 * call's pages link to its legal notice and privacy statement (their footer asks).
 */
export async function callStatus(ctx: Pick<Ctx, 'db' | 'now'>, caller: Caller, visitId: string): Promise<CallStatus> {
  try {
    const grant = await grantFor(ctx.db, caller, visitId, ctx.now);
    return { status: 'on', tenantSlug: grant.tenantSlug };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'forbidden') throw error;
    const refusal = await joinRefusal(ctx.db, caller, visitId, ctx.now, error);
    const status = refusal instanceof AppError && SEAT_GONE.includes(refusal.code) ? 'removed' : 'ended';
    const tenantSlug = await formerTenantOf(ctx.db, caller, visitId);
    return tenantSlug ? { status, tenantSlug } : { status };
  }
}

/** A visit let in by a clerk, in the call or over since. */
const AFTER_ADMIT = [...WITH_CLERK, ...ENDED];

/**
 * The municipality of a call the caller was in, or let into, once they may no longer be in it:
 * the page after the call (loaded again) and the page of an invitee taken out still link to its
 * legal pages. The citizen of the visit, the clerk who let them in, an invitee whose seat was for
 * it; nobody else hears whose call it was.
 */
async function formerTenantOf(db: Db, caller: Caller, visitId: string): Promise<string | null> {
  const visit = await findVisitWithClerk(db, visitId, AFTER_ADMIT);
  if (!visit) return null;
  const own =
    caller.visitId === visit.id ||
    (caller.staff !== null && visit.admittedBy === caller.staff.id) ||
    (caller.inviteGuestId !== null && (await seatWasFor(db, caller.inviteGuestId, visit)));
  return own ? visit.tenantSlug : null;
}

/**
 * `POST /api/calls/:visitId/preview`: what the citizen's own visit will be called on, while it is
 * still waiting (or already let in), so that the call starts the moment it is let in (issue 14).
 * Peer-to-peer: the grant the join would give, which opens nothing by itself: our WebSocket admits
 * its `call-join` only once the visit is with its clerk (`grantFor`). LiveKit: the name only, no
 * token before the admit (decision 012, addendum). Nobody else's visit, and nobody else.
 */
export async function previewCall(
  ctx: Pick<Ctx, 'db' | 'media' | 'now'>,
  caller: Caller,
  visitId: string,
): Promise<CallPreview> {
  const visit = caller.visitId === visitId ? await findVisitWithClerk(ctx.db, visitId, ACTIVE) : undefined;
  if (!visit) throw refusal(caller);
  if (!ctx.media.signalling) return { transport: 'livekit' };
  const grant = citizenGrant(visit);
  const transport = await ctx.media.connect(grant, () => Promise.reject(new AppError('forbidden')));
  return transport.transport === 'p2p'
    ? { transport: 'p2p', grant: joined(grant, transport) }
    : { transport: 'livekit' };
}

/**
 * The clerk allows or withdraws screen sharing for the citizen (the default) or an invitee in the
 * call, and the media hears of it at once (for peer-to-peer, the clerk's `call-allow-screen`
 * message tells the room). The citizen's permission holds for the rest of the visit; an
 * invitee's holds while they are in the call (a new LiveKit token starts without it, as a
 * peer-to-peer rejoin after leaving does).
 */
export async function allowScreenShare(
  ctx: Pick<Ctx, 'db' | 'media' | 'now'>,
  caller: Caller,
  visitId: string,
  change: { allowed: boolean; identity?: string | undefined },
): Promise<void> {
  // Only a clerk may: an invitee still in the lobby heard "please wait" here, as if they could.
  if (!caller.staff) throw refusal(caller);
  const grant = await grantFor(ctx.db, caller, visitId, ctx.now);
  if (grant.role !== 'clerk') throw new AppError('forbidden');
  const identity = change.identity ?? citizenIdentity(grant.visitId);
  if (!(await mayBeLetShare(ctx.db, grant.visitId, identity, ctx.now))) {
    throw new AppError('forbidden', { detail: 'not a participant of this call' });
  }
  if (identity === citizenIdentity(grant.visitId)) {
    await setCitizenScreenShare(ctx.db, grant.visitId, change.allowed);
  } else {
    // Peer-to-peer: the stored member, for the room's next join or reload (the live socket's
    // message is what tells the room at once).
    if (ctx.media.signalling) await setMemberScreenShare(ctx.db, { visitId: grant.visitId, identity }, change.allowed);
  }
  await ctx.media.setScreenShare(grant.visitId, identity, change.allowed);
}

/**
 * Whether the clerk may let `identity` share their screen in the visit's call (or stop them): the
 * citizen, or an invitee of this call let in and with a seat still valid; not the clerk, not
 * anyone else. The one rule for the HTTP route and the live socket's message.
 */
export async function mayBeLetShare(db: Db, visitId: string, identity: string, now: Date): Promise<boolean> {
  if (identity === citizenIdentity(visitId)) return true;
  return guestIdFromIdentity(identity) !== null && (await identityMayJoin(db, visitId, identity, now));
}

/**
 * The first participant is in the call, on either transport: an admitted visit is now in the call,
 * and everyone watching hears of it (before anyone in the call is told who is there).
 */
export async function markInCall(ctx: Pick<Ctx, 'db' | 'events'>, visitId: string): Promise<void> {
  const entered = await enterCall(ctx.db, visitId);
  if (entered) {
    await ctx.events.publish({
      departmentId: entered.departmentId,
      visitId,
      moved: { to: 'in_call', at: new Date().toISOString() },
    });
  }
}

/**
 * Whether the person behind a call identity may be in the visit's call now: the same rules as
 * `grantFor`, read from the identity the media server reports instead of from cookies. A token
 * handed out earlier proves nothing (a withdrawn link, a finished visit).
 */
export async function identityMayJoin(db: Db, visitId: string, identity: string, now: Date): Promise<boolean> {
  const visit = await findVisitWithClerk(db, visitId);
  if (!visit) return false;
  if (visit.admittedBy && identity === clerkIdentity(visit.admittedBy)) return true;
  if (identity === citizenIdentity(visit.id)) return true;
  const guestId = guestIdFromIdentity(identity);
  if (!guestId || !UUID.test(guestId)) return false;
  const grant = await inviteeGrant(db, { guestId, visit, now }).catch(() => null); // a lobby not yet let in
  return grant?.identity === identity;
}
