import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { CallStatus } from '@amtsraum/shared';
import { callStatus } from './api';
import type { CallSnapshot, CallTransport } from './media/transport';

/** The call's current state; re-renders on every change the transport reports. */
export function useCallSnapshot(transport: CallTransport): CallSnapshot {
  return useSyncExternalStore(transport.subscribe, transport.getSnapshot);
}

/**
 * Disposes the transport when the page really goes away. Deferred, because React's StrictMode
 * unmounts and remounts once in development: a call must survive that.
 */
export function useDisposeOnUnmount(transport: CallTransport): void {
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (pending.current) clearTimeout(pending.current);
    pending.current = null;
    return () => {
      pending.current = setTimeout(() => {
        transport.dispose();
      }, 0);
    };
  }, [transport]);
}

/** Waits before asking again, from the second question on: 1, 2, 4, 8 s, then every 15 s. */
const statusRetryDelay = (asked: number): number => Math.min(15_000, 1_000 * 2 ** (asked - 1));

/** What the server says of a call the page is no longer in: over, or the invitee's seat in it gone. */
export type CallOver = Exclude<CallStatus['status'], 'on'>;

/**
 * The server's word that the call is over for this page (null until then), asked while `asking`:
 * - the media connection broke. The media server's own word that it closed the call can be lost in
 *   that very moment: a LiveKit room closed for everyone while the page's signal connection breaks
 *   (stop 28), or a peer-to-peer `call-ended` sent while the socket reconnects. Without this the
 *   page would try to reconnect to a call that is over, saying "Verbindung unterbrochen", with no
 *   way on.
 * - the person left the call (or it went on in another tab): out of the call, the page hears no
 *   `call-ended`, and offered "Wieder beitreten" after the clerk had ended it, which then failed.
 */
export function useCallOver(visitId: string, asking: boolean): CallOver | null {
  const [over, setOver] = useState<CallOver | null>(null);
  useEffect(() => {
    if (!asking) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = (asked: number) => {
      const again = () => {
        if (!stopped) timer = setTimeout(() => ask(asked + 1), statusRetryDelay(asked + 1));
      };
      // A failed question (offline, the server restarting) is asked again like an "on".
      callStatus(visitId).then((answer) => {
        if (stopped) return;
        if (answer.status === 'on') again();
        else setOver(answer.status);
      }, again);
    };
    ask(0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [visitId, asking]);
  return over;
}
