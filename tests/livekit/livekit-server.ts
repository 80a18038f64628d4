import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * A real LiveKit server on this machine, for `npm run livekit` and for tests (issue 12): the
 * version pinned by docker-compose.yml, built once from its Go module into a cache folder, run
 * with production's infra/livekit.yaml plus the one-machine settings of infra/livekit.local.yaml.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
export const PRODUCTION_CONFIG = path.join(ROOT, 'infra/livekit.yaml');
export const LOCAL_CONFIG = path.join(ROOT, 'infra/livekit.local.yaml');
const GO_PACKAGE = 'github.com/livekit/livekit-server/cmd/server';

/**
 * The one pin: the image tag of the livekit service in docker-compose.yml. Development and tests
 * build the Go module of the same tag, so they run what production runs.
 */
export function livekitVersion(): string {
  const compose = fs.readFileSync(COMPOSE_FILE, 'utf8');
  const match = /^\s*image:\s*['"]?livekit\/livekit-server:(v\d+\.\d+\.\d+)['"]?\s*$/m.exec(compose);
  if (!match?.[1]) {
    throw new Error(
      `${COMPOSE_FILE}: no "image: livekit/livekit-server:vX.Y.Z" line; the LiveKit version is pinned there`,
    );
  }
  return match[1];
}

/** Outside the repository, one folder per version: a new pin builds anew, an old build stays unused. */
export function livekitBinary(version = livekitVersion()): string {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'amtsraum', `livekit-server-${version}`, 'server');
}

export function missingBinaryMessage(version = livekitVersion()): string {
  return (
    `LiveKit server ${version} is not built on this machine (expected ${livekitBinary(version)}).\n` +
    'Build it once with `npm run livekit:build` (needs Go; takes a few minutes). `npm test` does this by itself.'
  );
}

/** The binary of the pinned version; throws with the way to build it when it is missing. */
export function requireLivekitBinary(): string {
  const binary = livekitBinary();
  if (!fs.existsSync(binary)) throw new Error(missingBinaryMessage());
  return binary;
}

/**
 * Builds the pinned server with `go install` unless it is there. The build goes to a scratch
 * folder first and is moved into place whole, so a build that is cut short never counts as one.
 */
export function buildLivekitServer(log: (line: string) => void = () => {}): { binary: string; built: boolean } {
  const version = livekitVersion();
  const binary = livekitBinary(version);
  if (fs.existsSync(binary)) return { binary, built: false };

  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(
      `${missingBinaryMessage(version)}\nGo was not found. Install Go 1.26 (or any Go from 1.21 on, which ` +
        'fetches 1.26 through the Go module proxy), then run `npm run livekit:build`.',
    );
  }
  const folder = path.dirname(binary);
  fs.mkdirSync(path.dirname(folder), { recursive: true });
  const scratch = fs.mkdtempSync(`${folder}.building-`);
  try {
    log(`Building LiveKit server ${version} with ${go.stdout.trim()} (a few minutes, once per version) ...`);
    const build = spawnSync('go', ['install', `${GO_PACKAGE}@${version}`], {
      // GOTOOLCHAIN=auto unless chosen otherwise: an older Go (Debian's sets "local") then fetches
      // the Go the module needs through the module proxy instead of failing.
      env: { ...process.env, GOBIN: scratch, GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'auto' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (build.status !== 0)
      throw new Error(`go install ${GO_PACKAGE}@${version} failed (exit ${String(build.status)})`);
    const reported = spawnSync(path.join(scratch, 'server'), ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (!reported.endsWith(version.replace(/^v/, ''))) {
      throw new Error(`the built server reports "${reported}", expected ${version}`);
    }
    fs.chmodSync(scratch, 0o755); // made private by mkdtemp; the cache is the user's own
    try {
      fs.renameSync(scratch, folder);
    } catch (error) {
      // Another build (a second worktree, a parallel run) finished first: theirs is as good.
      if (!fs.existsSync(binary)) throw error;
    }
    log(`LiveKit server ${version}: ${binary}`);
    return { binary, built: true };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

type ConfigTree = Record<string, unknown>;

const isTree = (value: unknown): value is ConfigTree =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep merge of LiveKit configs: later layers win, lists are replaced, null removes a key. */
export function mergeConfig(...layers: ConfigTree[]): ConfigTree {
  const result: ConfigTree = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === null) delete result[key];
      else if (isTree(value) && isTree(result[key])) result[key] = mergeConfig(result[key], value);
      else result[key] = isTree(value) ? mergeConfig(value) : value;
    }
  }
  return result;
}

export function readConfig(file: string): ConfigTree {
  const tree: unknown = parse(fs.readFileSync(file, 'utf8'));
  if (!isTree(tree)) throw new Error(`${file}: expected a YAML mapping`);
  return tree;
}

/** Production's config with the one-machine settings over it: what `npm run livekit` runs. */
export function localConfig(): ConfigTree {
  return mergeConfig(readConfig(PRODUCTION_CONFIG), readConfig(LOCAL_CONFIG));
}

export interface LivekitKeys {
  apiKey: string;
  apiSecret: string;
}

export interface LivekitPorts {
  /** HTTP API and WebSocket signalling. */
  http: number;
  /** ICE over TCP. */
  rtcTcp: number;
  /** All UDP media through one port (instead of production's range). */
  rtcUdp: number;
}

async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Ports nobody listens on right now (the kernel's pick), so runs side by side do not collide. */
export async function freeLivekitPorts(): Promise<LivekitPorts> {
  const ports = { http: await freeTcpPort(), rtcTcp: await freeTcpPort(), rtcUdp: await freeUdpPort() };
  return ports.http === ports.rtcTcp ? freeLivekitPorts() : ports;
}

/** The config a test server runs: production's, the one-machine settings, then the test's own. */
export function testConfig(options: { ports: LivekitPorts; keys: LivekitKeys; webhookUrls: string[] }): ConfigTree {
  return mergeConfig(localConfig(), {
    port: options.ports.http,
    rtc: {
      tcp_port: options.ports.rtcTcp,
      udp_port: options.ports.rtcUdp,
      port_range_start: null,
      port_range_end: null,
    },
    keys: { [options.keys.apiKey]: options.keys.apiSecret },
    webhook: { api_key: options.keys.apiKey, urls: options.webhookUrls },
    // One JSON object per line: tests read what the server decided (e.g. a refused publication).
    logging: { level: 'info', json: true },
  });
}

export type LogEntry = Record<string, unknown> & { msg?: string };

export interface LivekitServer extends LivekitKeys {
  version: string;
  ports: LivekitPorts;
  /** ws:// URL clients connect to. */
  url: string;
  /** http:// URL of the RoomService API. */
  apiUrl: string;
  /** Settings for an Amtsraum server that uses this LiveKit. */
  env: Record<'LIVEKIT_URL' | 'LIVEKIT_API_URL' | 'LIVEKIT_API_KEY' | 'LIVEKIT_API_SECRET', string>;
  /** The server's log lines so far, parsed. */
  logs(): LogEntry[];
  /** The first log line (past or coming) that matches. */
  waitForLog(match: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  stop(): Promise<void>;
}

export interface PlannedLivekitServer {
  keys: LivekitKeys;
  ports: LivekitPorts;
  env: LivekitServer['env'];
  /** Starts it, sending webhooks to these URLs (the app under test, a recorder, ...). */
  start(options: { webhookUrls: string[] }): Promise<LivekitServer>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Ports and keys first, the server later: the app under test needs LiveKit's URL to start, and
 * LiveKit needs the app's URL for its webhooks.
 */
export async function planLivekitServer(keys?: LivekitKeys): Promise<PlannedLivekitServer> {
  const ports = await freeLivekitPorts();
  const chosen = keys ?? { apiKey: 'amtsraum-test', apiSecret: randomBytes(24).toString('hex') };
  const url = `ws://127.0.0.1:${String(ports.http)}`;
  const apiUrl = `http://127.0.0.1:${String(ports.http)}`;
  const env = {
    LIVEKIT_URL: url,
    LIVEKIT_API_URL: apiUrl,
    LIVEKIT_API_KEY: chosen.apiKey,
    LIVEKIT_API_SECRET: chosen.apiSecret,
  };
  return {
    keys: chosen,
    ports,
    env,
    start: ({ webhookUrls }) => runLivekitServer({ ports, keys: chosen, url, apiUrl, env, webhookUrls }),
  };
}

/** Plans and starts in one step, for tests that need no app of their own. */
export async function startLivekitServer(options: { webhookUrls?: string[] } = {}): Promise<LivekitServer> {
  return (await planLivekitServer()).start({ webhookUrls: options.webhookUrls ?? [] });
}

async function runLivekitServer(options: {
  ports: LivekitPorts;
  keys: LivekitKeys;
  url: string;
  apiUrl: string;
  env: LivekitServer['env'];
  webhookUrls: string[];
}): Promise<LivekitServer> {
  const binary = requireLivekitBinary();
  const version = livekitVersion();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-livekit-'));
  const configFile = path.join(folder, 'livekit.json');
  // JSON is YAML, so LiveKit reads it as its config; it may hold the secret, so only we read it.
  fs.writeFileSync(configFile, JSON.stringify(testConfig(options)), { mode: 0o600 });

  const child = spawn(binary, ['--config', configFile], {
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const entries: LogEntry[] = [];
  let raw = '';
  let waiters: { match: (entry: LogEntry) => boolean; resolve: (entry: LogEntry) => void }[] = [];
  let pending = '';
  const take = (chunk: Buffer) => {
    raw += chunk.toString('utf8');
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      let entry: LogEntry;
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch {
        entry = { msg: line };
      }
      entries.push(entry);
      waiters = waiters.filter((waiter) => {
        if (!waiter.match(entry)) return true;
        waiter.resolve(entry);
        return false;
      });
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => {
    running.delete(child);
    fs.rmSync(folder, { recursive: true, force: true });
  });
  const tail = () => raw.split('\n').slice(-15).join('\n');

  // "/" answers 200 once the node accepts rooms.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`LiveKit server exited (${String(child.exitCode)}):\n${tail()}`);
    const ok = await fetch(`${options.apiUrl}/`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`LiveKit server did not become ready on ${options.apiUrl}:\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    version,
    ports: options.ports,
    url: options.url,
    apiUrl: options.apiUrl,
    apiKey: options.keys.apiKey,
    apiSecret: options.keys.apiSecret,
    env: options.env,
    logs: () => [...entries],
    waitForLog(match, timeoutMs = 15_000) {
      const seen = entries.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<LogEntry>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter.resolve !== done);
          reject(new Error(`no matching LiveKit log line within ${String(timeoutMs)} ms:\n${tail()}`));
        }, timeoutMs);
        const done = (entry: LogEntry) => {
          clearTimeout(timer);
          resolve(entry);
        };
        waiters.push({ match, resolve: done });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      // LiveKit drains its rooms on the first SIGTERM; tests do not wait for that.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
