import type { CallJoinResponse, CallRoleName } from '@amtsraum/shared';
import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import type { AfterAnswer } from './lib/after-answer.js';
import type { DiskWatch } from './lib/disk-watch.js';
import type { EventBus } from './lib/event-bus.js';
import type { Foreground } from './lib/foreground.js';
import type { InstallationWarnings } from './lib/installation-warnings.js';
import type { Logger } from './lib/logger.js';
import type { RateLimits } from './lib/rate-limit.js';
import type { Followers } from './lib/followers.js';
import type { WorkGate } from './lib/work-gate.js';

/**
 * What the features depend on, as interfaces: the application's dependencies (`AppDeps`) and the
 * media seam (`CallMedia`). This module is imported downward only: it knows config, db and lib,
 * never a feature, so features, media implementations, the hub and the jobs can all import it.
 */

/** Everything a router, the live hub or a job is built from; tests build it with a fresh database. */
export interface AppDeps {
  config: Config;
  database: Database;
  events: EventBus;
  /** The call transport (LiveKit or peer-to-peer), chosen once from the configuration. */
  media: CallMedia;
  logger: Logger;
  /** Rate limits, shared by every process on one PostgreSQL. */
  limits: RateLimits;
  /** The line citizens' slot searches and bookings wait in when many come at once (the 07:45 rush). */
  bookingGate: WorkGate<BookingLane>;
  /** Bookings of a slot already on its way wait for it here, outside that line (lib/followers.ts). */
  slotFollowers: Followers;
  /** Settings noticed wrong from the requests (TRUST_PROXY, PUBLIC_BASE_URL): logged once, in /api/health. */
  warnings: InstallationWarnings;
  /** Writes refused for lack of space, from every part that writes: readiness says not ready. */
  disk: DiskWatch;
  /**
   * The requests changing something now; the live hub's rounds over many sockets or departments
   * let them pass between their chunks (lib/foreground.ts).
   */
  foreground: Foreground;
  /** Work a request does once its answer is sent (a password reset's writes); waited for at stop. */
  afterAnswer: AfterAnswer;
  /**
   * The department's waiting visits whose citizen's page is not connected now, as the live hub
   * knows it (the consoles' "Verbindung unterbrochen"); none before the hub runs.
   */
  lostCitizens: (departmentId: string) => readonly string[];
  /** The clock; tests pass a fixed one. */
  now: () => Date;
  version: string;
  /** Built web client to serve; null serves the API only (the Vite dev server serves the client). */
  webDistDir: string | null;
}

/** Bookings first: a booking finishes what a citizen began, and makes the next searches true. */
export const BOOKING_LANES = ['booking', 'search'] as const;
export type BookingLane = (typeof BOOKING_LANES)[number];

/**
 * What one service call works with: the clock is read once, so a request sees one instant.
 * Services declare the part they need (`Pick<Ctx, 'db' | 'now'>`), which keeps them easy to call.
 */
export interface Ctx {
  db: Db;
  events: EventBus;
  media: CallMedia;
  config: Config;
  logger: Logger;
  now: Date;
}

export function ctxOf(deps: AppDeps): Ctx {
  return {
    db: deps.database.db,
    events: deps.events,
    media: deps.media,
    config: deps.config,
    logger: deps.logger,
    now: deps.now(),
  };
}

// -- calls and their media ---------------------------------------------------------------------

/** Who may be in a visit's call. Shared by both transports. */
export type CallRole = CallRoleName;

/** One person's right to be in one visit's call, decided from the database (features/calls). */
export interface CallGrant {
  visitId: string;
  departmentId: string;
  role: CallRole;
  /** Stable per person and visit; never a name the participant chose. */
  identity: string;
  name: string;
  /** Clerks share their screen by default; others only when the clerk allows it. */
  canShareScreen: boolean;
  /** For the clerk: the interpreter language the citizen asked for, to invite one in a click. */
  interpreterLanguage?: string | null;
}

type TransportPart<T> = T extends unknown
  ? Omit<T, 'visitId' | 'departmentId' | 'self' | 'interpreterLanguage' | 'timeZone'>
  : never;

/** What the browser needs to reach the call's media: a LiveKit URL and token, or ICE servers. */
export type CallTransport = TransportPart<CallJoinResponse>;

/**
 * Something the media server saw happen in a visit's call (a verified webhook). A hint, not a
 * command: features check it against the database and, where it matters, against the media
 * server itself, so an event that arrives late or twice changes nothing.
 */
export type MediaEvent =
  { type: 'participant_joined'; visitId: string; identity: string } | { type: 'room_finished'; visitId: string };

/** A visit's call as the media server holds it now: who is in its room. */
export interface MediaCall {
  visitId: string;
  identities: string[];
}

/**
 * The call transport behind one interface (DESIGN.md, "Media"). Services call these methods;
 * nothing outside config and `media/` asks which transport runs. Side effects are best effort
 * for the caller: the database stays the truth, and every change is also published on the event
 * bus, from which the peer-to-peer rooms of every process act.
 */
export interface CallMedia {
  /** The transport's name, for health reports and logs only: nothing branches on it. */
  readonly transport: 'livekit' | 'p2p';
  /** Origins the browser connects to for media besides ours (Content-Security-Policy connect-src). */
  readonly connectSources: string[];
  /**
   * Peer-to-peer: the server relays the call's signalling over its own WebSocket
   * (features/calls/p2p-rooms.ts), for at most `maxParticipants` people. Null when a media
   * server carries the call and our WebSocket relays nothing.
   */
  readonly signalling: { maxParticipants: number } | null;
  /** Verifies a media server's webhook; null when this transport sends none (no endpoint then). */
  readonly webhook: { receive(body: string, authorization: string | undefined): Promise<MediaEvent | null> } | null;
  /**
   * The calls the media server holds, for putting things right after webhooks were lost (our
   * server was down): null when our own server is the only place calls exist (peer-to-peer).
   */
  readonly calls: {
    list(): Promise<MediaCall[]>;
    /** Whether the visit's call is open on the media server right now. */
    isOpen(visitId: string): Promise<boolean>;
  } | null;
  /**
   * What the participant's browser needs to join the call its grant names; opens the call on the
   * media server if it is not open yet. `callKey` gives the call's end-to-end encryption key, for
   * the participant only, to a transport that needs one. Fails with `media_unavailable` when the
   * media server cannot be reached.
   */
  connect(grant: CallGrant, callKey: () => Promise<string>): Promise<CallTransport>;
  /** The visit's call is over: everyone leaves. */
  endCall(visitId: string): Promise<void>;
  /** One participant leaves the call at once (removed by the clerk, or their link withdrawn). */
  removeParticipant(visitId: string, identity: string): Promise<void>;
  /** A participant already in the call may now (or no longer) share their screen. */
  setScreenShare(visitId: string, identity: string, allowed: boolean): Promise<void>;
}
