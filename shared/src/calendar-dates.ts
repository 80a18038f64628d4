import { z } from 'zod/mini';

/**
 * The calendar days the API takes from outside (a query's `from`, an absence's days, a closure):
 * from 2000-01-01 to 2100-12-31, the years a holiday prefill takes too (organisation.api.ts).
 *
 * Why a window at all: `YYYY-MM-DD` allows the years 0000 to 9999, and neither end survives the
 * way to a Date and back. JavaScript's `Date.UTC` reads the years 0–99 as 1900–1999 (0001-01-01
 * became 1901, an absence from 0050 was stored from 1950), years below 1000 came back as
 * "100-01-01", and a week from 9999-12-27 runs into year 10000, which no `YYYY-MM-DD` answer can
 * say (the week view failed with 500). No office books, plans or looks back that far; a date
 * outside the window is a typo or a probe, refused with `validation_failed` naming the field.
 * Answers may still name a few days after the window (a week or a month from its last day).
 */
export const FIRST_CALENDAR_DATE = '2000-01-01';
export const LAST_CALENDAR_DATE = '2100-12-31';

/** Field messages of a date outside the window, translated by the server's FIELD_MESSAGES. */
export const CALENDAR_DATE_MESSAGES = {
  tooEarly: 'a year from 2000',
  tooLate: 'a year up to 2100',
} as const;

/**
 * A real calendar date (no 31 April) as `YYYY-MM-DD` within [FIRST_CALENDAR_DATE,
 * LAST_CALENDAR_DATE]: every date the API reads from a request. `message` words a malformed one;
 * a malformed date gets that error alone (`abort`), not the window's as well.
 */
export const calendarDate = (message?: string) =>
  z.iso.date({ abort: true, error: message }).check(
    z.refine((text) => text >= FIRST_CALENDAR_DATE, CALENDAR_DATE_MESSAGES.tooEarly),
    z.refine((text) => text <= LAST_CALENDAR_DATE, CALENDAR_DATE_MESSAGES.tooLate),
  );

export const CalendarDateSchema = /* @__PURE__ */ calendarDate();
