import { zonedToInstant } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { untilInstant } from './CreateInviteForm';

describe('a typed "valid until" read on the town’s clock, whatever the laptop’s zone', () => {
  it('reads winter and summer times in Berlin, and another zone’s', () => {
    expect(untilInstant('2026-12-08T18:00', 'Europe/Berlin')).toBe('2026-12-08T17:00:00.000Z');
    expect(untilInstant('2026-07-01T18:00', 'Europe/Berlin')).toBe('2026-07-01T16:00:00.000Z');
    expect(untilInstant('2026-12-08T18:00', 'America/New_York')).toBe('2026-12-08T23:00:00.000Z');
  });

  it('around the changes of the clocks: a skipped time as the time just after the gap, as the shared zonedToInstant reads it; a repeated one as one of its two times', () => {
    const gap = { year: 2026, month: 3, day: 29, hour: 2, minute: 30 };
    expect(untilInstant('2026-03-29T02:30', 'Europe/Berlin')).toBe(zonedToInstant(gap, 'Europe/Berlin').toISOString());
    expect(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']).toContain(
      untilInstant('2026-10-25T02:30', 'Europe/Berlin'),
    );
    expect(untilInstant('2026-10-25T03:30', 'Europe/Berlin')).toBe('2026-10-25T02:30:00.000Z');
    expect(untilInstant('2026-03-29T03:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
  });
});
