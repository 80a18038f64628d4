import v8 from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase } from '../test/databases.js';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../test/server.js';

// Memory per waiting citizen (issue 14): what only a clerk's socket needs is made when it is first
// needed, as `views` is. `refusedConsoles` (the consoles a clerk was refused, to open when the role
// comes) was an empty Set on every socket, a citizen's too: some 100 bytes each, for nothing.
// `v8.queryObjects` counts the live Sets after a full collection: a socket now holds one (its
// `consoles`), where it held two.

const SOCKETS = 40;

describe('a citizen’s live socket', () => {
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

  const liveSets = () => v8.queryObjects(Set, { format: 'count' }) as number;

  it('holds no Set for consoles it was never refused', async () => {
    const before = liveSets();
    for (let i = 0; i < SOCKETS; i++) {
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, {
        headers: { origin: TEST_ORIGIN, 'x-forwarded-for': `10.78.0.${i + 1}` },
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      await new Promise<void>((resolve) => {
        socket.once('message', () => resolve());
        socket.send(JSON.stringify({ type: 'ping' }));
      });
    }
    expect(server.hub.connectionCount).toBe(SOCKETS);
    // One Set a socket (its consoles), and some elsewhere in the process (about 15 here): never two a socket.
    expect(liveSets() - before).toBeLessThan(SOCKETS * 1.75);
  });
});
