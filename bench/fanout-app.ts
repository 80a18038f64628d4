/**
 * Benchmark child: the real Amtsraum server (HTTP + live hub) over a fresh database, seeded with
 * one tenant, D open departments, one clerk at all their consoles and N waiting visits. Started by
 * live-fanout.ts with `fork`; talks over IPC only (see protocol.ts).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../server/src/db/client.js';
import { consolePresence, visits } from '../server/src/db/schema.js';
import { presenceKey } from '../server/src/features/staff/presence.repo.js';
import { signValue } from '../server/src/lib/cookies.js';
import { createLogger } from '../server/src/lib/logger.js';
import { startServer, type RunningServer } from '../server/src/server.js';
import { makeDepartment, makeStaff, makeTenant } from '../server/src/test/factories.js';
import { testConfig } from '../server/src/test/server.js';
import {
  measureMemory,
  type AppChildOptions,
  type ChildReply,
  type ParentRequest,
  type SeededCitizen,
} from './protocol.js';

const send = (message: ChildReply) => process.send?.(message);
const options = JSON.parse(process.argv[2] ?? '{}') as AppChildOptions;
let running: RunningServer | null = null;
let profiler: Session | null = null;

/**
 * `--alloc-prof`: V8's sampling heap profiler over the changes, counting what collections freed
 * too (every allocation, not only what is still alive): where a change's garbage comes from.
 */
async function startProfile() {
  profiler = new Session();
  profiler.connect();
  await profiler.post('HeapProfiler.enable');
  // Node's typings know only the interval; V8 takes the other two as well.
  const sampling = {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  };
  await profiler.post('HeapProfiler.startSampling', sampling);
  send({ type: 'profiling' });
}

async function writeProfile() {
  if (!profiler || !options.allocationProfile) return;
  const { profile } = await profiler.post('HeapProfiler.stopSampling');
  await writeFile(options.allocationProfile, JSON.stringify(profile));
  profiler.disconnect();
  profiler = null;
}

async function main() {
  const startedAt = performance.now();
  // Visits are seeded with lastSeenAt = now; at 10,000 citizens connecting can take longer than the
  // default 120 s grace period, and the hub's sweep would expire those not yet connected.
  // Each simulated citizen comes from an address of its own, as the reverse proxy reports it (the
  // per-address socket cap of issue 11 would otherwise refuse all but 200 of them).
  const config = testConfig({ VISIT_GRACE_SECONDS: '3600', TRUST_PROXY: '1' });
  const database = await openDatabase(
    options.database.kind === 'postgres'
      ? { kind: 'postgres', url: options.database.url, maxConnections: 10 }
      : { kind: 'pglite', dataDir: null },
  );
  const db = database.db;
  const now = new Date();
  const tenant = await makeTenant(db);
  const departments = [];
  for (let i = 0; i < options.departments; i++) {
    departments.push(
      await makeDepartment(db, tenant.id, {
        queueCap: options.clients + 100,
        doorOverride: 'open',
        doorOverrideAt: now,
        sortOrder: i,
      }),
    );
  }
  const clerk = await makeStaff(db, tenant.id, {
    name: 'Bench Clerk',
    memberships: departments.map((d) => ({ departmentId: d.id, role: 'clerk' as const })),
  });

  // Citizen i waits in department i mod D; creation times increase with i, so within a department
  // the queue order is the order of i.
  const citizens: SeededCitizen[] = [];
  const base = now.getTime() - options.clients - 1000;
  const batch = 500;
  for (let start = 0; start < options.clients; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(options.clients, start + batch); i++) {
      rows.push({
        tenantId: tenant.id,
        departmentId: departments[i % departments.length]!.id,
        state: 'waiting' as const,
        citizenName: `Bürgerin ${i}`,
        concern: 'Personalausweis beantragen',
        language: 'de',
        createdAt: new Date(base + i),
        lastSeenAt: now,
      });
    }
    const inserted = await db.insert(visits).values(rows).returning({ id: visits.id });
    inserted.forEach((row, offset) => {
      const i = start + offset;
      citizens.push({
        visitId: row.id,
        cookie: signValue(config.sessionSecret, 'visit', row.id),
        group: i % departments.length,
      });
    });
  }

  // The clerk at every office's console, as in a staffed town hall: seats as a console's socket
  // writes them (fresh for PRESENCE_TTL_MS, 90 s, longer than the app's part of a run). Without
  // them every door counted as one nobody attends, and the jobs' first round stamped all of them
  // and told all 10,000 citizens again in the middle of the changes (decision 031, forty-eighth
  // addendum), which no staffed office does.
  await db.insert(consolePresence).values(
    departments.map((department, i) => ({
      connectionId: presenceKey(`bench-console-${String(i)}`, department.id),
      staffId: clerk.id,
      departmentId: department.id,
      seenAt: now,
    })),
  );

  running = await startServer(config, createLogger('silent'), { database, webDistDir: null });
  send({
    type: 'ready',
    url: running.url,
    departmentIds: departments.map((d) => d.id),
    citizens,
    clerk: { email: clerk.email, password: clerk.password },
    seedMs: performance.now() - startedAt,
  });
}

async function stop(code: number) {
  try {
    await writeProfile();
    await running?.stop(1_000);
  } finally {
    process.exit(code);
  }
}

process.on('message', (message: ParentRequest) => {
  if (message.type === 'memory') {
    void measureMemory(() => running?.hub.connectionCount ?? 0).then((figures) => send({ type: 'memory', ...figures }));
  } else if (message.type === 'profile' && options.allocationProfile) void startProfile();
  else if (message.type === 'stop') void stop(0);
});
// The benchmark died or went away: do not linger.
process.on('disconnect', () => void stop(0));

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  void stop(1);
});
