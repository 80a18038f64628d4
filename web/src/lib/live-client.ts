import { ServerMessageSchema, WS_PATH, type ClientMessage, type ServerMessage } from '@amtsraum/shared';
import i18next from 'i18next';
import { currentLocale } from './i18n';

/**
 * The browser's one WebSocket to `/ws`, without React: it reconnects with backoff, pings, and
 * sends its watch subscriptions again after every reconnect, so a server restart or a lost
 * network resumes without a reload. The hooks in `useLive.ts` are thin wrappers over it.
 */

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type Watch = Extract<ClientMessage, { type: 'watch-door' | 'watch-visit' | 'watch-console' | 'watch-roles' }>;

/** The part of the browser's WebSocket the client uses; tests pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** Timer functions, injectable so tests run on a manual clock. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  now(): number;
}

const browserTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => {
    globalThis.clearInterval(handle as ReturnType<typeof setInterval>);
  },
  now: () => Date.now(),
};

const CONNECTING = 0;
const OPEN = 1; // WebSocket.OPEN, spelt out: Node (where the tests run) may lack the global

/** After this long open, a connection counts as good and the backoff starts over. */
const GOOD_CONNECTION_MS = 5_000;

export interface LiveClientOptions {
  url: string;
  createSocket: (url: string) => SocketLike;
  timers?: Timers;
  /** App-level ping; the server pings at the protocol level too, but a page cannot see those. */
  pingMs?: number;
}

/** 0.5 s, 1 s, 2 s, … up to 10 s: the wait before reconnect attempt `attempt` (0-based). */
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 10_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
}

/** `ws://host/ws` or `wss://host/ws` for the page's own origin. */
export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${WS_PATH}`;
}

export class LiveClient {
  private socket: SocketLike | null = null;
  private currentState: ConnectionState = 'closed';
  private readonly timers: Timers;
  /**
   * Watches by their text, as they go on the wire, with how many subscribers hold each. The text is
   * the key: the hooks build each kind of watch alike, so the same watch has the same text.
   */
  private readonly watches = new Map<string, number>();
  private readonly listeners = new Set<(message: ServerMessage) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private attempt = 0;
  private openedAt: number | null = null;
  private awaitingPong = false;
  private reconnectTimer: unknown = null;
  private pingTimer: unknown = null;
  private running = false;

  constructor(private readonly options: LiveClientOptions) {
    this.timers = options.timers ?? browserTimers;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect('connecting');
  }

  stop(): void {
    this.running = false;
    this.cancelReconnect();
    this.detach();
    this.setState('closed');
  }

  /** Registers a watch (sent now if connected, and after every reconnect). Returns the unwatch. */
  subscribe(watch: Watch): () => void {
    const key = JSON.stringify(watch);
    this.watches.set(key, (this.watches.get(key) ?? 0) + 1);
    // Sent even when already watched: the server answers every watch with the state now,
    // which a second subscriber needs too. Watching twice is harmless on the server.
    this.send(watch);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const count = (this.watches.get(key) ?? 0) - 1;
      // The protocol has no "unwatch": later messages are simply not listened to.
      if (count > 0) this.watches.set(key, count);
      else this.watches.delete(key);
    };
  }

  /** Every valid server message. Returns the unsubscribe. */
  on(listener: (message: ServerMessage) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  /** Sends now if connected; false otherwise (nothing is queued). */
  send(message: ClientMessage): boolean {
    if (this.socket?.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * Replaces the connection at once. Identity comes from cookies at the upgrade, so after a
   * knock or a sign-in the connection must be new to carry them; also used when the browser
   * reports it is online again.
   */
  reconnectNow(): void {
    if (!this.running) return;
    this.cancelReconnect();
    this.detach();
    this.attempt = 0;
    this.connect('reconnecting');
  }

  private setState(state: ConnectionState) {
    if (state === this.currentState) return;
    this.currentState = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }

  private connect(state: ConnectionState) {
    this.setState(state);
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.openedAt = this.timers.now();
      this.awaitingPong = false;
      this.setState('open');
      for (const text of this.watches.keys()) socket.send(text);
      this.startPing();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.awaitingPong = false;
      this.dispatch(event.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.detach();
      this.scheduleReconnect();
    };
    socket.onerror = () => {
      // A close event follows every error; reconnecting happens there.
    };
  }

  private dispatch(data: unknown) {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) return; // never let an unexpected message break the page
    for (const listener of [...this.listeners]) listener(parsed.data);
  }

  private startPing() {
    this.stopPing();
    this.pingTimer = this.timers.setInterval(() => {
      if (this.awaitingPong) {
        // Silent since the last ping: treat as lost (a sleeping laptop, a dropped mobile network).
        this.detach();
        this.scheduleReconnect();
        return;
      }
      if (this.send({ type: 'ping' })) this.awaitingPong = true;
    }, this.options.pingMs ?? 20_000);
  }

  private stopPing() {
    if (this.pingTimer !== null) this.timers.clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.awaitingPong = false;
  }

  private scheduleReconnect() {
    if (!this.running || this.reconnectTimer !== null) return;
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect('reconnecting');
    }, delay);
  }

  private cancelReconnect() {
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  /** Forgets the current socket (closing it) without scheduling anything. */
  private detach() {
    this.stopPing();
    // A connection that stayed up a while was good: the next drop starts the backoff afresh.
    if (this.openedAt !== null && this.timers.now() - this.openedAt >= GOOD_CONNECTION_MS) this.attempt = 0;
    this.openedAt = null;
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    if (socket.readyState === CONNECTING) {
      // Closing a socket before it opened makes Chromium log an error; close it once open.
      socket.onopen = () => {
        socket.close(1000, 'client reconnects');
      };
      return;
    }
    try {
      socket.close(1000, 'client reconnects');
    } catch {
      // already closing
    }
  }
}

let shared: LiveClient | null = null;

/** The page's one live client, started on first use. */
export function getLiveClient(): LiveClient {
  if (!shared) {
    const client = new LiveClient({
      url: liveUrl(window.location),
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    });
    // Offline: the socket may look open for the 20 to 40 s until a ping goes unanswered, while the
    // page shows a place in the queue as if live; a new one fails at once and says so. Online: at once.
    const again = () => {
      client.reconnectNow();
    };
    window.addEventListener('online', again);
    window.addEventListener('offline', again);
    // The page's language, told first on every connection (state listeners hear 'open' before the
    // watches go) and again on a switch: the server's texts follow the person's choice on the page,
    // not the browser's Accept-Language.
    const tell = () => {
      client.send({ type: 'language', language: currentLocale() });
    };
    client.onState((state) => {
      if (state === 'open') tell();
    });
    i18next.on('languageChanged', tell);
    client.start();
    shared = client;
  }
  return shared;
}
