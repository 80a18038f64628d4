import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeAppointmentOffice } from '../../test/booking-factories.js';
import { TestClient } from '../../test/client.js';
import { settableClock } from '../../test/clock.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { startTestServer, type TestServer } from '../../test/server.js';

// Issue 14, item 2: on the embedded database every statement of a queue change runs in the thread
// that also sends the fan-out, and whatever a change still does when the next one comes holds that
// one up. The query builder builds a statement's text anew on every call (db/prepared.ts); once a
// change's statements have run, a citizen's leave and a clerk's admit and finish build none: the
// transition, its audit entry, the answer's reads and the call join's read are all kept built.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin: open by the factory's hours
const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

describe.each(databaseKinds)('a queue change on %s', (kind) => {
  const clock = settableClock(NOW);
  let server: TestServer;
  let address = 0;
  const client = () => {
    const n = ++address;
    return new TestClient(server.url, { 'x-forwarded-for': `10.53.${n >> 8}.${n & 255}` });
  };

  beforeAll(async () => {
    // Only the requests build statements in the measured windows: no timer's round falls into one
    // (the first round of a job or of the outbox builds its own; CI once saw the outbox's first
    // round, deferred while the process was busy, land in the leave's window).
    const hour = 3_600_000;
    server = await startTestServer(await createTestDatabase(kind), {
      now: clock.now,
      env: { TRUST_PROXY: '1' },
      jobs: { heartbeatMs: hour, sweepMs: hour, appointmentsMs: hour, mailPollMs: hour, reconcileMs: hour },
    });
    await server.mailWorker?.stop();
  }, 180_000);
  afterAll(() => server.stop());
  afterEach(() => vi.restoreAllMocks());

  /** The statement texts the query builder builds while `request` runs, and its status. */
  async function built(request: () => Promise<{ status: number }>) {
    const texts: string[] = [];
    const original = PgDialect.prototype.sqlToQuery;
    vi.spyOn(PgDialect.prototype, 'sqlToQuery').mockImplementation(function (this: PgDialect, ...args) {
      const query = original.apply(this, args);
      texts.push(query.sql);
      return query;
    });
    const { status } = await request();
    vi.restoreAllMocks();
    return { status, texts };
  }

  it('builds none of its statements anew once they have run: leave, admit (with the call join) and finish', async () => {
    const o = await makeAppointmentOffice(server.database.db, {
      openAt: clock.now(),
      browser: client(),
      service: { channels: 'both', knockable: true },
    });
    const clerk = o.clerkBrowser!;
    const path = o.staffPath;
    const citizens = [client(), client(), client(), client()];
    for (const [i, citizen] of citizens.entries()) {
      clock.set(new Date(NOW.getTime() + i * 1_000));
      expect((await citizen.post(`${o.base}/knock`, knockBody(`Bürger ${i}`))).status).toBe(201);
    }
    expect((await clerk.get(`${path}/console`)).status).toBe(200);

    // Each kind of change once: its statements are built here.
    expect((await citizens[3]!.post('/api/visit/leave', {})).status).toBe(200);
    const first = await clerk.post(`${path}/admit-next`);
    expect(first.status).toBe(200);
    expect((await clerk.post(`${path}/visits/${(first.json as { visitId: string }).visitId}/finish`)).status).toBe(204);

    // The same changes again build nothing.
    const leave = await built(() => citizens[2]!.post('/api/visit/leave', {}));
    expect(leave).toEqual({ status: 200, texts: [] });
    let admitted = '';
    const admit = await built(async () => {
      const answer = await clerk.post(`${path}/admit-next`);
      admitted = (answer.json as { visitId: string; call?: unknown }).visitId;
      // The admitting clerk's join came with it: its read of the visit ran.
      expect(answer.json).toHaveProperty('call');
      return answer;
    });
    expect(admit).toEqual({ status: 200, texts: [] });
    const finish = await built(() => clerk.post(`${path}/visits/${admitted}/finish`));
    expect(finish).toEqual({ status: 204, texts: [] });

    // And the record of each is complete, as it was when built each time.
    const rows = await server.database.db.query.auditEvents.findMany({
      where: (audit, { eq }) => eq(audit.departmentId, o.department.id),
      orderBy: (audit, { asc }) => asc(audit.createdAt),
    });
    const mine = rows.filter((row) => ['visit.left', 'visit.admitted', 'visit.finished'].includes(row.action));
    expect(mine.map((row) => [row.action, row.actorKind, row.actorStaffId !== null])).toEqual([
      ['visit.left', 'citizen', false],
      ['visit.admitted', 'staff', true],
      ['visit.finished', 'staff', true],
      ['visit.left', 'citizen', false],
      ['visit.admitted', 'staff', true],
      ['visit.finished', 'staff', true],
    ]);
    expect(mine.every((row) => row.tenantId === o.tenant.id && row.visitId !== null)).toBe(true);
  });
});
