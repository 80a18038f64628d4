// What a citizen's booking costs the database (issue 14, the 07:45 rush), and that it still does
// all of it: the flood and content tests are in booking.test.ts.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, mailOutbox } from '../../db/schema.js';
import {
  BOOKING_NOW,
  bookingRequest,
  citizenEmail,
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

      // The e-mail's limit, from ever new addresses; the address's limit, with ever new e-mails.
      const email = citizenEmail();
      const never = '2026-11-28T08:00:00.000Z';
      for (let i = 0; i < BOOKING_LIMITS.perEmail.max; i++) {
        expect((await client(10 + i).post(`${o.base}/appointments`, bookingRequest(o, never, { email }))).status).toBe(
          422,
        );
      }
      const byEmail = await client(30).post(`${o.base}/appointments`, bookingRequest(o, never, { email }));
      expect([byEmail.status, byEmail.json.code]).toEqual([429, 'rate_limited']);
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
