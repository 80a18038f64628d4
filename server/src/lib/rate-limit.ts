import { createHash } from 'node:crypto';
import { lt, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/client.js';
import { rateLimitCounters } from '../db/schema.js';
import { AppError } from './errors.js';

/**
 * Fixed-window counters behind every rate limit (knocks, sign-ins, bookings, …). With PostgreSQL
 * they live in the database, so any number of app processes act as one limiter (issue 11,
 * docs/decisions/016-shared-rate-limits.md); embedded PGlite has one process and counts in memory.
 */
export interface RateLimitStore {
  /** Counts one hit on `key`; returns the hits in the current window and when it ends (epoch ms). */
  hit(key: string, windowMs: number): Promise<{ hits: number; resetAt: number }>;
  /** Takes one hit back (an attempt that turned out legitimate), within the current window. */
  undo(key: string): Promise<void>;
}

/**
 * Reads of a public page's data per address group, each kind of page on its own: 600 in ten
 * minutes, as the door's (visits.router.ts). A page opened (or re-read after its details changed)
 * costs one; a library's 50 public PCs behind one address may open one page a second between them
 * for ten minutes, while a script asking as fast as it can is stopped within seconds.
 */
export const PAGE_READ_LIMITS = { perAddress: { max: 600, windowMs: 10 * 60_000 } };

/** Makes the limits of one app: every limiter counts in one store, by one clock. */
export class RateLimits {
  constructor(
    readonly store: RateLimitStore,
    private readonly now: () => Date,
  ) {}

  /** A named limit; limiters of the same name share their counters. */
  limiter(
    name: string,
    options: { max: number; windowMs: number; code?: 'rate_limited' | 'booking_limit_reached' },
  ): RateLimiter {
    return new RateLimiter(this.store, name, { ...options, now: this.now });
  }
}

/** The limits for this database: shared through PostgreSQL, or in memory for the one PGlite process. */
export function createRateLimits(database: Pick<Database, 'kind' | 'db'>, now: () => Date): RateLimits {
  const store =
    database.kind === 'postgres' ? new PostgresRateLimitStore(database.db, now) : new MemoryRateLimitStore(now);
  return new RateLimits(store, now);
}

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { resetAt: number; hits: number }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async hit(key: string, windowMs: number) {
    const now = this.now().getTime();
    if (this.windows.size > 10_000) this.prune(now);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { resetAt: now + windowMs, hits: 0 };
      this.windows.set(key, window);
    }
    window.hits += 1;
    return { hits: window.hits, resetAt: window.resetAt };
  }

  async undo(key: string) {
    const window = this.windows.get(key);
    if (window && window.hits > 0) window.hits -= 1;
  }

  private prune(now: number) {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

const PRUNE_EVERY_MS = 60_000;
/**
 * Keys per upsert: a flood of distinct addresses within one write is counted in statements of a
 * bounded size (about 1 MB of JSON), each locking only its own rows for a short while. (With one
 * parameter per value, as before, 22,000 keys failed every hit on the 65,535-parameter limit.)
 */
export const RATE_LIMIT_KEYS_PER_STATEMENT = 10_000;

/**
 * Counters in PostgreSQL. Hits that arrive while a write is on its way are sent together, as one
 * statement (one row per key, with its number of hits; a statement per 10,000 keys): in a rush of
 * thousands of requests one upsert per request kept the connection pool busy with counters
 * (issue 14). Every hit is still
 * counted in the database before its caller hears the count, so the limit stays exact across
 * processes.
 */
export class PostgresRateLimitStore implements RateLimitStore {
  private lastPrune = 0;
  private pending = new Map<string, PendingHits>();
  private writing = false;

  private readonly upsert;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    const at = sql`${sql.placeholder('now')}::timestamptz`;
    // One statement, so concurrent hits from any process are counted exactly: each conflicting
    // row is locked, and every SET expression reads the row as it was before these hits. The
    // keys come as one JSON parameter: one statement text for any number of keys, built once.
    // Committed without waiting for the disk (`synchronous_commit` off for this transaction only):
    // the row is locked and visible to every process all the same, and the wait for the WAL flush
    // was most of a slot search's time on PostgreSQL (issue 14, measured 3-4 ms of 0.4). A crash
    // of the machine may forget the last fraction of a second of hits, which a counter can afford.
    this.upsert = db
      .insert(rateLimitCounters)
      .select(
        sql`select v.key, v.hits, v.reset_at
          from json_to_recordset(${sql.placeholder('rows')}::json) as v (key text, hits integer, reset_at timestamptz)
          cross join (select set_config('synchronous_commit', 'off', true)) as async_commit`,
      )
      .onConflictDoUpdate({
        target: rateLimitCounters.key,
        set: {
          hits: sql`case when ${rateLimitCounters.resetAt} <= ${at} then excluded.hits else ${rateLimitCounters.hits} + excluded.hits end`,
          resetAt: sql`case when ${rateLimitCounters.resetAt} <= ${at} then excluded.reset_at else ${rateLimitCounters.resetAt} end`,
        },
      })
      .returning({ key: rateLimitCounters.key, hits: rateLimitCounters.hits, resetAt: rateLimitCounters.resetAt })
      .prepare('rate_limit_hit');
  }

  hit(key: string, windowMs: number): Promise<{ hits: number; resetAt: number }> {
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(key) ?? { windowMs, waiters: [] };
      entry.waiters.push({ resolve, reject });
      this.pending.set(key, entry);
      if (!this.writing) {
        this.writing = true;
        // After the current turn, so that the hits of requests handled together go together.
        setImmediate(() => void this.writeAll());
      }
    });
  }

  private async writeAll() {
    while (this.pending.size > 0) {
      const batch = [...this.pending];
      this.pending = new Map();
      for (let start = 0; start < batch.length; start += RATE_LIMIT_KEYS_PER_STATEMENT) {
        const chunk = batch.slice(start, start + RATE_LIMIT_KEYS_PER_STATEMENT);
        try {
          const counted = await this.write(chunk);
          for (const [key, { waiters }] of chunk) {
            const row = counted.get(key)!;
            // The row holds this batch's hits of the key; each caller gets its own place among them.
            waiters.forEach((waiter, i) =>
              waiter.resolve({ hits: row.hits - waiters.length + i + 1, resetAt: row.resetAt.getTime() }),
            );
          }
        } catch (error) {
          for (const [, { waiters }] of chunk) for (const waiter of waiters) waiter.reject(error);
        }
      }
    }
    this.writing = false;
  }

  private async write(chunk: [string, PendingHits][]) {
    const now = this.now();
    const counted = await this.upsert.execute({
      now: now.toISOString(),
      rows: JSON.stringify(
        chunk.map(([key, { windowMs, waiters }]) => ({
          key,
          hits: waiters.length,
          reset_at: new Date(now.getTime() + windowMs).toISOString(),
        })),
      ),
    });
    this.pruneNowAndThen(now);
    return new Map(counted.map((row) => [row.key, row]));
  }

  async undo(key: string) {
    await this.db.execute(
      sql`update ${rateLimitCounters} set hits = greatest(hits - 1, 0) where key = ${key} and reset_at > ${this.now().toISOString()}::timestamptz`,
    );
  }

  /** Ended windows are only clutter; whichever process notices first clears them (no timer needed). */
  private pruneNowAndThen(now: Date) {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    void this.db
      .delete(rateLimitCounters)
      .where(lt(rateLimitCounters.resetAt, now))
      .catch(() => {
        // The next hit tries again; a full table only costs disk, not correctness.
      });
  }
}

interface PendingHits {
  windowMs: number;
  waiters: { resolve: (count: { hits: number; resetAt: number }) => void; reject: (error: unknown) => void }[];
}

/**
 * One limit (say, 6 knocks per address in 10 minutes) over a shared store. Values are hashed
 * into the key: the counters table holds no addresses or e-mail addresses.
 */
export class RateLimiter {
  /** Keys known to be over the limit until their window ends: a flood is refused without a round trip. */
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly store: RateLimitStore,
    private readonly name: string,
    private readonly options: {
      max: number;
      windowMs: number;
      now?: () => Date;
      /** The code of the refusal: 429 either way, `rate_limited` unless a limit has words of its own. */
      code?: 'rate_limited' | 'booking_limit_reached';
    },
  ) {}

  private key(value: string): string {
    return `${this.name}:${createHash('sha256').update(`${this.name}\0${value}`).digest('base64url')}`;
  }

  /**
   * Throws 429 at once, without a round trip, when `value` is known to be over the limit. For a
   * caller that counts beside read-only work instead of before it: a flood then starts no work.
   */
  refuseKnown(value: string): void {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const until = this.blocked.get(this.key(value));
    if (until !== undefined && until > now) throw limited(until, now, this.options.code);
  }

  /** Counts a hit; throws 429 `rate_limited` with a Retry-After when over the limit. */
  async hit(value: string): Promise<void> {
    const key = this.key(value);
    const now = (this.options.now?.() ?? new Date()).getTime();
    const until = this.blocked.get(key);
    if (until !== undefined && until > now) throw limited(until, now, this.options.code);
    const { hits, resetAt } = await this.store.hit(key, this.options.windowMs);
    if (hits <= this.options.max) return;
    if (this.blocked.size > 10_000) {
      for (const [k, end] of this.blocked) if (end <= now) this.blocked.delete(k);
    }
    this.blocked.set(key, resetAt);
    throw limited(resetAt, now, this.options.code);
  }

  /** Gives back the hit of an attempt that turned out legitimate (a right password). */
  async undo(value: string): Promise<void> {
    await this.store.undo(this.key(value));
  }
}

function limited(
  resetAt: number,
  now: number,
  code: 'rate_limited' | 'booking_limit_reached' = 'rate_limited',
): AppError {
  const retryAfter = Math.max(1, Math.ceil((resetAt - now) / 1000));
  // The wait is the Retry-After header's, and the title says it in words (lib/messages.ts).
  return new AppError(code, { headers: { 'Retry-After': String(retryAfter) } });
}
