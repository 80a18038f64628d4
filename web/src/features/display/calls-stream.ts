import { DISPLAY_STREAM_PATH, DisplayCallsSchema, type DisplayCall } from '@amtsraum/shared';

/**
 * The call display's live list (issue 16), without React: an EventSource on the display's stream.
 * The server sends the full list on every (re)connect, so after a network drop or a server
 * restart (EventSource reconnects by itself) the display is right again. A connection that went
 * silent without closing (a half-open TCP connection after a network drop) is noticed by the
 * server's heartbeat not arriving, and replaced. When the stream is refused outright (EventSource
 * gives up on a non-200 answer) it asks `stillPaired()`: a revoked display goes back to its
 * pairing form; otherwise it opens a new stream after a pause.
 */

export type StreamState = 'connecting' | 'open' | 'reconnecting';

/** The part of the browser's EventSource used here; tests pass a fake. */
export interface SourceLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
}

export interface StreamTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface CallsStreamOptions {
  onCalls: (calls: DisplayCall[]) => void;
  onState: (state: StreamState) => void;
  onRevoked: () => void;
  /** Whether the device is still paired (`GET /api/devices/display/me`): false ends the stream for good. */
  stillPaired: () => Promise<boolean>;
  createSource?: (url: string) => SourceLike;
  timers?: StreamTimers;
}

const CLOSED = 2; // EventSource.CLOSED, spelt out: Node (where the tests run) has no EventSource

/** The server beats every 25 s; two missed beats mean the connection is gone, whatever it says. */
export const SILENCE_MS = 60_000;

/** Pauses before a new stream after a refused one: 2 s, 4 s, … up to 30 s. */
export const retryDelay = (attempt: number) => Math.min(30_000, 2_000 * 2 ** Math.min(attempt, 5));

const browserTimers: StreamTimers = {
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => {
    window.clearTimeout(handle as number);
  },
};

export function openCallsStream(options: CallsStreamOptions): () => void {
  const timers = options.timers ?? browserTimers;
  const createSource = options.createSource ?? ((url: string) => new EventSource(url) as SourceLike);
  let source: SourceLike | null = null;
  let stopped = false;
  let attempt = 0;
  let retry: unknown = null;
  let silence: unknown = null;

  const clearTimers = () => {
    if (retry !== null) timers.clearTimeout(retry);
    if (silence !== null) timers.clearTimeout(silence);
    retry = silence = null;
  };

  const stop = () => {
    stopped = true;
    source?.close();
    source = null;
    clearTimers();
  };

  /** Something arrived: the connection lives. Without anything for SILENCE_MS, a new one. */
  const alive = () => {
    if (silence !== null) timers.clearTimeout(silence);
    silence = timers.setTimeout(() => {
      silence = null;
      if (stopped) return;
      source?.close();
      open();
    }, SILENCE_MS);
  };

  const open = () => {
    if (stopped) return;
    options.onState(attempt === 0 && source === null ? 'connecting' : 'reconnecting');
    const current = createSource(DISPLAY_STREAM_PATH);
    source = current;
    alive();
    current.onopen = () => {
      attempt = 0;
      alive();
      options.onState('open');
    };
    current.addEventListener('calls', (event) => {
      alive();
      let data: unknown;
      try {
        data = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const parsed = DisplayCallsSchema.safeParse(data);
      if (parsed.success) options.onCalls(parsed.data.calls);
    });
    current.addEventListener('beat', alive);
    current.addEventListener('revoked', () => {
      stop();
      options.onRevoked();
    });
    current.onerror = () => {
      if (stopped || current !== source) return;
      if (current.readyState !== CLOSED) {
        // The browser reconnects by itself (network drop, server restart).
        options.onState('reconnecting');
        return;
      }
      current.close();
      if (silence !== null) timers.clearTimeout(silence);
      silence = null;
      options.onState('reconnecting');
      const again = () => {
        if (!stopped) retry = timers.setTimeout(open, retryDelay(attempt++));
      };
      void options.stillPaired().then((paired) => {
        if (stopped) return;
        if (paired) return again();
        stop();
        options.onRevoked();
      }, again);
    };
  };

  open();
  return stop;
}

/** A call's identity on the display: a number called again (a recall) is a new call. */
export const callKey = (call: DisplayCall) => `${String(call.ticketNumber)}@${call.calledAt}`;

/**
 * The calls to sound and say: current ones not shown before, oldest first (said in the order
 * they were made). Nothing for the first list a display gets (`known` null): a display that
 * starts or reconnects does not call again what it already called.
 */
export function freshCalls(known: ReadonlySet<string> | null, next: DisplayCall[]): DisplayCall[] {
  if (!known) return [];
  return next.filter((call) => call.current && !known.has(callKey(call))).reverse();
}
