import type { CallParticipant, MediaState } from '@amtsraum/shared';
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { callMembers, visits } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import { stateIn, WITH_CLERK } from '../visits/visit-states.js';

/**
 * Who is in which peer-to-peer call, for every app process (decision 012): a row per person,
 * written by the process that holds their WebSocket connection. Its `connectionId` is the place
 * of one join on that connection (P2pRooms: the connection's id and the join's number).
 */

export interface Joined {
  /** Everyone else in the call, oldest first. */
  others: CallParticipant[];
  /** Their connections, by identity: the newcomer is told of exactly these (see P2pRooms). */
  otherConnections: Map<string, string>;
  /** The same person's earlier place in the call (a reload, a second tab), if any. */
  previous: { connectionId: string; participant: CallParticipant } | null;
  /** The participant as they are in the call now. */
  participant: CallParticipant;
}

/**
 * Takes a place in the visit's call, or takes over the person's place from their earlier
 * connection. Joins of one call are serialised on the visit's row, so two people joining at once
 * through two processes each see the other: one in the list, the other as a newcomer.
 */
export async function joinCallMembers(
  db: Db,
  options: {
    visitId: string;
    connectionId: string;
    maxParticipants: number;
    now: Date;
    identity: string;
    /** The participant as they enter, given their earlier place (which keeps its permissions). */
    participant: (previous: CallParticipant | null) => CallParticipant;
  },
): Promise<Joined> {
  return db.transaction(async (tx) => {
    // Still with its clerk, read under the lock: a finish that took the row first (after this join's
    // `grantFor`) has been told to every process already, whose calls ended before this place
    // existed; the place would stay, its page alone in a call that is over (decision 012).
    const [open] = await tx
      .select({ id: visits.id })
      .from(visits)
      .where(and(eq(visits.id, options.visitId), stateIn(WITH_CLERK)))
      .for('update');
    if (!open) throw new AppError('forbidden', { detail: 'the visit is no longer with its clerk' });
    const rows = await tx
      .select()
      .from(callMembers)
      .where(eq(callMembers.visitId, options.visitId))
      .orderBy(callMembers.joinedAt);
    const { identity } = options;
    const earlier = rows.find((row) => row.identity === identity) ?? null;
    const others = rows.filter((row) => row.identity !== identity);
    if (!earlier && others.length >= options.maxParticipants) throw new AppError('call_full');
    const participant = options.participant(earlier?.participant ?? null);
    await tx
      .insert(callMembers)
      .values({
        visitId: options.visitId,
        identity,
        connectionId: options.connectionId,
        participant,
        joinedAt: options.now,
        seenAt: options.now,
      })
      .onConflictDoUpdate({
        target: [callMembers.visitId, callMembers.identity],
        set: { connectionId: options.connectionId, participant, seenAt: options.now },
      });
    return {
      others: others.map((row) => row.participant),
      otherConnections: new Map(others.map((row) => [row.identity, row.connectionId])),
      previous: earlier ? { connectionId: earlier.connectionId, participant: earlier.participant } : null,
      participant,
    };
  });
}

/** Changes one member's participant as `change` says, if they are (still) in the call. */
async function changeMember(
  db: Db,
  where: { visitId: string; identity: string; connectionId?: string },
  change: (participant: CallParticipant) => CallParticipant,
): Promise<CallParticipant | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ participant: callMembers.participant })
      .from(callMembers)
      .where(
        and(
          eq(callMembers.visitId, where.visitId),
          eq(callMembers.identity, where.identity),
          where.connectionId ? eq(callMembers.connectionId, where.connectionId) : undefined,
        ),
      )
      .for('update');
    if (!row) return undefined;
    const participant = change(row.participant);
    await tx
      .update(callMembers)
      .set({ participant })
      .where(and(eq(callMembers.visitId, where.visitId), eq(callMembers.identity, where.identity)));
    return participant;
  });
}

/** What a member publishes now; a screen share only as far as they are allowed one. */
export function setMemberMedia(
  db: Db,
  member: { visitId: string; identity: string; connectionId: string },
  media: MediaState,
) {
  return changeMember(db, member, (participant) => ({
    ...participant,
    media: { ...media, screen: media.screen && participant.canShareScreen },
  }));
}

/** The clerk allows a member to share their screen, or stops them. */
export function setMemberScreenShare(db: Db, member: { visitId: string; identity: string }, allowed: boolean) {
  return changeMember(db, member, (participant) => ({
    ...participant,
    canShareScreen: allowed,
    media: allowed ? participant.media : { ...participant.media, screen: false, screenStreamId: null },
  }));
}

/** The member leaves, if the place is still this connection's (not taken over by a reload). */
export async function leaveCallMembers(
  db: Db,
  member: { visitId: string; identity: string; connectionId: string },
): Promise<boolean> {
  const gone = await db
    .delete(callMembers)
    .where(
      and(
        eq(callMembers.visitId, member.visitId),
        eq(callMembers.identity, member.identity),
        eq(callMembers.connectionId, member.connectionId),
      ),
    )
    .returning({ identity: callMembers.identity });
  return gone.length > 0;
}

/** Everyone out of a call that is over. */
export async function clearCallMembers(db: Db, visitId: string): Promise<void> {
  await db.delete(callMembers).where(eq(callMembers.visitId, visitId));
}

/** The connections of this process are alive: their places are kept. */
export async function touchCallMembers(db: Db, connectionIds: string[], now: Date): Promise<void> {
  if (connectionIds.length === 0) return;
  await db.update(callMembers).set({ seenAt: now }).where(inArray(callMembers.connectionId, connectionIds));
}

/**
 * Places whose process has not vouched for them since `cutoff` (it stopped or died): given up.
 * Each row goes to exactly one of the processes sweeping at once.
 */
export async function sweepCallMembers(
  db: Db,
  cutoff: Date,
): Promise<{ visitId: string; identity: string; connectionId: string }[]> {
  return db.delete(callMembers).where(lt(callMembers.seenAt, cutoff)).returning({
    visitId: callMembers.visitId,
    identity: callMembers.identity,
    connectionId: callMembers.connectionId,
  });
}
