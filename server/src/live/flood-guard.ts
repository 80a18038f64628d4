/**
 * What keeps one client from stalling the hub for everyone (issue 11, item 2): a cap on open
 * WebSockets per address, a message budget per socket, and a queue that takes database work in
 * turns between addresses. Everything here counts on the monotonic clock, so a jump of the wall
 * clock neither frees nor blocks anyone.
 */

const monotonic = () => performance.now();

/** A budget that refills steadily up to `capacity`: bursts are fine, a sustained flood is not. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = monotonic,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes `cost` tokens (one by default); false, and nothing taken, when the budget has fewer. */
  take(cost = 1): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}

/**
 * Open (and opening) WebSockets per address group, up to `cap` each, and `totalCap` from all
 * groups together (the process's open files: many groups each within their cap could use them up).
 */
export class AddressSlots {
  private readonly open = new Map<string, number>();
  private total = 0;

  constructor(
    readonly cap: number,
    readonly totalCap: number = Infinity,
  ) {}

  /**
   * Takes a slot for `group`: `taken`, or why not (`group_full`, `all_full`). Every `taken` must
   * be paired with one `release`.
   */
  take(group: string): 'taken' | 'group_full' | 'all_full' {
    if (this.total >= this.totalCap) return 'all_full';
    const count = this.open.get(group) ?? 0;
    if (count >= this.cap) return 'group_full';
    this.open.set(group, count + 1);
    this.total += 1;
    return 'taken';
  }

  release(group: string): void {
    const count = this.open.get(group);
    if (count === undefined) return;
    this.total -= 1;
    if (count <= 1) this.open.delete(group);
    else this.open.set(group, count - 1);
  }
}

/**
 * A budget per address group, for work a client can have done by opening fresh sockets (each
 * socket's own budget starts full). The least recently seen groups are forgotten past `maxGroups`,
 * which starts them over: an attacker with that many addresses has a budget each anyway.
 */
export class AddressBudgets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly maxGroups = 10_000,
    private readonly now: () => number = monotonic,
  ) {}

  /** Takes one token of `group`'s budget; false when it is spent. */
  take(group: string): boolean {
    let bucket = this.buckets.get(group);
    if (bucket) this.buckets.delete(group);
    else bucket = new TokenBucket(this.capacity, this.perSecond, this.now);
    // Last in the map's order: the most recently seen.
    this.buckets.set(group, bucket);
    if (this.buckets.size > this.maxGroups) this.buckets.delete(this.buckets.keys().next().value!);
    return bucket.take();
  }
}

interface Queued {
  run: () => Promise<void>;
}

/**
 * Runs database work for WebSocket messages at most `concurrency` at a time, taking turns between
 * keys (address groups): an address with a thousand messages waiting gets one turn, then every
 * other address with something waiting gets one. A flood from one place then costs its sender
 * time, not everyone else.
 */
export class FairQueue {
  /** Waiting work per key, in the order the keys take their turns (a Map keeps insertion order). */
  private readonly waiting = new Map<string, Queued[]>();
  private running = 0;

  constructor(private readonly concurrency: number) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queued: Queued = { run: () => task().then(resolve, reject) };
      const line = this.waiting.get(key);
      if (line) line.push(queued);
      else this.waiting.set(key, [queued]);
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.size > 0) {
      const [key, line] = this.waiting.entries().next().value as [string, Queued[]];
      const next = line.shift()!;
      // To the back of the round: the next turn goes to another key.
      this.waiting.delete(key);
      if (line.length > 0) this.waiting.set(key, line);
      this.running += 1;
      void next.run().finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }
}
