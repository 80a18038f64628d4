// The one call UI (device check, tiles, screen share, chat, controls) over two transports, and
// its closing page. Hosts plug the clerk's tools in through `ClerkTools`.
export { CallEndedPage } from './CallEndedPage';
export { CallPage } from './CallPage';
export type { ClerkCall, ClerkTools } from './clerk-tools';
