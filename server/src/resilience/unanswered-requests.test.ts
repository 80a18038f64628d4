import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNANSWERED_PER_CONNECTION } from '../lib/pipelining.js';
import { createTestDatabase } from '../test/databases.js';
import { makeOffice } from '../test/factories.js';
import { captureLogger, startTestServer, type TestServer } from '../test/server.js';

// A client that writes request after request into one connection and never reads an answer
// (HTTP/1.1 pipelining, which no browser does) had each of them worked on at once: Node reads on
// while the answers wait for the database, and stopped reading only once finished answers piled
// up. 50,000 small requests on one connection held 500 MB of the server's memory, and one
// address may hold a thousand connections. Now a connection with more than a handful unanswered
// is closed, and what it sent past them is not worked on. PGlite only: one read per request.

const REQUESTS = 20_000;

describe('a connection with many requests unanswered', () => {
  let server: TestServer;
  const log = captureLogger('debug');
  let door: string;
  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'), { logger: log.logger });
    door = `${(await makeOffice(server.database.db)).base}/door`;
  });
  afterAll(() => server?.stop());

  it('is closed, and only the first few of its requests are worked on, while others are served', async () => {
    const { hostname, port } = new URL(server.url);
    const socket = net.connect(Number(port), hostname);
    socket.on('error', () => undefined); // the server resets it
    let answers = 0;
    const outcome = new Promise<'closed' | 'all answered' | 'still open'>((resolve) => {
      setTimeout(() => resolve('still open'), 10_000);
      socket.on('data', (chunk: Buffer) => {
        answers += chunk.toString('latin1').split('HTTP/1.1 ').length - 1;
        if (answers >= REQUESTS) resolve('all answered');
      });
      socket.once('close', () => resolve('closed'));
    });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const request = `GET ${door} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    socket.write(request.repeat(REQUESTS));

    // Without the cap every one was taken in and worked on at once, the connection kept.
    const ended = await outcome;
    socket.destroy();
    expect(ended).toBe('closed');
    expect(answers).toBeLessThanOrEqual(UNANSWERED_PER_CONNECTION);
    // Each request the app worked on is in the log (answered or cut off): the first few only.
    const worked = log
      .text()
      .split('\n')
      .filter((line) => line.includes(`"path":"${door}"`)).length;
    expect(worked).toBeGreaterThan(0);
    expect(worked).toBeLessThanOrEqual(UNANSWERED_PER_CONNECTION);

    // A browser's keep-alive connection, one request after the other, many more than the cap.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const statuses = new Set<number>();
    const sockets = new Set<unknown>();
    for (let i = 0; i < UNANSWERED_PER_CONNECTION * 3; i++) {
      statuses.add(
        await new Promise<number>((resolve, reject) => {
          http
            .get(`${server.url}${door}`, { agent }, (response) => {
              sockets.add(response.socket);
              response.resume();
              response.on('end', () => resolve(response.statusCode ?? 0));
            })
            .on('error', reject);
        }),
      );
    }
    agent.destroy();
    expect([...statuses]).toEqual([200]);
    expect(sockets.size).toBe(1);
  });
});
