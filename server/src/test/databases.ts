import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../db/client.js';

/**
 * Integration tests run against embedded PGlite always, and against the PostgreSQL server in
 * TEST_DATABASE_URL when it is set (CI sets it). `createTestDatabase` makes a fresh, migrated
 * database (from the run's migrated one, global-setup.ts), so no test sees another's data;
 * `createPostgresDatabase` and `databasePlace` make empty ones. PostgreSQL databases are dropped
 * again on close.
 */
export type DatabaseKind = 'pglite' | 'postgres';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || null;

export const databaseKinds: DatabaseKind[] = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase extends Database {
  /** For PostgreSQL: the URL of this fresh database (for a second process to connect). */
  url: string | null;
}

function adminUrl(): string {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  return TEST_DATABASE_URL;
}

/**
 * A URL to a new, empty PostgreSQL database on the server of `adminUrl` (default: the test
 * server), and a way to drop it.
 */
export async function createPostgresDatabase(
  options: { adminUrl?: string; prefix?: string; template?: string } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = options.adminUrl ?? adminUrl();
  const name = `${options.prefix ?? 'amtsraum_t_'}${randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const connection = postgres(admin, { max: 1, onnotice: () => {} });
    try {
      await connection.unsafe(statement);
    } finally {
      await connection.end();
    }
  };
  await run(`create database "${name}"${options.template ? ` template "${options.template}"` : ''}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists "${name}" with (force)`) };
}

/**
 * The migrated database the run's global setup dumped (server/src/test/global-setup.ts), read
 * once per test file; null outside such a run (a database is then initialised and migrated).
 */
let dump: Blob | null | undefined;
function migratedDump(): Blob | null {
  if (dump === undefined) {
    const file = process.env.AMTSRAUM_TEST_PGLITE_DUMP;
    dump = file && fs.existsSync(file) ? new Blob([fs.readFileSync(file)]) : null;
  }
  return dump;
}

export async function createTestDatabase(
  kind: DatabaseKind,
  options: { onQuery?: (query: string) => void } = {},
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const from = migratedDump();
    return Object.assign(await openDatabase({ kind: 'pglite', dataDir: null, ...(from ? { from } : {}), ...options }), {
      url: null,
    });
  }
  const fresh = await createPostgresDatabase({ template: process.env.AMTSRAUM_TEST_POSTGRES_TEMPLATE });
  const database = await openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 5, ...options });
  return {
    ...database,
    url: fresh.url,
    async close() {
      await database.close();
      await fresh.drop();
    },
  };
}

/** A database app processes can share or take turns on: a PostgreSQL database, or a PGlite data folder. */
export interface DatabasePlace {
  /** What a spawned server needs to use it (DATABASE_URL or DATA_DIR). */
  env: Record<string, string>;
  /** Opens it in the test process (PGlite: only while no server holds the folder). */
  open(): Promise<Database>;
  drop(): Promise<void>;
}

export async function databasePlace(kind: DatabaseKind): Promise<DatabasePlace> {
  if (kind === 'postgres') {
    const fresh = await createPostgresDatabase();
    return {
      env: { DATABASE_URL: fresh.url },
      open: () => openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 2 }),
      drop: fresh.drop,
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-place-'));
  return {
    env: { DATA_DIR: dataDir },
    open: () => openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') }),
    drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}
