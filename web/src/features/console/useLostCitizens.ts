import { useEffect, useState } from 'react';
import { getLiveClient } from '../../lib/live-client';

const NOBODY: ReadonlySet<string> = new Set();

/**
 * The department's waiting citizens whose page is not connected now, as the console's live
 * messages tell it. In the console's chunk, not lib/useLive.ts: the door page loads that. The
 * message comes with `useLiveConsole`'s watch, which this hook relies on.
 */
export function useLostCitizens(departmentId: string): ReadonlySet<string> {
  const [lost, setLost] = useState<{ id: string; visits: ReadonlySet<string> } | null>(null);
  useEffect(() => {
    return getLiveClient().on((message) => {
      if (message.type === 'console-connections' && message.departmentId === departmentId) {
        setLost({ id: departmentId, visits: new Set(message.lost) });
      }
    });
  }, [departmentId]);
  return lost?.id === departmentId ? lost.visits : NOBODY;
}
