import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, databaseKinds, databasePlace } from '../test/databases.js';
import { killServers, spawnServer } from '../test/processes.js';
import {
  DataDirDamagedError,
  DatabaseMigrationError,
  DatabaseNewerThanCodeError,
  DatabaseUnavailableError,
  lastMigrationAt,
  openDatabase,
  pgliteFileError,
  rowsOf,
  type Database,
} from './client.js';
import { createPgliteForDrizzle } from './pglite-client.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || null;

describe.skipIf(!TEST_DATABASE_URL)('a PostgreSQL user that may connect but not create the tables', () => {
  it('is told to make the user the owner, with the database’s own reason, not to check the password', async () => {
    const admin = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    const role = `amtsraum_t_${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const fresh = await createPostgresDatabase();
    try {
      await admin.unsafe(`create role "${role}" login password '${password}'`);
      const url = new URL(fresh.url);
      url.username = role;
      url.password = password;
      const failure = await openDatabase({ kind: 'postgres', url: url.toString() }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).not.toBeNull();
      const message = new DatabaseUnavailableError(url.toString(), failure).message;
      const database = url.pathname.slice(1);
      expect(message).toContain(`connected to the PostgreSQL database at ${url.hostname}:`);
      expect(message).toMatch(/\(permission denied for [^)]+\)/);
      expect(message).toContain(`ALTER DATABASE "${database}" OWNER TO "${role}"`);
      expect(message).not.toContain('Failed query');
      expect(message).not.toContain(password);
    } finally {
      await fresh.drop();
      await admin.unsafe(`drop role if exists "${role}"`);
      await admin.end();
    }
  });
});

// Something at DATABASE_URL's address takes the connection and closes it without a word: a port
// forward or proxy in front of a PostgreSQL that is down (Docker's published port while the
// container restarts). postgres.js connected again and again, and the start hung for ever, silently.
describe('an address that takes the connection and closes it at once', () => {
  it('is refused within the connection time, said as DATABASE_URL in both languages', async () => {
    const sockets = new Set<net.Socket>();
    const closing = net.createServer((socket) => {
      sockets.add(socket);
      socket.end();
    });
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    try {
      const url = `postgres://amtsraum:geheim@127.0.0.1:${String((closing.address() as net.AddressInfo).port)}/amtsraum`;
      const failure = await openDatabase({ kind: 'postgres', url, connectTimeoutMs: 1_500 }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      const said = new DatabaseUnavailableError(url, failure);
      expect(said.message).toMatch(
        /^DATABASE_URL: cannot open the PostgreSQL database at 127\.0\.0\.1:\d+\/amtsraum as amtsraum \(no PostgreSQL answered within 2 s/,
      );
      expect(said.german).toMatch(
        /^DATABASE_URL: die PostgreSQL-Datenbank 127\.0\.0\.1:\d+\/amtsraum als amtsraum lässt sich nicht öffnen/,
      );
      expect(said.message).not.toContain('geheim');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => closing.close(resolve));
    }
  }, 20_000);
});

/** As a newer release's start leaves it: one migration more, recorded a day after this code's last. */
async function migrateByANewerRelease(database: Database): Promise<void> {
  await database.db.execute(
    sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('a-newer-release', ${lastMigrationAt() + 86_400_000})`,
  );
  await database.close();
}

/** When (drizzle's `created_at`) the newest migration that creates a table, column or index was made. */
function newestCreatingMigrationAt(): number {
  const folder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const creating = journal.entries.filter((entry) =>
    /\b(CREATE|ADD COLUMN)\b/i.test(fs.readFileSync(path.join(folder, `${entry.tag}.sql`), 'utf8')),
  );
  const newest = creating[creating.length - 1];
  if (!newest) throw new Error('no migration creates anything');
  return newest.when;
}

async function migrationCount(database: Database): Promise<number> {
  const result = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return rowsOf<{ n: number }>(result)[0]!.n;
}

// An update rolled back to the older release, or an older process started beside newer ones:
// drizzle's migrator would skip every migration and run on tables it does not know.
describe('a database migrated by a newer release', () => {
  afterEach(killServers);

  it('is refused by this one on PGlite, saying what to do, and left as it was', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-newer-'));
    try {
      const dataDir = path.join(dir, 'pglite');
      await migrateByANewerRelease(await openDatabase({ kind: 'pglite', dataDir }));
      const failure = await openDatabase({ kind: 'pglite', dataDir }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DatabaseNewerThanCodeError);
      expect((failure as Error).message).toContain('updated by a newer Amtsraum release');
      expect((failure as Error).message).toContain('restore the backup');
      // The folder is free again (its lock released), and the newer release's record is still there.
      const { client } = await createPgliteForDrizzle(dataDir, { extensions: { btree_gist } });
      const rows = await client.query<{ hash: string }>(
        'select hash from drizzle.__drizzle_migrations order by created_at desc limit 1',
      );
      expect(rows.rows[0]?.hash).toBe('a-newer-release');
      await client.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'is refused on PostgreSQL by the server process in one line, without a stack, and nothing is migrated',
    async () => {
      const fresh = await createPostgresDatabase();
      try {
        const first = await openDatabase({ kind: 'postgres', url: fresh.url });
        const before = await migrationCount(first);
        await migrateByANewerRelease(first);
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-newer-'));
        try {
          const child = spawnServer({ DATABASE_URL: fresh.url, DATA_DIR: dataDir, SEED_DEMO: 'false' });
          expect(await child.exited).toBe(1);
          expect(child.stderr()).toContain('The database was updated by a newer Amtsraum release');
          expect(child.stderr() + child.stdout()).not.toMatch(/\n\s+at |"stack"|cannot open the PostgreSQL/);
        } finally {
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
        const after = await openDatabase({ kind: 'postgres', url: fresh.url }).catch(() => null);
        expect(after).toBeNull();
        const admin = postgres(fresh.url, { max: 1, onnotice: () => {} });
        const counted = await admin<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
        expect(counted[0]?.n).toBe(before + 1);
        await admin.end();
      } finally {
        await fresh.drop();
      }
    },
    60_000,
  );
});

// An update whose migration fails (here: the last one finds its column there already, as when a
// column of that name was made by hand): the start stops in one line that says so, not as a
// wrong DATABASE_URL or a stack, and the database is left as it was.
describe.each(databaseKinds)('a migration that fails at the start on %s', (kind) => {
  afterEach(killServers);

  it('stops the server with one line naming the reason and the statement, and changes nothing', async () => {
    const place = await databasePlace(kind);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-migration-'));
    try {
      const first = await place.open();
      const before = await migrationCount(first);
      // Forgotten from the newest migration that creates something: run again, it fails at
      // "already exists". A later one that only rewrites data (0011) would run again cleanly.
      const since = newestCreatingMigrationAt();
      const forgotten = await first.db.execute(
        sql`delete from drizzle.__drizzle_migrations where created_at >= ${since} returning id`,
      );
      const left = before - rowsOf(forgotten).length;
      await first.close();

      const child = spawnServer({ DATA_DIR: dataDir, ...place.env, SEED_DEMO: 'false' });
      expect(await child.exited).toBe(1);
      const said = child.stderr() + child.stdout();
      expect(child.stderr()).toMatch(
        /^The database could not be updated to this release \(.*already exists, in the statement ".+"\)\. Nothing was changed/,
      );
      expect(said).not.toMatch(/\n\s+at |"stack"|cannot open the PostgreSQL|Check host, port/);

      // The same from the setup command, and the record of migrations is as it was left.
      const failure = await place.open().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DatabaseMigrationError);
      if (kind === 'pglite') {
        const { client } = await createPgliteForDrizzle(path.join(place.env.DATA_DIR!, 'pglite'), {
          extensions: { btree_gist },
        });
        const rows = await client.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
        expect(rows.rows[0]?.n).toBe(left);
        await client.close();
      } else {
        const admin = postgres(place.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
        const counted = await admin<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
        expect(counted[0]?.n).toBe(left);
        await admin.end();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await place.drop();
    }
  }, 60_000);
});

// PGlite says a file error by its WASI number only; a full disk was said as a folder without
// rights ("make it writable"), sending the IT staff to chmod. Seen with DATA_DIR on a full tmpfs.
describe('the embedded database on a full disk', () => {
  it('is said as no space left, with what to do, and a refused file as permission denied', () => {
    const full = pgliteFileError('/srv/amtsraum/pglite', Object.assign(new Error(), { name: 'ErrnoError', errno: 51 }));
    expect(full?.message).toBe(
      'DATA_DIR: cannot write to the folder /srv/amtsraum/pglite (no space left on the device). ' +
        'Free space on that disk (or raise the quota), or set DATA_DIR to a folder on a disk with room.',
    );
    const denied = pgliteFileError(
      '/srv/amtsraum/pglite',
      Object.assign(new Error(), { name: 'ErrnoError', errno: 2 }),
    );
    expect(denied?.message).toContain('(permission denied). Make it a writable folder for the user running Amtsraum');
    expect(pgliteFileError('/srv/amtsraum/pglite', new Error('syntax error'))).toBeNull();
  });
});

// Readiness asks the database for a write after a request's write failed for lack of space, to
// know when space is back (health.router.ts). A small row in an existing table often fits a page it
// has and succeeds on a full disk; the probe's temporary table needs a new page, as a knock's row
// did. On a real full disk: a small tmpfs, which only root may mount (CI runs as root).
describe('the write probe on a full disk', () => {
  it('says disk_full while the embedded database cannot extend a file, ok once space is freed', async (context) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      context.skip();
    }
    const filler = path.join(dir, 'filler');
    try {
      const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
      try {
        expect(await database.writeProbe()).toBe('ok');
        const block = Buffer.alloc(1 << 20);
        const fd = fs.openSync(filler, 'w');
        try {
          for (;;) fs.writeSync(fd, block);
        } catch (error) {
          expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
        } finally {
          fs.closeSync(fd);
        }
        // Reads still answer (what readiness asked alone before), a write needing room does not.
        expect(await database.schemaState()).toBe('current');
        expect(await database.writeProbe()).toBe('disk_full');
        fs.rmSync(filler);
        expect(await database.writeProbe()).toBe('ok');
      } finally {
        await database.close();
      }
    } finally {
      execFileSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('an embedded database folder that is damaged', () => {
  afterEach(killServers);

  it('is named as DATA_DIR with what to do, in one line without a stack, and the folder stays free', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-damaged-'));
    try {
      const dataDir = path.join(dir, 'pglite');
      await (await openDatabase({ kind: 'pglite', dataDir })).close();
      // A disk that lost the cluster's control file (or a copy cut short).
      fs.writeFileSync(path.join(dataDir, 'global', 'pg_control'), Buffer.alloc(8192, 7));
      const failure = await openDatabase({ kind: 'pglite', dataDir }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DataDirDamagedError);
      expect((failure as Error).message).toContain(`DATA_DIR: the embedded database in ${dataDir} cannot be opened`);
      expect((failure as Error).message).toContain('Restore the folder from your backup');

      // The process says it in one line, and its lock on the folder was given back (no "in use").
      const child = spawnServer({ DATA_DIR: dir, SEED_DEMO: 'false' });
      expect(await child.exited).toBe(1);
      expect(child.stderr()).toContain('DATA_DIR: the embedded database in');
      expect(child.stderr() + child.stdout()).not.toMatch(/\n\s+at |"stack"|in use/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// The IT staff started it once as root, then as the service's user, and handed over the folder's
// top only (chown without -R; a backup unpacked as root): PGlite failed in its own words, said as a
// damaged folder to restore from the backup, or ended in a stack ("Aborted()").
describe('an embedded database folder with files another user owns', () => {
  afterEach(killServers);

  it('names the file this user may not write and what to do, not a damaged folder', async (context) => {
    if (process.getuid?.() !== 0) context.skip(); // only root can start a process as another user
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-owner-'));
    try {
      const dataDir = path.join(dir, 'pglite');
      await (await openDatabase({ kind: 'pglite', dataDir })).close();
      for (const folder of [dir, dataDir]) fs.chmodSync(folder, 0o777);
      const nobody = { uid: 65534, gid: 65534 };

      const child = spawnServer({ DATA_DIR: dir, SEED_DEMO: 'false' }, nobody);
      expect(await child.exited).toBe(1);
      expect(child.stderr()).toMatch(
        new RegExp(
          `^DATA_DIR: cannot write to the folder ${dataDir} \\(permission denied for ${dataDir}/\\S+\\)\\. ` +
            'Make it writable with everything in it for the user running Amtsraum \\(uid 65534\\), e\\.g\\. with chown -R',
        ),
      );
      expect(child.stderr() + child.stdout()).not.toMatch(/damaged|\n\s+at |"stack"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
