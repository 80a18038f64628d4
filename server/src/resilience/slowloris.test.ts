import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../test/databases.js';
import { startTestServer, type TestServer } from '../test/server.js';

// A slowloris opens connection after connection and sends each request's headers a byte at a
// time, to hold the server's connections (and open files) until the header timeout lets each go.
// One address may hold HTTP_CONNECTIONS_PER_ADDRESS connections (here 5); past that a new one is
// closed unread, and other addresses are served as ever. On loopback every 127.x.y.z is this
// machine, so two source addresses are two clients. PGlite only: no query is involved.

const CAP = 5;

interface Trickler {
  socket: net.Socket;
  closed: Promise<string>;
  stop(): void;
}

/** A connection from `from` that sends a request's headers one byte every 50 ms, never ending them. */
function trickler(url: string, from: string): Promise<Trickler> {
  const { hostname, port } = new URL(url);
  const text = 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(10_000);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port), localAddress: from });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const closed = new Promise<string>((done) => socket.on('close', () => done(answer)));
    let at = 0;
    const timer = setInterval(() => {
      if (socket.writable && at < text.length) socket.write(text[at++]!);
    }, 50);
    socket.on('close', () => clearInterval(timer));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed, stop: () => socket.destroy() }));
    socket.once('error', reject);
  });
}

/** A plain GET of `path` from source address `from`: its status. */
function getFrom(url: string, path: string, from: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${url}${path}`, { localAddress: from, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

describe('a slowloris from one address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'), {
      env: { HTTP_CONNECTIONS_PER_ADDRESS: String(CAP), TRUST_PROXY: 'false' },
    });
  });
  afterAll(() => server?.stop());

  it('holds only its share of connections; the next is closed unread, and others are served', async () => {
    const slow = await Promise.all(Array.from({ length: CAP }, () => trickler(server.url, '127.0.0.3')));
    try {
      // The server holds these five, trickling: none closed.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(slow.map((t) => t.socket.destroyed)).toEqual(Array<boolean>(CAP).fill(false));

      // The sixth (and seventh) from that address is closed at once, with no answer, while the
      // five still trickle.
      for (let i = 0; i < 2; i++) {
        const extra = await trickler(server.url, '127.0.0.3');
        expect(await extra.closed).toBe('');
      }
      expect(slow.map((t) => t.socket.destroyed)).toEqual(Array<boolean>(CAP).fill(false));

      // Everyone else is served meanwhile.
      expect(await getFrom(server.url, '/api/health/live', '127.0.0.2')).toBe(200);
      expect(await getFrom(server.url, '/api/health/live', '127.0.0.4')).toBe(200);
    } finally {
      for (const t of slow) t.stop();
    }
    await Promise.all(slow.map((t) => t.closed));
    // Its connections closed (the server hears of it a moment after the client), that address is
    // served again.
    await vi.waitFor(
      async () => expect(await getFrom(server.url, '/api/health/live', '127.0.0.3').catch(() => 0)).toBe(200),
      { timeout: 10_000, interval: 50 },
    );
  });
});

// Behind a trusted reverse proxy every connection comes from the proxy, which holds slow clients
// itself: capping its address would cap every citizen together.
describe('behind a trusted proxy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'), {
      env: { HTTP_CONNECTIONS_PER_ADDRESS: String(CAP), TRUST_PROXY: '1' },
    });
  });
  afterAll(() => server?.stop());

  it('does not cap the proxy’s connections', async () => {
    const held = await Promise.all(Array.from({ length: CAP + 3 }, () => trickler(server.url, '127.0.0.5')));
    try {
      expect(await getFrom(server.url, '/api/health/live', '127.0.0.5')).toBe(200);
      expect(held.map((t) => t.socket.destroyed)).toEqual(Array<boolean>(CAP + 3).fill(false));
    } finally {
      for (const t of held) t.stop();
    }
  });
});
