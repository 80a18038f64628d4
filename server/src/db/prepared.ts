import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

/**
 * Statements whose text is built once per database and then run with new values (issue 14,
 * item 2). The query builder builds a statement's text anew on every call: half a millisecond to
 * over one for the live hub's read of a department, in the thread that also sends the fan-out and,
 * on the embedded database, runs the statements. For the statements on the path of a queue change:
 * the transition's UPDATE, its audit entry, the answer's reads and the hub's read; what they do is
 * unchanged. A prepared statement belongs to the database it was built on: given a transaction
 * handle, it is built for that transaction and not kept.
 */
const built = new WeakMap<Db, Map<string, unknown>>();

export function prepared<T>(db: Db, name: string, build: () => T): T {
  if (db instanceof PgTransaction) return build();
  let statements = built.get(db);
  if (!statements) built.set(db, (statements = new Map()));
  let statement = statements.get(name) as T | undefined;
  if (statement === undefined) statements.set(name, (statement = build()));
  return statement;
}
