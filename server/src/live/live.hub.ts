import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { ClientMessageSchema, WS_PATH, type ClientMessage, type ServerMessage } from '@amtsraum/shared';
import { and, eq, inArray, lt } from 'drizzle-orm';
import { WebSocket, WebSocketServer } from 'ws';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { consolePresence } from '../db/schema.js';
import { parseCookies, STAFF_COOKIE } from '../lib/cookies.js';
import type { Logger } from '../lib/logger.js';
import { resolveSession } from '../features/staff/auth.service.js';
import { findMembership } from '../features/staff/staff.repo.js';
import {
  loadDepartmentState,
  toCitizenVisit,
  toConsoleSnapshot,
  type DepartmentState,
} from '../features/visits/queue.service.js';
import {
  findDepartmentBySlugs,
  findVisitsWithContext,
  findVisitWithContext,
  PRESENCE_TTL_MS,
} from '../features/visits/visits.repo.js';
import { inviteGuestIdFromCookie } from '../features/invites/invite-cookie.js';
import { visitIdFromCookie } from '../features/visits/visits.router.js';
import { expireAbsentVisits, purgePersonalData, touchVisits } from '../features/visits/visits.service.js';
import { AppError } from '../lib/errors.js';
import { CallRooms, type CallMember } from './call-rooms.js';
import type { EventBus, LiveEvent } from './event-bus.js';

/**
 * The one WebSocket endpoint. Connections subscribe to a door, their own visit, or a console;
 * when the event bus says a department changed, the hub reads that department's state once and
 * sends each subscriber its view. The hub keeps no queue state: only who listens to what.
 */

interface Connection {
  id: string;
  socket: WebSocket;
  alive: boolean;
  staffToken: string | null;
  staffId: string | null;
  visitId: string | null;
  doors: Set<string>;
  consoles: Set<string>;
  /** Department of the watched visit. */
  visitDepartment: string | null;
  call: CallMember;
}

export interface LiveHubOptions {
  db: Db;
  events: EventBus;
  config: Config;
  logger: Logger;
  now: () => Date;
  allowedOrigins: Set<string>;
  /** Intervals; tests shorten them. */
  heartbeatMs?: number;
  sweepMs?: number;
}

const MAX_BUFFERED_BYTES = 1 << 20;

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
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly connections = new Set<Connection>();
  private readonly doorWatchers: Watchers = new Map();
  private readonly consoleWatchers: Watchers = new Map();
  private readonly visitWatchers: Watchers = new Map();
  private readonly pending = new Set<string>();
  private flushScheduled = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | null = null;
  private readonly startedAt = Date.now();
  private stopped = false;
  private readonly calls: CallRooms;

  constructor(private readonly options: LiveHubOptions) {
    this.calls = new CallRooms({ db: options.db, events: options.events, config: options.config, now: options.now });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  start(server: http.Server): void {
    server.on('upgrade', (req, socket, head) => {
      void this.handleUpgrade(req, socket, head);
    });
    this.unsubscribe = this.options.events.subscribe(
      (event) => this.onEvent(event),
      () => this.resyncAll(),
    );
    const heartbeat = this.options.heartbeatMs ?? 15_000;
    const sweep = this.options.sweepMs ?? 15_000;
    this.timers.push(setInterval(() => this.heartbeat(), heartbeat));
    this.timers.push(setInterval(() => void this.refreshPresence(), heartbeat));
    this.timers.push(setInterval(() => void this.sweep(), sweep));
    for (const timer of this.timers) timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.unsubscribe?.();
    const consoleIds = [...this.connections].filter((c) => c.consoles.size > 0).map((c) => c.id);
    for (const connection of this.connections) connection.socket.close(1001, 'server shutting down');
    if (consoleIds.length > 0) {
      await this.options.db
        .delete(consolePresence)
        .where(inArray(consolePresence.connectionId, consoleIds))
        .catch(() => {});
    }
    this.wss.close();
  }

  // -- connections -----------------------------------------------------------

  private async handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    const refuse = (status: number, reason: string) => {
      socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (this.stopped) return refuse(503, 'Service Unavailable');
    // Browsers always send Origin on WebSocket upgrades; another site's page must not ride our cookies.
    const origin = req.headers.origin;
    if (!origin || !this.options.allowedOrigins.has(origin)) return refuse(403, 'Forbidden');

    const cookieHeader = req.headers.cookie;
    const staffToken = parseCookies(cookieHeader)[STAFF_COOKIE] ?? null;
    let staffId: string | null = null;
    try {
      staffId = staffToken
        ? ((await resolveSession(this.options.db, staffToken, this.options.now()))?.id ?? null)
        : null;
    } catch (error) {
      this.options.logger.error({ err: error }, 'session lookup failed during upgrade');
      return refuse(503, 'Service Unavailable');
    }
    const visitId = visitIdFromCookie(this.options.config.sessionSecret, cookieHeader);
    const inviteGuestId = inviteGuestIdFromCookie(this.options.config.sessionSecret, cookieHeader);

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const id = randomUUID();
      const connection: Connection = {
        id,
        socket: ws,
        alive: true,
        staffToken: staffId ? staffToken : null,
        staffId,
        visitId,
        doors: new Set(),
        consoles: new Set(),
        visitDepartment: null,
        call: {
          connectionId: id,
          staffToken: staffId ? staffToken : null,
          visitCookieId: visitId,
          inviteGuestId,
          send: (message) => this.send(connection, message),
        },
      };
      this.connections.add(connection);
      ws.on('pong', () => (connection.alive = true));
      ws.on('message', (data, isBinary) => {
        connection.alive = true;
        void this.onMessage(connection, isBinary ? null : data.toString());
      });
      ws.on('close', () => void this.onClose(connection));
      ws.on('error', () => ws.terminate());
    });
  }

  private send(connection: Connection, message: ServerMessage | string) {
    const socket = connection.socket;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      // A client that cannot keep up reconnects and catches up with a fresh read.
      socket.terminate();
      return;
    }
    socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  private sendError(connection: Connection, code: Extract<ServerMessage, { type: 'error' }>['code'], message: string) {
    this.send(connection, { type: 'error', code, message });
  }

  private async onMessage(connection: Connection, text: string | null) {
    let parsed: unknown;
    try {
      parsed = text === null ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = ClientMessageSchema.safeParse(parsed);
    if (!result.success) {
      this.sendError(connection, 'invalid_message', 'message does not match the schema');
      return;
    }
    try {
      await this.handle(connection, result.data);
    } catch (error) {
      if (error instanceof AppError) return this.sendError(connection, error.code, error.detail ?? error.code);
      this.options.logger.error({ err: error }, 'live message failed');
      this.sendError(connection, 'internal_error', 'unexpected error');
    }
  }

  private async handle(connection: Connection, message: ClientMessage) {
    const { db } = this.options;
    const now = this.options.now();
    switch (message.type) {
      case 'call-join':
      case 'call-leave':
      case 'call-signal':
      case 'call-media':
      case 'call-chat':
      case 'call-allow-screen':
        return this.calls.handle(connection.call, message);
      case 'ping':
        this.send(connection, { type: 'pong' });
        return;
      case 'watch-door': {
        const found = await findDepartmentBySlugs(db, message.tenant, message.department);
        if (!found) return this.sendError(connection, 'department_not_found', 'no such department');
        connection.doors.add(found.department.id);
        addWatcher(this.doorWatchers, found.department.id, connection);
        const state = await loadDepartmentState(db, found.department.id, now);
        if (state) this.send(connection, this.doorMessage(state));
        return;
      }
      case 'watch-visit': {
        const row = connection.visitId ? await findVisitWithContext(db, connection.visitId) : undefined;
        if (!row) return this.send(connection, { type: 'visit', visit: null });
        if (connection.visitDepartment) removeWatcher(this.visitWatchers, connection.visitDepartment, connection);
        connection.visitDepartment = row.visit.departmentId;
        addWatcher(this.visitWatchers, row.visit.departmentId, connection);
        await touchVisits(db, [row.visit.id], now);
        const state = await loadDepartmentState(db, row.visit.departmentId, now);
        if (state) this.send(connection, { type: 'visit', visit: toCitizenVisit(row, state) });
        return;
      }
      case 'watch-console': {
        if (!connection.staffId) return this.sendError(connection, 'unauthorized', 'sign in first');
        if (!(await findMembership(db, connection.staffId, message.departmentId))) {
          return this.sendError(connection, 'forbidden', 'not a member of this department');
        }
        connection.consoles.add(message.departmentId);
        addWatcher(this.consoleWatchers, message.departmentId, connection);
        await db
          .insert(consolePresence)
          .values({
            connectionId: `${connection.id}:${message.departmentId}`,
            staffId: connection.staffId,
            departmentId: message.departmentId,
            seenAt: now,
          })
          .onConflictDoUpdate({ target: consolePresence.connectionId, set: { seenAt: now } });
        // A clerk more on duty changes everyone's estimate.
        await this.options.events.publish({ departmentId: message.departmentId });
        const state = await loadDepartmentState(db, message.departmentId, now);
        if (state) this.send(connection, { type: 'console', snapshot: toConsoleSnapshot(state) });
        return;
      }
    }
  }

  private async onClose(connection: Connection) {
    this.connections.delete(connection);
    if (!this.stopped) this.calls.disconnect(connection.call);
    for (const departmentId of connection.doors) removeWatcher(this.doorWatchers, departmentId, connection);
    if (connection.visitDepartment) removeWatcher(this.visitWatchers, connection.visitDepartment, connection);
    for (const departmentId of connection.consoles) {
      removeWatcher(this.consoleWatchers, departmentId, connection);
      if (this.stopped) continue;
      try {
        await this.options.db
          .delete(consolePresence)
          .where(eq(consolePresence.connectionId, `${connection.id}:${departmentId}`));
        await this.options.events.publish({ departmentId });
      } catch (error) {
        this.options.logger.warn({ err: error }, 'could not clear console presence');
      }
    }
  }

  // -- fan-out ---------------------------------------------------------------

  private onEvent(event: LiveEvent) {
    this.pending.add(event.departmentId);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Events arriving together for one department cost one read.
    setImmediate(() => void this.flush());
  }

  private resyncAll() {
    for (const key of [...this.doorWatchers.keys(), ...this.consoleWatchers.keys(), ...this.visitWatchers.keys()]) {
      this.pending.add(key);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  private async flush() {
    this.flushScheduled = false;
    const departments = [...this.pending];
    this.pending.clear();
    await Promise.all(
      departments.map((departmentId) =>
        this.refreshDepartment(departmentId).catch((error: unknown) =>
          this.options.logger.error({ err: error, departmentId }, 'live refresh failed'),
        ),
      ),
    );
  }

  private doorMessage(state: DepartmentState): ServerMessage {
    return { type: 'door', tenant: state.tenant.slug, department: state.department.slug, door: state.door };
  }

  private async refreshDepartment(departmentId: string) {
    const doors = this.doorWatchers.get(departmentId);
    const consoles = this.consoleWatchers.get(departmentId);
    const visitors = this.visitWatchers.get(departmentId);
    const calls = this.calls.visitsIn(departmentId);
    if (!doors && !consoles && !visitors && calls.length === 0) return; // nobody here cares: no read at all
    const state = await loadDepartmentState(this.options.db, departmentId, this.options.now());
    if (!state) return;
    // A call whose visit is no longer admitted or in the call has been ended (finished, left).
    for (const visitId of calls) {
      if (!state.active.some((row) => row.visit.id === visitId)) this.calls.end(visitId);
      else await this.calls.revalidate(visitId);
    }
    if (doors) {
      const text = JSON.stringify(this.doorMessage(state));
      for (const connection of doors) this.send(connection, text);
    }
    if (consoles) {
      const text = JSON.stringify({ type: 'console', snapshot: toConsoleSnapshot(state) } satisfies ServerMessage);
      for (const connection of consoles) this.send(connection, text);
    }
    if (visitors) {
      // Everyone still in the queue or the call first, from the state just read; the few whose
      // visit just ended (left, declined, finished) after that, with one read for all of them.
      const live = new Map([...state.waiting, ...state.active].map((row) => [row.visit.id, row]));
      const ended: Connection[] = [];
      for (const connection of visitors) {
        const row = connection.visitId ? live.get(connection.visitId) : undefined;
        if (row) this.send(connection, { type: 'visit', visit: toCitizenVisit(row, state) });
        else if (connection.visitId) ended.push(connection);
      }
      if (ended.length > 0) {
        const rows = await findVisitsWithContext(this.options.db, [...new Set(ended.map((c) => c.visitId!))]);
        const byId = new Map(rows.map((row) => [row.visit.id, row]));
        for (const connection of ended) {
          const row = byId.get(connection.visitId!);
          this.send(connection, { type: 'visit', visit: row ? toCitizenVisit(row, state) : null });
        }
      }
    }
  }

  // -- housekeeping ----------------------------------------------------------

  private heartbeat() {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  /** Marks connected citizens and clerks as present, and closes consoles whose session ended. */
  private async refreshPresence() {
    const { db } = this.options;
    const now = this.options.now();
    try {
      const visitIds = [...this.connections].filter((c) => c.visitDepartment && c.visitId).map((c) => c.visitId!);
      // In chunks, so that thousands of waiting citizens do not hold up live updates in between.
      for (let i = 0; i < visitIds.length; i += 500) {
        await touchVisits(db, visitIds.slice(i, i + 500), now);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const consoles = [...this.connections].filter((c) => c.consoles.size > 0);
      for (const connection of consoles) {
        const staff = await resolveSession(db, connection.staffToken ?? undefined, now);
        if (!staff) {
          this.sendError(connection, 'unauthorized', 'session ended');
          connection.socket.close(4401, 'session ended');
        }
      }
      const ids = consoles.flatMap((c) => [...c.consoles].map((d) => `${c.id}:${d}`));
      if (ids.length > 0) {
        await db.update(consolePresence).set({ seenAt: now }).where(inArray(consolePresence.connectionId, ids));
      }
      await db
        .delete(consolePresence)
        .where(and(lt(consolePresence.seenAt, new Date(now.getTime() - PRESENCE_TTL_MS))));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'presence refresh failed');
    }
  }

  private async sweep() {
    try {
      await purgePersonalData(this.options.db, this.options.config.retentionDays, this.options.now());
    } catch (error) {
      this.options.logger.warn({ err: error }, 'retention purge failed');
    }
    const grace = this.options.config.visitGraceSeconds;
    // Right after a restart, citizens have not had the chance to reconnect: do not drop them yet.
    if (Date.now() - this.startedAt < grace * 1000) return;
    try {
      await expireAbsentVisits({ db: this.options.db, events: this.options.events, now: this.options.now() }, grace);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'expiry sweep failed');
    }
  }
}
