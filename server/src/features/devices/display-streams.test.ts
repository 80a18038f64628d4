import type { DisplayCalls } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../test/client.js';
import { settableClock } from '../../test/clock.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeStaff, makeTenant } from '../../test/factories.js';
import { startSecondServer, startTestServer, type TestServer } from '../../test/server.js';
import { todayIn } from '../directory/directory.service.js';
import { admit, enqueueOnsite } from '../visits/visit-states.js';
import { createDevice } from './devices.repo.js';

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

/** A display's Server-Sent Events stream: the lists it was sent, and a wait for one that matches. */
async function openStream(device: TestClient) {
  const abort = new AbortController();
  const response = await fetch(`${device.baseUrl}/api/devices/display/calls/stream`, {
    headers: { cookie: device.cookieHeader(), 'x-forwarded-for': '10.201.0.1' },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  const lists: DisplayCalls[] = [];
  let wake: () => void = () => {};
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let split;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const data = /^event: calls\ndata: (.*)$/m.exec(block)?.[1];
          if (data) lists.push(JSON.parse(data) as DisplayCalls);
        }
        wake();
      }
    } catch {
      // aborted by the test
    }
  })();
  return {
    lists,
    async until(check: (list: DisplayCalls) => boolean) {
      while (!lists.some(check)) await new Promise<void>((resolve) => (wake = resolve));
    },
    close: () => abort.abort(),
  };
}

describe.each(databaseKinds)('the call display’s stream and appointment events on %s', (kind) => {
  const statements: string[] = [];
  const clock = settableClock(NOW);
  let a: TestServer;
  let b: TestServer;
  let address = 0;
  const client = () => {
    const n = ++address;
    return new TestClient(a.url, { 'x-forwarded-for': `10.202.${n >> 8}.${n & 255}` });
  };

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
    const db = a.database.db;
    const tenant = await makeTenant(db, { timeZone: 'Europe/Berlin' });
    const department = await makeDepartment(db, tenant.id);
    // Made as an admin's devices page makes it (the admin routes are tested in devices.test.ts).
    const admin = await makeStaff(db, tenant.id, { memberships: [{ departmentId: department.id, role: 'admin' }] });
    const made = await createDevice(db, {
      tenantId: tenant.id,
      departmentId: department.id,
      kind: 'display',
      label: 'Wartebereich',
      createdBy: admin.id,
      now: clock.now(),
    });
    const device = client();
    expect((await device.post('/api/devices/pair', { code: made.pairingCode })).status).toBe(200);
    const stream = await openStream(device);
    await stream.until((list) => list.calls.length === 0);
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
    await booked.stream.until((list) => list.calls.length === 1);

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
      await other.stream.until((list) => list.calls[0]?.counter === `Platz ${String(10 + attempt)}`);
      if (statements.some(isBeat) && attempt < 3) continue;
      expect(statements.filter(isDisplayRead)).toHaveLength(1);
      break;
    }

    // A queue event of the first department is read for, as before, and its list is as it was.
    statements.length = 0;
    await callTicket(booked, 'Platz 3');
    await booked.stream.until((list) => list.calls.length === 2);
    expect(booked.stream.lists.at(-1)!.calls.map((call) => call.counter)).toEqual(['Platz 3', 'Platz 1']);
    expect(statements.filter(isDisplayRead).length).toBeGreaterThanOrEqual(1);
    booked.stream.close();
    other.stream.close();
  }, 60_000);
});
