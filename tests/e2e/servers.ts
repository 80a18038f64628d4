import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { planLivekitServer, type LivekitServer } from '../livekit/livekit-server';

/**
 * App servers the specs start themselves, beside the one of playwright.config.ts (peer-to-peer,
 * embedded database): the app with LiveKit for the `livekit` project, and two processes on one
 * PostgreSQL for the calls across processes. Each runs the built server (`npm run build`) with the
 * demo data, as the configured one does, on a free port.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'server/dist/main.js');
const SETUP = path.join(ROOT, 'server/dist/cli/setup.js');
/** The booking specs' installation (Gemeinde Testhausen), as playwright.config.ts's server has it. */
export const E2E_INSTALLATION = path.join(ROOT, 'tests/e2e/installation.e2e.json');
/** Matches SEED_DEMO_PASSWORD in playwright.config.ts (support.ts signs in with it). */
const DEMO_PASSWORD = 'demo-passwort-e2e';

export type Transport = 'p2p' | 'livekit';

export interface AppServer {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A run whose clock is moved (`faketime -f +Ns npx playwright test …`, to walk the specs at 23:50
 * in Berlin: tests/e2e/berlin-day.ts) moves the apps' clock with it: libfaketime's settings pass
 * on to them. Empty otherwise.
 */
export const MOVED_CLOCK: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] => /^(FAKETIME.*|LD_PRELOAD)$/.test(entry[0]) && entry[1] !== undefined,
  ),
);

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface AppOptions {
  /**
   * How far the app's clock runs ahead of the machine's, in milliseconds (tests/e2e/moved-clock.mjs;
   * 0 too runs the app on that clock). Absent: the machine's clock.
   */
  clockAheadMs?: number;
  /** An installation file the setup CLI applies to the fresh data folder before the app starts. */
  installation?: string;
}

/**
 * What runs a Node process of the server on a clock `clockAheadMs` ahead of the machine's
 * (tests/e2e/moved-clock.mjs): its arguments before the script, and its environment. Nothing when
 * absent.
 */
export function movedClockOf(clockAheadMs?: number): { args: string[]; env: Record<string, string> } {
  if (clockAheadMs === undefined) return { args: [], env: {} };
  return {
    args: ['--import', pathToFileURL(path.join(ROOT, 'tests/e2e/moved-clock.mjs')).href],
    env: { AMTSRAUM_E2E_CLOCK_AHEAD_MS: String(clockAheadMs) },
  };
}

/** Runs a Node script of the server to its end with the app's settings; fails with its output. */
async function runToEnd(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${args.join(' ')} exited (${String(code)}):\n${output}`);
}

/** One app process; `env` adds to (or overrides) the settings of playwright.config.ts's server. */
export async function startApp(env: Record<string, string>, options: AppOptions = {}): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-e2e-app-'));
  const movedClock = movedClockOf(options.clockAheadMs);
  const settings: NodeJS.ProcessEnv = {
    ...MOVED_CLOCK,
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: url,
    DATA_DIR: dataDir,
    SEED_DEMO: 'true',
    SEED_DEMO_PASSWORD: DEMO_PASSWORD,
    TRUST_PROXY: '1',
    NODE_ENV: 'test',
    // The tests' OpenID provider listens on 127.0.0.1 over http.
    OIDC_ALLOW_INTERNAL_PROVIDERS: 'true',
    LOG_LEVEL: process.env.E2E_APP_LOG_LEVEL ?? 'warn',
    ...movedClock.env,
    ...env,
  };
  if (options.installation) {
    await runToEnd([...movedClock.args, SETUP, options.installation], settings).catch((error: unknown) => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw error;
    });
  }
  const child = spawn(process.execPath, [...movedClock.args, MAIN], {
    cwd: ROOT,
    env: settings,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  // E2E_APP_LOG=<folder>: each app's log in a file there, for a failure's story.
  const logFile = process.env.E2E_APP_LOG ? path.join(process.env.E2E_APP_LOG, `app-${String(port)}.log`) : null;
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    if (logFile) fs.appendFileSync(logFile, chunk);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    running.delete(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // As long as playwright.config.ts gives its own server: a fresh data folder's migrations, demo
  // seed and password hashes can take a minute on two busy cores.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app server exited (${String(child.exitCode)}):\n${output}`);
    const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app server did not answer on ${url}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A LiveKit server of the pinned version (tests/livekit) on free ports: its address and keys
 * first, for the app's environment; started once the app's address is known, for its webhooks.
 */
async function planLivekit() {
  const planned = await planLivekitServer();
  return {
    env: { MEDIA_MODE: 'livekit', ...planned.env },
    start: (appUrl: string) => planned.start({ webhookUrls: [`${appUrl}/api/media/livekit/webhook`] }),
  };
}

export interface LivekitApp extends AppServer {
  livekit: LivekitServer;
  /** Starts LiveKit again on the same ports after a test stopped it. */
  restartLivekit(): Promise<void>;
}

/** The app with LiveKit, for the `livekit` project. */
export async function startLivekitApp(): Promise<LivekitApp> {
  const plan = await planLivekit();
  const app = await startApp(plan.env);
  const result: LivekitApp = {
    url: app.url,
    livekit: await plan.start(app.url),
    async restartLivekit() {
      result.livekit = await plan.start(app.url);
    },
    async stop() {
      await result.livekit.stop();
      await app.stop();
      if (process.env.E2E_APP_LOG) {
        const lines = result.livekit.logs().map((entry) => JSON.stringify(entry));
        fs.writeFileSync(
          path.join(process.env.E2E_APP_LOG, `livekit-${String(result.livekit.ports.http)}.log`),
          lines.join('\n'),
        );
      }
    },
  };
  return result;
}

/** The PostgreSQL of the run (CI sets TEST_DATABASE_URL), or null: calls across processes need it. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || null;

/** A fresh database on the run's PostgreSQL: its address, and how to drop it. */
async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `amtsraum_t_e2e_${Math.random().toString(16).slice(2, 10)}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const drop = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        await drop.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await drop.end();
      }
    },
  };
}

/**
 * Two app processes on one fresh PostgreSQL database, as behind a load balancer, with the given
 * transport: for LiveKit, a LiveKit server of their own whose webhooks go to the first.
 */
export async function startTwoProcesses(
  transport: Transport,
): Promise<{ a: AppServer; b: AppServer; stop(): Promise<void> }> {
  const database = await freshDatabase();
  const plan = transport === 'livekit' ? await planLivekit() : null;
  const env = { DATABASE_URL: database.url, ...(plan?.env ?? { MEDIA_MODE: 'p2p' }) };
  // Started together, as a town hall's processes do: the demo is seeded exactly once.
  const [first, second] = await Promise.all([startApp(env), startApp(env)]);
  const livekit = await plan?.start(first.url);
  return {
    a: first,
    b: second,
    async stop() {
      await livekit?.stop();
      await Promise.all([first.stop(), second.stop()]);
      await database.drop();
    },
  };
}

/**
 * One app process (peer-to-peer, the demo data) on a fresh PostgreSQL database, with a connection
 * to that database: for what no request can make, such as an appointment whose start has passed
 * (the app's clock is the machine's). The spec changes rows only as the app itself would have.
 */
export async function startAppWithDatabase(): Promise<AppServer & { sql: postgres.Sql }> {
  const database = await freshDatabase();
  const app = await startApp({ DATABASE_URL: database.url, MEDIA_MODE: 'p2p' });
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  return {
    url: app.url,
    sql,
    async stop() {
      await sql.end();
      await app.stop();
      await database.drop();
    },
  };
}
