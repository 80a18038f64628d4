/**
 * Civil-time arithmetic in IANA time zones with nothing but Intl, so the browser and the
 * server agree on "is the office open" without shipping a time-zone database.
 * Instants are stored in UTC everywhere; a zone only matters for reading and writing wall time.
 */

export interface CivilDate {
  year: number;
  month: number; // 1-12
  day: number;
}

export interface CivilDateTime extends CivilDate {
  hour: number;
  minute: number;
}

export interface ZonedParts extends CivilDateTime {
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * `Date.UTC` without its one surprise: it reads the years 0–99 as 1900–1999, so a date of the
 * year 50 would silently become 1950. Requests only bring dates of 2000–2100 (calendar-dates.ts);
 * this keeps the arithmetic right for any year it is handed all the same.
 */
export function utcTime(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number {
  if (year < 0 || year > 99) return Date.UTC(year, monthIndex, day, hour, minute, second);
  const time = new Date(0);
  time.setUTCFullYear(year, monthIndex, day);
  return time.setUTCHours(hour, minute, second, 0);
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Readings already made, per zone and whole second (all a reading shows): a door's state, a
 * citizen's estimate and a day of slots ask for the same few instants again and again, and
 * `formatToParts` is the slow part (issue 14). A handful of zones and seconds: cleared when full.
 */
const readings = new Map<string, ZonedParts>();
const READINGS_KEPT = 1_024;

/** The wall-clock reading of `instant` in `timeZone`. */
export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const key = `${timeZone}\0${Math.floor(instant.getTime() / 1000)}`;
  let reading = readings.get(key);
  if (!reading) {
    const parts: Record<string, string> = {};
    for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
    reading = {
      year: Number(parts.year),
      month: Number(parts.month),
      day: Number(parts.day),
      hour: Number(parts.hour),
      minute: Number(parts.minute),
      second: Number(parts.second),
      weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
    };
    if (readings.size >= READINGS_KEPT) readings.clear();
    readings.set(key, reading);
  }
  // A copy: callers may change theirs.
  return { ...reading };
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (Berlin in winter: +3,600,000). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  const asUtc = utcTime(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows `local`. A wall time skipped by a
 * spring-forward change maps to the instant just after the gap; a repeated autumn hour maps to
 * its first occurrence.
 */
export function zonedToInstant(local: CivilDateTime, timeZone: string): Date {
  const wall = utcTime(local.year, local.month - 1, local.day, local.hour, local.minute);
  const firstGuess = wall - zoneOffsetMs(new Date(wall), timeZone);
  const offset = zoneOffsetMs(new Date(firstGuess), timeZone);
  const candidate = wall - offset;
  if (zoneOffsetMs(new Date(candidate), timeZone) === offset) {
    // Prefer the earlier of two readings in a repeated hour.
    const earlier = candidate - 3_600_000;
    const earlierParts = zonedParts(new Date(earlier), timeZone);
    if (earlierParts.hour === local.hour && earlierParts.minute === local.minute && earlierParts.day === local.day) {
      return new Date(earlier);
    }
    return new Date(candidate);
  }
  // In a gap the wall time does not exist. Reading it with the smaller (pre-jump) offset lands
  // just after the gap, which is what a clock set forward shows.
  return new Date(wall - Math.min(offset, zoneOffsetMs(new Date(candidate), timeZone)));
}

/** The instant `date` begins in `timeZone` (its wall-clock midnight). */
export function startOfDay(date: CivilDate, timeZone: string): Date {
  return zonedToInstant({ year: date.year, month: date.month, day: date.day, hour: 0, minute: 0 }, timeZone);
}

/** The instants of the days `first` to `last` (inclusive) in `timeZone`: [start of first, start of the day after last). */
export function dayRange(first: CivilDate, last: CivilDate, timeZone: string): { from: Date; to: Date } {
  return { from: startOfDay(first, timeZone), to: startOfDay(addDays(last, 1), timeZone) };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  const t = new Date(utcTime(date.year, date.month - 1, date.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** ISO weekday (1 = Monday) of a civil date, independent of any zone. */
export function weekdayOf(date: CivilDate): number {
  const d = new Date(utcTime(date.year, date.month - 1, date.day)).getUTCDay();
  return d === 0 ? 7 : d;
}

export function formatCivilDate(date: CivilDate): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  // Four digits, so the year 100 reads 0100 (and compares as text) rather than "100-01-01".
  return `${String(date.year).padStart(4, '0')}-${pad(date.month)}-${pad(date.day)}`;
}

export function parseCivilDate(text: string): CivilDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${text}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}
