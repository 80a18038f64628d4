import {
  parse,
  PGlite,
  protocol,
  types,
  type PGliteOptions,
  type QueryOptions,
  type Results,
  type Transaction,
} from '@electric-sql/pglite';

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
function withoutStatementParsers(client: PGlite): DrizzleClient {
  const prepared = new PreparedStatements(client);
  return {
    query: (text, params, options) => prepared.query(text, params, stripParsers(options), null),
    transaction: (work) => client.transaction((tx) => work(transactionWithoutParsers(tx, prepared))),
  } as DrizzleClient;
}

function transactionWithoutParsers(tx: Transaction, prepared: PreparedStatements): Transaction {
  return {
    query: (text, params, options) => prepared.query(text, params, stripParsers(options), tx),
    sql: tx.sql.bind(tx),
    exec: tx.exec.bind(tx),
    rollback: tx.rollback.bind(tx),
    listen: tx.listen.bind(tx),
    get closed() {
      return tx.closed;
    },
  } as Transaction;
}

/**
 * Statements drizzle sends more than once run as named prepared statements (issue 14).
 *
 * PGlite sends every statement unnamed: parsed, analysed and planned anew each time, in the one
 * thread that also serves every request and the live fan-out. For this application's statements
 * that is most of their cost: the booking's read of the clerks' schedules took 3.1–4.1 ms as text
 * and 1.0 ms prepared (`bench/README.md`). PostgreSQL's driver prepares them already.
 *
 * A statement's first run goes PGlite's own way; from its second on it is prepared once under a
 * name of its own, with its parameter types, and then only bound and executed. PGlite's rules
 * stay: one statement at a time, and outside a transaction a statement waits for any open one to
 * end (its two locks, taken as `query` takes them). Values are serialised and rows parsed with
 * PGlite's own serialisers, parsers and result reader; an error is PGlite's error, annotated as
 * PGlite annotates it. A name is only kept once PostgreSQL prepared it; at most `maxStatements`
 * are kept (statements with many `in (…)` lengths could otherwise grow without end), the rest go
 * PGlite's way.
 */
/** Names are unique in the process: two of these over one PGlite must not reuse each other's. */
let nextStatement = 1;

export class PreparedStatements {
  private readonly seen = new Map<string, number>();
  private readonly named = new Map<string, { name: string; paramTypes: number[] }>();

  constructor(
    private readonly pg: PGlite,
    private readonly maxStatements = 1_000,
  ) {}

  /** How many statements run prepared (for tests). */
  get size(): number {
    return this.named.size;
  }

  query<T>(text: string, params: unknown[] | undefined, options: QueryOptions | undefined, tx: Transaction | null) {
    const own = this.named.get(text);
    if (!own && !this.worthPreparing(text, options)) {
      return tx ? tx.query<T>(text, params, options) : this.pg.query<T>(text, params, options);
    }
    // As PGlite's `query` and a transaction's `query` lock (base.ts): a statement outside a
    // transaction also waits for the open one to end, one inside only for the statement before.
    const run = () => this.pg._runExclusiveQuery(() => this.run<T>(text, params ?? [], options, tx !== null));
    return tx ? run() : this.pg._runExclusiveTransaction(run);
  }

  private worthPreparing(text: string, options: QueryOptions | undefined): boolean {
    // Options PGlite handles in its own path (files, notices, given types) stay there.
    if (options && Object.keys(options).some((key) => key !== 'rowMode')) return false;
    if (this.named.size >= this.maxStatements) return false;
    const times = (this.seen.get(text) ?? 0) + 1;
    if (times < 2) {
      if (this.seen.size >= this.maxStatements * 4) this.seen.clear();
      this.seen.set(text, times);
      return false;
    }
    this.seen.delete(text);
    return true;
  }

  private async run<T>(text: string, params: unknown[], options: QueryOptions | undefined, inTransaction: boolean) {
    const pg = this.pg;
    const { serialize } = protocol;
    await pg._checkReady();
    try {
      let own = this.named.get(text);
      if (!own) {
        const name = `amtsraum_${String(nextStatement++)}`;
        const described = await pg.execProtocolStream(
          join(serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()),
          { syncToFs: false },
        );
        own = { name, paramTypes: parse.parseDescribeStatementResults(described) };
        this.named.set(text, own);
      }
      const values = params.map((value, i) => {
        if (value === null || value === undefined) return null;
        const serializer = pg.serializers[own.paramTypes[i]!];
        return serializer ? (serializer(value) as string) : String(value as string);
      });
      const messages = await pg.execProtocolStream(
        join(
          serialize.bind({ statement: own.name, values }),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ),
        { syncToFs: false },
      );
      if (!inTransaction) await pg.syncToFs();
      return parse.parseResults(messages, pg.parsers, options)[0] as Results<T>;
    } catch (error) {
      // A statement gone from the session (or one whose result type changed under it) is
      // prepared again next time.
      const code = (error as { code?: unknown }).code;
      if (code === '26000' || code === '0A000') this.named.delete(text);
      // As PGlite's own errors carry them (errors.ts).
      if (error && typeof error === 'object') Object.assign(error, { query: text, params, queryOptions: options });
      throw error;
    }
  }
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function stripParsers(options: QueryOptions | undefined): QueryOptions | undefined {
  if (!options?.parsers) return options;
  const { parsers: _parsers, ...rest } = options;
  return rest;
}
