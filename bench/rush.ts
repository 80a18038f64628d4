/**
 * The 07:45 rush (issue 14, item 4): the moment a department releases today's slots, `citizens`
 * simulated citizens (each with its own address, as the reverse proxy reports it, and its own
 * e-mail) try to book the `clerks` × 10 slots of the day within `window` seconds, while `waiting`
 * citizens wait in the same department's queue and one of them leaves every second. See
 * bench/README.md.
 *
 *   npm run bench:rush -- [--db pglite|postgres] [--citizens 2000] [--clerks 5] [--waiting 500]
 *                         [--window 60] [--seed N] [--processes 1] [--json] [--timeline] [--cpu-prof]
 *
 * Each citizen, at its moment: `GET …/slots` for today; when today shows free slots, books one of
 * them at random (`POST …/appointments`); a 409 must carry alternatives. Floors, measured in the
 * same run before the release: the same bookings one at a time on a later day (booking), and the
 * same queue changes without the rush (fan-out).
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { TEST_ORIGIN } from '../server/src/test/server.js';
import { createBenchDatabase, databaseOption, helpRequested, integer, percentile, seededRandom } from './common.js';
import type { RushChildOptions, RushChildReply, RushParentRequest, RushVerdict } from './rush-app.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    citizens: { type: 'string', default: '2000' },
    clerks: { type: 'string', default: '5' },
    waiting: { type: 'string', default: '500' },
    window: { type: 'string', default: '60' },
    json: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    timeline: { type: 'boolean', default: false },
    seed: { type: 'string' },
    processes: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});
helpRequested(
  args.help,
  'usage: npm run bench:rush -- [--db pglite|postgres] [--citizens N=2000] [--clerks C=5] [--waiting W=500]\n' +
    '                             [--window SECONDS=60] [--seed N] [--processes P=1] [--json] [--timeline] [--cpu-prof]',
);
const citizenCount = integer('citizens', args.citizens, 10, 20_000);
const clerks = integer('clerks', args.clerks, 1, 50);
const waitingCount = integer('waiting', args.waiting, 120, 5_000);
const windowSeconds = integer('window', args.window, 5, 600);
const dbChoice = databaseOption(args.db);
/**
 * App processes on one PostgreSQL database, as a town hall runs several behind its reverse proxy:
 * each simulated person (waiting or booking) talks to one of them, in turn by their number.
 */
const processCount = integer('processes', args.processes, 1, 4);
if (processCount > 1 && dbChoice.kind !== 'postgres') {
  console.error('--processes above 1 needs --db postgres: PGlite runs in one process');
  process.exit(2);
}
/**
 * When each citizen comes and which of the offered slots they take are drawn from this seed, so
 * that two builds can be compared on the same rush (printed; a new one per run unless given).
 */
const seed = args.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : integer('seed', args.seed, 0, 2 ** 31 - 1);
const random = seededRandom(seed);

/** Booking p99 during the rush, and fan-out p99 during the rush (issue 14). */
const BOOKING_P99_TARGET_MS = 250;
const FANOUT_P99_TARGET_MS = 100;
/** Of the arrivals, this share comes in the first five seconds: people wait for 07:45 sharp. */
const EARLY_SHARE = 0.4;
const FLOOR_BOOKINGS = 30;
const QUIET_CHANGES = 20;

const here = path.dirname(fileURLToPath(import.meta.url));
const clock = () => performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class RushChild {
  readonly process: ChildProcess;
  private listeners: ((message: RushChildReply) => void)[] = [];

  constructor(options: RushChildOptions, cpuProfDir: string | null) {
    this.process = fork(path.join(here, 'rush-app.ts'), [JSON.stringify(options)], {
      execArgv: [
        '--import',
        'tsx',
        '--conditions=source',
        ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.process.on('message', (message: RushChildReply) => {
      if (message.type === 'error') {
        console.error(`server child failed: ${message.message}`);
        process.exit(1);
      }
      for (const listener of this.listeners.splice(0)) listener(message);
    });
  }

  ask<T extends RushChildReply['type']>(
    request: RushParentRequest | null,
    type: T,
  ): Promise<Extract<RushChildReply, { type: T }>> {
    return new Promise((resolve) => {
      const listen = (message: RushChildReply) => {
        if (message.type === type) resolve(message as Extract<RushChildReply, { type: T }>);
        else this.listeners.push(listen);
      };
      this.listeners.push(listen);
      if (request) this.process.send(request);
    });
  }

  stop() {
    if (this.process.connected) this.process.send({ type: 'stop' } satisfies RushParentRequest);
  }
}

function figures(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

/** A distinct address per simulated person, as the town hall's reverse proxy would report it. */
const addressOf = (kind: number, i: number) => `10.${String(kind)}.${String(i >> 8)}.${String(i & 255)}`;

interface Waiting {
  cookie: string;
  socket: WebSocket | null;
  /** The position this citizen must see after the change in flight; null once gone. */
  expected: number | null;
}

async function main() {
  console.log(
    `07:45 rush: ${citizenCount} citizens, ${clerks * 10} slots, ${waitingCount} waiting, ` +
      `${windowSeconds} s, ${dbChoice.kind}${processCount > 1 ? ` × ${String(processCount)} app processes` : ''}, ` +
      `seed ${String(seed)}; load ${os.loadavg()[0]!.toFixed(1)}, ` +
      `${os.cpus().length} cores`,
  );
  const fresh = dbChoice.kind === 'postgres' ? await createBenchDatabase(dbChoice.adminUrl) : null;
  const profileDir = args['cpu-prof'] ? path.join(os.tmpdir(), `amtsraum-rush-prof-${String(process.pid)}`) : null;
  const childOptions = {
    clerks,
    waiting: waitingCount,
    database: fresh ? { kind: 'postgres' as const, url: fresh.url } : { kind: 'pglite' as const },
  };
  // The first seeds the database; the others start on it once it is there.
  const children = [new RushChild(childOptions, profileDir)];
  try {
    const ready = await children[0]!.ask(null, 'ready');
    const urls = [ready.url];
    for (let p = 1; p < processCount; p++) {
      const child = new RushChild({ ...childOptions, seed: false }, profileDir);
      children.push(child);
      urls.push((await child.ask(null, 'ready')).url);
    }
    /** The app process person `i` talks to. */
    const urlOf = (i: number) => urls[i % urls.length]!;
    const officeOf = (i: number) => `${urlOf(i)}/api/tenants/${ready.tenantSlug}/departments/${ready.departmentSlug}`;
    const headers = (address: string, cookie?: string) => ({
      origin: TEST_ORIGIN,
      'content-type': 'application/json',
      'x-forwarded-for': address,
      ...(cookie ? { cookie: `amtsraum_visit=${cookie}` } : {}),
    });

    // The queue: every waiting citizen watches their visit.
    const waiting: Waiting[] = ready.cookies.map((cookie) => ({ cookie, socket: null, expected: null }));
    let inFlight: { t0: number; pending: Set<Waiting>; delays: number[] } | null = null;
    await Promise.all(
      waiting.map(
        (citizen, i) =>
          new Promise<void>((resolve, reject) => {
            const socket = new WebSocket(`${urlOf(i).replace(/^http/, 'ws')}/ws`, {
              headers: headers(addressOf(20, i), citizen.cookie),
              perMessageDeflate: false,
            });
            citizen.socket = socket;
            let first = true;
            socket.on('open', () => socket.send(JSON.stringify({ type: 'watch-visit' })));
            socket.on('error', reject);
            socket.on('message', (data) => {
              if (first) {
                first = false;
                resolve();
                return;
              }
              const change = inFlight;
              if (!change?.pending.has(citizen)) return;
              const message = JSON.parse(String(data)) as { type: string; visit?: { position: number | null } | null };
              if (message.type !== 'visit' || message.visit?.position !== citizen.expected) return;
              change.pending.delete(citizen);
              change.delays.push(clock() - change.t0);
            });
          }),
      ),
    );

    // One queue change: the first in line leaves; everyone behind moves up one place.
    let head = 0;
    let lost = 0;
    const change = async (delays: number[]) => {
      const leaving = waiting[head++]!;
      const pending = new Set(waiting.slice(head));
      for (const [offset, citizen] of waiting.slice(head).entries()) citizen.expected = offset + 1;
      const current = { t0: clock(), pending, delays: [] as number[] };
      inFlight = current;
      const response = await fetch(`${urlOf(head)}/api/visit/leave`, {
        method: 'POST',
        headers: headers(addressOf(21, head), leaving.cookie),
        body: '{}',
      });
      if (!response.ok) throw new Error(`leave failed: HTTP ${String(response.status)}`);
      const deadline = clock() + 10_000;
      while (current.pending.size > 0 && clock() < deadline) await sleep(5);
      lost += current.pending.size;
      delays.push(...current.delays);
      inFlight = null;
    };

    // Floor 1: queue changes on a quiet server.
    const quietFanout: number[] = [];
    for (let i = 0; i < QUIET_CHANGES; i++) await change(quietFanout);

    // Floor 2: bookings one at a time, on a later day (tomorrow's slots are bookable before 07:45).
    const book = (i: number, startsAt: string) =>
      fetch(`${officeOf(i)}/appointments`, {
        method: 'POST',
        headers: headers(addressOf(30 + Math.floor(i / 65_536), i % 65_536), undefined),
        body: JSON.stringify({
          services: [ready.serviceSlug],
          persons: 1,
          startsAt,
          name: `Bürger ${String(i)}`,
          email: `buerger.${String(i)}@rush.example`,
          language: 'de',
          consent: true,
        }),
      });
    const slotsOf = async (i: number, address: string, from?: string) => {
      const response = await fetch(
        `${officeOf(i)}/slots?services=${ready.serviceSlug}&days=1${from ? `&from=${from}` : ''}`,
        { headers: headers(address) },
      );
      if (!response.ok) throw new Error(`slot search failed: HTTP ${String(response.status)}`);
      return (await response.json()) as {
        days: { date: string; status: string; slots: { startsAt: string }[] }[];
      };
    };
    const tomorrow = (await slotsOf(0, addressOf(29, 0), '2026-11-24')).days[0]!.slots;
    const floorBooking: number[] = [];
    for (let i = 0; i < FLOOR_BOOKINGS; i++) {
      const t0 = clock();
      const response = await book(citizenCount + i, tomorrow[i % tomorrow.length]!.startsAt);
      floorBooking.push(clock() - t0);
      if (response.status !== 201 && response.status !== 409) {
        throw new Error(`floor booking failed: HTTP ${String(response.status)} ${await response.text()}`);
      }
    }

    // The rush. The server's clock is set so that 07:45 comes two seconds from now.
    await Promise.all(children.map((child) => child.ask({ type: 'arm', releaseInMs: 2_000 }, 'armed')));
    const release = clock() + 2_000;
    const startAt = Array.from({ length: citizenCount }, (_, i) =>
      i < citizenCount * EARLY_SHARE ? random() * 5_000 : random() * windowSeconds * 1_000,
    );
    const outcome = {
      booked: 0,
      toldWithAlternatives: 0,
      toldWithoutAlternatives: 0,
      sawFull: 0,
      other: 0,
      failed: 0,
    };
    const search: number[] = [];
    const booking: number[] = [];
    const timeline: { at: number; kind: 'search' | 'booked' | 'refused'; ms: number }[] = [];
    const others: string[] = [];
    const failed: string[] = [];
    const citizen = async (i: number) => {
      await sleep(Math.max(0, release + startAt[i]! - clock()));
      // A request that never gets an answer (the server did not even accept the connection within
      // fetch's 10 s) is an outcome of the rush too, not an error of the benchmark.
      await attempt(i).catch((error: unknown) => {
        outcome.failed++;
        const cause = error instanceof Error ? (error.cause as { code?: string } | undefined)?.code : undefined;
        if (failed.length < 3) failed.push(`${String(error)}${cause ? ` (${cause})` : ''}`);
      });
    };
    const attempt = async (i: number) => {
      const address = addressOf(40 + Math.floor(i / 65_536), i % 65_536);
      let t0 = clock();
      const today = (await slotsOf(i, address)).days[0]!;
      search.push(clock() - t0);
      timeline.push({ at: t0 - release, kind: 'search', ms: clock() - t0 });
      if (today.slots.length === 0) {
        outcome.sawFull++;
        return;
      }
      const slot = today.slots[Math.floor(random() * today.slots.length)]!;
      t0 = clock();
      const response = await book(i, slot.startsAt);
      // Errors are problem documents (RFC 9457) with our `code` and, for a taken slot, `alternatives`.
      const body = (await response.json()) as { code?: string; alternatives?: unknown[] };
      booking.push(clock() - t0);
      timeline.push({ at: t0 - release, kind: response.status === 201 ? 'booked' : 'refused', ms: clock() - t0 });
      if (response.status === 201) outcome.booked++;
      else if (response.status === 409 && body.code === 'slot_taken') {
        if ((body.alternatives?.length ?? 0) > 0) outcome.toldWithAlternatives++;
        else outcome.toldWithoutAlternatives++;
      } else {
        outcome.other++;
        if (others.length < 5) others.push(`HTTP ${String(response.status)} ${JSON.stringify(body).slice(0, 200)}`);
      }
    };
    const rushFanout: number[] = [];
    const changes = (async () => {
      await sleep(release - clock());
      const end = release + windowSeconds * 1_000;
      while (clock() < end && head < waiting.length - 1) {
        const next = clock() + 1_000;
        await change(rushFanout);
        await sleep(next - clock());
      }
    })();
    const rushStart = clock();
    const ownCpu = process.cpuUsage();
    const ownLag = monitorEventLoopDelay({ resolution: 10 });
    ownLag.enable();
    await Promise.all([...Array.from({ length: citizenCount }, (_, i) => citizen(i)), changes]);
    const rushSeconds = (clock() - rushStart) / 1_000;
    ownLag.disable();
    const generatorCpu = process.cpuUsage(ownCpu);
    const verdicts: RushVerdict[] = await Promise.all(
      children.map((child) => child.ask({ type: 'verify' }, 'verdict')),
    );
    // The database's figures from the first process; the work of all of them together.
    const kinds = new Map<string, number>();
    for (const [kind, n] of verdicts.flatMap((v) => v.statementKinds)) kinds.set(kind, (kinds.get(kind) ?? 0) + n);
    const verdict: RushVerdict = {
      ...verdicts[0]!,
      cpuMs: verdicts.reduce((sum, v) => sum + v.cpuMs, 0),
      statements: verdicts.reduce((sum, v) => sum + v.statements, 0),
      statementKinds: [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 12),
    };
    for (const person of waiting) person.socket?.terminate();

    // Figures.
    const f = {
      booking: figures(booking),
      floorBooking: figures(floorBooking),
      search: figures(search),
      rushFanout: figures(rushFanout),
      quietFanout: figures(quietFanout),
    };
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    const row = (label: string, value: string, floor: string, ratio: string) =>
      console.log(`${label.padEnd(34)}${value.padStart(22)}${floor.padStart(22)}${ratio.padStart(9)}`);
    console.log(`\nrush over in ${rushSeconds.toFixed(1)} s`);
    row('', 'rush', 'floor (same run)', 'ratio');
    row(
      'booking p50 / p99',
      `${ms(f.booking.p50)} / ${ms(f.booking.p99)}`,
      `${ms(f.floorBooking.p50)} / ${ms(f.floorBooking.p99)}`,
      (f.booking.p99 / f.floorBooking.p99).toFixed(1),
    );
    row('slot search p50 / p99', `${ms(f.search.p50)} / ${ms(f.search.p99)}`, '', '');
    row(
      'fan-out p50 / p99',
      `${ms(f.rushFanout.p50)} / ${ms(f.rushFanout.p99)}`,
      `${ms(f.quietFanout.p50)} / ${ms(f.quietFanout.p99)}`,
      (f.rushFanout.p99 / f.quietFanout.p99).toFixed(1),
    );
    console.log(
      `\ncitizens: ${String(outcome.booked)} booked, ${String(outcome.toldWithAlternatives)} told "taken" with ` +
        `alternatives, ${String(outcome.toldWithoutAlternatives)} told "taken" without, ` +
        `${String(outcome.sawFull)} saw today booked up, ${String(outcome.other)} other answers, ` +
        `${String(outcome.failed)} no answer`,
    );
    for (const text of others) console.log(`  other: ${text}`);
    for (const text of failed) console.log(`  no answer: ${text}`);
    console.log(
      `database: ${String(verdict.bookedToday)} appointments today (${String(clerks * 10)} slots), ` +
        `${String(verdict.overlaps)} overlapping, ${String(verdict.bookedLater)} on later days; ` +
        `fan-out messages lost: ${String(lost)}`,
    );
    // The server's own work, which a busy machine stretches in time but does not change.
    console.log(
      `server work from the release to the verdict${processCount > 1 ? ` (${String(processCount)} processes together)` : ''}: ` +
        `${(verdict.cpuMs / 1000).toFixed(1)} s CPU, ` +
        `${String(verdict.statements)} SQL statements ` +
        `(${(verdict.statements / citizenCount).toFixed(1)} per citizen)`,
    );
    for (const [kind, n] of verdict.statementKinds) console.log(`  ${String(n).padStart(6)}  ${kind}`);
    // The load generator shares the two cores: when it lags, every figure above includes its lag.
    console.log(
      `load generator during the rush: ${((generatorCpu.user + generatorCpu.system) / 1e6).toFixed(1)} s CPU, ` +
        `event-loop delay p99 ${(ownLag.percentile(99) / 1e6).toFixed(0)} ms, max ${(ownLag.max / 1e6).toFixed(0)} ms`,
    );

    const checks: [string, boolean][] = [
      ['every slot of the day booked, none twice', verdict.bookedToday === clerks * 10 && verdict.overlaps === 0],
      ['as many winners as appointments', outcome.booked === verdict.bookedToday],
      [
        'every loser told at once with alternatives',
        outcome.toldWithoutAlternatives === 0 && outcome.other === 0 && outcome.failed === 0,
      ],
      ['no fan-out message lost', lost === 0],
      [`booking p99 <= ${String(BOOKING_P99_TARGET_MS)} ms`, f.booking.p99 <= BOOKING_P99_TARGET_MS],
      [`fan-out p99 during the rush <= ${String(FANOUT_P99_TARGET_MS)} ms`, f.rushFanout.p99 <= FANOUT_P99_TARGET_MS],
    ];
    console.log('');
    for (const [label, ok] of checks) console.log(`${ok ? 'ok  ' : 'MISS'} ${label}`);
    if (args.timeline) printTimeline(timeline);
    if (args.json) {
      console.log(JSON.stringify({ db: dbChoice.kind, processes: processCount, seed, outcome, verdict, lost, ...f }));
    }
    process.exitCode = checks.slice(0, 4).every(([, ok]) => ok) ? 0 : 1;
  } finally {
    await Promise.all(
      children.map(async (child) => {
        if (child.process.exitCode !== null) return;
        const exited = new Promise((resolve) => child.process.once('exit', resolve));
        child.stop();
        await exited;
      }),
    );
    await fresh?.drop();
    if (profileDir) console.log(`server CPU profile (open in Chrome DevTools): ${profileDir}`);
  }
}

/**
 * Where in the rush the slow answers were: per 250 ms after the release (by the request's start),
 * how many requests of each kind started, their median and their slowest answer. Only the first five seconds,
 * where the early arrivals are.
 */
function printTimeline(entries: { at: number; kind: 'search' | 'booked' | 'refused'; ms: number }[]) {
  console.log('\ntimeline (request start after the release; count: median / slowest answer, per kind)');
  console.log(`${'from'.padStart(8)}${'searches'.padStart(22)}${'booked'.padStart(22)}${'refused'.padStart(22)}`);
  for (let from = 0; from < 5_000; from += 250) {
    const cell = (kind: string) => {
      const here = entries.filter((e) => e.kind === kind && e.at >= from && e.at < from + 250);
      const ms = here.map((e) => e.ms).sort((a, b) => a - b);
      return ms.length === 0
        ? ''
        : `${String(ms.length)}: ${percentile(ms, 50).toFixed(0)} / ${ms[ms.length - 1]!.toFixed(0)} ms`;
    };
    console.log(
      `${String(from).padStart(6)}ms${cell('search').padStart(22)}${cell('booked').padStart(22)}${cell('refused').padStart(22)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
