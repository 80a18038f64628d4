import { describe, expect, it } from 'vitest';
import { DetailsFollower, REREAD_SPREAD_MS, type FollowerTimers } from './details-follower';

class FakeTimers implements FollowerTimers {
  pending = new Map<number, { callback: () => void; ms: number }>();
  private next = 0;
  setTimeout(callback: () => void, ms: number) {
    this.pending.set(++this.next, { callback, ms });
    return this.next;
  }
  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }
  fire() {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const { callback } of due) callback();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function follower(answers: (string | Error)[], random = () => 0.5) {
  const timers = new FakeTimers();
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
    random,
    timers,
  });
  return { f, timers, reads, shown };
}

describe('DetailsFollower', () => {
  it('reads nothing while the door’s revision is the one shown, or absent', () => {
    const { f, timers, reads } = follower([]);
    for (const revision of ['r0', undefined, 'r0']) f.seen(revision);
    timers.fire();
    expect(timers.pending.size).toBe(0);
    expect(reads).toHaveLength(0);
  });

  it('reads once per new revision, after a random delay within the spread', async () => {
    const { f, timers, reads, shown } = follower(['r1'], () => 0.999);
    f.seen('r1');
    f.seen('r1');
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([Math.floor(0.999 * REREAD_SPREAD_MS)]);
    expect(reads).toHaveLength(0);
    timers.fire();
    await settle();
    expect(reads).toHaveLength(1);
    expect(shown).toEqual(['r1']);
    // Messages after the read (a knock) say r1 again: nothing more.
    f.seen('r1');
    expect(timers.pending.size).toBe(0);
  });

  it('does not read again and again when its read is a change ahead of (or behind) the door', async () => {
    const { f, timers, reads, shown } = follower(['r2']);
    f.seen('r1');
    timers.fire();
    await settle();
    expect(shown).toEqual(['r2']);
    f.seen('r1');
    expect(timers.pending.size).toBe(0);
    // The door catches up with the page: still nothing to read.
    f.seen('r2');
    expect(timers.pending.size).toBe(0);
    expect(reads).toHaveLength(1);
  });

  it('reads only the newest of revisions coming fast, and drops a read overtaken by a newer one', async () => {
    const { f, timers, reads, shown } = follower(['r2', 'r3']);
    f.seen('r1');
    f.seen('r2');
    expect(timers.pending.size).toBe(1);
    timers.fire();
    f.seen('r3');
    expect(reads[0]!.aborted).toBe(true);
    await settle();
    expect(shown).toEqual([]);
    timers.fire();
    await settle();
    expect(shown).toEqual(['r3']);
  });

  it('keeps what it shows when a read fails, and tries again with the next message', async () => {
    const { f, timers, shown } = follower([new Error('offline'), 'r1']);
    f.seen('r1');
    timers.fire();
    await settle();
    expect(shown).toEqual([]);
    f.seen('r1');
    timers.fire();
    await settle();
    expect(shown).toEqual(['r1']);
  });

  it('stops: no read after the page is gone', () => {
    const { f, timers, reads } = follower(['r1']);
    f.seen('r1');
    f.stop();
    expect(timers.pending.size).toBe(0);
    expect(reads).toHaveLength(0);
  });
});
