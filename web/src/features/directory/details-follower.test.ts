import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DetailsFollower, REREAD_SPREAD_MS } from './details-follower';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Runs the pending delay and lets the read's promise settle. */
const spreadPasses = () => vi.advanceTimersByTimeAsync(REREAD_SPREAD_MS);

function follower(answers: (string | Error)[]) {
  const reads: AbortSignal[] = [];
  const shown: string[] = [];
  const f = new DetailsFollower<{ revision: string }>({
    shown: 'r0',
    read: (signal) => {
      reads.push(signal);
      const answer = answers.shift() ?? 'unexpected';
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve({ revision: answer });
    },
    onRead: (details) => shown.push(details.revision),
  });
  return { f, reads, shown };
}

describe('DetailsFollower', () => {
  it('reads nothing while the door’s revision is the one shown, or absent', async () => {
    const { f, reads } = follower([]);
    for (const revision of ['r0', undefined, 'r0']) f.seen(revision);
    expect(vi.getTimerCount()).toBe(0);
    await spreadPasses();
    expect(reads).toHaveLength(0);
  });

  it('reads once per new revision, after a random delay within the spread', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { f, reads, shown } = follower(['r1']);
    f.seen('r1');
    f.seen('r1');
    await vi.advanceTimersByTimeAsync(REREAD_SPREAD_MS / 2 - 1);
    expect(reads).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toHaveLength(1);
    expect(shown).toEqual(['r1']);
    // Messages after the read (a knock) say r1 again: nothing more.
    f.seen('r1');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not read again and again when its read is a change ahead of (or behind) the door', async () => {
    const { f, reads, shown } = follower(['r2']);
    f.seen('r1');
    await spreadPasses();
    expect(shown).toEqual(['r2']);
    f.seen('r1');
    // The door catches up with the page: still nothing to read.
    f.seen('r2');
    expect(vi.getTimerCount()).toBe(0);
    expect(reads).toHaveLength(1);
  });

  it('reads only the newest of revisions coming fast, and drops a read overtaken by a newer one', async () => {
    const { f, reads, shown } = follower(['r2', 'r3']);
    f.seen('r1');
    f.seen('r2');
    expect(vi.getTimerCount()).toBe(1);
    vi.runOnlyPendingTimers();
    expect(reads).toHaveLength(1);
    f.seen('r3');
    expect(reads[0]!.aborted).toBe(true);
    await spreadPasses();
    expect(shown).toEqual(['r3']);
  });

  it('keeps what it shows when a read fails, and tries again with the next message', async () => {
    const { f, shown } = follower([new Error('offline'), 'r1']);
    f.seen('r1');
    await spreadPasses();
    expect(shown).toEqual([]);
    f.seen('r1');
    await spreadPasses();
    expect(shown).toEqual(['r1']);
  });

  it('stops: no read after the page is gone', async () => {
    const { f, reads } = follower(['r1']);
    f.seen('r1');
    f.stop();
    expect(vi.getTimerCount()).toBe(0);
    await spreadPasses();
    expect(reads).toHaveLength(0);
  });
});
