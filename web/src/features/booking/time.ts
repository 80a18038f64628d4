import { addDays, formatCivilDate, parseCivilDate, zonedParts } from '@amtsraum/shared';

// Slots arrive as UTC instants; every reading here is in the municipality's zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, cached);
  }
  return cached;
}

/** "Montag, 23. November 2026" for an instant, read in `timeZone`. */
export function formatLongDate(instant: Date, locale: string, timeZone: string): string {
  return formatter(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
    instant,
  );
}

/** "Mo., 23. Nov." for a civil date (civil dates have no zone). */
export function formatShortCivilDate(text: string, locale: string): string {
  const { year, month, day } = parseCivilDate(text);
  return formatter(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

/** "Montag, 23. November 2026" for a civil date. */
export function formatLongCivilDate(text: string, locale: string): string {
  const { year, month, day } = parseCivilDate(text);
  return formatter(locale, {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** Today's date (YYYY-MM-DD) on the municipality's calendar. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return formatCivilDate(zonedParts(now, timeZone));
}

/** The civil date `text` moved by `days`. */
export function shiftDate(text: string, days: number): string {
  return formatCivilDate(addDays(parseCivilDate(text), days));
}

/** The date (YYYY-MM-DD) of an instant on the municipality's calendar. */
export function dateOf(instant: Date, timeZone: string): string {
  return formatCivilDate(zonedParts(instant, timeZone));
}
