import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Embedded PGlite must be opened by one process only: two would corrupt the data directory.
 * A lock file with the owner's pid and host keeps a second server out with a clear message;
 * a lock left by a crashed process is taken over. The lock also records the boot and the
 * owner's start time where the system tells them (Linux /proc): after a reboot or in a restarted
 * container, the recorded pid often belongs to an unrelated process, which must not block the
 * start (issue 11, item 7).
 */
export class DataDirInUseError extends Error {
  /** The same in German, for a terminal that is not English (cli/say.ts). */
  readonly german: string;
  constructor(
    public readonly dataDir: string,
    public readonly ownerPid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by another Amtsraum server (process ${ownerPid}). ` +
        'Stop that server first, or start this one with another DATA_DIR.',
    );
    this.german =
      `Der Datenordner ${dataDir} wird von einem anderen Amtsraum-Server benutzt (Prozess ${ownerPid}). ` +
      'Beenden Sie zuerst diesen Server, oder starten Sie diesen mit einem anderen DATA_DIR.';
    this.name = 'DataDirInUseError';
  }
}

/**
 * DATA_DIR (or a folder in it) cannot be created or written: named at the start with what to do,
 * instead of a stack trace (or, with PostgreSQL, a mail outbox that fails at its first message).
 */
export class DataDirUnwritableError extends Error {
  /** The same in German, for a terminal that is not English (cli/say.ts). */
  readonly german: string;
  constructor(
    public readonly dir: string,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | null)?.code;
    const failed = (cause as NodeJS.ErrnoException | null)?.path;
    const denied = code === 'EACCES' || code === 'EPERM';
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    // A file or folder inside it (files a start as root left), not the folder itself.
    const deniedInside = denied && failed !== undefined && failed !== dir;
    const other = cause instanceof Error ? cause.message : String(cause);
    // The file in the way is often a folder above the one named (DATA_DIR a file, its outbox asked for).
    const above = code === 'EEXIST' || code === 'ENOTDIR' ? fileInTheWay(dir) : null;
    const inTheWay = above === path.resolve(dir) ? null : above;
    const reason = (en: boolean) =>
      code === 'EEXIST' || code === 'ENOTDIR'
        ? en
          ? `a file is in the way where a folder must be${inTheWay ? `: ${inTheWay}` : ''}`
          : `wo ein Ordner sein muss, steht eine Datei${inTheWay ? `: ${inTheWay}` : ''}`
        : code === 'ENOENT' && failed
          ? en
            ? `cannot create ${failed}: the file system there does not allow it`
            : `${failed} lässt sich nicht anlegen: das Dateisystem dort erlaubt es nicht`
          : deniedInside
            ? en
              ? `permission denied for ${failed}`
              : `keine Berechtigung für ${failed}`
            : denied
              ? en
                ? 'permission denied'
                : 'keine Berechtigung'
              : code === 'EROFS'
                ? en
                  ? 'read-only file system'
                  : 'Dateisystem nur lesbar'
                : full
                  ? en
                    ? 'no space left on the device'
                    : 'kein Platz mehr auf dem Datenträger'
                  : en
                    ? other
                    : (((cause as { german?: unknown } | null)?.german as string | undefined) ?? other);
    const uid = typeof process.getuid === 'function' ? ` (uid ${String(process.getuid())})` : '';
    const todo = full
      ? 'Free space on that disk (or raise the quota), or set DATA_DIR to a folder on a disk with room.'
      : deniedInside
        ? `Make it writable with everything in it for the user running Amtsraum${uid}, e.g. with chown -R, or set DATA_DIR to another folder.`
        : `Make it a writable folder for the user running Amtsraum${uid}, or set DATA_DIR to one.`;
    const todoDe = full
      ? 'Schaffen Sie Platz auf diesem Datenträger (oder erhöhen Sie das Kontingent), oder setzen Sie DATA_DIR auf einen Ordner auf einem Datenträger mit Platz.'
      : deniedInside
        ? `Machen Sie ihn samt allem darin für den Benutzer, unter dem Amtsraum läuft${uid}, beschreibbar, etwa mit chown -R, oder setzen Sie DATA_DIR auf einen anderen Ordner.`
        : `Machen Sie ihn zu einem Ordner, den der Benutzer, unter dem Amtsraum läuft${uid}, beschreiben darf, oder setzen Sie DATA_DIR auf einen solchen.`;
    super(`DATA_DIR: cannot write to the folder ${dir} (${reason(true)}). ${todo}`);
    this.german = `DATA_DIR: in den Ordner ${dir} kann nicht geschrieben werden (${reason(false)}). ${todoDe}`;
    this.name = 'DataDirUnwritableError';
  }
}

/** The path of `dir` or a folder above it that is there, but not a folder; null if none is. */
function fileInTheWay(dir: string): string | null {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      if (!fs.statSync(at).isDirectory()) return at;
    } catch {
      // not there (or not reachable): look further up
    }
    if (path.dirname(at) === at) return null;
  }
}

/**
 * Creates `dir` and any missing parents one folder at a time, stopping at the first error. Node's
 * `mkdirSync(dir, { recursive: true })` loops for ever where a folder cannot be made although
 * its parent exists (under /proc it gets ENOENT, makes the parent, which "exists", and again),
 * hanging the start without a word and deaf to SIGTERM.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !fs.existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(folder).isDirectory()) throw error;
    }
  }
  if (!fs.statSync(dir).isDirectory()) {
    throw Object.assign(new Error(`not a folder: ${dir}`), { code: 'ENOTDIR', path: dir });
  }
}

/** Creates `dir` if needed and proves it writable with a file written and removed again. */
export function ensureWritableDir(dir: string): void {
  const probe = path.join(dir, `.amtsraum-write-test-${String(process.pid)}`);
  try {
    makeFolders(dir);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (error) {
    throw new DataDirUnwritableError(dir, error);
  }
}

/**
 * The first file or folder in `dir` this user may not read and write, or null. A folder whose top
 * was handed to the service's user while the files a start as root made inside were not (a chown
 * without -R, a backup unpacked as root) lets the embedded database fail in its own words only.
 */
export function firstUnwritableEntry(dir: string): string | null {
  const { R_OK, W_OK, X_OK } = fs.constants;
  const folders = [dir];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    let entries: fs.Dirent[];
    try {
      fs.accessSync(folder, R_OK | W_OK | X_OK);
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return folder;
    }
    for (const entry of entries) {
      const at = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        folders.push(at);
        continue;
      }
      try {
        fs.accessSync(at, R_OK | W_OK);
      } catch {
        return at;
      }
    }
  }
  return null;
}

export interface DataDirLock {
  release(): void;
}

const LOCK_NAME = 'amtsraum.lock';

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // our own old pid, e.g. pid 1 in a restarted container
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** This boot of the machine (Linux), or null where the system does not say. */
function bootId(): string | null {
  return readText('/proc/sys/kernel/random/boot_id');
}

/** When `pid` started, in clock ticks since boot (Linux), or null where the system does not say. */
export function processStart(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  // The command name (field 2) may contain spaces and parentheses: count fields after its end.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields?.[19] ?? null;
}

interface LockOwner {
  pid?: unknown;
  host?: unknown;
  bootId?: unknown;
  start?: unknown;
}

/** Whether the process that wrote the lock still runs. */
function ownerRuns(owner: LockOwner, pid: number): boolean {
  if (owner.host !== os.hostname()) return true; // another machine on a shared volume: cannot tell
  if (!isAlive(pid)) return false;
  // The pid is taken, but perhaps by another program since a reboot or a container restart.
  const boot = bootId();
  if (typeof owner.bootId === 'string' && boot && owner.bootId !== boot) return false;
  const start = processStart(pid);
  if (typeof owner.start === 'string' && start && owner.start !== start) return false;
  return true;
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  ensureWritableDir(dataDir);
  const lockPath = path.join(dataDir, LOCK_NAME);
  const content = JSON.stringify({
    pid: process.pid,
    host: os.hostname(),
    bootId: bootId(),
    start: processStart(process.pid),
    since: new Date().toISOString(),
  });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, content, { flag: 'wx' });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(lockPath, 'utf8') === content) fs.unlinkSync(lockPath);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        // Made, but its content not written (a full disk takes the empty probe above, not this):
        // named as DATA_DIR's, not a stack, and no empty lock left behind.
        fs.rmSync(lockPath, { force: true });
        throw new DataDirUnwritableError(dataDir, error);
      }
      let owner: LockOwner = {};
      try {
        owner = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockOwner;
      } catch {
        // unreadable or half-written: treat as stale
      }
      const pid = typeof owner.pid === 'number' ? owner.pid : NaN;
      if (Number.isInteger(pid) && ownerRuns(owner, pid)) throw new DataDirInUseError(dataDir, pid);
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}
