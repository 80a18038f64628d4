import { useEffect, useRef } from 'react';
import { getLiveClient } from '../../lib/live-client';

/**
 * While the console says the clerk is still in a conversation in another of their offices
 * (`departmentId`), the server is asked to say when that conversation ends (`watch-busy`), and
 * `onEnded` runs then: the notice went only with a reload. In the console's chunk, not lib/: the
 * door page loads that. A reconnect takes the notice anyway (ConsolePage), so the watch is not
 * sent again.
 */
export function useBusyEnded(departmentId: string | null, onEnded: () => void): void {
  const latest = useRef(onEnded);
  useEffect(() => {
    latest.current = onEnded;
  });
  useEffect(() => {
    if (!departmentId) return;
    const live = getLiveClient();
    const off = live.on((message) => {
      if (message.type === 'busy-ended' && message.departmentId === departmentId) latest.current();
    });
    live.send({ type: 'watch-busy', departmentId });
    return off;
  }, [departmentId]);
}
