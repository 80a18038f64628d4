import {
  addDays,
  formatCivilDate,
  parseCivilDate,
  weekdayOf,
  zonedParts,
  zonedToInstant,
  type CivilDate,
  type LocalizedText,
  type SlotDayStatus,
} from '@amtsraum/shared';

/**
 * Free appointment slots, computed without the database (issue 6). Everything a day's slots depend
 * on comes in as plain data: the clerks' weekly hours (tenant wall clock), their busy spans
 * (absences and live appointments, as instants), closed dates and the department's booking rules.
 *
 * The rules, as decided here:
 * - The grid: per clerk and availability window, a slot starts every min(15, duration) minutes
 *   from the window's start, as long as the whole appointment fits before the window's end. The
 *   grid runs on real time: on the autumn change a window over the repeated hour has that hour's
 *   slots twice (at different instants); on the spring change the skipped hour has none.
 * - A slot is free when some clerk whose window holds all of [start, end) has nothing busy that
 *   overlaps it. Slots of several clerks at the same instant are one slot.
 * - Dates: from today to today + horizonDays (tenant zone), not on tenant holidays or department
 *   closures.
 * - Citizens: from now + leadMinutes on. Today's slots only from the same-day release time on
 *   (never when it is null), and then from now + min(leadMinutes, 15) minutes, so the lead time
 *   does not hide the slots released for urgent matters.
 * - Staff (someone phoned in): from now on, today included without waiting for the release; the
 *   horizon holds for them too.
 */

export const SLOT_STEP_MINUTES = 15;
/** Minimum notice for today's released slots. */
export const SAME_DAY_LEAD_MINUTES = 15;

const MINUTE = 60_000;

export type BookingActor = 'citizen' | 'staff';

export interface BookingRules {
  horizonDays: number;
  leadMinutes: number;
  /** "HH:MM" in the tenant zone, or null: no same-day booking by citizens. */
  sameDayReleaseTime: string | null;
}

export interface Interval {
  startsAt: Date;
  endsAt: Date;
}

/** Weekly hours of one clerk: ISO weekday (1 = Monday), "HH:MM" wall clock. */
export interface WeeklyWindow {
  weekday: number;
  startsAt: string;
  endsAt: string;
}

export interface ClerkSchedule {
  staffId: string;
  windows: WeeklyWindow[];
  /** Absences: slots overlapping them never existed. */
  absences: Interval[];
  /** Live appointments (any department): slots overlapping them are taken. */
  appointments: Interval[];
}

export interface SlotSearchInput {
  timeZone: string;
  now: Date;
  rules: BookingRules;
  actor: BookingActor;
  durationMinutes: number;
  /** Closed dates, "YYYY-MM-DD" in the tenant zone. */
  closedDates: ReadonlySet<string>;
  /** Why a closed date is closed (the closure's reason, a holiday's name), where one is given. */
  closedReasons?: ReadonlyMap<string, LocalizedText>;
  /** The schedules, or the same prepared once for many searches (with the days computed from them). */
  clerks: ClerkSchedule[] | PreparedSchedules;
}

export interface FreeSlot extends Interval {
  /** Clerks free for the whole slot. */
  staffIds: string[];
}

export interface DaySlots {
  date: string;
  slots: FreeSlot[];
}

/** A day as the calendar shows it: its free slots, and why there are none when there are none. */
export interface ExplainedDay extends DaySlots {
  status: SlotDayStatus;
  /** `not_released`: when today's slots open. */
  releasesAt: Date | null;
  /** `closed` by a closure or a holiday: its reason or name, if it has one. */
  reason: LocalizedText | null;
}

/** What the grid says about one requested start. */
export interface SlotProbe {
  /** The start is on the grid, within the rules, with a clerk present (free or not). */
  offered: boolean;
  /** Clerks free for it; empty when taken. */
  staffIds: string[];
}

export function slotStepMinutes(durationMinutes: number): number {
  return Math.min(SLOT_STEP_MINUTES, durationMinutes);
}

function parseClock(text: string): { hour: number; minute: number } {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not an HH:MM time: ${text}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

// Reading a zone (Intl) is the costly part of a search, and clerks share their hours: the instant of
// a wall-clock time on a date never changes, so it is remembered (bounded, for long-running servers),
// under a number rather than a string (a cached search looks up one per date, issue 14).
const instantCache = new Map<string, Map<number, number>>();
let instantsCached = 0;
const INSTANT_CACHE_LIMIT = 50_000;

function wallClockInstant(timeZone: string, date: CivilDate, clock: { hour: number; minute: number }): number {
  let zone = instantCache.get(timeZone);
  if (!zone) {
    zone = new Map();
    instantCache.set(timeZone, zone);
  }
  const key = ((date.year * 16 + date.month) * 32 + date.day) * 1440 + clock.hour * 60 + clock.minute;
  let value = zone.get(key);
  if (value === undefined) {
    value = zonedToInstant({ ...date, ...clock }, timeZone).getTime();
    if (instantsCached >= INSTANT_CACHE_LIMIT) {
      instantCache.clear();
      instantsCached = 0;
      zone = new Map();
      instantCache.set(timeZone, zone);
    }
    zone.set(key, value);
    instantsCached++;
  }
  return value;
}

let lastToday: { at: number; timeZone: string; date: CivilDate } | null = null;

/**
 * The date in `timeZone` at `now`. A search asks it several times for the same instant (the
 * request's clock), and each reading through Intl costs a tenth of a millisecond or more.
 */
export function civilDateAt(now: Date, timeZone: string): CivilDate {
  const at = now.getTime();
  if (lastToday?.at !== at || lastToday.timeZone !== timeZone) {
    const { year, month, day } = zonedParts(now, timeZone);
    lastToday = { at, timeZone, date: { year, month, day } };
  }
  return lastToday.date;
}

/** Disjoint, sorted busy spans, so that "is [t, t + d) free" is a binary search. */
class BusyTimeline {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(intervals: Interval[]) {
    const sorted = intervals
      .map((i) => [i.startsAt.getTime(), i.endsAt.getTime()] as const)
      .filter(([s, e]) => e > s)
      .sort((a, b) => a[0] - b[0]);
    for (const [s, e] of sorted) {
      const last = this.ends.length - 1;
      if (last >= 0 && s <= this.ends[last]!) this.ends[last] = Math.max(this.ends[last]!, e);
      else {
        this.starts.push(s);
        this.ends.push(e);
      }
    }
  }

  isFree(start: number, end: number): boolean {
    // First span ending after `start`; ends are increasing because spans are disjoint.
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.ends.length || this.starts[lo]! >= end;
  }
}

interface PreparedClerk {
  staffId: string;
  windowsByWeekday: Map<number, { start: { hour: number; minute: number }; end: { hour: number; minute: number } }[]>;
  absences: BusyTimeline;
  appointments: BusyTimeline;
}

const MIDNIGHT = { hour: 0, minute: 0 };
/** Days kept per set of schedules: dates of the window × the durations people ask for. */
const DAYS_KEPT_LIMIT = 5_000;

/**
 * Clerks' schedules made ready for searching (busy spans merged and sorted, hours by weekday), and
 * the free slots of the days computed from them, per appointment length (issue 14: a cached search
 * spent its time building the same timelines and the same days for every request). Immutable
 * input: whoever keeps one drops it when the schedules change (slot-cache.ts).
 */
export class PreparedSchedules {
  readonly clerks: PreparedClerk[];
  private readonly days = new Map<string, DaySlots>();

  constructor(readonly schedules: ClerkSchedule[]) {
    this.clerks = schedules.map((clerk) => {
      const windowsByWeekday: PreparedClerk['windowsByWeekday'] = new Map();
      for (const window of clerk.windows) {
        const list = windowsByWeekday.get(window.weekday) ?? [];
        list.push({ start: parseClock(window.startsAt), end: parseClock(window.endsAt) });
        windowsByWeekday.set(window.weekday, list);
      }
      return {
        staffId: clerk.staffId,
        windowsByWeekday,
        absences: new BusyTimeline(clerk.absences),
        appointments: new BusyTimeline(clerk.appointments),
      };
    });
  }

  /**
   * These schedules with one more appointment of `staffId` (a booking this process committed):
   * new, as the days computed here are shared. Unchanged (`this`) when the clerk is not among
   * them or already has exactly that span (a read made after the commit): two live appointments
   * of one clerk never overlap, so an equal span is that appointment.
   */
  withAppointment(staffId: string, span: Interval): PreparedSchedules {
    const clerk = this.schedules.find((schedule) => schedule.staffId === staffId);
    const start = span.startsAt.getTime();
    const end = span.endsAt.getTime();
    if (!clerk || clerk.appointments.some((a) => a.startsAt.getTime() === start && a.endsAt.getTime() === end)) {
      return this;
    }
    return new PreparedSchedules(
      this.schedules.map((schedule) =>
        schedule === clerk ? { ...schedule, appointments: [...schedule.appointments, span] } : schedule,
      ),
    );
  }

  /** The day under `key`, computed once. Its slots are shared: callers must not change them. */
  day(key: string, compute: () => DaySlots): DaySlots {
    let day = this.days.get(key);
    if (!day) {
      if (this.days.size >= DAYS_KEPT_LIMIT) this.days.clear();
      day = compute();
      this.days.set(key, day);
    }
    return day;
  }
}

/**
 * Prepares a search once (busy spans merged, today and the horizon fixed) and answers per day.
 * Build one per request; it holds no state beyond the input.
 */
export class SlotPlanner {
  readonly today: CivilDate;
  readonly todayText: string;
  /** The last bookable date (today + horizon). */
  readonly lastDate: CivilDate;
  readonly lastDateText: string;
  private readonly prepared: PreparedSchedules;
  private readonly clerks: PreparedClerk[];
  private readonly durationMs: number;
  private readonly stepMs: number;

  constructor(private readonly input: SlotSearchInput) {
    if (!Number.isInteger(input.durationMinutes) || input.durationMinutes <= 0) {
      throw new RangeError('duration must be a positive whole number of minutes');
    }
    this.today = civilDateAt(input.now, input.timeZone);
    this.todayText = formatCivilDate(this.today);
    this.lastDate = addDays(this.today, input.rules.horizonDays);
    this.lastDateText = formatCivilDate(this.lastDate);
    this.durationMs = input.durationMinutes * MINUTE;
    this.stepMs = slotStepMinutes(input.durationMinutes) * MINUTE;
    this.prepared = input.clerks instanceof PreparedSchedules ? input.clerks : new PreparedSchedules(input.clerks);
    this.clerks = this.prepared.clerks;
  }

  /** The earliest start bookable on `date`, or null when nothing on that date is. */
  earliestStart(date: CivilDate): number | null {
    const text = formatCivilDate(date);
    if (text < this.todayText || text > this.lastDateText) return null;
    if (this.input.closedDates.has(text)) return null;
    const now = this.input.now.getTime();
    if (this.input.actor === 'staff') return now;
    if (text === this.todayText) {
      const release = this.input.rules.sameDayReleaseTime;
      if (!release) return null;
      if (now < this.instant(date, parseClock(release))) return null;
      return now + Math.min(this.input.rules.leadMinutes, SAME_DAY_LEAD_MINUTES) * MINUTE;
    }
    return now + this.input.rules.leadMinutes * MINUTE;
  }

  private instant(date: CivilDate, clock: { hour: number; minute: number }): number {
    return wallClockInstant(this.input.timeZone, date, clock);
  }

  /** Every (clerk, start) on the date's grid within the rules, absences excluded. */
  private *grid(
    date: CivilDate,
    earliest = this.earliestStart(date),
  ): Generator<{ clerk: PreparedClerk; start: number; end: number }> {
    if (earliest === null) return;
    const weekday = weekdayOf(date);
    for (const clerk of this.clerks) {
      for (const window of clerk.windowsByWeekday.get(weekday) ?? []) {
        const windowStart = this.instant(date, window.start);
        const windowEnd = this.instant(date, window.end);
        let start = windowStart;
        if (start < earliest) start += Math.ceil((earliest - start) / this.stepMs) * this.stepMs;
        for (; start + this.durationMs <= windowEnd; start += this.stepMs) {
          const end = start + this.durationMs;
          if (clerk.absences.isFree(start, end)) yield { clerk, start, end };
        }
      }
    }
  }

  /** The free slots of one date (tenant zone), earliest first. Shared: not to be changed. */
  day(date: CivilDate): DaySlots {
    const earliest = this.earliestStart(date);
    if (earliest === null) return { date: formatCivilDate(date), slots: [] };
    // Hours begin at midnight or later, so a day whose earliest start is not after its midnight
    // does not depend on the clock: computed once per length until the schedules change.
    const midnight = this.instant(date, MIDNIGHT);
    const key = `${this.input.timeZone} ${this.durationMs} ${formatCivilDate(date)}`;
    if (earliest <= midnight) return this.prepared.day(key, () => this.computeDay(date, earliest));
    // A day cut by the clock (today, the lead time): hours and the grid's steps are whole minutes
    // from a whole-minute midnight, so every earliest start within one minute lets the same starts
    // through as the next whole minute does. Kept per that minute, not computed for each search
    // (issue 14, the rush: two thousand searches of today within a minute).
    if (midnight % MINUTE !== 0) return this.computeDay(date, earliest);
    const from = Math.ceil(earliest / MINUTE) * MINUTE;
    return this.prepared.day(`${key} from ${String(from)}`, () => this.computeDay(date, from));
  }

  private computeDay(date: CivilDate, earliest: number): DaySlots {
    const byStart = new Map<number, Set<string>>();
    for (const { clerk, start, end } of this.grid(date, earliest)) {
      if (!clerk.appointments.isFree(start, end)) continue;
      const ids = byStart.get(start) ?? new Set<string>();
      ids.add(clerk.staffId);
      byStart.set(start, ids);
    }
    const slots = [...byStart]
      .sort((a, b) => a[0] - b[0])
      .map(([start, ids]) => ({
        startsAt: new Date(start),
        endsAt: new Date(start + this.durationMs),
        staffIds: [...ids],
      }));
    return { date: formatCivilDate(date), slots };
  }

  /** Whether `startsAt` is a slot at all, and which clerks are free for it. */
  probe(startsAt: Date): SlotProbe {
    const target = startsAt.getTime();
    const date = zonedParts(startsAt, this.input.timeZone);
    const staffIds = new Set<string>();
    let offered = false;
    for (const { clerk, start, end } of this.grid(date)) {
      if (start !== target) continue;
      offered = true;
      if (clerk.appointments.isFree(start, end)) staffIds.add(clerk.staffId);
    }
    return { offered, staffIds: [...staffIds] };
  }

  /** Free slots from `from` for `days` days, each with its status; dates outside the rules come back empty. */
  range(from: CivilDate, days: number): ExplainedDay[] {
    return Array.from({ length: days }, (_, i) => {
      const date = addDays(from, i);
      const day = this.day(date);
      const explained = this.statusOf(date, day.slots.length);
      const reason = explained.status === 'closed' ? this.input.closedReasons?.get(formatCivilDate(date)) : undefined;
      return { ...day, ...explained, reason: reason ?? null };
    });
  }

  /**
   * Why a date offers what it does (issue 13: closed days and today before the release said
   * "ausgebucht"): closed (a closure, or nobody's hours that weekday), today not released yet or
   * not bookable online, every slot taken, or simply none left.
   */
  statusOf(date: CivilDate, free: number): { status: SlotDayStatus; releasesAt: Date | null } {
    const none = { releasesAt: null };
    if (free > 0) return { status: 'free', ...none };
    const text = formatCivilDate(date);
    if (text < this.todayText || text > this.lastDateText) return { status: 'none', ...none };
    const weekday = weekdayOf(date);
    const hours = this.clerks.some((clerk) => (clerk.windowsByWeekday.get(weekday)?.length ?? 0) > 0);
    if (this.input.closedDates.has(text) || !hours) return { status: 'closed', ...none };
    if (this.input.actor === 'citizen' && text === this.todayText) {
      const release = this.input.rules.sameDayReleaseTime;
      if (!release) return { status: 'not_same_day', ...none };
      const releasesAt = this.instant(date, parseClock(release));
      if (this.input.now.getTime() < releasesAt) return { status: 'not_released', releasesAt: new Date(releasesAt) };
    }
    // Slots within the rules that are all taken: booked up. None at all: the day's time is past.
    for (const _slot of this.grid(date)) return { status: 'full', ...none };
    return { status: 'none', ...none };
  }

  /** The first date from `from` to the horizon with a free slot. */
  nextFreeDate(from: CivilDate): string | null {
    const start = formatCivilDate(from) < this.todayText ? this.today : from;
    for (let date = start; formatCivilDate(date) <= this.lastDateText; date = addDays(date, 1)) {
      if (this.day(date).slots.length > 0) return formatCivilDate(date);
    }
    return null;
  }

  /**
   * Live appointments per clerk starting in [from, to), as read for this planner (the read holds
   * every appointment overlapping its span, so each one starting within it).
   */
  appointmentsStarting(from: Date, to: Date): Map<string, number> {
    const counts = new Map<string, number>();
    for (const clerk of this.prepared.schedules) {
      const n = clerk.appointments.filter(
        (a) => a.startsAt.getTime() >= from.getTime() && a.startsAt.getTime() < to.getTime(),
      ).length;
      counts.set(clerk.staffId, n);
    }
    return counts;
  }

  /** Up to `count` free slots starting at or after `after`, up to the horizon. */
  nextFree(after: Date, count: number): FreeSlot[] {
    const found: FreeSlot[] = [];
    let date = zonedParts(after, this.input.timeZone) as CivilDate;
    if (formatCivilDate(date) < this.todayText) date = this.today;
    for (; found.length < count && formatCivilDate(date) <= this.lastDateText; date = addDays(date, 1)) {
      for (const slot of this.day(date).slots) {
        if (slot.startsAt.getTime() >= after.getTime()) found.push(slot);
        if (found.length === count) break;
      }
    }
    return found;
  }
}

/** Convenience for tests and callers that want all days at once. */
export function computeSlots(input: SlotSearchInput, from: string, days: number): ExplainedDay[] {
  return new SlotPlanner(input).range(parseCivilDate(from), days);
}

/**
 * The reason of each closed date in [from, to] that has one ("YYYY-MM-DD" → text): the first
 * closure with a reason covering it, in the order given.
 */
export function closedReasonMap(
  closures: { startsOn: string; endsOn: string; reason: LocalizedText | null }[],
  from: CivilDate,
  to: CivilDate,
): Map<string, LocalizedText> {
  const reasons = new Map<string, LocalizedText>();
  for (const closure of closures) {
    const { reason } = closure;
    if (!reason) continue;
    for (const date of closedDateSet([closure], from, to)) if (!reasons.has(date)) reasons.set(date, reason);
  }
  return reasons;
}

/** Closed dates ("YYYY-MM-DD") of closures overlapping [from, to]. */
export function closedDateSet(
  closures: { startsOn: string; endsOn: string }[],
  from: CivilDate,
  to: CivilDate,
): Set<string> {
  const dates = new Set<string>();
  const fromText = formatCivilDate(from);
  const toText = formatCivilDate(to);
  for (const closure of closures) {
    const first = closure.startsOn > fromText ? closure.startsOn : fromText;
    const last = closure.endsOn < toText ? closure.endsOn : toText;
    for (let date = parseCivilDate(first); formatCivilDate(date) <= last; date = addDays(date, 1)) {
      dates.add(formatCivilDate(date));
    }
  }
  return dates;
}
