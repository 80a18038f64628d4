import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase } from '../test/databases.js';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../test/server.js';
import { MAX_BUFFERED_BYTES } from './live.hub.js';

// A client that never reads what its live socket is sent: every message waits in the server's
// memory once the kernel's buffers are full. The hub lets go of it once more than
// MAX_BUFFERED_BYTES wait, instead of holding them for ever; a page that only fell behind
// reconnects and reads afresh. The messages are sent through the hub's own sending path (what
// the fan-out, the answers and the call relay use); the socket and its backlog are real.

interface HubInside {
  connections: Set<{ socket: WebSocket }>;
  send(connection: unknown, message: string): void;
}

describe('a live socket whose client never reads', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'), { env: { TRUST_PROXY: '1' } });
  }, 60_000);
  afterAll(() => server?.stop());

  it('is let go once its backlog passes the cap, never holding much more', async () => {
    const client = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, {
      headers: { origin: TEST_ORIGIN, 'x-forwarded-for': '10.79.0.1' },
    });
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    // From now on nothing is read: the kernel's buffers fill, then the server's.
    (client as unknown as { _socket: { pause(): void } })._socket.pause();

    const hub = server.hub as unknown as HubInside;
    const [connection] = [...hub.connections];
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    let mostWaiting = 0;
    // Up to 256 MB: far past any kernel buffer; the cap must end it long before.
    while (connection!.socket.readyState === WebSocket.OPEN && sent < 4096) {
      hub.send(connection, JSON.stringify({ type: 'pong', padding: chunk }));
      sent++;
      mostWaiting = Math.max(mostWaiting, connection!.socket.bufferedAmount);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sent).toBeLessThan(4096);
    // Let go: off the hub's list (its slot and watches with it).
    await vi.waitFor(() => expect(hub.connections.has(connection!)).toBe(false), { timeout: 10_000 });
    // Never more than the cap and the one message that passed it.
    expect(mostWaiting).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + chunk.length + 64);
    client.terminate();
  });
});
