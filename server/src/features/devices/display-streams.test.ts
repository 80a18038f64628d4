import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settableClock } from '../../test/clock.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { openDisplayStream, pairedDisplay } from '../../test/display-stream.js';
import { makeStaff } from '../../test/factories.js';
import { startSecondServer, startTestServer, type TestServer } from '../../test/server.js';
import { todayIn } from '../directory/directory.service.js';
import { admit, enqueueOnsite } from '../visits/visit-states.js';

// Decision 028, addendum: the call display shows on-site visits called to a counter (ticket,
// counter, time, state), never an appointment's columns. An event saying only that an appointment
// was booked, cancelled or moved (`appointmentId`) therefore cannot change its list, and its
// streams no longer re-read on it; every other department event still makes them read. Counted
// through the query builder's logger on A, the events published on B (another process on
// PostgreSQL; on PGlite B is A itself).

const NOW = new Date('2026-11-23T10:00:00Z'); // Monday, 11:00 in Berlin: today is the same all test long

/** The display's read (listDisplayCalls): the only statement ordered by the call time. */
const isDisplayRead = (query: string) => /order by "visits"\."called_at" desc/i.test(query);
/** The 25-second beat's check of a display's token: its reads of every department then are not the events'. */
const isBeat = (query: string) => /from "devices"/i.test(query) && /"token_hash" =/i.test(query);

describe.each(databaseKinds)('the call display’s stream and appointment events on %s', (kind) => {
  const statements: string[] = [];
  const clock = settableClock(NOW);
  let a: TestServer;
  let b: TestServer;
  let address = 0;

  beforeAll(async () => {
    const database = await createTestDatabase(kind, { onQuery: (query) => statements.push(query) });
    a = await startTestServer(database, { now: clock.now, env: { TRUST_PROXY: '1' } });
    b = await startSecondServer(a, { now: clock.now, env: { TRUST_PROXY: '1' } });
  }, 180_000);
  afterAll(async () => {
    if (b && b !== a) await b.stop();
    await a?.stop();
  });

  /** A department of a Berlin municipality with a paired call display streaming on A. */
  async function displayed() {
    const n = ++address;
    const at = `10.202.${n >> 8}.${n & 255}`;
    const { tenant, department, display } = await pairedDisplay(a, {
      address: at,
      now: clock.now(),
      timeZone: 'Europe/Berlin',
    });
    const stream = await openDisplayStream(display, '10.201.0.1');
    expect(stream.status).toBe(200);
    await stream.untilList((list) => list.calls.length === 0);
    return { tenant, department, stream };
  }

  /** An on-site visit of today called to `counter` (as the clerk's "next" does), announced from B. */
  async function callTicket(office: Awaited<ReturnType<typeof displayed>>, counter: string) {
    const db = b.database.db;
    const now = clock.now();
    const { id } = await enqueueOnsite(db, {
      tenantId: office.tenant.id,
      departmentId: office.department.id,
      citizenName: 'Erika Mustermann',
      concern: 'Personalausweis',
      language: 'de',
      createdAt: now,
      day: todayIn('Europe/Berlin', now),
    });
    const clerk = await makeStaff(db, office.tenant.id, {
      memberships: [{ departmentId: office.department.id, role: 'clerk' }],
    });
    await admit(db, { departmentId: office.department.id, visitId: id, staffId: clerk.id, now, counter });
    await b.deps.events.publish({ departmentId: office.department.id, visitId: id });
  }

  it('reads nothing for an appointment change, and still reads for a call right behind it', async () => {
    const booked = await displayed();
    const other = await displayed();
    await callTicket(booked, 'Platz 1');
    await booked.stream.untilList((list) => list.calls.length === 1);

    // Three bookings (or cancels, or moves) in the first department, as book.ts, cancel.ts and
    // move.ts announce them; then a call in the second. The bus delivers in order, and one flush
    // reads its departments in the order their events came: once the second display shows its
    // call, whatever the first department's events asked for has been read. (Measured again if the
    // beat's reads of both departments fell into it.)
    for (let attempt = 0; ; attempt++) {
      statements.length = 0;
      for (let i = 0; i < 3; i++) {
        await b.deps.events.publish({ departmentId: booked.department.id, appointmentId: crypto.randomUUID() });
      }
      await callTicket(other, `Platz ${String(10 + attempt)}`);
      await other.stream.untilList((list) => list.calls[0]?.counter === `Platz ${String(10 + attempt)}`);
      if (statements.some(isBeat) && attempt < 3) continue;
      expect(statements.filter(isDisplayRead)).toHaveLength(1);
      break;
    }

    // A queue event of the first department is read for, as before, and its list is as it was.
    statements.length = 0;
    await callTicket(booked, 'Platz 3');
    await booked.stream.untilList((list) => list.calls.length === 2);
    expect(booked.stream.lastCalls()!.calls.map((call) => call.counter)).toEqual(['Platz 3', 'Platz 1']);
    expect(statements.filter(isDisplayRead).length).toBeGreaterThanOrEqual(1);
    booked.stream.close();
    other.stream.close();
  }, 60_000);
});
