import { z } from 'zod/mini';
import { LocalizedTextSchema } from './locales.js';
import { addDays, formatCivilDate, weekdayOf, zonedParts, zonedToInstant, type CivilDate } from './time-zone.js';

export const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayKey = (typeof WEEKDAY_KEYS)[number];

const ClockTimeSchema = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24-hour clock)'));

export const OpeningIntervalSchema = z
  .object({ from: ClockTimeSchema, to: ClockTimeSchema })
  .check(z.refine((interval) => interval.from < interval.to, 'an interval must end after it starts'));
export type OpeningInterval = z.infer<typeof OpeningIntervalSchema>;

/** Weekly opening hours in the tenant's wall-clock time: each weekday lists its intervals. */
export const OpeningHoursSchema = z.object(
  Object.fromEntries(WEEKDAY_KEYS.map((key) => [key, z.array(OpeningIntervalSchema).check(z.maxLength(6))])) as Record<
    WeekdayKey,
    z.ZodMiniArray<typeof OpeningIntervalSchema>
  >,
);
export type OpeningHours = z.infer<typeof OpeningHoursSchema>;

/**
 * Weekly hours as windows per ISO weekday (1 = Monday), on `days` only (default: all): how a
 * clerk's bookable hours are stored. Days missing from `hours` have none.
 */
export function weeklyWindows(
  hours: Partial<Record<WeekdayKey, readonly OpeningInterval[]>>,
  days: readonly WeekdayKey[] = WEEKDAY_KEYS,
): { weekday: number; startsAt: string; endsAt: string }[] {
  return days.flatMap((day) =>
    (hours[day] ?? []).map((interval) => ({
      weekday: WEEKDAY_KEYS.indexOf(day) + 1,
      startsAt: interval.from,
      endsAt: interval.to,
    })),
  );
}

const CivilDateSchema = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'));

/** Days on which a department (or, tenant-wide, every department) stays closed; inclusive. */
export const ClosureSchema = z.object({
  from: CivilDateSchema,
  to: CivilDateSchema,
  reason: z.nullable(LocalizedTextSchema),
});
export type Closure = z.infer<typeof ClosureSchema>;

export interface OpeningStatus {
  openNow: boolean;
  /** While open: when the current interval ends. */
  closesAt: Date | null;
  /** While closed: when the next interval starts (null if none within the look-ahead). */
  nextOpening: Date | null;
}

const LOOK_AHEAD_DAYS = 45;

function minutes(clock: string): { hour: number; minute: number } {
  const [hour = 0, minute = 0] = clock.split(':').map(Number);
  return { hour, minute };
}

function isClosedOn(date: CivilDate, closures: readonly Closure[]): boolean {
  const key = formatCivilDate(date);
  return closures.some((closure) => closure.from <= key && key <= closure.to);
}

/** Whether the opening hours say "open" at `now`, and when that changes, in `timeZone`. */
export function openingStatus(
  hours: OpeningHours,
  closures: readonly Closure[],
  now: Date,
  timeZone: string,
): OpeningStatus {
  const today = zonedParts(now, timeZone);
  for (let offset = 0; offset <= LOOK_AHEAD_DAYS; offset++) {
    const date = addDays(today, offset);
    if (isClosedOn(date, closures)) continue;
    const intervals = [...hours[WEEKDAY_KEYS[weekdayOf(date) - 1]!]].sort((a, b) => a.from.localeCompare(b.from));
    for (const interval of intervals) {
      const start = zonedToInstant({ ...date, ...minutes(interval.from) }, timeZone);
      const end = zonedToInstant({ ...date, ...minutes(interval.to) }, timeZone);
      if (start <= now && now < end) return { openNow: true, closesAt: end, nextOpening: null };
      if (start > now) return { openNow: false, closesAt: null, nextOpening: start };
    }
  }
  return { openNow: false, closesAt: null, nextOpening: null };
}
