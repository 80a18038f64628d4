import { useEffect, useState } from 'react';
import { serverNow } from './server-clock';

/**
 * Whether the instant `iso` has passed on the office's clock (server-clock.ts); turns true by itself
 * when it does (a timer, not polling).
 */
export function useReached(iso: string): boolean {
  const at = new Date(iso).getTime();
  const [reached, setReached] = useState<number | null>(() => (serverNow() >= at ? at : null));
  useEffect(() => {
    const wait = Math.max(0, at - serverNow());
    if (wait > 2_000_000_000) return; // beyond a timer's range (weeks): a reload will tell
    const timer = window.setTimeout(() => {
      setReached(at);
    }, wait);
    return () => {
      window.clearTimeout(timer);
    };
  }, [at]);
  return reached === at;
}
