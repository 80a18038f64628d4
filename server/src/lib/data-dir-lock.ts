import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Embedded PGlite must be opened by one process only: two would corrupt the data directory.
 * A lock file with the owner's pid and host keeps a second server out with a clear message;
 * a lock left by a crashed process is taken over.
 */
export class DataDirInUseError extends Error {
  constructor(
    public readonly dataDir: string,
    public readonly ownerPid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by another Amtsraum server (process ${ownerPid}). ` +
        'Stop that server first, or start this one with another DATA_DIR.',
    );
    this.name = 'DataDirInUseError';
  }
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

export function acquireDataDirLock(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_NAME);
  const content = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
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
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: { pid?: unknown; host?: unknown } = {};
      try {
        owner = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as typeof owner;
      } catch {
        // unreadable or half-written: treat as stale
      }
      const pid = typeof owner.pid === 'number' ? owner.pid : NaN;
      const sameHost = owner.host === os.hostname();
      if (Number.isInteger(pid) && (!sameHost || isAlive(pid))) throw new DataDirInUseError(dataDir, pid);
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}
