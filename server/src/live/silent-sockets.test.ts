import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase } from '../test/databases.js';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../test/server.js';
import { SILENT_BEATS } from './live.hub.js';

// A script opens live sockets that answer pings (every WebSocket client does so by itself) and
// never send anything: each held one of its address's and the process's slots for ever, and
// enough of them from a few addresses left no room for citizens. A socket silent since its
// upgrade is closed after SILENT_BEATS heartbeats; one that has sent anything (a page sends its
// watch at once and a ping every 20 s) stays. The test beats itself. PGlite alone: no reads.

describe('a live socket that never sends anything', () => {
  let server: TestServer;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'), {
      env: { TRUST_PROXY: '1' },
      jobs: { heartbeatMs: 3_600_000 },
    });
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await server?.stop();
  });

  async function connect(from: string): Promise<WebSocket> {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, {
      headers: { origin: TEST_ORIGIN, 'x-forwarded-for': from },
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return socket;
  }

  /** A message and its answer: the server has read everything the socket sent before it. */
  const roundTrip = (socket: WebSocket) =>
    new Promise<void>((resolve) => {
      socket.once('message', () => resolve());
      socket.send(JSON.stringify({ type: 'ping' }));
    });

  /** One heartbeat, once both sockets got its ping and the server read their pongs. */
  async function beat(silent: WebSocket, talker: WebSocket) {
    const pinged = [silent, talker]
      .filter((socket) => socket.readyState === WebSocket.OPEN)
      .map((socket) => new Promise<void>((resolve) => socket.once('ping', () => resolve())));
    await server.hub.heartbeat();
    await Promise.all(pinged);
    // The pongs went out before the ping events; the talker's round trip comes after them.
    await roundTrip(talker);
  }

  it('is closed after some heartbeats, while one that has spoken stays', async () => {
    const silent = await connect('10.78.0.1');
    const talker = await connect('10.78.0.2');
    await roundTrip(talker);
    const closed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
    expect(server.hub.connectionCount).toBe(2);

    for (let n = 1; n < SILENT_BEATS; n++) {
      await beat(silent, talker);
      expect([n, silent.readyState]).toEqual([n, WebSocket.OPEN]);
    }
    // Answered every ping, and still closed: it never said anything.
    await server.hub.heartbeat();
    expect(await closed).toBe(4408);
    expect(talker.readyState).toBe(WebSocket.OPEN);
    await roundTrip(talker);
    // The talker stays through more beats than that: it spoke once, at the start.
    for (let n = 0; n < SILENT_BEATS; n++) await beat(silent, talker);
    expect(talker.readyState).toBe(WebSocket.OPEN);
    expect(server.hub.connectionCount).toBe(1);
  });
});
