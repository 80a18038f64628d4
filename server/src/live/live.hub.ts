import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ClientMessageSchema,
  negotiateLocale,
  WS_PATH,
  type ClientMessage,
  type Locale,
  type ServerMessage,
} from '@amtsraum/shared';
import { WebSocket, WebSocketServer } from 'ws';
import type { AppDeps } from '../deps.js';
import { addressGroup, clientAddress } from '../lib/client-address.js';
import { AppError } from '../lib/errors.js';
import type { DepartmentEvent, LiveEvent, SessionsEndedEvent } from '../lib/event-bus.js';
import { readCallerCookies, resolveCaller, type CallerCookies } from '../features/calls/caller.js';
import { P2pRooms, type CallMember } from '../features/calls/p2p-rooms.js';
import { findDepartmentBySlugs, findTenantBySlug } from '../features/directory/directory.repo.js';
import { hashToken } from '../features/staff/auth.service.js';
import { clearPresence, markPresent, presenceKey, refreshPresence } from '../features/staff/presence.repo.js';
import {
  archivedDepartmentIds,
  findMembership,
  rolesKey,
  rolesOfStaff,
  workedInArchived,
  type StaffRoles,
} from '../features/staff/staff.repo.js';
import {
  stateFrom,
  toCitizenVisit,
  toConsoleSnapshot,
  type DepartmentState,
} from '../features/visits/queue.service.js';
import { recentSightingMs, staleSightingMs } from '../features/visits/sightings.js';
import { isActive, isWaiting } from '../features/visits/visit-states.js';
import {
  findVisitsWithContext,
  touchVisits,
  waitingSightingsOf,
  type VisitWithContext,
} from '../features/visits/visits.repo.js';
import { brokenTextAt } from '../lib/json-body.js';
import { liveErrorMessage } from '../lib/messages.js';
import { DepartmentAnswers } from './answers.js';
import { CitizenPresence, PRESENCE_TOPIC, type PresenceNews } from './citizen-presence.js';
import { DepartmentContexts } from './department-context.js';
import { AddressBudgets, AddressSlots, FairQueue, TokenBucket } from './flood-guard.js';

/**
 * The one WebSocket endpoint: upgrade and authentication, subscriptions, and fan-out. Connections
 * subscribe to a door, their own visit, or a console; when the event bus says a department
 * changed, the hub reads that department's state once and sends each subscriber its view. The hub
 * keeps no queue state: only who listens to what, and the last answers (answers.ts). Its timers
 * (pings, presence) are jobs of the scheduler (jobs/jobs.ts); peer-to-peer call messages go to
 * the call rooms (features/calls).
 *
 * No client can stall it for the others (issue 11): every socket has a message budget, database
 * work for messages takes turns between client addresses (flood-guard.ts), repeated watches are
 * answered from what was last sent, and one address holds a limited number of sockets.
 */

interface Connection {
  id: string;
  socket: WebSocket;
  alive: boolean;
  /**
   * Heartbeats since the upgrade while the client has sent nothing, or null once it has sent a
   * message (a page sends its watch at once, and its own ping every 20 s). SILENT_BEATS.
   */
  silentBeats: number | null;
  /** The client's address group (flood-guard.ts): whose turn its database work takes. */
  group: string;
  /** Who connected, from the upgrade's cookies (the staff session is checked again where it matters). */
  cookies: CallerCookies;
  /**
   * The language of its error messages: the one the page says it shows (a `language` message: a
   * person's choice on the page beats the browser's), until then the upgrade's Accept-Language.
   */
  locale: Locale;
  staffId: string | null;
  /** The staff session's token hash, to close this socket when that session ends. */
  staffSession: string | null;
  /** Closing (session ended, flood): nothing more is sent or handled. */
  closed: boolean;
  /** Watched doors: `tenant/department` slugs → department id. */
  doors: Map<string, string>;
  consoles: Set<string>;
  /**
   * Consoles this socket's clerk asked for and was refused, or had closed, for want of a role
   * there (at most MAX_REFUSED_CONSOLES, the latest): opened the moment an admin gives the role, in
   * any process, so a console saying "Sie arbeiten nicht in diesem Amt" works without a reload.
   * Null until the first refusal: a citizen's socket never has one (as `views`).
   */
  refusedConsoles: Set<string> | null;
  /**
   * The roles key (`rolesKey`) the staff home on this socket was last known to show (`watch-roles`),
   * to say `roles-changed` when a change or a resync finds another; null when nothing watches them.
   */
  rolesKnown: string | null;
  /** The department where this clerk was told they are still in a conversation (`watch-busy`). */
  busyIn: string | null;
  /** Department of the watched visit. */
  visitDepartment: string | null;
  /** The last visit message sent, and the department version it was read at. */
  visitAnswer: { version: number; text: string } | null;
  /** The last door and console messages sent, by `door:`/`console:` and department: the same view is not sent twice. */
  views: Map<string, string> | null;
  /** Every message spends from this; a flood is dropped. */
  messages: TokenBucket;
  /** Dropped messages spend from this; a socket that keeps flooding is closed. */
  strikes: TokenBucket;
  /** Bytes of call messages relayed to others (signals, chat): RELAYED_BYTES. */
  relayed: TokenBucket;
  /** Messages that need the database spend from this as well. */
  lookups: TokenBucket;
  pendingLookups: number;
  /** Told about the flood once already (until a message gets through again). */
  toldToSlowDown: boolean;
  call: CallMember;
}

export interface LiveHubOptions {
  /** Origins whose pages may connect (our own, plus Vite's in development). */
  allowedOrigins: Set<string>;
}

export const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * Budgets per socket. A page sends a few watches and a ping every half minute; a call's signalling
 * sends a few dozen messages at its start. Far above both, far below a flood.
 */
const MESSAGES = { burst: 60, perSecond: 30 };
/** Dropped messages a socket may send before it is closed (1008). */
const STRIKES = { burst: 300, perSecond: 10 };
/** Messages that need a database read (a first watch, a call join): a page needs a handful. */
const LOOKUPS = { burst: 10, perSecond: 2 };
/**
 * Bytes (UTF-8, as they are sent on) of call messages a socket may have relayed to the others of
 * its call (signals and chat). Starting a call takes some 10-50 KB (offers and answers of a few
 * KB, candidates of a few hundred bytes); past the budget a socket sends 32 KB a second. Counted
 * by messages alone, 30 signals a second of 30 KB each filled the receiver's send buffer within a
 * second, and the hub hung up on the receiver (MAX_BUFFERED_BYTES): a participant could cut the
 * clerk off. Counted in characters, text of three-byte characters (€) filled it three times as fast.
 */
export const RELAYED_BYTES = { burst: 256 * 1024, perSecond: 32 * 1024 };
const MAX_PENDING_LOOKUPS = 4;
/**
 * Database work for messages at once, for all sockets; the rest waits its turn (FairQueue). Most of
 * the pool (10 connections): a reconnect storm after another process died must not queue behind a
 * handful of reads, while HTTP keeps a couple of connections.
 */
const LOOKUP_CONCURRENCY = 8;
/**
 * First watches of visits arriving within this many milliseconds are answered together: one read
 * of all their visits, one of each department (issue 14, item 3). A reconnect storm then costs a
 * few reads per batch instead of a handful per socket.
 */
const VISIT_BATCH_MS = 5;
const VISIT_BATCH_MAX = 1000;
/**
 * Batches answered at once. Watches arriving meanwhile wait for one to finish and go together
 * (as a database groups commits): under a storm the batches grow with the arrival rate instead of
 * each 5 ms costing its own reads, and two in flight keep the database busy while one is sent.
 */
const VISIT_BATCHES_IN_FLIGHT = 2;
/**
 * How long a department's state, read for first watches, answers later ones while no event for
 * the department came: a storm's batches then share it. Events make it stale at once (versions).
 */
const STATE_REUSE_MS = 60_000;
/**
 * Doors whose slugs are not known here (findDoor) an address may look up: a page needs one, a
 * town hall's shared address a few dozen a minute. Per address and not per socket: a socket's
 * budget starts full, and a script that opens a fresh socket per watch would read freely.
 */
const DOOR_LOOKUPS = { burst: 20, perSecond: 1 };
/**
 * How long a door's slugs answer for its department without a read. Renames and archivals publish
 * `context` events, which drop it at once (in every process); this bounds writers that do not.
 */
const DOOR_ID_REUSE_MS = 5 * 60_000;
/** How long consoles' notice of appointment changes waits for more of them (onAppointmentChanged). */
const APPOINTMENT_NUDGE_MS = 150;
/**
 * How long news of citizens' sockets (closed, watching again) waits for more before it is relayed
 * to every process in one text (citizen-presence.ts): a reconnect storm costs a few relays.
 */
const PRESENCE_NEWS_MS = 200;

interface StateRead {
  version: number;
  state: DepartmentState;
  at: number;
  /** The state's live visits by id. */
  rows: Map<string, VisitWithContext>;
}

/** Visits marked present in one statement, at most. */
const TOUCH_MAX = 1000;
/**
 * Visits marked present per statement by the heartbeat. The embedded database runs a statement
 * without yielding: 500 rows held every other message up some 50 ms; 100 keep it to a few. (Fewer
 * rows do not help a queue change: its statements each wait behind one, and the writes last longer.)
 */
const PRESENCE_CHUNK = 100;
/** Sockets pinged per turn of the event loop by the heartbeat. */
const PING_CHUNK = 250;
/**
 * A socket whose client has sent no message at all by this many heartbeats (15 s apart: 75 to
 * 90 s) is closed. It answers pings (the browser's WebSocket does so by itself) but watches
 * nothing: opened by a script only to hold one of its address's and the process's slots
 * (WS_CONNECTIONS_PER_ADDRESS, WS_MAX_CONNECTIONS), which it did for ever. A page sends its watch
 * as it connects and a ping every 20 s (a minute in a background tab); closed, it reconnects.
 */
export const SILENT_BEATS = 6;
/**
 * Departments read together when many changed at once (a job's round, a resync). Each chunk's
 * reads run without yielding on the embedded database, and a change arriving meanwhile waits for
 * one: 5 departments of 20 waiting take some 20 ms on a 2-core machine (20 took 60 to 80); all
 * 500 of the fan-out benchmark in one go took over a second.
 */
const FLUSH_CHUNK = 5;
/** Visits remembered for first watches (`visitDepartments`), at most; past it they start over. */
const KNOWN_VISITS_MAX = 100_000;
/**
 * Doors one socket watches at most. A page shows one door, and the protocol has no "unwatch": a
 * browser moving from department to department in one tab adds each to its socket. Past this,
 * the door watched longest ago is dropped (no page of the tab shows it any more); a script
 * watching every door of the installation on one socket gets only the last few.
 */
export const MAX_DOORS_PER_SOCKET = 16;
/** Refused consoles a socket keeps to open when the role comes (a page asks for one or two). */
const MAX_REFUSED_CONSOLES = 4;

interface VisitWatch {
  connection: Connection;
  done: () => void;
}

type Watchers = Map<string, Set<Connection>>;

function addWatcher(map: Watchers, key: string, connection: Connection) {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(connection);
}

function removeWatcher(map: Watchers, key: string, connection: Connection) {
  const set = map.get(key);
  if (!set) return;
  set.delete(connection);
  if (set.size === 0) map.delete(key);
}

export class LiveHub {
  /** Pongs by hand (`ping` below): a protocol ping spends from the socket's budget as a message does. */
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, autoPong: false });
  private readonly connections = new Set<Connection>();
  private readonly doorWatchers: Watchers = new Map();
  private readonly consoleWatchers: Watchers = new Map();
  private readonly visitWatchers: Watchers = new Map();
  /** Clerks' sockets waiting for their conversation in a department to end (`watch-busy`). */
  private readonly busyWatchers: Watchers = new Map();
  /** Departments to read again and tell. */
  private readonly pending = new Set<string>();
  /** Of those, the ones where a citizen's visit changed: read first, ahead of a refresh of many. */
  private readonly urgent = new Set<string>();
  private flushScheduled = false;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  /** Peer-to-peer calls of this process's connections; the jobs keep their places alive. */
  readonly calls: P2pRooms;
  private readonly answers = new DepartmentAnswers();
  private readonly contexts = new DepartmentContexts(() => this.db);
  /** The last state read per department for first watches, with the version it was read at. */
  private readonly states = new Map<string, StateRead>();
  /** First watches' visits to mark as present (touchSoon), with the moment each was seen. */
  private readonly touches = new Map<string, Date>();
  private touching = false;
  /** Sightings written by touchSoon, newer than the rows kept in `states` may say. */
  private readonly sightings = new Map<string, number>();
  /**
   * The version at which a move (an event saying what happened to one visit) was last sent per
   * department: a read begun before it is older than what everyone was told, and is not sent.
   */
  private readonly movedAt = new Map<string, number>();
  /**
   * The version of the newest read sent per department. Two reads of one department can be in
   * flight at once (a job's or a resync's, and the one a change asked for meanwhile; on PostgreSQL
   * on two connections) and the older can finish last: it is then not sent.
   */
  private readonly readSentAt = new Map<string, number>();
  /** Departments whose consoles are told an appointment changed, at the next turn (onAppointmentChanged). */
  private readonly appointmentNudges = new Set<string>();
  /** Department of each live visit in `states`: a first watch of a known visit needs no read. */
  private readonly visitDepartments = new Map<string, string>();
  private visitBatch: VisitWatch[] = [];
  private visitBatchTimer: NodeJS.Timeout | null = null;
  private visitBatchesRunning = 0;
  private readonly slots: AddressSlots;
  /** Aborted by endRounds() and stop(): a round's pause between its chunks ends with it. */
  private readonly stopping = new AbortController();
  /** Bumped by every role change heard: a console watch whose membership read began before one reads again. */
  private rolesEpoch = 0;
  /**
   * The role checks under way (recheckRoles). A refresh waits for them before it sends: an admin
   * who takes an office away publishes the role change and then the office's own change (one clerk
   * fewer), and a console there must hear that it closed before any news of the office, which its
   * page would answer with requests the guards now refuse.
   */
  private rolesChecks: Promise<void> | null = null;
  private readonly lookupQueue = new FairQueue(LOOKUP_CONCURRENCY);
  /**
   * Door slugs (`tenant/department`) → department id, for every socket: a fresh socket's first
   * watch of a known door costs no read while its answer is kept. Found doors only, so no larger
   * than the installation's departments.
   */
  private readonly doorIds = new Map<string, { departmentId: string; until: number }>();
  /** Bumped whenever `doorIds` may be wrong: a slug read in flight meanwhile is not kept. */
  private doorIdsEpoch = 0;
  /** Slug reads in flight, shared by every watch of the same door meanwhile. */
  private readonly doorLookups = new Map<string, Promise<string | 'tenant_not_found' | 'department_not_found'>>();
  /** Door state reads in flight, shared by every first watch of that department at that version. */
  private readonly doorReads = new Map<string, { version: number; text: Promise<string | null> }>();
  private readonly doorLookupBudgets = new AddressBudgets(DOOR_LOOKUPS.burst, DOOR_LOOKUPS.perSecond);
  /** Which waiting citizens' pages are not connected, heard from every process; told to consoles. */
  private readonly citizenPresence = new CitizenPresence((departmentId) => this.tellConnections(departmentId));
  /** The last `console-connections` text sent to the department's consoles here. */
  private readonly toldConnections = new Map<string, string>();
  /** Citizens' sockets closed and watching again here, to relay (PRESENCE_NEWS_MS). */
  private presenceNews: { lost: Map<string, [string, number]>; back: Map<string, number> } = {
    lost: new Map(),
    back: new Map(),
  };
  private presenceNewsTimer: NodeJS.Timeout | null = null;
  private offPresence: (() => void) | null = null;

  constructor(
    private readonly deps: AppDeps,
    private readonly options: LiveHubOptions,
  ) {
    this.calls = new P2pRooms({ ...deps, db: deps.database.db });
    this.slots = new AddressSlots(deps.config.wsConnectionsPerAddress, deps.config.wsMaxConnections);
  }

  private get db() {
    return this.deps.database.db;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  start(server: http.Server): void {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      // Before anything else: the client may reset the connection at any moment, and an 'error'
      // event nobody listens to ends the process (issue 11, item 1). Node hands the socket over
      // without its own listener once an upgrade handler exists.
      socket.on('error', () => socket.destroy());
      this.handleUpgrade(req, socket, head).catch((error: unknown) => {
        this.deps.logger.warn({ err: error }, 'WebSocket upgrade failed');
        socket.destroy();
      });
    });
    this.unsubscribe = this.deps.events.subscribe(
      (event) => this.onEvent(event),
      () => this.resyncAll(),
    );
    this.offPresence = this.deps.events.onRelay(PRESENCE_TOPIC, (text) => this.citizenPresence.hear(text));
  }

  /** The process is stopping: a round spread over time (the heartbeat's) ends at its next pause. */
  endRounds(): void {
    this.stopping.abort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.endRounds();
    this.unsubscribe?.();
    this.offPresence?.();
    this.citizenPresence.stop();
    if (this.presenceNewsTimer) clearTimeout(this.presenceNewsTimer);
    if (this.visitBatchTimer) clearTimeout(this.visitBatchTimer);
    const presence = [...this.connections].flatMap((c) => [...c.consoles].map((d) => presenceKey(c.id, d)));
    for (const connection of this.connections) connection.socket.close(1001, 'server shutting down');
    await clearPresence(this.db, presence).catch(() => {});
    this.wss.close();
  }

  /**
   * Ends the live connections still open after `stop()`'s closing frame: their other side did not
   * answer (a phone out of reach, its connection half open), and would hold the server's close.
   */
  terminateAll(): void {
    for (const connection of this.connections) connection.socket.terminate();
  }

  // -- connections -----------------------------------------------------------

  private async handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    const refuse = (status: number, reason: string, headers: string[] = []) => {
      if (socket.writable) {
        socket.end(
          [`HTTP/1.1 ${status} ${reason}`, 'Connection: close', 'Content-Length: 0', ...headers, '', ''].join('\r\n'),
        );
      }
      socket.destroy();
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (this.stopped) return refuse(503, 'Service Unavailable');
    // Browsers always send Origin on WebSocket upgrades; another site's page must not ride our cookies.
    const origin = req.headers.origin;
    if (!origin || !this.options.allowedOrigins.has(origin)) {
      if (origin) this.deps.warnings.seeRefusedOrigin(req, origin);
      return refuse(403, 'Forbidden');
    }

    // The slot is the TCP connection's for as long as it lives, whichever way it ends. Past the
    // process's cap (from all addresses together: WS_MAX_CONNECTIONS) a new one waits outside.
    const group = addressGroup(clientAddress(req, this.deps.config.trustProxy));
    const slot = this.slots.take(group);
    if (slot === 'all_full') return refuse(503, 'Service Unavailable', ['Retry-After: 30']);
    if (slot === 'group_full') return refuse(429, 'Too Many Requests', ['Retry-After: 30']);
    socket.once('close', () => this.slots.release(group));

    const read = readCallerCookies(this.deps.config.sessionSecret, req.headers.cookie);
    let staffId: string | null = null;
    if (read.staffToken) {
      try {
        // In the address's turn: reconnect storms and cookie floods wait behind everyone else's work.
        staffId = await this.lookupQueue.run(group, async () =>
          socket.destroyed ? null : ((await resolveCaller(this.db, read, this.deps.now())).staff?.id ?? null),
        );
      } catch (error) {
        this.deps.logger.error({ err: error }, 'session lookup failed during upgrade');
        return refuse(503, 'Service Unavailable');
      }
    }
    // Gone while the lookup waited (a reset, a closed tab): nothing left to upgrade.
    if (socket.destroyed || !socket.readable) return;
    // A session that did not resolve is not kept: it cannot start working later on this connection.
    const cookies: CallerCookies = { ...read, staffToken: staffId ? read.staffToken : null };
    // Read here, not in the callback below: a closure there naming `req` would keep the whole
    // request (1.3 KB) alive for as long as the socket lives, through the call's `send`.
    const locale = negotiateLocale(req.headers['accept-language']);

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const id = randomUUID();
      const connection: Connection = {
        id,
        socket: ws,
        alive: true,
        silentBeats: 0,
        group,
        cookies,
        locale,
        staffId,
        staffSession: staffId && cookies.staffToken ? hashToken(cookies.staffToken) : null,
        closed: false,
        doors: new Map(),
        consoles: new Set(),
        refusedConsoles: null,
        rolesKnown: null,
        busyIn: null,
        visitDepartment: null,
        visitAnswer: null,
        views: null,
        messages: new TokenBucket(MESSAGES.burst, MESSAGES.perSecond),
        strikes: new TokenBucket(STRIKES.burst, STRIKES.perSecond),
        relayed: new TokenBucket(RELAYED_BYTES.burst, RELAYED_BYTES.perSecond),
        lookups: new TokenBucket(LOOKUPS.burst, LOOKUPS.perSecond),
        pendingLookups: 0,
        toldToSlowDown: false,
        call: { connectionId: id, cookies, send: (message) => this.send(connection, message) },
      };
      this.connections.add(connection);
      // The answer to the heartbeat's ping, one in 30 s; a flood of pongs nobody asked for is a
      // flood of messages like any other (it was never refused).
      ws.on('pong', () => {
        connection.alive = true;
        this.withinBudget(connection);
      });
      // No page sends protocol pings (a browser cannot), but a script can, and ws answered each at
      // once, outside the budget: one that read its pongs kept the process answering as fast as
      // its network went. Within the budget they are answered; a flood of them closes the socket.
      ws.on('ping', (data) => {
        if (this.withinBudget(connection)) ws.pong(data);
      });
      ws.on('message', (data, isBinary) => {
        connection.alive = true;
        connection.silentBeats = null;
        if (!this.withinBudget(connection)) return;
        void this.onMessage(connection, isBinary ? null : data.toString());
      });
      ws.on('close', () => void this.onClose(connection));
      ws.on('error', () => ws.terminate());
    });
  }

  /**
   * Spends one message from the socket's budget. Over it, the message is dropped (the sender is
   * told once); a socket that goes on flooding is closed.
   */
  private withinBudget(connection: Connection): boolean {
    if (connection.closed) return false;
    if (connection.messages.take()) {
      connection.toldToSlowDown = false;
      return true;
    }
    if (!connection.strikes.take()) {
      this.closeConnection(connection, 1008, 'too many messages');
      return false;
    }
    if (!connection.toldToSlowDown) {
      connection.toldToSlowDown = true;
      this.sendError(connection, 'rate_limited', 'too many messages: some were dropped');
    }
    return false;
  }

  /** No more messages either way; the socket closes with `code`. */
  private closeConnection(connection: Connection, code: number, reason: string) {
    if (connection.closed) return;
    connection.closed = true;
    // Off the watcher lists at once: nothing more reaches it while the close handshake runs.
    for (const departmentId of connection.doors.values()) removeWatcher(this.doorWatchers, departmentId, connection);
    for (const departmentId of connection.consoles) removeWatcher(this.consoleWatchers, departmentId, connection);
    if (connection.visitDepartment) removeWatcher(this.visitWatchers, connection.visitDepartment, connection);
    if (connection.busyIn) removeWatcher(this.busyWatchers, connection.busyIn, connection);
    connection.socket.close(code, reason);
  }

  /**
   * Database work for one message: within the socket's budget, and in its address's turn, so a
   * flood from one place delays that place (FairQueue). Undefined when refused or closed meanwhile.
   */
  private async lookup<T>(connection: Connection, work: () => Promise<T>): Promise<T | undefined> {
    if (connection.pendingLookups >= MAX_PENDING_LOOKUPS || !connection.lookups.take()) {
      this.sendError(connection, 'rate_limited', 'too many requests on this connection: slow down');
      return undefined;
    }
    connection.pendingLookups += 1;
    try {
      return await this.lookupQueue.run(connection.group, async () => (connection.closed ? undefined : work()));
    } finally {
      connection.pendingLookups -= 1;
    }
  }

  /**
   * Whether the staff session this socket was opened with is still live, asked of the database
   * (one indexed read): sign-out, expiry and deactivation all end it. A socket whose session ended
   * is told and closed.
   */
  private async sessionLive(connection: Connection): Promise<boolean> {
    const caller = await resolveCaller(this.db, connection.cookies, this.deps.now());
    if (caller.staff && caller.staff.id === connection.staffId) return true;
    this.endSession(connection);
    return false;
  }

  private endSession(connection: Connection) {
    if (connection.closed) return;
    this.sendError(connection, 'unauthorized', 'session ended');
    this.closeConnection(connection, 4401, 'session ended');
  }

  private send(connection: Connection, message: ServerMessage | string) {
    const socket = connection.socket;
    if (connection.closed || socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      // A client that cannot keep up reconnects and catches up with a fresh read.
      socket.terminate();
      return;
    }
    socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /**
   * The message says what went wrong in the connection's language, as an HTTP problem's title does
   * (it once was the English developer text, which now goes as `detail`, as over HTTP).
   */
  private sendError(connection: Connection, code: Extract<ServerMessage, { type: 'error' }>['code'], detail: string) {
    this.send(connection, { type: 'error', code, message: liveErrorMessage(code, connection.locale), detail });
  }

  private async onMessage(connection: Connection, text: string | null) {
    let parsed: unknown;
    try {
      parsed = text === null ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = ClientMessageSchema.safeParse(parsed);
    // Half a character (a lone surrogate, as JSON may write `\ud800`) is no text: refused as over
    // HTTP (lib/json-body.ts), not relayed to show up as "�" in another person's chat.
    if (!result.success || brokenTextAt(result.data) !== null) {
      this.sendError(connection, 'invalid_message', 'message does not match the schema');
      return;
    }
    const relayedType = result.data.type === 'call-signal' || result.data.type === 'call-chat';
    if (relayedType && !connection.relayed.take(Buffer.byteLength(text!))) {
      this.sendError(connection, 'rate_limited', 'too much call data on this connection: slow down');
      return;
    }
    try {
      await this.handle(connection, result.data);
    } catch (error) {
      if (error instanceof AppError) return this.sendError(connection, error.code, error.detail ?? error.code);
      this.deps.disk.note(error);
      this.deps.logger.error({ err: error }, 'live message failed');
      this.sendError(connection, 'internal_error', 'unexpected error');
    }
  }

  private async handle(connection: Connection, message: ClientMessage) {
    switch (message.type) {
      case 'call-join':
      case 'call-allow-screen':
        // Reads and writes the database: in the sender's turn, and for a clerk with a live session.
        await this.lookup(connection, async () => {
          // The session read once: the join goes on with the caller it found (issue 14).
          const caller = await resolveCaller(this.db, connection.cookies, this.deps.now());
          if (connection.staffId && caller.staff?.id !== connection.staffId) return this.endSession(connection);
          await this.calls.handle(connection.call, message, caller);
        });
        return;
      case 'call-leave':
      case 'call-signal':
      case 'call-media':
      case 'call-chat':
        // Relayed in memory to the call this socket joined; a socket whose session ended is closed.
        return this.calls.handle(connection.call, message);
      case 'ping':
        this.send(connection, { type: 'pong' });
        return;
      case 'language':
        connection.locale = message.language;
        return;
      case 'watch-door':
        return this.watchDoor(connection, message.tenant, message.department);
      case 'watch-visit':
        return this.watchVisit(connection);
      case 'watch-console':
        return this.watchConsole(connection, message.departmentId);
      case 'watch-busy':
        return this.watchBusy(connection, message.departmentId);
      case 'watch-roles':
        return this.watchRoles(connection, message.known);
    }
  }

  /**
   * A door's first watch on a socket, or a repeat. Answered from what is kept whenever it can be:
   * a script that opens socket after socket to watch a door (or guesses doors) must cost the
   * database nothing or next to nothing, and its own address the wait (issue 11, item 2).
   */
  private async watchDoor(connection: Connection, tenant: string, department: string) {
    const key = `${tenant}/${department}`;
    const known = connection.doors.get(key) ?? this.knownDoor(key);
    const kept = known && this.answers.recall('door', known);
    if (kept && connection.doors.has(key)) return this.send(connection, kept);
    if (kept) {
      this.startWatchingDoor(connection, key, known);
      return this.sendView(connection, `door:${known}`, kept);
    }
    if (!known && !this.doorLookups.has(key) && !this.doorLookupBudgets.take(connection.group)) {
      return this.sendError(connection, 'rate_limited', 'too many doors looked up from this address: slow down');
    }
    await this.lookup(connection, async () => {
      const now = this.deps.now();
      const found = known ?? this.knownDoor(key) ?? (await this.findDoor(key, tenant, department));
      if (found === 'tenant_not_found') return this.sendError(connection, found, 'no such municipality');
      if (found === 'department_not_found') return this.sendError(connection, found, 'no such department');
      const departmentId = found;
      this.startWatchingDoor(connection, key, departmentId);
      const text = await this.doorAnswer(departmentId, now);
      if (text) this.sendView(connection, `door:${departmentId}`, text);
    });
  }

  private startWatchingDoor(connection: Connection, key: string, departmentId: string) {
    const before = connection.doors.get(key);
    // Last in the map's order: the door watched most recently is the last to be dropped.
    connection.doors.delete(key);
    connection.doors.set(key, departmentId);
    if (before === departmentId) return;
    if (before) this.stopWatchingDoor(connection, before);
    addWatcher(this.doorWatchers, departmentId, connection);
    if (connection.doors.size > MAX_DOORS_PER_SOCKET) {
      const [oldestKey, oldest] = connection.doors.entries().next().value!;
      connection.doors.delete(oldestKey);
      this.stopWatchingDoor(connection, oldest);
    }
  }

  /** Off the door's list, unless the socket still watches it under another name (slug). */
  private stopWatchingDoor(connection: Connection, departmentId: string) {
    for (const watched of connection.doors.values()) if (watched === departmentId) return;
    removeWatcher(this.doorWatchers, departmentId, connection);
    connection.views?.delete(`door:${departmentId}`);
  }

  private knownDoor(key: string): string | undefined {
    const known = this.doorIds.get(key);
    if (!known) return undefined;
    if (performance.now() < known.until) return known.departmentId;
    this.doorIds.delete(key);
    return undefined;
  }

  /**
   * The department behind a door's slugs: one read for all watches asking at once. A door not
   * found costs a second read, to say which part of the address is wrong (as HTTP does).
   */
  private findDoor(
    key: string,
    tenant: string,
    department: string,
  ): Promise<string | 'tenant_not_found' | 'department_not_found'> {
    const inFlight = this.doorLookups.get(key);
    if (inFlight) return inFlight;
    const epoch = this.doorIdsEpoch;
    const lookup = findDepartmentBySlugs(this.db, tenant, department)
      .then(async (found) => {
        if (!found) return (await findTenantBySlug(this.db, tenant)) ? 'department_not_found' : 'tenant_not_found';
        const departmentId = found.department.id;
        if (epoch === this.doorIdsEpoch) {
          this.doorIds.set(key, { departmentId, until: performance.now() + DOOR_ID_REUSE_MS });
        }
        return departmentId;
      })
      .finally(() => this.doorLookups.delete(key));
    this.doorLookups.set(key, lookup);
    return lookup;
  }

  /** The door message now: kept, or one read shared by every first watch meanwhile. */
  private doorAnswer(departmentId: string, now: Date): Promise<string | null> {
    const kept = this.answers.recall('door', departmentId);
    if (kept) return Promise.resolve(kept);
    const version = this.answers.version(departmentId);
    const inFlight = this.doorReads.get(departmentId);
    // A read begun before the last change is not handed on: its answer would be stale.
    if (inFlight?.version === version) return inFlight.text;
    const read = { version, text: this.readDoor(departmentId, version, now) };
    this.doorReads.set(departmentId, read);
    void read.text
      .finally(() => {
        if (this.doorReads.get(departmentId) === read) this.doorReads.delete(departmentId);
      })
      .catch(() => {});
    return read.text;
  }

  private async readDoor(departmentId: string, version: number, now: Date): Promise<string | null> {
    const state = await this.contexts.state(departmentId, now);
    if (!state) return null;
    const text = JSON.stringify(this.doorMessage(state));
    this.answers.keep('door', departmentId, version, text);
    return text;
  }

  /** Door slugs may now lead elsewhere or nowhere (a rename, an archival): read them again. */
  private forgetDoors(departmentId?: string) {
    this.doorIdsEpoch += 1;
    if (departmentId === undefined) return this.doorIds.clear();
    for (const [key, known] of this.doorIds) if (known.departmentId === departmentId) this.doorIds.delete(key);
  }

  private async watchVisit(connection: Connection) {
    const kept = connection.visitAnswer;
    if (kept && connection.visitDepartment && this.answers.current(connection.visitDepartment, kept.version)) {
      return this.send(connection, kept.text);
    }
    if (connection.pendingLookups >= MAX_PENDING_LOOKUPS || !connection.lookups.take()) {
      return this.sendError(connection, 'rate_limited', 'too many requests on this connection: slow down');
    }
    connection.pendingLookups += 1;
    await new Promise<void>((done) => {
      this.visitBatch.push({ connection, done });
      if (this.visitBatch.length >= VISIT_BATCH_MAX) this.flushVisitBatch();
      else if (this.visitBatchesRunning < VISIT_BATCHES_IN_FLIGHT) {
        this.visitBatchTimer ??= setTimeout(() => this.flushVisitBatch(), VISIT_BATCH_MS);
      }
    });
    connection.pendingLookups -= 1;
  }

  private flushVisitBatch() {
    if (this.visitBatchTimer) clearTimeout(this.visitBatchTimer);
    this.visitBatchTimer = null;
    // Full: the batch finishing next takes these along.
    if (this.visitBatchesRunning >= VISIT_BATCHES_IN_FLIGHT || this.visitBatch.length === 0) return;
    const batch = this.visitBatch.splice(0, VISIT_BATCH_MAX);
    this.visitBatchesRunning += 1;
    // One turn of the fair queue for the whole batch: its reads cost about what one socket's did.
    this.lookupQueue
      .run('first-watches', () => this.answerVisitWatches(batch.filter((w) => !w.connection.closed)))
      .catch((error: unknown) => {
        this.deps.disk.note(error);
        this.deps.logger.error({ err: error }, 'first watches failed');
        for (const { connection } of batch) this.sendError(connection, 'internal_error', 'unexpected error');
      })
      .finally(() => {
        for (const { done } of batch) done();
        this.visitBatchesRunning -= 1;
        if (!this.stopped) this.flushVisitBatch();
      });
  }

  /**
   * The first `visit` message for each watch of the batch. A visit of a department read since its
   * last change is answered from that read; the others from one read of their visits, and one of
   * their departments' states.
   */
  private async answerVisitWatches(batch: VisitWatch[]) {
    if (batch.length === 0) return;
    const now = this.deps.now();
    const ids = [...new Set(batch.flatMap(({ connection }) => connection.cookies.visitId ?? []))];
    const rows = new Map<string, VisitWithContext>();
    const reads = new Map<string, StateRead>();
    const unknown: string[] = [];
    for (const id of ids) {
      const departmentId = this.visitDepartments.get(id);
      const last = departmentId ? this.currentState(departmentId, now) : undefined;
      const row = last?.rows.get(id);
      if (row) {
        rows.set(id, row);
        reads.set(departmentId!, last!);
      } else unknown.push(id);
    }
    for (const row of await findVisitsWithContext(this.db, unknown)) rows.set(row.visit.id, row);
    // Present again; a sighting of moments ago is left as it is (the heartbeat renews it anyway).
    const seenSince = now.getTime() - this.recentSightingMs();
    this.touchSoon(
      [...rows.values()].filter((row) => this.lastSighting(row) < seenSince).map((row) => row.visit.id),
      now,
    );
    const byDepartment = new Map<string, Connection[]>();
    for (const { connection } of batch) {
      const row = connection.cookies.visitId ? rows.get(connection.cookies.visitId) : undefined;
      if (!row) {
        this.send(connection, { type: 'visit', visit: null });
        continue;
      }
      // Watching from here on: an event arriving while the state is read reaches this socket too.
      const departmentId = row.visit.departmentId;
      // Connected (again): consoles showing the citizen as gone are told, in every process.
      if (!connection.visitDepartment) this.presenceNewsOf(row.visit.id, null, now.getTime());
      if (connection.visitDepartment) removeWatcher(this.visitWatchers, connection.visitDepartment, connection);
      connection.visitDepartment = departmentId;
      addWatcher(this.visitWatchers, departmentId, connection);
      const list = byDepartment.get(departmentId);
      if (list) list.push(connection);
      else byDepartment.set(departmentId, [connection]);
    }
    // One read for all departments of the batch whose last state is stale or misses someone.
    const stale: string[] = [];
    for (const [departmentId, connections] of byDepartment) {
      if (reads.has(departmentId)) continue;
      const last = this.currentState(departmentId, now);
      const known =
        last &&
        connections.every((c) => {
          const row = rows.get(c.cookies.visitId!)!;
          return !isWaiting(row.visit.state) || last.state.positions.has(row.visit.id);
        });
      if (known) reads.set(departmentId, last);
      else stale.push(departmentId);
    }
    if (stale.length > 0) {
      const versions = new Map(stale.map((id) => [id, this.answers.version(id)]));
      for (const [departmentId, state] of await this.contexts.statesOf(stale, now)) {
        reads.set(departmentId, this.keepState(departmentId, versions.get(departmentId)!, state, now));
      }
    }
    for (const [departmentId, connections] of byDepartment) {
      const read = reads.get(departmentId);
      if (!read) continue;
      for (const connection of connections) {
        if (connection.closed) continue;
        const row = rows.get(connection.cookies.visitId!)!;
        this.sendVisit(connection, read.version, { type: 'visit', visit: toCitizenVisit(row, read.state) });
      }
    }
  }

  /**
   * Marks the visits as present (their first watch), without holding up the answer: one statement
   * at a time, the ids arriving meanwhile in the next (a storm costs a few, not one per batch).
   */
  private touchSoon(ids: string[], now: Date) {
    for (const id of ids) this.touches.set(id, now);
    if (this.touching) return;
    this.touching = true;
    void (async () => {
      try {
        while (this.touches.size > 0 && !this.stopped) {
          const chunk = [...this.touches].slice(0, TOUCH_MAX);
          for (const [id] of chunk) this.touches.delete(id);
          const seenAt = new Date(Math.max(...chunk.map(([, at]) => at.getTime())));
          const ids = chunk.map(([id]) => id);
          await touchVisits(this.db, ids, seenAt);
          this.sighted(ids, seenAt);
        }
      } catch (error) {
        // The heartbeat's presence refresh marks them again within seconds.
        this.deps.disk.note(error);
        this.deps.logger.warn({ err: error }, 'could not mark watching citizens as present');
        this.touches.clear();
      } finally {
        this.touching = false;
      }
    })();
  }

  /**
   * A first watch or the heartbeat (every 15 s) marks a visit present unless this process marked it
   * this recently (30 s, and at most a quarter of the grace period): a watching citizen's sighting
   * is then never more than this plus a beat old, long before the grace period ends; a reconnect
   * storm writes nothing, and each beat writes about half of the waiting.
   */
  private recentSightingMs(): number {
    return recentSightingMs(this.deps.config.visitGraceSeconds);
  }

  /** Visits just marked present in the database by this process. */
  private sighted(ids: string[], at: Date) {
    if (this.sightings.size + ids.length > KNOWN_VISITS_MAX) this.sightings.clear();
    for (const id of ids) this.sightings.set(id, at.getTime());
  }

  /** When the visit was last seen: by its row, or by a first watch here since that row was read. */
  private lastSighting(row: VisitWithContext): number {
    return Math.max(row.visit.lastSeenAt?.getTime() ?? 0, this.sightings.get(row.visit.id) ?? 0);
  }

  /** The department's last read, while no event for it came since and it is not too old. */
  private currentState(departmentId: string, now: Date): StateRead | undefined {
    const last = this.states.get(departmentId);
    return last && last.version === this.answers.version(departmentId) && now.getTime() - last.at < STATE_REUSE_MS
      ? last
      : undefined;
  }

  /** A state read at `version`, kept for the first watches that follow while it is current. */
  private keepState(departmentId: string, version: number, state: DepartmentState, now: Date): StateRead {
    const live = state.live;
    const read: StateRead = {
      version,
      state,
      at: now.getTime(),
      rows: new Map(live.map((row) => [row.visit.id, row])),
    };
    if (version !== this.answers.version(departmentId)) return read;
    this.states.set(departmentId, read);
    if (this.visitDepartments.size + live.length > KNOWN_VISITS_MAX) this.visitDepartments.clear();
    for (const row of live) this.visitDepartments.set(row.visit.id, departmentId);
    return read;
  }

  /**
   * A visit message. `unlessSent`: not when the socket has just this one already (a read
   * confirming a move); otherwise every change is told, changed view or not, as it always was.
   */
  private sendVisit(connection: Connection, version: number, message: ServerMessage, unlessSent = false) {
    const text = JSON.stringify(message);
    const kept = connection.visitAnswer;
    if (kept?.text === text) {
      // The text kept, not its copy: the copy dies young (see department-context.ts, `reuse`).
      kept.version = version;
      if (!unlessSent) this.send(connection, kept.text);
      return;
    }
    connection.visitAnswer = { version, text };
    this.send(connection, text);
  }

  /** A door or console message; `unlessSent` as for `sendVisit`. */
  private sendView(connection: Connection, key: string, text: string, unlessSent = false) {
    if (unlessSent && connection.views?.get(key) === text) return;
    (connection.views ??= new Map()).set(key, text);
    this.send(connection, text);
  }

  private async watchConsole(connection: Connection, departmentId: string) {
    if (!connection.staffId) return this.sendError(connection, 'unauthorized', 'sign in first');
    const staffId = connection.staffId;
    await this.lookup(connection, async () => {
      // Names and concerns of waiting citizens: every time, for a live session and a member only.
      if (!(await this.sessionLive(connection))) return;
      // A role change heard while the membership is read may not have seen this watch (it is not
      // on the lists yet): then the membership is read again, until no change came in between.
      // The same for a role given meanwhile: its change may have looked for this refusal too early.
      let epoch: number;
      let member: boolean;
      do {
        epoch = this.rolesEpoch;
        member = (await findMembership(this.db, staffId, departmentId)) !== undefined;
      } while (epoch !== this.rolesEpoch);
      if (!member) {
        if (connection.consoles.has(departmentId)) this.stopConsole(connection, departmentId);
        this.refuseConsole(connection, departmentId);
        // Opened after its office was archived: closed for that reason, as an open one was told.
        if (await workedInArchived(this.db, staffId, departmentId)) {
          return this.send(connection, { type: 'console-closed', departmentId, reason: 'archived' });
        }
        return this.sendError(connection, 'forbidden', 'not a member of this department');
      }
      connection.refusedConsoles?.delete(departmentId);
      if (connection.consoles.has(departmentId)) {
        const kept = this.answers.recall('console', departmentId);
        if (kept) return this.send(connection, kept);
      } else {
        const now = this.deps.now();
        connection.consoles.add(departmentId);
        addWatcher(this.consoleWatchers, departmentId, connection);
        await markPresent(this.db, { connectionId: connection.id, staffId, departmentId, now });
        // A clerk more on duty changes everyone's estimate (here at once, elsewhere by the event).
        this.contexts.invalidate(departmentId);
        await this.deps.events.publish({ departmentId, context: true });
      }
      const version = this.answers.version(departmentId);
      const state = await this.contexts.state(departmentId, this.deps.now());
      if (!state) return;
      const text = JSON.stringify({ type: 'console', snapshot: toConsoleSnapshot(state) } satisfies ServerMessage);
      this.answers.keep('console', departmentId, version, text);
      this.sendView(connection, `console:${departmentId}`, text);
      this.send(connection, this.connectionsMessage(departmentId));
    });
  }

  /**
   * The staff home's list of offices: `known` stands for the roles the page shows. Told
   * `roles-changed` now if they are no longer the roles, and whenever a role change (or a resync of
   * the bus) finds them changed again (`recheckRoles`).
   */
  private async watchRoles(connection: Connection, known: string) {
    if (!connection.staffId) return this.sendError(connection, 'unauthorized', 'sign in first');
    const staffId = connection.staffId;
    await this.lookup(connection, async () => {
      if (!(await this.sessionLive(connection))) return;
      // As for a console (watchConsole): a change heard during the read may not have seen this watch.
      let epoch: number;
      let roles: StaffRoles | undefined;
      do {
        epoch = this.rolesEpoch;
        roles = (await rolesOfStaff(this.db, [staffId])).get(staffId);
      } while (epoch !== this.rolesEpoch);
      if (!roles) return;
      connection.rolesKnown = rolesKey(roles);
      if (connection.rolesKnown !== known) this.send(connection, { type: 'roles-changed' });
    });
  }

  /**
   * A clerk's console was refused a person because the clerk is still with someone in another of
   * their departments: told the moment that conversation ends, in whichever process it ends (the
   * department's events reach every process), so the console's notice goes without a reload. Says
   * only whether the clerk's own conversation there goes on: no membership needed (a clerk whose
   * role there was taken away mid-call still finishes that call).
   */
  private async watchBusy(connection: Connection, departmentId: string) {
    if (!connection.staffId) return this.sendError(connection, 'unauthorized', 'sign in first');
    await this.lookup(connection, async () => {
      if (!(await this.sessionLive(connection))) return;
      if (connection.busyIn) removeWatcher(this.busyWatchers, connection.busyIn, connection);
      connection.busyIn = departmentId;
      // Watching before the read: an end meanwhile is heard by the read its event asks for.
      addWatcher(this.busyWatchers, departmentId, connection);
      const state = await this.contexts.state(departmentId, this.deps.now());
      this.tellBusyEnded(departmentId, state?.active ?? [], [connection]);
    });
  }

  /** Clerks watching `departmentId` who are with nobody among its `active` visits are told so, once. */
  private tellBusyEnded(
    departmentId: string,
    active: readonly VisitWithContext[],
    connections: Iterable<Connection> = this.busyWatchers.get(departmentId) ?? [],
  ) {
    for (const connection of [...connections]) {
      if (connection.busyIn !== departmentId) continue;
      if (active.some((row) => row.visit.admittedBy === connection.staffId)) continue;
      connection.busyIn = null;
      removeWatcher(this.busyWatchers, departmentId, connection);
      this.send(connection, { type: 'busy-ended', departmentId });
    }
  }

  /** The department's waiting citizens whose page is not connected now (what its consoles show). */
  lostCitizens(departmentId: string): string[] {
    return this.citizenPresence.lostIn(departmentId);
  }

  /** Which waiting citizens of the department are not connected now, as a `console-connections` text. */
  private connectionsMessage(departmentId: string): string {
    const lost = this.citizenPresence.lostIn(departmentId);
    return JSON.stringify({ type: 'console-connections', departmentId, lost } satisfies ServerMessage);
  }

  /** The department's consoles here are told who is not connected, when that changed. */
  private tellConnections(departmentId: string) {
    const consoles = this.consoleWatchers.get(departmentId);
    if (!consoles || this.stopped) return void this.toldConnections.delete(departmentId);
    const text = this.connectionsMessage(departmentId);
    if (this.toldConnections.get(departmentId) === text) return;
    this.toldConnections.set(departmentId, text);
    for (const connection of consoles) this.send(connection, text);
  }

  /**
   * A citizen's socket here closed (`departmentId` given) or watches their visit (null): relayed to
   * every process with others of the moment (citizen-presence.ts).
   */
  private presenceNewsOf(visitId: string, departmentId: string | null, at: number) {
    const news = this.presenceNews;
    if (departmentId) {
      news.back.delete(visitId);
      news.lost.set(visitId, [departmentId, at]);
    } else {
      news.lost.delete(visitId);
      news.back.set(visitId, at);
    }
    this.presenceNewsTimer ??= setTimeout(() => {
      this.presenceNewsTimer = null;
      const { lost, back } = this.presenceNews;
      this.presenceNews = { lost: new Map(), back: new Map() };
      if (this.stopped) return;
      const text = JSON.stringify({
        lost: [...lost].map(([id, [department, when]]) => [id, department, when]),
        back: [...back],
      } satisfies PresenceNews);
      this.deps.events.relay(PRESENCE_TOPIC, text).catch((error: unknown) => {
        // The heartbeat's check of sightings corrects the consoles within a minute.
        this.deps.disk.note(error);
        this.deps.logger.warn({ err: error }, 'could not relay citizens’ connections');
      });
    }, PRESENCE_NEWS_MS);
  }

  private async onClose(connection: Connection) {
    connection.closed = true;
    this.connections.delete(connection);
    if (!this.stopped) this.calls.disconnect(connection.call);
    for (const departmentId of connection.doors.values()) removeWatcher(this.doorWatchers, departmentId, connection);
    if (connection.busyIn) removeWatcher(this.busyWatchers, connection.busyIn, connection);
    if (connection.visitDepartment) {
      removeWatcher(this.visitWatchers, connection.visitDepartment, connection);
      // The citizen's page went, unless another of their tabs here still watches the visit (a
      // process shutting down says nothing: its citizens reconnect elsewhere).
      const visitId = connection.cookies.visitId;
      const others = this.visitWatchers.get(connection.visitDepartment);
      if (visitId && !this.stopped && ![...(others ?? [])].some((c) => c.cookies.visitId === visitId)) {
        this.presenceNewsOf(visitId, connection.visitDepartment, this.deps.now().getTime());
      }
    }
    for (const departmentId of connection.consoles) {
      removeWatcher(this.consoleWatchers, departmentId, connection);
      if (this.stopped) continue;
      try {
        await clearPresence(this.db, [presenceKey(connection.id, departmentId)]);
        this.contexts.invalidate(departmentId);
        await this.deps.events.publish({ departmentId, context: true });
      } catch (error) {
        this.deps.disk.note(error);
        this.deps.logger.warn({ err: error }, 'could not clear console presence');
      }
    }
  }

  // -- fan-out ---------------------------------------------------------------

  private onEvent(event: LiveEvent) {
    if ('sessionsEnded' in event) return this.onSessionsEnded(event.sessionsEnded);
    if ('rolesChanged' in event) return this.checkRoles(event.rolesChanged.staffIds);
    // Devices have their own stream (features/devices/display-streams.ts), not this hub.
    if ('deviceRevoked' in event) return;
    const { departmentId } = event;
    if (this.onAppointmentChanged(event)) return;
    if (event.context) {
      this.contexts.invalidate(departmentId);
      this.forgetDoors(departmentId);
    }
    // From the queue as of the last change, taken before the version moves on. Not while a role
    // check is under way (a citizen declined as their office is archived): the read below, which
    // waits for it, tells everyone, and no console about to close hears of its office.
    const moved =
      event.moved && event.visitId && !event.context && !this.rolesChecks ? this.afterMove(departmentId, event) : null;
    this.answers.changed(departmentId);
    if (moved) {
      // Everyone is told now; the read below confirms it, and sends only what it corrects (a
      // handling-time mean that moved an estimate, an appointment that came due meanwhile).
      const version = this.answers.version(departmentId);
      this.movedAt.set(departmentId, version);
      this.keepState(departmentId, version, moved.state, moved.state.now);
      this.sendState(departmentId, version, moved.state, { ended: moved.ended });
    }
    this.pending.add(departmentId);
    if (event.visitId) this.urgent.add(departmentId);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Events arriving together for one department cost one read.
    setImmediate(() => void this.flush());
  }

  /**
   * An event saying only that an appointment was booked, cancelled or moved (DepartmentEventSchema,
   * `appointmentId`), as every booking of a rush does (issue 14, item 4). What this hub sends is
   * made of the live visits and the department's setting; appointments enter it only as the live
   * visits' own (queue order once due, the console's appointment column, the citizen's start). So
   * while the department's kept state is current and none of its visits belongs to this
   * appointment, doors and waiting citizens would be sent what they have: no read, no message, and
   * the version stays (what is kept stays right). Consoles reload the day's appointments on each
   * message, so they get their last one again, once for all such events within APPOINTMENT_NUDGE_MS
   * (a rush's bookings arrive one NOTIFY at a time, and each message costs every console a reload).
   * False when the usual refresh decides (no current state here, or a visit of that appointment).
   */
  private onAppointmentChanged(event: DepartmentEvent): boolean {
    const { departmentId, appointmentId } = event;
    if (!appointmentId || event.visitId || event.context || event.moved) return false;
    const last = this.currentState(departmentId, this.deps.now());
    if (!last || last.state.live.some((row) => row.visit.appointmentId === appointmentId)) return false;
    if (!this.consoleWatchers.has(departmentId)) return true;
    if (this.appointmentNudges.size === 0) setTimeout(() => this.nudgeConsoles(), APPOINTMENT_NUDGE_MS).unref();
    this.appointmentNudges.add(departmentId);
    return true;
  }

  private nudgeConsoles() {
    const departments = [...this.appointmentNudges];
    this.appointmentNudges.clear();
    if (this.stopped) return;
    for (const departmentId of departments) {
      const consoles = this.consoleWatchers.get(departmentId);
      if (!consoles) continue;
      // An event since then (a refresh on its way sends consoles anyway), no console message kept,
      // or a role check under way (the refresh waits for it): the usual refresh, which tells everyone.
      const text = this.answers.recall('console', departmentId);
      if (text && !this.rolesChecks) {
        for (const connection of consoles) this.sendView(connection, `console:${departmentId}`, text);
        continue;
      }
      this.pending.add(departmentId);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    }
  }

  /** Sign-out or deactivation, in any process: the sockets opened with those sessions close now. */
  private onSessionsEnded({ staffId, tokenHash }: SessionsEndedEvent['sessionsEnded']) {
    for (const connection of this.connections) {
      if (connection.staffId !== staffId) continue;
      if (tokenHash && connection.staffSession !== tokenHash) continue;
      this.endSession(connection);
    }
  }

  /** A role check (recheckRoles), kept in `rolesChecks` until it and those before it are done. */
  private checkRoles(staffIds: string[] | null) {
    const check = Promise.all([this.rolesChecks, this.recheckRoles(staffIds)]).then(() => {
      if (this.rolesChecks === check) this.rolesChecks = null;
    });
    this.rolesChecks = check;
  }

  /**
   * Roles changed, in any process: the consoles of departments these people no longer belong to
   * stop here and now, and their pages are told (`console-closed`); those refused or closed before
   * in departments they belong to now open (`refusedConsoles`); a staff home showing other roles is
   * told `roles-changed`. `staffIds` null: a resync, when changes may have gone unheard while the
   * bus's listener reconnected, and every clerk connected here is checked so. The roles
   * are read from the database, not from the event, so events crossing each other cannot leave a
   * console open or close one wrongly. A call the clerk is in goes on: its grant is the admit,
   * not the membership (features/calls/call-access.ts), so the citizen is not cut off mid-sentence
   * and the clerk can still end it (console.router.ts); no new admit passes the department router.
   */
  private async recheckRoles(staffIds: string[] | null) {
    this.rolesEpoch += 1;
    const named = staffIds && new Set(staffIds);
    const concerned = (c: Connection) =>
      c.staffId !== null &&
      (named === null || named.has(c.staffId)) &&
      !c.closed &&
      (c.consoles.size > 0 || (c.refusedConsoles?.size ?? 0) > 0 || c.rolesKnown !== null);
    const here = [...new Set([...this.connections].filter(concerned).map((c) => c.staffId!))];
    if (here.length === 0) return;
    try {
      const roles = await rolesOfStaff(this.db, here);
      const read = new Set(here);
      // After the read: a watch refused meanwhile is on its socket's list by now (watchConsole).
      // One whose person was not read began after this check began, and reads for itself.
      const watching = [...this.connections].filter((c) => concerned(c) && read.has(c.staffId!));
      const keptOf = (connection: Connection) => new Set(roles.get(connection.staffId!)?.departments.map((d) => d.id));
      // A console closed because its office was archived says so, not that the clerk was taken out.
      const closing = watching.flatMap((c) => {
        const kept = keptOf(c);
        return [...c.consoles].filter((id) => !kept.has(id));
      });
      const archived = await archivedDepartmentIds(this.db, [...new Set(closing)]);
      const gone: string[] = [];
      const left = new Set<string>();
      for (const connection of watching) {
        const own = roles.get(connection.staffId!);
        const kept = keptOf(connection);
        if (own && connection.rolesKnown !== null) {
          const key = rolesKey(own);
          if (key !== connection.rolesKnown) {
            connection.rolesKnown = key;
            this.send(connection, { type: 'roles-changed' });
          }
        }
        // A role given: the console refused before opens now (the watch reads the role again).
        for (const departmentId of [...(connection.refusedConsoles ?? [])]) {
          if (kept.has(departmentId)) void this.watchConsole(connection, departmentId).catch(() => {});
        }
        for (const departmentId of [...connection.consoles]) {
          if (kept.has(departmentId)) continue;
          this.stopConsole(connection, departmentId);
          this.refuseConsole(connection, departmentId);
          this.send(connection, {
            type: 'console-closed',
            departmentId,
            reason: archived.has(departmentId) ? 'archived' : 'not_a_member',
          });
          gone.push(presenceKey(connection.id, departmentId));
          left.add(departmentId);
        }
      }
      if (left.size === 0) return;
      await clearPresence(this.db, gone);
      // One clerk fewer on duty there: everyone's estimate and the door's attendance change.
      for (const departmentId of left) this.contexts.invalidate(departmentId);
      await this.deps.events.publishAll([...left].map((departmentId) => ({ departmentId, context: true })));
    } catch (error) {
      // The department router refuses every action and a reconnect's watch anyway; presence
      // expires by itself.
      this.deps.disk.note(error);
      this.deps.logger.warn(
        { err: error, people: staffIds?.length ?? 'all' },
        'could not check consoles after a role change',
      );
    }
  }

  /** Kept to open when the role comes; the oldest goes past MAX_REFUSED_CONSOLES. */
  private refuseConsole(connection: Connection, departmentId: string) {
    const refused = (connection.refusedConsoles ??= new Set());
    refused.delete(departmentId);
    refused.add(departmentId);
    if (refused.size > MAX_REFUSED_CONSOLES) refused.delete(refused.values().next().value!);
  }

  /** No more of the department's console on this socket (it stays open for its other watches). */
  private stopConsole(connection: Connection, departmentId: string) {
    connection.consoles.delete(departmentId);
    connection.views?.delete(`console:${departmentId}`);
    removeWatcher(this.consoleWatchers, departmentId, connection);
  }

  private resyncAll() {
    // A role given or taken meanwhile went unheard: every clerk here is checked against the database.
    this.checkRoles(null);
    this.answers.changedAll();
    this.contexts.invalidateAll();
    this.forgetDoors();
    for (const key of [
      ...this.doorWatchers.keys(),
      ...this.consoleWatchers.keys(),
      ...this.visitWatchers.keys(),
      ...this.busyWatchers.keys(),
    ]) {
      this.pending.add(key);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  private async flush() {
    this.flushScheduled = false;
    if (this.rolesChecks) await this.rolesChecks;
    // Only departments someone here listens to: no read at all for the others.
    const listened = (id: string) =>
      this.doorWatchers.has(id) ||
      this.consoleWatchers.has(id) ||
      this.visitWatchers.has(id) ||
      this.busyWatchers.has(id) ||
      this.calls.visitsIn(id).length > 0;
    const urgent = [...this.urgent].filter(listened);
    const others = [...this.pending].filter((id) => !this.urgent.has(id) && listened(id));
    this.pending.clear();
    this.urgent.clear();
    // A citizen's visit changed (a knock, a leave, an admit): read and told as a request of its
    // own, so a refresh of many under way (this one's others, or an earlier one's) waits for it
    // before its next chunk (lib/foreground.ts), instead of this change waiting behind its chunks.
    if (urgent.length > 0) {
      await this.deps.foreground.during(async () => {
        for (let i = 0; i < urgent.length; i += FLUSH_CHUNK) await this.flushChunk(urgent.slice(i, i + FLUSH_CHUNK));
      });
    }
    // Many at once (a job touching every door, a resync after the bus reconnected): a few reads per
    // chunk of them, not a few each; and between chunks a turn of the event loop and the changes
    // under way, so that a queue change meanwhile is not held up by the whole lot (on the embedded
    // database 500 departments' reads took over a second in one go, and held up every change
    // arriving meanwhile by 80 to 320 ms at 10,000 waiting citizens).
    // The first chunk too while a change is under way: a refresh begun while another one waits for
    // that change at a chunk boundary (events of many heard in several batches) waits with it.
    for (let i = 0; i < others.length; i += FLUSH_CHUNK) {
      if (i > 0 || urgent.length > 0 || this.deps.foreground.underWay > 0) await this.deps.foreground.yieldTo();
      if (this.stopped) return;
      await this.flushChunk(others.slice(i, i + FLUSH_CHUNK));
    }
  }

  private async flushChunk(departments: string[]) {
    const versions = new Map(departments.map((id) => [id, this.answers.version(id)]));
    const now = this.deps.now();
    try {
      // Rows equal to those kept from the last read are kept, not the read's copies of them.
      const keptRows = (departmentId: string) => this.states.get(departmentId)?.rows;
      const states =
        departments.length === 1
          ? new Map([[departments[0]!, await this.contexts.state(departments[0]!, now, keptRows)]])
          : await this.contexts.statesOf(departments, now, keptRows);
      // First watches arriving next are answered from this read, as long as nothing changed since.
      for (const [departmentId, state] of states) {
        if (state) this.keepState(departmentId, versions.get(departmentId)!, state, now);
      }
      await Promise.all(
        [...states].map(([departmentId, state]) =>
          state
            ? this.refreshDepartment(departmentId, versions.get(departmentId)!, state).catch((error: unknown) =>
                this.deps.logger.error({ err: error, departmentId }, 'live refresh failed'),
              )
            : undefined,
        ),
      );
    } catch (error) {
      this.deps.logger.error({ err: error, departments: departments.length }, 'live refresh failed');
    }
  }

  private doorMessage(state: DepartmentState): ServerMessage {
    return {
      type: 'door',
      tenant: state.tenant.slug,
      department: state.department.slug,
      door: state.door,
      revision: state.setting.detailsRevision,
    };
  }

  /**
   * The department's state once `event.moved` happened to its visit, derived from the state kept
   * as of the department's last change (no read): null when none is current or the visit is not
   * in it, and the read decides alone. `ended` is the visit's own row when it left the queue and
   * the call, for its citizen's message (not for a decline, whose note only the read has).
   */
  private afterMove(
    departmentId: string,
    event: DepartmentEvent,
  ): { state: DepartmentState; ended?: VisitWithContext } | null {
    const moved = event.moved!;
    const now = this.deps.now();
    const last = this.currentState(departmentId, now);
    const row = last?.rows.get(event.visitId!);
    if (!last || !row || (moved.to === 'admitted' && !moved.by)) return null;
    const at = new Date(moved.at);
    // An on-site visit is called to a counter when admitted, and may be called again (a recall:
    // the move repeats `admitted`); the display and the console show when and where.
    const called =
      moved.to === 'admitted' && row.visit.channel === 'onsite' && moved.counter
        ? { calledAt: at, calledCounter: moved.counter }
        : {};
    const after: VisitWithContext =
      moved.to !== 'admitted'
        ? { ...row, visit: { ...row.visit, state: moved.to } }
        : row.visit.state === 'admitted'
          ? { ...row, visit: { ...row.visit, ...called } }
          : {
              ...row,
              visit: { ...row.visit, ...called, state: moved.to, admittedBy: moved.by!.id, admittedAt: at },
              admitterName: moved.by!.name,
            };
    const stays = isActive(moved.to);
    const live = last.state.live.flatMap((r) => (r.visit.id !== row.visit.id ? [r] : stays ? [after] : []));
    const state = stateFrom(last.state.setting, live, now);
    return stays || moved.to === 'declined' ? { state } : { state, ended: after };
  }

  /**
   * Sends everyone here who listens to the department its view of `state` (read or derived at
   * `version`); `ended` is a visit just gone from it. `confirming`: the state is the read that
   * confirms the move sent at `version`, and only views it corrects go out. Returns the sockets
   * watching a visit that is in neither.
   */
  private sendState(
    departmentId: string,
    version: number,
    state: DepartmentState,
    options: { ended?: VisitWithContext; confirming?: boolean } = {},
  ): Connection[] {
    const { ended, confirming = false } = options;
    const doors = this.doorWatchers.get(departmentId);
    const consoles = this.consoleWatchers.get(departmentId);
    const visitors = this.visitWatchers.get(departmentId);
    if (doors) {
      const text = JSON.stringify(this.doorMessage(state));
      this.answers.keep('door', departmentId, version, text);
      for (const connection of doors) this.sendView(connection, `door:${departmentId}`, text, confirming);
    }
    if (consoles) {
      const text = JSON.stringify({ type: 'console', snapshot: toConsoleSnapshot(state) } satisfies ServerMessage);
      this.answers.keep('console', departmentId, version, text);
      for (const connection of consoles) this.sendView(connection, `console:${departmentId}`, text, confirming);
    }
    if (this.busyWatchers.has(departmentId)) this.tellBusyEnded(departmentId, state.active);
    const unknown: Connection[] = [];
    if (visitors) {
      const live = new Map(state.live.map((row) => [row.visit.id, row]));
      if (ended) live.set(ended.visit.id, ended);
      for (const connection of visitors) {
        const visitId = connection.cookies.visitId;
        const row = visitId ? live.get(visitId) : undefined;
        if (row) this.sendVisit(connection, version, { type: 'visit', visit: toCitizenVisit(row, state) }, confirming);
        else if (visitId) unknown.push(connection);
      }
    }
    return unknown;
  }

  /** Sends everyone here who listens to the department its view of `state`, read at `version`. */
  private async refreshDepartment(departmentId: string, version: number, state: DepartmentState) {
    if (this.calls.visitsIn(departmentId).length > 0) {
      await this.calls.followDepartment(departmentId, new Set(state.active.map((row) => row.visit.id)));
    }
    // A move sent after this read began is newer than it; the read that move asked for follows.
    const moved = this.movedAt.get(departmentId) ?? 0;
    if (moved > version) return;
    if ((this.readSentAt.get(departmentId) ?? 0) > version) return;
    this.readSentAt.set(departmentId, version);
    const confirming = moved === version;
    // Everyone still in the queue or the call first; the few whose visit just ended (left,
    // declined, finished) after that, with one read for all of them.
    // Whoever the move itself told that their visit ended needs no read of it.
    const ended = this.sendState(departmentId, version, state, { confirming }).filter(
      (connection) => !(confirming && connection.visitAnswer?.version === version),
    );
    if (ended.length > 0) {
      const rows = await findVisitsWithContext(this.db, [...new Set(ended.map((c) => c.cookies.visitId!))]);
      const byId = new Map(rows.map((row) => [row.visit.id, row]));
      for (const connection of ended) {
        // Told by a newer read or move while this one read their visits.
        if ((connection.visitAnswer?.version ?? 0) > version) continue;
        const row = byId.get(connection.cookies.visitId!);
        const visit = row ? toCitizenVisit(row, state) : null;
        this.sendVisit(connection, version, { type: 'visit', visit }, confirming);
      }
    }
  }

  // -- housekeeping (run by the jobs scheduler) -------------------------------------------

  /**
   * Pings every connection; one that did not answer the last ping is gone. Spread over `spreadMs`
   * (the job gives half the beat): its chunks come that long apart in all, evenly.
   */
  async heartbeat(spreadMs = 0): Promise<void> {
    // In chunks with a turn of the event loop between: 10,000 pings in one go held up a queue
    // change that arrived meanwhile by tens of milliseconds (issue 14, item 2), and so did their
    // pongs coming back all at once. Chunks back to back still did, by 20 to 180 ms for every
    // change in the second it took on PostgreSQL (decision 031, forty-eighth addendum); spread out,
    // a change meets one chunk now and then. Each socket keeps its place in the order, so it is
    // pinged about a beat before the next beat asks whether it answered.
    const connections = [...this.connections];
    const chunks = Math.ceil(connections.length / PING_CHUNK);
    const apart = chunks > 1 ? spreadMs / (chunks - 1) : 0;
    for (let i = 0; i < connections.length; i += PING_CHUNK) {
      if (i > 0) {
        if (apart > 0 && !(await this.pause(apart))) return;
        await this.deps.foreground.yieldTo();
      }
      if (this.stopped) return;
      for (const connection of connections.slice(i, i + PING_CHUNK)) {
        if (!this.connections.has(connection)) continue; // gone since the beat began
        if (!connection.alive) {
          connection.socket.terminate();
          continue;
        }
        if (connection.silentBeats !== null && ++connection.silentBeats >= SILENT_BEATS) {
          this.closeConnection(connection, 4408, 'nothing sent');
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }
  }

  /** Waits `ms`, or until the hub stops: false then. */
  private async pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.stopping.signal });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Marks connected citizens and clerks as present, and closes staff sockets whose session ended.
   * The citizens' sightings are written in chunks spread over `spreadMs` (the job gives half the
   * beat), as the heartbeat's pings are, but over no more than a quarter of the time a sighting
   * stays recent: each is stamped with the round's start, and a sighting written that much later
   * must still be in the database well before the grace period of its visit could end.
   */
  async refreshPresence(spreadMs = 0): Promise<void> {
    const { db } = this;
    const now = this.deps.now();
    // Not those marked present moments ago (as for a first watch): each visit is written every
    // other beat, at most a quarter of the grace period apart. A sighting the clock now puts in
    // the future (it jumped back) counts as old.
    const recent = this.recentSightingMs();
    const visitIds = [
      ...new Set(
        [...this.connections]
          .filter((c) => c.visitDepartment && c.cookies.visitId)
          .map((c) => c.cookies.visitId!)
          .filter((id) => {
            const seen = this.sightings.get(id);
            return seen === undefined || seen > now.getTime() || now.getTime() - seen >= recent;
          }),
      ),
    ];
    // In chunks, so that thousands of waiting citizens do not hold up live updates in between; back
    // to back, 100 chunks at 10,000 citizens still held up every change of the next seconds
    // (decision 031, forty-ninth addendum).
    const chunks = Math.ceil(visitIds.length / PRESENCE_CHUNK);
    const apart = chunks > 1 ? Math.min(spreadMs, recent / 4) / (chunks - 1) : 0;
    for (let i = 0; i < visitIds.length; i += PRESENCE_CHUNK) {
      const chunk = visitIds.slice(i, i + PRESENCE_CHUNK);
      if (i > 0) {
        if (apart > 0 && !(await this.pause(apart))) return;
        await this.deps.foreground.yieldTo();
      }
      await touchVisits(db, chunk, now);
      this.sighted(chunk, now);
    }
    // Sessions also end without an event (expiry, idle time, a change made in the database).
    for (const connection of [...this.connections].filter((c) => c.staffId && !c.closed)) {
      await this.sessionLive(connection);
    }
    const consoles = [...this.connections].filter((c) => c.consoles.size > 0 && !c.closed);
    await refreshPresence(
      db,
      consoles.flatMap((c) => [...c.consoles].map((d) => presenceKey(c.id, d))),
      now,
    );
    await this.checkCitizenSightings(now);
  }

  /**
   * Which waiting citizens of the departments whose consoles are open here nobody has seen for a
   * while: their socket's process may have died without a word (citizen-presence.ts). One read a beat.
   */
  private async checkCitizenSightings(now: Date) {
    const departments = [...this.consoleWatchers.keys()];
    const rows = await waitingSightingsOf(this.db, departments);
    this.citizenPresence.checked(departments, rows, now, staleSightingMs(this.deps.config.visitGraceSeconds));
  }
}
