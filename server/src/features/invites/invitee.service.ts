import type { InvitePreview, InviteeStatus } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import type { CallGrant, Ctx } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import { isEnded, isWaiting } from '../visits/visit-states.js';
import {
  countUse,
  findDepartmentContext,
  findInvite,
  findInvitedAppointment,
  findSeat,
  findSeatOfInvite,
  findSeats,
  insertGuest,
  liveVisitFor,
  type GuestRow,
  type InviteRow,
} from './invites.repo.js';
import { inviteeIdentity, inviteState, linkExpiry } from './invite-links.js';
import { InviteTokenExpired, verifyInviteToken } from './invite-token.js';

/**
 * The invitee's side of an invite link: the token is exchanged once for a seat (an
 * `invite_guests` row, named by an httpOnly cookie) in exactly that one call with exactly the
 * link's role. Every check reads the rows, so a revocation holds at once, in every process.
 */

type PublicCtx = Pick<Ctx, 'db' | 'events' | 'config' | 'now'>;

/**
 * Loads a seat with its invite and checks both are still good: the one gate for status and joining.
 * A person the clerk removed hears that, not that the link was withdrawn (issue 13): withdrawing
 * a link removes its people at the same instant, so only a removal before it is personal.
 */
async function loadSeat(db: Db, guestId: string, now: Date) {
  const row = await findSeat(db, guestId);
  if (!row) throw new AppError('invite_invalid');
  requireSeatGood(row, now);
  return row;
}

/** Throws why a seat is no good any more (removed, its link withdrawn or expired); the clerk's checks too. */
export function requireSeatGood(row: { guest: GuestRow; invite: InviteRow }, now: Date): void {
  const { removedAt } = row.guest;
  const { revokedAt } = row.invite;
  if (removedAt && (!revokedAt || removedAt < revokedAt)) throw new AppError('invite_removed');
  if (revokedAt) throw new AppError('invite_revoked');
  if (row.invite.expiresAt && row.invite.expiresAt <= now) throw new AppError('invite_expired');
}

/** Appointment states in which no call will come any more. */
const APPOINTMENT_OVER = ['cancelled', 'done', 'no_show'];

/**
 * Where the invite leads now: the live visit of its call, or when that call opens (appointment
 * links before the citizen is in). A call that is over ends the invite: `invite_call_ended`.
 */
export async function callOf(db: Db, invite: InviteRow): Promise<{ visitId: string | null; opensAt: Date | null }> {
  if (invite.visitId) {
    const visit = await liveVisitFor(db, invite);
    if (!visit || isEnded(visit.state)) throw new AppError('invite_call_ended');
    return { visitId: isWaiting(visit.state) ? null : invite.visitId, opensAt: null };
  }
  const appointment = await findInvitedAppointment(db, invite.appointmentId!);
  if (!appointment || APPOINTMENT_OVER.includes(appointment.state)) throw new AppError('invite_call_ended');
  const visitId = (await liveVisitFor(db, invite))?.id ?? null;
  return { visitId, opensAt: visitId ? null : appointment.startsAt };
}

/** Refusals the status of a seat says as its state: a page left open asks, and these are answers. */
const ANSWERED_STATES = {
  invite_call_ended: 'ended',
  invite_removed: 'removed',
  invite_revoked: 'revoked',
  invite_expired: 'expired',
} as const satisfies Partial<Record<AppError['code'], InviteeStatus['state']>>;

function answeredState(error: unknown): InviteeStatus['state'] | null {
  if (!(error instanceof AppError) || !Object.hasOwn(ANSWERED_STATES, error.code)) return null;
  return ANSWERED_STATES[error.code as keyof typeof ANSWERED_STATES];
}

/**
 * How the call stands for a seat. `answer` (the status a page left open asks for): a seat that is
 * no good any more (removed, its link withdrawn or run out) or a call that is over is said as that
 * state (`removed`, `revoked`, `expired`, `ended`), not refused (403/410), which the browser logs
 * as a failed load. Without it, the caller has checked the seat, and an ended call is refused.
 */
async function statusOf(db: Db, invite: InviteRow, guest: GuestRow, now: Date, answer = false): Promise<InviteeStatus> {
  const context = await findDepartmentContext(db, invite.departmentId);
  if (!context) throw new AppError('invite_invalid');
  const base = {
    role: invite.role,
    label: invite.label,
    name: guest.name ?? invite.label,
    ...context,
    serverTime: now.toISOString(),
  };
  let call: Awaited<ReturnType<typeof callOf>>;
  try {
    if (answer) requireSeatGood({ invite, guest }, now);
    call = await callOf(db, invite);
  } catch (error) {
    const state = answer && answeredState(error);
    if (state) return { ...base, visitId: null, opensAt: null, state };
    throw error;
  }
  const { visitId, opensAt } = call;
  const at = { visitId, opensAt: opensAt?.toISOString() ?? null };
  if (!visitId) return { ...base, ...at, state: 'not_started' };
  return { ...base, ...at, state: invite.lobby && !guest.admittedAt ? 'waiting' : 'ready' };
}

async function previewOf(db: Db, invite: InviteRow, seated: boolean): Promise<InvitePreview> {
  const context = await findDepartmentContext(db, invite.departmentId);
  if (!context) throw new AppError('invite_invalid');
  return { role: invite.role, label: invite.label, ...context, seated };
}

/** Refusals of a link whose holder hears its municipality with them (InviteProblemSchema). */
const LINK_REFUSALS: readonly AppError['code'][] = [
  'invite_call_ended',
  'invite_used_up',
  'invite_revoked',
  'invite_removed',
  'invite_expired',
];

/**
 * Runs `run` for the invite a link's token names, its refusals (the call over, the link used up,
 * withdrawn or run out) naming the invite's municipality: the page saying so links to its legal
 * notice and privacy statement, as it did while the link was good. Only a verified token gets
 * that far: the link itself is the grant, and a guessed or broken one hears no municipality.
 */
async function forLink<T>(ctx: PublicCtx, token: string, run: (inviteId: string) => Promise<T>): Promise<T> {
  let inviteId: string;
  try {
    inviteId = await verifyInviteToken(
      { secret: ctx.config.sessionSecret, origin: ctx.config.publicBaseUrl.origin },
      token,
      ctx.now,
    );
  } catch (error) {
    throw error instanceof InviteTokenExpired ? await naming(ctx.db, error.inviteId, error) : error;
  }
  try {
    return await run(inviteId);
  } catch (error) {
    throw error instanceof AppError && LINK_REFUSALS.includes(error.code)
      ? await naming(ctx.db, inviteId, error)
      : error;
  }
}

/** The refusal with the invite's municipality named, or as it was when the invite is gone. */
async function naming(db: Db, inviteId: string, error: AppError): Promise<AppError> {
  const invite = await findInvite(db, inviteId);
  const context = invite && (await findDepartmentContext(db, invite.departmentId));
  if (!context) return error;
  return new AppError(error.code, {
    extra: { ...error.extra, tenantSlug: context.tenantSlug },
    headers: error.headers,
  });
}

/**
 * What a link is worth, before anything is spent on it, so the invitation page says at once that
 * a link is broken, used up, withdrawn or its call over (issue 13: it said so only after "Weiter").
 * A browser that already holds a seat by this link hears about that seat (removed, or `seated`).
 */
export async function checkInvite(
  ctx: PublicCtx,
  options: { token: string; currentGuestId: string | null },
): Promise<InvitePreview> {
  return forLink(ctx, options.token, async (inviteId) => {
    if (options.currentGuestId) {
      const mine = await findSeatOfInvite(ctx.db, options.currentGuestId, inviteId);
      if (mine) {
        const seat = await loadSeat(ctx.db, mine.id, ctx.now);
        await callOf(ctx.db, seat.invite);
        return previewOf(ctx.db, seat.invite, true);
      }
    }
    const invite = await findInvite(ctx.db, inviteId);
    if (!invite) throw new AppError('invite_invalid');
    const state = inviteState(invite, ctx.now);
    if (state !== 'active') throw new AppError(`invite_${state}`);
    await callOf(ctx.db, invite);
    return previewOf(ctx.db, invite, false);
  });
}

/**
 * Exchanges a link's token for a seat. The same browser opening the same link again keeps its seat
 * (no second use is counted); anyone else needs a use left on the link.
 */
export async function redeemInvite(
  ctx: PublicCtx,
  options: { token: string; name?: string; currentGuestId: string | null },
): Promise<{ guestId: string; status: InviteeStatus; expiresAt: Date }> {
  return forLink(ctx, options.token, async (inviteId) => {
    if (options.currentGuestId) {
      const mine = await findSeatOfInvite(ctx.db, options.currentGuestId, inviteId);
      if (mine) {
        const seat = await loadSeat(ctx.db, mine.id, ctx.now);
        return {
          guestId: mine.id,
          status: await statusOf(ctx.db, seat.invite, seat.guest, ctx.now),
          expiresAt: linkExpiry(seat.invite, ctx.now),
        };
      }
    }
    const seat = await ctx.db.transaction(async (tx) => {
      const invite = await findInvite(tx, inviteId, { lock: true });
      if (!invite) throw new AppError('invite_invalid');
      const state = inviteState(invite, ctx.now);
      if (state !== 'active') throw new AppError(`invite_${state}`);
      // The call must still exist before a use is spent on it.
      await callOf(tx, invite);
      const counted = await countUse(tx, invite.id);
      const guest = await insertGuest(tx, {
        inviteId: invite.id,
        name: options.name || null,
        admittedAt: invite.lobby ? null : ctx.now,
        createdAt: ctx.now,
      });
      if (!counted) throw new Error('redeeming an invite wrote nothing');
      return { invite: counted, guest };
    });
    const visit = await liveVisitFor(ctx.db, seat.invite);
    await insertAudit(ctx.db, {
      tenantId: seat.invite.tenantId,
      departmentId: seat.invite.departmentId,
      visitId: visit?.id ?? seat.invite.visitId,
      actorKind: 'invitee',
      action: 'invite_used',
      data: { inviteId: seat.invite.id, guestId: seat.guest.id, role: seat.invite.role },
      createdAt: ctx.now,
    });
    await ctx.events.publish({ departmentId: seat.invite.departmentId, ...(visit ? { visitId: visit.id } : {}) });
    return {
      guestId: seat.guest.id,
      status: await statusOf(ctx.db, seat.invite, seat.guest, ctx.now),
      expiresAt: linkExpiry(seat.invite, ctx.now),
    };
  });
}

export async function inviteeStatus(ctx: PublicCtx, guestId: string | null): Promise<InviteeStatus> {
  if (!guestId) throw new AppError('invite_invalid');
  const seat = await findSeat(ctx.db, guestId);
  if (!seat) throw new AppError('invite_invalid');
  return statusOf(ctx.db, seat.invite, seat.guest, ctx.now, true);
}

/** The grant of an invitee's seat in one call; anything else about the request is ignored. */
export async function inviteeGrant(
  db: Db,
  options: { guestId: string; visit: { id: string; departmentId: string; appointmentId: string | null }; now: Date },
): Promise<CallGrant | null> {
  const seat = await loadSeat(db, options.guestId, options.now).catch(() => null);
  if (!seat) return null;
  const { invite, guest } = seat;
  const forThisCall =
    invite.visitId === options.visit.id ||
    (invite.appointmentId !== null && invite.appointmentId === options.visit.appointmentId);
  if (!forThisCall || invite.departmentId !== options.visit.departmentId) return null;
  if (invite.lobby && !guest.admittedAt) throw new AppError('invite_waiting');
  return {
    visitId: options.visit.id,
    departmentId: options.visit.departmentId,
    role: invite.role,
    identity: inviteeIdentity(guest.id),
    name: guest.name ?? invite.label,
    canShareScreen: false,
  };
}

/**
 * Why an invitee may not enter `visitId`'s call any more, when the seat was for it: removed, its
 * link withdrawn or run out (the refusal `requireSeatGood` throws), else null. The call page, loaded
 * again after the clerk took them out, said "Either the call has already ended, or it does not
 * belong to your visit" instead.
 */
export async function seatRefusal(
  db: Db,
  options: { guestId: string; visitId: string; appointmentId: string | null; now: Date },
): Promise<AppError | null> {
  const row = await findSeat(db, options.guestId);
  if (!row) return null;
  const forThisCall =
    row.invite.visitId === options.visitId ||
    (row.invite.appointmentId !== null && row.invite.appointmentId === options.appointmentId);
  if (!forThisCall) return null;
  try {
    requireSeatGood(row, options.now);
    return null;
  } catch (error) {
    return error instanceof AppError ? error : null;
  }
}

/**
 * Whether the seat `guestId` was for this visit's call (by the visit's own link, or its
 * appointment's), whatever became of seat and call since.
 */
export async function seatWasFor(
  db: Db,
  guestId: string,
  visit: { id: string; appointmentId: string | null },
): Promise<boolean> {
  const row = await findSeat(db, guestId);
  if (!row) return false;
  return (
    row.invite.visitId === visit.id ||
    (row.invite.appointmentId !== null && row.invite.appointmentId === visit.appointmentId)
  );
}

/** Of the given invitees in a call, those whose seat is gone (removed, revoked or expired). */
export async function seatsGone(db: Db, guestIds: string[], now: Date): Promise<Set<string>> {
  const rows = await findSeats(db, guestIds);
  const good = new Set(
    rows
      .filter(
        (row) => !row.removedAt && !row.invite.revokedAt && !(row.invite.expiresAt && row.invite.expiresAt <= now),
      )
      .map((row) => row.id),
  );
  return new Set(guestIds.filter((id) => !good.has(id)));
}
