import http from 'node:http';
import v8 from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase } from '../test/databases.js';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../test/server.js';

// Memory per waiting citizen (issue 14): a live socket keeps what it needs from its upgrade
// request (cookies, address group, language) and lets the request go. A closure made at the
// upgrade that named the request (reading its Accept-Language) kept all of it, about 1.3 KB, for
// as long as the socket lived: the heap per connection of the fan-out benchmark rose from 8.0 to
// 9.3 KB. `v8.queryObjects` counts the live requests after a full collection.

const SOCKETS = 40;

describe('a live socket once open', () => {
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

  const liveRequests = () => v8.queryObjects(http.IncomingMessage, { format: 'count' }) as number;

  it('does not keep its upgrade request alive', async () => {
    const before = liveRequests();
    for (let i = 0; i < SOCKETS; i++) {
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, {
        headers: { origin: TEST_ORIGIN, 'x-forwarded-for': `10.79.0.${i + 1}`, 'accept-language': 'en' },
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      // A message and its answer: the server holds the socket as a connection of its own.
      await new Promise<void>((resolve) => {
        socket.once('message', () => resolve());
        socket.send(JSON.stringify({ type: 'ping' }));
      });
    }
    expect(server.hub.connectionCount).toBe(SOCKETS);
    // Every socket still open, and (nearly) none of their requests left: a few may be in flight
    // elsewhere in the process, never one per socket.
    expect(liveRequests() - before).toBeLessThan(SOCKETS / 4);
  });
});
