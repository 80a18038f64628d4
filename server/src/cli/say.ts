import { cliLanguage, unreadEnvFileHere, type CliLanguage, type Config } from '../config.js';
import type { DataDirInUseError } from '../lib/data-dir-lock.js';

// What the command-line entry points (the server's start, `npm run setup`, `npm run export`) write
// to the terminal, in its language: German, the product's default, unless LC_ALL, LC_MESSAGES or
// LANG names English (config.ts, cliLanguageOf). Setting names, values, paths and commands stay as
// they are, in both.

export const language: CliLanguage = cliLanguage();

/** The German or the English text, as the terminal's language asks. */
export function say(de: string, en: string): string {
  return language === 'en' ? en : de;
}

/**
 * An error's message in the terminal's language: errors said to a person at the start (a database
 * that cannot be opened or updated, a data folder that cannot be written, a port taken) carry
 * their German beside the English message, which the JSON log keeps.
 */
export function inTerminalLanguage(error: Error): string {
  const german = (error as { german?: unknown }).german;
  return typeof german === 'string' ? say(german, error.message) : error.message;
}

const watched = new WeakSet<NodeJS.WriteStream>();

/**
 * One line to a person at the terminal. A terminal that is gone (the SSH session the server ran in
 * was closed: it stops on SIGHUP, and every write fails with EIO) or a closed pipe takes nothing
 * more, and the stop goes on: an error there would end it half done.
 */
export function toTerminal(stream: NodeJS.WriteStream, line: string): void {
  if (!watched.has(stream)) {
    watched.add(stream);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EIO' && error.code !== 'EPIPE') throw error;
    });
  }
  try {
    stream.write(`${line}\n`);
  } catch {
    // written synchronously to a terminal that is gone: nothing more to say there
  }
}

/** One line on stderr. */
export function complain(de: string, en: string): void {
  process.stderr.write(`${say(de, en)}\n`);
}

/**
 * Settings read without the spaces or line breaks around them (config.ts): said when a command
 * starts, naming the settings, never their values.
 */
export function changedSettings(config: Config): string | null {
  const names = [...config.carriageReturns, ...config.surroundingSpace];
  if (names.length === 0) return null;
  return say(
    `Gelesen ohne Leerzeichen, Tabulatoren oder Zeilenumbrüche (etwa das Wagenrücklaufzeichen einer unter Windows gespeicherten Datei) am Anfang oder Ende des Werts: ${names.join(', ')}. Entfernen Sie sie dort, wo die Einstellung steht.`,
    `Read without the spaces, tabs or line breaks (such as the carriage return of a file saved on Windows) at the start or end of the value: ${names.join(', ')}. Remove them where the setting is written.`,
  );
}

/** The embedded database is open in another process (most likely the server): stop it for the command. */
export function dataDirInUseForCommand(error: DataDirInUseError, command: string, unchanged: 'setup' | 'export') {
  return say(
    `Der Datenordner ${error.dataDir} wird von einem anderen Amtsraum-Prozess benutzt (Prozess ${String(error.ownerPid)}), ` +
      'wahrscheinlich vom laufenden Server: die eingebettete Datenbank öffnet sich nur in einem Prozess zugleich. ' +
      `Beenden Sie den Server, rufen Sie ${command} erneut auf und starten Sie danach den Server wieder. ` +
      (unchanged === 'setup' ? 'Nichts wurde geändert.' : 'Nichts wurde exportiert.'),
    `The data directory ${error.dataDir} is in use by another Amtsraum process (process ${String(error.ownerPid)}), ` +
      'most likely the running server: the embedded database opens in one process at a time. ' +
      `Stop the server, run ${command} again, then start the server again. ` +
      (unchanged === 'setup' ? 'Nothing was changed.' : 'Nothing was exported.'),
  );
}

/**
 * A filled-in `.env` in the folder the command runs in, with settings the environment lacks: nothing
 * reads that file but docker compose, so the command would write into (or read from) the embedded
 * database in ./data, sealing secrets under the development SESSION_SECRET, while the server runs
 * on the PostgreSQL and the secret the file names. Refused, changing nothing, with the way to run
 * it on the file's settings.
 */
export function unreadEnvFileRefusal(script: 'setup' | 'export', args: string[]): string | null {
  const unread = unreadEnvFileHere();
  if (!unread) return null;
  const last = unread.variables.length - 1;
  const names = (and: string) =>
    last === 0 ? unread.variables[0] : `${unread.variables.slice(0, last).join(', ')} ${and} ${unread.variables[last]}`;
  // The file is the working directory's: npm runs the command in the repository's root.
  const command = `node --env-file=.env server/dist/cli/${script}.js ${args.join(' ')}`.trim();
  return say(
    `${unread.file} wird nicht gelesen (nur docker compose liest .env), und ohne ${names('und')} liefe npm run ${script} ` +
      `auf anderen Einstellungen als der Server mit dieser Datei. ${script === 'setup' ? 'Nichts wurde geändert' : 'Nichts wurde exportiert'}. ` +
      `Mit den Einstellungen der Datei: ${command}` +
      ' (unter Docker: docker compose exec app …). Ist die Datei nicht die dieser Installation, verschieben Sie sie.',
    `${unread.file} is not read (only docker compose reads .env), and without ${names('and')} npm run ${script} would run ` +
      `on other settings than the server with that file. ${script === 'setup' ? 'Nothing was changed' : 'Nothing was exported'}. ` +
      `With the file's settings: ${command}` +
      " (under Docker: docker compose exec app …). If the file is not this installation's, move it away.",
  );
}
