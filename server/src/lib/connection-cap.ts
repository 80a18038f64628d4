import type net from 'node:net';
import { addressGroup } from './client-address.js';

/**
 * Caps the TCP connections one client address (an IPv6 /64 as one) holds open on `server`. A
 * slowloris opens connection after connection and sends each request's headers a byte at a
 * time: each is held until the header timeout (66 s), and nothing stopped one address from
 * opening thousands, each an open file of the process. Past the cap a new connection from that
 * address is closed at once, before it is read; other addresses are not touched.
 *
 * Behind a trusted reverse proxy (TRUST_PROXY) every connection comes from the proxy, which
 * holds the slow clients itself: the cap is not applied there.
 */
export function capConnectionsPerAddress(server: net.Server, perAddress: number): { open(group: string): number } {
  const open = new Map<string, number>();
  server.on('connection', (socket: net.Socket) => {
    const group = addressGroup(socket.remoteAddress ?? 'unknown');
    const count = open.get(group) ?? 0;
    if (count >= perAddress) {
      socket.destroy();
      return;
    }
    open.set(group, count + 1);
    socket.once('close', () => {
      const left = (open.get(group) ?? 1) - 1;
      if (left <= 0) open.delete(group);
      else open.set(group, left);
    });
  });
  return { open: (group) => open.get(group) ?? 0 };
}
