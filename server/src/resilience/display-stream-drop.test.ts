import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../features/devices/devices.repo.js';
import { STREAMS_PER_DEVICE } from '../features/devices/display-streams.js';
import { TestClient } from '../test/client.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeDepartment, makeStaff, makeTenant } from '../test/factories.js';
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

  const streamUrl = () => `${server.url}/api/devices/display/calls/stream`;
  const aborted = () => log.text().split('request aborted').length - 1;

  /** A stream request that the display drops while the devices table is locked under its lookup. */
  async function droppedWhileLookedUp(display: TestClient) {
    await server.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table devices in access exclusive mode`);
      const [asked, abortedBefore] = [statements.length, aborted()];
      const abort = new AbortController();
      const request = fetch(streamUrl(), {
        headers: { cookie: display.cookieHeader(), 'x-forwarded-for': '10.203.0.1' },
        signal: abort.signal,
      }).catch(() => undefined);
      await until(() => statements.slice(asked).some(isDeviceLookup));
      abort.abort();
      // The server has seen the request close before its lookup goes on.
      await until(() => aborted() > abortedBefore);
      await request;
    });
  }

  it('keeps no place for a dropped stream: the display still gets one after more drops than it may hold', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id);
    const admin = await makeStaff(db, tenant.id, { memberships: [{ departmentId: department.id, role: 'admin' }] });
    const made = await createDevice(db, {
      tenantId: tenant.id,
      departmentId: department.id,
      kind: 'display',
      label: 'Wartebereich',
      createdBy: admin.id,
      now: new Date(),
    });
    const display = new TestClient(server.url, { 'x-forwarded-for': '10.203.0.1' });
    expect((await display.post('/api/devices/pair', { code: made.pairingCode })).status).toBe(200);

    for (let i = 0; i < STREAMS_PER_DEVICE; i++) await droppedWhileLookedUp(display);

    const abort = new AbortController();
    const response = await fetch(streamUrl(), {
      headers: { cookie: display.cookieHeader(), 'x-forwarded-for': '10.203.0.1' },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    abort.abort();
  });
});
