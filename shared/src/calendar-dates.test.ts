import { describe, expect, it } from 'vitest';
import { safeParse } from 'zod/mini';
import { calendarDate, CalendarDateSchema, FIRST_CALENDAR_DATE, LAST_CALENDAR_DATE } from './calendar-dates.js';

const messagesOf = (value: unknown, schema = CalendarDateSchema) => {
  const result = safeParse(schema, value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

describe('CalendarDateSchema', () => {
  it('takes real dates from 2000 to 2100', () => {
    for (const date of [FIRST_CALENDAR_DATE, '2026-11-23', '2096-02-29', LAST_CALENDAR_DATE]) {
      expect([date, messagesOf(date)]).toEqual([date, []]);
    }
  });

  it('refuses years Date would remap or not write back, with the window’s own message', () => {
    for (const date of ['0001-01-01', '0050-01-05', '0100-01-01', '1999-12-31']) {
      expect([date, messagesOf(date)]).toEqual([date, ['a year from 2000']]);
    }
    for (const date of ['2101-01-01', '9999-12-27', '9999-12-31']) {
      expect([date, messagesOf(date)]).toEqual([date, ['a year up to 2100']]);
    }
  });

  it('gives a malformed or unreal date its format error alone', () => {
    const schema = calendarDate('a date as YYYY-MM-DD');
    for (const date of ['23.11.2026', '0001-02-30', '2026-04-31', '10000-01-01', 20261123]) {
      expect([date, messagesOf(date, schema)]).toEqual([date, ['a date as YYYY-MM-DD']]);
    }
  });
});
