import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawUpgrade, sleep } from '../test/abuse.js';
import { TestClient } from '../test/client.js';
import { createTestDatabase, databaseKinds, databasePlace, type DatabasePlace } from '../test/databases.js';
import { killServers, spawnServer, type ServerProcess } from '../test/processes.js';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../test/server.js';

/**
 * Issue 11, item 1: a WebSocket upgrade with an allowed Origin and any 43-character session
 * cookie, reset by the client (TCP RST) while the session lookup still waits on a slow database,
 * must not end the process. The database is made slow on purpose: the sessions table is locked.
 */
const upgradeHeaders = () => ({
  Origin: TEST_ORIGIN,
  Cookie: `amtsraum_session=${randomBytes(32).toString('base64url')}`,
});

async function resetDuringUpgrade(url: string, times: number) {
  for (let i = 0; i < times; i++) {
    // A refused connection means the server is gone; the assertions after say so.
    const socket = await rawUpgrade(url, upgradeHeaders()).catch(() => null);
    if (!socket) return;
    await sleep(200); // the server now waits for the session lookup
    socket.resetAndDestroy();
  }
}

async function stillServes(url: string) {
  expect((await fetch(`${url}/api/health`)).status).toBe(200);
  const live = await new TestClient(url).live();
  const pong = live.next('pong');
  live.send({ type: 'ping' });
  await pong;
  live.close();
}

describe.runIf(databaseKinds.includes('postgres'))('a reset during the upgrade, with a slow PostgreSQL', () => {
  let place: DatabasePlace;
  let app: ServerProcess;
  let url: string;

  beforeAll(async () => {
    place = await databasePlace('postgres');
    await (await place.open()).close(); // migrated, so the lock below has a table to take
    app = spawnServer({ ...place.env, PUBLIC_BASE_URL: TEST_ORIGIN, SEED_DEMO: 'false' });
    url = await app.url();
  }, 90_000);
  afterAll(async () => {
    await killServers();
    await place.drop();
  });

  it('keeps the app process running', async () => {
    const locker = postgres(place.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const locked = new Promise<void>((resolve) => {
      void locker.begin(async (tx) => {
        await tx`lock table staff_sessions in access exclusive mode`;
        resolve();
        await held;
      });
    });
    await locked;
    try {
      await resetDuringUpgrade(url, 5);
    } finally {
      release();
      await locker.end();
    }
    await sleep(1_000);
    expect([app.process.exitCode, app.stderr().match(/ECONNRESET[^\n]*/)?.[0] ?? null]).toEqual([null, null]);
    await stillServes(url);
  }, 60_000);
});

describe.runIf(databaseKinds.includes('pglite'))('a reset during the upgrade, with a busy PGlite', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'));
  });
  afterAll(() => server.stop());

  // PGlite runs one transaction at a time: a transaction held open stalls every other query.
  // The server runs in this process here, so a crash would surface as an uncaught error.
  it('keeps the server running', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockedNow = new Promise<void>((resolve) => (locked = resolve));
    const transaction = server.database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1 from staff_sessions limit 1`);
      locked();
      await held;
    });
    await lockedNow;
    try {
      await resetDuringUpgrade(server.url, 5);
    } finally {
      release();
      await transaction;
    }
    await sleep(1_000);
    await stillServes(server.url);
  }, 60_000);
});
