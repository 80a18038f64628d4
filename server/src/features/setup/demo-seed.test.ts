import { WEEKDAY_KEYS } from '@amtsraum/shared';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closures, departments, services, staff, staffAvailability, tenants } from '../../db/schema.js';
import { verifyPassword } from '../../lib/passwords.js';
import { createPostgresDatabase, createTestDatabase, databaseKinds, type TestDatabase } from '../../test/databases.js';
import { killServers, spawnServer } from '../../test/processes.js';
import { seedDemoIfEmpty } from './demo-seed.js';
import { easterSunday, nrwHolidays } from '../organisation/holidays.js';

/** Booking rules of the demo departments: two months ahead, two hours' notice, today's slots from 07:45. */
const BOOKING_RULES = {
  bookingHorizonDays: 60,
  bookingLeadMinutes: 120,
  sameDayReleaseTime: '07:45',
  joinOpensMinutesBefore: 10,
  noShowGraceMinutes: 10,
  maxPersonsPerBooking: 6,
};

describe('demo data', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
  });
  afterAll(() => database.close());

  it('seeds a demo installation once, with working staff logins', async () => {
    const now = new Date('2026-11-23T09:00:00Z');
    const logins = await seedDemoIfEmpty(database.db, { now, password: null });
    expect(logins).not.toBeNull();
    expect(await seedDemoIfEmpty(database.db, { now, password: null })).toBeNull();

    const [musterstadt] = await database.db.select().from(tenants).where(eq(tenants.slug, 'musterstadt'));
    const departmentRows = await database.db
      .select()
      .from(departments)
      .where(eq(departments.tenantId, musterstadt!.id));
    expect(departmentRows.map((d) => d.slug).sort()).toEqual(['buergeramt', 'fundbuero', 'gewerbeamt']);
    for (const department of departmentRows) {
      const offered = await database.db.select().from(services).where(eq(services.departmentId, department.id));
      expect(offered.length, department.slug).toBeGreaterThanOrEqual(2);
      expect(department.name.en, 'English translation').toBeTruthy();
    }
    expect((await database.db.select().from(closures)).length).toBeGreaterThan(20);

    // Booking works out of the box: rules per department, bookable hours inside the opening hours.
    for (const department of departmentRows) {
      expect(department).toMatchObject(BOOKING_RULES);
      const hours = await database.db
        .select()
        .from(staffAvailability)
        .where(eq(staffAvailability.departmentId, department.id));
      expect(hours.length, department.slug).toBeGreaterThan(0);
      for (const slot of hours) {
        const day = department.openingHours[WEEKDAY_KEYS[slot.weekday - 1]!];
        expect(day, `${department.slug} ${slot.weekday}`).toContainEqual({ from: slot.startsAt, to: slot.endsAt });
      }
      const bookable = await database.db.select().from(services).where(eq(services.departmentId, department.id));
      expect(bookable.some((service) => service.bookable)).toBe(true);
    }
    const [family] = await database.db.select().from(services).where(eq(services.slug, 'wohnsitz-anmelden'));
    expect(family!.extraMinutesPerPerson).toBeGreaterThan(0);

    // Every printed password opens its account, and each is different.
    expect(new Set(logins!.map((login) => login.password)).size).toBe(logins!.length);
    for (const login of logins!) {
      const [row] = await database.db.select().from(staff).where(eq(staff.email, login.email));
      expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(row!.passwordHash, login.password)).toBe(true);
    }
  });
});

// Issue 11 item 7: two app processes starting at the same moment on an empty PostgreSQL, both
// asked to seed the demo. Only meaningful with PostgreSQL (PGlite is one process by design).
describe.runIf(databaseKinds.includes('postgres'))('demo data with two processes starting at once', () => {
  let fresh: Awaited<ReturnType<typeof createPostgresDatabase>>;
  beforeAll(async () => {
    fresh = await createPostgresDatabase();
  });
  afterEach(() => killServers());
  afterAll(() => fresh.drop());

  it('brings both up, seeded exactly once', async () => {
    const env = {
      DATABASE_URL: fresh.url,
      SEED_DEMO: 'true',
      SEED_DEMO_PASSWORD: 'demo-passwort-123',
      PUBLIC_BASE_URL: 'http://amtsraum.test',
    };
    const both = [spawnServer(env), spawnServer(env)];
    const urls = await Promise.all(both.map((server) => server.url()));
    // One of them printed the logins; the other found the demo there and printed nothing.
    const printed = both.filter((server) => server.stdout().includes('anna.schmidt@musterstadt.example'));
    expect(printed).toHaveLength(1);
    for (const url of urls) {
      const listed = (await (await fetch(`${url}/api/tenants`)).json()) as { tenants: { slug: string }[] };
      expect(listed.tenants.map((tenant) => tenant.slug).sort()).toEqual(['beispielheim', 'musterstadt']);
    }
  }, 90_000);
});

describe('holidays', () => {
  it('computes Easter and the movable NRW holidays', () => {
    expect(easterSunday(2025)).toEqual({ year: 2025, month: 4, day: 20 });
    expect(easterSunday(2026)).toEqual({ year: 2026, month: 4, day: 5 });
    expect(easterSunday(2027)).toEqual({ year: 2027, month: 3, day: 28 });
    const names = nrwHolidays(2026).map((h) => `${h.date.month}-${h.date.day} ${h.name.de}`);
    expect(names).toContain('4-3 Karfreitag');
    expect(names).toContain('6-4 Fronleichnam');
    expect(names).toContain('5-14 Christi Himmelfahrt');
  });
});
