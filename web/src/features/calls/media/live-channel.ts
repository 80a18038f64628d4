import type { ClientMessage } from '@amtsraum/shared';
import type { LiveClient } from '../../../lib/live-client';
import type { SignallingChannel } from './signalling';

/**
 * The page's shared live client as a call's signalling channel. Messages sent while the socket
 * is down wait for the next open (the call re-joins then anyway, so only the first join matters).
 */
export function liveClientChannel(client: LiveClient): SignallingChannel & { close(): void } {
  const pending: ClientMessage[] = [];
  let wasOpen = client.state === 'open';
  const reconnectListeners = new Set<() => void>();
  const statusListeners = new Set<(open: boolean) => void>();
  const offState = client.onState((state) => {
    const open = state === 'open';
    for (const listener of statusListeners) listener(open);
    if (open) {
      for (const message of pending.splice(0)) client.send(message);
      if (wasOpen) for (const callback of reconnectListeners) callback();
      wasOpen = true;
    }
  });
  return {
    send(message) {
      if (!client.send(message) && !wasOpen) pending.push(message);
    },
    on: (listener) => client.on(listener),
    onReconnect(callback) {
      reconnectListeners.add(callback);
      return () => {
        reconnectListeners.delete(callback);
      };
    },
    onStatus(callback) {
      statusListeners.add(callback);
      return () => {
        statusListeners.delete(callback);
      };
    },
    close: offState,
  };
}
