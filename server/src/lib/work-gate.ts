import { AppError } from './errors.js';

/**
 * The line of citizens' slot searches and bookings (AppDeps.bookingGate; how many run at once is
 * BOOKING_CONCURRENCY): up to 2,000 wait, about six seconds of a rush's work on a two-core machine,
 * none longer than ten seconds. Read when a server starts.
 */
export const BOOKING_LINE = { waiting: 2_000, waitingPerKey: 8, maxWaitMs: 10_000, retryAfterSeconds: 5 };

/**
 * At most `running` pieces of work at a time, the rest waiting in line: the lanes in the order
 * given first, each lane first come, first served (issue 14, the 07:45 rush).
 *
 * Why: a burst of requests that each wait for the database several times (a booking: a count, a
 * transaction of five round trips, an answer) shares the one thread with every request that
 * arrived after it. Started all at once, every round trip of every booking waited for a whole turn
 * of the event loop, and a turn held the first steps of all the requests that had come in
 * meanwhile: in the rush benchmark a booking took 0.5–1.6 s on PostgreSQL, each of its steps
 * 50–230 ms, while its own work was 3–6 ms. With a few at a time, a turn holds only those few, a
 * booking is done in a few milliseconds of turns, and those waiting wait for work being finished,
 * not for work being started. The line itself costs nothing but a place in an array.
 *
 * A line is not a way to let a server fall behind for ever: at most `waiting` wait (then the next
 * is refused at once), and none longer than `maxWaitMs` (then it is refused); both with 503
 * `office_busy` and a Retry-After, which the pages show in the citizen's language with what they
 * entered kept. One requester (`key`: an address group) holds at most `waitingPerKey` places in
 * the line, more get 429 `rate_limited`: work in line has not been counted against its rate
 * limits yet, and a script must not fill the line for everyone else. Work whose requester has
 * gone (`gone`, asked when its turn comes) is skipped.
 */
export class WorkGate<Lane extends string> {
  private running = 0;
  private waitingCount = 0;
  private readonly lines: Map<Lane, Line>;
  private readonly waitingPer = new Map<string, number>();

  constructor(
    lanes: readonly Lane[],
    private readonly limits: {
      running: number;
      waiting: number;
      waitingPerKey: number;
      maxWaitMs: number;
      retryAfterSeconds: number;
    },
  ) {
    this.lines = new Map(lanes.map((lane) => [lane, new Line()]));
  }

  /** Pieces of work running now (for tests and health figures). */
  get active(): number {
    return this.running;
  }

  /** Pieces of work waiting for their turn. */
  get waiting(): number {
    return this.waitingCount;
  }

  /**
   * Runs `work` of requester `key` in its turn and gives its result; `undefined` without running
   * it when `gone()` says, once its turn has come, that nobody waits for the answer any more.
   * Throws 503 `office_busy` when the line is full or the wait too long, 429 `rate_limited` when
   * the requester holds too many places in it. `waitedMs`: how long the request already waited
   * before it came here (lib/followers.ts), which counts against `maxWaitMs` too.
   */
  async run<T>(
    lane: Lane,
    key: string,
    work: () => Promise<T>,
    gone: () => boolean = () => false,
    waitedMs = 0,
  ): Promise<T | undefined> {
    if (this.running >= this.limits.running || this.waitingCount > 0) {
      const held = this.waitingPer.get(key) ?? 0;
      if (held >= this.limits.waitingPerKey) throw this.refused('rate_limited');
      this.waitingPer.set(key, held + 1);
      const turn = await this.wait(lane, this.limits.maxWaitMs - waitedMs).finally(() => this.leaveLine(key));
      if (!turn) throw this.refused('office_busy');
      if (gone()) {
        this.finish();
        return undefined;
      }
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      this.finish();
    }
  }

  /** Settles true when a place is the waiter's (already counted as running), false when refused. */
  private wait(lane: Lane, maxWaitMs: number): Promise<boolean> {
    if (this.waitingCount >= this.limits.waiting || maxWaitMs <= 0) return Promise.resolve(false);
    const line = this.lines.get(lane);
    if (!line) throw new Error(`no lane ${lane}`);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        settled: false,
        resolve,
        timer: setTimeout(() => {
          if (waiter.settled) return;
          waiter.settled = true;
          this.waitingCount -= 1;
          resolve(false);
        }, maxWaitMs),
      };
      waiter.timer.unref?.();
      line.push(waiter);
      this.waitingCount += 1;
    });
  }

  private finish() {
    this.running -= 1;
    this.pump();
  }

  /** Gives every free place to the next waiter, the first lane first. */
  private pump() {
    while (this.running < this.limits.running && this.waitingCount > 0) {
      const next = this.next();
      if (!next) return;
      next.settled = true;
      clearTimeout(next.timer);
      this.waitingCount -= 1;
      this.running += 1;
      next.resolve(true);
    }
  }

  private next(): Waiter | undefined {
    for (const line of this.lines.values()) {
      const waiter = line.take();
      if (waiter) return waiter;
    }
    return undefined;
  }

  private leaveLine(key: string) {
    const held = (this.waitingPer.get(key) ?? 1) - 1;
    if (held > 0) this.waitingPer.set(key, held);
    else this.waitingPer.delete(key);
  }

  private refused(code: 'office_busy' | 'rate_limited') {
    return new AppError(code, { headers: { 'Retry-After': String(this.limits.retryAfterSeconds) } });
  }
}

interface Waiter {
  settled: boolean;
  resolve: (turn: boolean) => void;
  timer: NodeJS.Timeout;
}

/** First come, first served, without moving the array on every take; refused waiters are skipped. */
class Line {
  private items: Waiter[] = [];
  private head = 0;

  push(waiter: Waiter) {
    this.items.push(waiter);
  }

  take(): Waiter | undefined {
    while (this.head < this.items.length) {
      const waiter = this.items[this.head]!;
      this.items[this.head] = undefined as unknown as Waiter;
      this.head += 1;
      if (!waiter.settled) return this.compact(waiter);
    }
    return this.compact(undefined);
  }

  private compact<T>(result: T): T {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return result;
  }
}
