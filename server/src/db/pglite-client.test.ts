import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { PGlite, type QueryOptions } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './client.js';
import { isUniqueViolation, sqlState } from './errors.js';
import { createPgliteForDrizzle, PreparedStatements } from './pglite-client.js';

// Every type drizzle installs a parser for, and a few it leaves to PGlite.
const VALUES = sql`select
  '2026-11-23 07:45:00.123+01'::timestamptz as at,
  '2026-11-23 07:45:00.5'::timestamp as local,
  '2026-11-23'::date as day,
  '01:30:00'::interval as span,
  array[1.5, 2]::numeric[] as numbers,
  array['2026-11-23 07:45:00'::timestamp] as locals,
  array['2026-11-23 07:45:00+01'::timestamptz] as ats,
  array['1 hour'::interval] as spans,
  array['2026-11-23'::date] as days,
  42::int as n, 12.5::numeric as amount, '{"a": 1}'::jsonb as doc, true as yes, 'text' as words`;

describe('PGlite for drizzle (issue 14: no parsers per statement)', () => {
  let plain: PGlite;
  let opened: Awaited<ReturnType<typeof createPgliteForDrizzle>>;
  const seen: (QueryOptions | undefined)[] = [];

  beforeAll(async () => {
    plain = await PGlite.create();
    opened = await createPgliteForDrizzle(undefined, { extensions: { btree_gist } });
    // Records what reaches the engine, inside transactions too.
    const record = <T extends Pick<PGlite, 'query'>>(target: T) => {
      const query = target.query.bind(target);
      target.query = ((text: string, params?: unknown[], options?: QueryOptions) => {
        seen.push(options);
        return query(text, params, options);
      }) as T['query'];
    };
    record(opened.client);
    const transaction = opened.client.transaction.bind(opened.client);
    opened.client.transaction = ((work) =>
      transaction((tx) => {
        record(tx);
        return work(tx);
      })) as PGlite['transaction'];
  });
  afterAll(async () => {
    await plain.close();
    await opened.client.close();
  });

  it('reads every value as drizzle over a plain PGlite does', async () => {
    const reference = await drizzle({ client: plain }).execute(VALUES);
    const ours = await drizzle({ client: opened.forDrizzle }).execute(VALUES);
    expect(ours.rows).toEqual(reference.rows);
    expect(ours.rows[0]).toMatchObject({ at: '2026-11-23 06:45:00.123+00', day: '2026-11-23', n: 42 });
  });

  it('sends statements, in and out of transactions, without parsers of their own', async () => {
    const db = drizzle({ client: opened.forDrizzle });
    seen.length = 0;
    await db.execute(sql`select 1`);
    const inside = await db.transaction(async (tx) => {
      await tx.execute(sql`create temporary table t (at timestamptz)`);
      await tx.execute(sql`insert into t values ('2026-11-23 07:45:00+01')`);
      return tx.execute(sql`select at from t`);
    });
    expect(inside.rows).toEqual([{ at: '2026-11-23 06:45:00+00' }]);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (const options of seen) expect(options?.parsers).toBeUndefined();
    // Drizzle itself still asks for them: the client in between is what leaves them out.
    seen.length = 0;
    await drizzle({ client: opened.client }).execute(sql`select 1`);
    expect(seen[0]?.parsers).toBeDefined();
  });
});

describe('PGlite for drizzle: statements sent again run prepared (issue 14)', () => {
  let plain: PGlite;
  let opened: Awaited<ReturnType<typeof createPgliteForDrizzle>>;
  let db: ReturnType<typeof drizzle>;
  const reachedQuery: string[] = [];

  beforeAll(async () => {
    plain = await PGlite.create();
    opened = await createPgliteForDrizzle(undefined, { extensions: { btree_gist } });
    const query = opened.client.query.bind(opened.client);
    opened.client.query = ((text: string, params?: unknown[], options?: QueryOptions) => {
      reachedQuery.push(text);
      return query(text, params, options);
    }) as PGlite['query'];
    db = drizzle({ client: opened.forDrizzle });
    await db.execute(sql`create table seats (n int primary key, at timestamptz, doc jsonb, note text)`);
  });
  afterAll(async () => {
    await plain.close();
    await opened.client.close();
  });

  it('reads and writes every value as PGlite’s own way does, the first time and every time after', async () => {
    const reference = await drizzle({ client: plain }).execute(VALUES);
    reachedQuery.length = 0;
    for (let i = 0; i < 4; i++) expect((await db.execute(VALUES)).rows).toEqual(reference.rows);
    // Only the first went PGlite's way: the others ran under a name.
    expect(reachedQuery).toHaveLength(1);

    const row = (n: number) => ({
      n,
      at: new Date(Date.UTC(2026, 10, 23, 6, 45, n)),
      doc: { name: `Zoë "${String(n)}" O'Brien`, list: [1, null, 'ü'] },
      note: n % 2 ? null : `Straße ${String(n)}\n\\`,
    });
    for (let n = 1; n <= 4; n++) {
      const values = row(n);
      await db.execute(
        sql`insert into seats values (${values.n}, ${values.at}, ${JSON.stringify(values.doc)}::jsonb, ${values.note})`,
      );
    }
    const read = async (n: number) =>
      (await db.execute(sql`select n, at, doc, note from seats where n = ${n}`)).rows[0];
    for (let n = 1; n <= 4; n++) {
      const values = row(n);
      expect(await read(n)).toEqual({
        ...values,
        at: values.at.toISOString().replace('T', ' ').replace('.000Z', '+00'),
      });
    }
  });

  it('raises the database’s errors as PGlite does, and a failed statement undoes its transaction only', async () => {
    for (let i = 0; i < 3; i++) {
      const failed = await db.execute(sql`insert into seats (n) values (${1})`).catch((error: unknown) => error);
      expect(sqlState(failed)).toBe('23505');
      expect(isUniqueViolation(failed, 'seats_pkey')).toBe(true);
      expect((failed as { query?: string }).query).toContain('insert into seats');
    }
    for (let i = 0; i < 3; i++) {
      await expect(
        db.transaction(async (tx) => {
          await tx.execute(sql`insert into seats (n) values (${100 + i})`);
          await tx.execute(sql`insert into seats (n) values (${1})`);
        }),
      ).rejects.toSatisfy((error) => sqlState(error) === '23505');
    }
    const left = await db.execute(sql`select count(*)::int as count from seats where n >= ${100}`);
    expect(left.rows).toEqual([{ count: 0 }]);
    // And the session goes on.
    expect((await db.execute(sql`select count(*)::int as count from seats where n >= ${0}`)).rows).toEqual([
      { count: 4 },
    ]);
  });

  it('keeps PGlite’s rule: a statement outside an open transaction waits for its end', async () => {
    const count = () => db.execute(sql`select count(*)::int as count from seats where n between ${10} and ${20}`);
    await count();
    await count(); // prepared from here on
    let inside!: () => void;
    const held = new Promise<void>((resolve) => (inside = resolve));
    let release!: () => void;
    const go = new Promise<void>((resolve) => (release = resolve));
    const committed = db.transaction(async (tx) => {
      await tx.execute(sql`insert into seats (n) values (${10})`);
      inside();
      await go;
      await tx.execute(sql`insert into seats (n) values (${11})`);
    });
    await held;
    const order: string[] = [];
    const outside = count().then((result) => {
      order.push('outside');
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    order.push('released');
    release();
    await committed;
    expect((await outside).rows).toEqual([{ count: 2 }]);
    expect(order).toEqual(['released', 'outside']);
  });

  it('writes what it commits to the data directory, as PGlite’s own way does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-prepared-'));
    try {
      const first = await createPgliteForDrizzle(dir, {});
      const onDisk = drizzle({ client: first.forDrizzle });
      await onDisk.execute(sql`create table kept (n int)`);
      for (let n = 1; n <= 3; n++) await onDisk.execute(sql`insert into kept values (${n})`);
      await first.client.close();
      const again = await createPgliteForDrizzle(dir, {});
      expect((await drizzle({ client: again.client }).execute(sql`select sum(n)::int as sum from kept`)).rows).toEqual([
        { sum: 6 },
      ]);
      await again.client.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps at most so many names, and runs the rest PGlite’s way', async () => {
    const few = new PreparedStatements(opened.client, 2);
    for (let round = 0; round < 3; round++) {
      for (let k = 1; k <= 4; k++) {
        const result = await few.query<{ k: number }>(`select ${String(k)}::int as k`, [], undefined, null);
        expect(result.rows).toEqual([{ k }]);
      }
    }
    expect(few.size).toBe(2);
  });
});

describe('the embedded database in a DATA_DIR it cannot use', () => {
  it('names DATA_DIR and the folder, and leaves the lock free', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-pglite-dir-'));
    try {
      // Left by another start as another user, or by hand: the database's folder is not one.
      fs.writeFileSync(path.join(dataDir, 'pglite'), '');
      await expect(openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') })).rejects.toThrow(
        /^DATA_DIR: cannot write to the folder .*pglite \(a file is in the way/,
      );
      expect(fs.existsSync(path.join(dataDir, 'amtsraum.lock'))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
