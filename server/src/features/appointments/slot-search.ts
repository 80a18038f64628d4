import {
  addDays,
  dayRange,
  formatCivilDate,
  parseCivilDate,
  zonedParts,
  type CivilDate,
  type LocalizedText,
  type SlotQuery,
  type SlotsResponse,
} from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { sqlState } from '../../db/errors.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { findDepartmentBySlugs } from '../directory/directory.repo.js';
import { listBookableServices, type AppointmentRow, type DepartmentRow, type ServiceRow } from './appointments.repo.js';
import type { Office } from './booking-ctx.js';
import type { SlotCache } from './slot-cache.js';
import { countAppointmentsByClerk, loadSlotInputs } from './schedules.repo.js';
import {
  civilDateAt,
  closedDateSet,
  closedReasonMap,
  PreparedSchedules,
  SlotPlanner,
  type BookingActor,
  type ExplainedDay,
  type FreeSlot,
  type SlotProbe,
} from './slots.js';

/**
 * Finding free slots and a free clerk for one (issue 6). No double booking: the database's
 * exclusion constraint `appointments_no_overlap` decides. The slot search only picks a clerk who
 * looks free; the insert is the test. When it fails with 23P01 the next free clerk is tried, and
 * when none is left the citizen hears that the slot was just taken, with the next free ones to
 * choose from.
 */

/** How many alternatives a 409 slot_taken offers. */
export const ALTERNATIVES = 3;
/** Deadlocks between two inserts racing for one clerk are retried (the loser then sees 23P01). */
const RETRIES_PER_CLERK = 3;

/**
 * The department and its tenant. With `cache`, as read since the last change: for searches, and
 * for a booking's early refusal, never for the booking itself (its rules are read fresh).
 */
export async function findOffice(
  db: Db,
  tenantSlug: string,
  departmentSlug: string,
  cache?: SlotCache,
): Promise<Office> {
  const read = () => findDepartmentBySlugs(db, tenantSlug, departmentSlug);
  const office = await (cache ? cache.get('settings', `office\0${tenantSlug}\0${departmentSlug}`, read) : read());
  if (!office) throw new AppError('department_not_found');
  return office;
}

/** The department's bookable services named by `slugs`, in that order (repeats dropped). */
export async function resolveServices(
  db: Db,
  departmentId: string,
  slugs: string[],
  cache?: SlotCache,
): Promise<ServiceRow[]> {
  const read = async () => new Map((await listBookableServices(db, departmentId)).map((s) => [s.slug, s]));
  const bookable = await (cache ? cache.get('settings', `services\0${departmentId}`, read) : read());
  const chosen: ServiceRow[] = [];
  for (const slug of new Set(slugs)) {
    const service = bookable.get(slug);
    if (!service) throw invalidField('services', 'this service cannot be booked here');
    chosen.push(service);
  }
  return chosen;
}

/** The department's limit, or a chosen service's lower one (`services.maxPersons`, issue 15). */
export function checkPersons(
  department: DepartmentRow,
  persons: number,
  services: Pick<ServiceRow, 'maxPersons'>[] = [],
): void {
  const limit = Math.min(department.maxPersonsPerBooking, ...services.map((s) => s.maxPersons ?? Infinity));
  if (persons > limit) {
    throw invalidField('persons', `at most ${limit} persons per appointment`, {
      de: `Höchstens ${limit} Personen pro Termin.`,
      en: `At most ${limit} persons per appointment.`,
    });
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
  /** Read through this cache (searches only; see slot-cache.ts). */
  cache?: SlotCache;
}

const laterOf = (a: CivilDate, b: CivilDate) => (formatCivilDate(a) > formatCivilDate(b) ? a : b);
const earlierOf = (a: CivilDate, b: CivilDate) => (formatCivilDate(a) < formatCivilDate(b) ? a : b);

/** Loads clerks, absences, appointments and closures for [from, to] and prepares the search. */
export async function loadSlotPlanner(db: Db, options: SlotSearchOptions): Promise<SlotPlanner> {
  const { department, timeZone } = options;
  // Nothing before today or past the horizon can be booked: no need to read it.
  const today = civilDateAt(options.now, timeZone);
  const from = laterOf(options.from, today);
  const to = earlierOf(options.to, addDays(today, department.bookingHorizonDays));
  const bookable = formatCivilDate(from) <= formatCivilDate(to);
  const fromDate = formatCivilDate(from);
  const toDate = formatCivilDate(to);
  const read = () =>
    loadSlotInputs(db, {
      tenantId: department.tenantId,
      departmentId: department.id,
      range: dayRange(from, to, timeZone),
      fromDate,
      toDate,
      ignoreAppointmentId: options.ignoreAppointmentId,
    });
  const { cache } = options;
  // Cached prepared, so that the timelines are built and the days computed once per change, not
  // per search.
  const readPrepared = async (): Promise<CachedSchedules> => {
    const inputs = await read();
    return {
      clerks: new PreparedSchedules(inputs.clerks),
      closures: inputs.closures,
      range: dayRange(from, to, timeZone),
    };
  };
  const { clerks, closures } = !bookable
    ? { clerks: [], closures: [] }
    : cache && !options.ignoreAppointmentId
      ? await cache.get('schedule', `inputs\0${department.id}\0${timeZone}\0${fromDate}\0${toDate}`, readPrepared)
      : await read();
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
    closedDates: closedDateSet(closures, from, to),
    closedReasons: closedReasonMap(closures, from, to),
    clerks,
  });
}

/** A schedule entry of the slot cache: what `loadSlotInputs` read for `range`, prepared. */
interface CachedSchedules {
  clerks: PreparedSchedules;
  closures: { startsOn: string; endsOn: string; reason: LocalizedText | null }[];
  range: { from: Date; to: Date };
}

/**
 * After this process committed `appointment`: the cached schedules with it (`SlotCache.amend`),
 * in every entry whose read would have found it (a live appointment of one of its clerks
 * overlapping its span, in any department, as `loadSlotInputs` reads them).
 */
export function amendSlotCache(
  cache: SlotCache,
  appointment: Pick<AppointmentRow, 'id' | 'staffId' | 'startsAt' | 'endsAt'>,
): void {
  const span = { startsAt: appointment.startsAt, endsAt: appointment.endsAt };
  cache.amend(appointment.id, (value) => {
    const entry = value as CachedSchedules;
    if (span.startsAt >= entry.range.to || span.endsAt <= entry.range.from) return entry;
    return { ...entry, clerks: entry.clerks.withAppointment(appointment.staffId, span) };
  });
}

/**
 * Days read beyond the window asked for, so that the next free date is usually found in the same
 * read (a weekend and a holiday). A fuller office costs one more read, of the rest of the horizon.
 */
export const NEXT_FREE_LOOKAHEAD_DAYS = 4;

/** The first date in [from, to] with a free slot; the planner must have read that span. */
function firstFreeDate(planner: SlotPlanner, from: CivilDate, to: CivilDate): string | null {
  for (let date = from; formatCivilDate(date) <= formatCivilDate(to); date = addDays(date, 1)) {
    if (planner.day(date).slots.length > 0) return formatCivilDate(date);
  }
  return null;
}

/**
 * The slot search behind `GET …/slots` (and the benchmark): free slots for `days` days from
 * `from`, and the first later date with a free slot, up to the booking horizon. Reads the window
 * asked for and a few days after it, not the whole horizon (issue 14: p99 ≤ 20 ms over HTTP).
 */
export async function searchFreeSlots(
  db: Db,
  options: Omit<SlotSearchOptions, 'to'> & { days: number },
): Promise<{ days: ExplainedDay[]; nextFreeDate: string | null }> {
  const today = civilDateAt(options.now, options.timeZone);
  const horizonEnd = addDays(today, options.department.bookingHorizonDays);
  const last = addDays(options.from, options.days - 1);
  const scanFrom = laterOf(addDays(last, 1), today);
  const lookahead = earlierOf(addDays(scanFrom, NEXT_FREE_LOOKAHEAD_DAYS - 1), horizonEnd);
  const planner = await loadSlotPlanner(db, { ...options, to: laterOf(last, lookahead) });
  const days = planner.range(options.from, options.days);
  let nextFreeDate = firstFreeDate(planner, scanFrom, lookahead);
  if (nextFreeDate === null && formatCivilDate(lookahead) < formatCivilDate(horizonEnd)) {
    const rest = addDays(lookahead, 1);
    const later = await loadSlotPlanner(db, { ...options, from: rest, to: horizonEnd });
    nextFreeDate = firstFreeDate(later, rest, horizonEnd);
  }
  return { days, nextFreeDate };
}

const toSlot = (slot: FreeSlot) => ({ startsAt: slot.startsAt.toISOString(), endsAt: slot.endsAt.toISOString() });

/** A cached day's slots as the answer carries them, written once per day computed (not per search). */
const slotsAnswered = new WeakMap<FreeSlot[], { startsAt: string; endsAt: string }[]>();
function answerSlots(slots: FreeSlot[]) {
  let answer = slotsAnswered.get(slots);
  if (!answer) {
    answer = slots.map(toSlot);
    slotsAnswered.set(slots, answer);
  }
  return answer;
}

/** `GET /api/tenants/:tenant/departments/:department/slots`. */
export async function findSlots(
  ctx: { db: Db; now: Date; slotCache?: SlotCache },
  options: { tenantSlug: string; departmentSlug: string; query: SlotQuery },
): Promise<SlotsResponse> {
  const cache = ctx.slotCache;
  const { department, tenant } = await findOffice(ctx.db, options.tenantSlug, options.departmentSlug, cache);
  const { query } = options;
  checkPersons(department, query.persons);
  const services = await resolveServices(ctx.db, department.id, query.services, cache);
  checkPersons(department, query.persons, services);
  const durationMinutes = appointmentMinutes(services, query.persons);
  const result = await searchFreeSlots(ctx.db, {
    department,
    timeZone: tenant.timeZone,
    durationMinutes,
    now: ctx.now,
    actor: 'citizen',
    from: query.from ? parseCivilDate(query.from) : civilDateAt(ctx.now, tenant.timeZone),
    days: query.days,
    cache,
  });
  return {
    timeZone: tenant.timeZone,
    durationMinutes,
    days: result.days.map((day) => ({
      date: day.date,
      slots: answerSlots(day.slots),
      status: day.status,
      releasesAt: day.releasesAt?.toISOString() ?? null,
      reason: day.reason,
    })),
    nextFreeDate: result.nextFreeDate,
  };
}

/**
 * Tries `attempt` with each clerk in turn until one commits. 23P01 (the no-overlap constraint)
 * means that clerk was just taken: next one. Null when every clerk was taken.
 */
export async function withFirstFreeClerk<T>(
  staffIds: string[],
  attempt: (staffId: string) => Promise<T>,
): Promise<T | null> {
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
export async function orderClerks(
  db: Db,
  staffIds: string[],
  startsAt: Date,
  timeZone: string,
  preferred?: string,
): Promise<string[]> {
  const day = zonedParts(startsAt, timeZone);
  const counts = await countAppointmentsByClerk(db, staffIds, dayRange(day, day, timeZone));
  return rankClerks(staffIds, counts, preferred);
}

function rankClerks(staffIds: string[], counts: Map<string, number>, preferred?: string): string[] {
  const rank = (id: string) => (id === preferred ? -1 : (counts.get(id) ?? 0));
  return [...staffIds].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export interface SlotRequest {
  office: Office;
  startsAt: Date;
  durationMinutes: number;
  now: Date;
  actor: BookingActor;
  ignoreAppointmentId?: string;
  /** Where a 409's alternatives are read from (they are a suggestion, as a search is). */
  cache?: SlotCache;
}

/**
 * The slot's day, with what the grid says about the requested start: for a booking from the
 * database (`cache` left out), for an early refusal from the cache.
 */
async function probeSlotDay(
  db: Db,
  request: SlotRequest,
  cache: SlotCache | undefined,
): Promise<{ planner: SlotPlanner; probe: SlotProbe; day: CivilDate }> {
  const timeZone = request.office.tenant.timeZone;
  const day = zonedParts(request.startsAt, timeZone);
  const planner = await loadSlotPlanner(db, {
    ...request,
    cache,
    department: request.office.department,
    timeZone,
    from: day,
    to: day,
  });
  return { planner, probe: planner.probe(request.startsAt), day };
}

/**
 * The clerks free for exactly this slot, read from the database, fewest live appointments that
 * day first (counted in the same read: the day's appointments it reads are those the order
 * counts); 422 when it never was a slot, 409 when it is taken.
 */
export async function freeClerksFor(db: Db, request: SlotRequest): Promise<string[]> {
  const { planner, probe, day } = await probeSlotDay(db, request, undefined);
  if (!probe.offered) throw new AppError('slot_unavailable');
  if (probe.staffIds.length === 0) throw await slotTaken(db, request);
  const { from, to } = dayRange(day, day, request.office.tenant.timeZone);
  return rankClerks(probe.staffIds, planner.appointmentsStarting(from, to));
}

/**
 * Throws 409 with alternatives, without touching the database, when the cache already knows the
 * slot offered and every clerk taken (the rush: hundreds want the same few slots). Anything else,
 * a slot the cache thinks free or not a slot at all, is left to the booking's own read.
 */
export async function refuseKnownTaken(db: Db, request: SlotRequest): Promise<void> {
  if (!request.cache) return;
  const { probe } = await probeSlotDay(db, request, request.cache);
  if (probe.offered && probe.staffIds.length === 0) throw await slotTaken(db, request);
}

/** 409 slot_taken with the next free slots from the requested time on. */
export async function slotTaken(db: Db, request: SlotRequest): Promise<AppError> {
  const timeZone = request.office.tenant.timeZone;
  const today = civilDateAt(request.now, timeZone);
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
