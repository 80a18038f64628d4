import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitCounters } from '../db/schema.js';
import { settableClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test/databases.js';
import { AppError } from './errors.js';
import { createRateLimits, PostgresRateLimitStore, RATE_LIMIT_KEYS_PER_STATEMENT } from './rate-limit.js';

const START = new Date('2026-11-23T08:00:00Z');

describe.each(databaseKinds)('rate limits on %s', (kind) => {
  let database: TestDatabase;
  const clock = settableClock(START);
  let name = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.close());

  const limiter = (max: number, windowMs = 60_000) =>
    createRateLimits(database, clock.now).limiter(`test-${++name}`, { max, windowMs });

  const outcome = (promise: Promise<void>) =>
    promise.then(
      () => 'ok',
      (error: unknown) => (error instanceof AppError ? `${error.status} ${error.headers['Retry-After']}` : error),
    );

  it('lets exactly `max` of many simultaneous hits through, with a Retry-After for the rest', async () => {
    clock.reset();
    const limit = limiter(7);
    const results = await Promise.all(Array.from({ length: 30 }, () => outcome(limit.hit('10.0.0.1'))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(7);
    expect(results.filter((r) => r !== 'ok')).toEqual(Array(23).fill('429 60'));
    // Another key is counted on its own.
    expect(await outcome(limit.hit('10.0.0.2'))).toBe('ok');
  });

  it('opens again when the window ends, and gives back an undone hit', async () => {
    clock.reset();
    const limit = limiter(2);
    await limit.hit('a');
    await limit.hit('a');
    expect(await outcome(limit.hit('a'))).toBe('429 60');
    clock.set(new Date(START.getTime() + 30_000));
    expect(await outcome(limit.hit('a'))).toBe('429 30');
    clock.set(new Date(START.getTime() + 60_000));
    expect(await outcome(limit.hit('a'))).toBe('ok');
    await limit.undo('a');
    expect(await outcome(limit.hit('a'))).toBe('ok');
    expect(await outcome(limit.hit('a'))).toBe('ok');
    expect(await outcome(limit.hit('a'))).toBe('429 60');
  });

  it('keeps limits of different names apart', async () => {
    clock.reset();
    const [one, two] = [limiter(1), limiter(1)];
    await one.hit('same');
    expect(await outcome(one.hit('same'))).toBe('429 60');
    expect(await outcome(two.hit('same'))).toBe('ok');
  });
});

describe.runIf(databaseKinds.includes('postgres'))('rate-limit counters in PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(() => database.close());

  it('are shared by limiters of two processes and store no address', async () => {
    const clock = settableClock(START);
    // Two app processes: each its own limits object over its own store, one database.
    const [a, b] = [1, 2].map(() =>
      createRateLimits(database, clock.now).limiter('knock', { max: 6, windowMs: 600_000 }),
    );
    const results: string[] = [];
    for (let i = 0; i < 8; i++) {
      results.push(
        await (i % 2 ? a! : b!).hit('203.0.113.7').then(
          () => 'ok',
          () => 'limited',
        ),
      );
    }
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'limited', 'limited']);
    const rows = await database.db.select().from(rateLimitCounters);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).toMatch(/^knock:[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(rows)).not.toContain('203.0.113.7');
  });

  /** A store over a database of its own, whose statements are recorded. */
  async function withCountedStore(
    test: (store: PostgresRateLimitStore, statements: string[], db: TestDatabase['db']) => Promise<void>,
  ) {
    const statements: string[] = [];
    const counted = await createTestDatabase('postgres', { onQuery: (q) => statements.push(q) });
    try {
      await test(new PostgresRateLimitStore(counted.db, settableClock(START).now), statements, counted.db);
    } finally {
      await counted.close();
    }
  }

  it('count simultaneous hits of many keys exactly, in one statement per batch', () =>
    withCountedStore(async (store, statements, db) => {
      await store.hit('k0', 60_000);
      statements.length = 0;
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => store.hit(`k${String(i % 4)}`, 60_000)));
      // k0 had one hit before; each key's callers get 1…10 (k0: 2…11), each count once.
      const byKey = (key: string) =>
        results
          .filter((_, i) => `k${String(i % 4)}` === key)
          .map((r) => r.hits)
          .sort((x, y) => x - y);
      expect(byKey('k0')).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(byKey('k3')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(statements.filter((q) => q.includes('rate_limit_counters'))).toHaveLength(1);
      const rows = await db.select().from(rateLimitCounters);
      expect(rows.map((r) => [r.key, r.hits]).sort()).toEqual([
        ['k0', 11],
        ['k1', 10],
        ['k2', 10],
        ['k3', 10],
      ]);
    }));

  it('count a batch of more keys than one statement takes, in chunks, each key exactly', () =>
    withCountedStore(async (store, statements, db) => {
      // 22,000 distinct keys in one batch (one parameter per value would have been 66,000, more
      // than a statement can carry).
      const keys = Array.from({ length: 22_000 }, (_, i) => `flood-${String(i)}`);
      const first = await Promise.all(keys.map((key) => store.hit(key, 60_000)));
      expect(first.every((r) => r.hits === 1)).toBe(true);
      expect(statements.filter((q) => q.startsWith('insert into "rate_limit_counters"'))).toHaveLength(
        Math.ceil(keys.length / RATE_LIMIT_KEYS_PER_STATEMENT),
      );
      const again = await Promise.all([store.hit('flood-0', 60_000), store.hit(keys.at(-1)!, 60_000)]);
      expect(again.map((r) => r.hits)).toEqual([2, 2]);
      const [{ total }] = (await db
        .select({ total: sql<number>`sum(${rateLimitCounters.hits})::integer` })
        .from(rateLimitCounters)) as [{ total: number }];
      expect(total).toBe(keys.length + 2);
    }));

  it('commit without waiting for the disk only in their own statement, never for the next one', async () => {
    const clock = settableClock(START);
    const store = new PostgresRateLimitStore(database.db, clock.now);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.hit(`sync-${String(i % 3)}`, 60_000)));
    // As many readings at once as the pool has connections and more: every one of them, the
    // counters' included, commits a booking as durably as before.
    const settings = await Promise.all(
      Array.from({ length: 12 }, () => database.db.execute(sql`select current_setting('synchronous_commit') as value`)),
    );
    expect(new Set(settings.map((rows) => (rows as unknown as { value: string }[])[0]!.value))).toEqual(
      new Set(['on']),
    );
  });

  it('clear ended windows as they go, without a timer', async () => {
    const clock = settableClock(START);
    const store = new PostgresRateLimitStore(database.db, clock.now);
    await store.hit('old', 1000);
    clock.set(new Date(START.getTime() + 120_000));
    await store.hit('new', 1000);
    await expect
      .poll(async () => (await database.db.select().from(rateLimitCounters)).map((row) => row.key).sort())
      .not.toContain('old');
  });
});
