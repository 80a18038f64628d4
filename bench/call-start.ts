/**
 * Admit → first remote frame (issue 14 item 1): real Chromium walks the way a citizen and a clerk
 * walk it, a number of times per transport, and prints p50/p90 with where the time goes.
 *
 *   npm run build && npm run bench:call -- [--transport p2p|livekit|both] [--rounds N] [--wait MS] [--json]
 *
 * Per transport one app server (in this process, PGlite in memory, the built web client), for
 * LiveKit also a real LiveKit server (tests/livekit/livekit-server.ts), and two ways through, the
 * rounds of both interleaved so that both see the same machine (the comparison in the same run):
 *   check     the way without preparing: once let in, the citizen follows the link to the call
 *             and passes the device check there; so does the clerk (how every call went before)
 *   prepared  citizen and clerk checked camera and microphone while waiting ("Kamera und Mikrofon
 *             jetzt prüfen" in the waiting room and in the console): the call opens by itself
 * One clerk per way signed in with the console open, and per round a new citizen: knocks, opens
 * the waiting room, waits `--wait` ms (as people do; the page may prepare meanwhile), then the
 * clerk clicks "hereinbitten" in the console. The stopwatch runs from that click to the first
 * frame of the clerk's camera at the citizen. Whatever a person would click on the way (a link to
 * the call, a device check's join button) an autopilot in the page clicks the moment it appears,
 * so the figure is the software's.
 *
 * Where the time goes, measured in the citizen's page by wrapping the browser's APIs (nothing in
 * the app knows it is measured), each the first event after the click:
 *   live        the click → the citizen's page hears it was let in (WebSocket message)
 *   page        → the call starts connecting (p2p: `call-join` sent; LiveKit: its socket opened),
 *                 less the time spent opening devices
 *   devices     getUserMedia calls after the click (camera and microphone opened late)
 *   signalling  → the first remote session description is applied
 *   ICE         → the peer connection is connected (the last one to connect, for LiveKit)
 *   first frame → a remote video has a size and its time runs
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { findWebDist } from '../server/src/app.js';
import { openDatabase } from '../server/src/db/client.js';
import { createLogger } from '../server/src/lib/logger.js';
import { startServer, type RunningServer } from '../server/src/server.js';
import { makeOffice, makeStaff } from '../server/src/test/factories.js';
import { testConfig } from '../server/src/test/server.js';
import { planLivekitServer, requireLivekitBinary, type LivekitServer } from '../tests/livekit/livekit-server.js';
import { helpRequested, integer, oneOf, percentile, usageError } from './common.js';

const { values: args } = parseArgs({
  options: {
    transport: { type: 'string', default: 'both' },
    flow: { type: 'string', default: 'both' },
    rounds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '1' },
    wait: { type: 'string', default: '3000' },
    web: { type: 'string' },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

helpRequested(
  args.help,
  'usage: npm run bench:call -- [--transport p2p|livekit|both] [--flow check|prepared|both] [--rounds N=10] [--warmup W=1] [--wait MS=3000]\n' +
    '                             [--web DIR] [--verbose] [--json]\n' +
    '(needs `npm run build` first; --web serves another build of the client, e.g. an older one to compare)',
);

const transports =
  oneOf('transport', args.transport, ['p2p', 'livekit', 'both'] as const) === 'both'
    ? (['p2p', 'livekit'] as const)
    : ([args.transport] as ['p2p' | 'livekit']);
const flows =
  oneOf('flow', args.flow, ['check', 'prepared', 'both'] as const) === 'both'
    ? (['check', 'prepared'] as const)
    : ([args.flow] as ['check' | 'prepared']);
type Flow = (typeof flows)[number];
const rounds = integer('rounds', args.rounds, 1, 200);
const warmup = integer('warmup', args.warmup, 0, 20);
const waitMs = integer('wait', args.wait, 0, 120_000);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags DESIGN.md names for calls in headless Chromium on one machine. */
const CHROMIUM_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--allow-loopback-in-peer-connection',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SEGMENTS = ['live', 'page', 'devices', 'signalling', 'ice', 'firstFrame'] as const;
type Segment = (typeof SEGMENTS)[number];
type Round = Record<Segment | 'total', number>;

/**
 * Runs in every page before the app: timestamps (epoch ms, the same clock in every page) of what
 * the browser does, and an autopilot that clicks the way into the call the moment it appears.
 */
function instrument(prepare: boolean) {
  const now = () => performance.timeOrigin + performance.now();
  const bench = {
    marks: {} as Record<string, number>,
    callStarts: [] as number[],
    gum: [] as [number, number][],
    remoteDescriptions: [] as number[],
    connected: [] as number[],
    clicks: [] as number[],
    deviceCheckShown: false,
  };
  (window as unknown as { __bench: typeof bench }).__bench = bench;
  const once = (name: string) => {
    bench.marks[name] ??= now();
  };

  const OriginalSocket = window.WebSocket;
  class WatchedSocket extends OriginalSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      if (String(url).includes('/rtc')) bench.callStarts.push(now());
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        try {
          const message = JSON.parse(event.data) as { type?: string; visit?: { state?: string } | null };
          if (message.type?.startsWith('call-')) once(`rx ${message.type}`);
          if (message.type === 'visit' && (message.visit?.state === 'admitted' || message.visit?.state === 'in_call')) {
            once('told');
          }
        } catch {
          // not ours
        }
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (typeof data === 'string' && data.includes('"call-join"')) bench.callStarts.push(now());
      if (typeof data === 'string' && data.includes('"call-signal"')) once('tx call-signal');
      super.send(data);
    }
  }
  window.WebSocket = WatchedSocket as typeof WebSocket;

  // The join request (`--verbose` shows when it left and was answered: most of LiveKit's "page").
  const originalFetch = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const join = /\/api\/calls\/[^/]+\/join/.test(url);
    if (join) once('join sent');
    try {
      return await originalFetch(input, init);
    } finally {
      if (join) once('join answered');
    }
  };

  const devices = navigator.mediaDevices;
  if (devices) {
    const getUserMedia = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints) => {
      const start = now();
      try {
        return await getUserMedia(constraints);
      } finally {
        bench.gum.push([start, now()]);
      }
    };
  }

  const OriginalPc = window.RTCPeerConnection;
  class WatchedPc extends OriginalPc {
    constructor(config?: RTCConfiguration) {
      super(config);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') bench.connected.push(now());
      });
    }
    override async setRemoteDescription(description: RTCSessionDescriptionInit) {
      await super.setRemoteDescription(description);
      bench.remoteDescriptions.push(now());
    }
  }
  window.RTCPeerConnection = WatchedPc as typeof RTCPeerConnection;

  const frameCheck = () => {
    const video = document.querySelector<HTMLVideoElement>(
      '[data-testid="tile"][data-self="false"] [data-testid="camera-video"]',
    );
    if (video && video.videoWidth > 0 && video.currentTime > 0) {
      once('frame');
      return;
    }
    requestAnimationFrame(frameCheck);
  };
  requestAnimationFrame(frameCheck);

  document.addEventListener(
    'click',
    (event) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest('button[aria-label$="hereinbitten"]')) bench.clicks.push(now());
    },
    true,
  );

  // The autopilot: a person's clicks on the way into the call, without a person's delay.
  let prepareClicked = false;
  const pilot = () => {
    if (document.querySelector('[data-testid="device-check"]')) bench.deviceCheckShown = true;
    const join = document.querySelector<HTMLElement>('[data-testid="join"]:not([aria-disabled="true"])');
    if (join) join.click();
    if (prepare) {
      // Switched on once per person (the choice is remembered): not switched off again.
      const start = document.querySelector<HTMLElement>('[data-testid="prepare-call"]');
      if (start && !prepareClicked && !document.querySelector('[data-testid="call-ready"]')) {
        prepareClicked = true;
        start.click();
      }
      return; // prepared: the call opens by itself, nobody follows a link
    }
    for (const link of document.querySelectorAll<HTMLAnchorElement>('a[href^="/call/"]')) {
      if (!link.dataset.benchClicked && /Zum Gespräch/.test(link.textContent ?? '')) {
        link.dataset.benchClicked = 'yes';
        link.click();
      }
    }
  };
  new MutationObserver(pilot).observe(document, { childList: true, subtree: true, attributes: true });
}

interface PageMarks {
  marks: Record<string, number>;
  callStarts: number[];
  gum: [number, number][];
  remoteDescriptions: number[];
  connected: number[];
  clicks: number[];
  deviceCheckShown: boolean;
}

const readMarks = (page: Page) => page.evaluate(() => (window as unknown as { __bench: PageMarks }).__bench);

/** Sum of the parts of [from, to] covered by the intervals. */
function covered(intervals: [number, number][], from: number, to: number): number {
  const clipped = intervals
    .map(([s, e]) => [Math.max(s, from), Math.min(e, to)] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of clipped) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total;
}

function segmentsOf(admit: number, citizen: PageMarks): Round {
  const after = (values: number[]) => values.filter((t) => t >= admit).sort((a, b) => a - b);
  const { marks } = citizen;
  const frame = marks.frame!;
  const told = marks.told ?? admit;
  const callStart = Math.max(told, after(citizen.callStarts)[0] ?? told);
  const description = after(citizen.remoteDescriptions)[0] ?? callStart;
  const connected = Math.max(description, ...after(citizen.connected).filter((t) => t <= frame));
  const devices = covered(citizen.gum, admit, callStart);
  return {
    live: told - admit,
    page: Math.max(0, callStart - told - devices),
    devices,
    signalling: Math.max(0, description - callStart),
    ice: Math.max(0, connected - description),
    firstFrame: Math.max(0, frame - connected),
    total: frame - admit,
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let addressCounter = 0;
async function newPerson(
  browser: Browser,
  baseURL: string,
  flow: Flow,
): Promise<{ context: BrowserContext; page: Page }> {
  addressCounter += 1;
  const context = await browser.newContext({
    baseURL,
    locale: 'de-DE',
    extraHTTPHeaders: {
      'X-Forwarded-For': `10.77.${String(Math.floor(addressCounter / 250))}.${String((addressCounter % 250) + 1)}`,
    },
  });
  // As source text, with the helper tsx's transpiler may put into it (`__name`) defined.
  await context.addInitScript({
    content: `var __name = (f) => f; (${instrument.toString()})(${JSON.stringify(flow === 'prepared')});`,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return { context, page };
}

type FlowResults = Record<Flow, { rounds: Round[]; fallbacks: number }>;

async function runTransport(transport: 'p2p' | 'livekit', webDistDir: string): Promise<Partial<FlowResults>> {
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${String(port)}`;
  const planned = transport === 'livekit' ? await planLivekitServer() : null;
  const database = await openDatabase({ kind: 'pglite', dataDir: null });
  const server: RunningServer = await startServer(
    testConfig({
      PORT: String(port),
      PUBLIC_BASE_URL: baseURL,
      TRUST_PROXY: '1',
      MEDIA_MODE: transport,
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-bench-call-')),
      ...planned?.env,
    }),
    createLogger('silent'),
    { database, webDistDir, mail: false },
  );
  let livekit: LivekitServer | null = null;
  let browser: Browser | null = null;
  try {
    if (planned) livekit = await planned.start({ webhookUrls: [`${baseURL}/api/media/livekit/webhook`] });
    const { tenant, department } = await makeOffice(database.db, {
      department: { doorOverride: 'open', doorOverrideAt: new Date(), queueCap: 500 },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const consolePath = `/staff/${department.id}`;
    // One clerk per way through: a clerk's console reacts to their own admits only, and the
    // "prepared" clerk's choice to keep devices ready is remembered in their browser.
    const clerks = new Map<Flow, Awaited<ReturnType<typeof newPerson>>>();
    for (const flow of flows) {
      const staff = await makeStaff(database.db, tenant.id, {
        name: `Clara ${flow}`,
        memberships: [{ departmentId: department.id, role: 'clerk' }],
      });
      const clerk = await newPerson(browser, baseURL, flow);
      const login = await clerk.context.request.post('/api/staff/login', {
        data: { email: staff.email, password: staff.password },
      });
      if (login.status() !== 200) throw new Error(`clerk sign-in: HTTP ${String(login.status())}`);
      clerks.set(flow, clerk);
    }

    const results: Partial<FlowResults> = {};
    for (let round = 0; round < warmup + rounds; round++) {
      for (const flow of flows) {
        const clerk = clerks.get(flow)!;
        const { result, fallback, joins } = await walk(browser, baseURL, clerk, flow, round, {
          consolePath,
          knockPath: `/api/tenants/${tenant.slug}/departments/${department.slug}/knock`,
          waitPath: `/${tenant.slug}/${department.slug}/wait`,
          departmentId: department.id,
        });
        const into = (results[flow] ??= { rounds: [], fallbacks: 0 });
        if (round >= warmup) {
          into.rounds.push(result);
          if (fallback) into.fallbacks += 1;
        }
        if (args.verbose) {
          console.log(
            `  ${transport} ${flow} round ${String(round + 1)}${round < warmup ? ' (warm-up)' : ''}: ` +
              [...SEGMENTS, 'total' as const].map((s) => `${s} ${result[s].toFixed(0)}`).join(', ') +
              ` (joins after the click: citizen ${joins.citizen.toFixed(0)}, clerk ${joins.clerk.toFixed(0)}; ${joins.detail})` +
              (fallback ? ' (device check shown)' : ''),
          );
        }
      }
    }
    return results;
  } finally {
    await browser?.close();
    await server.stop();
    await livekit?.stop();
  }
}

/** One citizen knocks, waits, is let in, and sees the clerk: the figures of that round. */
async function walk(
  browser: Browser,
  baseURL: string,
  clerk: { context: BrowserContext; page: Page },
  flow: Flow,
  round: number,
  where: { consolePath: string; knockPath: string; waitPath: string; departmentId: string },
): Promise<{ result: Round; fallback: boolean; joins: { clerk: number; citizen: number; detail: string } }> {
  await clerk.page.goto(where.consolePath);
  await clerk.page.getByTestId('queue-empty').waitFor();
  const citizen = await newPerson(browser, baseURL, flow);
  try {
    const name = `Bürgerin ${flow} ${String(round + 1)}`;
    const knock = await citizen.context.request.post(where.knockPath, {
      data: { name, concern: 'Eine kurze Frage', language: 'de', consent: true },
    });
    if (knock.status() !== 201 && knock.status() !== 200) {
      throw new Error(`knock: HTTP ${String(knock.status())} ${await knock.text()}`);
    }
    await citizen.page.goto(where.waitPath);
    await citizen.page.getByTestId('position').waitFor();
    if (flow === 'prepared') {
      // Both have checked their devices (on a busy machine that can take longer than the wait).
      for (const page of [citizen.page, clerk.page]) {
        await page.locator('[data-testid="call-ready"][data-ready="true"]').waitFor();
      }
    }
    await citizen.page.waitForTimeout(waitMs);

    await clerk.page.getByRole('button', { name: `${name} hereinbitten` }).click();
    await citizen.page.waitForFunction(
      () => !!(window as unknown as { __bench: PageMarks }).__bench.marks.frame,
      null,
      { timeout: 30_000, polling: 50 },
    );
    const [citizenMarks, clerkMarks] = await Promise.all([readMarks(citizen.page), readMarks(clerk.page)]);
    const admit = clerkMarks.clicks.at(-1);
    if (admit === undefined) throw new Error('the admit click was not seen');
    const fallback = citizenMarks.deviceCheckShown || clerkMarks.deviceCheckShown;
    const consoleResponse = await clerk.context.request.get(`/api/staff/departments/${where.departmentId}/console`);
    const active = ((await consoleResponse.json()) as { active: { id: string }[] }).active;
    if (active.length === 0) throw new Error('no visit to finish');
    for (const entry of active) {
      await clerk.context.request.post(`/api/staff/departments/${where.departmentId}/visits/${entry.id}/finish`);
    }
    const clerkJoin = clerkMarks.callStarts.filter((t) => t >= admit).sort((a, b) => a - b)[0];
    const citizenJoin = citizenMarks.callStarts.filter((t) => t >= admit).sort((a, b) => a - b)[0];
    return {
      result: segmentsOf(admit, citizenMarks),
      fallback,
      joins: {
        clerk: clerkJoin === undefined ? NaN : clerkJoin - admit,
        citizen: citizenJoin === undefined ? NaN : citizenJoin - admit,
        detail: [
          ...Object.entries(citizenMarks.marks).map(([k, t]) => `citizen ${k} ${(t - admit).toFixed(0)}`),
          ...Object.entries(clerkMarks.marks)
            .filter(([, t]) => t >= admit)
            .map(([k, t]) => `clerk ${k} ${(t - admit).toFixed(0)}`),
        ].join(', '),
      },
    };
  } finally {
    await citizen.context.close();
  }
}

function summary(results: Round[]) {
  const of = (key: Segment | 'total') => {
    const sorted = results.map((r) => r[key]).sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted.at(-1) ?? NaN };
  };
  return Object.fromEntries([...SEGMENTS, 'total' as const].map((key) => [key, of(key)])) as Record<
    Segment | 'total',
    { p50: number; p90: number; max: number }
  >;
}

const TARGETS = { p2p: { p50: 800, p90: 1200 }, livekit: { p50: 1200, p90: Infinity } } as const;

async function main() {
  const webDistDir = args.web ? path.resolve(args.web) : findWebDist();
  if (!webDistDir || !fs.existsSync(path.join(webDistDir, 'index.html'))) {
    usageError('no built web client (web/dist): run `npm run build` first');
  }
  if (!fs.existsSync(CHROMIUM)) usageError(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
  if (transports.includes('livekit' as never)) requireLivekitBinary();
  const load = os.loadavg();
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  })();
  console.log(
    `admit → first remote frame: ${String(rounds)} rounds (+${String(warmup)} warm-up) per transport, ` +
      `citizens wait ${String(waitMs)} ms before the admit; commit ${commit}, client ${webDistDir}`,
  );
  console.log(
    `machine: ${String(os.cpus().length)} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${load.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const all: Record<string, Partial<Record<Flow, ReturnType<typeof summary> & { fallbacks: number }>>> = {};
  const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
  for (const transport of transports) {
    const started = performance.now();
    const results = await runTransport(transport, webDistDir);
    const figures: Partial<Record<Flow, ReturnType<typeof summary> & { fallbacks: number }>> = {};
    for (const flow of flows) {
      const of = results[flow];
      if (of) figures[flow] = { ...summary(of.rounds), fallbacks: of.fallbacks };
    }
    all[transport] = figures;
    console.log('');
    console.log(
      `${transport}: ${String(rounds)} rounds per way, interleaved (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
    console.log(
      `  ${''.padEnd(12)} ${flows.map((flow) => `${flow} p50`.padStart(14) + `${flow} p90`.padStart(14)).join('')}`,
    );
    for (const key of [...SEGMENTS, 'total' as const]) {
      console.log(
        `  ${key.padEnd(12)} ${flows.map((flow) => `     ${ms(figures[flow]![key].p50)}     ${ms(figures[flow]![key].p90)}`).join('')}`,
      );
    }
    const check = figures.check;
    const prepared = figures.prepared;
    if (check && prepared) {
      console.log(
        `  check ÷ prepared (above 1: preparing is faster): median ${(check.total.p50 / prepared.total.p50).toFixed(2)}, ` +
          `p90 ${(check.total.p90 / prepared.total.p90).toFixed(2)}`,
      );
    }
    if (prepared && prepared.fallbacks > 0) {
      console.log(
        `  prepared: the device check still showed in ${String(prepared.fallbacks)} rounds (devices not handed over)`,
      );
    }
    const target = TARGETS[transport];
    for (const flow of flows) {
      const total = figures[flow]!.total;
      const met = total.p50 <= target.p50 && total.p90 <= target.p90;
      console.log(
        `  issue 14 (median ≤ ${String(target.p50)} ms${Number.isFinite(target.p90) ? `, p90 ≤ ${String(target.p90)} ms` : ''}), ${flow}: ` +
          (met ? 'met' : 'not met'),
      );
    }
  }
  if (os.loadavg()[0]! > os.cpus().length) {
    console.log(
      `\nwarning: the machine was busy (load ${os.loadavg()[0]!.toFixed(1)}): the figures are the machine's as much as the code's`,
    );
  }
  if (args.json) console.log(JSON.stringify({ rounds, waitMs, ...all }));
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
