import {
  CallParticipantSchema,
  ServerMessageSchema,
  type CallParticipant,
  type ClientMessage,
  type MediaState,
  type ServerMessage,
} from '@amtsraum/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { CallMedia } from '../../deps.js';
import type { EventBus } from '../../lib/event-bus.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { guestIdFromIdentity } from '../invites/invite-links.js';
import { seatsGone } from '../invites/invitee.service.js';
import { setCitizenScreenShare } from '../visits/visits.repo.js';
import { citizenIdentity, grantFor, markInCall, mayBeLetShare } from './call-access.js';
import {
  clearCallMembers,
  joinCallMembers,
  leaveCallMembers,
  setMemberMedia,
  setMemberScreenShare,
  sweepCallMembers,
  touchCallMembers,
} from './call-members.repo.js';
import { resolveCaller, type Caller, type CallerCookies } from './caller.js';

/**
 * Peer-to-peer calls: the server only relays signalling between the participants of one visit's
 * call and tells everyone who is there. Media never passes through it.
 *
 * The participants of one call may reach different app processes (decision 012). Who is in a call
 * is in the database (call_members); each process keeps only its own connections, and every
 * message for the call travels on the event bus's relay, to every process, which hands it to the
 * participants connected there. Ends and removals follow the department events in every process.
 */

export interface CallMember {
  /** The WebSocket connection's own id. */
  connectionId: string;
  /** Who is on this connection, as the cookies of its upgrade said. */
  cookies: CallerCookies;
  send(message: ServerMessage): void;
}

/** A participant connected to this process. */
interface Local {
  member: CallMember;
  /**
   * Messages for a newcomer held until their `call-joined` is sent: between their place in the
   * database and that answer, another participant who joined meanwhile (on any process) may
   * already offer; a client that read the offer first would drop it when `call-joined` starts it
   * afresh, and never see that participant (issue 12: the citizen on one process without the
   * clerk's picture from the other). `null` once they have joined.
   */
  held: ServerMessage[] | null;
  /**
   * This join's place in the call: the connection's id and the join's number in this process, as
   * call_members keeps it. A connection that leaves and joins again (the page's "try again") has
   * a new place, so a late notice about its earlier one cannot be taken for news about this one.
   */
  place: string;
  /**
   * Who this participant's page was told is in the call with them, and in which place:
   * `call-joined`'s list (identity → place), then the joined and left notices handed on.
   *
   * The notices travel on the bus, the list is read from the database: a notice of a change the
   * list already shows can arrive after it. "X joined" on the connection the page knows, handed
   * on, would make the client drop the connection it is offering and wait for an offer from
   * someone who waits too; "X left" from a place the page never knew (X's older one, gone in a
   * reload the list already shows) would make it drop X for good, as X's "joined" is then not
   * news. So a notice is handed on only if it changes what the page knows: a departure from the
   * place it knows, an arrival in another place that is not already gone.
   *
   * A signal goes to one of these or is answered `call_participant_not_found`: only this call's
   * people are looked at, so the answer says nothing about any other call.
   */
  known: Map<string, string>;
  departmentId: string;
  identity: string;
  role: CallParticipant['role'];
  name: string;
  /**
   * Their camera and microphone switches on their way to the database (`publishMedia`);
   * `failures`: writes in a row that did not go through.
   */
  media: { next: MediaState | null; busy: boolean; lastWriteAt: number; failures: number };
}

/** What one process tells the others about a call. */
const RelayedSchema = z.discriminatedUnion('kind', [
  /** To everyone in the call, but `except`. */
  z.object({
    kind: z.literal('call'),
    visitId: z.uuid(),
    except: z.string().nullable(),
    message: ServerMessageSchema,
  }),
  /** Someone took a place in the call (`place`, see Local): to everyone who does not know them so. */
  z.object({
    kind: z.literal('joined'),
    visitId: z.uuid(),
    place: z.string(),
    participant: CallParticipantSchema,
  }),
  /** Someone's place (`place`) is given up: to everyone who knows them in it. */
  z.object({ kind: z.literal('left'), visitId: z.uuid(), identity: z.string(), place: z.string() }),
  /** To one participant. */
  z.object({ kind: z.literal('one'), visitId: z.uuid(), identity: z.string(), message: ServerMessageSchema }),
  /**
   * The person's place `drop` went to a newer one: `drop`'s page is out. Named, not "whoever is
   * not the newer one": a late notice of one reload must not put out the page of the next.
   */
  z.object({ kind: z.literal('replaced'), visitId: z.uuid(), identity: z.string(), drop: z.string() }),
]);
type Relayed = z.infer<typeof RelayedSchema>;

const TOPIC = 'p2p-calls';

/**
 * The least time between two writes of one participant's camera and microphone state: at most
 * four a second, however fast they switch (the socket's budget allows 30 messages a second).
 */
export const MEDIA_WRITE_SPACING_MS = 250;

/** A place whose process has not vouched for it this long is given up (heartbeat: 15 s). */
export const MEMBER_TIMEOUT_MS = 60_000;

type CallMessage = Extract<ClientMessage, { type: `call-${string}` }>;

export class P2pRooms {
  /** This process's participants: visit → identity → connection. */
  private readonly locals = new Map<string, Map<string, Local>>();
  /**
   * Per call with participants here, places heard given up, newest last (at most GONE_KEPT): a
   * late "joined" in one of them (a reload told by another process after the next reload) is not
   * news.
   */
  private readonly gone = new Map<string, Set<string>>();
  /** Joins in this process so far: numbers their places. */
  private joins = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly options: { db: Db; events: EventBus; media: CallMedia; now: () => Date; logger?: Logger },
  ) {
    this.unsubscribe = options.events.onRelay(TOPIC, (text) => this.deliver(text));
  }

  /** Visits with a participant in this process, by department: checked when a department changes. */
  visitsIn(departmentId: string): string[] {
    return [...this.locals]
      .filter(([, call]) => [...call.values()].some((local) => local.departmentId === departmentId))
      .map(([visitId]) => visitId);
  }

  /**
   * `caller`: who the member is now, when the hub has just read it (its session check); otherwise
   * read here. Never older than this message.
   */
  async handle(member: CallMember, message: CallMessage, caller?: Caller): Promise<void> {
    switch (message.type) {
      case 'call-join':
        return this.join(member, message.visitId, message.media, caller);
      case 'call-leave':
        return this.leave(member, message.visitId);
      case 'call-signal': {
        const self = this.localOf(member, message.visitId);
        if (!self) throw new AppError('forbidden');
        // Nobody negotiates with themselves: echoed back, it would only confuse their own page.
        if (message.to === self.identity)
          throw new AppError('forbidden', { detail: 'a signal goes to another participant' });
        // To someone not (or no longer) in this call: it went nowhere, and the sender is told so
        // (the offer of a page that missed a departure). Nothing is relayed, nothing changes.
        if (!self.known.has(message.to))
          throw new AppError('call_participant_not_found', { detail: 'nobody in this call has that identity' });
        // Whichever process holds the named participant hands it over; nobody else has them.
        return this.relay({
          kind: 'one',
          visitId: message.visitId,
          identity: message.to,
          message: { type: 'call-signal', visitId: message.visitId, from: self.identity, data: message.data },
        });
      }
      case 'call-media': {
        const self = this.localOf(member, message.visitId);
        if (!self) throw new AppError('forbidden');
        return this.publishMedia(self, message.visitId, message.media);
      }
      case 'call-chat': {
        const self = this.localOf(member, message.visitId);
        if (!self) throw new AppError('forbidden');
        return this.toCall(message.visitId, {
          type: 'call-chat',
          visitId: message.visitId,
          from: self.identity,
          name: self.name,
          role: self.role,
          text: message.text,
          at: this.options.now().toISOString(),
        });
      }
      case 'call-allow-screen': {
        const self = this.localOf(member, message.visitId);
        if (!self || self.role !== 'clerk') throw new AppError('forbidden');
        if (!(await mayBeLetShare(this.options.db, message.visitId, message.identity, this.options.now()))) {
          throw new AppError('forbidden');
        }
        const participant = await setMemberScreenShare(
          this.options.db,
          { visitId: message.visitId, identity: message.identity },
          message.allowed,
        );
        if (!participant) throw new AppError('forbidden');
        // The visit keeps the citizen's permission only: allowing an invitee gave it to the citizen too.
        if (message.identity === citizenIdentity(message.visitId))
          await setCitizenScreenShare(this.options.db, message.visitId, message.allowed);
        return this.toCall(message.visitId, {
          type: 'call-participant-updated',
          visitId: message.visitId,
          participant,
        });
      }
    }
  }

  private async join(member: CallMember, visitId: string, media: MediaState, known?: Caller): Promise<void> {
    const { db } = this.options;
    // A media server carries this installation's calls: nothing to relay here.
    const signalling = this.options.media.signalling;
    if (!signalling) throw new AppError('forbidden', { detail: 'calls here do not run peer-to-peer' });
    const caller = known ?? (await resolveCaller(db, member.cookies, this.options.now()));
    const grant = await grantFor(db, caller, visitId, this.options.now());
    const place = `${member.connectionId}#${String(++this.joins)}`;

    const { others, otherConnections, previous, participant } = await joinCallMembers(db, {
      visitId,
      connectionId: place,
      maxParticipants: signalling.maxParticipants,
      now: this.options.now(),
      identity: grant.identity,
      participant: (earlier) => {
        const canShareScreen = earlier?.canShareScreen ?? grant.canShareScreen;
        return {
          identity: grant.identity,
          name: grant.name,
          role: grant.role,
          canShareScreen,
          media: { ...media, screen: media.screen && canShareScreen },
        };
      },
    });
    // Here from now on, so that a connection closing at once is seen leaving.
    let call = this.locals.get(visitId);
    if (!call) this.locals.set(visitId, (call = new Map()));
    const before = call.get(grant.identity);
    call.set(grant.identity, {
      member,
      held: [],
      place,
      known: otherConnections,
      departmentId: grant.departmentId,
      identity: grant.identity,
      role: grant.role,
      name: grant.name,
      media: { next: null, busy: false, lastWriteAt: -Infinity, failures: 0 },
    });
    // The same person's page before, in this process (a second tab): told it is out (the relay
    // below tells the other processes'), as it went on showing the call, its camera on.
    if (before && before.member.connectionId !== member.connectionId) {
      before.member.send({ type: 'call-replaced', visitId });
    }
    // Queued in this order before anything the newcomer sends after `call-joined`, so every
    // process hears of the newcomer before their first signal.
    const told: Promise<void>[] = [];
    if (previous) {
      // The same person again (a reload, a second tab): the old connection gives way, and the
      // others start afresh with the new one.
      told.push(this.relay({ kind: 'replaced', visitId, identity: grant.identity, drop: previous.connectionId }));
      told.push(this.left(visitId, grant.identity, previous.connectionId));
    }
    told.push(this.relay({ kind: 'joined', visitId, place, participant }));
    member.send({ type: 'call-joined', visitId, self: participant, participants: others });
    const local = this.localOf(member, visitId);
    if (local?.held) {
      const held = local.held;
      local.held = null;
      for (const message of held) member.send(message);
    }
    // The visit's move to "in call" (a write and an event to every watcher) after the answer, not
    // before it: the newcomer's offer does not wait for it (issue 14: the clerk's join is what the
    // citizen's first frame waits for). Who may join was decided above (`grantFor`), and the call
    // ends as before when the visit leaves its clerk, whichever state it is in.
    await Promise.all([...told, markInCall({ db, events: this.options.events }, visitId)]);
  }

  /**
   * A participant's camera, microphone or screen switched. Each switch was a database write and a
   * message to every process, up to the socket's 30 messages a second: a participant flicking
   * their camera (or a script doing so) kept the database and every process busy. Now one write
   * at a time per participant, and the next no sooner than MEDIA_WRITE_SPACING_MS after the last
   * began; a switch meanwhile only replaces the state waiting to be written. The first switch
   * after a quiet while goes out at once; a burst costs a few writes a second, the last carrying
   * its last state (a switch is the whole state, not a change, so nothing in between is needed).
   * A write (or its message) that fails is tried again with the latest state, further apart each
   * time: the other side must end on the participant's last state, not on one before a transient
   * database error. Only a participant who is gone (left, replaced, refused by the database) stops it.
   */
  private async publishMedia(self: Local, visitId: string, media: MediaState): Promise<void> {
    const publishing = self.media;
    publishing.next = media;
    // The write under way (or waiting for its turn) takes this state along.
    if (publishing.busy) return;
    publishing.busy = true;
    try {
      while (publishing.next) {
        // After failures up to 16 spacings (4 s) apart: a database that is down is not asked four
        // times a second per participant for as long as it is down.
        const spacing = MEDIA_WRITE_SPACING_MS * 2 ** Math.min(publishing.failures, 4);
        const wait = publishing.lastWriteAt + spacing - performance.now();
        if (wait > 0) await sleep(wait);
        // The latest state, after the wait.
        const next: MediaState = publishing.next;
        publishing.next = null;
        // Left (or replaced by a reload) meanwhile: nothing of theirs is written any more.
        if (this.locals.get(visitId)?.get(self.identity) !== self) return;
        publishing.lastWriteAt = performance.now();
        let participant: CallParticipant | undefined;
        try {
          participant = await setMemberMedia(
            this.options.db,
            { visitId, identity: self.identity, connectionId: self.place },
            next,
          );
          if (participant) await this.toCall(visitId, { type: 'call-participant-updated', visitId, participant });
        } catch (error) {
          // Not written, or written but not told: again, with a switch made meanwhile if any.
          publishing.next ??= next;
          publishing.failures += 1;
          this.options.logger?.warn({ err: error, visitId }, 'could not publish a call media state; trying again');
          continue;
        }
        publishing.failures = 0;
        // The database has no place of theirs (they left, or a reload took it): nothing more to write.
        if (!participant) throw new AppError('forbidden');
      }
    } finally {
      publishing.next = null;
      publishing.busy = false;
    }
  }

  private async leave(member: CallMember, visitId: string): Promise<void> {
    const self = this.localOf(member, visitId);
    if (!self) return;
    this.forget(visitId, self.identity);
    const left = await leaveCallMembers(this.options.db, {
      visitId,
      identity: self.identity,
      connectionId: self.place,
    });
    if (left) await this.left(visitId, self.identity, self.place);
  }

  /**
   * Invitees here whose seat is gone (removed by the clerk, link revoked or expired) leave at
   * once: they are told, their signalling stops, and the others see them go.
   */
  private async revalidate(visitId: string): Promise<void> {
    const call = this.locals.get(visitId);
    if (!call) return;
    const seats = new Map<string, Local>();
    for (const local of call.values()) {
      const guestId = guestIdFromIdentity(local.identity);
      if (guestId) seats.set(guestId, local);
    }
    if (seats.size === 0) return;
    const gone = await seatsGone(this.options.db, [...seats.keys()], this.options.now());
    for (const guestId of gone) {
      const local = seats.get(guestId)!;
      this.forget(visitId, local.identity);
      local.member.send({ type: 'call-removed', visitId });
      await leaveCallMembers(this.options.db, {
        visitId,
        identity: local.identity,
        connectionId: local.place,
      });
      await this.left(visitId, local.identity, local.place);
    }
  }

  /**
   * A department changed: calls whose visit is no longer with a clerk have ended (finished, left),
   * and the others drop invitees whose seat is gone. Runs on every event of the department, in
   * every process, so a change made through any process reaches the participants of this one.
   */
  async followDepartment(departmentId: string, visitsWithClerk: ReadonlySet<string>): Promise<void> {
    for (const visitId of this.visitsIn(departmentId)) {
      if (!visitsWithClerk.has(visitId)) await this.end(visitId);
      else await this.revalidate(visitId);
    }
  }

  /** A closed connection leaves every call it was in. */
  disconnect(member: CallMember): void {
    for (const visitId of [...this.locals.keys()]) {
      this.leave(member, visitId).catch((error: unknown) =>
        this.options.logger?.warn({ err: error, visitId }, 'could not leave a call'),
      );
    }
  }

  /**
   * The heartbeat (jobs/): this process's places are kept, and places whose process stopped
   * vouching for them are given up, with the others told. Invitees whose link ran out leave too:
   * nothing happens in the department at the moment a link expires, so without this look they
   * stayed in the call until the next knock or admit (LiveKit's reconcile removes them likewise).
   */
  async refresh(): Promise<void> {
    const now = this.options.now();
    const places = [...this.locals.values()].flatMap((call) => [...call.values()].map((local) => local.place));
    await touchCallMembers(this.options.db, places, now);
    const gone = await sweepCallMembers(this.options.db, new Date(now.getTime() - MEMBER_TIMEOUT_MS));
    for (const { visitId, identity, connectionId: place } of gone) await this.left(visitId, identity, place);
    for (const visitId of [...this.locals.keys()]) await this.revalidate(visitId);
  }

  /** Stops listening to the other processes. */
  close(): void {
    this.unsubscribe();
  }

  /** The visit is over (finished, or the citizen left): everyone in its call here is told. */
  private async end(visitId: string): Promise<void> {
    const call = this.locals.get(visitId);
    if (!call) return;
    this.locals.delete(visitId);
    this.gone.delete(visitId);
    for (const local of call.values()) local.member.send({ type: 'call-ended', visitId });
    await clearCallMembers(this.options.db, visitId);
  }

  private forget(visitId: string, identity: string): void {
    const call = this.locals.get(visitId);
    call?.delete(identity);
    if (call?.size === 0) {
      this.locals.delete(visitId);
      this.gone.delete(visitId);
    }
  }

  /** Tells everyone in the call who knows `identity` in `place` that they left. */
  private left(visitId: string, identity: string, place: string): Promise<void> {
    return this.relay({ kind: 'left', visitId, identity, place });
  }

  private markGone(visitId: string, place: string): void {
    let gone = this.gone.get(visitId);
    if (!gone) this.gone.set(visitId, (gone = new Set()));
    gone.add(place);
    if (gone.size > GONE_KEPT) gone.delete(gone.values().next().value!);
  }

  private localOf(member: CallMember, visitId: string): Local | undefined {
    const call = this.locals.get(visitId);
    if (!call) return undefined;
    return [...call.values()].find((local) => local.member.connectionId === member.connectionId);
  }

  private toCall(visitId: string, message: ServerMessage, except: string | null = null): Promise<void> {
    return this.relay({ kind: 'call', visitId, except, message });
  }

  private relay(message: Relayed): Promise<void> {
    return this.options.events.relay(TOPIC, JSON.stringify(message));
  }

  /** A message for a call, from this process or another: to the participants connected here. */
  private deliver(text: string): void {
    let relayed: Relayed;
    try {
      relayed = RelayedSchema.parse(JSON.parse(text));
    } catch {
      this.options.logger?.warn('ignored a malformed relayed call message');
      return;
    }
    const call = this.locals.get(relayed.visitId);
    if (!call) return;
    switch (relayed.kind) {
      case 'call':
        for (const local of call.values()) {
          if (local.identity !== relayed.except) hand(local, relayed.message);
        }
        return;
      case 'joined': {
        const { participant, place, visitId } = relayed;
        if (this.gone.get(visitId)?.has(place)) return;
        for (const local of call.values()) {
          if (local.identity === participant.identity) continue;
          if (local.known.get(participant.identity) === place) continue;
          local.known.set(participant.identity, place);
          hand(local, { type: 'call-participant-joined', visitId, participant });
        }
        return;
      }
      case 'left': {
        const { identity, place, visitId } = relayed;
        this.markGone(visitId, place);
        for (const local of call.values()) {
          if (local.known.get(identity) !== place) continue;
          local.known.delete(identity);
          hand(local, { type: 'call-participant-left', visitId, identity });
        }
        return;
      }
      case 'one': {
        const local = call.get(relayed.identity);
        if (local) hand(local, relayed.message);
        return;
      }
      case 'replaced': {
        const local = call.get(relayed.identity);
        this.markGone(relayed.visitId, relayed.drop);
        if (local && local.place === relayed.drop) {
          this.forget(relayed.visitId, relayed.identity);
          // A second tab (on another process) took the place: the first one is told, and stops.
          local.member.send({ type: 'call-replaced', visitId: relayed.visitId });
        }
        return;
      }
    }
  }
}

/** To a participant here, or into their hold while they have not yet been told they joined. */
function hand(local: Local, message: ServerMessage): void {
  if (!local.held) local.member.send(message);
  // A join that failed half-way never flushes: its hold stays small (a join takes milliseconds).
  else if (local.held.length < MAX_HELD) local.held.push(message);
}

const MAX_HELD = 256;

/** Connections remembered as gone per call: a call has a few people, each reloading now and then. */
const GONE_KEPT = 64;
