import { describe, expect, it } from 'vitest';
import { OpeningHoursSchema, openingStatus, weeklyWindows, type OpeningHours } from './opening-hours.js';

const BERLIN = 'Europe/Berlin';
const HOURS: OpeningHours = {
  mon: [{ from: '08:00', to: '12:00' }],
  tue: [
    { from: '14:00', to: '18:00' },
    { from: '08:00', to: '12:00' },
  ],
  wed: [],
  thu: [{ from: '08:00', to: '12:00' }],
  fri: [{ from: '08:00', to: '12:00' }],
  sat: [],
  sun: [],
};

describe('openingStatus', () => {
  it('is open inside an interval and says when it closes', () => {
    // Monday 23 November 2026, 10:00 in Berlin.
    const status = openingStatus(HOURS, [], new Date('2026-11-23T09:00:00Z'), BERLIN);
    expect(status).toEqual({ openNow: true, closesAt: new Date('2026-11-23T11:00:00Z'), nextOpening: null });
  });

  it('finds the afternoon interval on the same day, even when listed out of order', () => {
    // Tuesday 24 November 2026, 13:00 in Berlin.
    const status = openingStatus(HOURS, [], new Date('2026-11-24T12:00:00Z'), BERLIN);
    expect(status).toEqual({ openNow: false, closesAt: null, nextOpening: new Date('2026-11-24T13:00:00Z') });
  });

  it('treats the end of an interval as closed', () => {
    const status = openingStatus(HOURS, [], new Date('2026-11-23T11:00:00Z'), BERLIN);
    expect(status.openNow).toBe(false);
    expect(status.nextOpening).toEqual(new Date('2026-11-24T07:00:00Z'));
  });

  it('skips closed weekdays and the weekend', () => {
    // Friday 27 November 2026, 13:00: next is Monday 30 November, 08:00.
    const status = openingStatus(HOURS, [], new Date('2026-11-27T12:00:00Z'), BERLIN);
    expect(status.nextOpening).toEqual(new Date('2026-11-30T07:00:00Z'));
  });

  it('skips closures (holidays), inclusive of both ends', () => {
    const closures = [{ from: '2026-12-24', to: '2026-12-28', reason: { de: 'Weihnachten' } }];
    // Wednesday 23 December, 13:00: Thursday 24 to Monday 28 are closed; next is Tuesday 29, 08:00.
    const status = openingStatus(HOURS, closures, new Date('2026-12-23T12:00:00Z'), BERLIN);
    expect(status.nextOpening).toEqual(new Date('2026-12-29T07:00:00Z'));
    // During a closure the office is not open even inside its hours.
    expect(openingStatus(HOURS, closures, new Date('2026-12-28T09:00:00Z'), BERLIN).openNow).toBe(false);
  });

  it('uses summer time after the spring change', () => {
    // Friday 27 March 2026, 13:00 CET → Monday 30 March, 08:00 CEST = 06:00 UTC.
    const status = openingStatus(HOURS, [], new Date('2026-03-27T12:00:00Z'), BERLIN);
    expect(status.nextOpening).toEqual(new Date('2026-03-30T06:00:00Z'));
  });

  it('says null when there are no hours at all', () => {
    const none = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    expect(openingStatus(none, [], new Date(), BERLIN)).toEqual({ openNow: false, closesAt: null, nextOpening: null });
  });
});

describe('OpeningHoursSchema', () => {
  it('rejects malformed times and reversed intervals', () => {
    expect(OpeningHoursSchema.safeParse({ ...HOURS, mon: [{ from: '8:00', to: '12:00' }] }).success).toBe(false);
    expect(OpeningHoursSchema.safeParse({ ...HOURS, mon: [{ from: '12:00', to: '08:00' }] }).success).toBe(false);
    expect(OpeningHoursSchema.safeParse({ ...HOURS, sun: undefined }).success).toBe(false);
    expect(OpeningHoursSchema.safeParse(HOURS).success).toBe(true);
  });
});

describe('weeklyWindows', () => {
  it('lists the intervals per ISO weekday, on the chosen days only', () => {
    expect(weeklyWindows(HOURS, ['tue', 'mon'])).toEqual([
      { weekday: 2, startsAt: '14:00', endsAt: '18:00' },
      { weekday: 2, startsAt: '08:00', endsAt: '12:00' },
      { weekday: 1, startsAt: '08:00', endsAt: '12:00' },
    ]);
    expect(weeklyWindows({ thu: [{ from: '09:00', to: '10:00' }] })).toEqual([
      { weekday: 4, startsAt: '09:00', endsAt: '10:00' },
    ]);
  });
});
