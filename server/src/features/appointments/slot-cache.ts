import type { EventBus } from '../../lib/event-bus.js';

/**
 * What the slot search reads, kept in this process between changes (issue 14: the 07:45 rush and
 * slot search p99). Two thousand people asking for the same department's free slots within a
 * minute need one read between two bookings, not two thousand.
 *
 * The cache answers searches only, and refuses a booking early only where it already knows the
 * slot taken. A booking itself always reads the database, and the database's exclusion
 * constraint stays the arbiter: a stale entry can show a slot that is gone (the booking then
 * meets 409 with alternatives, as after any race) but never let a booking through.
 *
 * Kept until a change: every department event (every booking, cancellation, move, no-show, queue
 * change, settings change, in any process through the event bus) drops everything, as does a
 * resync of the bus. Dropping all, not just the event's department: a clerk working in two
 * departments is busy in both, and the events say which department changed, not which clerk.
 * An entry is also dropped after `maxAgeMs`, for a change made beside the application (SQL by
 * hand) that announced nothing.
 *
 * One load per key at a time: the callers arriving while it runs share it. A load that was
 * running when a change came in is handed to those already waiting (they asked before the
 * change) but not kept.
 */
export class SlotCache {
  private readonly entries = new Map<string, { value: Promise<unknown>; loadedAt: number }>();
  private readonly lines = new Map<string, Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(
    events: Pick<EventBus, 'subscribe'>,
    private readonly options: { maxAgeMs: number; maxEntries: number; clock: () => number } = {
      maxAgeMs: 60_000,
      maxEntries: 2_000,
      clock: () => performance.now(),
    },
  ) {
    this.unsubscribe = events.subscribe(
      (event) => {
        if ('departmentId' in event) this.clear();
      },
      () => this.clear(),
    );
  }

  /** The value under `key`, loaded by `load` when absent or too old. */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.options.clock();
    const entry = this.entries.get(key);
    if (entry && now - entry.loadedAt < this.options.maxAgeMs) return entry.value as Promise<T>;
    if (this.entries.size >= this.options.maxEntries) this.entries.clear();
    const value = load();
    const stored = { value, loadedAt: now };
    this.entries.set(key, stored);
    value.catch(() => {
      // A failed read is not an answer to keep: the next caller tries again.
      if (this.entries.get(key) === stored) this.entries.delete(key);
    });
    return value;
  }

  /**
   * Runs `task` after the tasks queued before under `key` have settled: a department's bookings in
   * this process one after another, so that of a hundred people wanting one slot the first books
   * it and the others are refused from the cache, instead of a hundred transactions colliding.
   */
  serialise<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.lines.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.lines.set(key, tail);
    void tail.then(() => {
      if (this.lines.get(key) === tail) this.lines.delete(key);
    });
    return result;
  }

  /** Forgets everything: something changed (here at once, or anywhere through the event bus). */
  clear(): void {
    this.entries.clear();
  }

  close(): void {
    this.unsubscribe();
    this.clear();
  }
}
