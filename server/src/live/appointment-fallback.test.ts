import { eq } from 'drizzle-orm';
import type { ServerMessage } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments } from '../db/schema.js';
import { makeAppointmentOffice } from '../test/booking-factories.js';
import { TestClient, type LiveSocket } from '../test/client.js';
import { settableClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { startSecondServer, startTestServer, type TestServer } from '../test/server.js';

// Decision 018, third addendum: an event saying only that an appointment changed
// (`{ departmentId, appointmentId }`) costs the hub no read while its kept state of the department
// is current and no live visit belongs to that appointment. When a visit of the queue does belong
// to it, the hub must refresh as for any queue change. Booking, cancelling and moving touch only
// appointments nobody has arrived for, so no API route reaches that branch: this test publishes
// the event as another process would (from B; on PGlite B is A itself), after changing the
// appointment behind the hub's back, and sees the change told or, for an appointment without a
// visit, not told.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin
const MINUTE = 60_000;
const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

describe.each(databaseKinds)('an appointment event whose appointment has a live visit, on %s', (kind) => {
  const clock = settableClock(NOW);
  let a: TestServer;
  let b: TestServer;
  let address = 0;
  afterAll(() => clock.reset());
  const client = () => {
    const n = ++address;
    return new TestClient(a.url, { 'x-forwarded-for': `10.46.${n >> 8}.${n & 255}` });
  };

  // The due-arrivals job would announce the moved appointment with a plain event of its own, and
  // so tell the citizens without the branch under test: not within this test's hour.
  const options = { now: clock.now, env: { TRUST_PROXY: '1' }, jobs: { appointmentsMs: 3_600_000 } };

  beforeAll(async () => {
    a = await startTestServer(await createTestDatabase(kind), options);
    b = await startSecondServer(a, options);
  }, 180_000);
  afterAll(async () => {
    if (b && b !== a) await b.stop();
    await a?.stop();
  });

  const visitsOf = (live: LiveSocket) =>
    live.received.filter((m): m is Extract<ServerMessage, { type: 'visit' }> => m.type === 'visit');
  /** Everything the hub sent this socket before now is in when this returns. */
  const roundTrip = async (live: LiveSocket) => {
    const pong = live.next('pong');
    live.send({ type: 'ping' });
    await pong;
  };

  it('refreshes the queue when the appointment’s visit waits in it, and only then', async () => {
    const db = a.database.db;
    const office = await makeAppointmentOffice(db, { openAt: clock.now(), department: { joinOpensMinutesBefore: 60 } });
    // A walk-in first; then a citizen early for their appointment in half an hour: not due yet,
    // so second, by arrival.
    const walker = client();
    expect((await walker.post(`${office.base}/knock`, knockBody('Walter'))).status).toBe(201);
    const { appointment: early, token } = await office.book(new Date(NOW.getTime() + 30 * MINUTE));
    const { appointment: other } = await office.book(new Date(NOW.getTime() + 120 * MINUTE));
    clock.set(new Date(NOW.getTime() + MINUTE)); // after Walter, whatever the tie-breaks
    const booked = client();
    expect((await booked.post('/api/appointments/arrive', { token })).status).toBe(200);

    const walkerLive = await walker.live();
    const first = walkerLive.next('visit', (m) => m.visit?.position === 1);
    walkerLive.send({ type: 'watch-visit' });
    await first;
    const bookedLive = await booked.live();
    const second = bookedLive.next('visit', (m) => m.visit?.position === 2);
    bookedLive.send({ type: 'watch-visit' });
    expect((await second).visit?.appointmentStartsAt).toBe(early.startsAt.toISOString());
    await Promise.all([roundTrip(walkerLive), roundTrip(bookedLive)]);
    const before = { walker: visitsOf(walkerLive).length, booked: visitsOf(bookedLive).length };

    // An appointment nobody has arrived for changes (as a move in another process would):
    // nothing for the waiting, whose queue it is not part of.
    await b.database.db
      .update(appointments)
      .set({ startsAt: new Date(NOW.getTime() + 150 * MINUTE), endsAt: new Date(NOW.getTime() + 165 * MINUTE) })
      .where(eq(appointments.id, other.id));
    await b.deps.events.publish({ departmentId: office.department.id, appointmentId: other.id });
    // The event has reached A once a later one has: the queue's own, below, comes after it.

    // The arrived one's start moves to a minute ago behind the hub's back: due now, it goes first.
    // Only a read shows that, so the citizen being told proves the hub read.
    const movedStart = NOW;
    await b.database.db
      .update(appointments)
      .set({ startsAt: movedStart, endsAt: new Date(movedStart.getTime() + 15 * MINUTE) })
      .where(eq(appointments.id, early.id));
    const walkerSecond = walkerLive.next('visit', (m) => m.visit?.position === 2);
    const bookedFirst = bookedLive.next('visit', (m) => m.visit?.position === 1);
    await b.deps.events.publish({ departmentId: office.department.id, appointmentId: early.id });
    expect((await bookedFirst).visit?.appointmentStartsAt).toBe(movedStart.toISOString());
    await walkerSecond;
    await Promise.all([roundTrip(walkerLive), roundTrip(bookedLive)]);
    // Each was told once: the first event sent nothing, the second its read.
    expect(
      visitsOf(walkerLive)
        .slice(before.walker)
        .map((m) => m.visit?.position),
    ).toEqual([2]);
    expect(
      visitsOf(bookedLive)
        .slice(before.booked)
        .map((m) => m.visit?.position),
    ).toEqual([1]);
    walkerLive.close();
    bookedLive.close();
  }, 60_000);
});
