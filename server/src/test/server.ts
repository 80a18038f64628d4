import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig, type Config } from '../config.js';
import { openDatabase } from '../db/client.js';
import type { JobIntervals } from '../jobs/jobs.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { startServer, type RunningServer } from '../server.js';
import type { TestDatabase } from './databases.js';

/** The public origin test servers believe they have; test clients send it as their Origin. */
export const TEST_ORIGIN = 'http://amtsraum.test';

/** A test config: what main.ts would parse, with overrides. */
export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    PUBLIC_BASE_URL: TEST_ORIGIN,
    // The tests' OpenID provider (test/oidc-provider.ts) listens on 127.0.0.1 over http.
    OIDC_ALLOW_INTERNAL_PROVIDERS: 'true',
    // Files a test server writes (the e-mail outbox) go to a scratch folder, not the working copy's ./data.
    DATA_DIR: path.join(os.tmpdir(), `amtsraum-test-${String(process.pid)}`),
    ...env,
  });
}

/** A production-configured logger whose lines the test can read. */
export function captureLogger(level = 'info'): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger(level, sink), text: () => chunks.join('') };
}

export interface TestServer extends RunningServer {
  database: TestDatabase;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  now?: () => Date;
  logger?: Logger;
  webDistDir?: string | null;
  jobs?: JobIntervals;
  requestTimeoutMs?: number;
  idleTimeoutMs?: number;
  foregroundWaitMs?: number;
}

/** Starts the real HTTP server on a free port over the given test database. */
export async function startTestServer(database: TestDatabase, options: TestServerOptions = {}): Promise<TestServer> {
  const running = await startServer(testConfig(options.env), options.logger ?? createLogger('silent'), {
    database,
    now: options.now,
    webDistDir: options.webDistDir ?? null,
    requestTimeoutMs: options.requestTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
    foregroundWaitMs: options.foregroundWaitMs,
    // Test clocks jump by hours; a door left to the attendance job would turn unattended under a
    // test's feet, and every jump would turn doors by the clock. Tests of these run the rounds themselves.
    jobs: { attendanceMs: null, doorTurnsMs: null, ...options.jobs },
  });
  return Object.assign(running, { database });
}

/**
 * Process B of a test across processes: on PostgreSQL a second server with its own pool and its
 * own listener on A's database. PGlite is one process by design: there B is A itself, and the
 * events still go through its bus. Stop B only when it is not A.
 */
export async function startSecondServer(a: TestServer, options: TestServerOptions = {}): Promise<TestServer> {
  if (a.database.kind !== 'postgres') return a;
  const second = await openDatabase({ kind: 'postgres', url: a.database.url!, maxConnections: 3 });
  return startTestServer(Object.assign(second, { url: a.database.url }), options);
}
