import type { VisitState } from '@amtsraum/shared';
import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appointments, departments, inviteGuests, invites, tenants, visits } from '../../db/schema.js';
import { WITH_CLERK } from '../visits/visit-states.js';
import { findArrival, findVisitInDepartment, findVisitState } from '../visits/visits.repo.js';

/** Queries of invite links and the seats redeemed from them. Department checks are in the `where`. */

export type InviteRow = typeof invites.$inferSelect;
export type GuestRow = typeof inviteGuests.$inferSelect;
export type InviteTarget = { visitId: string } | { appointmentId: string };

/** The visit or appointment an invite is for, only if it is in `departmentId`. */
export async function findTargetInDepartment(db: Db, departmentId: string, target: InviteTarget) {
  if ('visitId' in target) {
    const visit = await findVisitInDepartment(db, departmentId, target.visitId);
    return visit && { kind: 'visit' as const, visit };
  }
  const [appointment] = await db
    .select({
      id: appointments.id,
      tenantId: appointments.tenantId,
      state: appointments.state,
      endsAt: appointments.endsAt,
      startsAt: appointments.startsAt,
    })
    .from(appointments)
    .where(and(eq(appointments.id, target.appointmentId), eq(appointments.departmentId, departmentId)))
    .limit(1);
  return appointment && { kind: 'appointment' as const, appointment };
}

/** An appointment's state and start, for an invite made for it. */
export async function findInvitedAppointment(db: Db, appointmentId: string) {
  const [row] = await db
    .select({ state: appointments.state, startsAt: appointments.startsAt, endsAt: appointments.endsAt })
    .from(appointments)
    .where(eq(appointments.id, appointmentId))
    .limit(1);
  return row;
}

/**
 * Holds the row of the visit or appointment an invite is made for until the transaction ends: two
 * links made at once, each to be the only valid one (`replacing`), are made one after the other.
 * One call, one row: for an appointment's arrival the caller passes the appointment, whichever
 * path the link comes by (`lockedFor` in invites.service.ts).
 */
export async function lockTarget(db: Db, target: InviteTarget): Promise<void> {
  if ('visitId' in target) {
    await db.select({ id: visits.id }).from(visits).where(eq(visits.id, target.visitId)).for('update');
  } else {
    await db
      .select({ id: appointments.id })
      .from(appointments)
      .where(eq(appointments.id, target.appointmentId))
      .for('update');
  }
}

export async function insertInvite(db: Db, values: typeof invites.$inferInsert): Promise<InviteRow> {
  const [row] = await db.insert(invites).values(values).returning();
  if (!row) throw new Error('insert returned no invite');
  return row;
}

/**
 * Invites of a department for a visit or an appointment (`or`: both), newest first, with their
 * seats; with `arrivalsOf`, also those made for the visits of that appointment (its arrival).
 */
export async function listInvitesWithGuests(
  db: Db,
  departmentId: string,
  target: { visitId?: string | null; appointmentId?: string | null; arrivalsOf?: string },
): Promise<{ invite: InviteRow; guests: GuestRow[] }[]> {
  const rows = await db
    .select()
    .from(invites)
    .where(
      and(
        eq(invites.departmentId, departmentId),
        or(
          target.visitId ? eq(invites.visitId, target.visitId) : undefined,
          target.appointmentId ? eq(invites.appointmentId, target.appointmentId) : undefined,
          target.arrivalsOf
            ? inArray(
                invites.visitId,
                db.select({ id: visits.id }).from(visits).where(eq(visits.appointmentId, target.arrivalsOf)),
              )
            : undefined,
        ),
      ),
    )
    .orderBy(desc(invites.createdAt));
  const guests = rows.length
    ? await db
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
  return rows.map((invite) => ({ invite, guests: guests.filter((guest) => guest.inviteId === invite.id) }));
}

export async function findInviteInDepartment(db: Db, departmentId: string, inviteId: string) {
  const [row] = await db
    .select()
    .from(invites)
    .where(and(eq(invites.id, inviteId), eq(invites.departmentId, departmentId)))
    .limit(1);
  return row;
}

export async function findInvite(db: Db, inviteId: string, options: { lock?: boolean } = {}) {
  const query = db.select().from(invites).where(eq(invites.id, inviteId)).limit(1);
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

/** The link stops working (the first revocation's time stays); returns the row as it is now. */
export async function revoke(db: Db, inviteId: string, now: Date): Promise<InviteRow | undefined> {
  const [row] = await db
    .update(invites)
    .set({ revokedAt: sql`coalesce(${invites.revokedAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(invites.id, inviteId))
    .returning();
  return row;
}

export async function countUse(db: Db, inviteId: string): Promise<InviteRow | undefined> {
  const [row] = await db
    .update(invites)
    .set({ uses: sql`${invites.uses} + 1` })
    .where(eq(invites.id, inviteId))
    .returning();
  return row;
}

/**
 * The live visit an invite leads into now, if any: its own visit (in whatever state), or for an
 * appointment's invite the arrival's visit while it is with a clerk.
 */
export async function liveVisitFor(db: Db, invite: InviteRow): Promise<{ id: string; state: VisitState } | undefined> {
  if (invite.visitId) {
    const state = await findVisitState(db, invite.visitId);
    return state && { id: invite.visitId, state };
  }
  return findArrival(db, invite.appointmentId!, WITH_CLERK);
}

/** The department's name with its tenant's, for pages and e-mails about an invite. */
export async function findDepartmentContext(db: Db, departmentId: string) {
  const [row] = await db
    .select({
      tenantName: tenants.name,
      tenantSlug: tenants.slug,
      timeZone: tenants.timeZone,
      departmentName: departments.name,
      departmentNameForms: departments.nameForms,
    })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(eq(departments.id, departmentId))
    .limit(1);
  return row;
}

// -- seats --------------------------------------------------------------------------------------

export async function insertGuest(db: Db, values: typeof inviteGuests.$inferInsert): Promise<GuestRow> {
  const [row] = await db.insert(inviteGuests).values(values).returning();
  if (!row) throw new Error('insert returned no seat');
  return row;
}

/** Every seat of the invite still in the call leaves it; returns their ids. */
export async function removeAllGuests(db: Db, inviteId: string, now: Date): Promise<string[]> {
  const rows = await db
    .update(inviteGuests)
    .set({ removedAt: now })
    .where(and(eq(inviteGuests.inviteId, inviteId), isNull(inviteGuests.removedAt)))
    .returning({ id: inviteGuests.id });
  return rows.map((row) => row.id);
}

export async function removeGuest(db: Db, guestId: string, now: Date): Promise<void> {
  await db
    .update(inviteGuests)
    .set({ removedAt: now })
    .where(and(eq(inviteGuests.id, guestId), isNull(inviteGuests.removedAt)));
}

export async function admitGuest(db: Db, guestId: string, now: Date): Promise<void> {
  await db
    .update(inviteGuests)
    .set({ admittedAt: now })
    .where(and(eq(inviteGuests.id, guestId), isNull(inviteGuests.admittedAt)));
}

/** A seat with its invite; with `departmentId`, only a seat of that department's invites. */
export async function findSeat(db: Db, guestId: string, departmentId?: string) {
  const [row] = await db
    .select({ guest: inviteGuests, invite: invites })
    .from(inviteGuests)
    .innerJoin(invites, eq(invites.id, inviteGuests.inviteId))
    .where(and(eq(inviteGuests.id, guestId), departmentId ? eq(invites.departmentId, departmentId) : undefined))
    .limit(1);
  return row;
}

/** The seat `guestId` if it was redeemed from `inviteId` (the same browser opening the link again). */
export async function findSeatOfInvite(db: Db, guestId: string, inviteId: string) {
  const [row] = await db
    .select()
    .from(inviteGuests)
    .where(and(eq(inviteGuests.id, guestId), eq(inviteGuests.inviteId, inviteId)))
    .limit(1);
  return row;
}

export async function findSeats(db: Db, guestIds: string[]) {
  if (guestIds.length === 0) return [];
  return db
    .select({ id: inviteGuests.id, removedAt: inviteGuests.removedAt, invite: invites })
    .from(inviteGuests)
    .innerJoin(invites, eq(invites.id, inviteGuests.inviteId))
    .where(inArray(inviteGuests.id, guestIds));
}
