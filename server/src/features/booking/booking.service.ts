import { randomUUID } from 'node:crypto';
import {
  addDays,
  dayRange,
  formatCivilDate,
  parseCivilDate,
  zonedParts,
  type BookingInfo,
  type CitizenAppointment,
  type CivilDate,
  type SlotQuery,
  type SlotsResponse,
  type StaffAppointment,
  type StaffBookingRequest,
} from '@amtsraum/shared';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { appointments } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import type { EventBus } from '../../live/event-bus.js';
import { hashToken } from '../staff/auth.service.js';
import { toBookableService } from '../directory/directory.service.js';
import { requireMembership } from '../staff/require-staff.js';
import type { StaffRow } from '../staff/staff.repo.js';
import { findDepartmentBySlugs, findDepartmentWithTenant, insertAudit } from '../visits/visits.repo.js';
import { appointmentToken, queueAppointmentMail } from './booking-mail.js';
import {
  countAppointmentsByClerk,
  findAppointment,
  findAppointmentByTokenHash,
  findAppointmentForStaff,
  findArrivalVisitId,
  findServicesByIds,
  findStaffName,
  listBookableServices,
  listClosuresBetween,
  loadClerkSchedules,
  updateBookedAppointment,
  type AppointmentRow,
  type DepartmentRow,
  type ServiceRow,
  type TenantRow,
} from './booking.repo.js';
import { closedDateSet, SlotPlanner, type BookingActor, type DaySlots, type FreeSlot } from './slots.js';

/**
 * Reserved video appointments (issue 6): free slots, booking without an account, the manage link
 * (read, cancel, rebook) and the clerk's side (book for a caller, cancel, move).
 *
 * No double booking: the database's exclusion constraint `appointments_no_overlap` decides. The
 * slot search only picks a clerk who looks free; the insert is the test. When it fails with
 * 23P01 the next free clerk is tried, and when none is left the citizen hears that the slot was
 * just taken, with the next free ones to choose from.
 */

export interface BookingCtx {
  db: Db;
  events: EventBus;
  now: Date;
  config: Pick<Config, 'publicBaseUrl' | 'sessionSecret' | 'reminderHours'>;
}

export interface StaffBookingCtx extends BookingCtx {
  staff: StaffRow;
}

export type Actor = { kind: 'citizen' } | { kind: 'staff'; staffId: string };

/** Who did it, as an audit entry records it. */
const auditActor = (actor: Actor) => ({
  actorKind: actor.kind,
  actorStaffId: actor.kind === 'staff' ? actor.staffId : null,
});

/** How many alternatives a 409 slot_taken offers. */
export const ALTERNATIVES = 3;
const MINUTE = 60_000;
/** Deadlocks between two inserts racing for one clerk are retried (the loser then sees 23P01). */
const RETRIES_PER_CLERK = 3;

interface Office {
  department: DepartmentRow;
  tenant: TenantRow;
}

interface Found extends Office {
  appointment: AppointmentRow;
}

// -- public department data -----------------------------------------------------------

async function findOffice(db: Db, tenantSlug: string, departmentSlug: string): Promise<Office> {
  const office = await findDepartmentBySlugs(db, tenantSlug, departmentSlug);
  if (!office) throw new AppError('department_not_found');
  return office;
}

/** `GET …/booking`: what the booking page needs before the first question. */
export async function getBookingInfo(db: Db, tenantSlug: string, departmentSlug: string): Promise<BookingInfo> {
  const { department, tenant } = await findOffice(db, tenantSlug, departmentSlug);
  const services = await listBookableServices(db, department.id);
  return {
    tenantSlug: tenant.slug,
    departmentSlug: department.slug,
    departmentName: department.name,
    timeZone: tenant.timeZone,
    services: services.map(toBookableService),
    maxPersons: department.maxPersonsPerBooking,
    horizonDays: department.bookingHorizonDays,
    joinOpensMinutesBefore: department.joinOpensMinutesBefore,
  };
}

const invalid = (path: string, message: string) =>
  new AppError('validation_failed', { errors: [{ path, message }] });

/** The department's bookable services named by `slugs`, in that order (repeats dropped). */
async function resolveServices(db: Db, departmentId: string, slugs: string[]): Promise<ServiceRow[]> {
  const bookable = new Map((await listBookableServices(db, departmentId)).map((s) => [s.slug, s]));
  const chosen: ServiceRow[] = [];
  for (const slug of new Set(slugs)) {
    const service = bookable.get(slug);
    if (!service) throw invalid('services', 'this service cannot be booked here');
    chosen.push(service);
  }
  return chosen;
}

function checkPersons(department: DepartmentRow, persons: number): void {
  if (persons > department.maxPersonsPerBooking) {
    throw invalid('persons', `at most ${department.maxPersonsPerBooking} persons per appointment`);
  }
}

/** Σ over the chosen services of (duration + extra minutes per person × (persons − 1)). */
export function appointmentMinutes(
  services: Pick<ServiceRow, 'durationMinutes' | 'extraMinutesPerPerson'>[],
  persons: number,
): number {
  return services.reduce(
    (sum, service) => sum + service.durationMinutes + service.extraMinutesPerPerson * (persons - 1),
    0,
  );
}

// -- slot search --------------------------------------------------------------------------

export interface SlotSearchOptions {
  department: DepartmentRow;
  timeZone: string;
  durationMinutes: number;
  now: Date;
  actor: BookingActor;
  /** First and last date (tenant zone) the planner must know about. */
  from: CivilDate;
  to: CivilDate;
  /** A moving appointment does not stand in its own way. */
  ignoreAppointmentId?: string;
}

const laterOf = (a: CivilDate, b: CivilDate) => (formatCivilDate(a) > formatCivilDate(b) ? a : b);
const earlierOf = (a: CivilDate, b: CivilDate) => (formatCivilDate(a) < formatCivilDate(b) ? a : b);

/** Loads clerks, absences, appointments and closures for [from, to] and prepares the search. */
export async function loadSlotPlanner(db: Db, options: SlotSearchOptions): Promise<SlotPlanner> {
  const { department, timeZone } = options;
  // Nothing before today or past the horizon can be booked: no need to read it.
  const today = zonedParts(options.now, timeZone);
  const from = laterOf(options.from, today);
  const to = earlierOf(options.to, addDays(today, department.bookingHorizonDays));
  const bookable = formatCivilDate(from) <= formatCivilDate(to);
  const range = dayRange(from, to, timeZone);
  const [clerks, closureRows] = bookable
    ? await Promise.all([
        loadClerkSchedules(db, department.id, range, { ignoreAppointmentId: options.ignoreAppointmentId }),
        listClosuresBetween(db, department.tenantId, department.id, formatCivilDate(from), formatCivilDate(to)),
      ])
    : [[], []];
  return new SlotPlanner({
    timeZone,
    now: options.now,
    rules: {
      horizonDays: department.bookingHorizonDays,
      leadMinutes: department.bookingLeadMinutes,
      sameDayReleaseTime: department.sameDayReleaseTime,
    },
    actor: options.actor,
    durationMinutes: options.durationMinutes,
    closedDates: closedDateSet(closureRows, from, to),
    clerks,
  });
}

/**
 * The slot search behind `GET …/slots` (and the benchmark): free slots for `days` days from
 * `from`, and the first later date with a free slot, up to the booking horizon.
 */
export async function searchFreeSlots(
  db: Db,
  options: Omit<SlotSearchOptions, 'to'> & { days: number },
): Promise<{ days: DaySlots[]; nextFreeDate: string | null }> {
  const last = addDays(options.from, options.days - 1);
  const horizonEnd = addDays(zonedParts(options.now, options.timeZone), options.department.bookingHorizonDays);
  const planner = await loadSlotPlanner(db, { ...options, to: horizonEnd });
  const days = planner.range(options.from, options.days);
  return { days, nextFreeDate: planner.nextFreeDate(addDays(last, 1)) };
}

const toSlot = (slot: FreeSlot) => ({ startsAt: slot.startsAt.toISOString(), endsAt: slot.endsAt.toISOString() });

/** `GET /api/tenants/:tenant/departments/:department/slots`. */
export async function findSlots(
  ctx: { db: Db; now: Date },
  options: { tenantSlug: string; departmentSlug: string; query: SlotQuery },
): Promise<SlotsResponse> {
  const { department, tenant } = await findOffice(ctx.db, options.tenantSlug, options.departmentSlug);
  const { query } = options;
  checkPersons(department, query.persons);
  const services = await resolveServices(ctx.db, department.id, query.services);
  const durationMinutes = appointmentMinutes(services, query.persons);
  const result = await searchFreeSlots(ctx.db, {
    department,
    timeZone: tenant.timeZone,
    durationMinutes,
    now: ctx.now,
    actor: 'citizen',
    from: query.from ? parseCivilDate(query.from) : zonedParts(ctx.now, tenant.timeZone),
    days: query.days,
  });
  return {
    timeZone: tenant.timeZone,
    durationMinutes,
    days: result.days.map((day) => ({ date: day.date, slots: day.slots.map(toSlot) })),
    nextFreeDate: result.nextFreeDate,
  };
}

// -- placing an appointment with a clerk ------------------------------------------------------

/** The SQLSTATE of a database error, looking through drivers' and drizzle's wrappers. */
function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Tries `attempt` with each clerk in turn until one commits. 23P01 (the no-overlap constraint)
 * means that clerk was just taken: next one. Null when every clerk was taken.
 */
async function withFirstFreeClerk<T>(staffIds: string[], attempt: (staffId: string) => Promise<T>): Promise<T | null> {
  for (const staffId of staffIds) {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt(staffId);
      } catch (error) {
        const state = sqlState(error);
        if (state === '23P01') break;
        // Two inserts checking each other's uncommitted row can deadlock; the one aborted retries
        // and then meets the winner's committed row as 23P01.
        if ((state === '40P01' || state === '40001') && tries < RETRIES_PER_CLERK) continue;
        throw error;
      }
    }
  }
  return null;
}

/** Free clerks for the slot, fewest live appointments that day first (`preferred` before all). */
async function orderClerks(
  db: Db,
  staffIds: string[],
  startsAt: Date,
  timeZone: string,
  preferred?: string,
): Promise<string[]> {
  const day = zonedParts(startsAt, timeZone);
  const counts = await countAppointmentsByClerk(db, staffIds, dayRange(day, day, timeZone));
  const rank = (id: string) => (id === preferred ? -1 : (counts.get(id) ?? 0));
  return [...staffIds].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

interface SlotRequest {
  office: Office;
  startsAt: Date;
  durationMinutes: number;
  now: Date;
  actor: BookingActor;
  ignoreAppointmentId?: string;
}

/** The clerks free for exactly this slot; 422 when it never was a slot, 409 when it is taken. */
async function freeClerksFor(db: Db, request: SlotRequest): Promise<string[]> {
  const { office, startsAt } = request;
  const timeZone = office.tenant.timeZone;
  const date = zonedParts(startsAt, timeZone);
  const planner = await loadSlotPlanner(db, {
    ...request,
    department: office.department,
    timeZone,
    from: date,
    to: date,
  });
  const probe = planner.probe(startsAt);
  if (!probe.offered) throw new AppError('slot_unavailable');
  if (probe.staffIds.length === 0) throw await slotTaken(db, request);
  return probe.staffIds;
}

/** 409 slot_taken with the next free slots from the requested time on. */
async function slotTaken(db: Db, request: SlotRequest): Promise<AppError> {
  const timeZone = request.office.tenant.timeZone;
  const today = zonedParts(request.now, timeZone);
  const from = laterOf(zonedParts(request.startsAt, timeZone), today);
  const planner = await loadSlotPlanner(db, {
    ...request,
    department: request.office.department,
    timeZone,
    from,
    to: laterOf(from, addDays(today, request.office.department.bookingHorizonDays)),
  });
  const alternatives = planner.nextFree(request.startsAt, ALTERNATIVES).map(toSlot);
  return new AppError('slot_taken', { extra: { alternatives } });
}

// -- booking --------------------------------------------------------------------------------

/**
 * Books an appointment: checks the request against the department's rules, picks a free clerk
 * (fewest bookings that day first) and inserts; the database refuses an overlap, and the next
 * clerk is tried. The confirmation e-mail (when there is an address) and the audit entry are
 * written in the same transaction. Citizens keep to the lead time and the same-day release;
 * staff (`actor.kind === 'staff'`) may book any slot from now on.
 *
 * Throws 400 validation_failed (services, persons), 422 slot_unavailable (not a slot under the
 * rules), 409 slot_taken with `extra.alternatives`.
 */
export async function bookAppointment(
  ctx: BookingCtx,
  options: { department: DepartmentRow; tenant: TenantRow; request: StaffBookingRequest; actor: Actor },
): Promise<{ appointment: AppointmentRow; services: ServiceRow[] }> {
  const { department, tenant, request, actor } = options;
  checkPersons(department, request.persons);
  const services = await resolveServices(ctx.db, department.id, request.services);
  const durationMinutes = appointmentMinutes(services, request.persons);
  const startsAt = new Date(request.startsAt);
  const slot: SlotRequest = {
    office: { department, tenant },
    startsAt,
    durationMinutes,
    now: ctx.now,
    actor: actor.kind,
  };
  const candidates = await orderClerks(ctx.db, await freeClerksFor(ctx.db, slot), startsAt, tenant.timeZone);

  const id = randomUUID();
  const manageTokenHash = hashToken(appointmentToken(ctx.config.sessionSecret, id));
  const appointment = await withFirstFreeClerk(candidates, (staffId) =>
    ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(appointments)
        .values({
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
          interpreterLanguage: request.interpreterLanguage ?? null,
          concern: request.concern || null,
          manageTokenHash,
          bookedByStaffId: actor.kind === 'staff' ? actor.staffId : null,
          createdAt: ctx.now,
        })
        .returning();
      if (!row) throw new Error('insert returned nothing');
      await insertAudit(tx, {
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
        },
        createdAt: ctx.now,
      });
      await queueAppointmentMail(tx, { ...ctx, kind: 'confirmation', appointment: row, tenant, department, services });
      return row;
    }),
  );
  if (!appointment) throw await slotTaken(ctx.db, slot);
  await ctx.events.publish({ departmentId: department.id });
  return { appointment, services };
}

/** `POST /api/tenants/:tenant/departments/:department/appointments`: a citizen books. */
export async function bookAsCitizen(
  ctx: BookingCtx,
  options: { tenantSlug: string; departmentSlug: string; request: StaffBookingRequest },
): Promise<CitizenAppointment> {
  const office = await findOffice(ctx.db, options.tenantSlug, options.departmentSlug);
  const { appointment, services } = await bookAppointment(ctx, {
    ...office,
    request: options.request,
    actor: { kind: 'citizen' },
  });
  return toCitizenAppointment({ ...office, appointment, services, now: ctx.now });
}

// -- views ------------------------------------------------------------------------------------

/** The fields every view of an appointment shares. */
function appointmentBase(appointment: AppointmentRow, services: Pick<ServiceRow, 'slug' | 'name'>[]) {
  return {
    id: appointment.id,
    state: appointment.state,
    startsAt: appointment.startsAt.toISOString(),
    endsAt: appointment.endsAt.toISOString(),
    services: services.map((service) => ({ slug: service.slug, name: service.name })),
    persons: appointment.persons,
    name: appointment.citizenName,
    email: appointment.email,
    language: appointment.language,
    interpreterLanguage: appointment.interpreterLanguage,
  };
}

export function toCitizenAppointment(options: {
  appointment: AppointmentRow;
  department: DepartmentRow;
  tenant: TenantRow;
  services: ServiceRow[];
  now: Date;
}): CitizenAppointment {
  const { appointment, department, tenant, services } = options;
  const documents = new Map<string, ServiceRow['documents'][number]>();
  for (const service of services) {
    for (const document of service.documents) documents.set(JSON.stringify(document), document);
  }
  return {
    ...appointmentBase(appointment, services),
    tenantSlug: tenant.slug,
    tenantName: tenant.name,
    departmentSlug: department.slug,
    departmentName: department.name,
    timeZone: tenant.timeZone,
    documents: [...documents.values()],
    joinOpensAt: new Date(appointment.startsAt.getTime() - department.joinOpensMinutesBefore * MINUTE).toISOString(),
    canCancel: citizenMayChange(appointment, options.now),
  };
}

/** The citizen's view of `appointment` (default: the one found), with its services read. */
async function citizenView(
  ctx: { db: Db; now: Date },
  found: Found,
  appointment = found.appointment,
): Promise<CitizenAppointment> {
  const services = await findServicesByIds(ctx.db, appointment.serviceIds);
  return toCitizenAppointment({ ...found, appointment, services, now: ctx.now });
}

/** The clerk's view of an appointment, from what has been read already. */
export function staffAppointmentView(
  appointment: AppointmentRow,
  options: {
    services: Pick<ServiceRow, 'slug' | 'name'>[];
    clerkName: string;
    visitId: string | null;
    noShowGraceMinutes: number;
  },
): StaffAppointment {
  return {
    ...appointmentBase(appointment, options.services),
    phone: appointment.phone,
    concern: appointment.concern,
    clerk: { id: appointment.staffId, name: options.clerkName },
    visitId: options.visitId,
    noShowFrom: new Date(appointment.startsAt.getTime() + options.noShowGraceMinutes * MINUTE).toISOString(),
  };
}

export async function toStaffAppointment(
  db: Db,
  options: { appointment: AppointmentRow; department: DepartmentRow; services?: ServiceRow[] },
): Promise<StaffAppointment> {
  const { appointment, department } = options;
  const [services, clerkName, visitId] = await Promise.all([
    options.services ?? findServicesByIds(db, appointment.serviceIds),
    findStaffName(db, appointment.staffId),
    findArrivalVisitId(db, appointment.id),
  ]);
  return staffAppointmentView(appointment, {
    services,
    clerkName: clerkName ?? '',
    visitId,
    noShowGraceMinutes: department.noShowGraceMinutes,
  });
}

/** Citizens may cancel or rebook a booked appointment until it starts. */
function citizenMayChange(appointment: Pick<AppointmentRow, 'state' | 'startsAt'>, now: Date): boolean {
  return appointment.state === 'booked' && appointment.startsAt.getTime() > now.getTime();
}

// -- the manage link --------------------------------------------------------------------------

async function findByToken(db: Db, token: string) {
  // A mistyped, foreign or made-up token: one neutral answer, nothing to learn from it.
  const found = await findAppointmentByTokenHash(db, hashToken(token));
  if (!found) throw new AppError('appointment_not_found');
  return found;
}

/** `POST /api/appointments/manage`. */
export async function manageByToken(ctx: { db: Db; now: Date }, token: string): Promise<CitizenAppointment> {
  return citizenView(ctx, await findByToken(ctx.db, token));
}

/**
 * Why an appointment cannot be changed any more: a conflict with what happened meanwhile (409),
 * where the join link of such an appointment is gone for good (410, the codes' own status).
 */
function notChangeable(appointment: AppointmentRow): AppError {
  return new AppError(appointment.state === 'cancelled' ? 'appointment_cancelled' : 'appointment_over', {
    status: 409,
  });
}

/**
 * Cancels a booked appointment (state → cancelled, its slot free again), with audit entry and
 * e-mail in one transaction. Cancelling a cancelled appointment again changes nothing.
 */
async function cancel(
  ctx: BookingCtx,
  found: Found,
  options: { actor: Actor; note?: string; onlyBeforeStart: boolean },
): Promise<AppointmentRow> {
  const { appointment, department, tenant } = found;
  if (appointment.state === 'cancelled') return appointment;
  const cancelled = await ctx.db.transaction(async (tx) => {
    const row = await updateBookedAppointment(
      tx,
      appointment.id,
      { state: 'cancelled', cancelledAt: ctx.now },
      { startsAfter: options.onlyBeforeStart ? ctx.now : undefined },
    );
    if (!row) return null;
    await insertAudit(tx, {
      tenantId: tenant.id,
      departmentId: department.id,
      ...auditActor(options.actor),
      action: 'appointment.cancelled',
      data: { appointmentId: row.id, withNote: Boolean(options.note) },
      createdAt: ctx.now,
    });
    await queueAppointmentMail(tx, {
      ...ctx,
      kind: 'cancelled',
      appointment: row,
      tenant,
      department,
      note: options.note,
    });
    return row;
  });
  if (!cancelled) {
    // Changed meanwhile: cancelled by someone else (fine), or started, arrived, over.
    const now = await findAppointment(ctx.db, appointment.id);
    if (now?.state === 'cancelled') return now;
    throw notChangeable(now ?? appointment);
  }
  await ctx.events.publish({ departmentId: department.id });
  return cancelled;
}

/** `POST /api/appointments/cancel`: only while booked and before the start; twice is fine. */
export async function cancelByToken(ctx: BookingCtx, token: string): Promise<CitizenAppointment> {
  const found = await findByToken(ctx.db, token);
  if (found.appointment.state !== 'cancelled' && !citizenMayChange(found.appointment, ctx.now)) {
    throw notChangeable(found.appointment);
  }
  const appointment = await cancel(ctx, found, { actor: { kind: 'citizen' }, onlyBeforeStart: true });
  return citizenView(ctx, found, appointment);
}

/**
 * Moves a booked appointment to another free slot of the same length, in one UPDATE: the old time
 * is free the moment the new one is held, and the constraint refuses an overlap as for a booking.
 * The same clerk is kept when free; the manage token stays the same.
 */
async function move(
  ctx: BookingCtx,
  found: Found,
  startsAt: Date,
  options: { actor: Actor; onlyBeforeStart: boolean },
): Promise<AppointmentRow> {
  const { appointment, department, tenant } = found;
  if (startsAt.getTime() === appointment.startsAt.getTime()) return appointment;
  const durationMinutes = Math.round((appointment.endsAt.getTime() - appointment.startsAt.getTime()) / MINUTE);
  const slot: SlotRequest = {
    office: { department, tenant },
    startsAt,
    durationMinutes,
    now: ctx.now,
    actor: options.actor.kind,
    ignoreAppointmentId: appointment.id,
  };
  const candidates = await orderClerks(
    ctx.db,
    await freeClerksFor(ctx.db, slot),
    startsAt,
    tenant.timeZone,
    appointment.staffId,
  );
  const endsAt = new Date(startsAt.getTime() + durationMinutes * MINUTE);
  let changedMeanwhile = false as boolean;
  const moved = await withFirstFreeClerk(candidates, (staffId) =>
    ctx.db.transaction(async (tx) => {
      const row = await updateBookedAppointment(
        tx,
        appointment.id,
        // A new time earns a new reminder, unless it is so close that the "moved" e-mail is one.
        { staffId, startsAt, endsAt, reminderSentAt: reminderDueAfterMove(ctx, startsAt) ? null : ctx.now },
        { startsAfter: options.onlyBeforeStart ? ctx.now : undefined },
      );
      if (!row) {
        changedMeanwhile = true;
        return null;
      }
      await insertAudit(tx, {
        tenantId: tenant.id,
        departmentId: department.id,
        ...auditActor(options.actor),
        action: 'appointment.moved',
        data: {
          appointmentId: row.id,
          from: appointment.startsAt.toISOString(),
          to: row.startsAt.toISOString(),
          sameClerk: row.staffId === appointment.staffId,
        },
        createdAt: ctx.now,
      });
      await queueAppointmentMail(tx, { ...ctx, kind: 'moved', appointment: row, tenant, department });
      return row;
    }),
  );
  if (changedMeanwhile || moved === null) {
    if (changedMeanwhile) {
      throw notChangeable((await findAppointment(ctx.db, appointment.id)) ?? appointment);
    }
    throw await slotTaken(ctx.db, slot);
  }
  await ctx.events.publish({ departmentId: department.id });
  return moved;
}

/** `POST /api/appointments/rebook`: to another free slot under the citizen rules. */
export async function rebookByToken(ctx: BookingCtx, token: string, startsAt: Date): Promise<CitizenAppointment> {
  const found = await findByToken(ctx.db, token);
  if (!citizenMayChange(found.appointment, ctx.now)) throw notChangeable(found.appointment);
  const appointment = await move(ctx, found, startsAt, { actor: { kind: 'citizen' }, onlyBeforeStart: true });
  return citizenView(ctx, found, appointment);
}

// -- the clerk's side ---------------------------------------------------------------------------

async function findForStaff(ctx: StaffBookingCtx, departmentId: string, appointmentId: string): Promise<Found> {
  await requireMembership(ctx, departmentId);
  const found = await findAppointmentForStaff(ctx.db, ctx.staff.id, departmentId, appointmentId);
  if (!found) throw new AppError('appointment_not_found');
  return found;
}

/** `POST /api/staff/departments/:departmentId/appointments`: a clerk books for someone who phoned in. */
export async function bookAsStaff(
  ctx: StaffBookingCtx,
  departmentId: string,
  request: StaffBookingRequest,
): Promise<StaffAppointment> {
  await requireMembership(ctx, departmentId);
  const office = await findDepartmentWithTenant(ctx.db, departmentId);
  if (!office) throw new AppError('department_not_found');
  const { appointment, services } = await bookAppointment(ctx, {
    ...office,
    request,
    actor: { kind: 'staff', staffId: ctx.staff.id },
  });
  return toStaffAppointment(ctx.db, { appointment, department: office.department, services });
}

/** `POST /api/staff/departments/:departmentId/appointments/:appointmentId/cancel`, with an optional note for the e-mail. */
export async function cancelAsStaff(
  ctx: StaffBookingCtx,
  departmentId: string,
  appointmentId: string,
  note: string | undefined,
): Promise<StaffAppointment> {
  const found = await findForStaff(ctx, departmentId, appointmentId);
  if (found.appointment.state !== 'booked' && found.appointment.state !== 'cancelled') {
    throw notChangeable(found.appointment);
  }
  const appointment = await cancel(ctx, found, {
    actor: { kind: 'staff', staffId: ctx.staff.id },
    note: note || undefined,
    onlyBeforeStart: false,
  });
  return toStaffAppointment(ctx.db, { appointment, department: found.department });
}

/**
 * `POST /api/staff/departments/:departmentId/appointments/:appointmentId/move`: any booked (not yet arrived)
 * appointment, to a free slot from now on (the same-day release does not bind clerks).
 */
export async function moveAsStaff(
  ctx: StaffBookingCtx,
  departmentId: string,
  appointmentId: string,
  startsAt: Date,
): Promise<StaffAppointment> {
  const found = await findForStaff(ctx, departmentId, appointmentId);
  if (found.appointment.state !== 'booked') throw notChangeable(found.appointment);
  const appointment = await move(ctx, found, startsAt, {
    actor: { kind: 'staff', staffId: ctx.staff.id },
    onlyBeforeStart: false,
  });
  return toStaffAppointment(ctx.db, { appointment, department: found.department });
}

/** Whether a moved appointment should get its reminder later (its new start is beyond the window). */
function reminderDueAfterMove(ctx: BookingCtx, startsAt: Date): boolean {
  const windowMs = ctx.config.reminderHours * 3600_000;
  return windowMs > 0 && startsAt.getTime() - ctx.now.getTime() > windowMs;
}
