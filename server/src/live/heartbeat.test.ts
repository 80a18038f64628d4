import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase } from '../test/databases.js';
import { startTestServer, type TestServer } from '../test/server.js';

// The heartbeat pings every socket and ends one that did not answer the last ping. It pings in
// chunks of 250 with a turn of the event loop between (issue 14, item 2: 10,000 pings in one go
// held up a queue change arriving meanwhile), so a beat spans several turns: what it decides must
// be the same for a socket in the first chunk, in a later one, and for one gone meanwhile. The
// heartbeat reads nothing from the database: PGlite alone.

const SOCKETS = 600; // three chunks
const SILENT = [3, 260, 599]; // one in each chunk

describe('the heartbeat over many sockets', () => {
  let server: TestServer;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'), {
      env: { TRUST_PROXY: '1' },
      jobs: { heartbeatMs: 3_600_000 }, // the test beats itself
    });
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await server?.stop();
  });

  /** A socket from an address of its own (the per-address cap); a silent one never pongs. */
  async function connect(n: number, silent: boolean): Promise<WebSocket> {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, {
      headers: { origin: 'http://amtsraum.test', 'x-forwarded-for': `10.77.${n >> 8}.${n & 255}` },
      autoPong: !silent,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return socket;
  }

  /** Until every socket has received this beat's ping (and, unless silent, pong'd before the event). */
  const pinged = (list: WebSocket[]) =>
    Promise.all(list.map((socket) => new Promise<void>((resolve) => socket.once('ping', () => resolve()))));

  /** A message and its answer: the server has read everything the socket sent before it. */
  const roundTrip = (socket: WebSocket) =>
    new Promise<void>((resolve) => {
      socket.once('message', () => resolve());
      socket.send(JSON.stringify({ type: 'ping' }));
    });

  it('ends the sockets that did not answer, in every chunk, and keeps the others', async () => {
    for (let n = 0; n < SOCKETS; n++) sockets.push(await connect(n, SILENT.includes(n)));
    const answering = sockets.filter((_, n) => !SILENT.includes(n));
    const silent = SILENT.map((n) => sockets[n]!);
    // One closes before the beat reaches its chunk: nothing is sent to it, nothing breaks.
    const leaver = answering.at(-1)!;

    const first = pinged(sockets.filter((socket) => socket !== leaver));
    const beat = server.hub.heartbeat();
    leaver.close();
    await beat;
    await first;
    await Promise.all(answering.filter((socket) => socket !== leaver).map(roundTrip));

    const ended = silent.map((socket) => new Promise<number>((resolve) => socket.once('close', resolve)));
    const second = pinged(answering.filter((socket) => socket !== leaver));
    await server.hub.heartbeat();
    await second;
    expect(await Promise.all(ended)).toEqual(SILENT.map(() => 1006)); // terminated, no close frame
    const kept = answering.filter((socket) => socket !== leaver);
    await Promise.all(kept.map(roundTrip));
    expect(kept.every((socket) => socket.readyState === WebSocket.OPEN)).toBe(true);
  }, 120_000);

  // Chunks back to back still held up every queue change meanwhile on PostgreSQL (decision 031,
  // forty-eighth addendum): the job spreads them over half its beat. A process stopping does not
  // wait for the rest of such a round (its sockets are about to close anyway).
  it('spreads its chunks over the time it is given, and a stopping process ends the round at once', async () => {
    const open = sockets.filter((socket) => socket.readyState === WebSocket.OPEN);
    expect(open.length).toBeGreaterThan(500); // three chunks
    let pings = 0;
    for (const socket of open) socket.on('ping', () => (pings += 1));
    const beat = server.hub.heartbeat(600_000); // ten minutes: a chunk every five
    await expect.poll(() => pings, { timeout: 10_000 }).toBe(250);
    // Every socket has been heard since: no other chunk followed the first.
    await Promise.all(open.map(roundTrip));
    expect(pings).toBe(250);
    server.hub.endRounds();
    await beat;
    expect(pings).toBe(250);
  }, 60_000);
});
