import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LostAnnouncer, type LostNews } from './lost-announcer';

const set = (...ids: string[]): ReadonlySet<string> => new Set(ids);

describe('the console’s announcement of lost and returning citizens', () => {
  let said: LostNews[];
  let announcer: LostAnnouncer;
  beforeEach(() => {
    vi.useFakeTimers();
    said = [];
    announcer = new LostAnnouncer((news) => said.push(news), 1_000);
  });
  afterEach(() => {
    announcer.stop();
    vi.useRealTimers();
  });

  it('says nothing of what the console showed when it opened', () => {
    announcer.update(null, set('a', 'b'));
    announcer.update(set('a'), set('a', 'b'));
    vi.advanceTimersByTime(5_000);
    expect(said).toEqual([]);
  });

  it('says several lost at once in one announcement, and their return in another', () => {
    const waiting = set('a', 'b', 'c');
    announcer.update(set(), waiting);
    announcer.update(set('a'), waiting);
    vi.advanceTimersByTime(300);
    announcer.update(set('a', 'b'), waiting);
    announcer.update(set('a', 'b'), waiting); // a queue change: nothing new
    vi.advanceTimersByTime(1_000);
    expect(said).toEqual([{ lost: ['a', 'b'], back: [] }]);
    announcer.update(set(), waiting);
    vi.advanceTimersByTime(1_000);
    expect(said).toEqual([
      { lost: ['a', 'b'], back: [] },
      { lost: [], back: ['a', 'b'] },
    ]);
  });

  it('says nothing of a blip within the moment, nor of someone who is no longer waiting', () => {
    announcer.update(set(), set('a', 'b'));
    announcer.update(set('a'), set('a', 'b'));
    announcer.update(set(), set('a', 'b'));
    vi.advanceTimersByTime(2_000);
    expect(said).toEqual([]);
    // Lost, then let in (or expired): gone from the queue, and not "back".
    announcer.update(set('b'), set('a', 'b'));
    vi.advanceTimersByTime(2_000);
    announcer.update(set(), set('a'));
    vi.advanceTimersByTime(2_000);
    expect(said).toEqual([{ lost: ['b'], back: [] }]);
  });
});
