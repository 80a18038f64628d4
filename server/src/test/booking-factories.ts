import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import {
  appointments,
  mailOutbox,
  staffAbsences,
  staffAvailability,
  type departments,
  type services,
} from '../db/schema.js';
import { hashToken } from '../features/staff/auth.service.js';
import { makeDepartment, makeService, makeStaff, makeTenant } from './factories.js';

/**
 * Factories for booking tests (issue 6): a department that takes appointments, clerks with weekly
 * hours, bookable services. Each call makes fresh rows with unique slugs.
 */

export interface Window {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  startsAt: string;
  endsAt: string;
}

/** Monday to Friday, 08:00–12:00 (tenant wall clock). */
export const WEEKDAY_MORNINGS: Window[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday,
  startsAt: '08:00',
  endsAt: '12:00',
}));

export async function makeAvailability(db: Db, staffId: string, departmentId: string, windows: Window[]) {
  if (windows.length === 0) return [];
  return db
    .insert(staffAvailability)
    .values(windows.map((window) => ({ staffId, departmentId, ...window })))
    .returning();
}

export async function makeAbsence(db: Db, staffId: string, startsAt: Date, endsAt: Date) {
  const [row] = await db.insert(staffAbsences).values({ staffId, startsAt, endsAt }).returning();
  return row!;
}

/**
 * A tenant with one department that takes appointments, `clerks` clerks (members, with
 * `availability` each), and bookable services (default: one of 30 minutes, +15 per extra person).
 */
export async function makeBookingOffice(
  db: Db,
  options: {
    timeZone?: string;
    department?: Partial<typeof departments.$inferInsert>;
    clerks?: number;
    availability?: Window[];
    services?: Partial<typeof services.$inferInsert>[];
  } = {},
) {
  const tenant = await makeTenant(db, { timeZone: options.timeZone ?? 'Europe/Berlin' });
  const department = await makeDepartment(db, tenant.id, {
    bookingHorizonDays: 60,
    bookingLeadMinutes: 120,
    sameDayReleaseTime: '07:30',
    maxPersonsPerBooking: 4,
    ...options.department,
  });
  const serviceRows = [];
  for (const [i, values] of (options.services ?? [{ durationMinutes: 30, extraMinutesPerPerson: 15 }]).entries()) {
    serviceRows.push(
      await makeService(db, department.id, {
        bookable: true,
        sortOrder: i,
        documents: [{ de: 'Personalausweis', en: 'Identity card' }],
        ...values,
      }),
    );
  }
  const clerks = [];
  for (let i = 0; i < (options.clerks ?? 1); i++) {
    const clerk = await makeStaff(db, tenant.id, {
      name: `Clerk ${i + 1}`,
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    await makeAvailability(db, clerk.id, department.id, options.availability ?? WEEKDAY_MORNINGS);
    clerks.push(clerk);
  }
  return { tenant, department, services: serviceRows, clerks };
}

/** An appointment inserted directly (no rules checked), with its manage token. */
export async function insertAppointment(
  db: Db,
  values: {
    tenantId: string;
    departmentId: string;
    staffId: string;
    serviceIds: string[];
    startsAt: Date;
    minutes?: number;
  } & Partial<Omit<typeof appointments.$inferInsert, 'manageTokenHash'>>,
) {
  const token = randomBytes(32).toString('base64url');
  const { minutes = 30, ...rest } = values;
  const [row] = await db
    .insert(appointments)
    .values({
      citizenName: 'Vorhandene Buchung',
      email: null,
      language: 'de',
      endsAt: new Date(values.startsAt.getTime() + minutes * 60_000),
      ...rest,
      manageTokenHash: hashToken(token),
    })
    .returning();
  return { appointment: row!, token };
}

/** The outbox rows addressed to `to`, oldest first. */
export async function mailsTo(db: Db, to: string) {
  return db.select().from(mailOutbox).where(eq(mailOutbox.to, to)).orderBy(asc(mailOutbox.createdAt));
}

/** The manage token from an appointment e-mail's link (`…/termin#<token>`), as the citizen's page reads it. */
export function tokenFromMail(text: string): string {
  const match = /\/termin#([A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error('no manage link in the e-mail');
  return match[1]!;
}
