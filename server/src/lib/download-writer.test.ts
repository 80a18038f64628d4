import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadWriter } from './download-writer.js';

// A long download (the audit log's CSV) written in chunks: a reader that hangs up while the socket
// is full must end the writing, not leave it waiting for a `drain` that never comes.

const CHUNK = 'x'.repeat(64 * 1024);
let server: http.Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const CHUNKS = 1_000; // 64 MB: far more than the sockets hold, so the writer must wait for the reader

interface Served {
  port: number;
  /** The socket is full: the writer waits for the reader. */
  full: Promise<void>;
  written: Promise<{ chunks: number; ended: boolean }>;
}

/** A server whose one answer writes chunks until the writer says stop. */
function serveUntilStopped(): Promise<Served> {
  let report!: (result: { chunks: number; ended: boolean }) => void;
  const written = new Promise<{ chunks: number; ended: boolean }>((resolve) => (report = resolve));
  let filled!: () => void;
  const full = new Promise<void>((resolve) => (filled = resolve));
  server = http.createServer((_req, res) => {
    const write = downloadWriter(res);
    void (async () => {
      let chunks = 0;
      while (chunks < CHUNKS) {
        const going = write(CHUNK);
        if (res.writableNeedDrain) filled();
        if (!(await going)) return report({ chunks, ended: false });
        chunks++;
      }
      report({ chunks, ended: true });
    })();
  });
  return new Promise((resolve) =>
    server!.listen(0, '127.0.0.1', () => resolve({ port: (server!.address() as AddressInfo).port, full, written })),
  );
}

describe('a download written in chunks', () => {
  it('stops once the reader hangs up while the socket is full', async () => {
    const { port, full, written } = await serveUntilStopped();
    // Never reads: the server's socket fills up and its writer waits; then the reader hangs up.
    const socket = net.connect(port, '127.0.0.1');
    socket.pause();
    socket.write('GET /audit.csv HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await full;
    socket.destroy();
    const result = await written;
    expect(result.ended).toBe(false);
    expect(result.chunks).toBeLessThan(CHUNKS);
  });

  it('writes everything to a reader who reads it all', async () => {
    const { port, written } = await serveUntilStopped();
    let bytes = 0;
    const socket = net.connect(port, '127.0.0.1');
    socket.on('data', (data: Buffer) => (bytes += data.length));
    socket.write('GET /audit.csv HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const result = await written;
    socket.destroy();
    expect(result).toEqual({ chunks: CHUNKS, ended: true });
    expect(bytes).toBeGreaterThan(0);
  });
});
