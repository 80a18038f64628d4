import type { CreateInviteRequestSchema, InviteeStatus, InviteView } from '@amtsraum/shared';
import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { appointments, departments, inviteGuests, invites, tenants, visits } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import type { EventBus } from '../../live/event-bus.js';
import type { CallGrant } from '../../media/call-roles.js';
import { requireMembership } from '../staff/require-staff.js';
import type { StaffRow } from '../staff/staff.repo.js';
import { insertAudit } from '../visits/visits.repo.js';
import { signInviteToken, verifyInviteToken } from './invite-token.js';

/**
 * Invite links into a visit's call. A clerk of the visit's department creates, lists and revokes
 * them; an invitee redeems one link for a seat (an `invite_guests` row) in exactly that one call
 * with exactly the link's role. Every check reads the rows, so revoking works at once everywhere.
 */

type CreateInvite = z.output<typeof CreateInviteRequestSchema>;
export type InviteTarget = { visitId: string } | { appointmentId: string };

interface StaffCtx {
  db: Db;
  events: EventBus;
  config: Config;
  now: Date;
  staff: StaffRow;
}

const LIVE_VISIT_STATES = ['admitted', 'in_call'] as const;
const ENDED_VISIT_STATES = ['done', 'declined', 'left', 'expired', 'no_show'];
/** A link "until the visit ends" still needs a token expiry: no visit lasts a day. */
const VISIT_INVITE_TOKEN_HOURS = 24;

type InviteRow = typeof invites.$inferSelect;
type GuestRow = typeof inviteGuests.$inferSelect;

/** The identity an invitee has in the call: per seat, never a name they chose. */
export const inviteeIdentity = (guestId: string) => `invitee-${guestId}`;
export const guestIdFromIdentity = (identity: string) =>
  identity.startsWith('invitee-') ? identity.slice('invitee-'.length) : null;

/** The visit or appointment the invite is for, checked to be in the clerk's department. */
async function findTarget(ctx: StaffCtx, departmentId: string, target: InviteTarget) {
  if ('visitId' in target) {
    const [visit] = await ctx.db
      .select({ id: visits.id, tenantId: visits.tenantId, state: visits.state, appointmentId: visits.appointmentId })
      .from(visits)
      .where(and(eq(visits.id, target.visitId), eq(visits.departmentId, departmentId)))
      .limit(1);
    if (!visit) throw new AppError('visit_not_found');
    return { kind: 'visit' as const, visit };
  }
  const [appointment] = await ctx.db
    .select({
      id: appointments.id,
      tenantId: appointments.tenantId,
      state: appointments.state,
      endsAt: appointments.endsAt,
    })
    .from(appointments)
    .where(and(eq(appointments.id, target.appointmentId), eq(appointments.departmentId, departmentId)))
    .limit(1);
  if (!appointment) throw new AppError('appointment_not_found');
  return { kind: 'appointment' as const, appointment };
}

function validationError(path: string, message: string) {
  return new AppError('validation_failed', { errors: [{ path, message }] });
}

function inviteUrl(config: Config, token: string): string {
  // The token rides in the fragment: browsers never send it to a server or in a Referer.
  return `${new URL('/einladung', config.publicBaseUrl).toString()}#${token}`;
}

async function tokenFor(config: Config, invite: InviteRow, now: Date) {
  const expiresAt = invite.expiresAt ?? new Date(now.getTime() + VISIT_INVITE_TOKEN_HOURS * 3600_000);
  return signInviteToken(
    { secret: config.sessionSecret, origin: config.publicBaseUrl.origin },
    { inviteId: invite.id, expiresAt, now },
  );
}

export function inviteState(invite: InviteRow, now: Date): InviteView['state'] {
  if (invite.revokedAt) return 'revoked';
  if (invite.expiresAt && invite.expiresAt <= now) return 'expired';
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used_up';
  return 'active';
}

function guestState(invite: InviteRow, guest: GuestRow) {
  if (guest.removedAt || invite.revokedAt) return 'removed' as const;
  return invite.lobby && !guest.admittedAt ? ('waiting' as const) : ('admitted' as const);
}

function toView(invite: InviteRow, guests: GuestRow[], now: Date): InviteView {
  return {
    id: invite.id,
    role: invite.role,
    label: invite.label,
    language: invite.language,
    multiUse: invite.maxUses === null,
    lobby: invite.lobby,
    uses: invite.uses,
    expiresAt: invite.expiresAt?.toISOString() ?? null,
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

export async function createInvite(ctx: StaffCtx, departmentId: string, target: InviteTarget, body: CreateInvite) {
  await requireMembership(ctx, departmentId);
  const found = await findTarget(ctx, departmentId, target);
  const latest = new Date(ctx.now.getTime() + ctx.config.inviteMaxDays * 24 * 3600_000);
  let expiresAt: Date | null = body.validUntil ? new Date(body.validUntil) : null;
  if (expiresAt && expiresAt <= ctx.now) throw validationError('validUntil', 'must be in the future');
  if (expiresAt && expiresAt > latest)
    throw validationError('validUntil', `at most ${ctx.config.inviteMaxDays} days ahead`);
  if (found.kind === 'visit' && ENDED_VISIT_STATES.includes(found.visit.state))
    throw new AppError('invite_call_ended');
  if (found.kind === 'appointment') {
    if (found.appointment.state !== 'booked' && found.appointment.state !== 'arrived')
      throw new AppError('invite_call_ended');
    // "Until the visit ends" for an appointment: until its booked end.
    expiresAt ??= found.appointment.endsAt;
  }
  const tenantId = found.kind === 'visit' ? found.visit.tenantId : found.appointment.tenantId;
  const [invite] = await ctx.db
    .insert(invites)
    .values({
      tenantId,
      departmentId,
      visitId: found.kind === 'visit' ? found.visit.id : null,
      appointmentId: found.kind === 'appointment' ? found.appointment.id : null,
      role: body.role,
      label: body.label,
      language: body.language ?? null,
      maxUses: body.multiUse ? null : 1,
      lobby: body.lobby,
      expiresAt,
      createdBy: ctx.staff.id,
      createdAt: ctx.now,
    })
    .returning();
  if (!invite) throw new Error('insert returned no invite');
  await insertAudit(ctx.db, {
    tenantId,
    departmentId,
    visitId: invite.visitId,
    actorKind: 'staff',
    actorStaffId: ctx.staff.id,
    action: 'invite_created',
    data: { inviteId: invite.id, role: invite.role, lobby: invite.lobby, multiUse: invite.maxUses === null },
    createdAt: ctx.now,
  });
  return {
    invite: toView(invite, [], ctx.now),
    url: inviteUrl(ctx.config, await tokenFor(ctx.config, invite, ctx.now)),
  };
}

/**
 * The invites for a visit, including those made for its appointment before the citizen arrived;
 * or the invites for an appointment.
 */
export async function listInvites(ctx: StaffCtx, departmentId: string, target: InviteTarget): Promise<InviteView[]> {
  await requireMembership(ctx, departmentId);
  const found = await findTarget(ctx, departmentId, target);
  const where =
    found.kind === 'visit'
      ? found.visit.appointmentId
        ? or(eq(invites.visitId, found.visit.id), eq(invites.appointmentId, found.visit.appointmentId))
        : eq(invites.visitId, found.visit.id)
      : eq(invites.appointmentId, found.appointment.id);
  const rows = await ctx.db
    .select()
    .from(invites)
    .where(and(eq(invites.departmentId, departmentId), where))
    .orderBy(desc(invites.createdAt));
  const guests = rows.length
    ? await ctx.db
        .select()
        .from(inviteGuests)
        .where(
          inArray(
            inviteGuests.inviteId,
            rows.map((row) => row.id),
          ),
        )
        .orderBy(inviteGuests.createdAt)
    : [];
  return rows.map((invite) =>
    toView(
      invite,
      guests.filter((guest) => guest.inviteId === invite.id),
      ctx.now,
    ),
  );
}

async function findInviteInDepartment(ctx: StaffCtx, departmentId: string, inviteId: string) {
  await requireMembership(ctx, departmentId);
  const [invite] = await ctx.db
    .select()
    .from(invites)
    .where(and(eq(invites.id, inviteId), eq(invites.departmentId, departmentId)))
    .limit(1);
  if (!invite) throw new AppError('invite_invalid');
  return invite;
}

/** The live visit an invite leads into now, if any (appointment invites: the arrival's visit). */
async function liveVisitFor(db: Db, invite: InviteRow) {
  const [visit] = await db
    .select({ id: visits.id, state: visits.state })
    .from(visits)
    .where(
      invite.visitId
        ? eq(visits.id, invite.visitId)
        : and(eq(visits.appointmentId, invite.appointmentId!), inArray(visits.state, [...LIVE_VISIT_STATES])),
    )
    .orderBy(desc(visits.createdAt))
    .limit(1);
  return visit;
}

export interface Removal {
  departmentId: string;
  visitId: string | null;
  identities: string[];
}

async function announce(
  ctx: StaffCtx,
  invite: InviteRow,
  action: string,
  data: Record<string, string> = {},
  { publish = true } = {},
) {
  const visit = await liveVisitFor(ctx.db, invite);
  await insertAudit(ctx.db, {
    tenantId: invite.tenantId,
    departmentId: invite.departmentId,
    visitId: visit?.id ?? invite.visitId,
    actorKind: 'staff',
    actorStaffId: ctx.staff.id,
    action,
    data: { inviteId: invite.id, ...data },
    createdAt: ctx.now,
  });
  // The hub re-checks every invitee in the department's calls on this event, in every process.
  if (publish) await ctx.events.publish({ departmentId: invite.departmentId, ...(visit ? { visitId: visit.id } : {}) });
  return visit?.id ?? null;
}

/** The link stops working, and everyone who came in by it leaves the call at once. */
export async function revokeInvite(ctx: StaffCtx, departmentId: string, inviteId: string): Promise<Removal> {
  const invite = await findInviteInDepartment(ctx, departmentId, inviteId);
  const [updated] = await ctx.db
    .update(invites)
    .set({ revokedAt: sql`coalesce(${invites.revokedAt}, ${ctx.now.toISOString()}::timestamptz)` })
    .where(eq(invites.id, invite.id))
    .returning();
  const guests = await ctx.db
    .update(inviteGuests)
    .set({ removedAt: ctx.now })
    .where(and(eq(inviteGuests.inviteId, invite.id), isNull(inviteGuests.removedAt)))
    .returning({ id: inviteGuests.id });
  const visitId = await announce(ctx, updated ?? invite, 'invite_revoked');
  return { departmentId, visitId, identities: guests.map((guest) => inviteeIdentity(guest.id)) };
}

async function findGuestInDepartment(ctx: StaffCtx, departmentId: string, guestId: string) {
  await requireMembership(ctx, departmentId);
  const [row] = await ctx.db
    .select({ guest: inviteGuests, invite: invites })
    .from(inviteGuests)
    .innerJoin(invites, eq(invites.id, inviteGuests.inviteId))
    .where(and(eq(inviteGuests.id, guestId), eq(invites.departmentId, departmentId)))
    .limit(1);
  if (!row) throw new AppError('forbidden');
  return row;
}

/** One person out of the call; their seat cannot come back (a new link can). */
export async function removeGuest(ctx: StaffCtx, departmentId: string, guestId: string): Promise<Removal> {
  const { guest, invite } = await findGuestInDepartment(ctx, departmentId, guestId);
  await ctx.db
    .update(inviteGuests)
    .set({ removedAt: ctx.now })
    .where(and(eq(inviteGuests.id, guest.id), isNull(inviteGuests.removedAt)));
  const visitId = await announce(ctx, invite, 'invite_guest_removed', { guestId: guest.id });
  return { departmentId, visitId, identities: [inviteeIdentity(guest.id)] };
}

/** Lets a waiting invitee (a link with the lobby option) into the call. */
export async function admitGuest(ctx: StaffCtx, departmentId: string, guestId: string): Promise<void> {
  const { guest, invite } = await findGuestInDepartment(ctx, departmentId, guestId);
  if (guest.removedAt || invite.revokedAt) throw new AppError('invite_revoked');
  await ctx.db
    .update(inviteGuests)
    .set({ admittedAt: ctx.now })
    .where(and(eq(inviteGuests.id, guest.id), isNull(inviteGuests.admittedAt)));
  await announce(ctx, invite, 'invite_guest_admitted', { guestId: guest.id });
}

/** What the clerk's e-mail needs: the link (signed again; the row decides validity) and context. */
export async function inviteForEmail(ctx: StaffCtx, departmentId: string, inviteId: string) {
  const invite = await findInviteInDepartment(ctx, departmentId, inviteId);
  const state = inviteState(invite, ctx.now);
  if (state !== 'active') throw new AppError(`invite_${state}`);
  const [context] = await ctx.db
    .select({ tenantName: tenants.name, timeZone: tenants.timeZone, departmentName: departments.name })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(eq(departments.id, departmentId))
    .limit(1);
  if (!context) throw new AppError('department_not_found');
  const [appointment] = invite.appointmentId
    ? await ctx.db
        .select({ startsAt: appointments.startsAt })
        .from(appointments)
        .where(eq(appointments.id, invite.appointmentId))
    : [];
  // Audited, but nothing in any call changes: no live event.
  await announce(ctx, invite, 'invite_emailed', {}, { publish: false });
  return {
    invite,
    url: inviteUrl(ctx.config, await tokenFor(ctx.config, invite, ctx.now)),
    ...context,
    startsAt: appointment?.startsAt ?? null,
  };
}

// -- the invitee's side --------------------------------------------------------

interface PublicCtx {
  db: Db;
  events: EventBus;
  config: Config;
  now: Date;
}

/** Loads a seat with its invite and checks both are still good: the one gate for status and joining. */
async function loadSeat(db: Db, guestId: string, now: Date) {
  const [row] = await db
    .select({ guest: inviteGuests, invite: invites })
    .from(inviteGuests)
    .innerJoin(invites, eq(invites.id, inviteGuests.inviteId))
    .where(eq(inviteGuests.id, guestId))
    .limit(1);
  if (!row) throw new AppError('invite_invalid');
  if (row.invite.revokedAt || row.guest.removedAt) throw new AppError('invite_revoked');
  if (row.invite.expiresAt && row.invite.expiresAt <= now) throw new AppError('invite_expired');
  return row;
}

/**
 * Where the invite leads now: the live visit of its call, or when that call opens (appointment
 * links before the citizen is in). A call that is over ends the invite: `invite_call_ended`.
 */
async function callOf(db: Db, invite: InviteRow): Promise<{ visitId: string | null; opensAt: Date | null }> {
  if (invite.visitId) {
    const [visit] = await db.select({ state: visits.state }).from(visits).where(eq(visits.id, invite.visitId));
    if (!visit || ENDED_VISIT_STATES.includes(visit.state)) throw new AppError('invite_call_ended');
    return { visitId: visit.state === 'waiting' ? null : invite.visitId, opensAt: null };
  }
  const [appointment] = await db
    .select({ state: appointments.state, startsAt: appointments.startsAt })
    .from(appointments)
    .where(eq(appointments.id, invite.appointmentId!));
  if (!appointment || ['cancelled', 'done', 'no_show'].includes(appointment.state))
    throw new AppError('invite_call_ended');
  const visitId = (await liveVisitFor(db, invite))?.id ?? null;
  return { visitId, opensAt: visitId ? null : appointment.startsAt };
}

async function statusOf(db: Db, invite: InviteRow, guest: GuestRow): Promise<InviteeStatus> {
  const [context] = await db
    .select({ tenantName: tenants.name, timeZone: tenants.timeZone, departmentName: departments.name })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(eq(departments.id, invite.departmentId))
    .limit(1);
  if (!context) throw new AppError('invite_invalid');
  const { visitId, opensAt } = await callOf(db, invite);
  const base = {
    role: invite.role,
    label: invite.label,
    name: guest.name ?? invite.label,
    ...context,
    visitId,
    opensAt: opensAt?.toISOString() ?? null,
  };
  if (!visitId) return { ...base, state: 'not_started' };
  return { ...base, state: invite.lobby && !guest.admittedAt ? 'waiting' : 'ready' };
}

/**
 * Exchanges a link's token for a seat. The same browser opening the same link again keeps its seat
 * (no second use is counted); anyone else needs a use left on the link.
 */
export async function redeemInvite(
  ctx: PublicCtx,
  options: { token: string; name?: string; currentGuestId: string | null },
): Promise<{ guestId: string; status: InviteeStatus; expiresAt: Date }> {
  const inviteId = await verifyInviteToken(
    { secret: ctx.config.sessionSecret, origin: ctx.config.publicBaseUrl.origin },
    options.token,
    ctx.now,
  );
  if (options.currentGuestId) {
    const [mine] = await ctx.db
      .select()
      .from(inviteGuests)
      .where(and(eq(inviteGuests.id, options.currentGuestId), eq(inviteGuests.inviteId, inviteId)))
      .limit(1);
    if (mine) {
      const seat = await loadSeat(ctx.db, mine.id, ctx.now);
      return {
        guestId: mine.id,
        status: await statusOf(ctx.db, seat.invite, seat.guest),
        expiresAt: seatExpiry(seat.invite, ctx.now),
      };
    }
  }
  const seat = await ctx.db.transaction(async (tx) => {
    const [invite] = await tx.select().from(invites).where(eq(invites.id, inviteId)).for('update').limit(1);
    if (!invite) throw new AppError('invite_invalid');
    const state = inviteState(invite, ctx.now);
    if (state !== 'active') throw new AppError(`invite_${state}`);
    // The call must still exist before a use is spent on it.
    await callOf(tx, invite);
    const [counted] = await tx
      .update(invites)
      .set({ uses: sql`${invites.uses} + 1` })
      .where(eq(invites.id, invite.id))
      .returning();
    const [guest] = await tx
      .insert(inviteGuests)
      .values({
        inviteId: invite.id,
        name: options.name || null,
        admittedAt: invite.lobby ? null : ctx.now,
        createdAt: ctx.now,
      })
      .returning();
    if (!guest || !counted) throw new Error('redeeming an invite wrote nothing');
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
    status: await statusOf(ctx.db, seat.invite, seat.guest),
    expiresAt: seatExpiry(seat.invite, ctx.now),
  };
}

/** How long the seat cookie lives: the invite's validity, or a day for "until the visit ends". */
function seatExpiry(invite: InviteRow, now: Date): Date {
  return invite.expiresAt ?? new Date(now.getTime() + VISIT_INVITE_TOKEN_HOURS * 3600_000);
}

export async function inviteeStatus(ctx: PublicCtx, guestId: string | null): Promise<InviteeStatus> {
  if (!guestId) throw new AppError('invite_invalid');
  const seat = await loadSeat(ctx.db, guestId, ctx.now);
  return statusOf(ctx.db, seat.invite, seat.guest);
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

/** Of the given invitees in a call, those whose seat is gone (removed, revoked or expired). */
export async function seatsGone(db: Db, guestIds: string[], now: Date): Promise<Set<string>> {
  if (guestIds.length === 0) return new Set();
  const rows = await db
    .select({ id: inviteGuests.id, removedAt: inviteGuests.removedAt, invite: invites })
    .from(inviteGuests)
    .innerJoin(invites, eq(invites.id, inviteGuests.inviteId))
    .where(inArray(inviteGuests.id, guestIds));
  const good = new Set(
    rows
      .filter(
        (row) => !row.removedAt && !row.invite.revokedAt && !(row.invite.expiresAt && row.invite.expiresAt <= now),
      )
      .map((row) => row.id),
  );
  return new Set(guestIds.filter((id) => !good.has(id)));
}
