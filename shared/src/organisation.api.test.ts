import { describe, expect, it } from 'vitest';
import { AdminOpeningHoursSchema, openingHoursProblems } from './organisation.api.js';
import type { OpeningHours } from './opening-hours.js';

const week = (days: Partial<OpeningHours>): OpeningHours => ({
  mon: [],
  tue: [],
  wed: [],
  thu: [],
  fri: [],
  sat: [],
  sun: [],
  ...days,
});

describe('openingHoursProblems: the hours editor’s rule, shared by form and server', () => {
  it('names an empty time, an end before its start and an overlap at the time concerned', () => {
    const hours = week({
      mon: [
        { from: '08:00', to: '12:00' },
        { from: '11:00', to: '14:00' },
      ],
      tue: [{ from: '', to: '12:00' }],
      wed: [{ from: '16:00', to: '09:00' }],
      thu: [{ from: '09:00', to: '09:00' }],
    });
    expect(openingHoursProblems(hours)).toEqual([
      { day: 'mon', index: 1, time: 'from', problem: 'overlap', other: 0 },
      { day: 'tue', index: 0, time: 'from', problem: 'empty' },
      { day: 'wed', index: 0, time: 'to', problem: 'order' },
      { day: 'thu', index: 0, time: 'to', problem: 'order' },
    ]);
  });

  it('finds an overlap with any earlier range, whatever order they were entered in', () => {
    const hours = week({
      fri: [
        { from: '13:00', to: '14:00' },
        { from: '08:00', to: '18:00' },
        { from: '18:00', to: '19:00' },
      ],
    });
    expect(openingHoursProblems(hours)).toEqual([{ day: 'fri', index: 0, time: 'from', problem: 'overlap', other: 1 }]);
  });

  it('accepts ranges that touch, and the server refuses what the form refuses', () => {
    const touching = week({
      mon: [
        { from: '08:00', to: '12:00' },
        { from: '12:00', to: '16:00' },
      ],
    });
    expect(openingHoursProblems(touching)).toEqual([]);
    expect(AdminOpeningHoursSchema.safeParse(touching).success).toBe(true);
    const overlapping = week({
      sat: [
        { from: '08:00', to: '18:00' },
        { from: '13:00', to: '14:00' },
      ],
    });
    const refused = AdminOpeningHoursSchema.safeParse(overlapping);
    expect(refused.error?.issues.map((issue) => issue.path)).toEqual([['sat']]);
    for (const bad of [week({ sun: [{ from: '', to: '10:00' }] }), week({ sun: [{ from: '10:00', to: '09:00' }] })]) {
      expect(openingHoursProblems(bad)).toHaveLength(1);
      expect(AdminOpeningHoursSchema.safeParse(bad).success).toBe(false);
    }
  });
});
