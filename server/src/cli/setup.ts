import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config.js';
import {
  DatabaseMigrationError,
  DatabaseNewerThanCodeError,
  DatabaseUnavailableError,
  openDatabase,
} from '../db/client.js';
import { DataDirInUseError, dataDirInUseForCommand } from '../lib/data-dir-lock.js';
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

// `npm run setup -- installation.json`: writes municipalities, departments, services and staff
// from a file (see infra/installation.example.json). Uses the same configuration as the server.

const file = process.argv[2];
if (!file) {
  process.stderr.write('Usage: npm run setup -- <installation.json>   (example: infra/installation.example.json)\n');
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

let bytes: Buffer;
try {
  const stat = fs.statSync(file);
  // A device or pipe (/dev/zero, /dev/stdin) would be read without end.
  if (!stat.isFile() && !stat.isDirectory()) {
    process.stderr.write(`Cannot read ${file}: not a file but a device or pipe; nothing was changed.\n`);
    process.exit(1);
  }
  const tooLarge = installationFileSizeProblem(stat.size);
  if (tooLarge) {
    process.stderr.write(`${file} is not an installation file; nothing was changed: ${tooLarge}.\n`);
    process.exit(1);
  }
  bytes = fs.readFileSync(file);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (error as Error).message;
  process.stderr.write(`Cannot read ${file}: ${reason}; nothing was changed.\n`);
  process.exit(1);
}
const decoded = decodeInstallationFile(bytes);
if ('problem' in decoded) {
  process.stderr.write(`${file} cannot be read; nothing was changed: ${decoded.problem}.\n`);
  process.exit(1);
}
const text = decoded.text;
let raw: unknown;
try {
  raw = JSON.parse(text);
} catch (error) {
  process.stderr.write(`${file} is not valid JSON; nothing was changed: ${describeJsonSyntaxError(text, error)}\n`);
  process.exit(1);
}
const parsed = InstallationFileSchema.safeParse(raw);
if (!parsed.success) {
  process.stderr.write(
    `${file} is not a valid installation file; nothing was changed:\n` +
      describeFileIssues(parsed.error.issues)
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
    process.stderr.write(`${dataDirInUseForCommand(error, 'npm run setup', 'Nothing was changed.')}\n`);
    process.exit(1);
  }
  const problem =
    config.database.kind === 'postgres' &&
    !(error instanceof DatabaseMigrationError || error instanceof DatabaseNewerThanCodeError)
      ? new DatabaseUnavailableError(config.database.url, error)
      : (error as Error);
  process.stderr.write(`${problem.message}\n`);
  process.exit(1);
}
try {
  const result = await applyInstallation(database.db, parsed.data, { secret: config.sessionSecret });
  const { logins, summary } = result;
  process.stdout.write(`Installation written:\n${summary.map((line) => `  ${line}`).join('\n')}\n`);
  // Running servers (on PostgreSQL; an embedded database is not open beside this command) show it at once.
  await announceInstallation(database.db, createEventBus(database, createLogger('silent')), result).catch(() =>
    process.stderr.write('Running servers could not be told; their pages show the changes within 5 minutes.\n'),
  );
  if (logins.length > 0) {
    process.stdout.write('New staff accounts (passwords shown only this once; hand them over safely):\n');
    for (const login of logins) process.stdout.write(`  ${login.email}  ${login.password}  (${login.name})\n`);
  }
} catch (error) {
  process.stderr.write(`Nothing was changed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
