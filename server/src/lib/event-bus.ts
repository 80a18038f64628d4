import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { VISIT_STATES } from '@amtsraum/shared';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import type { Logger } from './logger.js';

/**
 * "Something changed in department D" between server processes. Events carry ids only; every
 * process reads the current state from the database itself, so a lost or repeated event costs
 * a re-read, never a wrong screen. See docs/decisions/003-live-events-across-processes.md.
 *
 * Beside the events, the bus relays texts that must themselves travel, to every process: the
 * signalling of a peer-to-peer call whose participants reached different processes
 * (docs/decisions/012-media-transports-across-processes.md).
 */
export const DepartmentEventSchema = z.object({
  departmentId: z.uuid(),
  visitId: z.uuid().optional(),
  /**
   * More than the queue changed: the department's settings or door, its closures, or who is at a
   * console. The live hub keeps those between queue changes and reads them again on this flag.
   */
  context: z.literal(true).optional(),
  /**
   * This appointment was booked, cancelled or moved, and that is the whole change: no visit,
   * setting or presence changed with it. The live hub then re-reads nothing and re-sends nothing
   * to waiting citizens (their queue is made of visits), only the consoles, whose appointment
   * lists reload on each message (issue 14, item 4). Slot searches drop their schedules as on
   * any department event. Never together with `visitId`, `context` or `moved`.
   */
  appointmentId: z.uuid().optional(),
  /**
   * What happened to `visitId`, when that is the whole change: let in (`by` whom), in the call,
   * or gone from the queue and the call. A process that keeps the department's queue applies it
   * and tells everyone at once, before its read confirms it (decision 018, second addendum).
   * Only ids, states, the clerk's name and counter, which citizens see anyway: nothing a citizen wrote.
   */
  moved: z
    .object({
      to: z.enum(VISIT_STATES),
      at: z.iso.datetime(),
      by: z.object({ id: z.uuid(), name: z.string().max(200) }).optional(),
      /**
       * An on-site visit called (or called again) to this counter, as the call display shows it
       * (issue 16). A move to `admitted` of a visit already admitted is such a recall.
       */
      counter: z.string().max(30).optional(),
    })
    .optional(),
});
export type DepartmentEvent = z.infer<typeof DepartmentEventSchema>;

/**
 * Staff sessions ended: one (sign-out, by its token hash) or all of a staff member's
 * (deactivation). Every process closes the WebSockets opened with them at once (issue 11, item 4).
 */
export const SessionsEndedEventSchema = z.object({
  sessionsEnded: z.object({ staffId: z.uuid(), tokenHash: z.string().max(64).optional() }),
});
export type SessionsEndedEvent = z.infer<typeof SessionsEndedEventSchema>;

/** People in one `rolesChanged` event at most: its NOTIFY stays near 4 KB, well under PostgreSQL's 8,000 bytes. */
export const ROLES_CHANGED_BATCH = 100;

/**
 * Staff members' roles were taken away, lowered or given (a department removed or added, admin
 * to clerk, no longer municipality admin). Every process checks the consoles that person watches
 * against the database, stops those of departments they no longer belong to and opens those they
 * were refused in a department they belong to now. Admin routes need no event: their guard reads
 * the roles on every request.
 */
export const RolesChangedEventSchema = z.object({
  rolesChanged: z.object({ staffIds: z.array(z.uuid()).min(1).max(ROLES_CHANGED_BATCH) }),
});
export type RolesChangedEvent = z.infer<typeof RolesChangedEventSchema>;

/**
 * Tells every process that the roles of `staffIds` changed (RolesChangedEventSchema): everyone in
 * a renamed municipality or office, or an installation file's, in one event per hundred, not one
 * each; no event for no one.
 */
export async function publishRolesChanged(events: Pick<EventBus, 'publish'>, staffIds: Iterable<string>) {
  const ids = [...new Set(staffIds)];
  for (let i = 0; i < ids.length; i += ROLES_CHANGED_BATCH) {
    await events.publish({ rolesChanged: { staffIds: ids.slice(i, i + ROLES_CHANGED_BATCH) } });
  }
}

/**
 * A kiosk or call display was revoked (or paired anew): every process closes the live streams
 * opened with its old token at once (issue 16).
 */
export const DeviceRevokedEventSchema = z.object({ deviceRevoked: z.object({ deviceId: z.uuid() }) });
export type DeviceRevokedEvent = z.infer<typeof DeviceRevokedEventSchema>;

export const LiveEventSchema = z.union([
  DepartmentEventSchema,
  SessionsEndedEventSchema,
  RolesChangedEventSchema,
  DeviceRevokedEventSchema,
]);
export type LiveEvent = z.infer<typeof LiveEventSchema>;

export interface EventBus {
  publish(event: LiveEvent): Promise<void>;
  /**
   * Department events of many departments at once (a round of the attendance job, a municipality
   * renamed): each reaches every listener as if published alone, in this order, but with one
   * statement to the database for all of them, not one each (issue 14: on PostgreSQL, 500 doors
   * stamped at once took 3.5 s of one-by-one NOTIFYs under load, while queue changes waited).
   */
  publishAll(events: readonly DepartmentEvent[]): Promise<void>;
  /** `onResync` runs when events may have been missed (listener reconnected). */
  subscribe(onEvent: (event: LiveEvent) => void, onResync?: () => void): () => void;
  /**
   * A text of any length to the `topic`'s listeners in every process, this one included, in the
   * order this process relayed them; at most once, like the events.
   */
  relay(topic: string, text: string): Promise<void>;
  onRelay(topic: string, listener: (text: string) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const CHANNEL = 'amtsraum_live';
const RELAY_CHANNEL = 'amtsraum_relay';
const TOPIC = /^[a-z][a-z0-9.-]{0,40}$/;

class InProcessBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  async publish(event: LiveEvent) {
    // Never inside the publisher's own call, like NOTIFY; but as its next step, not after its
    // whole request: with the embedded database a request's statements run without yielding to
    // the event loop, and a subscriber telling everyone of a move must not wait for them.
    queueMicrotask(() => this.emitter.emit('event', event));
  }
  async publishAll(events: readonly DepartmentEvent[]) {
    for (const event of events) await this.publish(event);
  }
  subscribe(onEvent: (event: LiveEvent) => void, onResync?: () => void) {
    this.emitter.on('event', onEvent);
    if (onResync) this.emitter.on('resync', onResync);
    return () => {
      this.emitter.off('event', onEvent);
      if (onResync) this.emitter.off('resync', onResync);
    };
  }
  async relay(topic: string, text: string) {
    if (!TOPIC.test(topic)) throw new Error(`bad relay topic ${topic}`);
    setImmediate(() => this.emitter.emit(`relay:${topic}`, text));
  }
  onRelay(topic: string, listener: (text: string) => void) {
    this.emitter.on(`relay:${topic}`, listener);
    return () => {
      this.emitter.off(`relay:${topic}`, listener);
    };
  }
  async start() {}
  async stop() {
    this.emitter.removeAllListeners();
  }
  resync() {
    this.emitter.emit('resync');
  }
}

/** Well below NOTIFY's limit of 8,000 bytes per payload, with room for the part's header. */
export const RELAY_PART_BYTES = 7_000;

/** Cuts a text into pieces of at most `maxBytes` in UTF-8, never inside a character. */
export function splitUtf8(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < text.length;) {
    const point = text.codePointAt(i)!;
    const size = point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) {
      parts.push(text.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += size;
    i += point > 0xffff ? 2 : 1;
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * A relayed text on PostgreSQL: one NOTIFY per part, all parts in one transaction (so they arrive
 * together and in order), each headed `<message id> <index>/<count> <topic>` and a newline.
 */
export function relayParts(id: string, topic: string, text: string): string[] {
  const pieces = splitUtf8(text, RELAY_PART_BYTES);
  return pieces.map((piece, index) => `${id} ${String(index)}/${String(pieces.length)} ${topic}\n${piece}`);
}

/** Puts relayed texts together again from their parts; a message missing a part is dropped. */
export class RelayAssembler {
  private readonly pending = new Map<string, { topic: string; parts: string[]; received: number; since: number }>();

  constructor(private readonly maxAgeMs = 30_000) {}

  /** Takes one NOTIFY payload; returns the whole text once its last part is in. */
  take(payload: string, now = Date.now()): { topic: string; text: string } | null {
    const newline = payload.indexOf('\n');
    const header = /^(\S+) (\d+)\/(\d+) (\S+)$/.exec(payload.slice(0, newline));
    if (newline < 0 || !header) return null;
    const [, id, indexText, countText, topic] = header as unknown as [string, string, string, string, string];
    const index = Number(indexText);
    const count = Number(countText);
    if (!(index < count) || count > 1_000) return null;
    const piece = payload.slice(newline + 1);
    if (count === 1) return { topic, text: piece };
    for (const [key, entry] of this.pending) if (now - entry.since > this.maxAgeMs) this.pending.delete(key);
    let entry = this.pending.get(id);
    if (!entry) this.pending.set(id, (entry = { topic, parts: new Array<string>(count), received: 0, since: now }));
    if (entry.parts[index] === undefined) entry.received += 1;
    entry.parts[index] = piece;
    if (entry.received < count) return null;
    this.pending.delete(id);
    return { topic: entry.topic, text: entry.parts.join('') };
  }
}

class PostgresBus implements EventBus {
  private readonly local = new InProcessBus();
  private subscription: { unlisten(): Promise<void> } | null = null;
  private relaySubscription: { unlisten(): Promise<void> } | null = null;
  private connects = 0;
  private readonly processId = randomUUID().slice(0, 8);
  /** Marks this process's department events on the wire: they were delivered here already. */
  private readonly origin = randomUUID();
  private sequence = 0;
  /** Relays leave one after another: NOTIFYs arrive in the order their transactions commit. */
  private sending: Promise<unknown> = Promise.resolve();
  private readonly assembler = new RelayAssembler();

  constructor(
    private readonly pubsub: NonNullable<Database['pubsub']>,
    private readonly logger: Logger,
  ) {}

  async start() {
    this.subscription = await this.pubsub.listen(
      CHANNEL,
      (payload) => {
        let event: LiveEvent;
        try {
          const raw: unknown = JSON.parse(payload);
          // Our own department event coming back: its listeners here have had it (publish).
          if ((raw as { origin?: unknown } | null)?.origin === this.origin) return;
          event = LiveEventSchema.parse(raw);
        } catch {
          this.logger.warn('ignored a malformed live event');
          return;
        }
        void this.local.publish(event);
      },
      () => {
        // Every connection after the first is a reconnection: events may have been lost.
        if (this.connects++ > 0) this.local.resync();
      },
    );
    this.relaySubscription = await this.pubsub.listen(RELAY_CHANNEL, (payload) => {
      const whole = this.assembler.take(payload);
      if (whole) void this.local.relay(whole.topic, whole.text);
    });
  }
  async publish(event: LiveEvent) {
    // A department event reaches this process's listeners now, as on the in-process bus, and not
    // when its NOTIFY comes back (issue 14, item 2): the live hub tells everyone of a move right
    // after the transition's commit instead of after a second commit and the listener's delivery.
    // On the wire it carries our origin, so that its return is skipped here (other processes'
    // schemas drop the field): every listener takes it once.
    if ('departmentId' in event) {
      void this.local.publish(event);
      await this.pubsub.notify(CHANNEL, JSON.stringify({ ...event, origin: this.origin }));
      return;
    }
    // Access ended (sessions, roles): this process stops honouring it now, not when its own NOTIFY
    // comes back, so a request right behind the sign-out is refused here too (the kept sessions of
    // features/staff/staff-access.ts). Its listeners take the event twice, here and from NOTIFY;
    // ending access twice changes nothing. (Not a device's: it may be paired anew in between.)
    if ('sessionsEnded' in event || 'rolesChanged' in event) void this.local.publish(event);
    await this.pubsub.notify(CHANNEL, JSON.stringify(event));
  }
  async publishAll(events: readonly DepartmentEvent[]) {
    if (events.length === 0) return;
    // As publish does for each: here now, and on the wire with our origin, in one statement.
    for (const event of events) void this.local.publish(event);
    await this.pubsub.notifyAll(
      CHANNEL,
      events.map((event) => JSON.stringify({ ...event, origin: this.origin })),
    );
  }
  subscribe(onEvent: (event: LiveEvent) => void, onResync?: () => void) {
    return this.local.subscribe(onEvent, onResync);
  }
  relay(topic: string, text: string) {
    if (!TOPIC.test(topic)) return Promise.reject(new Error(`bad relay topic ${topic}`));
    const parts = relayParts(`${this.processId}.${String(++this.sequence)}`, topic, text);
    const sent = this.sending.then(() => this.pubsub.notifyAll(RELAY_CHANNEL, parts));
    this.sending = sent.catch(() => {});
    return sent;
  }
  onRelay(topic: string, listener: (text: string) => void) {
    return this.local.onRelay(topic, listener);
  }
  async stop() {
    await this.subscription?.unlisten().catch(() => {});
    await this.relaySubscription?.unlisten().catch(() => {});
    await this.sending;
    await this.local.stop();
  }
}

export function createEventBus(database: Database, logger: Logger): EventBus {
  return database.pubsub ? new PostgresBus(database.pubsub, logger) : new InProcessBus();
}
