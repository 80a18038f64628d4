import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../lib/logger.js';
import { Scheduler, type Job } from './scheduler.js';

// The jobs of one interval used to start all at the same moment: at 10,000 waiting citizens the
// beat's rounds together held up the queue changes of the next seconds (decision 031, forty-ninth
// addendum). They now take turns within their interval, evenly apart; none runs later than before.

describe('the scheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  /** Jobs that note when they ran (the fake clock's milliseconds). */
  function noting(specs: { name: string; everyMs: number; atStart?: boolean }[]) {
    const runs = new Map<string, number[]>(specs.map((spec) => [spec.name, []]));
    const jobs: Job[] = specs.map((spec) => ({ ...spec, run: () => void runs.get(spec.name)!.push(Date.now()) }));
    return { jobs, runs };
  }

  it('runs the jobs of one interval in turns, evenly apart, and each at its interval after that', async () => {
    const { jobs, runs } = noting([
      { name: 'a', everyMs: 1_200 },
      { name: 'b', everyMs: 1_200 },
      { name: 'other', everyMs: 500 },
      { name: 'c', everyMs: 1_200 },
      { name: 'start', everyMs: 1_200, atStart: true },
    ]);
    const scheduler = new Scheduler(jobs, createLogger('silent'));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2_500);
    expect(Object.fromEntries(runs)).toEqual({
      a: [1_200, 2_400], // the first of its interval: as before
      b: [300, 1_500],
      other: [500, 1_000, 1_500, 2_000, 2_500], // alone in its interval
      c: [600, 1_800],
      start: [0, 900, 2_100], // at start too, then in its turn
    });
    await scheduler.stop();
  });

  it('starts no turn after stop, not even a first one still to come', async () => {
    const { jobs, runs } = noting([
      { name: 'a', everyMs: 1_000 },
      { name: 'b', everyMs: 1_000 },
    ]);
    const scheduler = new Scheduler(jobs, createLogger('silent'));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(100);
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(Object.fromEntries(runs)).toEqual({ a: [], b: [] });
  });
});
