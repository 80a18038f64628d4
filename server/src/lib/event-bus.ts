import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import type { Logger } from './logger.js';

/**
 * "Something changed in department D" between server processes. Events carry ids only; every
 * process reads the current state from the database itself, so a lost or repeated event costs
 * a re-read, never a wrong screen. See docs/decisions/003-live-events-across-processes.md.
 */
export const DepartmentEventSchema = z.object({ departmentId: z.uuid(), visitId: z.uuid().optional() });
export type DepartmentEvent = z.infer<typeof DepartmentEventSchema>;

/**
 * Staff sessions ended: one (sign-out, by its token hash) or all of a staff member's
 * (deactivation). Every process closes the WebSockets opened with them at once (issue 11, item 4).
 */
export const SessionsEndedEventSchema = z.object({
  sessionsEnded: z.object({ staffId: z.uuid(), tokenHash: z.string().max(64).optional() }),
});
export type SessionsEndedEvent = z.infer<typeof SessionsEndedEventSchema>;

export const LiveEventSchema = z.union([DepartmentEventSchema, SessionsEndedEventSchema]);
export type LiveEvent = z.infer<typeof LiveEventSchema>;

export interface EventBus {
  publish(event: LiveEvent): Promise<void>;
  /** `onResync` runs when events may have been missed (listener reconnected). */
  subscribe(onEvent: (event: LiveEvent) => void, onResync?: () => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const CHANNEL = 'amtsraum_live';

class InProcessBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  async publish(event: LiveEvent) {
    // Asynchronous like NOTIFY, so publishers never run subscribers inside their own transaction.
    setImmediate(() => this.emitter.emit('event', event));
  }
  subscribe(onEvent: (event: LiveEvent) => void, onResync?: () => void) {
    this.emitter.on('event', onEvent);
    if (onResync) this.emitter.on('resync', onResync);
    return () => {
      this.emitter.off('event', onEvent);
      if (onResync) this.emitter.off('resync', onResync);
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

class PostgresBus implements EventBus {
  private readonly local = new InProcessBus();
  private subscription: { unlisten(): Promise<void> } | null = null;
  private connects = 0;

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
          event = LiveEventSchema.parse(JSON.parse(payload));
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
  }
  async publish(event: LiveEvent) {
    await this.pubsub.notify(CHANNEL, JSON.stringify(event));
  }
  subscribe(onEvent: (event: LiveEvent) => void, onResync?: () => void) {
    return this.local.subscribe(onEvent, onResync);
  }
  async stop() {
    await this.subscription?.unlisten().catch(() => {});
    await this.local.stop();
  }
}

export function createEventBus(database: Database, logger: Logger): EventBus {
  return database.pubsub ? new PostgresBus(database.pubsub, logger) : new InProcessBus();
}
