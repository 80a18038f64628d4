// The one call UI (device check, tiles, screen share, chat, controls) over two transports, and
// its closing page, each loaded when opened (issue 14). Hosts plug the clerk's tools in through
// `ClerkTools`.
import { lazyComponent } from '../../lib/lazy-component';

export type { CallPageProps } from './CallPage';
export type { CallReadinessProps } from './CallReadiness';
export type { ClerkCall, ClerkTools } from './clerk-tools';

export const CallPage = lazyComponent(() => import('./CallPage').then((m) => m.CallPage), ['calls', 'moreErrors']);
export const CallEndedPage = lazyComponent(
  () => import('./CallEndedPage').then((m) => m.CallEndedPage),
  ['calls', 'moreErrors'],
);
/** The device check while waiting (waiting room, console): loads when a waiting page shows it. */
export const CallReadiness = lazyComponent(
  () => import('./CallReadiness').then((m) => m.CallReadiness),
  ['calls', 'moreErrors'],
);
