import { afterEach, describe, expect, it, vi } from 'vitest';
import { Followers } from './followers.js';

const limits = { waiting: 3, waitingPerKey: 2, maxWaitMs: 10_000 };
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Work that runs until the test lets it finish; records when it started and whether it followed. */
function held(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async (after: { followed: boolean; waitedMs: number }) => {
      log.push(`${name}${after.followed ? ' after' : ''}`);
      await done;
      return name;
    },
    finish,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Followers', () => {
  it('runs the requests of one topic one after the other, and those of other topics at once', async () => {
    const followers = new Followers(limits);
    const log: string[] = [];
    const [a, b, c, other] = ['a', 'b', 'c', 'other'].map((name) => held(log, name));
    const results = [
      followers.run('08:00', 'k1', a!.work),
      followers.run('08:00', 'k2', b!.work),
      followers.run('08:00', 'k3', c!.work),
      followers.run('08:15', 'k4', other!.work),
    ];
    await settle();
    expect(log).toEqual(['a', 'other']);
    expect(followers.waiting).toBe(2);
    a!.finish();
    await settle();
    expect(log).toEqual(['a', 'other', 'b after']);
    expect(followers.waiting).toBe(1);
    b!.finish();
    c!.finish();
    other!.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'other']);
    expect(followers.waiting).toBe(0);
    // Nothing kept of a topic whose requests are all done: the next one runs at once.
    const next = held(log, 'd');
    const result = followers.run('08:00', 'k1', next.work);
    await settle();
    expect(log.at(-1)).toBe('d');
    next.finish();
    expect(await result).toBe('d');
  });

  it('goes on after a request ahead that failed', async () => {
    const followers = new Followers(limits);
    const failed = followers.run('08:00', 'k1', () => Promise.reject(new Error('refused')));
    const next = followers.run('08:00', 'k2', (after) => Promise.resolve(after.followed));
    await expect(failed).rejects.toThrow('refused');
    expect(await next).toBe(true);
  });

  it('does not let one requester or a crowd hold more places than its limits: those go on without waiting', async () => {
    const followers = new Followers(limits);
    const log: string[] = [];
    const first = held(log, 'first');
    const running = [followers.run('08:00', 'other', first.work)];
    // One requester holds two places; its third request goes on at once.
    const mine = ['m1', 'm2', 'm3'].map((name) => held(log, name));
    for (const request of mine) running.push(followers.run('08:00', 'me', request.work));
    await settle();
    expect(log).toEqual(['first', 'm3']);
    expect(followers.waiting).toBe(2);
    // The crowd's places: one more waits, the next goes on.
    const crowd = ['c1', 'c2'].map((name) => held(log, name));
    for (const [i, request] of crowd.entries()) running.push(followers.run('08:00', `c${i}`, request.work));
    await settle();
    expect(log).toEqual(['first', 'm3', 'c2']);
    expect(followers.waiting).toBe(3);
    for (const request of [first, ...mine, ...crowd]) request.finish();
    await Promise.all(running);
    expect(followers.waiting).toBe(0);
  });

  it('waits no longer than maxWaitMs for the one ahead, and says how long it waited', async () => {
    vi.useFakeTimers();
    let now = 0;
    const followers = new Followers(limits, () => now);
    const stuck = followers.run('08:00', 'k1', () => new Promise<never>(() => {}));
    void stuck;
    const next = followers.run('08:00', 'k2', (after) => Promise.resolve(after));
    now = limits.maxWaitMs;
    await vi.advanceTimersByTimeAsync(limits.maxWaitMs);
    expect(await next).toEqual({ followed: true, waitedMs: limits.maxWaitMs });
    expect(followers.waiting).toBe(0);
  });
});
