import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMS_PER_DEVICE } from '../features/devices/display-streams.js';
import type { TestClient } from '../test/client.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { displayStreamRequest, openDisplayStream, pairedDisplay } from '../test/display-stream.js';
import { captureLogger, startTestServer, type TestServer } from '../test/server.js';

// A display's stream that drops while its device is still being looked up (a flaky network,
// EventSource reconnecting) reached the stream's opening after its request had closed: the
// request's 'close' had come and gone, so the stream kept its place for good. After three such
// drops the display was refused its stream (429) until the process restarted.

/** Polls `check` until it holds (the test's timeout bounds the wait). */
async function until(check: () => boolean) {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

const isDeviceLookup = (query: string) => /from "devices"/i.test(query) && /"token_hash" =/i.test(query);

describe.each(databaseKinds)('a call display whose stream drops while it is looked up, on %s', (kind) => {
  const statements: string[] = [];
  const log = captureLogger('debug');
  let server: TestServer;

  beforeAll(async () => {
    const database = await createTestDatabase(kind, { onQuery: (query) => statements.push(query) });
    server = await startTestServer(database, { logger: log.logger, env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => server?.stop());

  const aborted = () => log.text().split('request aborted').length - 1;

  /** A stream request that the display drops while the devices table is locked under its lookup. */
  async function droppedWhileLookedUp(display: TestClient) {
    await server.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table devices in access exclusive mode`);
      const [asked, abortedBefore] = [statements.length, aborted()];
      const abort = new AbortController();
      const request = displayStreamRequest(display, '10.203.0.1', abort.signal).catch(() => undefined);
      await until(() => statements.slice(asked).some(isDeviceLookup));
      abort.abort();
      // The server has seen the request close before its lookup goes on.
      await until(() => aborted() > abortedBefore);
      await request;
    });
  }

  it('keeps no place for a dropped stream: the display still gets one after more drops than it may hold', async () => {
    const { display } = await pairedDisplay(server, { address: '10.203.0.1' });

    for (let i = 0; i < STREAMS_PER_DEVICE; i++) await droppedWhileLookedUp(display);

    const stream = await openDisplayStream(display, '10.203.0.1');
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    stream.close();
  });
});
