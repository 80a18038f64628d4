import { describe, expect, it } from 'vitest';
import { absenceDays, absenceInputOf, draftProblems, EMPTY_DRAFT } from './absence-form';

const BERLIN = 'Europe/Berlin';

describe('a clerk’s absence form', () => {
  it('takes a single day when the last one is left empty, times and reason only when given', () => {
    expect(absenceInputOf({ ...EMPTY_DRAFT, startsOn: '2027-03-01', reason: '  ' })).toEqual({
      startsOn: '2027-03-01',
      endsOn: '2027-03-01',
    });
    expect(
      absenceInputOf({
        startsOn: '2027-03-01',
        endsOn: '2027-03-03',
        startsAtTime: '12:00',
        endsAtTime: '',
        reason: ' Fortbildung ',
      }),
    ).toEqual({ startsOn: '2027-03-01', endsOn: '2027-03-03', startsAtTime: '12:00', reason: 'Fortbildung' });
  });

  it('names the fields the shared schema refuses', () => {
    expect(draftProblems(absenceInputOf(EMPTY_DRAFT))).toEqual(['startsOn', 'endsOn']);
    expect(draftProblems(absenceInputOf({ ...EMPTY_DRAFT, startsOn: '2027-03-05', endsOn: '2027-03-01' }))).toEqual([
      'endsOn',
    ]);
    expect(
      draftProblems(
        absenceInputOf({ ...EMPTY_DRAFT, startsOn: '2027-03-05', startsAtTime: '14:00', endsAtTime: '09:00' }),
      ),
    ).toEqual(['endsAtTime']);
    expect(draftProblems(absenceInputOf({ ...EMPTY_DRAFT, startsOn: '2027-03-05', reason: 'x'.repeat(121) }))).toEqual([
      'reason',
    ]);
    expect(draftProblems(absenceInputOf({ ...EMPTY_DRAFT, startsOn: '2027-03-05' }))).toEqual([]);
  });
});

describe('an absence read back on the municipality’s calendar', () => {
  it('ends whole days on the last day, not at the midnight after it', () => {
    // 1 to 3 March 2027 in Berlin (UTC+1): stored up to 4 March, 00:00 local.
    expect(absenceDays({ startsAt: '2027-02-28T23:00:00.000Z', endsAt: '2027-03-03T23:00:00.000Z' }, BERLIN)).toEqual({
      firstDay: '2027-03-01',
      lastDay: '2027-03-03',
      from: null,
      until: null,
    });
  });

  it('keeps the clock times of part days, in the municipality’s zone across a change to summer time', () => {
    // 26 to 29 March 2027: Berlin moves to UTC+2 on the 28th.
    expect(absenceDays({ startsAt: '2027-03-26T11:00:00.000Z', endsAt: '2027-03-29T07:30:00.000Z' }, BERLIN)).toEqual({
      firstDay: '2027-03-26',
      lastDay: '2027-03-29',
      from: '12:00',
      until: '09:30',
    });
  });
});
