import { addDays, formatCivilDate, parseCivilDate, zonedParts } from '@amtsraum/shared';

// Calendar arithmetic in the municipality's zone; the wording of dates is in ui/format.ts.

/** The date (YYYY-MM-DD) of an instant on the municipality's calendar. */
export function dateOf(instant: Date, timeZone: string): string {
  return formatCivilDate(zonedParts(instant, timeZone));
}

/** Today's date (YYYY-MM-DD) on the municipality's calendar. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return dateOf(now, timeZone);
}

/** The civil date `text` moved by `days`. */
export function shiftDate(text: string, days: number): string {
  return formatCivilDate(addDays(parseCivilDate(text), days));
}
