import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config.js';
import {
  DatabaseMigrationError,
  DatabaseNewerThanCodeError,
  DatabaseUnavailableError,
  openDatabase,
} from '../db/client.js';
import { DataDirInUseError } from '../lib/data-dir-lock.js';
import { tenants } from '../db/schema.js';
import { exportedFileProblems, exportTenantAudited } from '../features/setup/export.service.js';
import {
  changedSettings,
  complain,
  dataDirInUseForCommand,
  inTerminalLanguage,
  language,
  say,
  unreadEnvFileRefusal,
} from './say.js';

// `npm run export -- <tenant-slug> [file.json]`: writes a municipality as an installation file to
// the file, or to stdout without one (no passwords, no second-factor or identity-provider secrets),
// which `npm run setup` reads back. Uses the same configuration as the server; audited as `tenant.exported`.

// A file of its own: `npm run export -- slug > file.json` would put npm's own "> amtsraum export" lines
// into the file, which setup then refuses (npm run --silent leaves them out).
const [slug, outFile] = process.argv.slice(2);
if (!slug) {
  complain(
    'Aufruf: npm run export -- <Kürzel-der-Kommune> [<installation.json>]   (ohne Datei: auf stdout)',
    'Usage: npm run export -- <municipality-slug> [<installation.json>]   (without a file: to stdout)',
  );
  process.exit(2);
}

class CannotWriteExportError extends Error {}

/**
 * Writes the file readable by its owner only (0600), a file there before too: it holds the staff's
 * names and e-mail addresses, and the umask of a shared server would leave it readable to all.
 */
function writeExport(file: string, text: string) {
  try {
    fs.writeFileSync(file, text, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? say('ihr Ordner existiert nicht', 'its folder does not exist')
        : code === 'EISDIR'
          ? say('dort ist ein Ordner dieses Namens', 'a folder of that name is there')
          : code === 'EACCES' || code === 'EPERM'
            ? say('keine Berechtigung', 'permission denied')
            : code === 'ENOSPC'
              ? say('kein Platz mehr auf dem Datenträger', 'no space left on the device')
              : (error as Error).message;
    throw new CannotWriteExportError(
      say(
        `${file} kann nicht geschrieben werden: ${reason}; nichts wurde exportiert.`,
        `Cannot write ${file}: ${reason}; nothing was exported.`,
      ),
    );
  }
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.messageIn(language)}\n${say('Nichts wurde exportiert.', 'Nothing was exported.')}\n`);
    process.exit(1);
  }
  throw error;
}
const changed = changedSettings(config);
if (changed) process.stderr.write(`${changed}\n`);
// `cp infra/.env.example .env`, filled in, and then `npm run export`: the file is never read here.
const unreadEnv = unreadEnvFileRefusal('export', process.argv.slice(2));
if (unreadEnv) {
  process.stderr.write(`${unreadEnv}\n`);
  process.exit(1);
}

let database;
try {
  database = await openDatabase(
    config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dataDir: config.database.dataDir },
  );
} catch (error) {
  // Most often: the embedded data directory is in use by the running server (stop it first).
  if (error instanceof DataDirInUseError) {
    process.stderr.write(`${dataDirInUseForCommand(error, 'npm run export', 'export')}\n`);
    process.exit(1);
  }
  const problem =
    config.database.kind === 'postgres' &&
    !(error instanceof DatabaseMigrationError || error instanceof DatabaseNewerThanCodeError)
      ? new DatabaseUnavailableError(config.database.url, error)
      : (error as Error);
  process.stderr.write(`${inTerminalLanguage(problem)}\n`);
  process.exit(1);
}
try {
  const db = database.db;
  // The file is written inside the transaction: one that cannot be written leaves no audit entry
  // of an export that did not happen.
  const file = await db.transaction(async (tx) => {
    const exported = await exportTenantAudited(tx, slug, 'system', new Date());
    if (exported && outFile) writeExport(outFile, `${JSON.stringify(exported, null, 2)}\n`);
    return exported;
  });
  if (!file) {
    const known = (await db.select({ slug: tenants.slug }).from(tenants).orderBy(tenants.slug)).map((t) => t.slug);
    complain(
      `Keine Kommune "${slug}" in dieser Installation` +
        (known.length > 0 ? `; ihre Kommunen: ${known.join(', ')}.` : ' (sie hat noch keine).'),
      `No municipality "${slug}" in this installation` +
        (known.length > 0 ? `; its municipalities: ${known.join(', ')}.` : ' (it has none yet).'),
    );
    process.exitCode = 1;
  } else {
    if (outFile) {
      complain(`Kommune "${slug}" in ${outFile} geschrieben.`, `Municipality "${slug}" written to ${outFile}.`);
    } else {
      process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
    }
    const problems = exportedFileProblems(file, language);
    if (problems.length > 0) {
      process.stderr.write(
        say(
          `Geschrieben, aber npm run setup lehnt ${String(problems.length)} Wert(e) ab, die vor den heutigen Regeln ` +
            `gespeichert wurden, bis sie berichtigt sind (in der Verwaltung oder in der Datei):\n`,
          `Written, but npm run setup will refuse ${String(problems.length)} value(s) saved before today's rules ` +
            `until they are corrected (in the admin pages, or in the file):\n`,
        ) +
          problems.map((line) => `  - ${line}`).join('\n') +
          '\n',
      );
    }
  }
} catch (error) {
  process.stderr.write(
    error instanceof CannotWriteExportError
      ? `${error.message}\n`
      : `${say('Export fehlgeschlagen', 'Export failed')}: ${(error as Error).message}\n`,
  );
  process.exitCode = 1;
} finally {
  await database.close();
}
