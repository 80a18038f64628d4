import { useEffect, useRef, useSyncExternalStore } from 'react';
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
