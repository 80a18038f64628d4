import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config.js';
import {
  DatabaseMigrationError,
  DatabaseNewerThanCodeError,
  DatabaseUnavailableError,
  openDatabase,
} from '../db/client.js';
import { exportedFileProblems, exportTenantAudited } from '../features/setup/export.service.js';

// `npm run export -- <tenant-slug> [file.json]`: writes a municipality as an installation file to
// the file, or to stdout without one (no passwords, no second-factor or identity-provider secrets),
// which `npm run setup` reads back. Uses the same configuration as the server; audited as `tenant.exported`.

// A file of its own: `npm run export -- slug > file.json` would put npm's own "> amtsraum export" lines
// into the file, which setup then refuses (npm run --silent leaves them out).
const [slug, outFile] = process.argv.slice(2);
if (!slug) {
  process.stderr.write('Usage: npm run export -- <tenant-slug> <installation.json>\n');
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

let database;
try {
  database = await openDatabase(
    config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dataDir: config.database.dataDir },
  );
} catch (error) {
  // Most often: the embedded data directory is in use by the running server (stop it first).
  const problem =
    config.database.kind === 'postgres' &&
    !(error instanceof DatabaseMigrationError || error instanceof DatabaseNewerThanCodeError)
      ? new DatabaseUnavailableError(config.database.url, error)
      : (error as Error);
  process.stderr.write(`${problem.message}\n`);
  process.exit(1);
}
try {
  const db = database.db;
  const file = await db.transaction((tx) => exportTenantAudited(tx, slug, 'system', new Date()));
  if (!file) {
    process.stderr.write(`No municipality "${slug}" in this installation.\n`);
    process.exitCode = 1;
  } else {
    const text = `${JSON.stringify(file, null, 2)}\n`;
    if (outFile) {
      fs.writeFileSync(outFile, text);
      process.stderr.write(`Municipality "${slug}" written to ${outFile}.\n`);
    } else {
      process.stdout.write(text);
    }
    const problems = exportedFileProblems(file);
    if (problems.length > 0) {
      process.stderr.write(
        `Written, but npm run setup will refuse ${String(problems.length)} value(s) saved before today's rules ` +
          `until they are corrected (in the admin pages, or in the file):\n` +
          problems.map((line) => `  - ${line}`).join('\n') +
          '\n',
      );
    }
  }
} catch (error) {
  process.stderr.write(`Export failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
