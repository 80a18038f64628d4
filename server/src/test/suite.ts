import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Db } from '../db/client.js';
import { makeBookingOffice } from './booking-factories.js';
import { TestClient } from './client.js';
import { settableClock } from './clock.js';
import { createTestDatabase, type DatabaseKind } from './databases.js';
import { startTestServer, type TestServer } from './server.js';

export interface SuiteServer {
  /** The running server (from the suite's `beforeAll` on). */
  readonly server: TestServer;
  db(): Db;
  /** A fresh browser stand-in from an address of its own, so per-address limits stay out of the way. */
  client(): TestClient;
}

/**
 * The usual integration suite: a test server over a fresh `kind` database, started before the
 * suite's tests and stopped after them (registers `beforeAll`/`afterAll`: call it inside
 * `describe`). The server trusts X-Forwarded-For, which is how each client gets its own address.
 */
export function useTestServer(
  kind: DatabaseKind,
  options: { now?: () => Date; env?: Record<string, string> } = {},
): SuiteServer {
  let running: TestServer | null = null;
  let address = 0;
  beforeAll(async () => {
    running = await startTestServer(await createTestDatabase(kind), {
      now: options.now,
      env: { TRUST_PROXY: '1', ...options.env },
    });
  });
  afterAll(() => running?.stop());

  const suite: SuiteServer = {
    get server() {
      if (!running) throw new Error('the test server runs from the suite’s beforeAll on');
      return running;
    },
    db: () => suite.server.database.db,
    client: () => {
      const n = ++address;
      return new TestClient(suite.server.url, { 'x-forwarded-for': `10.${n >> 16}.${(n >> 8) & 255}.${n & 255}` });
    },
  };
  return suite;
}

/**
 * The booking suites: a test server whose clock stands at `start` (back there before each test;
 * `clock.set` moves it), and `office()`, a fresh booking office with its API paths.
 */
export function useBookingServer(kind: DatabaseKind, start: Date) {
  const clock = settableClock(start);
  const suite = useTestServer(kind, { now: clock.now });
  beforeEach(() => clock.reset());
  const office = (options: Parameters<typeof makeBookingOffice>[1] = {}) => makeBookingOffice(suite.db(), options);
  return { suite, clock, client: suite.client, db: suite.db, office };
}
