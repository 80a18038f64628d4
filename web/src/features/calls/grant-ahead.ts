import type { CallJoinResponse } from '@amtsraum/shared';
import { joinCall } from './api';

/**
 * The call's grant, asked for the moment a prepared visit is let in (issue 14: admit → first
 * frame), while the call page is still being opened; the page claims it instead of asking again.
 * A LiveKit grant also starts loading LiveKit's code at once, not after the page has rendered.
 * Framework-free like prepared-call.ts: the request outlives the component that started it.
 */

let ahead: { visitId: string; grant: Promise<CallJoinResponse>; at: number } | null = null;

export function askGrantAhead(visitId: string, ask: (visitId: string) => Promise<CallJoinResponse> = joinCall): void {
  const grant = ask(visitId);
  ahead = { visitId, grant, at: Date.now() };
  grant.then(
    (granted) => {
      if (granted.transport === 'livekit') {
        void import('./media/livekit-transport').catch(() => {
          // offline for a moment: the call page loads it when it joins
        });
      }
    },
    () => {
      // told by the call page, which claims this promise
    },
  );
}

/** The grant asked for ahead for this visit (once), with when it was asked; null when there is none. */
export function claimGrantAhead(visitId: string): { grant: Promise<CallJoinResponse>; at: number } | null {
  if (ahead?.visitId !== visitId) return null;
  const claimed = ahead;
  ahead = null;
  return { grant: claimed.grant, at: claimed.at };
}
