import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayRange,
  formatCivilDate,
  startOfDay,
  utcTime,
  weekdayOf,
  zonedParts,
  zonedToInstant,
  zoneOffsetMs,
} from './time-zone.js';

const BERLIN = 'Europe/Berlin';

describe('zonedParts', () => {
  it('reads Berlin wall time in winter and summer', () => {
    expect(zonedParts(new Date('2026-01-15T07:30:00Z'), BERLIN)).toMatchObject({ hour: 8, minute: 30, weekday: 4 });
    expect(zonedParts(new Date('2026-07-15T07:30:00Z'), BERLIN)).toMatchObject({ hour: 9, minute: 30, weekday: 3 });
  });

  it('crosses the date line of the zone', () => {
    expect(zonedParts(new Date('2026-11-22T23:30:00Z'), BERLIN)).toMatchObject({
      month: 11,
      day: 23,
      hour: 0,
      weekday: 1,
    });
  });

  it('reads every instant as Intl does, kept readings and zones apart, and hands out copies', () => {
    const intl = (instant: Date, timeZone: string) => {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }).formatToParts(instant);
      const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
      return {
        year: part('year'),
        month: part('month'),
        day: part('day'),
        hour: part('hour'),
        minute: part('minute'),
        second: part('second'),
      };
    };
    // More instants than are kept, twice over, in two zones, across the autumn change, and the
    // same second read again with other milliseconds.
    const from = new Date('2026-10-25T00:59:58.250Z').getTime();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1_500; i++) {
        const instant = new Date(from + i * 997);
        for (const zone of [BERLIN, 'America/New_York']) {
          expect(zonedParts(instant, zone)).toMatchObject(intl(instant, zone));
        }
      }
    }
    const mine = zonedParts(new Date('2026-11-23T09:00:00.100Z'), BERLIN);
    mine.hour = 23;
    expect(zonedParts(new Date('2026-11-23T09:00:00.900Z'), BERLIN).hour).toBe(10);
  });
});

describe('zonedToInstant', () => {
  it('is the inverse of zonedParts on ordinary days', () => {
    expect(zonedToInstant({ year: 2026, month: 11, day: 23, hour: 8, minute: 0 }, BERLIN).toISOString()).toBe(
      '2026-11-23T07:00:00.000Z',
    );
    expect(zonedToInstant({ year: 2026, month: 6, day: 1, hour: 8, minute: 0 }, BERLIN).toISOString()).toBe(
      '2026-06-01T06:00:00.000Z',
    );
  });

  it('handles the spring-forward day (29 March 2026): 08:00 is already summer time', () => {
    expect(zonedToInstant({ year: 2026, month: 3, day: 29, hour: 8, minute: 0 }, BERLIN).toISOString()).toBe(
      '2026-03-29T06:00:00.000Z',
    );
    expect(zonedToInstant({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 }, BERLIN).toISOString()).toBe(
      '2026-03-29T00:30:00.000Z',
    );
  });

  it('maps a wall time skipped by spring-forward to just after the gap', () => {
    // 02:30 does not exist in Berlin on 29 March 2026; 03:30 CEST is 01:30 UTC.
    expect(zonedToInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, BERLIN).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('handles the fall-back day (25 October 2026): the repeated hour maps to its first occurrence', () => {
    expect(zonedToInstant({ year: 2026, month: 10, day: 25, hour: 8, minute: 0 }, BERLIN).toISOString()).toBe(
      '2026-10-25T07:00:00.000Z',
    );
    expect(zonedToInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, BERLIN).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('works in other zones', () => {
    expect(zonedToInstant({ year: 2026, month: 1, day: 1, hour: 9, minute: 0 }, 'America/New_York').toISOString()).toBe(
      '2026-01-01T14:00:00.000Z',
    );
    expect(zoneOffsetMs(new Date('2026-01-01T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
  });
});

describe('civil dates', () => {
  it('adds days across months and years and knows weekdays', () => {
    expect(addDays({ year: 2026, month: 12, day: 30 }, 3)).toEqual({ year: 2027, month: 1, day: 2 });
    expect(weekdayOf({ year: 2026, month: 11, day: 23 })).toBe(1);
    expect(weekdayOf({ year: 2026, month: 11, day: 22 })).toBe(7);
  });
});

describe('days as instants', () => {
  it('starts a day at the zone’s midnight and spans the autumn change’s 25 hours', () => {
    expect(startOfDay({ year: 2026, month: 11, day: 23 }, BERLIN).toISOString()).toBe('2026-11-22T23:00:00.000Z');
    const { from, to } = dayRange({ year: 2026, month: 10, day: 25 }, { year: 2026, month: 10, day: 25 }, BERLIN);
    expect([from.toISOString(), to.toISOString()]).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    expect(
      dayRange({ year: 2026, month: 11, day: 23 }, { year: 2026, month: 11, day: 29 }, BERLIN).to.toISOString(),
    ).toBe('2026-11-29T23:00:00.000Z');
  });
});

describe('civil dates of early years', () => {
  it('keeps the years 0–99 as they are, where Date.UTC reads them as 1900–1999', () => {
    expect(new Date(utcTime(50, 0, 5)).toISOString()).toBe('0050-01-05T00:00:00.000Z');
    expect(new Date(utcTime(99, 11, 31, 23, 59, 60)).toISOString()).toBe('0100-01-01T00:00:00.000Z');
    expect(utcTime(2026, 10, 23, 7, 30)).toBe(Date.UTC(2026, 10, 23, 7, 30));
    expect(addDays({ year: 50, month: 1, day: 5 }, 7)).toEqual({ year: 50, month: 1, day: 12 });
    expect(addDays({ year: 99, month: 12, day: 31 }, 1)).toEqual({ year: 100, month: 1, day: 1 });
    // 0050-01-05 was a Wednesday (proleptic Gregorian); 1950-01-05 a Thursday.
    expect(weekdayOf({ year: 50, month: 1, day: 5 })).toBe(3);
    expect(zonedToInstant({ year: 50, month: 1, day: 5, hour: 12, minute: 0 }, 'UTC').toISOString()).toBe(
      '0050-01-05T12:00:00.000Z',
    );
  });

  it('writes four-digit years', () => {
    expect(formatCivilDate({ year: 100, month: 1, day: 1 })).toBe('0100-01-01');
    expect(formatCivilDate({ year: 2026, month: 11, day: 23 })).toBe('2026-11-23');
  });
});
