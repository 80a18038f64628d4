import { ConfigError, configWarnings, loadConfig, unknownVariableWarnings, unreadEnvFileWarning } from './config.js';
import {
  DatabaseMigrationError,
  DatabaseNewerThanCodeError,
  DatabaseUnavailableError,
  DataDirDamagedError,
} from './db/client.js';
import { guardAgainstLostTypesReads } from './db/driver-guard.js';
import { DataDirInUseError, DataDirUnwritableError } from './lib/data-dir-lock.js';
import { createLogger } from './lib/logger.js';
import { CannotListenError, StartStoppedError, startServer, type RunningServer } from './server.js';
import { inTerminalLanguage, language, say, toTerminal } from './cli/say.js';

// Listening and shutting down only; everything else is in server.ts and app.ts.

/**
 * A setting that is missing or wrong: starting again will not help until it is changed. EX_CONFIG of
 * sysexits.h, apart from 1 (a database or port not there yet, which a restart may find), so that a
 * supervisor can tell the two: `docker compose ps` shows "Restarting (78)", and a systemd unit's
 * `RestartPreventExitStatus=78` stops trying (infra/README.md).
 */
const CONFIG_ERROR_EXIT_CODE = 78;

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.messageIn(language)}\n`);
    process.exit(CONFIG_ERROR_EXIT_CODE);
  }
  throw error;
}

const logger = createLogger(config.logLevel);
guardAgainstLostTypesReads(logger);
// A misspelt setting leaves its default in force: named, though the start goes on.
for (const { variable, message } of unknownVariableWarnings()) logger.warn({ variable }, message);
for (const { variables, message } of configWarnings(config)) logger.warn({ variables }, message);
// `cp infra/.env.example .env` and `npm start`: the file is docker compose's, never read here.
const unreadEnv = unreadEnvFileWarning();
if (unreadEnv) logger.warn({ variables: unreadEnv.variables }, unreadEnv.message);

// Signals count from here, not only once the server listens: a stop (docker stop, systemd, Ctrl-C)
// during the start ends it after the step under way (startServer's signal), so the database is
// never cut off mid-migration or mid-seed, and a start waiting for a PostgreSQL that does not
// answer (up to 30 s) ends at once. A second Ctrl-C stops at once. SIGHUP is what an admin sends by
// closing the SSH session they ran `npm start` in: its default ended the process on the spot, with
// the data directory still locked.
let server: RunningServer | null = null;
let signalled = false;
const startStop = new AbortController();
function shutDown(signal: string, running: RunningServer) {
  logger.info({ signal }, 'shutting down');
  running.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (server && !signalled) shutDown(signal, server);
    else if (!server && signalled && signal === 'SIGINT') process.exit(130);
    else if (!server && !signalled) {
      logger.info(
        { signal },
        'stopping: the start ends after its step under way, the database is not cut off mid-update',
      );
      if (config.env !== 'test' && signal === 'SIGINT') {
        toTerminal(
          process.stderr,
          say('Wird beendet … Noch einmal Strg-C: sofort beenden.', 'Stopping … Press Ctrl-C again to stop now.'),
        );
      }
      startStop.abort(signal);
    }
    signalled = true;
  });
}

// `npm start` runs the server in a shell (sh -c) and passes a stop (SIGTERM from a supervisor) to
// that shell; a shell that does not hand it on (dash, Debian's and Ubuntu's sh) ends alone, and the
// server ran on without a parent, holding its port and data directory, so the next start found
// both in use. The shell's end shows as a new parent: stopped then as on SIGTERM.
if (config.launchedByNpm) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 1_000);
  watch.unref();
}

let running;
try {
  running = await startServer(config, logger, { signal: startStop.signal });
} catch (error) {
  if (error instanceof StartStoppedError) {
    const signal = String(startStop.signal.reason);
    logger.info({ signal }, 'stopped while starting');
    toTerminal(
      process.stdout,
      say(
        `Amtsraum wurde während des Starts beendet (${signal}); nichts wurde halb geschrieben.`,
        `Amtsraum was stopped while starting (${signal}); nothing was left half-written.`,
      ),
    );
    process.exit(0);
  }
  if (
    error instanceof DataDirInUseError ||
    error instanceof DatabaseNewerThanCodeError ||
    error instanceof DatabaseMigrationError ||
    error instanceof DataDirDamagedError
  ) {
    process.stderr.write(`${inTerminalLanguage(error)}\n`);
    process.exit(1);
  }
  if (
    error instanceof DatabaseUnavailableError ||
    error instanceof DataDirUnwritableError ||
    error instanceof CannotListenError
  ) {
    process.stderr.write(
      `${inTerminalLanguage(error)}\n${say(
        'infra/.env.example beschreibt jede Variable und ihre Form.',
        'See infra/.env.example for every variable and its form.',
      )}\n`,
    );
    process.exit(1);
  }
  logger.fatal({ err: error }, 'start failed');
  process.exit(1);
}

logger.info(
  {
    url: running.url,
    publicBaseUrl: config.publicBaseUrl.toString(),
    database: config.database.kind,
    media: running.deps.media.transport,
  },
  'Amtsraum is listening',
);
if (config.env !== 'test' && !signalled) {
  toTerminal(
    process.stdout,
    say(
      `Amtsraum läuft: ${config.publicBaseUrl.toString()}`,
      `Amtsraum is running: ${config.publicBaseUrl.toString()}`,
    ),
  );
}

server = running;
// A stop that came after the start's last step that looks for one (startServer), before it listened.
if (signalled) shutDown(String(startStop.signal.reason), running);
