// What a citizen's booking costs the database (issue 14, the 07:45 rush), and that it still does
// all of it: the flood and content tests are in booking.test.ts.
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appointments, auditEvents, mailOutbox } from '../../db/schema.js';
import {
  BOOKING_NOW,
  bookingRequest,
  citizenEmail,
  makeAppointment,
  makeBookingOffice,
  TUESDAY_0800,
} from '../../test/booking-factories.js';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { startTestServer } from '../../test/server.js';
import { BOOKING_LIMITS } from './appointments.router.js';

describe.each(databaseKinds)('a booking’s statements on %s', (kind) => {
  it('writes its audit entry and its e-mail in one statement, and both commit with it', async () => {
    const statements: string[] = [];
    const database = await createTestDatabase(kind, { onQuery: (query) => statements.push(query) });
    const server = await startTestServer(database, { now: () => BOOKING_NOW, env: { TRUST_PROXY: '1' } });
    try {
      const o = await makeBookingOffice(database.db);
      const client = new TestClient(server.url, { 'x-forwarded-for': '10.7.0.1' });
      statements.length = 0;
      const request = bookingRequest(o, TUESDAY_0800);
      const booked = await client.post(`${o.base}/appointments`, request);
      expect(booked.status).toBe(201);
      const writes = statements.filter((q) => /insert into "(audit_events|mail_outbox)"/.test(q));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(
        /insert into "audit_events"[\s\S]*pg_notify|pg_notify[\s\S]*insert into "audit_events"/,
      );
      const [mail] = await database.db
        .select()
        .from(mailOutbox)
        .where(and(eq(mailOutbox.to, request.email), eq(mailOutbox.kind, 'appointment.confirmation')));
      expect(mail?.subject).toBeTruthy();
      const audit = await database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.departmentId, o.department.id), eq(auditEvents.action, 'appointment.booked')));
      expect(audit).toHaveLength(1);
    } finally {
      await server.stop();
      await database.close();
    }
  }, 120_000);
});

describe.each(databaseKinds)('losers of a slot on %s', (kind) => {
  it('those who waited behind the winner in this process are refused from the cache, without a transaction', async () => {
    const statements: string[] = [];
    const database = await createTestDatabase(kind, { onQuery: (query) => statements.push(query) });
    const server = await startTestServer(database, { now: () => BOOKING_NOW, env: { TRUST_PROXY: '1' } });
    try {
      const o = await makeBookingOffice(database.db);
      statements.length = 0;
      // All ask at once: the cache knows the slot free to each, and they queue behind one another
      // (on PostgreSQL they do; on PGlite the winner often commits before the others arrive).
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          new TestClient(server.url, { 'x-forwarded-for': `10.7.1.${String(i)}` }).post(
            `${o.base}/appointments`,
            bookingRequest(o, TUESDAY_0800),
          ),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, ...Array<number>(9).fill(409)]);
      const count = (pattern: RegExp) => statements.filter((q) => pattern.test(q)).length;
      // One insert, and the schedules read three times at most (the cache's day, the winner's
      // read in its transaction, the alternatives' range), not once more per loser.
      expect(count(/^insert into "appointments"/)).toBe(1);
      expect(count(/json_agg\(json_build_array\(a\.staff_id/)).toBeLessThanOrEqual(3);
    } finally {
      await server.stop();
      await database.close();
    }
  }, 120_000);
});

describe.each(databaseKinds)('a booking’s locks on %s', (kind) => {
  it('PostgreSQL takes the schedule lock, the booker’s and the clerk’s start lock; PGlite, one transaction at a time, none of them; no savepoint there', async () => {
    const statements: string[] = [];
    const database = await createTestDatabase(kind, { onQuery: (query) => statements.push(query) });
    const server = await startTestServer(database, { now: () => BOOKING_NOW, env: { TRUST_PROXY: '1' } });
    try {
      const o = await makeBookingOffice(database.db, { clerks: 2 });
      const client = new TestClient(server.url, { 'x-forwarded-for': '10.7.0.2' });
      statements.length = 0;
      const booked = await client.post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800));
      expect(booked.status).toBe(201);
      const count = (pattern: RegExp) => statements.filter((q) => pattern.test(q)).length;
      // Exclusive: the clerk's start, and the booker (one e-mail address, one time).
      const locks = { schedule: count(/pg_advisory_xact_lock_shared\(/), exclusive: count(/pg_advisory_xact_lock\(/) };
      expect(locks).toEqual(kind === 'postgres' ? { schedule: 1, exclusive: 2 } : { schedule: 0, exclusive: 0 });
      // postgres.js opens its savepoints itself, past drizzle's logger: counted on PGlite only.
      if (kind === 'pglite') expect(count(/savepoint /)).toBe(0);
    } finally {
      await server.stop();
      await database.close();
    }
  }, 120_000);

  it('a clerk the read finds free but the database refuses: the next clerk gets the booking', async () => {
    const database = await createTestDatabase(kind);
    const server = await startTestServer(database, { now: () => BOOKING_NOW, env: { TRUST_PROXY: '1' } });
    try {
      const o = await makeBookingOffice(database.db, { clerks: 2 });
      // Free clerks are tried by their count of the day's appointments, then by id: `first` first.
      const [first, second] = [...o.clerks].sort((a, b) => (a.id < b.id ? -1 : 1));
      // Longer than the longest appointment the read looks back for (48 hours): the read does not
      // see it, the exclusion constraint does. On PGlite the insert without a savepoint fails, and
      // the whole transaction runs again with one per clerk.
      await makeAppointment(database.db, {
        tenantId: o.tenant.id,
        departmentId: o.department.id,
        staffId: first!.id,
        serviceIds: [o.services[0]!.id],
        startsAt: new Date('2026-11-21T22:00:00.000Z'),
        minutes: (2 * 24 + 9.5) * 60,
      });
      const client = new TestClient(server.url, { 'x-forwarded-for': '10.7.0.3' });
      const booked = await client.post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800));
      expect(booked.status).toBe(201);
      const rows = await database.db
        .select({ staffId: appointments.staffId })
        .from(appointments)
        .where(eq(appointments.startsAt, new Date(TUESDAY_0800)));
      expect(rows).toEqual([{ staffId: second!.id }]);
    } finally {
      await server.stop();
      await database.close();
    }
  }, 120_000);
});

describe.runIf(databaseKinds.includes('postgres'))('a booking’s round trips on PostgreSQL', () => {
  it('sends the locks and the reads behind them together: while it waits for its booker’s lock, its reads are already sent', async () => {
    const statements: string[] = [];
    const database = await createTestDatabase('postgres', { onQuery: (query) => statements.push(query) });
    const server = await startTestServer(database, { now: () => BOOKING_NOW, env: { TRUST_PROXY: '1' } });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holder: Promise<unknown> = Promise.resolve();
    try {
      const o = await makeBookingOffice(database.db, { clerks: 2 });
      const request = bookingRequest(o, TUESDAY_0800);
      // Another connection holds the lock of this person's bookings in this department
      // (schedule-lock.ts: class 7240417, keyed by department and address).
      let holds!: () => void;
      const held = new Promise<void>((resolve) => (holds = resolve));
      holder = database.db.transaction(async (tx) => {
        const key = `${o.department.id} ${request.email.toLowerCase()}`;
        await tx.execute(sql`select pg_advisory_xact_lock(7240417::int4, hashtext(${key}::text))`);
        holds();
        await released;
      });
      await held;
      statements.length = 0;
      const client = new TestClient(server.url, { 'x-forwarded-for': '10.7.0.4' });
      const booking = client.post(`${o.base}/appointments`, request);
      while (!statements.some((q) => q.includes('pg_advisory_xact_lock('))) await new Promise((r) => setTimeout(r, 10));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Waiting for the lock, and yet the address's bookings and the clerks' schedules are asked for.
      expect(statements.some((q) => /lower\("appointments"\."email"\) = lower/.test(q))).toBe(true);
      expect(statements.some((q) => q.includes('json_agg'))).toBe(true);
      expect(statements.some((q) => q.startsWith('insert into "appointments"'))).toBe(false);
      release();
      expect((await booking).status).toBe(201);
    } finally {
      release();
      await holder;
      await server.stop();
      await database.close();
    }
  }, 120_000);
});

describe.runIf(databaseKinds.includes('postgres'))('booking limits on PostgreSQL', () => {
  it('counts the address and the e-mail of a booking in one statement, and refuses either over its limit', async () => {
    const statements: string[] = [];
    const database = await createTestDatabase('postgres', { onQuery: (query) => statements.push(query) });
    const server = await startTestServer(database, { now: () => BOOKING_NOW, env: { TRUST_PROXY: '1' } });
    try {
      const o = await makeBookingOffice(database.db);
      const client = (n: number) => new TestClient(server.url, { 'x-forwarded-for': `10.8.0.${n}` });
      const counters = () => statements.filter((q) => q.startsWith('insert into "rate_limit_counters"')).length;

      const before = counters();
      expect((await client(1).post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800))).status).toBe(201);
      expect(counters() - before).toBe(1);

      // The e-mail's limit, from ever new addresses: bookings made count, refused ones do not.
      const email = citizenEmail();
      const never = '2026-11-28T08:00:00.000Z';
      for (let i = 0; i < BOOKING_LIMITS.perEmail.max; i++) {
        expect((await client(10 + i).post(`${o.base}/appointments`, bookingRequest(o, never, { email }))).status).toBe(
          422,
        );
        // Tuesday 08:30, 09:00, … (Berlin): one clerk, half-hour appointments after the first.
        const free = new Date(Date.parse(TUESDAY_0800) + (i + 1) * 30 * 60_000).toISOString();
        expect((await client(40 + i).post(`${o.base}/appointments`, bookingRequest(o, free, { email }))).status).toBe(
          201,
        );
      }
      const byEmail = await client(30).post(`${o.base}/appointments`, bookingRequest(o, never, { email }));
      expect([byEmail.status, byEmail.json.code]).toEqual([429, 'booking_limit_reached']);
      // The address's limit, with ever new e-mails.
      for (let i = 0; i < BOOKING_LIMITS.perAddress.max; i++) {
        expect((await client(2).post(`${o.base}/appointments`, bookingRequest(o, never))).status).toBe(422);
      }
      const byAddress = await client(2).post(`${o.base}/appointments`, bookingRequest(o, never));
      expect([byAddress.status, byAddress.json.code]).toEqual([429, 'rate_limited']);
      // Malformed bookings count against their address too.
      for (let i = 0; i < BOOKING_LIMITS.perAddress.max; i++) {
        expect((await client(3).post(`${o.base}/appointments`, { startsAt: 'soon' })).status).toBe(400);
      }
      expect((await client(3).post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800))).status).toBe(429);
    } finally {
      await server.stop();
      await database.close();
    }
  });
});
