import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { PGlite, type QueryOptions } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteForDrizzle } from './pglite-client.js';

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
