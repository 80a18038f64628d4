/**
 * The slot search benchmark (issue 6): "slot search for one department over a 60-day horizon with
 * 10 clerks and 5,000 existing bookings; print p50 and p99". See bench/README.md.
 *
 *   node --import tsx --conditions=source bench/slot-search.ts [--db pglite|postgres]
 *        [--searches N] [--http N] [--clerks C] [--bookings B] [--horizon DAYS] [--json]
 *
 * One process: it makes a fresh database, seeds one department, then times
 *   1. service: N full-horizon searches through `findSlots`, the function behind
 *      `GET /api/tenants/:tenant/departments/:department/slots` (database reads + computation);
 *   2. compute: the same searches on data already loaded (`SlotPlanner` alone);
 *   3. http: real requests to the running server (31 days, the most the API allows, plus its
 *      `nextFreeDate`), each followed by `GET /api/health` (HTTP and one trivial query: the floor,
 *      issue 14: p99 ≤ 20 ms).
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  addDays,
  dayRange,
  formatCivilDate,
  weekdayOf,
  zonedParts,
  zonedToInstant,
  type CivilDate,
  type SlotQuery,
} from '@amtsraum/shared';
import { openDatabase, type Database } from '../server/src/db/client.js';
import { appointments } from '../server/src/db/schema.js';
import { appointmentMinutes, findSlots } from '../server/src/features/appointments/slot-search.js';
import { loadSlotInputs } from '../server/src/features/appointments/schedules.repo.js';
import { SlotPlanner, type WeeklyWindow } from '../server/src/features/appointments/slots.js';
import { hashToken } from '../server/src/features/staff/auth.service.js';
import { createLogger } from '../server/src/lib/logger.js';
import { startServer } from '../server/src/server.js';
import { makeAvailability } from '../server/src/test/booking-factories.js';
import { makeDepartment, makeService, makeStaff, makeTenant } from '../server/src/test/factories.js';
import { testConfig } from '../server/src/test/server.js';
import { createBenchDatabase, databaseOption, helpRequested, integer, percentile, seededRandom } from './common.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    searches: { type: 'string', default: '200' },
    http: { type: 'string', default: '200' },
    clerks: { type: 'string', default: '10' },
    bookings: { type: 'string', default: '5000' },
    horizon: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

helpRequested(
  args.help,
  'usage: npm run bench:slots -- [--db pglite|postgres] [--searches N=200] [--http N=200] [--clerks C=10]\n' +
    '                              [--bookings B=5000] [--horizon DAYS=60] [--warmup W=10] [--json]\n' +
    '                              [--cpu-prof FILE.cpuprofile]',
);

const searches = integer('searches', args.searches, 1, 100_000);
const httpSearches = integer('http', args.http, 0, 10_000);
const clerkCount = integer('clerks', args.clerks, 1, 200);
const bookingCount = integer('bookings', args.bookings, 0, 200_000);
const horizonDays = integer('horizon', args.horizon, 1, 366);
const warmup = integer('warmup', args.warmup, 0, 1000);
const dbChoice = databaseOption(args.db);
const dbKind = dbChoice.kind;

const TIME_ZONE = 'Europe/Berlin';
// Monday 07:00 in Berlin, fixed so that runs are comparable; the server is given this clock too.
const NOW = new Date('2026-11-23T06:00:00Z');
/** Weekly hours of every clerk: a full office day with a lunch break, and a long Thursday. */
const HOURS: WeeklyWindow[] = [
  ...[1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday, startsAt: '08:00', endsAt: '12:00' },
    { weekday, startsAt: '13:00', endsAt: '16:00' },
  ]),
  { weekday: 4, startsAt: '16:00', endsAt: '18:00' },
];

const cleanups: (() => Promise<void>)[] = [];
const clock = () => performance.now();

function figures(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function seed(database: Database) {
  const db = database.db;
  const tenant = await makeTenant(db, { timeZone: TIME_ZONE });
  const department = await makeDepartment(db, tenant.id, {
    bookingHorizonDays: horizonDays,
    bookingLeadMinutes: 120,
    sameDayReleaseTime: '07:30',
    maxPersonsPerBooking: 6,
  });
  const services = [
    await makeService(db, department.id, { durationMinutes: 15, extraMinutesPerPerson: 5, sortOrder: 0 }),
    await makeService(db, department.id, { durationMinutes: 30, extraMinutesPerPerson: 10, sortOrder: 1 }),
    await makeService(db, department.id, { durationMinutes: 45, extraMinutesPerPerson: 15, sortOrder: 2 }),
  ];
  const clerks = [];
  for (let i = 0; i < clerkCount; i++) {
    const clerk = await makeStaff(db, tenant.id, {
      name: `Bench Clerk ${i + 1}`,
      password: 'bench-password',
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    await makeAvailability(db, clerk.id, department.id, HOURS);
    clerks.push(clerk);
  }

  // Candidate bookings: every clerk's hours on every date of the horizon, filled at random with
  // 15/30/45-minute appointments back to back or with gaps; then a random 5,000 of them are kept,
  // so the bookings spread evenly over the horizon and the clerks.
  const next = seededRandom(6);
  const candidates: { staffId: string; startsAt: Date; endsAt: Date; serviceId: string }[] = [];
  const today = zonedParts(NOW, TIME_ZONE) as CivilDate;
  for (let d = 1; d <= horizonDays; d++) {
    const date = addDays(today, d);
    const windows = HOURS.filter((w) => w.weekday === weekdayOf(date));
    for (const clerk of clerks) {
      for (const window of windows) {
        const [sh, sm] = window.startsAt.split(':').map(Number);
        const [eh, em] = window.endsAt.split(':').map(Number);
        let t = zonedToInstant({ ...date, hour: sh!, minute: sm! }, TIME_ZONE).getTime();
        const end = zonedToInstant({ ...date, hour: eh!, minute: em! }, TIME_ZONE).getTime();
        while (t < end) {
          const pick = Math.floor(next() * 3);
          const minutes = [15, 30, 45][pick]!;
          if (next() < 0.85 && t + minutes * 60_000 <= end) {
            candidates.push({
              staffId: clerk.id,
              startsAt: new Date(t),
              endsAt: new Date(t + minutes * 60_000),
              serviceId: services[pick]!.id,
            });
            t += minutes * 60_000;
          } else t += 15 * 60_000;
        }
      }
    }
  }
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const chosen = candidates.slice(0, bookingCount);
  if (chosen.length < bookingCount) {
    console.error(`only room for ${chosen.length} bookings in ${horizonDays} days with ${clerkCount} clerks`);
    process.exit(2);
  }
  for (let start = 0; start < chosen.length; start += 500) {
    await db.insert(appointments).values(
      chosen.slice(start, start + 500).map((c) => ({
        tenantId: tenant.id,
        departmentId: department.id,
        staffId: c.staffId,
        serviceIds: [c.serviceId],
        persons: 1,
        startsAt: c.startsAt,
        endsAt: c.endsAt,
        citizenName: 'Bench',
        email: null,
        language: 'de',
        manageTokenHash: hashToken(randomBytes(32).toString('base64url')),
        createdAt: NOW,
      })),
    );
  }
  const bookedHours = chosen.reduce((sum, c) => sum + (c.endsAt.getTime() - c.startsAt.getTime()) / 3_600_000, 0);
  return { tenant, department, services, clerks, bookedHours, candidates: candidates.length };
}

async function main() {
  const load = os.loadavg();
  console.log(
    `slot search: ${clerkCount} clerks, ${bookingCount} bookings, ${horizonDays}-day horizon, ${dbKind}; ` +
      `${searches} searches (+${warmup} warm-up), ${httpSearches} over HTTP`,
  );
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${load.map((l) => l.toFixed(2)).join(' ')}`,
  );

  let url: string | null = null;
  if (dbChoice.kind === 'postgres') {
    const fresh = await createBenchDatabase(dbChoice.adminUrl);
    cleanups.push(fresh.drop);
    url = fresh.url;
  }
  const database = await openDatabase(
    url ? { kind: 'postgres', url, maxConnections: 10 } : { kind: 'pglite', dataDir: null },
  );
  cleanups.unshift(() => database.close());

  const seedStart = clock();
  const office = await seed(database);
  console.log(
    `seeded in ${ms(clock() - seedStart)}: ${bookingCount} bookings (${office.bookedHours.toFixed(0)} clerk-hours) ` +
      `out of ${office.candidates} generated candidates`,
  );

  // The queries a booking page sends: one service or two, one to three persons.
  const today = formatCivilDate(zonedParts(NOW, TIME_ZONE));
  const slugs = office.services.map((s) => s.slug);
  const queries: SlotQuery[] = [
    { services: [slugs[0]!], persons: 1, from: today, days: horizonDays + 1 },
    { services: [slugs[1]!], persons: 2, from: today, days: horizonDays + 1 },
    { services: [slugs[2]!], persons: 1, from: today, days: horizonDays + 1 },
    { services: [slugs[0]!, slugs[1]!], persons: 3, from: today, days: horizonDays + 1 },
  ];
  const ctx = { db: database.db, now: NOW };
  const where = { tenantSlug: office.tenant.slug, departmentSlug: office.department.slug };

  // 1. The service function of the HTTP route.
  const serviceMs: number[] = [];
  const freeSlots = new Map<number, number>();
  for (let i = 0; i < warmup + searches; i++) {
    const query = queries[i % queries.length]!;
    const t0 = clock();
    const result = await findSlots(ctx, { ...where, query });
    const elapsed = clock() - t0;
    if (i >= warmup) serviceMs.push(elapsed);
    if (!freeSlots.has(i % queries.length)) {
      freeSlots.set(
        i % queries.length,
        result.days.reduce((n, d) => n + d.slots.length, 0),
      );
    }
  }

  // 2. Computation alone, on schedules loaded once.
  const from = zonedParts(NOW, TIME_ZONE) as CivilDate;
  const to = addDays(from, horizonDays);
  const loadStart = clock();
  const { clerks: schedules } = await loadSlotInputs(database.db, {
    tenantId: office.tenant.id,
    departmentId: office.department.id,
    range: dayRange(from, to, TIME_ZONE),
    fromDate: formatCivilDate(from),
    toDate: formatCivilDate(to),
  });
  const loadMs = clock() - loadStart;
  const computeMs: number[] = [];
  for (let i = 0; i < warmup + searches; i++) {
    const query = queries[i % queries.length]!;
    const chosen = office.services.filter((s) => query.services.includes(s.slug));
    const t0 = clock();
    new SlotPlanner({
      timeZone: TIME_ZONE,
      now: NOW,
      rules: { horizonDays, leadMinutes: 120, sameDayReleaseTime: '07:30' },
      actor: 'citizen',
      durationMinutes: appointmentMinutes(chosen, query.persons),
      closedDates: new Set(),
      clerks: schedules,
    }).range(from, horizonDays + 1);
    const elapsed = clock() - t0;
    if (i >= warmup) computeMs.push(elapsed);
  }

  // 3. Over HTTP, through the running server.
  const httpMs: number[] = [];
  const coldMs: number[] = [];
  const floorMs: number[] = [];
  // CPU time of this process (server and client) per request: less at the mercy of a busy machine
  // than the wall-clock figures (PostgreSQL's own CPU is not in it).
  const cpuTotals = { http: 0, cold: 0, floor: 0 };
  if (httpSearches > 0) {
    const server = await startServer(testConfig({ TRUST_PROXY: '1' }), createLogger('silent'), {
      database,
      now: () => NOW,
      webDistDir: null,
      mail: false,
    });
    cleanups.unshift(async () => {
      // The server's stop closes the database; the earlier cleanup then finds it closed.
      await server.stop();
    });
    for (let i = 0; i < Math.min(warmup, 3) + httpSearches; i++) {
      const query = queries[i % queries.length]!;
      const path =
        `/api/tenants/${office.tenant.slug}/departments/${office.department.slug}/slots` +
        `?services=${query.services.join(',')}&persons=${query.persons}&from=${today}&days=31`;
      const t0 = clock();
      const u0 = process.cpuUsage();
      const response = await fetch(`${server.url}${path}`);
      await response.arrayBuffer();
      const elapsed = clock() - t0;
      const cpu = cpuMs(u0);
      if (!response.ok) throw new Error(`GET slots answered ${response.status}`);
      const f0 = clock();
      const v0 = process.cpuUsage();
      const health = await fetch(`${server.url}/api/health`);
      await health.arrayBuffer();
      const floorElapsed = clock() - f0;
      const floorCpu = cpuMs(v0);
      if (!health.ok) throw new Error(`GET health answered ${health.status}`);
      // The same search right after a booking elsewhere: the event empties the server's slot
      // cache, and the search reads the schedules again (the cache's worst case).
      const changed = new Promise<void>((resolve) => {
        const stop = server.deps.events.subscribe(() => {
          stop();
          resolve();
        });
      });
      await server.deps.events.publish({ departmentId: office.department.id });
      await changed;
      const c0 = clock();
      const w0 = process.cpuUsage();
      // Another visitor (per-address search limit: the bench sends more than one person would).
      const cold = await fetch(`${server.url}${path}`, { headers: { 'x-forwarded-for': `10.7.${i >> 8}.${i & 255}` } });
      await cold.arrayBuffer();
      const coldElapsed = clock() - c0;
      const coldCpu = cpuMs(w0);
      if (!cold.ok) throw new Error(`GET slots answered ${cold.status}`);
      if (i >= Math.min(warmup, 3)) {
        httpMs.push(elapsed);
        coldMs.push(coldElapsed);
        floorMs.push(floorElapsed);
        cpuTotals.http += cpu;
        cpuTotals.cold += coldCpu;
        cpuTotals.floor += floorCpu;
      }
    }
    const profileFile = args['cpu-prof'];
    if (profileFile) {
      // Cached searches alone, each from its own address (the per-address limit), profiled in
      // this process: the server and the client share it, as they share the timings above.
      const session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      for (let i = 0; i < httpSearches; i++) {
        const query = queries[i % queries.length]!;
        const path =
          `/api/tenants/${office.tenant.slug}/departments/${office.department.slug}/slots` +
          `?services=${query.services.join(',')}&persons=${query.persons}&from=${today}&days=31`;
        const response = await fetch(`${server.url}${path}`, {
          headers: { 'x-forwarded-for': `10.8.${i >> 8}.${i & 255}` },
        });
        await response.arrayBuffer();
      }
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      await writeFile(profileFile, JSON.stringify(profile));
      console.log(`CPU profile of ${httpSearches} cached searches: ${profileFile}`);
    }
  }

  const service = figures(serviceMs);
  const compute = figures(computeMs);
  const http = figures(httpMs);
  const cold = figures(coldMs);
  const floor = figures(floorMs);
  const described = queries.map((q, i) => {
    const minutes = appointmentMinutes(
      office.services.filter((s) => q.services.includes(s.slug)),
      q.persons,
    );
    return `${minutes} min: ${freeSlots.get(i)}`;
  });
  console.log(`free slots over the horizon per query (duration: slots): ${described.join(', ')}`);
  console.log(`loading the schedules alone (availability, absences, ${bookingCount} bookings): ${ms(loadMs)}`);
  console.log('');
  console.log('                                   n      p50      p99      max     mean');
  const row = (label: string, f: ReturnType<typeof figures>) =>
    console.log(
      `${label.padEnd(32)} ${String(f.n).padStart(4)} ${ms(f.p50).padStart(8)} ${ms(f.p99).padStart(8)} ` +
        `${ms(f.max).padStart(8)} ${ms(f.mean).padStart(8)}`,
    );
  row(`service, ${horizonDays + 1} days (findSlots)`, service);
  row(`compute only (SlotPlanner)`, compute);
  if (httpSearches > 0) {
    row('HTTP GET …/slots, 31 days', http);
    row('  the same after a change', cold);
    row('HTTP GET /api/health (floor)', floor);
    const per = (total: number) => ms(total / Math.max(1, httpMs.length));
    console.log(
      `CPU per request (this process, server and client): search ${per(cpuTotals.http)}, ` +
        `after a change ${per(cpuTotals.cold)}, floor ${per(cpuTotals.floor)}`,
    );
    console.log('');
    console.log(
      `issue 14: HTTP p99 ${ms(http.p99)} (target ≤ 20 ms: ${http.p99 <= 20 ? 'met' : 'not met'}), ` +
        `${(http.p99 / floor.p99).toFixed(1)} × the floor's p99 in the same run; ` +
        `right after a change (slot cache empty) p99 ${ms(cold.p99)} (${cold.p99 <= 20 ? 'met' : 'not met'})`,
    );
  }
  if (args.json) {
    console.log(
      JSON.stringify({
        db: dbKind,
        clerkCount,
        bookingCount,
        horizonDays,
        service,
        compute,
        http,
        cold,
        floor,
        cpuPerRequest: Object.fromEntries(
          Object.entries(cpuTotals).map(([k, v]) => [k, v / Math.max(1, httpMs.length)]),
        ),
      }),
    );
  }
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  for (const cleanup of cleanups) await cleanup().catch(() => {});
}
process.exit(exitCode);
