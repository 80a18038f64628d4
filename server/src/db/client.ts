import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import type { PGlite } from '@electric-sql/pglite';
import { is, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite, PgliteDatabase, PgliteTransaction } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import {
  acquireDataDirLock,
  DataDirUnwritableError,
  ensureWritableDir,
  firstUnwritableEntry,
  type DataDirLock,
} from '../lib/data-dir-lock.js';
import { createPgliteForDrizzle } from './pglite-client.js';
import { sqlState } from './errors.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The database, whichever engine runs it. Features only ever see `db`. */
export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** True when a trivial query answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * Readiness: whether the database answers within `timeoutMs` and holds the schema this code
   * migrated it to (`SchemaState`). One statement, as cheap as `ping`'s.
   */
  schemaState(timeoutMs?: number): Promise<SchemaState | 'unreachable'>;
  /**
   * Whether the database can still take a write that needs new room on its disk (`WRITE_PROBE`):
   * `disk_full` when it cannot for lack of space (SQLSTATE 53100), `failed` for any other reason.
   * Readiness asks it only after a request met a full disk, to know when space is back.
   */
  writeProbe(timeoutMs?: number): Promise<'ok' | 'disk_full' | 'failed'>;
  close(): Promise<void>;
  /**
   * PostgreSQL LISTEN/NOTIFY, for events between server processes. Null for embedded PGlite,
   * which only ever has one process.
   */
  pubsub: PubSub | null;
}

export interface PubSub {
  /** `onConnect` runs on every (re)connection of the listener: a cue to catch up. */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onConnect?: () => void,
  ): Promise<{ unlisten(): Promise<void> }>;
  notify(channel: string, payload: string): Promise<void>;
  /** Several notifications in one transaction: delivered together and in this order. */
  notifyAll(channel: string, payloads: string[]): Promise<void>;
}

export type DatabaseOptions = (
  | {
      kind: 'postgres';
      url: string;
      maxConnections?: number;
      /** How long the first connection may take (tests shorten it); 30 s, as the driver's own. */
      connectTimeoutMs?: number;
      /**
       * A stop asked for during the start: ends the waits that write nothing (for the first
       * connection, for another process's migrations), never the migrations themselves.
       */
      signal?: AbortSignal;
    }
  /**
   * `dataDir` null: in memory (tests), empty or, given `from`, started from that dump of a
   * database (`dumpDataDir`): the tests' migrated one, faster than initialising and migrating anew.
   */
  | { kind: 'pglite'; dataDir: string | null; from?: Blob }
) & {
  /** Told every statement the query builder sends (tests count the live hub's reads with it). */
  onQuery?: (query: string) => void;
};

/**
 * True when `db` (a handle or a transaction of it) is PGlite's: it holds its one connection for a
 * whole transaction (every other statement, inside a transaction or not, waits for the commit),
 * in the one process its data directory lock allows. So nothing another transaction writes can
 * appear between two statements of one transaction, and what PostgreSQL needs advisory locks for
 * is already given there (issue 14, the rush: each statement costs PGlite's one thread 1–3 ms).
 */
export function transactionsRunAlone(db: Db): boolean {
  return is(db, PgliteDatabase) || is(db, PgliteTransaction);
}

const queryLogger = (onQuery: DatabaseOptions['onQuery']) =>
  onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {};

// Both src/db and dist/db sit two levels below server/, beside server/drizzle.
const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

// Any fixed number: serialises migrations when several app processes start at once.
const MIGRATION_LOCK_KEY = 7_240_411;

/** `promise`, or an error after `ms` ('timed out') or when `signal` aborts (its reason), whichever comes first. */
function withTimeout<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', aborted);
      reject(new Error('timed out'));
    }, ms);
    if (signal?.aborted) aborted();
    signal?.addEventListener('abort', aborted, { once: true });
    promise.then(
      (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** `promise`, or `signal`'s reason as an error once it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const aborted = () => reject(abortReason(signal));
    if (signal.aborted) aborted();
    signal.addEventListener('abort', aborted, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', aborted);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', aborted);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error(`stopped (${String(reason)})`);
}

/** PostgreSQL at DATABASE_URL could not be opened: named plainly at the start, without a stack or the password. */
export class DatabaseUnavailableError extends Error {
  /** The same in German, for a terminal that is not English (cli/say.ts). */
  readonly german: string;
  constructor(url: string, cause: unknown) {
    let where = 'the address in it';
    let whereDe = 'der Adresse darin';
    let names = { database: '<database>', user: '<user>' };
    try {
      const parsed = new URL(url);
      where =
        `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}` +
        (parsed.username ? ` as ${decodeURIComponent(parsed.username)}` : '');
      whereDe =
        `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}` +
        (parsed.username ? ` als ${decodeURIComponent(parsed.username)}` : '');
      names = {
        database: decodeURIComponent(parsed.pathname.slice(1)) || names.database,
        user: decodeURIComponent(parsed.username) || names.user,
      };
    } catch {
      // the configuration has already checked the form
    }
    // A failed statement (drizzle's error) says its query; the database's own reason is its cause.
    let inner = cause;
    while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
    const reason = inner instanceof Error ? inner.message : String(inner);
    // Connected, but not allowed to create the schema (the migrations run at every start).
    const privileges = (inner as { code?: unknown } | null)?.code === '42501';
    super(
      privileges
        ? `DATABASE_URL: connected to the PostgreSQL database at ${where}, but its tables cannot be created or updated there (${reason}). ` +
            `Make the user the owner of the database (ALTER DATABASE "${names.database}" OWNER TO "${names.user}"), or grant it CREATE on the database and on schema public.`
        : `DATABASE_URL: cannot open the PostgreSQL database at ${where} (${reason}). ` +
            'Check host, port, user, password and database name, and that the server accepts connections from here.',
    );
    this.german = privileges
      ? `DATABASE_URL: verbunden mit der PostgreSQL-Datenbank ${whereDe}, aber ihre Tabellen können dort nicht angelegt oder aktualisiert werden (${reason}). ` +
        `Machen Sie den Benutzer zum Eigentümer der Datenbank (ALTER DATABASE "${names.database}" OWNER TO "${names.user}") oder geben Sie ihm CREATE auf die Datenbank und auf das Schema public.`
      : `DATABASE_URL: die PostgreSQL-Datenbank ${whereDe} lässt sich nicht öffnen (${reason}). ` +
        'Prüfen Sie Host, Port, Benutzer, Passwort und Datenbanknamen, und ob der Server Verbindungen von hier annimmt.';
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * The database holds a schema this code does not know: a newer Amtsraum migrated it (an update
 * rolled back to an older release, or an older process started beside newer ones). Drizzle's
 * migrator would skip every migration and start on tables it does not know; the start is refused.
 */
export class DatabaseNewerThanCodeError extends Error {
  /** The same in German, for a terminal that is not English (cli/say.ts). */
  readonly german: string;
  constructor(
    readonly databaseSchemaAt: Date,
    readonly codeSchemaAt: Date,
  ) {
    super(
      `The database was updated by a newer Amtsraum release (its schema dates from ${databaseSchemaAt.toISOString()}; ` +
        `this release knows it up to ${codeSchemaAt.toISOString()}). Start that newer release again, ` +
        'or restore the backup of the database taken before the update to run this one. Nothing was changed.',
    );
    this.german =
      `Die Datenbank wurde von einer neueren Amtsraum-Version aktualisiert (ihr Schema stammt vom ${databaseSchemaAt.toISOString()}; ` +
      `diese Version kennt es bis zum ${codeSchemaAt.toISOString()}). Starten Sie wieder die neuere Version, ` +
      'oder spielen Sie die vor dem Update gezogene Sicherung der Datenbank zurück, um diese zu starten. Nichts wurde geändert.';
    this.name = 'DatabaseNewerThanCodeError';
  }
}

/**
 * A migration failed at the start (a table, column or index of that name already there, made
 * by hand; data the new rule refuses). Drizzle runs the pending migrations in one transaction,
 * so the database is left as the previous release had it; said in one line, not as a wrong
 * DATABASE_URL or a stack.
 */
export class DatabaseMigrationError extends Error {
  /** The same in German, for a terminal that is not English (cli/say.ts). */
  readonly german: string;
  constructor(cause: unknown) {
    let inner = cause;
    while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
    const reason = inner instanceof Error ? inner.message : String(inner);
    // drizzle's wrapper names the statement: "Failed query: <sql>\nparams: …"
    const query = cause instanceof Error ? /^Failed query: ([^\n]*)/.exec(cause.message)?.[1]?.trim() : undefined;
    const shortened = query && (query.length > 160 ? `${query.slice(0, 157)}...` : query);
    const statement = shortened ? `, in the statement "${shortened}"` : '';
    super(
      `The database could not be updated to this release (${reason}${statement}). Nothing was changed: the ` +
        'database is as the previous release left it, which can be started again. Keep this line for whoever ' +
        'supports the installation; a table, column or index made by hand under the same name is a common cause.',
    );
    // The database's own reason and statement stay as it gave them: they are what support searches for.
    this.german =
      `Die Datenbank konnte nicht auf diese Version aktualisiert werden (${reason}${shortened ? `, in der Anweisung "${shortened}"` : ''}). ` +
      'Nichts wurde geändert: die Datenbank ist so, wie die vorige Version sie hinterließ, und diese lässt sich wieder starten. ' +
      'Bewahren Sie diese Zeile für den Support Ihrer Installation auf; eine Tabelle, Spalte oder ein Index gleichen Namens, ' +
      'von Hand angelegt, ist eine häufige Ursache.';
    this.name = 'DatabaseMigrationError';
  }
}

/**
 * A failure of the migrations themselves, told apart from a connection lost meanwhile (class 08,
 * 57: said as DATABASE_URL) and missing rights (42501: said with what to grant).
 */
function asMigrationError(error: unknown): unknown {
  let inner = error;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  const code = (inner as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return error;
  if (code === '42501' || code.startsWith('08') || code.startsWith('57')) return error;
  return new DatabaseMigrationError(error);
}

/** The embedded database's folder cannot be opened: damaged files, or not a database at all. */
export class DataDirDamagedError extends Error {
  /** The same in German, for a terminal that is not English (cli/say.ts). */
  readonly german: string;
  constructor(readonly dataDir: string) {
    super(
      `DATA_DIR: the embedded database in ${dataDir} cannot be opened: its files are damaged or are not an ` +
        'Amtsraum database (PGlite failed to initialise). Restore the folder from your backup, or move it ' +
        'aside to start with an empty database.',
    );
    this.german =
      `DATA_DIR: die eingebettete Datenbank in ${dataDir} lässt sich nicht öffnen: ihre Dateien sind beschädigt oder ` +
      'keine Amtsraum-Datenbank (PGlite konnte sie nicht initialisieren). Stellen Sie den Ordner aus Ihrer Sicherung ' +
      'wieder her, oder verschieben Sie ihn, um mit einer leeren Datenbank zu starten.';
    this.name = 'DataDirDamagedError';
  }
}

/** `execute`'s rows: an array with postgres.js, `{ rows }` with PGlite. */
export function rowsOf<Row = unknown>(result: unknown): Row[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Row[];
}

/** The time of this code's last migration, as drizzle records it (`when` in the journal). */
export function lastMigrationAt(folder = MIGRATIONS_FOLDER): number {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number }[];
  };
  return Math.max(...journal.entries.map((entry) => entry.when));
}

let knownMigrationAt: number | null = null;

/**
 * What the database holds, against what this code migrated it to:
 * - `current`: this code's last migration is the database's last, and the tables are there;
 * - `missing`: no tables (the database was dropped and created again, or its schema emptied,
 *   under the running app: every query fails until a start runs the migrations again);
 * - `behind`: an older schema (restored from a backup taken before an update);
 * - `newer`: a newer release migrated it (`DatabaseNewerThanCodeError` at a start).
 */
export type SchemaState = 'current' | 'missing' | 'behind' | 'newer';

/**
 * The readiness probe's one statement: the last migration's time and whether a table every
 * request needs is there (resolved like the app's own queries, through the search path).
 */
const SCHEMA_PROBE =
  'select (select max(created_at) from drizzle.__drizzle_migrations)::text as "at", ' +
  `to_regclass('visits') is not null as "tables"`;

/** The database's own codes for "no such table" and "no such schema": it answers, the schema is gone. */
const SCHEMA_GONE = new Set(['42P01', '3F000']);

async function probeSchema(
  run: (statement: string) => Promise<unknown>,
  timeoutMs: number,
): Promise<SchemaState | 'unreachable'> {
  try {
    const [row] = rowsOf<{ at: string | null; tables: boolean }>(await withTimeout(run(SCHEMA_PROBE), timeoutMs));
    if (!row?.tables || row.at == null) return 'missing';
    knownMigrationAt ??= lastMigrationAt();
    const at = Number(row.at);
    return at === knownMigrationAt ? 'current' : at < knownMigrationAt ? 'behind' : 'newer';
  } catch (error) {
    // A failed statement's reason is its innermost cause (drizzle wraps the driver's error).
    for (let inner: unknown = error; inner instanceof Error; inner = inner.cause) {
      if (SCHEMA_GONE.has(String((inner as { code?: unknown }).code))) return 'missing';
    }
    return 'unreachable';
  }
}

/**
 * A write that needs a new page on the disk whatever the tables hold: a temporary table's first
 * row. A row in an existing table often fits a page it already has, and succeeds on a full disk
 * while a knock's does not (seen with the embedded database on a full tmpfs). Dropped at commit.
 */
const WRITE_PROBE = [
  'create temporary table amtsraum_write_probe (b text) on commit drop',
  "insert into amtsraum_write_probe values ('x')",
];

async function probeWrite(
  run: (statements: string[]) => Promise<unknown>,
  timeoutMs: number,
): Promise<'ok' | 'disk_full' | 'failed'> {
  try {
    await withTimeout(run(WRITE_PROBE), timeoutMs);
    return 'ok';
  } catch (error) {
    return sqlState(error) === '53100' ? 'disk_full' : 'failed';
  }
}

/** Refuses a database migrated past this code (see `DatabaseNewerThanCodeError`). */
async function refuseNewerSchema(db: { execute: (query: ReturnType<typeof sql>) => Promise<unknown> }) {
  type At = { at: string | null };
  // A new database has no record yet (the table is named only once it exists).
  const table = rowsOf<At>(await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations')::text as "at"`));
  if (table[0]?.at == null) return;
  const at = rowsOf<At>(
    await db.execute(sql`select max(created_at)::text as "at" from drizzle.__drizzle_migrations`),
  )[0]?.at;
  if (at == null) return;
  const known = lastMigrationAt();
  if (Number(at) > known) throw new DatabaseNewerThanCodeError(new Date(Number(at)), new Date(known));
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') {
    return openPostgres(
      options.url,
      options.maxConnections ?? 10,
      options.onQuery,
      options.connectTimeoutMs ?? 30_000,
      options.signal,
    );
  }
  return openPglite(options.dataDir, options.onQuery, options.from);
}

/**
 * The first connection, within `timeoutMs`. Where something at DATABASE_URL's address takes the
 * connection and closes it without a word (a port forward or proxy in front of a PostgreSQL that is
 * down, as Docker's published port while its container restarts), postgres.js connects again and
 * again without end: the start hung for ever, silently.
 */
async function firstConnection(
  client: postgres.Sql,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<postgres.ReservedSql> {
  const reserving = client.reserve();
  try {
    return await withTimeout(reserving, timeoutMs, signal);
  } catch (error) {
    await client.end({ timeout: 0 });
    // A connection that came after all goes with the client.
    reserving.then(
      (late) => late.release(),
      () => {},
    );
    throw signal?.aborted || (error as Error).message !== 'timed out'
      ? error
      : new Error(
          `no PostgreSQL answered within ${String(Math.round(timeoutMs / 1000))} s (the connection was closed or left without an answer)`,
        );
  }
}

async function openPostgres(
  url: string,
  max: number,
  onQuery: DatabaseOptions['onQuery'],
  connectTimeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Database> {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: 'amtsraum' },
    connect_timeout: Math.max(1, Math.ceil(connectTimeoutMs / 1000)),
  });
  const db = drizzlePostgres({ client, schema, ...queryLogger(onQuery) });
  const reserved = await firstConnection(client, connectTimeoutMs, signal);
  try {
    // Another process migrating holds the lock as long as its migrations take: a stop meanwhile
    // ends the wait (the lock, should it come after all, goes with the connection).
    const locking = Promise.resolve(reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    locking.catch(() => {});
    await untilAborted(locking, signal);
    try {
      await refuseNewerSchema(db);
      await migratePostgres(db, { migrationsFolder: MIGRATIONS_FOLDER }).catch((error: unknown) => {
        throw asMigrationError(error);
      });
    } finally {
      await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } catch (error) {
    reserved.release();
    await client.end({ timeout: 1 });
    throw error;
  }
  reserved.release();
  return {
    kind: 'postgres',
    db: db as unknown as Db,
    async ping(timeoutMs = 2000) {
      try {
        await withTimeout(db.execute(sql`select 1`), timeoutMs);
        return true;
      } catch {
        return false;
      }
    },
    schemaState(timeoutMs = 2000) {
      return probeSchema((statement) => client.unsafe(statement), timeoutMs);
    },
    writeProbe(timeoutMs = 2000) {
      return probeWrite(
        (statements) =>
          client.begin(async (tx) => {
            for (const statement of statements) await tx.unsafe(statement);
          }),
        timeoutMs,
      );
    },
    async close() {
      await client.end({ timeout: 5 });
    },
    pubsub: {
      async listen(channel, onMessage, onConnect) {
        const subscription = await client.listen(channel, onMessage, onConnect);
        return { unlisten: () => subscription.unlisten() };
      },
      async notify(channel, payload) {
        await client.notify(channel, payload);
      },
      async notifyAll(channel, payloads) {
        if (payloads.length === 0) return;
        // One statement, one transaction: delivered together, in the array's order, after its
        // commit (a round trip each kept a connection of the pool for 500 departments' events).
        await client`select pg_notify(${channel}, payload) from unnest(${payloads}::text[]) as payload`;
      },
    },
  };
}

/**
 * PGlite's file system layer says its errors by WASI number only (`ErrnoError { errno: 51 }`):
 * the ones a town hall's server meets, as Node names them, so a full disk is not said as a
 * folder without rights.
 */
const PGLITE_ERRNO_CODES: Record<number, string> = {
  2: 'EACCES',
  19: 'EDQUOT',
  51: 'ENOSPC',
  63: 'EPERM',
  69: 'EROFS',
};

/** PGlite's file error as DATA_DIR's, or null for any other error. */
export function pgliteFileError(dataDir: string, error: unknown): DataDirUnwritableError | null {
  if ((error as { name?: unknown } | null)?.name !== 'ErrnoError') return null;
  const code = PGLITE_ERRNO_CODES[Number((error as { errno?: unknown }).errno)];
  return new DataDirUnwritableError(
    dataDir,
    code
      ? { code }
      : Object.assign(new Error('a file in it cannot be read or written by this user'), {
          german: 'eine Datei darin kann dieser Benutzer nicht lesen oder schreiben',
        }),
  );
}

/**
 * A dump of a new in-memory database with every migration applied (`dumpDataDir`): the tests
 * start each of their databases from it (`from` in `openDatabase`), which takes a fraction of
 * initialising and migrating one.
 */
export async function migratedPgliteDump(): Promise<Blob> {
  const { client, forDrizzle } = await createPgliteForDrizzle(undefined, { extensions: { btree_gist } });
  try {
    await migratePglite(drizzlePglite({ client: forDrizzle, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    return await client.dumpDataDir('none');
  } finally {
    await client.close();
  }
}

async function openPglite(
  dataDir: string | null,
  onQuery: DatabaseOptions['onQuery'],
  from: Blob | undefined,
): Promise<Database> {
  let lock: DataDirLock | null = null;
  if (dataDir) lock = acquireDataDirLock(path.dirname(dataDir));
  let client: PGlite;
  let forDrizzle: PGlite;
  try {
    // Its folder left by a start as another user (root, say) is said plainly, not as PGlite's
    // bare `ErrnoError` from its file system layer.
    if (dataDir) ensureWritableDir(dataDir);
    // btree_gist: the appointments' exclusion constraint (no double booking) compares uuids in a GiST index.
    ({ client, forDrizzle } = await createPgliteForDrizzle(dataDir ?? undefined, {
      extensions: { btree_gist },
      ...(from && !dataDir ? { loadDataDir: from } : {}),
    }));
    const db = drizzlePglite({ client: forDrizzle, schema });
    try {
      await refuseNewerSchema(db);
    } catch (error) {
      await client.close();
      throw error;
    }
    await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }).catch(async (error: unknown) => {
      await client.close();
      throw asMigrationError(error);
    });
  } catch (error) {
    lock?.release();
    const fileError = dataDir ? pgliteFileError(dataDir, error) : null;
    if (fileError) throw fileError;
    // A file in it this user may not write: PGlite says "failed to initialise" or aborts with a
    // stack, and the folder was named as damaged, sending the IT staff to the backup. (What the
    // folder check itself found, such as a file in the folder's place, is said as it is.)
    const told =
      error instanceof DataDirUnwritableError ||
      error instanceof DatabaseNewerThanCodeError ||
      error instanceof DatabaseMigrationError;
    const unwritable = dataDir && !told ? firstUnwritableEntry(dataDir) : null;
    if (dataDir && unwritable) {
      throw new DataDirUnwritableError(dataDir, Object.assign(new Error(), { code: 'EACCES', path: unwritable }));
    }
    // PGlite's only word for a folder whose files are damaged, cut short or not a database.
    if (dataDir && error instanceof Error && /failed to initiali[sz]e/i.test(error.message)) {
      throw new DataDirDamagedError(dataDir);
    }
    throw error;
  }
  const db = drizzlePglite({ client: forDrizzle, schema, ...queryLogger(onQuery) });
  let closed = false;
  return {
    kind: 'pglite',
    db: db as unknown as Db,
    async ping(timeoutMs = 2000) {
      if (closed) return false;
      try {
        await withTimeout(client.query('select 1'), timeoutMs);
        return true;
      } catch {
        return false;
      }
    },
    async schemaState(timeoutMs = 2000) {
      if (closed) return 'unreachable';
      return probeSchema((statement) => client.query(statement), timeoutMs);
    },
    async writeProbe(timeoutMs = 2000) {
      if (closed) return 'failed';
      return probeWrite(
        (statements) =>
          client.transaction(async (tx) => {
            for (const statement of statements) await tx.query(statement);
          }),
        timeoutMs,
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
    pubsub: null,
  };
}
