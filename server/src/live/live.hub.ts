import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { ClientMessageSchema, WS_PATH, type ClientMessage, type ServerMessage } from '@amtsraum/shared';
import { WebSocket, WebSocketServer } from 'ws';
import type { AppDeps } from '../deps.js';
import { AppError } from '../lib/errors.js';
import type { LiveEvent } from '../lib/event-bus.js';
import { readCallerCookies, resolveCaller, type CallerCookies } from '../features/calls/caller.js';
import { P2pRooms, type CallMember } from '../features/calls/p2p-rooms.js';
import { findDepartmentBySlugs } from '../features/directory/directory.repo.js';
import { clearPresence, markPresent, presenceKey, refreshPresence } from '../features/staff/presence.repo.js';
import { findMembership } from '../features/staff/staff.repo.js';
import {
  loadDepartmentState,
  toCitizenVisit,
  toConsoleSnapshot,
  type DepartmentState,
} from '../features/visits/queue.service.js';
import { findVisitsWithContext, findVisitWithContext, touchVisits } from '../features/visits/visits.repo.js';

/**
 * The one WebSocket endpoint: upgrade and authentication, subscriptions, and fan-out. Connections
 * subscribe to a door, their own visit, or a console; when the event bus says a department
 * changed, the hub reads that department's state once and sends each subscriber its view. The hub
 * keeps no queue state: only who listens to what. Its timers (pings, presence) are jobs of the
 * scheduler (jobs/jobs.ts); peer-to-peer call messages go to the call rooms (features/calls).
 */

interface Connection {
  id: string;
  socket: WebSocket;
  alive: boolean;
  /** Who connected, from the upgrade's cookies (the staff session is checked again where it matters). */
  cookies: CallerCookies;
  staffId: string | null;
  doors: Set<string>;
  consoles: Set<string>;
  /** Department of the watched visit. */
  visitDepartment: string | null;
  call: CallMember;
}

export interface LiveHubOptions {
  /** Origins whose pages may connect (our own, plus Vite's in development). */
  allowedOrigins: Set<string>;
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
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  /** Peer-to-peer calls of this process's connections; the jobs keep their places alive. */
  readonly calls: P2pRooms;

  constructor(
    private readonly deps: AppDeps,
    private readonly options: LiveHubOptions,
  ) {
    this.calls = new P2pRooms({ ...deps, db: deps.database.db });
  }

  private get db() {
    return this.deps.database.db;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  start(server: http.Server): void {
    server.on('upgrade', (req, socket, head) => {
      void this.handleUpgrade(req, socket, head);
    });
    this.unsubscribe = this.deps.events.subscribe(
      (event) => this.onEvent(event),
      () => this.resyncAll(),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    const presence = [...this.connections].flatMap((c) => [...c.consoles].map((d) => presenceKey(c.id, d)));
    for (const connection of this.connections) connection.socket.close(1001, 'server shutting down');
    await clearPresence(this.db, presence).catch(() => {});
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

    const read = readCallerCookies(this.deps.config.sessionSecret, req.headers.cookie);
    let staffId: string | null = null;
    try {
      staffId = (await resolveCaller(this.db, read, this.deps.now())).staff?.id ?? null;
    } catch (error) {
      this.deps.logger.error({ err: error }, 'session lookup failed during upgrade');
      return refuse(503, 'Service Unavailable');
    }
    // A session that did not resolve is not kept: it cannot start working later on this connection.
    const cookies: CallerCookies = { ...read, staffToken: staffId ? read.staffToken : null };

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const id = randomUUID();
      const connection: Connection = {
        id,
        socket: ws,
        alive: true,
        cookies,
        staffId,
        doors: new Set(),
        consoles: new Set(),
        visitDepartment: null,
        call: { connectionId: id, cookies, send: (message) => this.send(connection, message) },
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
      this.deps.logger.error({ err: error }, 'live message failed');
      this.sendError(connection, 'internal_error', 'unexpected error');
    }
  }

  private async handle(connection: Connection, message: ClientMessage) {
    const { db } = this;
    const now = this.deps.now();
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
        const visitId = connection.cookies.visitId;
        const row = visitId ? await findVisitWithContext(db, visitId) : undefined;
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
        await markPresent(db, {
          connectionId: connection.id,
          staffId: connection.staffId,
          departmentId: message.departmentId,
          now,
        });
        // A clerk more on duty changes everyone's estimate.
        await this.deps.events.publish({ departmentId: message.departmentId });
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
        await clearPresence(this.db, [presenceKey(connection.id, departmentId)]);
        await this.deps.events.publish({ departmentId });
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'could not clear console presence');
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
          this.deps.logger.error({ err: error, departmentId }, 'live refresh failed'),
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
    const state = await loadDepartmentState(this.db, departmentId, this.deps.now());
    if (!state) return;
    if (calls.length > 0) {
      await this.calls.followDepartment(departmentId, new Set(state.active.map((row) => row.visit.id)));
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
        const visitId = connection.cookies.visitId;
        const row = visitId ? live.get(visitId) : undefined;
        if (row) this.send(connection, { type: 'visit', visit: toCitizenVisit(row, state) });
        else if (visitId) ended.push(connection);
      }
      if (ended.length > 0) {
        const rows = await findVisitsWithContext(this.db, [...new Set(ended.map((c) => c.cookies.visitId!))]);
        const byId = new Map(rows.map((row) => [row.visit.id, row]));
        for (const connection of ended) {
          const row = byId.get(connection.cookies.visitId!);
          this.send(connection, { type: 'visit', visit: row ? toCitizenVisit(row, state) : null });
        }
      }
    }
  }

  // -- housekeeping (run by the jobs scheduler) -------------------------------------------

  /** Pings every connection; one that did not answer the last ping is gone. */
  heartbeat(): void {
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
  async refreshPresence(): Promise<void> {
    const { db } = this;
    const now = this.deps.now();
    const visitIds = [...this.connections]
      .filter((c) => c.visitDepartment && c.cookies.visitId)
      .map((c) => c.cookies.visitId!);
    // In chunks, so that thousands of waiting citizens do not hold up live updates in between.
    for (let i = 0; i < visitIds.length; i += 500) {
      await touchVisits(db, visitIds.slice(i, i + 500), now);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const consoles = [...this.connections].filter((c) => c.consoles.size > 0);
    for (const connection of consoles) {
      const caller = await resolveCaller(db, connection.cookies, now);
      if (!caller.staff) {
        this.sendError(connection, 'unauthorized', 'session ended');
        connection.socket.close(4401, 'session ended');
      }
    }
    await refreshPresence(
      db,
      consoles.flatMap((c) => [...c.consoles].map((d) => presenceKey(c.id, d))),
      now,
    );
  }
}
