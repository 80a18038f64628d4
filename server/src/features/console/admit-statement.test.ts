import { OnsiteTicketResponseSchema } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visits } from '../../db/schema.js';
import { makeAppointmentOffice } from '../../test/booking-factories.js';
import { TestClient } from '../../test/client.js';
import { settableClock } from '../../test/clock.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { startTestServer, type TestServer } from '../../test/server.js';

// Issue 14, item 2: everyone waiting hears of an admit only after its UPDATE, and on the embedded
// database every statement before it also holds up the fan-out of the change before. So the admit
// is one statement: the busy check (the unique index), the clerk's counter and the candidate are in
// the UPDATE (visit-states.ts). The refusals it replaced are covered by console.test.ts and
// onsite-queue.test.ts; here: the statement count, and that the counter is never an old one.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin: open by the factory's hours
const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });
/** What an admit reads or writes before its record: visits, or the clerk's membership (the counter). */
const TOUCHES_QUEUE = /"visits"|"staff_memberships"/;

describe.each(databaseKinds)('an admit on %s', (kind) => {
  const clock = settableClock(NOW);
  let server: TestServer;
  const statements: string[] = [];
  let address = 0;
  const client = () => {
    const n = ++address;
    return new TestClient(server.url, { 'x-forwarded-for': `10.52.${n >> 8}.${n & 255}` });
  };

  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase(kind, { onQuery: (query) => statements.push(query) }), {
      now: clock.now,
      env: { TRUST_PROXY: '1' },
    });
  }, 180_000);
  afterAll(() => server.stop());

  /**
   * The statements `request` costs up to its UPDATE of the visit, that touch the queue or the
   * membership, and that the UPDATE came before the audit entry. (After the UPDATE a video admit's
   * call join reads the visit beside the record: decision 012, the room opened with the admit.)
   */
  async function beforeRecord(request: () => Promise<{ status: number }>) {
    const from = statements.length;
    expect((await request()).status).toBe(200);
    const during = statements.slice(from);
    const audit = during.findIndex((query) => /insert into "audit_events"/.test(query));
    const update = during.findIndex((query) => /^update "visits"/.test(query));
    expect(update).toBeGreaterThan(-1);
    expect(audit).toBeGreaterThan(update);
    return during.slice(0, update + 1).filter((query) => TOUCHES_QUEUE.test(query));
  }

  it('is one UPDATE before its record, and calls to the counter the clerk has now', async () => {
    clock.reset();
    const o = await makeAppointmentOffice(server.database.db, {
      openAt: clock.now(),
      browser: client(),
      service: { channels: 'both', knockable: true },
    });
    const clerk = o.clerkBrowser!;
    const path = o.staffPath;
    const ticket = async () =>
      OnsiteTicketResponseSchema.parse((await clerk.post(`${path}/onsite-tickets`, {})).json).visitId;
    expect((await clerk.put(`${path}/counter`, { counterName: 'Platz 3' })).status).toBe(200);
    const first = await ticket();
    // Behind the ticket in the queue (same moment: the order would be the ids').
    clock.set(new Date(NOW.getTime() + 60_000));
    const video = client();
    expect((await video.post(`${o.base}/knock`, knockBody('Video'))).status).toBe(201);
    // The session and the membership are kept from here on (staff-access.ts).
    expect((await clerk.get(`${path}/console`)).status).toBe(200);

    const called = await beforeRecord(() => clerk.post(`${path}/admit-next`));
    expect(called).toHaveLength(1);
    expect(called[0]).toMatch(/^update "visits"/);
    const [row] = await server.database.db.select().from(visits).where(eq(visits.id, first));
    expect(row).toMatchObject({ state: 'admitted', calledCounter: 'Platz 3', calledAt: clock.now() });
    expect((await clerk.post(`${path}/visits/${first}/finish`)).status).toBe(204);

    // A video visit: admitted, nothing called.
    const admitted = await beforeRecord(() => clerk.post(`${path}/admit-next`));
    expect(admitted).toHaveLength(1);
    const [videoRow] = await server.database.db
      .select()
      .from(visits)
      .where(and(eq(visits.admittedBy, o.clerk.id), eq(visits.state, 'admitted')));
    expect(videoRow).toMatchObject({ state: 'admitted', channel: 'video', calledCounter: null, calledAt: null });
    expect((await clerk.post(`${path}/visits/${videoRow!.id}/finish`)).status).toBe(204);

    // The counter renamed just now is the one called: it is read by the admit's own statement.
    expect((await clerk.put(`${path}/counter`, { counterName: 'Platz 4' })).status).toBe(200);
    const second = await ticket();
    expect((await clerk.post(`${path}/admit-next`)).status).toBe(200);
    const [again] = await server.database.db.select().from(visits).where(eq(visits.id, second));
    expect(again).toMatchObject({ state: 'admitted', calledCounter: 'Platz 4' });
  });
});
