import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../test/client.js';
import { createTestDatabase } from '../test/databases.js';
import { startTestServer, type TestServer } from '../test/server.js';

// A client that trickles its request in holds a connection, and its buffered body, for as long as
// the server waits. The header timeout bounds the headers; a body had Node's 300 s on top. Now the
// whole request must arrive within the one timeout (66 s; this server's is shortened to 1 s).
// No database is involved beyond the health check: PGlite only.

/** Sends `text` on a fresh connection and resolves with whatever the server answers before it closes. */
function trickle(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

describe('a client that trickles its request in', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'), { requestTimeoutMs: 1_000 });
  });
  afterAll(() => server?.stop());

  it('is answered 408 and let go when the body does not arrive in time, and others are served', async () => {
    const head = [
      'POST /api/invites/check HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      'Content-Length: 1000',
      '',
      '',
    ].join('\r\n');
    const answer = await trickle(server.url, `${head}{"token":"`);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect((await new TestClient(server.url).get('/api/health')).status).toBe(200);
  });

  it('lets go of a connection whose headers never end', async () => {
    const answer = await trickle(server.url, 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});
