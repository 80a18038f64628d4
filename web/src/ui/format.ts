import { WEEKDAY_KEYS, intlLocale, parseCivilDate, zonedParts, type WeekdayKey } from '@amtsraum/shared';

// Instants arrive in UTC; every reading is in the tenant's zone, never the browser's.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(intlLocale(locale), options);
    formatters.set(key, cached);
  }
  return cached;
}

/** "Montag, 23. November" / "Monday 23 November". */
export function formatDay(instant: Date, locale: string, timeZone: string): string {
  return formatter(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(instant);
}

/** "Montag, 23. November 2026" for an instant, read in `timeZone`. */
export function formatLongDate(instant: Date, locale: string, timeZone: string): string {
  return formatter(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
    instant,
  );
}

/** "08:00": a 24-hour clock in every language, like the opening hours table. */
export function formatClock(instant: Date, locale: string, timeZone: string): string {
  return formatter(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

/** A civil date ("2026-12-24") as "Donnerstag, 24. Dezember 2026"; civil dates have no zone. */
export function formatCivilDate(text: string, locale: string): string {
  const { year, month, day } = parseCivilDate(text);
  return formatter(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

/** "Mo., 23. Nov." for a civil date. */
export function formatShortCivilDate(text: string, locale: string): string {
  const { year, month, day } = parseCivilDate(text);
  return formatter(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

/** Monday 2024-01-01 plus the key's index, named in `locale`. */
export function weekdayName(key: WeekdayKey, locale: string): string {
  const index = WEEKDAY_KEYS.indexOf(key);
  return formatter(locale, { timeZone: 'UTC', weekday: 'long' }).format(new Date(Date.UTC(2024, 0, 1 + index)));
}

export function weekdayKeyAt(instant: Date, timeZone: string): WeekdayKey | undefined {
  return WEEKDAY_KEYS[zonedParts(instant, timeZone).weekday - 1];
}

/** Whether the visitor's clock runs in another zone than the municipality's. */
export function isForeignZone(timeZone: string): boolean {
  return Intl.DateTimeFormat().resolvedOptions().timeZone !== timeZone;
}

/** "18 Std. 15 Min." / "18 h 15 min": one function for the pages and the audit CSV. */
export { formatMinutes } from '@amtsraum/shared';
