import { parseCivilDate, zonedParts } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import {
  closedDateSet,
  computeSlots,
  PreparedSchedules,
  SlotPlanner,
  type BookingRules,
  type ClerkSchedule,
  type SlotSearchInput,
} from './slots.js';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const RULES: BookingRules = { horizonDays: 60, leadMinutes: 0, sameDayReleaseTime: null };

function clerk(staffId: string, weekday: number, startsAt: string, endsAt: string, extra: Partial<ClerkSchedule> = {}) {
  return { staffId, windows: [{ weekday, startsAt, endsAt }], absences: [], appointments: [], ...extra };
}

function search(overrides: Partial<SlotSearchInput>): SlotSearchInput {
  return {
    timeZone: BERLIN,
    now: new Date('2026-03-01T12:00:00Z'),
    rules: RULES,
    actor: 'citizen',
    durationMinutes: 15,
    closedDates: new Set(),
    clerks: [],
    ...overrides,
  };
}

const wall = (instant: Date, timeZone: string) => {
  const p = zonedParts(instant, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
};

describe('slots across daylight-saving changes', () => {
  it('gives the repeated autumn hour twice in Berlin (25 October 2026, 01:00–04:00)', () => {
    const [day] = computeSlots(
      search({ now: new Date('2026-10-01T10:00:00Z'), clerks: [clerk('a', 7, '01:00', '04:00')] }),
      '2026-10-25',
      1,
    );
    // Four real hours: 01:00–03:00 summer time, then 02:00–04:00 winter time.
    expect(day!.slots).toHaveLength(16);
    expect(day!.slots[0]!.startsAt.toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(day!.slots.at(-1)!.startsAt.toISOString()).toBe('2026-10-25T02:45:00.000Z');
    expect(day!.slots.at(-1)!.endsAt.toISOString()).toBe('2026-10-25T03:00:00.000Z');
    const labels = day!.slots.map((slot) => wall(slot.startsAt, BERLIN));
    expect(labels.filter((label) => label === '02:00')).toHaveLength(2);
    expect(labels.filter((label) => label === '02:30')).toHaveLength(2);
    expect(labels.slice(0, 9)).toEqual([
      '01:00',
      '01:15',
      '01:30',
      '01:45',
      '02:00',
      '02:15',
      '02:30',
      '02:45',
      '02:00',
    ]);
    // Slots are 15 real minutes apart throughout.
    const gaps = day!.slots.slice(1).map((slot, i) => slot.startsAt.getTime() - day!.slots[i]!.startsAt.getTime());
    expect(new Set(gaps)).toEqual(new Set([15 * 60_000]));
  });

  it('gives nothing for the skipped spring hour in Berlin (29 March 2026, 02:00–03:00)', () => {
    const [day] = computeSlots(search({ clerks: [clerk('a', 7, '02:00', '03:00')] }), '2026-03-29', 1);
    expect(day).toMatchObject({ date: '2026-03-29', slots: [] });
  });

  it('skips the spring hour inside a longer window in Berlin (29 March 2026, 01:00–04:00)', () => {
    const [day] = computeSlots(search({ clerks: [clerk('a', 7, '01:00', '04:00')] }), '2026-03-29', 1);
    expect(day!.slots.map((slot) => wall(slot.startsAt, BERLIN))).toEqual([
      '01:00',
      '01:15',
      '01:30',
      '01:45',
      '03:00',
      '03:15',
      '03:30',
      '03:45',
    ]);
    expect(day!.slots[0]!.startsAt.toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(day!.slots[4]!.startsAt.toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('lets an appointment span the change: 60 minutes fit thirteen times in the four-hour autumn window', () => {
    const [day] = computeSlots(
      search({ now: new Date('2026-10-01T10:00:00Z'), durationMinutes: 60, clerks: [clerk('a', 7, '01:00', '04:00')] }),
      '2026-10-25',
      1,
    );
    expect(day!.slots).toHaveLength(13);
    expect(day!.slots.every((slot) => slot.endsAt.getTime() - slot.startsAt.getTime() === 3_600_000)).toBe(true);
  });

  it('keeps office hours at the same wall time on both sides of the change (Berlin)', () => {
    const days = computeSlots(
      search({
        now: new Date('2026-10-01T10:00:00Z'),
        clerks: [
          {
            staffId: 'a',
            windows: [6, 1].map((weekday) => ({ weekday, startsAt: '08:00', endsAt: '08:30' })),
            absences: [],
            appointments: [],
          },
        ],
      }),
      '2026-10-24',
      3,
    );
    expect(days.map((d) => d.slots.map((s) => s.startsAt.toISOString()))).toEqual([
      ['2026-10-24T06:00:00.000Z', '2026-10-24T06:15:00.000Z'], // Saturday, summer time
      [], // Sunday: no hours
      ['2026-10-26T07:00:00.000Z', '2026-10-26T07:15:00.000Z'], // Monday, winter time
    ]);
  });

  it('follows New York’s own dates: skipped hour on 8 March, repeated hour on 1 November 2026', () => {
    const base = { timeZone: NEW_YORK, now: new Date('2026-03-01T12:00:00Z') };
    const [spring] = computeSlots(search({ ...base, clerks: [clerk('a', 7, '02:00', '03:00')] }), '2026-03-08', 1);
    expect(spring!.slots).toEqual([]);
    const [springWide] = computeSlots(search({ ...base, clerks: [clerk('a', 7, '01:00', '04:00')] }), '2026-03-08', 1);
    expect(springWide!.slots.map((slot) => wall(slot.startsAt, NEW_YORK))).toEqual([
      '01:00',
      '01:15',
      '01:30',
      '01:45',
      '03:00',
      '03:15',
      '03:30',
      '03:45',
    ]);
    // Berlin has not changed yet on 8 March: there 02:00–03:00 is an ordinary hour.
    const [berlin] = computeSlots(search({ clerks: [clerk('a', 7, '02:00', '03:00')] }), '2026-03-08', 1);
    expect(berlin!.slots).toHaveLength(4);

    const [autumn] = computeSlots(
      search({ timeZone: NEW_YORK, now: new Date('2026-10-01T12:00:00Z'), clerks: [clerk('a', 7, '01:00', '03:00')] }),
      '2026-11-01',
      1,
    );
    expect(autumn!.slots).toHaveLength(12);
    expect(autumn!.slots[0]!.startsAt.toISOString()).toBe('2026-11-01T05:00:00.000Z'); // 01:00 EDT
    expect(autumn!.slots.at(-1)!.startsAt.toISOString()).toBe('2026-11-01T07:45:00.000Z'); // 02:45 EST
    expect(autumn!.slots.map((slot) => wall(slot.startsAt, NEW_YORK)).filter((l) => l === '01:15')).toHaveLength(2);
    // 25 October is an ordinary Sunday in New York.
    const [october] = computeSlots(
      search({ timeZone: NEW_YORK, now: new Date('2026-10-01T12:00:00Z'), clerks: [clerk('a', 7, '01:00', '04:00')] }),
      '2026-10-25',
      1,
    );
    expect(october!.slots).toHaveLength(12);
  });
});

describe('slot rules', () => {
  const monday = '2026-11-23';
  // The Friday before, so that Monday is within the horizon and not today.
  const ruleSearch = (overrides: Partial<SlotSearchInput>) =>
    search({ now: new Date('2026-11-20T12:00:00Z'), ...overrides });
  const mondayMorning = (extra: Partial<ClerkSchedule> = {}) => clerk('a', 1, '08:00', '10:00', extra);

  it('steps every 15 minutes, or by the duration when that is shorter', () => {
    const at = (durationMinutes: number) =>
      computeSlots(ruleSearch({ durationMinutes, clerks: [mondayMorning()] }), monday, 1)[0]!.slots.map((s) =>
        wall(s.startsAt, BERLIN),
      );
    expect(at(30)).toEqual(['08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30']);
    expect(at(10).slice(0, 4)).toEqual(['08:00', '08:10', '08:20', '08:30']);
    expect(at(10).at(-1)).toBe('09:50');
    expect(at(120)).toEqual(['08:00']);
    expect(at(121)).toEqual([]);
  });

  it('offers a slot when some clerk is free for all of it, and names the free clerks', () => {
    const booked = { startsAt: new Date('2026-11-23T07:15:00Z'), endsAt: new Date('2026-11-23T07:45:00Z') };
    const [day] = computeSlots(
      ruleSearch({
        durationMinutes: 30,
        clerks: [mondayMorning({ appointments: [booked] }), clerk('b', 1, '09:00', '10:00')],
      }),
      monday,
      1,
    );
    // 08:00–08:45 overlap the booking 08:15–08:45 (Berlin).
    expect(day!.slots.map((s) => [wall(s.startsAt, BERLIN), [...s.staffIds].sort().join()])).toEqual([
      ['08:45', 'a'],
      ['09:00', 'a,b'],
      ['09:15', 'a,b'],
      ['09:30', 'a,b'],
    ]);
  });

  it('does not offer dates before today, past the horizon or closed', () => {
    const clerks = [
      {
        staffId: 'a',
        windows: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startsAt: '08:00', endsAt: '09:00' })),
        absences: [],
        appointments: [],
      },
    ];
    const input = ruleSearch({
      now: new Date('2026-11-20T12:00:00Z'), // Friday
      rules: { ...RULES, horizonDays: 4 },
      clerks,
      closedDates: new Set(['2026-11-24']),
    });
    const days = computeSlots(input, '2026-11-19', 8);
    expect(days.map((d) => [d.date, d.slots.length])).toEqual([
      ['2026-11-19', 0], // before today
      ['2026-11-20', 0], // today, no same-day release
      ['2026-11-21', 0], // Saturday
      ['2026-11-22', 0], // Sunday
      ['2026-11-23', 4],
      ['2026-11-24', 0], // closed
      ['2026-11-25', 0], // past the horizon (today + 4 = 24th)
      ['2026-11-26', 0],
    ]);
    expect(new SlotPlanner(input).nextFreeDate({ year: 2026, month: 11, day: 24 })).toBeNull();
    expect(new SlotPlanner(input).nextFreeDate({ year: 2026, month: 11, day: 20 })).toBe('2026-11-23');
  });

  it('keeps the lead time, and releases today’s slots at the release time with 15 minutes’ notice', () => {
    const clerks = [clerk('a', 1, '08:00', '12:00')];
    const rules = { horizonDays: 30, leadMinutes: 120, sameDayReleaseTime: '07:30' };
    const times = (now: string, actor: 'citizen' | 'staff' = 'citizen') =>
      computeSlots(ruleSearch({ now: new Date(now), rules, clerks, actor }), monday, 1)[0]!.slots.map((s) =>
        wall(s.startsAt, BERLIN),
      );
    expect(times('2026-11-23T06:00:00Z')).toEqual([]); // 07:00, before the release
    expect(times('2026-11-23T06:40:00Z').slice(0, 2)).toEqual(['08:00', '08:15']); // 07:40: from 07:55 on
    expect(times('2026-11-23T08:50:00Z').slice(0, 2)).toEqual(['10:15', '10:30']); // 09:50: from 10:05 on
    expect(times('2026-11-23T06:00:00Z', 'staff').slice(0, 1)).toEqual(['08:00']); // staff: no release wait
    expect(times('2026-11-23T08:50:00Z', 'staff').slice(0, 1)).toEqual(['10:00']); // but not the past
    // Without a release time today is never offered to citizens.
    expect(
      computeSlots(
        ruleSearch({ now: new Date('2026-11-23T06:40:00Z'), rules: { ...rules, sameDayReleaseTime: null }, clerks }),
        monday,
        1,
      )[0]!.slots,
    ).toEqual([]);
    // The evening before, a long lead time reaches into the next morning: 23:30 + 10 h = 09:30.
    const sundayNight = ruleSearch({
      now: new Date('2026-11-22T22:30:00Z'),
      rules: { ...rules, leadMinutes: 600 },
      clerks,
    });
    expect(computeSlots(sundayNight, monday, 1)[0]!.slots.map((s) => wall(s.startsAt, BERLIN))[0]).toBe('09:30');
  });

  it('keeps the days computed on prepared schedules, those the clock cuts per minute', () => {
    const prepared = new PreparedSchedules([clerk('a', 1, '08:00', '12:00')]);
    const rules = { horizonDays: 30, leadMinutes: 120, sameDayReleaseTime: '07:30' };
    const planner = (now: string, durationMinutes = 15, leadMinutes = rules.leadMinutes) =>
      new SlotPlanner(
        ruleSearch({ now: new Date(now), rules: { ...rules, leadMinutes }, durationMinutes, clerks: prepared }),
      );
    const first = (now: string, durationMinutes = 15, leadMinutes = rules.leadMinutes) =>
      planner(now, durationMinutes, leadMinutes)
        .day(parseCivilDate(monday))
        .slots.slice(0, 2)
        .map((s) => `${wall(s.startsAt, BERLIN)}-${wall(s.endsAt, BERLIN)}`);
    // Friday: Monday is a whole day, computed once per length and shared by later searches.
    expect(first('2026-11-20T12:00:00Z')).toEqual(['08:00-08:15', '08:15-08:30']);
    expect(planner('2026-11-20T12:05:00Z').day(parseCivilDate(monday))).toBe(
      planner('2026-11-20T12:00:00Z').day(parseCivilDate(monday)),
    );
    expect(first('2026-11-20T12:00:00Z', 30)).toEqual(['08:00-08:30', '08:15-08:45']);
    // Sunday 23:30 with a ten-hour lead, and Monday itself: the clock cuts the day.
    expect(first('2026-11-22T22:30:00Z', 15, 600)).toEqual(['09:30-09:45', '09:45-10:00']);
    // Kept for the searches of one minute (Monday, 15 minutes' notice): 09:44:30 and 09:45:00
    // both reach 10:00 first; a millisecond later 10:00 is gone.
    const at = (now: string) => planner(now).day(parseCivilDate(monday));
    expect(at('2026-11-23T08:45:00.000Z')).toBe(at('2026-11-23T08:44:30.000Z'));
    expect(first('2026-11-23T08:44:30.000Z')).toEqual(['10:00-10:15', '10:15-10:30']);
    expect(first('2026-11-23T08:45:00.000Z')).toEqual(['10:00-10:15', '10:15-10:30']);
    expect(first('2026-11-23T08:45:00.001Z')).toEqual(['10:15-10:30', '10:30-10:45']);
    expect(at('2026-11-23T08:45:00.001Z')).not.toBe(at('2026-11-23T08:45:00.000Z'));
    expect(first('2026-11-23T06:40:00Z')).toEqual(['08:00-08:15', '08:15-08:30']);
    expect(first('2026-11-23T08:50:00Z')).toEqual(['10:15-10:30', '10:30-10:45']);
    expect(first('2026-11-20T12:00:00Z')).toEqual(['08:00-08:15', '08:15-08:30']);
    // The same days as from the schedules themselves.
    const fresh = computeSlots(ruleSearch({ rules, clerks: [clerk('a', 1, '08:00', '12:00')] }), monday, 1);
    expect(planner('2026-11-20T12:00:00Z').range(parseCivilDate(monday), 1)).toEqual(fresh);
  });

  it('excludes absences and lists a slot once for several clerks', () => {
    const absence = { startsAt: new Date('2026-11-23T07:00:00Z'), endsAt: new Date('2026-11-23T08:00:00Z') };
    const input = ruleSearch({
      durationMinutes: 30,
      clerks: [mondayMorning({ absences: [absence] }), clerk('b', 1, '08:30', '09:30')],
    });
    const [day] = computeSlots(input, monday, 1);
    expect(day!.slots.map((s) => `${wall(s.startsAt, BERLIN)} ${[...s.staffIds].sort().join()}`)).toEqual([
      '08:30 b',
      '08:45 b',
      '09:00 a,b',
      '09:15 a',
      '09:30 a',
    ]);
    const planner = new SlotPlanner(input);
    expect(planner.probe(new Date('2026-11-23T07:00:00Z'))).toEqual({ offered: false, staffIds: [] }); // absent
    expect(planner.probe(new Date('2026-11-23T07:05:00Z'))).toEqual({ offered: false, staffIds: [] }); // off grid
    expect(planner.probe(new Date('2026-11-23T08:00:00Z')).staffIds.sort()).toEqual(['a', 'b']);
  });

  it('tells a taken slot from one that never was', () => {
    const booked = { startsAt: new Date('2026-11-23T07:00:00Z'), endsAt: new Date('2026-11-23T07:30:00Z') };
    const planner = new SlotPlanner(
      ruleSearch({ durationMinutes: 30, clerks: [mondayMorning({ appointments: [booked] })] }),
    );
    expect(planner.probe(new Date('2026-11-23T07:00:00Z'))).toEqual({ offered: true, staffIds: [] });
    expect(planner.probe(new Date('2026-11-23T07:15:00Z'))).toEqual({ offered: true, staffIds: [] }); // overlaps
    expect(planner.probe(new Date('2026-11-23T07:30:00Z'))).toEqual({ offered: true, staffIds: ['a'] });
    expect(planner.nextFree(new Date('2026-11-23T07:00:00Z'), 3).map((s) => wall(s.startsAt, BERLIN))).toEqual([
      '08:30',
      '08:45',
      '09:00',
    ]);
  });

  it('says why a day has no slot: closed, not released yet, not bookable today, booked up, or none left', () => {
    // Issue 13: closed days and today before the morning release both read "ausgebucht".
    const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startsAt: '08:00', endsAt: '09:00' }));
    const booked = { startsAt: new Date('2026-11-25T07:00:00Z'), endsAt: new Date('2026-11-25T08:00:00Z') };
    const input = ruleSearch({
      now: new Date('2026-11-23T05:00:00Z'), // Monday 06:00 in Berlin, before the 07:45 release
      rules: { horizonDays: 5, leadMinutes: 0, sameDayReleaseTime: '07:45' },
      clerks: [{ staffId: 'a', windows: weekdays, absences: [], appointments: [booked] }],
      closedDates: new Set(['2026-11-24']),
    });
    const statuses = (planner: SlotPlanner) =>
      planner
        .range({ year: 2026, month: 11, day: 22 }, 8)
        .map((d) => [d.date, d.status, d.releasesAt && wall(d.releasesAt, BERLIN)]);
    expect(statuses(new SlotPlanner(input))).toEqual([
      ['2026-11-22', 'none', null], // yesterday
      ['2026-11-23', 'not_released', '07:45'], // today, from 07:45
      ['2026-11-24', 'closed', null], // a closure
      ['2026-11-25', 'full', null], // every slot taken
      ['2026-11-26', 'free', null],
      ['2026-11-27', 'free', null],
      ['2026-11-28', 'closed', null], // Saturday: nobody's hours
      ['2026-11-29', 'none', null], // Sunday, but past the horizon
    ]);
    // After the release with the morning gone: none left today. Without a release: not online.
    const late = new SlotPlanner({ ...input, now: new Date('2026-11-23T09:00:00Z') });
    expect(late.range({ year: 2026, month: 11, day: 23 }, 1)[0]).toMatchObject({ status: 'none', slots: [] });
    const never = new SlotPlanner({ ...input, rules: { ...input.rules, sameDayReleaseTime: null } });
    expect(never.range({ year: 2026, month: 11, day: 23 }, 1)[0]?.status).toBe('not_same_day');
    // Staff book today without waiting for the release.
    const staff = new SlotPlanner({ ...input, actor: 'staff' });
    expect(staff.range({ year: 2026, month: 11, day: 23 }, 1)[0]?.status).toBe('free');
  });

  it('expands closures into dates within a range', () => {
    const set = closedDateSet(
      [
        { startsOn: '2026-12-24', endsOn: '2026-12-26' },
        { startsOn: '2026-12-31', endsOn: '2027-01-01' },
      ],
      { year: 2026, month: 12, day: 25 },
      { year: 2026, month: 12, day: 31 },
    );
    expect([...set].sort()).toEqual(['2026-12-25', '2026-12-26', '2026-12-31']);
  });
});
