import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../lib/passwords.js';
import { createTestDatabase, type TestDatabase } from '../test/databases.js';
import { WEEKDAY_KEYS } from '@amtsraum/shared';
import { closures, departments, services, staff, staffAvailability, tenants } from './schema.js';
import { BOOKING_RULES, easterSunday, nrwHolidays, seedDemoIfEmpty } from './seed.js';

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
