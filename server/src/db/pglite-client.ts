import { PGlite, types, type PGliteOptions, type QueryOptions, type Transaction } from '@electric-sql/pglite';

/**
 * The value parsers drizzle hands PGlite with every statement (drizzle-orm/pglite/session.js):
 * dates, times and intervals stay text, and drizzle's column types make them `Date`s or strings.
 */
const DRIZZLE_PARSERS: NonNullable<PGliteOptions['parsers']> = Object.fromEntries(
  [
    types.TIMESTAMP,
    types.TIMESTAMPTZ,
    types.INTERVAL,
    types.DATE,
    1231, // numeric[]
    1115, // timestamp[]
    1185, // timestamptz[]
    1187, // interval[]
    1182, // date[]
  ].map((oid) => [oid, (value: string) => value]),
);

/** The part of a PGlite client drizzle's driver calls. */
type DrizzleClient = Pick<PGlite, 'query' | 'transaction'>;

/**
 * Opens PGlite with drizzle's parsers as its own, and returns the client drizzle should be given:
 * the same client, except that each statement's `parsers` option is left out (issue 14).
 *
 * Why: PGlite merges per-statement parsers into its own for every row it parses, which cost
 * 0.1–0.25 ms per statement on this machine (a 20-row read: 0.80 ms with them, 0.53–0.60 ms
 * without; `bench/README.md`). On the embedded database every statement runs in the one thread
 * that also sends the live fan-out and answers every request, so that is time taken from all of
 * them. The values are parsed exactly as before: the parsers left out are the ones installed.
 */
export async function createPgliteForDrizzle(
  dataDir: string | undefined,
  options: Omit<PGliteOptions, 'parsers'>,
): Promise<{ client: PGlite; forDrizzle: PGlite }> {
  const client = await PGlite.create(dataDir, options);
  // Installed after `create`, which gives every array type a parser of its own (an array of the
  // element's parser); drizzle's leave those arrays as text too.
  Object.assign(client.parsers, DRIZZLE_PARSERS);
  return { client, forDrizzle: withoutStatementParsers(client) as PGlite };
}

/** `client` for drizzle: statements (also in transactions) without their own `parsers`. */
function withoutStatementParsers(client: DrizzleClient): DrizzleClient {
  return {
    query: (text, params, options) => client.query(text, params, stripParsers(options)),
    transaction: (work) => client.transaction((tx) => work(transactionWithoutParsers(tx))),
  } as DrizzleClient;
}

function transactionWithoutParsers(tx: Transaction): Transaction {
  return {
    query: (text, params, options) => tx.query(text, params, stripParsers(options)),
    sql: tx.sql.bind(tx),
    exec: tx.exec.bind(tx),
    rollback: tx.rollback.bind(tx),
    listen: tx.listen.bind(tx),
    get closed() {
      return tx.closed;
    },
  } as Transaction;
}

function stripParsers(options: QueryOptions | undefined): QueryOptions | undefined {
  if (!options?.parsers) return options;
  const { parsers: _parsers, ...rest } = options;
  return rest;
}
