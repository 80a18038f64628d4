import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test/databases.js';
import { startTestServer, TEST_ORIGIN } from '../test/server.js';

// SIGTERM (docker stop, systemctl stop) while a waiting citizen's phone is out of reach: its live
// connection is open on our side, but nothing comes back. The hub's closing frame is never
// answered, and the stop once waited for ws's own timeout, 30 s: as long as docker-compose.yml's
// stop_grace_period, three times `docker stop`'s 10 s, after which the process is killed with the
// database still open. Each live connection now has a moment to answer, then is ended.

describe('the server stopping while a live connection is silent', () => {
  it('ends that connection after a moment instead of waiting 30 s for its answer', async () => {
    const server = await startTestServer(await createTestDatabase('pglite'));
    const { port } = new URL(server.url);
    // The upgrade by hand, and then nothing: no answer to the closing frame, as from a lost phone.
    const socket = net.connect(Number(port), '127.0.0.1');
    const upgraded = new Promise<string>((resolve) => socket.once('data', (data) => resolve(data.toString('latin1'))));
    socket.write(
      [
        'GET /ws HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        `Origin: ${TEST_ORIGIN}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
    expect(await upgraded).toMatch(/^HTTP\/1\.1 101 /);
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));

    // Without the end, this stop took 30 s and the test's limit below ran out first.
    await server.stop();
    await ended;
    expect(socket.destroyed).toBe(true);
  }, 20_000);
});
