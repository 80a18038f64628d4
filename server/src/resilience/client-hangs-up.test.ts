import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { captureLogger, startTestServer, type TestServer } from '../test/server.js';

// A browser that leaves a page while its scripts load (a click on, a tab closed) hangs up on the
// assets it asked for. That is no fault of the server: the log said "unexpected error" (level 50,
// with a stack: "Request aborted", ECONNABORTED) for each, and a problem was written after it.

/** Polls `check` until it holds (the test's timeout bounds the wait). */
async function until(check: () => boolean) {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Asks for `target` on a connection of its own and hangs up at once, before any answer. */
function askAndHangUp(url: string, target: string) {
  const { hostname, port } = new URL(url);
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept-Encoding: br, gzip\r\n\r\n`, () => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', reject);
  });
}

const SCRIPT = `export const words = ${JSON.stringify('Bürgeramt '.repeat(50_000))};`;

type LogLine = { level: number; msg: string; err?: { stack?: string } };

describe.each(databaseKinds)('a browser that hangs up on an asset, on %s', (kind) => {
  let server: TestServer;
  let webDir: string;
  const log = captureLogger('debug');
  const lines = () =>
    log
      .text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);

  beforeAll(async () => {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-web-'));
    fs.mkdirSync(path.join(webDir, 'assets'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Amtsraum</title><div id="root"></div>');
    fs.writeFileSync(path.join(webDir, 'assets', 'core-1234.js'), SCRIPT);
    fs.writeFileSync(path.join(webDir, 'assets', 'core-1234.js.br'), brotliCompressSync(SCRIPT));
    server = await startTestServer(await createTestDatabase(kind), { logger: log.logger, webDistDir: webDir });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it('logs no error and sends nothing after, and goes on serving', async () => {
    const tries = 20;
    const aborted = () => lines().filter((line) => line.msg === 'request aborted').length;
    for (let i = 0; i < tries; i++) await askAndHangUp(server.url, '/assets/core-1234.js');
    await until(() => aborted() >= tries);
    const written = lines();
    expect(written.filter((line) => line.level >= 40).map((line) => line.msg)).toEqual([]);
    expect(log.text()).not.toContain('unexpected error');
    // Said, for whoever looks, as what it is: at debug level, without a stack.
    const hungUp = written.filter((line) => line.msg === 'client hung up before the answer');
    expect(hungUp.length).toBeGreaterThan(0);
    expect(hungUp.filter((line) => line.level > 20 || line.err)).toEqual([]);
    expect(written.filter((line) => line.err?.stack).map((line) => line.msg)).toEqual([]);
    // Nothing was answered to a connection that is gone ("Cannot set headers", write after end).
    expect(log.text()).not.toMatch(/ERR_HTTP_HEADERS_SENT|ERR_STREAM_WRITE_AFTER_END|write after end/);

    const after = await fetch(`${server.url}/assets/core-1234.js`);
    expect([after.status, await after.text()]).toEqual([200, SCRIPT]);
  });
});
