import { randomBytes, randomUUID } from 'node:crypto';
import { mailLocale } from '@amtsraum/shared';
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
import { appointmentToken } from '../features/appointments/appointment-mail.js';
import type { WeeklyWindow } from '../features/appointments/slots.js';
import { hashToken } from '../features/staff/auth.service.js';
import type { TestClient } from './client.js';
import { makeOffice, makeService, makeStaff, signedInClerk, type OfficeOptions } from './factories.js';

/**
 * Factories for booking tests (issue 6): a department that takes appointments, clerks with weekly
 * hours, bookable services. Each call makes fresh rows with unique slugs.
 */

/** Monday 23 November 2026, 07:00 in Berlin: before the same-day release (07:30) of `makeBookingOffice`. */
export const BOOKING_NOW = new Date('2026-11-23T06:00:00Z');
/** Tuesday 24 November 2026, 08:00 in Berlin: the first slot of the weekday mornings. */
export const TUESDAY_0800 = '2026-11-24T07:00:00.000Z';

/** Monday to Friday, 08:00–12:00 (tenant wall clock). */
export const WEEKDAY_MORNINGS: WeeklyWindow[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday,
  startsAt: '08:00',
  endsAt: '12:00',
}));

export async function makeAvailability(db: Db, staffId: string, departmentId: string, windows: WeeklyWindow[]) {
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
 * `availability` each), and bookable services (default: one of 30 minutes, +15 per extra person);
 * with the department's public API path (`base`) and the clerk's appointments path (`console`).
 */
export async function makeBookingOffice(
  db: Db,
  options: {
    timeZone?: string;
    department?: Partial<typeof departments.$inferInsert>;
    clerks?: number;
    availability?: WeeklyWindow[];
    services?: Partial<typeof services.$inferInsert>[];
  } = {},
) {
  const { tenant, department, base, staffPath } = await makeOffice(db, {
    tenant: { timeZone: options.timeZone ?? 'Europe/Berlin' },
    department: {
      bookingHorizonDays: 60,
      bookingLeadMinutes: 120,
      sameDayReleaseTime: '07:30',
      maxPersonsPerBooking: 4,
      ...options.department,
    },
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
  return {
    tenant,
    department,
    services: serviceRows,
    clerks,
    base,
    console: `${staffPath}/appointments`,
  };
}

/**
 * An appointment row inserted directly (no rules checked), with a manage/join token (returned, as
 * the e-mail would carry it) of which only the SHA-256 is stored. Random, or with `linkSecret` the
 * one booking derives (so that e-mails sent later carry working links).
 */
export async function makeAppointment(
  db: Db,
  values: {
    tenantId: string;
    departmentId: string;
    staffId: string;
    serviceIds: string[];
    startsAt: Date;
    minutes?: number;
    linkSecret?: string;
  } & Partial<Omit<typeof appointments.$inferInsert, 'manageTokenHash'>>,
) {
  const { minutes = 15, linkSecret, ...rest } = values;
  const id = rest.id ?? randomUUID();
  const token = linkSecret ? appointmentToken(linkSecret, id) : randomBytes(32).toString('base64url');
  const [row] = await db
    .insert(appointments)
    .values({
      id,
      citizenName: 'Sam Beispiel',
      email: 'sam@test.example',
      language: 'de',
      // As a clerk's booking: the e-mails in the conversation language where we write it.
      mailLocale: mailLocale(rest.language ?? 'de'),
      concern: 'Neuer Ausweis',
      endsAt: new Date(values.startsAt.getTime() + minutes * 60_000),
      ...rest,
      manageTokenHash: hashToken(token),
    })
    .returning();
  return { appointment: row!, token };
}

type AppointmentValues = Partial<Parameters<typeof makeAppointment>[1]>;

/**
 * An office on the day of its appointments: `makeOffice` with one service (with documents) and one
 * clerk, signed in on `browser` when given, and `book(startsAt, values)`, an appointment with that
 * clerk for that service (rules not checked; `appointment` values apply to every one).
 */
export async function makeAppointmentOffice(
  db: Db,
  options: OfficeOptions & {
    service?: Partial<typeof services.$inferInsert>;
    clerkName?: string;
    browser?: TestClient;
    appointment?: AppointmentValues;
  } = {},
) {
  const office = await makeOffice(db, options);
  const { tenant, department } = office;
  const service = await makeService(db, department.id, {
    slug: 'ausweis',
    documents: [{ de: 'Pass', en: 'Passport' }],
    ...options.service,
  });
  const memberships = [{ departmentId: department.id, role: 'clerk' as const }];
  const signedIn = options.browser
    ? await signedInClerk(db, options.browser, tenant.id, [department.id], { name: options.clerkName })
    : null;
  const clerk = signedIn?.person ?? (await makeStaff(db, tenant.id, { name: options.clerkName, memberships }));
  const book = (startsAt: Date, values: AppointmentValues = {}) =>
    makeAppointment(db, {
      tenantId: tenant.id,
      departmentId: department.id,
      staffId: clerk.id,
      serviceIds: [service.id],
      startsAt,
      ...options.appointment,
      ...values,
    });
  return { ...office, service, clerk, clerkBrowser: signedIn?.browser ?? null, book };
}

/** A fresh citizen e-mail address. */
export const citizenEmail = () => `buerger-${randomBytes(4).toString('hex')}@test.example`;

/** A citizen's booking request (`POST …/appointments`) for `office`'s first service, from a fresh address. */
export function bookingRequest(
  office: { services: { slug: string }[] },
  startsAt: string,
  extra: Record<string, unknown> = {},
) {
  return {
    services: [office.services[0]!.slug],
    persons: 1,
    startsAt,
    name: 'Erika Mustermann',
    email: citizenEmail(),
    language: 'de',
    consent: true,
    ...extra,
  };
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

/** The token of the join link (`/termin/beitreten#<token>`) in an e-mail's text. */
export function joinTokenFromMail(text: string): string {
  const match = /\/termin\/beitreten#([A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error('no join link in the e-mail');
  return match[1]!;
}
