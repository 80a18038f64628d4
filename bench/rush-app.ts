/**
 * Benchmark child of rush.ts: the real Amtsraum server over a fresh database, seeded with one
 * department whose same-day slots are released at 07:45 (tenant zone), `clerks` clerks with
 * Monday hours holding exactly `clerks` × 10 slots of 15 minutes that day, and `waiting` citizens
 * in its queue. Its clock stands on Monday 23 November 2026, 07:40 in Berlin until the parent
 * arms it, and then runs so that the release comes when the parent says. IPC only.
 */
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { performance } from 'node:perf_hooks';
import { openDatabase, type Db } from '../server/src/db/client.js';
import { appointments, visits } from '../server/src/db/schema.js';
import type { WeeklyWindow } from '../server/src/features/appointments/slots.js';
import { signValue } from '../server/src/lib/cookies.js';
import { createLogger } from '../server/src/lib/logger.js';
import { startServer, type RunningServer } from '../server/src/server.js';
import { makeAvailability } from '../server/src/test/booking-factories.js';
import { makeDepartment, makeService, makeStaff, makeTenant } from '../server/src/test/factories.js';
import { testConfig } from '../server/src/test/server.js';

export interface RushChildOptions {
  clerks: number;
  waiting: number;
  database: { kind: 'pglite' } | { kind: 'postgres'; url: string };
  /**
   * False for a second (third, …) app process on the same PostgreSQL database: it seeds nothing,
   * answers `ready` with its address only, and its verdict counts only its own work.
   */
  seed?: boolean;
}

export type RushParentRequest = { type: 'arm'; releaseInMs: number } | { type: 'verify' } | { type: 'stop' };

export interface RushVerdict {
  type: 'verdict';
  /** Appointments on the release day, as the database holds them. */
  bookedToday: number;
  /** Pairs of appointments of one clerk that overlap: must be 0. */
  overlaps: number;
  /** Appointments on later days (bookings of the floor, alternatives taken). */
  bookedLater: number;
  /**
   * Work of the server process from the release to the verdict, independent of how busy the
   * machine is: its CPU time, and the SQL statements it sent (by their first words, most first).
   */
  cpuMs: number;
  statements: number;
  statementKinds: [kind: string, count: number][];
}

export type RushChildReply =
  | {
      type: 'ready';
      url: string;
      tenantSlug: string;
      departmentSlug: string;
      serviceSlug: string;
      /** Waiting citizens in queue order: their `amtsraum_visit` cookie values. */
      cookies: string[];
      seedMs: number;
    }
  | { type: 'armed'; releaseAt: string }
  | RushVerdict
  | { type: 'error'; message: string };

const TIME_ZONE = 'Europe/Berlin';
/** Monday 23 November 2026, 07:40 and 07:45 in Berlin. */
const BEFORE_RELEASE = Date.parse('2026-11-23T06:40:00Z');
const RELEASE = Date.parse('2026-11-23T06:45:00Z');
const DAY_START = new Date('2026-11-22T23:00:00Z');
const DAY_END = new Date('2026-11-23T23:00:00Z');
/**
 * Ten slots of 15 minutes per clerk on the rush day, office mornings on the other weekdays. The
 * day's hours start at 08:30: today's slots need 15 minutes' notice, and none of them may pass
 * out of reach while the rush lasts.
 */
const HOURS: WeeklyWindow[] = [
  { weekday: 1, startsAt: '08:30', endsAt: '11:00' },
  ...[2, 3, 4, 5].map((weekday) => ({ weekday, startsAt: '08:00', endsAt: '12:00' })),
];

const send = (message: RushChildReply) => process.send?.(message);
const options = JSON.parse(process.argv[2] ?? '{}') as RushChildOptions;
let running: RunningServer | null = null;
let counting = false;
let cpuAtRelease = process.cpuUsage();
const statementKinds = new Map<string, number>();
/** The server's clock: real time moved by `offset`, so it runs at the real pace. */
let offset = BEFORE_RELEASE - Date.now();

async function main() {
  const startedAt = performance.now();
  const config = testConfig({ TRUST_PROXY: '1', VISIT_GRACE_SECONDS: '3600' });
  const onQuery = (query: string) => {
    if (!counting) return;
    const kind = query.replace(/\s+/g, ' ').slice(0, 70);
    statementKinds.set(kind, (statementKinds.get(kind) ?? 0) + 1);
  };
  const database = await openDatabase(
    options.database.kind === 'postgres'
      ? { kind: 'postgres', url: options.database.url, maxConnections: 10, onQuery }
      : { kind: 'pglite', dataDir: null, onQuery },
  );
  const db = database.db;
  const now = () => new Date(Date.now() + offset);
  const seeded = options.seed === false ? null : await seedOffice(db, config.sessionSecret, now);

  // The attendance job would close a door whose clerks have no console open: the rush is about
  // bookings and fan-out, not about who is on duty.
  running = await startServer(config, createLogger('silent'), {
    database,
    now,
    webDistDir: null,
    jobs: { attendanceMs: null },
  });
  send({
    type: 'ready',
    url: running.url,
    tenantSlug: seeded?.tenantSlug ?? '',
    departmentSlug: seeded?.departmentSlug ?? '',
    serviceSlug: seeded?.serviceSlug ?? '',
    cookies: seeded?.cookies ?? [],
    seedMs: performance.now() - startedAt,
  });

  process.on('message', (message: RushParentRequest) => {
    if (message.type === 'arm') {
      offset = RELEASE - (Date.now() + message.releaseInMs);
      setTimeout(() => {
        counting = true;
        cpuAtRelease = process.cpuUsage();
      }, message.releaseInMs).unref();
      send({ type: 'armed', releaseAt: new Date(RELEASE).toISOString() });
    } else if (message.type === 'verify') {
      void verify().then(send, (error: unknown) => send({ type: 'error', message: String(error) }));
    } else void stop(0);
  });

  async function verify(): Promise<RushVerdict> {
    counting = false;
    const cpu = process.cpuUsage(cpuAtRelease);
    const work = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      statements: [...statementKinds.values()].reduce((a, b) => a + b, 0),
      statementKinds: [...statementKinds].sort((a, b) => b[1] - a[1]).slice(0, 12),
    };
    if (!seeded) return { type: 'verdict', bookedToday: 0, bookedLater: 0, overlaps: 0, ...work };
    const onDay = and(eq(appointments.departmentId, seeded.departmentId), eq(appointments.state, 'booked'));
    const [today] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(appointments)
      .where(and(onDay, gte(appointments.startsAt, DAY_START), lt(appointments.startsAt, DAY_END)));
    const [later] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(appointments)
      .where(and(onDay, gte(appointments.startsAt, DAY_END)));
    // Read independently of the database's own exclusion: two rows of one clerk that overlap.
    const rows = await db
      .select({ staffId: appointments.staffId, startsAt: appointments.startsAt, endsAt: appointments.endsAt })
      .from(appointments)
      .where(onDay);
    let overlaps = 0;
    rows.forEach((a, i) => {
      for (const b of rows.slice(i + 1)) {
        if (a.staffId === b.staffId && a.startsAt < b.endsAt && b.startsAt < a.endsAt) overlaps++;
      }
    });
    return {
      type: 'verdict',
      bookedToday: today?.n ?? 0,
      bookedLater: later?.n ?? 0,
      overlaps,
      ...work,
    };
  }
}

/** One tenant with the rush's department, its service, clerks and hours, and its waiting citizens. */
async function seedOffice(db: Db, sessionSecret: string, now: () => Date) {
  const tenant = await makeTenant(db, { timeZone: TIME_ZONE });
  const department = await makeDepartment(db, tenant.id, {
    queueCap: options.waiting + 100,
    doorOverride: 'open',
    doorOverrideAt: now(),
    bookingHorizonDays: 14,
    bookingLeadMinutes: 120,
    sameDayReleaseTime: '07:45',
  });
  const service = await makeService(db, department.id, { durationMinutes: 15, extraMinutesPerPerson: 0 });
  for (let i = 0; i < options.clerks; i++) {
    const clerk = await makeStaff(db, tenant.id, {
      name: `Rush Clerk ${String(i + 1)}`,
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    await makeAvailability(db, clerk.id, department.id, HOURS);
  }
  const cookies: string[] = [];
  const base = now().getTime() - options.waiting - 1_000;
  for (let start = 0; start < options.waiting; start += 500) {
    const rows = [];
    for (let i = start; i < Math.min(options.waiting, start + 500); i++) {
      rows.push({
        tenantId: tenant.id,
        departmentId: department.id,
        state: 'waiting' as const,
        citizenName: `Wartende ${String(i)}`,
        concern: 'Meldebescheinigung',
        language: 'de',
        createdAt: new Date(base + i),
        lastSeenAt: now(),
      });
    }
    const inserted = await db.insert(visits).values(rows).returning({ id: visits.id });
    for (const row of inserted) cookies.push(signValue(sessionSecret, 'visit', row.id));
  }
  return {
    tenantSlug: tenant.slug,
    departmentSlug: department.slug,
    departmentId: department.id,
    serviceSlug: service.slug,
    cookies,
  };
}

async function stop(code: number) {
  try {
    await running?.stop(1_000);
  } finally {
    process.exit(code);
  }
}

process.on('disconnect', () => void stop(0));

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  void stop(1);
});
