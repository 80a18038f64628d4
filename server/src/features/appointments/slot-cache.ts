import type { EventBus } from '../../lib/event-bus.js';

/** What a cache `withoutReads` answers for something it does not keep. */
export class NotCached extends Error {
  constructor() {
    super('not in the slot cache');
    this.name = 'NotCached';
  }
}

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
 * Two kinds of entries. Schedules (hours, absences, appointments, closures) are kept until any
 * department event (every booking, cancellation, move, no-show, in any process through the event
 * bus; not a visit's move in the queue, and not this process's own booking, which `amend` has
 * added already) drops them all: not just the event's department's, as a clerk working
 * in two departments is busy in both, and the events say which department changed, not which
 * clerk. Settings (the department with its tenant, its services) change only with an event that
 * says so (`context`: the installation file applied, the door changed). A resync of the bus drops
 * everything. An entry is also dropped after `maxAgeMs`, for a change made beside the application
 * (SQL by hand) that announced nothing.
 *
 * One load per key at a time: the callers arriving while it runs share it. A load that was
 * running when a change came in is handed to those already waiting (they asked before the
 * change) but not kept.
 */
export class SlotCache {
  private readonly entries = { schedule: new Map<string, Entry>(), settings: new Map<string, Entry>() };
  private readonly lines = new Map<string, Promise<void>>();
  /** Appointments this process amended its entries with, whose own event is still to come. */
  private readonly amended = new Set<string>();
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
        if (!('departmentId' in event)) return;
        if (event.context) return this.clear('all');
        // A visit moved, and that is the whole change (the event's contract): the slot search
        // reads no visits, and the appointment states a visit's end writes (arrived, booked,
        // done, no_show) all keep the slot busy alike; only `cancelled` frees it. During a rush
        // the queue moves every second, and each move used to cost every search a new read.
        if (event.moved) return;
        // This process's own booking, already added to its entries by `amend`: once only, so a
        // later event of the same appointment (cancelled, moved) drops the schedules as ever.
        if (event.appointmentId && this.amended.delete(event.appointmentId)) return;
        this.clear('schedules');
      },
      () => this.clear('all'),
    );
  }

  /** The value under `key`, loaded by `load` when absent or too old. */
  get<T>(kind: 'schedule' | 'settings', key: string, load: () => Promise<T>): Promise<T> {
    const entries = this.entries[kind];
    const now = this.options.clock();
    const entry = entries.get(key);
    if (entry && now - entry.loadedAt < this.options.maxAgeMs) return entry.value as Promise<T>;
    if (entries.size >= this.options.maxEntries) entries.clear();
    const value = load();
    const stored = { value, loadedAt: now };
    entries.set(key, stored);
    value.catch(() => {
      // A failed read is not an answer to keep: the next caller tries again.
      if (entries.get(key) === stored) entries.delete(key);
    });
    return value;
  }

  /**
   * This cache without the database: `get` answers what is kept (or being loaded) and rejects
   * with `NotCached` otherwise, reading nothing. For answers that must cost no round trip, such as
   * refusing a booking of a slot already known taken before it waits in line (decision 030).
   */
  withoutReads(): SlotCache {
    const view = Object.create(this) as SlotCache;
    view.get = <T>(kind: 'schedule' | 'settings', key: string) => {
      const entry = this.entries[kind].get(key);
      if (entry && this.options.clock() - entry.loadedAt < this.options.maxAgeMs) return entry.value as Promise<T>;
      return Promise.reject(new NotCached());
    };
    return view;
  }

  /**
   * Runs `task` after the tasks queued before under `key` have settled: the bookings of one slot in
   * this process one after another, so that of a hundred people wanting it the first books it and
   * the others are refused from the cache, instead of a hundred transactions colliding. Keyed by
   * slot, not department: a line per department made every booking wait for all before it, and
   * on PostgreSQL, with the pool busy, that line grew to a minute (measured).
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

  /**
   * This process has committed a booking (`appointmentId`): every schedule entry gets it through
   * `patch` instead of being dropped, and the booking's own event, when it comes back through the
   * bus, drops nothing. In a rush each booking used to cost the next searches, the next losers'
   * refusals and their alternatives a read each (three statements per booking, on the one thread
   * that also serves the bookings); now a search stays without the database from the release
   * until the day is booked up. An entry still loading gets the patch when it arrives (a read
   * made after the commit already holds the booking: `patch` must then change nothing).
   *
   * Only for a change that adds to what is busy: an entry that missed it could show a slot free
   * that is not, which the database refuses anyway. Anything that frees a slot clears.
   */
  amend(appointmentId: string, patch: (value: unknown) => unknown): void {
    // Bounded: an id forgotten here only costs one more clear when its event comes.
    if (this.amended.size >= 1_000) this.amended.clear();
    this.amended.add(appointmentId);
    for (const entry of this.entries.schedule.values()) {
      entry.value = entry.value.then(patch);
      // A failed read already took its entry out (`get`); this copy of the failure is not news.
      entry.value.catch(() => {});
    }
  }

  /**
   * Forgets the schedules (an appointment changed), or everything (settings may have changed):
   * here at once, or anywhere through the event bus.
   */
  clear(what: 'schedules' | 'all'): void {
    this.entries.schedule.clear();
    if (what === 'all') this.entries.settings.clear();
  }

  close(): void {
    this.unsubscribe();
    this.clear('all');
  }
}

interface Entry {
  value: Promise<unknown>;
  loadedAt: number;
}
