import { describe, expect, it } from 'vitest';
import {
  formatCivilDate,
  formatClock,
  formatDay,
  formatLongDate,
  formatMinutes,
  formatShortCivilDate,
  weekdayKeyAt,
  weekdayName,
} from './format';

describe('date and time formatting', () => {
  // 2026-11-23 07:00 UTC is Monday 08:00 in Berlin (winter time, UTC+1).
  const instant = new Date('2026-11-23T07:00:00Z');

  it('reads instants in the tenant zone, not the runtime zone', () => {
    expect(formatDay(instant, 'de', 'Europe/Berlin')).toBe('Montag, 23. November');
    expect(formatClock(instant, 'de', 'Europe/Berlin')).toBe('08:00');
    expect(formatClock(instant, 'en', 'Europe/Berlin')).toBe('08:00');
    expect(formatDay(new Date('2026-11-22T23:30:00Z'), 'en', 'Europe/Berlin')).toBe('Monday 23 November');
    expect(formatLongDate(new Date('2026-11-22T23:30:00Z'), 'de', 'Europe/Berlin')).toBe('Montag, 23. November 2026');
  });

  it('names weekdays and civil dates in the interface language', () => {
    expect(weekdayName('mon', 'de')).toBe('Montag');
    expect(weekdayName('sun', 'en')).toBe('Sunday');
    expect(formatCivilDate('2026-12-24', 'de')).toBe('Donnerstag, 24. Dezember 2026');
    // English as the e-mails write it (en-GB), not the American month-first order.
    expect(formatCivilDate('2026-12-05', 'en')).toBe('Saturday, 5 December 2026');
    expect(formatLongDate(new Date('2026-12-05T08:00:00Z'), 'en', 'Europe/Berlin')).toBe('Saturday, 5 December 2026');
    expect(formatShortCivilDate('2026-12-24', 'de')).toBe('Do., 24. Dez.');
    expect(weekdayKeyAt(new Date('2026-11-22T23:30:00Z'), 'Europe/Berlin')).toBe('mon');
  });
});

describe('formatMinutes', () => {
  it('shows hours and minutes in the interface language', () => {
    expect(formatMinutes(1095, 'de')).toBe('18 Std. 15 Min.');
    expect(formatMinutes(1095, 'en')).toBe('18 h 15 min');
    expect(formatMinutes(1095, 'en-GB')).toBe('18 h 15 min');
  });

  it('leaves out an empty part but never says nothing', () => {
    expect(formatMinutes(45, 'de')).toBe('45 Min.');
    expect(formatMinutes(120, 'de')).toBe('2 Std.');
    expect(formatMinutes(0, 'de')).toBe('0 Min.');
    expect(formatMinutes(0, 'en')).toBe('0 min');
  });
});
