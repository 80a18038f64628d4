import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config.js';
import {
  DatabaseMigrationError,
  DatabaseNewerThanCodeError,
  DatabaseUnavailableError,
  openDatabase,
} from '../db/client.js';
import { DataDirInUseError } from '../lib/data-dir-lock.js';
import {
  decodeInstallationFile,
  describeFileIssues,
  describeJsonSyntaxError,
  installationFileSizeProblem,
} from '../features/setup/export.service.js';
import { InstallationFileSchema } from '../features/setup/installation.schema.js';
import { announceInstallation, applyInstallation } from '../features/setup/installation.service.js';
import { createEventBus } from '../lib/event-bus.js';
import { createLogger } from '../lib/logger.js';
import {
  changedSettings,
  complain,
  dataDirInUseForCommand,
  inTerminalLanguage,
  language,
  say,
  unreadEnvFileRefusal,
} from './say.js';

// `npm run setup -- installation.json`: writes municipalities, departments, services and staff
// from a file (see infra/installation.example.json). Uses the same configuration as the server.

const file = process.argv[2];
if (!file) {
  complain(
    'Aufruf: npm run setup -- <installation.json>   (Beispiel: infra/installation.example.json)',
    'Usage: npm run setup -- <installation.json>   (example: infra/installation.example.json)',
  );
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.messageIn(language)}\n${say('Nichts wurde geändert.', 'Nothing was changed.')}\n`);
    process.exit(1);
  }
  throw error;
}
const changed = changedSettings(config);
if (changed) process.stderr.write(`${changed}\n`);
// `cp infra/.env.example .env`, filled in, and then `npm run setup`: the file is never read here.
const unreadEnv = unreadEnvFileRefusal('setup', [file]);
if (unreadEnv) {
  process.stderr.write(`${unreadEnv}\n`);
  process.exit(1);
}

let bytes: Buffer;
try {
  const stat = fs.statSync(file);
  // A device or pipe (/dev/zero, /dev/stdin) would be read without end.
  if (!stat.isFile() && !stat.isDirectory()) {
    complain(
      `${file} kann nicht gelesen werden: keine Datei, sondern ein Gerät oder eine Pipe; nichts wurde geändert.`,
      `Cannot read ${file}: not a file but a device or pipe; nothing was changed.`,
    );
    process.exit(1);
  }
  const tooLarge = installationFileSizeProblem(stat.size, language);
  if (tooLarge) {
    complain(
      `${file} ist keine Installationsdatei; nichts wurde geändert: ${tooLarge}.`,
      `${file} is not an installation file; nothing was changed: ${tooLarge}.`,
    );
    process.exit(1);
  }
  bytes = fs.readFileSync(file);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? say('keine solche Datei', 'no such file')
      : code === 'EISDIR'
        ? say('ein Ordner, keine Datei', 'a folder, not a file')
        : (error as Error).message;
  complain(
    `${file} kann nicht gelesen werden: ${reason}; nichts wurde geändert.`,
    `Cannot read ${file}: ${reason}; nothing was changed.`,
  );
  process.exit(1);
}
const decoded = decodeInstallationFile(bytes, language);
if ('problem' in decoded) {
  complain(
    `${file} kann nicht gelesen werden; nichts wurde geändert: ${decoded.problem}.`,
    `${file} cannot be read; nothing was changed: ${decoded.problem}.`,
  );
  process.exit(1);
}
const text = decoded.text;
let raw: unknown;
try {
  raw = JSON.parse(text);
} catch (error) {
  const where = describeJsonSyntaxError(text, error, language);
  complain(
    `${file} ist kein gültiges JSON; nichts wurde geändert: ${where}`,
    `${file} is not valid JSON; nothing was changed: ${where}`,
  );
  process.exit(1);
}
const parsed = InstallationFileSchema.safeParse(raw);
if (!parsed.success) {
  process.stderr.write(
    say(
      `${file} ist keine gültige Installationsdatei; nichts wurde geändert:\n`,
      `${file} is not a valid installation file; nothing was changed:\n`,
    ) +
      describeFileIssues(parsed.error.issues, language)
        .map((line) => `  - ${line}`)
        .join('\n') +
      '\n',
  );
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
    process.stderr.write(`${dataDirInUseForCommand(error, 'npm run setup', 'setup')}\n`);
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
  const result = await applyInstallation(database.db, parsed.data, { secret: config.sessionSecret });
  const { logins, summary } = result;
  process.stdout.write(
    `${say('Installation geschrieben:', 'Installation written:')}\n${summary
      .map(({ slug, departments, staff }) =>
        say(
          `  ${slug}: ${String(departments)} ${departments === 1 ? 'Amt' : 'Ämter'}, ${String(staff)} Mitarbeitende`,
          `  ${slug}: ${String(departments)} departments, ${String(staff)} staff`,
        ),
      )
      .join('\n')}\n`,
  );
  // Running servers (on PostgreSQL; an embedded database is not open beside this command) show it at once.
  await announceInstallation(database.db, createEventBus(database, createLogger('silent')), result).catch(() =>
    complain(
      'Laufende Server konnten nicht benachrichtigt werden; ihre Seiten zeigen die Änderungen innerhalb von 5 Minuten.',
      'Running servers could not be told; their pages show the changes within 5 minutes.',
    ),
  );
  if (logins.length > 0) {
    process.stdout.write(
      `${say(
        'Neue Konten (Passwörter nur dieses eine Mal angezeigt; geben Sie sie sicher weiter):',
        'New staff accounts (passwords shown only this once; hand them over safely):',
      )}\n`,
    );
    for (const login of logins) process.stdout.write(`  ${login.email}  ${login.password}  (${login.name})\n`);
  }
} catch (error) {
  complain(`Nichts wurde geändert: ${(error as Error).message}`, `Nothing was changed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
