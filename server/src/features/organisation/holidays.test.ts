import { formatCivilDate, STATE_CODES, type StateCode } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { repentanceDay, stateHolidays } from './holidays.js';

const on = (state: StateCode, year: number) =>
  new Map(stateHolidays(state, year).map((h) => [formatCivilDate(h.date), h.name.de]));

describe('public holidays of the German states', () => {
  it('has the nationwide holidays in every state', () => {
    for (const state of STATE_CODES) {
      const days = on(state, 2026);
      expect(days.get('2026-01-01')).toBe('Neujahr');
      expect(days.get('2026-04-03')).toBe('Karfreitag');
      expect(days.get('2026-04-06')).toBe('Ostermontag');
      expect(days.get('2026-05-14')).toBe('Christi Himmelfahrt');
      expect(days.get('2026-05-25')).toBe('Pfingstmontag');
      expect(days.get('2026-10-03')).toBe('Tag der Deutschen Einheit');
      expect(days.get('2026-12-25')).toBe('1. Weihnachtstag');
    }
  });

  it('has Fronleichnam in BY and NW, not in BE', () => {
    expect(on('BY', 2026).get('2026-06-04')).toBe('Fronleichnam');
    expect(on('NW', 2026).get('2026-06-04')).toBe('Fronleichnam');
    expect(on('BE', 2026).has('2026-06-04')).toBe(false);
  });

  it('has Reformationstag in SN and (since 2018) NI, not in NW; everywhere in 2017', () => {
    expect(on('SN', 2026).get('2026-10-31')).toBe('Reformationstag');
    expect(on('NI', 2026).get('2026-10-31')).toBe('Reformationstag');
    expect(on('NI', 2016).has('2016-10-31')).toBe(false);
    expect(on('NW', 2026).has('2026-10-31')).toBe(false);
    expect(on('NW', 2017).get('2017-10-31')).toBe('Reformationstag');
  });

  it('has Allerheiligen in BY and NW, not in SN', () => {
    expect(on('BY', 2026).get('2026-11-01')).toBe('Allerheiligen');
    expect(on('NW', 2026).get('2026-11-01')).toBe('Allerheiligen');
    expect(on('SN', 2026).has('2026-11-01')).toBe(false);
  });

  it('has Buß- und Bettag (the Wednesday before 23 November) in SN only', () => {
    expect(formatCivilDate(repentanceDay(2023))).toBe('2023-11-22');
    expect(formatCivilDate(repentanceDay(2025))).toBe('2025-11-19');
    expect(formatCivilDate(repentanceDay(2026))).toBe('2026-11-18');
    expect(on('SN', 2026).get('2026-11-18')).toBe('Buß- und Bettag');
    expect(on('BY', 2026).has('2026-11-18')).toBe(false);
  });

  it('has Weltkindertag in TH from 2019', () => {
    expect(on('TH', 2026).get('2026-09-20')).toBe('Weltkindertag');
    expect(on('TH', 2018).has('2018-09-20')).toBe(false);
    expect(on('SN', 2026).has('2026-09-20')).toBe(false);
  });

  it('has Frauentag in BE since 2019 and MV since 2023', () => {
    expect(on('BE', 2019).get('2019-03-08')).toBe('Internationaler Frauentag');
    expect(on('BE', 2018).has('2018-03-08')).toBe(false);
    expect(on('MV', 2023).get('2023-03-08')).toBe('Internationaler Frauentag');
    expect(on('MV', 2022).has('2022-03-08')).toBe(false);
    expect(on('HH', 2026).has('2026-03-08')).toBe(false);
  });

  it('has Mariä Himmelfahrt in SL, Heilige Drei Könige in BW/BY/ST', () => {
    expect(on('SL', 2026).get('2026-08-15')).toBe('Mariä Himmelfahrt');
    expect(on('NW', 2026).has('2026-08-15')).toBe(false);
    for (const state of ['BW', 'BY', 'ST'] as const)
      expect(on(state, 2026).get('2026-01-06')).toBe('Heilige Drei Könige');
    expect(on('NW', 2026).has('2026-01-06')).toBe(false);
  });

  it('lists each day once', () => {
    for (const state of STATE_CODES) {
      const days = stateHolidays(state, 2026).map((h) => formatCivilDate(h.date));
      expect(new Set(days).size).toBe(days.length);
    }
  });
});
