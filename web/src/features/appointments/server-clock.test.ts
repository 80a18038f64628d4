import { afterEach, describe, expect, it, vi } from 'vitest';
import { clockOffset, learnServerTime, serverNow } from './server-clock';

describe('the office’s clock on a phone whose own clock is off', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is the office’s time less the phone’s when the answer came: ahead, behind or the same', () => {
    const received = Date.parse('2026-11-23T10:00:00.000Z');
    expect(clockOffset('2026-11-23T11:00:00.000Z', received)).toBe(3_600_000);
    expect(clockOffset('2026-11-23T09:58:30.000+00:00', received)).toBe(-90_000);
    expect(clockOffset('2026-11-23T11:00:00.000+01:00', received)).toBe(0);
  });

  it('takes nothing from a time it cannot read', () => {
    expect(clockOffset('gestern', Date.parse('2026-11-23T10:00:00.000Z'))).toBe(0);
  });

  it('tells now on the office’s clock from then on, as the phone’s clock runs', () => {
    // The phone runs an hour behind the office.
    vi.useFakeTimers({ now: Date.parse('2026-11-23T09:00:00.000Z') });
    learnServerTime('2026-11-23T10:00:00.000Z');
    expect(new Date(serverNow()).toISOString()).toBe('2026-11-23T10:00:00.000Z');
    vi.advanceTimersByTime(90_000);
    expect(new Date(serverNow()).toISOString()).toBe('2026-11-23T10:01:30.000Z');
    // A later answer puts it right again (the phone's clock was set meanwhile).
    vi.setSystemTime(Date.parse('2026-11-23T10:01:30.000Z'));
    learnServerTime('2026-11-23T10:01:30.000Z');
    expect(new Date(serverNow()).toISOString()).toBe('2026-11-23T10:01:30.000Z');
  });
});
