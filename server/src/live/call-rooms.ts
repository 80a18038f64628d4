import type { CallParticipant, ClientMessage, MediaState, ServerMessage } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { visits } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { resolveSession } from '../features/staff/auth.service.js';
import { guestIdFromIdentity, seatsGone } from '../features/invites/invites.service.js';
import { resolveCallGrant } from '../media/call-access.service.js';
import type { EventBus } from './event-bus.js';

/**
 * Peer-to-peer calls: the server only relays signalling between the participants of one
 * visit's call and tells everyone who is there. Media never passes through it. Membership is
 * per process: peer-to-peer is the embedded (one-process) mode; several processes use LiveKit.
 */

export interface CallMember {
  /** The WebSocket connection's own id. */
  connectionId: string;
  staffToken: string | null;
  visitCookieId: string | null;
  /** An invitee's seat (from the signed invite cookie). */
  inviteGuestId: string | null;
  send(message: ServerMessage): void;
}

interface Room {
  departmentId: string;
  members: Map<string, { member: CallMember; participant: CallParticipant }>;
}

type CallMessage = Extract<ClientMessage, { type: `call-${string}` }>;

export class CallRooms {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly options: { db: Db; events: EventBus; config: Config; now: () => Date }) {}

  /** Visits with a call in this process, by department: checked when a department changes. */
  visitsIn(departmentId: string): string[] {
    return [...this.rooms].filter(([, room]) => room.departmentId === departmentId).map(([visitId]) => visitId);
  }

  async handle(member: CallMember, message: CallMessage): Promise<void> {
    switch (message.type) {
      case 'call-join':
        return this.join(member, message.visitId, message.media);
      case 'call-leave':
        return this.leave(member, message.visitId);
      case 'call-signal': {
        const self = this.identityOf(member, message.visitId);
        const target = this.rooms.get(message.visitId)?.members.get(message.to);
        if (!self || !target) throw new AppError('forbidden');
        target.member.send({ type: 'call-signal', visitId: message.visitId, from: self, data: message.data });
        return;
      }
      case 'call-media': {
        const entry = this.entryOf(member, message.visitId);
        if (!entry) throw new AppError('forbidden');
        // Screen sharing only as granted: a claim to share without the right is corrected.
        entry.participant.media = {
          ...message.media,
          screen: message.media.screen && entry.participant.canShareScreen,
        };
        this.broadcast(message.visitId, {
          type: 'call-participant-updated',
          visitId: message.visitId,
          participant: entry.participant,
        });
        return;
      }
      case 'call-chat': {
        const entry = this.entryOf(member, message.visitId);
        if (!entry) throw new AppError('forbidden');
        this.broadcast(message.visitId, {
          type: 'call-chat',
          visitId: message.visitId,
          from: entry.participant.identity,
          name: entry.participant.name,
          text: message.text,
          at: this.options.now().toISOString(),
        });
        return;
      }
      case 'call-allow-screen': {
        const entry = this.entryOf(member, message.visitId);
        const target = this.rooms.get(message.visitId)?.members.get(message.identity);
        if (!entry || entry.participant.role !== 'clerk' || !target) throw new AppError('forbidden');
        await this.options.db
          .update(visits)
          .set({ citizenScreenShare: message.allowed })
          .where(eq(visits.id, message.visitId));
        target.participant.canShareScreen = message.allowed;
        if (!message.allowed)
          target.participant.media = { ...target.participant.media, screen: false, screenStreamId: null };
        this.broadcast(message.visitId, {
          type: 'call-participant-updated',
          visitId: message.visitId,
          participant: target.participant,
        });
        return;
      }
    }
  }

  private async join(member: CallMember, visitId: string, media: MediaState): Promise<void> {
    const { db, config } = this.options;
    if (config.media.mode !== 'p2p')
      throw new AppError('forbidden', { detail: 'this installation uses LiveKit for calls' });
    const staff = member.staffToken ? await resolveSession(db, member.staffToken, this.options.now()) : null;
    const grant = await resolveCallGrant(db, {
      visitId,
      staff,
      citizenVisitId: member.visitCookieId,
      inviteGuestId: member.inviteGuestId,
      now: this.options.now(),
    });

    let room = this.rooms.get(visitId);
    if (!room) this.rooms.set(visitId, (room = { departmentId: grant.departmentId, members: new Map() }));
    const previous = room.members.get(grant.identity);
    if (!previous && room.members.size >= config.media.p2pMaxParticipants) throw new AppError('call_full');
    if (previous) {
      // The same person again (a reload, a second tab): the old connection gives way, and the
      // others start afresh with the new one.
      room.members.delete(grant.identity);
      this.broadcast(visitId, { type: 'call-participant-left', visitId, identity: grant.identity });
    }
    const participant: CallParticipant = {
      identity: grant.identity,
      name: grant.name,
      role: grant.role,
      canShareScreen: previous?.participant.canShareScreen ?? grant.canShareScreen,
      media: { ...media, screen: media.screen && grant.canShareScreen },
    };
    // The visit is "in call" before anyone is told they are in it.
    const [entered] = await db
      .update(visits)
      .set({ state: 'in_call' })
      .where(and(eq(visits.id, visitId), eq(visits.state, 'admitted')))
      .returning({ id: visits.id });
    if (entered) await this.options.events.publish({ departmentId: grant.departmentId, visitId });
    const others = [...room.members.values()].map((entry) => entry.participant);
    this.broadcast(visitId, { type: 'call-participant-joined', visitId, participant });
    room.members.set(grant.identity, { member, participant });
    member.send({ type: 'call-joined', visitId, self: participant, participants: others });
  }

  private leave(member: CallMember, visitId: string): void {
    const room = this.rooms.get(visitId);
    if (!room) return;
    for (const [identity, entry] of room.members) {
      if (entry.member.connectionId !== member.connectionId) continue;
      room.members.delete(identity);
      this.broadcast(visitId, { type: 'call-participant-left', visitId, identity });
    }
    if (room.members.size === 0) this.rooms.delete(visitId);
  }

  /**
   * Invitees whose seat is gone (removed by the clerk, link revoked or expired) leave at once:
   * they are told, their signalling stops, and the others see them go. Called on every event of
   * the call's department, so a removal made through any process reaches this one.
   */
  async revalidate(visitId: string): Promise<void> {
    const room = this.rooms.get(visitId);
    if (!room) return;
    const seats = new Map<string, string>();
    for (const identity of room.members.keys()) {
      const guestId = guestIdFromIdentity(identity);
      if (guestId) seats.set(guestId, identity);
    }
    if (seats.size === 0) return;
    const gone = await seatsGone(this.options.db, [...seats.keys()], this.options.now());
    for (const guestId of gone) {
      const identity = seats.get(guestId)!;
      const entry = room.members.get(identity);
      if (!entry) continue;
      room.members.delete(identity);
      entry.member.send({ type: 'call-removed', visitId });
      this.broadcast(visitId, { type: 'call-participant-left', visitId, identity });
    }
    if (room.members.size === 0) this.rooms.delete(visitId);
  }

  /** A closed connection leaves every call it was in. */
  disconnect(member: CallMember): void {
    for (const visitId of [...this.rooms.keys()]) this.leave(member, visitId);
  }

  /** The visit is over (finished, or the citizen left): everyone in its call is told. */
  end(visitId: string): void {
    const room = this.rooms.get(visitId);
    if (!room) return;
    this.broadcast(visitId, { type: 'call-ended', visitId });
    this.rooms.delete(visitId);
  }

  endAll(): void {
    for (const visitId of [...this.rooms.keys()]) this.end(visitId);
  }

  private entryOf(member: CallMember, visitId: string) {
    const room = this.rooms.get(visitId);
    if (!room) return undefined;
    return [...room.members.values()].find((entry) => entry.member.connectionId === member.connectionId);
  }

  private identityOf(member: CallMember, visitId: string): string | undefined {
    return this.entryOf(member, visitId)?.participant.identity;
  }

  private broadcast(visitId: string, message: ServerMessage): void {
    const room = this.rooms.get(visitId);
    if (!room) return;
    for (const { member } of room.members.values()) member.send(message);
  }
}
