// A citizen's booking counts two limits, its address and its e-mail address (issue 14, the rush).
// With PostgreSQL the counters are shared by every process; here, that both are counted in one
// statement, and still refuse: the flood tests are in booking.test.ts.
import { describe, expect, it } from 'vitest';
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
