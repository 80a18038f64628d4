import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { migratedPgliteDump, openDatabase } from '../db/client.js';

/**
 * Once per run, before the server's tests: a migrated database of each kind that every test
 * database starts from (server/src/test/databases.ts), instead of initialising and migrating each
 * anew (seconds each on PGlite, which hundreds of suites paid). The PGlite one is a dump in a
 * file, the PostgreSQL one a template database; their places go to the test processes in the
 * environment, and both are removed at the end of the run.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-template-'));
  const dump = path.join(folder, 'pglite.tar');
  fs.writeFileSync(dump, Buffer.from(await (await migratedPgliteDump()).arrayBuffer()));
  process.env.AMTSRAUM_TEST_PGLITE_DUMP = dump;

  const admin = process.env.TEST_DATABASE_URL;
  let dropTemplate = async () => {};
  if (admin) {
    // Named as the test databases are, so that CI's clean-up of a killed run drops it too (.ci/run).
    const name = `amtsraum_t_template_${randomBytes(6).toString('hex')}`;
    const run = async (statement: string) => {
      const connection = postgres(admin, { max: 1, onnotice: () => {} });
      try {
        await connection.unsafe(statement);
      } finally {
        await connection.end();
      }
    };
    await run(`create database "${name}"`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 2 });
    await database.close();
    process.env.AMTSRAUM_TEST_POSTGRES_TEMPLATE = name;
    dropTemplate = () => run(`drop database if exists "${name}" with (force)`);
  }

  return async () => {
    fs.rmSync(folder, { recursive: true, force: true });
    await dropTemplate();
  };
}
