import { zonedToInstant } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { untilInstant } from './CreateInviteForm';

describe('a typed "valid until" read on the town’s clock, whatever the laptop’s zone', () => {
  it('reads winter and summer times in Berlin, and another zone’s', () => {
    expect(untilInstant('2026-12-08T18:00', 'Europe/Berlin')).toBe('2026-12-08T17:00:00.000Z');
    expect(untilInstant('2026-07-01T18:00', 'Europe/Berlin')).toBe('2026-07-01T16:00:00.000Z');
    expect(untilInstant('2026-12-08T18:00', 'America/New_York')).toBe('2026-12-08T23:00:00.000Z');
  });

  it('around the changes of the clocks: a skipped time as the time just after the gap, as the shared zonedToInstant reads it', () => {
    const gap = { year: 2026, month: 3, day: 29, hour: 2, minute: 30 };
    expect(untilInstant('2026-03-29T02:30', 'Europe/Berlin')).toBe(zonedToInstant(gap, 'Europe/Berlin').toISOString());
    expect(untilInstant('2026-10-25T03:30', 'Europe/Berlin')).toBe('2026-10-25T02:30:00.000Z');
    expect(untilInstant('2026-03-29T03:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
  });

  it('a time of the repeated autumn hour as its first time (summer time), as the shared zonedToInstant reads it', () => {
    expect(untilInstant('2026-10-25T02:30', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    expect(untilInstant('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    // Every minute of the two days of change, and of the hours around them, as zonedToInstant.
    for (const [zone, date] of [
      ['Europe/Berlin', '2026-10-25'],
      ['Europe/Berlin', '2026-03-29'],
      ['America/New_York', '2026-11-01'],
      ['America/New_York', '2026-03-08'],
    ] as const) {
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      for (let minutes = 0; minutes < 24 * 60; minutes += 1) {
        const [hour, minute] = [Math.floor(minutes / 60), minutes % 60];
        const typed = `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
        expect(untilInstant(typed, zone), `${typed} in ${zone}`).toBe(
          zonedToInstant({ year, month, day, hour, minute }, zone).toISOString(),
        );
      }
    }
  });
});
