import type { DisplayCall } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import {
  callKey,
  freshCalls,
  openCallsStream,
  retryDelay,
  SILENCE_MS,
  type SourceLike,
  type StreamState,
} from './calls-stream';

class FakeSource implements SourceLike {
  readyState = 0;
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();
  addEventListener(type: string, listener: (event: { data?: unknown }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  emit(type: string, data: unknown) {
    for (const listener of this.listeners.get(type) ?? []) listener({ data: JSON.stringify(data) });
  }
  /** The browser gives up (a non-200 answer): CLOSED, then error. */
  refuse() {
    this.readyState = 2;
    this.onerror?.({});
  }
}

/** Timers a test moves by hand. */
function manualTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; run: () => void }>();
  return {
    setTimeout: (run: () => void, ms: number) => {
      const id = next++;
      pending.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id: unknown) => {
      pending.delete(id as number);
    },
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now) continue;
        pending.delete(id);
        timer.run();
      }
    },
  };
}

const call = (ticketNumber: number, counter: string): DisplayCall => ({
  ticketNumber,
  counter,
  calledAt: '2026-12-01T09:00:00.000Z',
  current: true,
});

function setUp(stillPaired: () => Promise<boolean> = () => Promise.resolve(true)) {
  const sources: FakeSource[] = [];
  const timers = manualTimers();
  const seen = { calls: [] as DisplayCall[][], states: [] as StreamState[], revoked: 0 };
  const stop = openCallsStream({
    onCalls: (calls) => seen.calls.push(calls),
    onState: (state) => seen.states.push(state),
    onRevoked: () => {
      seen.revoked += 1;
    },
    stillPaired,
    createSource: () => {
      const source = new FakeSource();
      sources.push(source);
      return source;
    },
    timers,
  });
  return { sources, timers, seen, stop, last: () => sources[sources.length - 1]! };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the call display’s stream', () => {
  it('passes each full list on, and ignores what does not parse', () => {
    const { last, seen } = setUp();
    last().open();
    last().emit('calls', { calls: [call(17, 'Platz 3')] });
    last().emit('calls', { calls: [{ ticketNumber: 'Erika' }] });
    last().emit('calls', { calls: [] });
    expect(seen.calls).toEqual([[call(17, 'Platz 3')], []]);
    expect(seen.states).toEqual(['connecting', 'open']);
  });

  it('replaces a connection that went silent (no beat) with a new one, which reads the list again', () => {
    const { sources, timers, seen } = setUp();
    sources[0]!.open();
    timers.advance(SILENCE_MS - 1_000);
    sources[0]!.emit('beat', {});
    timers.advance(SILENCE_MS - 1_000);
    expect(sources).toHaveLength(1);
    timers.advance(2_000);
    expect(sources).toHaveLength(2);
    expect(sources[0]!.closed).toBe(true);
    expect(seen.states.at(-1)).toBe('reconnecting');
    sources[1]!.open();
    sources[1]!.emit('calls', { calls: [call(18, 'Zimmer 12')] });
    expect(seen.calls.at(-1)).toEqual([call(18, 'Zimmer 12')]);
  });

  it('goes back to pairing at once when told it was revoked', () => {
    const { last, seen, sources, timers } = setUp();
    last().open();
    last().emit('revoked', {});
    expect(seen.revoked).toBe(1);
    expect(last().closed).toBe(true);
    timers.advance(10 * SILENCE_MS);
    expect(sources).toHaveLength(1);
  });

  it('asks whether it is still paired when refused: no means the pairing form, yes a new stream later', async () => {
    const revoked = setUp(() => Promise.resolve(false));
    revoked.last().refuse();
    await settle();
    expect(revoked.seen.revoked).toBe(1);

    const refused = setUp(() => Promise.resolve(true));
    refused.last().refuse();
    await settle();
    expect(refused.seen.revoked).toBe(0);
    refused.timers.advance(retryDelay(0) - 1);
    expect(refused.sources).toHaveLength(1);
    refused.timers.advance(1);
    expect(refused.sources).toHaveLength(2);

    // The server unreachable for the question too: try again later, still not unpaired.
    const offline = setUp(() => Promise.reject(new Error('offline')));
    offline.last().refuse();
    await settle();
    offline.timers.advance(retryDelay(0));
    expect(offline.sources).toHaveLength(2);
    expect(offline.seen.revoked).toBe(0);
  });

  it('stops for good when the page goes', () => {
    const { last, stop, timers, sources } = setUp();
    last().open();
    stop();
    expect(last().closed).toBe(true);
    timers.advance(10 * SILENCE_MS);
    expect(sources).toHaveLength(1);
  });
});

describe('which calls the display sounds and says', () => {
  const at = (ticketNumber: number, calledAt: string, current = true): DisplayCall => ({
    ticketNumber,
    counter: 'Platz 3',
    calledAt,
    current,
  });

  it('says nothing for the first list, then each new or repeated call once, oldest first', () => {
    const first = [at(2, '2026-12-01T09:01:00Z'), at(1, '2026-12-01T09:00:00Z')];
    expect(freshCalls(null, first)).toEqual([]);
    const known = new Set(first.map(callKey));
    const next = [at(4, '2026-12-01T09:03:00Z'), at(3, '2026-12-01T09:02:00Z'), ...first];
    expect(freshCalls(known, next).map((call) => call.ticketNumber)).toEqual([3, 4]);
    // Called again: a new time, said again; a number no longer current (served) is not.
    expect(freshCalls(known, [at(1, '2026-12-01T09:05:00Z')]).map((call) => call.ticketNumber)).toEqual([1]);
    expect(freshCalls(known, [at(5, '2026-12-01T09:06:00Z', false)])).toEqual([]);
  });
});
