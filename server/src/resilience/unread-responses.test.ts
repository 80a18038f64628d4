import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../test/client.js';
import { createTestDatabase } from '../test/databases.js';
import { openDisplayStream, pairedDisplay } from '../test/display-stream.js';
import { startTestServer, type TestServer } from '../test/server.js';

// A client that asks for something large and never reads the answer held its connection for ever:
// Node's idle timeout was off, the rest of the answer waited in the server's memory (an asset's
// file stayed open), and neither the request timeout (the request had arrived) nor the keep-alive
// timeout (the answer never finished) applied. Now a connection on which nothing moves for the
// idle timeout (two minutes; this server's is shortened to 1 s) is let go, but for the call
// display's event stream and WebSockets, which are quiet by nature. No database is involved
// beyond pairing a display: PGlite only.

const BIG = 16 * 1024 * 1024; // more than loopback's socket buffers hold on both ends
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks for `target` on a fresh connection, reads nothing for `quietMs`, then reads what still comes. */
function readLate(url: string, target: string, quietMs: number): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );
    socket.pause();
    let bytes = 0;
    setTimeout(() => {
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
      socket.resume();
    }, quietMs);
    socket.on('error', () => {});
    socket.on('close', () => resolve(bytes));
  });
}

describe('a client that does not read its answers', () => {
  let server: TestServer;
  let webDir: string;

  beforeAll(async () => {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-web-'));
    fs.mkdirSync(path.join(webDir, 'assets'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Amtsraum</title>');
    fs.writeFileSync(path.join(webDir, 'assets', 'big-1234.js'), Buffer.alloc(BIG, 0x20));
    server = await startTestServer(await createTestDatabase('pglite'), {
      webDistDir: webDir,
      idleTimeoutMs: 1_000,
      env: { TRUST_PROXY: '1' },
    });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it('is let go when nothing moves on its connection, while a reader gets the whole answer', async () => {
    const cut = await readLate(server.url, '/assets/big-1234.js', 3_000);
    expect(cut).toBeLessThan(BIG);
    const whole = await readLate(server.url, '/assets/big-1234.js', 0);
    expect(whole).toBeGreaterThan(BIG);
  });

  it('keeps a WebSocket and a call display’s event stream open through quiet times', async () => {
    const live = await new TestClient(server.url, { 'x-forwarded-for': '10.204.0.1' }).live();

    const { display } = await pairedDisplay(server, { address: '10.204.0.2' });
    const stream = await openDisplayStream(display, '10.204.0.2');
    expect(stream.status).toBe(200);

    await pause(3_000);
    // The stream is still there, and the socket still answers.
    expect(stream.isEnded()).toBe(false);
    const pong = live.next('pong');
    live.send({ type: 'ping' });
    await pong;
    stream.close();
    await stream.ended();
    live.close();
  });
});
