import {
  BookingResponseSchema,
  SlotsResponseSchema,
  type BookingRequest,
  type CitizenAppointment,
} from '@amtsraum/shared';
import { berlinDay } from './berlin-day';
import { expect, test } from './fixtures';
import { startAppWithDatabase, TEST_DATABASE_URL } from './servers';
import { TENANT, type Person } from './support';

/**
 * Appointments whose start has passed, for the specs about what the office allows only then (a
 * no-show, an overdue call's invitations). The office decides that on its own clock, which a test
 * cannot move. So such a spec has an app of its own on a fresh PostgreSQL database, books a video
 * appointment there as a citizen does, and then moves its start into the past in the database: the
 * appointment row as the app would hold it had it been booked earlier. Nothing of ours is mocked.
 */

/** The demo's Bürgeramt and a service it books by video (demo.installation.json). */
export const PAST_DEPARTMENT = 'buergeramt';
const SERVICE = 'personalausweis';

interface PastBooking {
  name: string;
  email: string;
  /** When the appointment starts, as moved (before now, or later the same day). */
  startsAt: Date;
  /** The language an interpreter is asked for (`interpreterLanguage` of the booking). */
  interpreterLanguage?: BookingRequest['interpreterLanguage'];
  /** Which of the free slots to book first (0: the first); bookings at once need each their own. */
  slot?: number;
}

type App = Awaited<ReturnType<typeof startAppWithDatabase>>;

/**
 * The spec's own app, started before its tests and stopped after them; the spec skips itself
 * without PostgreSQL (CI sets TEST_DATABASE_URL). Call once per spec file, at its top level.
 */
export function appForPastAppointments(): {
  url(): string;
  bookInThePast(citizen: Person, booking: PastBooking): Promise<{ appointment: CitizenAppointment; startsAt: Date }>;
  /** Moves a booked appointment's start to `startsAt`, its length kept, as time passing would bring it nearer. */
  moveStart(appointmentId: string, startsAt: Date): Promise<void>;
} {
  test.describe.configure({ timeout: 150_000 });
  test.skip(!TEST_DATABASE_URL, 'the appointment in the past needs PostgreSQL: set TEST_DATABASE_URL');
  let app: App | null = null;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    app = await startAppWithDatabase();
  });
  test.afterAll(async () => {
    await app?.stop();
  });
  const started = (): App => {
    if (!app) throw new Error('the spec’s app has not started');
    return app;
  };
  return {
    url: () => started().url,
    bookInThePast: (citizen, booking) => bookInThePast(citizen, booking, started()),
    moveStart: (appointmentId, startsAt) => moveStart(started(), appointmentId, startsAt),
  };
}

/**
 * Books a free slot of the next two weeks as `citizen` (a person of the spec's app), then moves the
 * appointment's start to `startsAt` (take it from the runner's clock, as the app's), its length
 * kept. Returns the appointment as booked and its start as moved.
 */
async function bookInThePast(
  citizen: Person,
  booking: PastBooking,
  app: App,
): Promise<{ appointment: CitizenAppointment; startsAt: Date }> {
  const slots = await citizen.request.get(
    `/api/tenants/${TENANT}/departments/${PAST_DEPARTMENT}/slots?services=${SERVICE}&persons=1&from=${berlinDay()}&days=14`,
  );
  expect(slots.status()).toBe(200);
  const free = SlotsResponseSchema.parse(await slots.json()).days.flatMap((day) => day.slots);
  const slot = booking.slot ?? 0;
  expect(free.length, 'free slots in the demo’s Bürgeramt').toBeGreaterThan(slot);
  const request: BookingRequest = {
    services: [SERVICE],
    persons: 1,
    startsAt: free[slot]!.startsAt,
    name: booking.name,
    email: booking.email,
    language: 'de',
    ...(booking.interpreterLanguage ? { interpreterLanguage: booking.interpreterLanguage } : {}),
    consent: true,
  };
  const booked = await citizen.request.post(`/api/tenants/${TENANT}/departments/${PAST_DEPARTMENT}/appointments`, {
    data: request,
    headers: { 'X-Forwarded-For': citizen.address },
  });
  expect(booked.status(), await booked.text()).toBe(201);
  const { appointment } = BookingResponseSchema.parse(await booked.json());

  const { startsAt } = booking;
  await moveStart(app, appointment.id, startsAt);
  return { appointment, startsAt };
}

async function moveStart(app: App, appointmentId: string, startsAt: Date): Promise<void> {
  const moved = await app.sql`
    update appointments set starts_at = ${startsAt}, ends_at = ${startsAt} + (ends_at - starts_at)
    where id = ${appointmentId} and state = 'booked'`;
  expect(moved.count).toBe(1);
}
