import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { TestClient } from './client.js';

/**
 * Tools for tests that treat the server as an attacker or a bad network would, while an ordinary
 * user is measured to stay served.
 */

/**
 * Writes a WebSocket upgrade request on a bare TCP socket and returns the socket, for tests that
 * misbehave below what a WebSocket library allows (a reset in the middle of the handshake).
 */
export async function rawUpgrade(baseUrl: string, headers: Record<string, string>): Promise<net.Socket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect(Number(port), hostname);
  socket.on('error', () => {}); // the test resets it on purpose
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const lines = [
    'GET /ws HTTP/1.1',
    `Host: ${hostname}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  return socket;
}

export interface Waits {
  /** Every wait of the ordinary client, in ms, in order. */
  samples: number[];
  max: number;
}

/**
 * Keeps an ordinary client busy (`sample`, e.g. a page load or a ping) one request after another,
 * `pauseMs` apart, until `during` settles, and reports how long each wait was. A wait is cut
 * short at `giveUpMs` (and recorded as that long): the test is about being served, not about
 * how long a stalled server takes to drain.
 */
export async function sampleWaits(
  sample: () => Promise<unknown>,
  during: Promise<unknown>,
  options: { pauseMs?: number; giveUpMs?: number } = {},
): Promise<Waits> {
  const { pauseMs = 200, giveUpMs = 20_000 } = options;
  let done = false;
  void during.finally(() => (done = true)).catch(() => {});
  const samples: number[] = [];
  do {
    const start = performance.now();
    const answered = await Promise.race([sample().then(() => true), sleep(giveUpMs).then(() => false)]);
    samples.push(answered ? Math.round(performance.now() - start) : giveUpMs);
    if (!done) await sleep(pauseMs);
  } while (!done);
  await during;
  return { samples, max: Math.max(...samples) };
}

/** Waits until `sample` is answered within `withinMs` again (a stalled server drained its backlog). */
export async function servedAgain(sample: () => Promise<unknown>, withinMs: number, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const start = performance.now();
    const answered = await Promise.race([sample().then(() => true), sleep(timeoutMs).then(() => false)]);
    if (answered && performance.now() - start < withinMs) return;
    await sleep(500);
  }
  throw new Error(`not served within ${withinMs} ms again after ${timeoutMs} ms`);
}

/** An ordinary visitor's page: the door over HTTP, and a ping over the live connection. */
export function ordinaryVisitor(browser: TestClient, doorPath: string) {
  return {
    async page() {
      const response = await browser.get(doorPath);
      if (response.status !== 200) throw new Error(`door answered ${response.status}`);
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the answer to a raw upgrade; resolves with its status code (101 when upgraded). */
export function upgradeAnswer(socket: net.Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      if (rest.length > 0) socket.unshift(rest);
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('closed before answering the upgrade')));
  });
}

/** A client-to-server WebSocket frame (masked, as clients must), built by hand so it can be wrong. */
export function clientFrame(opcode: number, payload: Buffer, options: { masked?: boolean } = {}): Buffer {
  const masked = options.masked ?? true;
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | length])
      : length < 65_536
        ? Buffer.concat([Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | 126]), u16(length)])
        : Buffer.concat([Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | 127]), u64(length)]);
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, body]);
}

function u16(n: number) {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u64(n: number) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Resolves when the server closes the TCP connection (true), or false after `ms`. */
export function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
