import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HealthLiveResponseSchema, HealthResponseSchema } from '@amtsraum/shared';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { WebSocket } from 'ws';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, rowsOf, type Database } from '../../db/client.js';
import { LIVEKIT_ENV, STUB_JOBS } from '../../test/livekit.js';
import { createPostgresDatabase, createTestDatabase, databaseKinds } from '../../test/databases.js';
import { Scheduler } from '../../jobs/scheduler.js';
import { DiskWatch } from '../../lib/disk-watch.js';
import { MailWorker } from '../../mail/mail.worker.js';
import { memoryMailTransport } from '../../mail/transport.js';
import { TestClient } from '../../test/client.js';
import { settableClock } from '../../test/clock.js';
import { makeOffice, makeStaff, makeTenant } from '../../test/factories.js';
import { captureLogger, startTestServer, TEST_ORIGIN, testConfig } from '../../test/server.js';
import { HEALTH_PING_REUSE_MS } from './health.router.js';

// Pages start LiveKit's encryption worker ahead of a call only where calls are end-to-end
// encrypted (decision 012); the public health answer tells them, as it tells the transport.
describe('the health answer’s media', () => {
  const mediaOf = async (env: Record<string, string>) => {
    const server = await startTestServer(await createTestDatabase('pglite'), { env, jobs: STUB_JOBS });
    try {
      const response = await fetch(`${server.url}/api/health`);
      return HealthResponseSchema.parse(await response.json()).media;
    } finally {
      await server.stop();
    }
  };

  it('says whether LiveKit calls are end-to-end encrypted, and never for peer-to-peer', async () => {
    expect(await mediaOf({ MEDIA_MODE: 'livekit', ...LIVEKIT_ENV })).toEqual({ mode: 'livekit', e2ee: true });
    expect(await mediaOf({ MEDIA_MODE: 'livekit', ...LIVEKIT_ENV, LIVEKIT_E2EE: 'false' })).toEqual({
      mode: 'livekit',
      e2ee: false,
    });
    expect(await mediaOf({ MEDIA_MODE: 'p2p', ...LIVEKIT_ENV })).toEqual({ mode: 'p2p', e2ee: false });
  }, 120_000);
});

// Behind a reverse proxy with TRUST_PROXY unset every citizen would count as the proxy's address:
// the IT staff hear of it once in the log, and monitoring sees it in the health answer.
describe('the health answer’s warnings', () => {
  const serve = (env: Record<string, string>) => {
    const capture = captureLogger('warn');
    return createTestDatabase('pglite').then(async (database) => ({
      capture,
      server: await startTestServer(database, { env, jobs: STUB_JOBS, logger: capture.logger }),
    }));
  };
  const health = async (url: string, headers: Record<string, string> = {}) =>
    HealthResponseSchema.parse(await (await fetch(`${url}/api/health`, { headers })).json());
  const warningLines = (text: string) => text.split('\n').filter((line) => line.includes('TRUST_PROXY is not set'));

  it('names a proxy that TRUST_PROXY does not, once, without the citizen’s address', async () => {
    const { capture, server } = await serve({ TRUST_PROXY: 'false' });
    try {
      // Straight from a browser (or a health check on the machine): nothing to say.
      expect((await health(server.url)).warnings).toEqual([]);
      expect(warningLines(capture.text())).toEqual([]);

      // Through a proxy on the same machine: said at once, and once only.
      const answer = await health(server.url, { 'x-forwarded-for': '203.0.113.7' });
      expect(answer.warnings).toEqual(['forwarded_without_trust_proxy']);
      expect(answer.status).toBe('ok');
      await health(server.url, { forwarded: 'for=198.51.100.9' });
      expect((await health(server.url)).warnings).toEqual(['forwarded_without_trust_proxy']);
      const lines = warningLines(capture.text());
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, proxy: '127.0.0.1' });
      expect(capture.text()).not.toContain('203.0.113.7');
      expect(capture.text()).not.toContain('198.51.100.9');
    } finally {
      await server.stop();
    }
  });

  it('names the address the pages are opened at when PUBLIC_BASE_URL differs, over HTTP and the live socket', async () => {
    const differs = (text: string) => text.split('\n').filter((line) => line.includes('but PUBLIC_BASE_URL is'));
    for (const way of ['http', 'socket'] as const) {
      const { capture, server } = await serve({ TRUST_PROXY: '1' });
      try {
        const own = new URL(server.url).origin; // PUBLIC_BASE_URL is TEST_ORIGIN, another address
        // Each citizen from an address of their own, as the trusted proxy reports it.
        const knock = (origin: string, from: string) =>
          fetch(`${server.url}/api/visit/leave`, {
            method: 'POST',
            headers: { origin, 'x-forwarded-for': from },
            body: '{}',
          });
        const upgrade = (origin: string, from: string) =>
          new Promise<number>((resolve) => {
            const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, {
              headers: { origin, 'x-forwarded-for': from },
            });
            socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
            socket.on('open', () => resolve(101));
            socket.on('error', () => undefined);
          });
        const refuse =
          way === 'http' ? async (origin: string, from: string) => (await knock(origin, from)).status : upgrade;

        // Another site's page is refused and is no sign of a wrong setting.
        for (const from of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
          expect(await refuse('https://elsewhere.example', from)).toBe(403);
        }
        expect((await health(server.url)).warnings).toEqual([]);

        // A page of this installation, opened at the address the request was sent to. One client,
        // however often, is no proof (it writes Host and Origin itself); nor is an origin with a path.
        for (let i = 0; i < 5; i++) expect(await refuse(own, '203.0.113.7')).toBe(403);
        expect(await refuse(`${own}/`, '203.0.113.8')).toBe(403);
        expect(await refuse(`${own}/`, '203.0.113.9')).toBe(403);
        expect((await health(server.url)).warnings).toEqual([]);
        // The third citizen refused there is.
        expect(await refuse(own, '203.0.113.8')).toBe(403);
        expect((await health(server.url)).warnings).toEqual([]);
        expect(await refuse(own, '2001:db8:1:2::7')).toBe(403);
        expect((await health(server.url)).warnings).toEqual(['public_base_url_differs']);
        const lines = differs(capture.text());
        expect(lines).toHaveLength(1);
        expect(JSON.parse(lines[0]!)).toMatchObject({
          level: 40,
          warning: 'public_base_url_differs',
          opened: own,
          publicBaseUrl: TEST_ORIGIN,
        });
      } finally {
        await server.stop();
      }
    }
  });

  it('stays quiet where the proxy is trusted', async () => {
    const { capture, server } = await serve({ TRUST_PROXY: '1' });
    try {
      expect((await health(server.url, { 'x-forwarded-for': '203.0.113.7' })).warnings).toEqual([]);
      expect(warningLines(capture.text())).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

/** Counts the readiness probes of the database from now on; `pings` can be raised by a later replacement too. */
function countPings(database: Pick<Database, 'schemaState'>) {
  const real = database.schemaState.bind(database);
  const counted = { pings: 0 };
  database.schemaState = (timeoutMs?: number) => {
    counted.pings++;
    return real(timeoutMs);
  };
  return counted;
}

describe.each(databaseKinds)('the health answer on %s', (kind) => {
  it('asks the database once for a flood of health requests, and once while it hangs', async () => {
    const server = await startTestServer(await createTestDatabase(kind), { jobs: STUB_JOBS });
    try {
      const { database } = server;
      const counted = countPings(database);
      const flood = async () => {
        const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(`${server.url}/api/health`)));
        return Promise.all(answers.map(async (answer) => HealthResponseSchema.parse(await answer.json()).status));
      };
      expect(await flood()).toEqual(Array<string>(50).fill('ok'));
      expect(counted.pings).toBe(1);

      // Later than the answer stands for: asked again. A database that hangs is asked once, and
      // everybody hears "degraded" once it gives up.
      await new Promise((resolve) => setTimeout(resolve, HEALTH_PING_REUSE_MS + 50));
      let giveUp = (_state: 'unreachable') => {};
      database.schemaState = () => {
        counted.pings++;
        return new Promise((resolve) => (giveUp = resolve));
      };
      const waiting = Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}/api/health`)));
      await vi.waitFor(() => expect(counted.pings).toBe(2));
      await new Promise((resolve) => setTimeout(resolve, 100)); // all 20 in, none asking again
      giveUp('unreachable');
      const answers = await waiting;
      expect(answers.map((answer) => answer.status)).toEqual(Array<number>(20).fill(503));
      expect(counted.pings).toBe(2);
    } finally {
      await server.stop();
    }
  }, 60_000);
});

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The probe docker-compose.yml's app service runs, pointed at `url` instead of port 3000. */
function composeProbe(url: string): string {
  const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: { app: { healthcheck: { test: string[] } } };
  };
  const [cmd, node, flag, script] = compose.services.app.healthcheck.test;
  expect([cmd, node, flag]).toEqual(['CMD', 'node', '-e']);
  expect(script).toContain('http://127.0.0.1:3000/');
  return script!.replace('http://127.0.0.1:3000', url);
}

/** The probe of infra/Dockerfile's HEALTHCHECK (it reads PORT, as the app does). */
function dockerfileProbe(): string {
  const lines = fs.readFileSync(path.join(ROOT, 'infra/Dockerfile'), 'utf8').split('\n');
  const at = lines.findIndex((line) => line.startsWith('HEALTHCHECK '));
  const command = JSON.parse(lines[at + 1]!.trim().replace(/^CMD /, '')) as string[];
  expect(command.slice(0, 2)).toEqual(['node', '-e']);
  return command[2]!;
}

/** Runs a probe as Docker would, and gives its exit code (0: healthy). */
function runProbe(script: string, env: Record<string, string> = {}): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', resolve);
  });
}

// A liveness probe that asked the database would restart a healthy process during a database
// outage, which the app rides out by itself (resilience/postgres-restart.test.ts): liveness and
// readiness are two answers.
describe.each(databaseKinds)('liveness and readiness on %s', (kind) => {
  it('answers live without asking the database, and ready with its checks', async () => {
    const server = await startTestServer(await createTestDatabase(kind), { jobs: STUB_JOBS });
    try {
      const { database } = server;
      const counted = countPings(database);
      const live = await fetch(`${server.url}/api/health/live`);
      expect([live.status, live.headers.get('cache-control')]).toEqual([200, 'no-store']);
      expect(HealthLiveResponseSchema.parse(await live.json())).toEqual({ status: 'ok' });
      expect(counted.pings).toBe(0);

      const ready = await fetch(`${server.url}/api/health/ready`);
      expect(ready.status).toBe(200);
      expect(HealthResponseSchema.parse(await ready.json())).toMatchObject({
        status: 'ok',
        database: { kind, reachable: true },
      });
      expect(counted.pings).toBe(1);
      // The old address answers as before.
      const old = await fetch(`${server.url}/api/health`);
      expect(old.status).toBe(200);
      expect(HealthResponseSchema.parse(await old.json()).status).toBe('ok');
    } finally {
      await server.stop();
    }
  });

  it('stays live while the database is unreachable; ready and the old address say 503', async () => {
    const capture = captureLogger('info');
    const server = await startTestServer(await createTestDatabase(kind), { jobs: STUB_JOBS, logger: capture.logger });
    try {
      await server.database.close();
      const live = await fetch(`${server.url}/api/health/live`);
      expect(live.status).toBe(200);
      expect(HealthLiveResponseSchema.parse(await live.json())).toEqual({ status: 'ok' });
      for (const address of ['/api/health/ready', '/api/health']) {
        const answer = await fetch(`${server.url}${address}`);
        expect([address, answer.status]).toEqual([address, 503]);
        expect(HealthResponseSchema.parse(await answer.json())).toMatchObject({
          status: 'degraded',
          database: { kind, reachable: false },
        });
      }

      // Docker's healthchecks (compose and the image's own) probe liveness: the container stays
      // healthy, and nothing that restarts unhealthy containers restarts it for the database.
      expect(await runProbe(composeProbe(server.url))).toBe(0);
      expect(await runProbe(dockerfileProbe(), { PORT: new URL(server.url).port })).toBe(0);
      // The same probe on the readiness address would fail, so the test sees which one they ask.
      expect(await runProbe(composeProbe(server.url).replace('/api/health/live', '/api/health/ready'))).toBe(1);

      // A load balancer asking every few seconds fills no log with errors and made-up stacks: each
      // 503 is one warning line with its path and status, the database's state said by the answer.
      const lines = capture
        .text()
        .split('\n')
        .filter((line) => line.includes('/api/health'))
        .map((line) => JSON.parse(line) as { level: number; res?: { statusCode: number }; err?: unknown });
      const unready = lines.filter((line) => line.res?.statusCode === 503);
      expect(unready.length).toBeGreaterThanOrEqual(3);
      for (const line of unready) expect(line).toMatchObject({ level: 40 });
      expect(unready.filter((line) => line.err !== undefined)).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 60_000);
});

/** The readiness answer: its status and what it says of the database. */
async function readiness(url: string) {
  const answer = await fetch(`${url}/api/health/ready`);
  return { status: answer.status, database: HealthResponseSchema.parse(await answer.json()).database };
}

/** The log's readiness lines, parsed. */
function readinessLines(text: string) {
  return text
    .split('\n')
    .filter((line) => line.includes('"readiness: '))
    .map((line) => JSON.parse(line) as { level: number; schema?: string; msg: string; err?: unknown });
}

// The database dropped and created again under a running app (a restore gone wrong, a script
// pointed at the wrong database): `select 1` answers, every query fails for want of tables. The
// app said it was ready until a restart ran the migrations; now it says 503 until the schema is
// back, with one warning line telling the IT staff why.
describe.runIf(databaseKinds.includes('postgres'))('readiness on a PostgreSQL database created again', () => {
  it('answers 503 with the reason in one log line until the schema is back, then 200', async () => {
    const fresh = await createPostgresDatabase({ prefix: 'amtsraum_t_ready_' });
    const name = new URL(fresh.url).pathname.slice(1);
    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    const database = await openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 3 });
    const capture = captureLogger('info');
    const server = await startTestServer(Object.assign(database, { url: fresh.url }), {
      jobs: STUB_JOBS,
      logger: capture.logger,
    });
    const later = () => new Promise((resolve) => setTimeout(resolve, HEALTH_PING_REUSE_MS + 50));
    try {
      expect(await readiness(server.url)).toEqual({
        status: 200,
        database: { kind: 'postgres', reachable: true, schema: 'current' },
      });

      await admin.unsafe(`drop database "${name}" with (force)`);
      await admin.unsafe(`create database "${name}"`);
      await vi.waitFor(
        async () => {
          expect(await readiness(server.url)).toEqual({
            status: 503,
            database: { kind: 'postgres', reachable: true, schema: 'missing' },
          });
        },
        { timeout: 20_000, interval: 200 },
      );
      // Asked again and again by the load balancer: still 503, and still the one line.
      await later();
      expect((await readiness(server.url)).status).toBe(503);
      const warned = readinessLines(capture.text());
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatchObject({ level: 40, schema: 'missing' });
      expect(warned[0]!.msg).toContain('holds no Amtsraum tables');
      expect(warned[0]!.err).toBeUndefined();
      expect(capture.text()).not.toContain('amtsraum_ci:amtsraum_ci');
      expect(capture.text()).not.toContain('"stack"');

      // What a restart does: the migrations run. Ready again, said once.
      await (await openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 2 })).close();
      await later();
      expect(await readiness(server.url)).toEqual({
        status: 200,
        database: { kind: 'postgres', reachable: true, schema: 'current' },
      });
      const lines = readinessLines(capture.text());
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatchObject({ level: 30, schema: 'current' });
    } finally {
      await server.stop();
      await admin.end();
      await fresh.drop();
    }
  }, 60_000);
});

// A schema restored from a backup taken before an update (behind), or migrated by a newer release
// beside this one (newer, refused at a start): queries this code sends may fail. Not ready either.
describe.each(databaseKinds)('readiness against another release’s schema on %s', (kind) => {
  it('answers 503 for an older and a newer schema, 200 for its own', async () => {
    const capture = captureLogger('warn');
    const server = await startTestServer(await createTestDatabase(kind), { jobs: STUB_JOBS, logger: capture.logger });
    const later = () => new Promise((resolve) => setTimeout(resolve, HEALTH_PING_REUSE_MS + 50));
    const { db } = server.database;
    try {
      const [last] = rowsOf<{ id: number; created_at: string }>(
        await db.execute(
          sql`select id, created_at::text from drizzle.__drizzle_migrations order by created_at desc limit 1`,
        ),
      );
      await db.execute(sql`delete from drizzle.__drizzle_migrations where id = ${last!.id}`);
      await later();
      expect(await readiness(server.url)).toEqual({
        status: 503,
        database: { kind, reachable: true, schema: 'behind' },
      });

      await db.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('newer', ${Number(last!.created_at) + 1})`,
      );
      await later();
      expect(await readiness(server.url)).toEqual({
        status: 503,
        database: { kind, reachable: true, schema: 'newer' },
      });

      await db.execute(sql`delete from drizzle.__drizzle_migrations where hash = 'newer'`);
      await db.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('restored', ${Number(last!.created_at)})`,
      );
      await later();
      expect(await readiness(server.url)).toEqual({
        status: 200,
        database: { kind, reachable: true, schema: 'current' },
      });
      expect(readinessLines(capture.text()).map((line) => line.schema)).toEqual(['behind', 'newer']);
    } finally {
      await server.stop();
    }
  }, 60_000);
});

// A full disk: reads still work, so readiness said 200 while every knock, sign-in and booking
// failed (503 database_unavailable); a load balancer kept sending people to the process. Now
// readiness says 503 from the first write refused for lack of space until writes succeed again.
describe.each(databaseKinds)('readiness while the database’s disk is full on %s', (kind) => {
  it('answers 503 with the reason once a write failed for want of space, 200 once writes succeed', async () => {
    const capture = captureLogger('info');
    const server = await startTestServer(await createTestDatabase(kind), { jobs: STUB_JOBS, logger: capture.logger });
    const { database } = server;
    const signIn = (clerk: { email: string; password: string }) =>
      fetch(`${server.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, 'accept-language': 'en' },
        body: JSON.stringify({ email: clerk.email, password: clerk.password }),
      });
    try {
      const clerk = await makeStaff(database.db, (await makeTenant(database.db)).id);
      expect((await readiness(server.url)).status).toBe(200);

      // Every write of a sign-in fails as PostgreSQL fails when it cannot extend a file (as in
      // app.test.ts); the database's own write probe finds no room either, until space is freed.
      const realProbe = database.writeProbe.bind(database);
      let full = true;
      const probed: string[] = [];
      database.writeProbe = async (timeoutMs?: number) => {
        const answer = full ? ('disk_full' as const) : await realProbe(timeoutMs);
        probed.push(answer);
        return answer;
      };
      for (const statement of [
        `create function disk_is_full() returns boolean language plpgsql as $$ begin ` +
          `raise exception 'could not extend file "base/5/16619": No space left on device' using errcode = 'disk_full'; end $$`,
        'alter table staff rename to staff_kept',
        'create view staff as select * from staff_kept where disk_is_full()',
      ]) {
        await database.db.execute(sql.raw(statement));
      }
      expect((await signIn(clerk)).status).toBe(503);

      const unready = await fetch(`${server.url}/api/health/ready`);
      expect(unready.status).toBe(503);
      const body = HealthResponseSchema.parse(await unready.json());
      expect(body).toMatchObject({
        status: 'degraded',
        database: { kind, reachable: true, schema: 'current', diskFull: true },
      });
      expect(body.database.reason).toContain("the database's disk is full");
      expect(body.database.reason).toContain('until space is freed');
      expect((await fetch(`${server.url}/api/health`)).status).toBe(503);
      // The process is alive: liveness stays 200.
      expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);

      // Asked again, and more sign-ins failing: still 503, and the log said it once.
      await new Promise((resolve) => setTimeout(resolve, HEALTH_PING_REUSE_MS + 50));
      expect((await signIn(clerk)).status).toBe(503);
      expect((await readiness(server.url)).status).toBe(503);
      const warned = readinessLines(capture.text());
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatchObject({ level: 40 });
      expect(warned[0]!.msg).toContain("readiness: not ready, the database's disk is full");
      expect(warned[0]!.err).toBeUndefined();

      // Space freed: the database's real write probe succeeds, and readiness says ready again.
      for (const statement of [
        'drop view staff',
        'drop function disk_is_full()',
        'alter table staff_kept rename to staff',
      ]) {
        await database.db.execute(sql.raw(statement));
      }
      full = false;
      await vi.waitFor(
        async () =>
          expect(await readiness(server.url)).toEqual({
            status: 200,
            database: { kind, reachable: true, schema: 'current' },
          }),
        { timeout: 10_000, interval: 200 },
      );
      expect(probed.at(-1)).toBe('ok');
      const lines = readinessLines(capture.text());
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatchObject({ level: 30, msg: 'readiness: the database takes writes again; ready' });
      expect((await signIn(clerk)).status).toBe(200);
      // All well again: readiness writes nothing to find out.
      const count = probed.length;
      await new Promise((resolve) => setTimeout(resolve, HEALTH_PING_REUSE_MS + 50));
      expect((await readiness(server.url)).status).toBe(200);
      expect(probed).toHaveLength(count);
    } finally {
      await server.stop();
    }
  }, 60_000);
});

// Readiness learned of a full disk only from a failed HTTP request. A process whose requests
// happened to read (door pages, waiting rooms) while its live socket's and its jobs' writes were
// refused said ready. Every part that writes now tells the same watch.
describe.each(databaseKinds)('readiness when a write beside the requests meets a full disk, on %s', (kind) => {
  it('answers 503 once a citizen’s socket could not mark them present, 200 once writes succeed', async () => {
    const start = new Date();
    const clock = settableClock(start);
    const capture = captureLogger('info');
    const server = await startTestServer(await createTestDatabase(kind), {
      jobs: STUB_JOBS,
      logger: capture.logger,
      now: clock.now,
      env: { VISIT_GRACE_SECONDS: '3600' },
    });
    const { database } = server;
    const live: { close(): void }[] = [];
    try {
      const { base } = await makeOffice(database.db, { openAt: start });
      const citizen = new TestClient(server.url, { origin: TEST_ORIGIN });
      const knock = { name: 'Erika', concern: 'Anliegen', language: 'de', consent: true };
      expect((await citizen.post(`${base}/knock`, knock)).status).toBe(201);

      // Every update of a visit fails as PostgreSQL fails when it cannot extend a file; the
      // database's own write probe finds no room either, until space is freed.
      const realProbe = database.writeProbe.bind(database);
      let full = true;
      database.writeProbe = async (timeoutMs?: number) => (full ? 'disk_full' : realProbe(timeoutMs));
      const refuse = [
        `create function disk_is_full() returns trigger language plpgsql as $$ begin ` +
          `raise exception 'could not extend file "base/5/16619": No space left on device' using errcode = 'disk_full'; end $$`,
        'create trigger visits_disk_full before update on visits for each row execute function disk_is_full()',
      ];
      for (const statement of refuse) await database.db.execute(sql.raw(statement));
      expect((await readiness(server.url)).status).toBe(200);

      // A minute on, the citizen's page opens its live connection: the hub marks them present,
      // which the database refuses. No HTTP request wrote anything.
      clock.set(new Date(start.getTime() + 60_000));
      const socket = await citizen.live();
      live.push(socket);
      const seen = socket.next('visit');
      socket.send({ type: 'watch-visit' });
      expect((await seen).visit?.state).toBe('waiting');
      await vi.waitFor(
        async () => expect(await readiness(server.url)).toMatchObject({ status: 503, database: { diskFull: true } }),
        { timeout: 10_000, interval: 100 },
      );
      const warned = readinessLines(capture.text());
      expect(warned).toHaveLength(1);
      expect(warned[0]!.msg).toContain("readiness: not ready, the database's disk is full");

      // Space freed: ready again.
      await database.db.execute(sql.raw('drop trigger visits_disk_full on visits'));
      await database.db.execute(sql.raw('drop function disk_is_full()'));
      full = false;
      await vi.waitFor(async () => expect((await readiness(server.url)).status).toBe(200), {
        timeout: 10_000,
        interval: 200,
      });
    } finally {
      for (const socket of live) socket.close();
      await server.stop();
    }
  }, 60_000);

  it('a scheduled job and the mail worker tell the same watch; other failures do not', async () => {
    const diskFull = Object.assign(new Error('could not extend file: No space left on device'), { code: '53100' });
    const wrapped = new Error('Failed query: update …', { cause: diskFull });
    const capture = captureLogger('info');
    const { logger } = capture;

    const watch = new DiskWatch(logger);
    const jobs = (error: Error) =>
      new Scheduler(
        [{ name: 'test.fails', everyMs: 60_000, atStart: true, run: () => Promise.reject(error) }],
        logger,
        watch,
      );
    let scheduler = jobs(new Error('connection reset'));
    scheduler.start();
    await scheduler.stop();
    expect(await watch.stillFull({ writeProbe: async () => 'ok' })).toBe(false);
    scheduler = jobs(wrapped);
    scheduler.start();
    await scheduler.stop();
    expect(await watch.stillFull({ writeProbe: async () => 'disk_full' })).toBe(true);
    expect(await watch.stillFull({ writeProbe: async () => 'ok' })).toBe(false);
    expect(readinessLines(capture.text()).map((line) => line.msg)).toEqual([
      expect.stringContaining("readiness: not ready, the database's disk is full"),
      'readiness: the database takes writes again; ready',
    ]);

    // The mail worker's round: its outbox statements refused for lack of space.
    const database = await createTestDatabase(kind);
    try {
      const mailWatch = new DiskWatch(logger);
      const worker = new MailWorker({
        database,
        config: testConfig(),
        logger: captureLogger('silent').logger,
        now: () => new Date(),
        disk: mailWatch,
        transport: memoryMailTransport(),
      });
      for (const statement of [
        `create function disk_is_full() returns trigger language plpgsql as $$ begin ` +
          `raise exception 'could not extend file "base/5/16619": No space left on device' using errcode = 'disk_full'; end $$`,
        'create trigger outbox_disk_full before update on mail_outbox for each statement execute function disk_is_full()',
      ]) {
        await database.db.execute(sql.raw(statement));
      }
      await worker.start();
      await vi.waitFor(
        async () => expect(await mailWatch.stillFull({ writeProbe: async () => 'disk_full' })).toBe(true),
        {
          timeout: 10_000,
          interval: 100,
        },
      );
      await worker.stop();
    } finally {
      await database.close();
    }
  }, 60_000);
});
