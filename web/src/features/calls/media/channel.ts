import { getLiveClient } from '../../../lib/live-client';
import { liveClientChannel } from './live-channel';
import type { SignallingChannel } from './signalling';

/** The signalling channel of a peer-to-peer call: the page's one live WebSocket. */
export function openCallChannel(): SignallingChannel & { close(): void } {
  return liveClientChannel(getLiveClient());
}
