/**
 * What one queue change's work costs on this machine when the process has been idle before it, as
 * between two changes of the live fan-out benchmark (issue 14, item 2). See bench/README.md.
 *
 *   node --import tsx --conditions=source bench/cold-start.ts [--db pglite|postgres]
 *        [--visits N] [--rounds R] [--json]
 *
 * One process: a fresh database with one tenant, 50 departments and N waiting visits (as
 * live-fanout.ts seeds them). Then two pieces of work, each timed R times after four kinds of pause:
 *   - statement: a citizen leaving the queue (`leave`, the `UPDATE … RETURNING` a change begins
 *     with; each round another visit);
 *   - messages: the JavaScript of the fan-out alone, 20 citizens' `visit` messages built and
 *     stringified (no database, no socket);
 * and the pauses:
 *   - none: right after the same work, unmeasured (the floor: what it touches is in the caches);
 *   - sleep 1 ms / sleep 10 ms: the process waits on a timer first (the event loop is idle);
 *   - spin 10 ms: the process keeps working for 10 ms first, on nothing but the clock.
 * The figures are the work's own time, from its start to its end, never the pause.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openDatabase } from '../server/src/db/client.js';
import { visits } from '../server/src/db/schema.js';
import { leave } from '../server/src/features/visits/visit-states.js';
import { makeDepartment, makeTenant } from '../server/src/test/factories.js';
import { createBenchDatabase, databaseOption, helpRequested, integer, percentile } from './common.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    visits: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '300' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

helpRequested(
  args.help,
  'usage: npm run bench:cold -- [--db pglite|postgres] [--visits N=10000] [--rounds R=300] [--json]',
);

const visitCount = integer('visits', args.visits, 100, 100_000);
const rounds = integer('rounds', args.rounds, 10, 10_000);
const dbChoice = databaseOption(args.db);
const DEPARTMENTS = 50;
const PAUSES = ['none', 'sleep 1 ms', 'sleep 10 ms', 'spin 10 ms'] as const;
type Pause = (typeof PAUSES)[number];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pause(kind: Pause) {
  if (kind === 'sleep 1 ms') await sleep(1);
  else if (kind === 'sleep 10 ms') await sleep(10);
  else if (kind === 'spin 10 ms') {
    const until = performance.now() + 10;
    while (performance.now() < until);
  }
}

async function main() {
  const bench = dbChoice.kind === 'postgres' ? await createBenchDatabase(dbChoice.adminUrl) : null;
  const database = await openDatabase(bench ? { kind: 'postgres', url: bench.url } : { kind: 'pglite', dataDir: null });
  try {
    const db = database.db;
    const now = new Date();
    const tenant = await makeTenant(db);
    const departments = [];
    for (let i = 0; i < DEPARTMENTS; i++) {
      departments.push(await makeDepartment(db, tenant.id, { queueCap: visitCount + 100, doorOverride: 'open' }));
    }
    const ids: string[] = [];
    for (let start = 0; start < visitCount; start += 500) {
      const rows = [];
      for (let i = start; i < Math.min(visitCount, start + 500); i++) {
        rows.push({
          tenantId: tenant.id,
          departmentId: departments[i % DEPARTMENTS]!.id,
          state: 'waiting' as const,
          citizenName: `Bürgerin ${i}`,
          concern: 'Personalausweis beantragen',
          language: 'de',
          createdAt: new Date(now.getTime() - visitCount + i),
          lastSeenAt: now,
        });
      }
      ids.push(...(await db.insert(visits).values(rows).returning({ id: visits.id })).map((row) => row.id));
    }
    const needed = rounds * (PAUSES.length + 1) + 50;
    if (ids.length < needed) throw new Error(`--visits must be at least ${needed} for ${rounds} rounds`);

    // A citizen's message as the hub sends it (shape and size of the fan-out's `visit`).
    const message = (i: number) => ({
      type: 'visit',
      visit: {
        id: ids[i % ids.length],
        state: 'waiting',
        position: (i % 20) + 1,
        ahead: i % 20,
        estimatedWaitMinutes: 5 + (i % 20) * 7,
        department: { slug: 'buergerbuero', name: 'Bürgerbüro', tenant: 'musterstadt' },
        citizenName: `Bürgerin ${i}`,
        concern: 'Personalausweis beantragen',
        createdAt: now.toISOString(),
        note: null,
      },
    });
    let sink = 0;
    // Each leave takes the next visit; the messages count apart, and never use one up.
    let left = 0;
    let built = 0;
    const work = {
      statement: async () => {
        await leave(db, { visitId: ids[left++]!, now: new Date() });
      },
      messages: async () => {
        for (let i = 0; i < 20; i++) sink += JSON.stringify(message(built + i)).length;
        built += 1;
      },
    };

    // Warm both up first: prepared statements, JIT.
    for (let i = 0; i < 50; i++) {
      await work.statement();
      await work.messages();
    }
    const figures: Record<string, Record<Pause, { p50: number; p90: number }>> = {};
    for (const [name, run] of Object.entries(work)) {
      const times = new Map<Pause, number[]>(PAUSES.map((kind) => [kind, []]));
      // The pauses in turn, round after round: a slow minute of the machine falls on all of them.
      for (let round = 0; round < rounds; round++) {
        for (const kind of PAUSES) {
          await pause(kind);
          // No pause: right after the same work, unmeasured (the pause before it is the last kind's).
          if (kind === 'none') await run();
          const started = performance.now();
          await run();
          times.get(kind)!.push(performance.now() - started);
        }
      }
      figures[name] = Object.fromEntries(
        PAUSES.map((kind) => {
          const sorted = times.get(kind)!.sort((a, b) => a - b);
          return [kind, { p50: percentile(sorted, 50), p90: percentile(sorted, 90) }];
        }),
      ) as Record<Pause, { p50: number; p90: number }>;
    }
    if (sink === 0) throw new Error('no message was built');

    console.log(`${dbChoice.kind}, ${visitCount} waiting visits, ${rounds} rounds per pause`);
    console.log('');
    console.log(`${'work, after a pause of'.padEnd(26)}${PAUSES.map((kind) => kind.padStart(14)).join('')}`);
    for (const [name, byPause] of Object.entries(figures)) {
      const floor = byPause.none.p50;
      const cells = (pick: (f: { p50: number; p90: number }) => string) =>
        PAUSES.map((kind) => pick(byPause[kind]).padStart(14)).join('');
      console.log(
        `${`${name}: p50 / p90 (ms)`.padEnd(26)}${cells((f) => `${f.p50.toFixed(3)} / ${f.p90.toFixed(2)}`)}`,
      );
      console.log(`${`${name}: p50 / none`.padEnd(26)}${cells((f) => `${(f.p50 / floor).toFixed(2)}×`)}`);
    }
    if (args.json) console.log(JSON.stringify({ db: dbChoice.kind, visits: visitCount, rounds, figures }));
  } finally {
    await database.close();
    await bench?.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
