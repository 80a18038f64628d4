import type { CallParticipant, ClientMessage, MediaState, ServerMessage } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import type { CallMedia } from '../../deps.js';
import type { EventBus } from '../../lib/event-bus.js';
import { AppError } from '../../lib/errors.js';
import { guestIdFromIdentity } from '../invites/invite-links.js';
import { seatsGone } from '../invites/invitee.service.js';
import { setCitizenScreenShare } from '../visits/visits.repo.js';
import { grantFor, markInCall } from './call-access.js';
import { resolveCaller, type CallerCookies } from './caller.js';

/**
 * Peer-to-peer calls: the server only relays signalling between the participants of one
 * visit's call and tells everyone who is there. Media never passes through it. Membership is
 * per process: peer-to-peer is the embedded (one-process) mode; several processes use LiveKit.
 * (To relay across processes, `broadcast` and the signal relay would go over the event bus; the
 * ends and removals already do, since they follow the department events in every process.)
 */

export interface CallMember {
  /** The WebSocket connection's own id. */
  connectionId: string;
  /** Who is on this connection, as the cookies of its upgrade said. */
  cookies: CallerCookies;
  send(message: ServerMessage): void;
}

interface Room {
  departmentId: string;
  members: Map<string, { member: CallMember; participant: CallParticipant }>;
}

type CallMessage = Extract<ClientMessage, { type: `call-${string}` }>;

export class P2pRooms {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly options: { db: Db; events: EventBus; media: CallMedia; now: () => Date }) {}

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
        await setCitizenScreenShare(this.options.db, message.visitId, message.allowed);
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
    const { db } = this.options;
    // A media server carries this installation's calls: nothing to relay here.
    const signalling = this.options.media.signalling;
    if (!signalling) throw new AppError('forbidden', { detail: 'calls here do not run peer-to-peer' });
    const caller = await resolveCaller(db, member.cookies, this.options.now());
    const grant = await grantFor(db, caller, visitId, this.options.now());

    let room = this.rooms.get(visitId);
    if (!room) this.rooms.set(visitId, (room = { departmentId: grant.departmentId, members: new Map() }));
    const previous = room.members.get(grant.identity);
    if (!previous && room.members.size >= signalling.maxParticipants) throw new AppError('call_full');
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
    await markInCall({ db, events: this.options.events }, visitId);
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
   * they are told, their signalling stops, and the others see them go.
   */
  private async revalidate(visitId: string): Promise<void> {
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

  /**
   * A department changed: calls whose visit is no longer with a clerk have ended (finished, left),
   * and the others drop invitees whose seat is gone. Runs on every event of the department, in
   * every process, so a change made through any process reaches the rooms of this one.
   */
  async followDepartment(departmentId: string, visitsWithClerk: ReadonlySet<string>): Promise<void> {
    for (const visitId of this.visitsIn(departmentId)) {
      if (!visitsWithClerk.has(visitId)) this.end(visitId);
      else await this.revalidate(visitId);
    }
  }

  /** A closed connection leaves every call it was in. */
  disconnect(member: CallMember): void {
    for (const visitId of [...this.rooms.keys()]) this.leave(member, visitId);
  }

  /** The visit is over (finished, or the citizen left): everyone in its call is told. */
  private end(visitId: string): void {
    const room = this.rooms.get(visitId);
    if (!room) return;
    this.broadcast(visitId, { type: 'call-ended', visitId });
    this.rooms.delete(visitId);
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
