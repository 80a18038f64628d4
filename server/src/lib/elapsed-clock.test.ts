import { describe, expect, it } from 'vitest';
import { ElapsedClock } from './elapsed-clock.js';

function clocks() {
  let mono = 1_000;
  let wall = Date.parse('2026-11-30T08:00:00Z');
  const clock = new ElapsedClock(
    () => new Date(wall),
    () => mono,
  );
  return {
    clock,
    pass(ms: number) {
      mono += ms;
      wall += ms;
    },
    jump(ms: number) {
      wall += ms;
    },
  };
}

describe('ElapsedClock', () => {
  it('answers the wall clock minus the time when the clock did not jump', () => {
    const { clock, pass } = clocks();
    clock.sample();
    pass(30_000);
    clock.sample();
    expect(clock.wallAgo(10_000).toISOString()).toBe('2026-11-30T08:00:20.000Z');
    expect(clock.runningMs()).toBe(30_000);
  });

  it('does not count a jump forward as time gone by', () => {
    const { clock, pass, jump } = clocks();
    clock.sample();
    pass(20_000);
    clock.sample();
    jump(3_600_000);
    pass(5_000);
    // 10 real seconds ago it was 08:00:15, whatever the clock says now (09:00:25).
    expect(clock.wallAgo(10_000).toISOString()).toBe('2026-11-30T08:00:15.000Z');
  });

  it('after a jump back, never answers later than the clock now says minus the time', () => {
    const { clock, pass, jump } = clocks();
    clock.sample();
    pass(20_000);
    jump(-3_600_000);
    pass(5_000);
    expect(clock.wallAgo(10_000).toISOString()).toBe('2026-11-30T07:00:15.000Z');
  });
});
