import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migratedPgliteDump, openDatabase } from '../db/client.js';
import { createPostgresDatabase } from './databases.js';

/**
 * Once per run, before the server's tests: a migrated database of each kind that every test
 * database starts from (server/src/test/databases.ts), instead of initialising and migrating each
 * anew (seconds each on PGlite, which hundreds of suites paid). The PGlite one is a dump in a
 * file, the PostgreSQL one a template database; their places go to the test processes in the
 * environment, and both are removed at the end of the run (decision 032).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-template-'));
  const dump = path.join(folder, 'pglite.tar');
  fs.writeFileSync(dump, Buffer.from(await (await migratedPgliteDump()).arrayBuffer()));
  process.env.AMTSRAUM_TEST_PGLITE_DUMP = dump;

  let dropTemplate = async () => {};
  if (process.env.TEST_DATABASE_URL) {
    // Named as the test databases are, so that CI's clean-up of a killed run drops it too (.ci/run).
    const template = await createPostgresDatabase({ prefix: 'amtsraum_t_template_' });
    // Closed before any test copies it: a template may have no connections while it is copied.
    const database = await openDatabase({ kind: 'postgres', url: template.url, maxConnections: 2 });
    await database.close();
    process.env.AMTSRAUM_TEST_POSTGRES_TEMPLATE = new URL(template.url).pathname.slice(1);
    dropTemplate = template.drop;
  }

  return async () => {
    fs.rmSync(folder, { recursive: true, force: true });
    await dropTemplate();
  };
}
