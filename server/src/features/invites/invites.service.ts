import type { CreateInviteRequestSchema, InviteView } from '@amtsraum/shared';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Ctx } from '../../deps.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { Clerk } from '../staff/require-staff.js';
import { isEnded } from '../visits/visit-states.js';
import {
  admitGuest as admitSeat,
  findInviteInDepartment,
  findInvitedAppointment,
  findSeat,
  findTargetInDepartment,
  insertInvite,
  listInvitesWithGuests,
  liveVisitFor,
  lockTarget,
  removeAllGuests,
  removeGuest as removeSeat,
  revoke,
  type GuestRow,
  type InviteRow,
  type InviteTarget,
} from './invites.repo.js';
import { endsWithAppointment, inviteeIdentity, inviteLink, inviteState, UNTIL_VISIT_ENDS_MS } from './invite-links.js';
import { callOf, requireSeatGood } from './invitee.service.js';

/**
 * Invite links into a visit's call, the clerk's side: create, list, revoke, and remove or let in
 * the people who came by them. The invitee's side is invitee.service.ts. Every check reads the
 * rows, so revoking works at once everywhere.
 */

type CreateInvite = z.output<typeof CreateInviteRequestSchema>;
type InvitesCtx = Pick<Ctx, 'db' | 'events' | 'media' | 'config' | 'logger' | 'now'>;

function guestState(invite: InviteRow, guest: GuestRow) {
  if (guest.removedAt || invite.revokedAt) return 'removed' as const;
  return invite.lobby && !guest.admittedAt ? ('waiting' as const) : ('admitted' as const);
}

/**
 * `appointmentEndsAt`: the end of the appointment the invite was made for, if any. Its default
 * expiry (a day past that end, createInvite) reads as what it is, "until the visit ends" (null), not
 * as a time the next day.
 */
function toView(invite: InviteRow, guests: GuestRow[], now: Date, appointmentEndsAt?: Date): InviteView {
  const untilVisitEnds = appointmentEndsAt !== undefined && endsWithAppointment(invite, appointmentEndsAt);
  return {
    id: invite.id,
    role: invite.role,
    label: invite.label,
    language: invite.language,
    multiUse: invite.maxUses === null,
    lobby: invite.lobby,
    uses: invite.uses,
    expiresAt: untilVisitEnds ? null : (invite.expiresAt?.toISOString() ?? null),
    state: inviteState(invite, now),
    createdAt: invite.createdAt.toISOString(),
    guests: guests.map((guest) => ({
      id: guest.id,
      name: guest.name ?? invite.label,
      state: guestState(invite, guest),
      createdAt: guest.createdAt.toISOString(),
    })),
  };
}

async function findTarget(ctx: InvitesCtx, clerk: Clerk, target: InviteTarget) {
  const found = await findTargetInDepartment(ctx.db, clerk.departmentId, target);
  if (!found) throw new AppError('visitId' in target ? 'visit_not_found' : 'appointment_not_found');
  return found;
}

type Found = NonNullable<Awaited<ReturnType<typeof findTargetInDepartment>>>;

/**
 * Where a call's invites are. A visit's: its own, and those made for its appointment before the
 * citizen arrived. An appointment's: its own, and those made for its arrival's visit (a console
 * still showing the appointment after the arrival makes links for the same call).
 */
function listedFor(found: Found) {
  return found.kind === 'visit'
    ? { visitId: found.visit.id, appointmentId: found.visit.appointmentId }
    : { appointmentId: found.appointment.id, arrivalsOf: found.appointment.id };
}

/**
 * The row that serializes the making of a call's links: the appointment's for an appointment and
 * for its arrival's visit alike (each path locking its own row let a link made from the
 * appointment and one made from its visit at the same moment both stand), else the visit's.
 */
function lockedFor(found: Found): InviteTarget {
  if (found.kind === 'appointment') return { appointmentId: found.appointment.id };
  return found.visit.appointmentId ? { appointmentId: found.visit.appointmentId } : { visitId: found.visit.id };
}

/**
 * For a link that is to be the call's only valid one of its role and language (`replacing`): the
 * ones in force there are, all of which the clerk must have been shown, else `conflict` (issue: a
 * console reload, and the one-click interpreter link made a second valid link nobody knew of).
 */
async function validOnesReplaced(
  db: Db,
  clerk: Clerk,
  found: Found,
  body: CreateInvite,
  now: Date,
): Promise<InviteRow[]> {
  await lockTarget(db, lockedFor(found));
  const rows = await listInvitesWithGuests(db, clerk.departmentId, listedFor(found));
  // In force: a link still to be used, or used up by someone who may still be in the call.
  const valid = rows
    .filter(({ invite, guests }) => {
      const state = inviteState(invite, now);
      const inForce = state === 'active' || (state === 'used_up' && guests.some((guest) => !guest.removedAt));
      return inForce && invite.role === body.role && invite.language === (body.language ?? null);
    })
    .map(({ invite }) => invite);
  if (valid.some((invite) => !body.replacing?.includes(invite.id))) {
    throw new AppError('conflict', {
      errors: [
        {
          path: 'replacing',
          message: 'another valid link of this role and language exists',
          localized: {
            de: 'Es gibt inzwischen einen weiteren gültigen Link dieser Art. Bitte prüfen Sie die Liste der Links.',
            en: 'Meanwhile there is another valid link of this kind. Please check the list of links.',
          },
        },
      ],
    });
  }
  return valid;
}

export async function createInvite(ctx: InvitesCtx, clerk: Clerk, target: InviteTarget, body: CreateInvite) {
  const found = await findTarget(ctx, clerk, target);
  const latest = new Date(ctx.now.getTime() + ctx.config.inviteMaxDays * 24 * 3600_000);
  let expiresAt: Date | null = body.validUntil ? new Date(body.validUntil) : null;
  if (expiresAt && expiresAt <= ctx.now) throw invalidField('validUntil', 'must be in the future');
  if (expiresAt && expiresAt > latest) {
    const days = ctx.config.inviteMaxDays;
    throw invalidField('validUntil', `at most ${days} days ahead`, {
      de: `Höchstens ${days} Tage im Voraus.`,
      en: `At most ${days} days ahead.`,
    });
  }
  if (found.kind === 'visit' && isEnded(found.visit.state)) throw new AppError('invite_call_ended');
  if (found.kind === 'appointment') {
    if (found.appointment.state !== 'booked' && found.appointment.state !== 'arrived')
      throw new AppError('invite_call_ended');
    // "Until the visit ends" for an appointment: it ends with the appointment (done, cancelled, a
    // no-show; callOf). The stored expiry only bounds the token and the seat: a day past the booked
    // end, so an appointment running late or over keeps its interpreter (the booked end itself
    // made links of a late appointment expired at birth, and threw invitees out of a long call).
    expiresAt ??= new Date(found.appointment.endsAt.getTime() + UNTIL_VISIT_ENDS_MS);
  }
  const tenantId = found.kind === 'visit' ? found.visit.tenantId : found.appointment.tenantId;
  const { invite, replaced, removedGuestIds } = await ctx.db.transaction(async (tx) => {
    const replaced = body.replacing ? await validOnesReplaced(tx, clerk, found, body, ctx.now) : [];
    const invite = await insertInvite(tx, {
      tenantId,
      departmentId: clerk.departmentId,
      visitId: found.kind === 'visit' ? found.visit.id : null,
      appointmentId: found.kind === 'appointment' ? found.appointment.id : null,
      role: body.role,
      label: body.label,
      language: body.language ?? null,
      maxUses: body.multiUse ? null : 1,
      lobby: body.lobby,
      expiresAt,
      createdBy: clerk.staff.id,
      createdAt: ctx.now,
    });
    await insertAudit(tx, {
      tenantId,
      departmentId: clerk.departmentId,
      visitId: invite.visitId,
      actorKind: 'staff',
      actorStaffId: clerk.staff.id,
      action: 'invite_created',
      data: { inviteId: invite.id, role: invite.role, lobby: invite.lobby, multiUse: invite.maxUses === null },
      createdAt: ctx.now,
    });
    // Withdrawn as the clerk's "withdraw" does (revokeInvite), in the same transaction as the new one.
    const removedGuestIds: string[] = [];
    for (const old of replaced) {
      await revoke(tx, old.id, ctx.now);
      removedGuestIds.push(...(await removeAllGuests(tx, old.id, ctx.now)));
      await insertAudit(tx, {
        tenantId: old.tenantId,
        departmentId: old.departmentId,
        visitId: (await liveVisitFor(tx, old))?.id ?? old.visitId,
        actorKind: 'staff',
        actorStaffId: clerk.staff.id,
        action: 'invite_revoked',
        data: { inviteId: old.id, replacedBy: invite.id },
        createdAt: ctx.now,
      });
    }
    return { invite, replaced, removedGuestIds };
  });
  if (replaced.length > 0) {
    const visit = await liveVisitFor(ctx.db, invite);
    await ctx.events.publish({ departmentId: clerk.departmentId, ...(visit ? { visitId: visit.id } : {}) });
    await leaveCall(ctx, visit?.id ?? null, removedGuestIds);
  }
  const endsAt = found.kind === 'appointment' ? found.appointment.endsAt : undefined;
  return { invite: toView(invite, [], ctx.now, endsAt), url: await inviteLink(ctx.config, invite, ctx.now) };
}

/**
 * The invites for a visit, including those made for its appointment before the citizen arrived;
 * or the invites for an appointment, including those made for its arrival's visit.
 */
export async function listInvites(ctx: InvitesCtx, clerk: Clerk, target: InviteTarget): Promise<InviteView[]> {
  const found = await findTarget(ctx, clerk, target);
  const rows = await listInvitesWithGuests(ctx.db, clerk.departmentId, listedFor(found));
  const appointmentId = found.kind === 'visit' ? found.visit.appointmentId : found.appointment.id;
  const endsAt =
    found.kind === 'appointment'
      ? found.appointment.endsAt
      : appointmentId
        ? (await findInvitedAppointment(ctx.db, appointmentId))?.endsAt
        : undefined;
  return rows.map(({ invite, guests }) => toView(invite, guests, ctx.now, invite.appointmentId ? endsAt : undefined));
}

export async function requireInvite(ctx: Pick<Ctx, 'db'>, clerk: Clerk, inviteId: string): Promise<InviteRow> {
  const invite = await findInviteInDepartment(ctx.db, clerk.departmentId, inviteId);
  if (!invite) throw new AppError('invite_invalid');
  return invite;
}

/**
 * The audit entry of a clerk's invite action, and the live event on which every process's
 * peer-to-peer rooms re-check their invitees. Returns the visit whose call the invite is for now.
 */
export async function recordInviteAction(
  ctx: InvitesCtx,
  clerk: Clerk,
  invite: InviteRow,
  action: string,
  data: Record<string, string> = {},
  { publish = true } = {},
): Promise<string | null> {
  const visit = await liveVisitFor(ctx.db, invite);
  await insertAudit(ctx.db, {
    tenantId: invite.tenantId,
    departmentId: invite.departmentId,
    visitId: visit?.id ?? invite.visitId,
    actorKind: 'staff',
    actorStaffId: clerk.staff.id,
    action,
    data: { inviteId: invite.id, ...data },
    createdAt: ctx.now,
  });
  if (publish) await ctx.events.publish({ departmentId: invite.departmentId, ...(visit ? { visitId: visit.id } : {}) });
  return visit?.id ?? null;
}

/** People out of a call on the media server too (peer-to-peer rooms act on the event instead). */
async function leaveCall(ctx: InvitesCtx, visitId: string | null, guestIds: string[]): Promise<void> {
  if (!visitId) return;
  for (const guestId of guestIds) {
    await ctx.media
      .removeParticipant(visitId, inviteeIdentity(guestId))
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not remove an invitee from the call'));
  }
}

/** The link stops working, and everyone who came in by it leaves the call at once. */
export async function revokeInvite(ctx: InvitesCtx, clerk: Clerk, inviteId: string): Promise<void> {
  const invite = await requireInvite(ctx, clerk, inviteId);
  // Withdrawn already (a second click): nothing changes, and the audit does not say it twice.
  if (invite.revokedAt) return;
  const updated = await revoke(ctx.db, invite.id, ctx.now);
  const guestIds = await removeAllGuests(ctx.db, invite.id, ctx.now);
  const visitId = await recordInviteAction(ctx, clerk, updated ?? invite, 'invite_revoked');
  await leaveCall(ctx, visitId, guestIds);
}

/** A seat of the clerk's department; another department's is unknown here, as its invites are. */
async function requireSeat(ctx: InvitesCtx, clerk: Clerk, guestId: string) {
  const seat = await findSeat(ctx.db, guestId, clerk.departmentId);
  if (!seat) throw new AppError('invite_invalid');
  return seat;
}

/** One person out of the call; their seat cannot come back (a new link can). */
export async function removeGuest(ctx: InvitesCtx, clerk: Clerk, guestId: string): Promise<void> {
  const { guest, invite } = await requireSeat(ctx, clerk, guestId);
  // Out already (removed, or their link withdrawn): nothing changes, and the audit does not say it twice.
  if (guest.removedAt) return;
  await removeSeat(ctx.db, guest.id, ctx.now);
  const visitId = await recordInviteAction(ctx, clerk, invite, 'invite_guest_removed', { guestId: guest.id });
  await leaveCall(ctx, visitId, [guest.id]);
}

/** Lets a waiting invitee (a link with the lobby option) into the call. */
export async function admitGuest(ctx: InvitesCtx, clerk: Clerk, guestId: string): Promise<void> {
  const { guest, invite } = await requireSeat(ctx, clerk, guestId);
  // Nobody is let into a call they could not join: removed, the link withdrawn or expired, the call over.
  requireSeatGood({ guest, invite }, ctx.now);
  await callOf(ctx.db, invite);
  await admitSeat(ctx.db, guest.id, ctx.now);
  await recordInviteAction(ctx, clerk, invite, 'invite_guest_admitted', { guestId: guest.id });
}
