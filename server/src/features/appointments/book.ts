import { randomUUID } from 'node:crypto';
import {
  BIRTH_DATE_MESSAGES,
  CHANNELS,
  mailLocale,
  offersChannel,
  type Channel,
  type Locale,
  type CitizenAppointment,
  type StaffAppointment,
  type StaffBookingRequest,
} from '@amtsraum/shared';
import { type Db } from '../../db/client.js';
import { isUniqueViolation, sqlState } from '../../db/errors.js';
import { inOrder } from '../../db/pipeline.js';
import { birthDateHash, newBookingCode } from '../../lib/check-in-codes.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { auditInsert } from '../audit/audit.repo.js';
import { findDepartmentWithTenant } from '../directory/directory.repo.js';
import { hashToken } from '../staff/auth.service.js';
import type { Clerk } from '../staff/require-staff.js';
import { appointmentJoinToken, appointmentToken, queueAppointmentMail } from './appointment-mail.js';
import {
  insertAppointment,
  type AppointmentRow,
  type DepartmentRow,
  type ServiceRow,
  type TenantRow,
} from './appointments.repo.js';
import { auditActor, MINUTE, type Actor, type BookingCtx } from './booking-ctx.js';
import { lockBooker, lockClerkStart, lockScheduleForBooking } from './schedule-lock.js';
import { emailBookedDuring } from './schedules.repo.js';
import {
  amendSlotCache,
  appointmentMinutes,
  checkPersons,
  findOffice,
  freeClerksFor,
  refuseKnownTaken,
  resolveServices,
  slotTaken,
  withFirstFreeClerk,
  type SlotRequest,
} from './slot-search.js';
import { toCitizenAppointment, toStaffAppointment } from './views.js';

/** Refusals of a booking's insert that a second try, with a savepoint per clerk, can get past. */
const REFUSED_INSERT = new Set(['23P01', '40P01', '40001']);

type Settled<T> = { value: T } | { error: unknown };
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

/**
 * Books an appointment: checks the request against the department's rules, picks a free clerk
 * (fewest bookings that day first) and inserts; the database refuses an overlap, and the next
 * clerk is tried. The confirmation e-mail (when there is an address) and the audit entry are
 * written in the same transaction. Citizens keep to the lead time and the same-day release;
 * staff (`actor.kind === 'staff'`) may book any slot from now on.
 *
 * With `ctx.slotCache` (the citizen route), the bookings of one slot in this process run one at a
 * time (of other slots, beside them), and a slot the cache knows taken is refused before any read
 * (issue 14, the rush). The department's rules and services then come from the cache as well, as
 * of the last settings event (as the live hub keeps them, decision 018); the free clerks and the
 * insert always come from the database, whose exclusion constraint decides.
 *
 * Throws 400 validation_failed (services, persons), 422 slot_unavailable (not a slot under the
 * rules), 409 slot_taken with `extra.alternatives`.
 */
export async function bookAppointment(
  ctx: BookingCtx,
  options: {
    department: DepartmentRow;
    tenant: TenantRow;
    request: StaffBookingRequest;
    actor: Actor;
    /**
     * The language of the citizen's e-mails: the booking page's (decision 008, addendum). Left out
     * (a clerk's booking), the conversation language where we write it, else German.
     */
    mailLocale?: Locale;
  },
): Promise<{ appointment: AppointmentRow; services: ServiceRow[] }> {
  const { department, tenant, request, actor } = options;
  const { services, durationMinutes, channel, startsAt, slot } = await bookingSlot(ctx, options);
  const cache = ctx.slotCache;
  const id = randomUUID();
  const manageTokenHash = hashToken(appointmentToken(ctx.config.sessionSecret, id));
  const joinTokenHash = hashToken(appointmentJoinToken(ctx.config.sessionSecret, id));
  // One clerk's appointment, its audit entry and its e-mail, in the transaction `tx`.
  const insertFor = async (tx: Db, staffId: string): Promise<AppointmentRow> => {
    // The clerk's start lock and the insert behind it go out together (db/pipeline.ts).
    const locked = lockClerkStart(tx, staffId, startsAt);
    const inserted = insertWithBookingCode(tx, channel, (bookingCode) => ({
      id,
      tenantId: tenant.id,
      departmentId: department.id,
      staffId,
      serviceIds: services.map((service) => service.id),
      persons: request.persons,
      startsAt,
      endsAt: new Date(startsAt.getTime() + durationMinutes * MINUTE),
      citizenName: request.name,
      email: request.email ?? null,
      phone: request.phone || null,
      language: request.language,
      mailLocale: options.mailLocale ?? mailLocale(request.language),
      interpreterLanguage: request.interpreterLanguage ?? null,
      concern: request.concern || null,
      manageTokenHash,
      joinTokenHash,
      bookedByStaffId: actor.kind === 'staff' ? actor.staffId : null,
      createdAt: ctx.now,
      channel,
      bookingCode,
      // Only the keyed hash, bound to this appointment: the date itself is never stored (issue 16).
      birthDateHash:
        channel === 'onsite' && request.birthDate
          ? birthDateHash(ctx.config.sessionSecret, id, request.birthDate)
          : null,
    }));
    const [, row] = await inOrder<[void, AppointmentRow]>([locked, inserted]);
    // The audit entry goes in the e-mail's statement (one round trip instead of three).
    const audit = auditInsert(tx, {
      tenantId: tenant.id,
      departmentId: department.id,
      ...auditActor(actor),
      action: 'appointment.booked',
      data: {
        appointmentId: row.id,
        persons: row.persons,
        services: services.length,
        language: row.language,
        interpreter: row.interpreterLanguage,
        channel,
      },
      createdAt: ctx.now,
    });
    await queueAppointmentMail(tx, {
      ...ctx,
      kind: 'confirmation',
      appointment: row,
      tenant,
      department,
      services,
      alongside: audit,
    });
    return row;
  };
  // Each clerk in a savepoint: a refused insert (23P01, the clerk booked in another department
  // meanwhile) undoes only itself, and the next clerk is tried under the same lock.
  const insertWithFirstFreeClerk = (outer: Db, candidates: string[]) =>
    withFirstFreeClerk(candidates, (staffId) => outer.transaction((tx) => insertFor(tx, staffId)));
  // `direct`: the first free clerk, without a savepoint (two round trips fewer on PostgreSQL, two
  // turns fewer of PGlite's one thread: issue 14, the rush). On PGlite, whose transactions run one
  // at a time, the free clerks just read are free at the insert. On PostgreSQL another process or
  // department can take the clerk meanwhile; the insert is then refused (23P01, or 40P01 when two
  // inserts checked each other's row), the transaction is gone, and `book` runs it again with a
  // savepoint per clerk (`insertWithFirstFreeClerk`).
  const bookInTransaction = (direct: boolean) =>
    ctx.db.transaction(async (tx) => {
      // The free clerks are read under the department's schedule lock (shared: bookings run side
      // by side), so no change of hours, absence or closure can take the time away between this
      // read and the insert (issue 15). On PGlite the transaction itself is that lock. One person,
      // one appointment at a time here: with an e-mail address, a second click or the same booking
      // from a second tab is refused instead of taking a second clerk. The locks and the reads
      // behind them go out together and run in this order (db/pipeline.ts): one round trip.
      const endsAt = new Date(startsAt.getTime() + durationMinutes * MINUTE);
      const [, , bookedAlready, free] = await inOrder<[void, void, boolean, Settled<string[]>]>([
        lockScheduleForBooking(tx, department.id),
        request.email ? lockBooker(tx, department.id, request.email) : Promise.resolve(),
        request.email
          ? emailBookedDuring(tx, { departmentId: department.id, email: request.email, from: startsAt, to: endsAt })
          : Promise.resolve(false),
        // Settled, so that the same person's second booking is told `already_booked` first.
        settle(freeClerksFor(tx, slot)),
      ]);
      if (bookedAlready) throw new AppError('already_booked');
      if ('error' in free) throw free.error;
      return direct ? insertFor(tx, free.value[0]!) : insertWithFirstFreeClerk(tx, free.value);
    });
  const book = async () => {
    await refuseKnownTaken(ctx.db, slot);
    let booked: AppointmentRow | null = null;
    try {
      booked = await bookInTransaction(true).catch((error: unknown) => {
        // The database refused what the read found free (another process's or department's
        // booking of the clerk; on PGlite an overlap the read does not see, such as an appointment
        // longer than the longest it looks back for): the transaction is gone, so again, each
        // clerk in a savepoint.
        if (REFUSED_INSERT.has(sqlState(error) ?? '')) return bookInTransaction(false);
        throw error;
      });
    } finally {
      // Booked: the cache gets the appointment (and ignores its event), so the next in line is
      // refused without a read. Found taken after all, or failed: the cache no longer holds.
      if (cache && booked) amendSlotCache(cache, booked);
      else cache?.clear('schedules');
    }
    if (!booked) throw await slotTaken(ctx.db, slot);
    return booked;
  };
  // Most of a rush's bookings are for a slot someone just got: refused here, before the line.
  await refuseKnownTaken(ctx.db, slot);
  const appointment = await (cache ? cache.serialise(slotKey(slot), book) : book());
  // Only the appointment changed: the live hub tells consoles, not every waiting citizen.
  await ctx.events.publish({ departmentId: department.id, appointmentId: appointment.id });
  return { appointment, services };
}

/** What a booking request asks for, checked against the department's rules and services. */
async function bookingSlot(
  ctx: BookingCtx,
  options: { department: DepartmentRow; tenant: TenantRow; request: StaffBookingRequest; actor: Actor },
) {
  const { department, tenant, request, actor } = options;
  checkPersons(department, request.persons);
  const services = await resolveServices(ctx.db, department.id, request.services, ctx.slotCache);
  checkPersons(department, request.persons, services);
  const durationMinutes = appointmentMinutes(services, request.persons);
  const channel = chooseChannel(department, services, request.channel);
  if (channel === 'onsite' && actor.kind === 'citizen' && !request.birthDate) {
    throw invalidField('birthDate', BIRTH_DATE_MESSAGES.required);
  }
  const startsAt = new Date(request.startsAt);
  const slot: SlotRequest = {
    office: { department, tenant },
    startsAt,
    durationMinutes,
    now: ctx.now,
    actor: actor.kind,
    cache: ctx.slotCache,
  };
  return { services, durationMinutes, channel, startsAt, slot };
}

/**
 * 409 slot_taken with alternatives when the slot cache alone already knows the time is taken,
 * without a round trip to the database: a rush's bookings of a slot someone just got are refused
 * before they wait in line behind real bookings (decision 030). Anything else (nothing kept, a
 * request the rules refuse, a time the cache thinks free) returns, and the booking in line decides.
 * Returns the slot's key (`slotKey`) when the cache knew the office and the request, for bookings
 * of the same slot to wait for each other (lib/followers.ts).
 */
export async function refuseKnownTakenEarly(
  ctx: BookingCtx,
  options: { tenantSlug: string; departmentSlug: string; request: StaffBookingRequest },
): Promise<string | undefined> {
  if (!ctx.slotCache) return undefined;
  const cached = { ...ctx, slotCache: ctx.slotCache.withoutReads() };
  let key: string | undefined;
  try {
    const office = await findOffice(ctx.db, options.tenantSlug, options.departmentSlug, cached.slotCache);
    const { slot } = await bookingSlot(cached, { ...office, request: options.request, actor: { kind: 'citizen' } });
    key = slotKey(slot);
    await refuseKnownTaken(ctx.db, slot);
  } catch (error) {
    if (error instanceof AppError && error.code === 'slot_taken') throw error;
  }
  return key;
}

/** One slot of one department: the bookings of the same key wait for each other. */
const slotKey = (slot: Pick<SlotRequest, 'office' | 'startsAt'>) =>
  `${slot.office.department.id} ${slot.startsAt.toISOString()}`;

/**
 * Video or on site, as every chosen service offers (issue 16); left out, video where offered.
 * On site also needs the department's location (the admin screens keep both together).
 */
export function chooseChannel(
  department: Pick<DepartmentRow, 'onsiteLocation'>,
  services: Pick<ServiceRow, 'channels'>[],
  asked: Channel | undefined,
): Channel {
  const offered = CHANNELS.filter(
    (channel) =>
      services.every((service) => offersChannel(service.channels, channel)) &&
      (channel === 'video' || department.onsiteLocation !== null),
  );
  const channel = asked ?? offered[0];
  if (!channel || !offered.includes(channel)) throw new AppError('channel_not_offered');
  return channel;
}

/**
 * Inserts with a fresh booking code for on-site appointments, each try in its own savepoint: a
 * code another appointment holds (unlikely at 36 bits, but the unique index decides) draws anew.
 */
async function insertWithBookingCode(
  db: Db,
  channel: Channel,
  values: (bookingCode: string | null) => Parameters<typeof insertAppointment>[1],
): Promise<AppointmentRow> {
  if (channel === 'video') return insertAppointment(db, values(null));
  for (let tries = 1; ; tries++) {
    try {
      return await db.transaction((tx) => insertAppointment(tx, values(newBookingCode())));
    } catch (error) {
      if (tries >= 5 || !isUniqueViolation(error, 'appointments_booking_code_key')) throw error;
    }
  }
}

/** `POST /api/tenants/:tenant/departments/:department/appointments`: a citizen books. */
export async function bookAsCitizen(
  ctx: BookingCtx,
  options: { tenantSlug: string; departmentSlug: string; request: StaffBookingRequest; mailLocale: Locale },
): Promise<CitizenAppointment> {
  const office = await findOffice(ctx.db, options.tenantSlug, options.departmentSlug, ctx.slotCache);
  const { appointment, services } = await bookAppointment(ctx, {
    ...office,
    request: options.request,
    actor: { kind: 'citizen' },
    mailLocale: options.mailLocale,
  });
  return toCitizenAppointment({ ...office, appointment, services, now: ctx.now });
}

/** `POST /api/staff/departments/:departmentId/appointments`: a clerk books for someone who phoned in. */
export async function bookAsStaff(
  ctx: BookingCtx,
  clerk: Clerk,
  request: StaffBookingRequest,
): Promise<StaffAppointment> {
  const office = await findDepartmentWithTenant(ctx.db, clerk.departmentId);
  if (!office) throw new AppError('department_not_found');
  const { appointment, services } = await bookAppointment(ctx, {
    ...office,
    request,
    actor: { kind: 'staff', staffId: clerk.staff.id },
  });
  return toStaffAppointment(ctx.db, { appointment, department: office.department, services });
}
