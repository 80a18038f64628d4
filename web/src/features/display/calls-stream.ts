import { DISPLAY_STREAM_PATH, DisplayCallsSchema, type DisplayCall } from '@amtsraum/shared';

/**
 * The call display's live list (issue 16), without React: an EventSource on the display's stream.
 * The server sends the full list on every (re)connect, so after a network drop or a server
 * restart (EventSource reconnects by itself) the display is right again. When the stream is
 * refused outright (EventSource gives up on a non-200 answer) it asks `stillPaired()`: a revoked
 * display goes back to its pairing form; otherwise it opens a new stream after a pause.
 */

export type StreamState = 'connecting' | 'open' | 'reconnecting';

export interface CallsStreamOptions {
  onCalls: (calls: DisplayCall[]) => void;
  onState: (state: StreamState) => void;
  onRevoked: () => void;
  /** Whether the device is still paired (`GET /api/devices/display/me`): false ends the stream for good. */
  stillPaired: () => Promise<boolean>;
}

/** Pauses before a new stream after a refused one: 2 s, 4 s, … up to 30 s. */
const retryDelay = (attempt: number) => Math.min(30_000, 2_000 * 2 ** Math.min(attempt, 5));

export function openCallsStream(options: CallsStreamOptions): () => void {
  let source: EventSource | null = null;
  let stopped = false;
  let attempt = 0;
  let timer: number | undefined;

  const stop = () => {
    stopped = true;
    source?.close();
    source = null;
    window.clearTimeout(timer);
  };

  const open = () => {
    if (stopped) return;
    options.onState(attempt === 0 ? 'connecting' : 'reconnecting');
    const current = new EventSource(DISPLAY_STREAM_PATH);
    source = current;
    current.onopen = () => {
      attempt = 0;
      options.onState('open');
    };
    current.addEventListener('calls', (event) => {
      const parsed = DisplayCallsSchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
      if (parsed.success) options.onCalls(parsed.data.calls);
    });
    current.addEventListener('revoked', () => {
      stop();
      options.onRevoked();
    });
    current.onerror = () => {
      if (stopped) return;
      if (current.readyState !== EventSource.CLOSED) {
        // The browser reconnects by itself (network drop, server restart).
        options.onState('reconnecting');
        return;
      }
      current.close();
      options.onState('reconnecting');
      void options.stillPaired().then(
        (paired) => {
          if (stopped) return;
          if (!paired) {
            stop();
            options.onRevoked();
            return;
          }
          timer = window.setTimeout(open, retryDelay(attempt++));
        },
        () => {
          if (!stopped) timer = window.setTimeout(open, retryDelay(attempt++));
        },
      );
    };
  };

  open();
  return stop;
}
