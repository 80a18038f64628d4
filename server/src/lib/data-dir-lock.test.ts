import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  acquireDataDirLock,
  DataDirInUseError,
  DataDirUnwritableError,
  ensureWritableDir,
  processStart,
} from './data-dir-lock.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('acquireDataDirLock', () => {
  it('keeps a second owner out while the first holds it, and lets it in after release', () => {
    const dir = tempDir();
    const first = acquireDataDirLock(dir);
    // A live process other than this one holds it: the parent process stands in for it.
    fs.writeFileSync(path.join(dir, 'amtsraum.lock'), JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
    expect(() => acquireDataDirLock(dir)).toThrow(/in use by another Amtsraum server \(process \d+\)/);
    fs.rmSync(path.join(dir, 'amtsraum.lock'));
    first.release();
    const second = acquireDataDirLock(dir);
    second.release();
    expect(fs.existsSync(path.join(dir, 'amtsraum.lock'))).toBe(false);
  });

  it('takes over a lock left by a process that no longer runs', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'amtsraum.lock'), JSON.stringify({ pid: 2 ** 22 + 12_345, host: os.hostname() }));
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'amtsraum.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('does not take over a lock held from another host (a shared volume)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'amtsraum.lock'), JSON.stringify({ pid: 1, host: 'other-host' }));
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
  });
});

// Linux tells boot and process start times; elsewhere the lock falls back to "is the pid alive".
describe.runIf(fs.existsSync('/proc/sys/kernel/random/boot_id'))('acquireDataDirLock after a reboot', () => {
  const bootId = () => fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  // The parent process is alive and unrelated to the lock: what a reused pid looks like.
  const lockNaming = (dir: string, owner: Record<string, unknown>) =>
    fs.writeFileSync(
      path.join(dir, 'amtsraum.lock'),
      JSON.stringify({ pid: process.ppid, host: os.hostname(), ...owner }),
    );

  it('takes over a lock from an earlier boot whose pid now belongs to an unrelated process', () => {
    const dir = tempDir();
    lockNaming(dir, { bootId: '00000000-0000-4000-8000-000000000000', start: processStart(process.ppid) });
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'amtsraum.lock'), 'utf8'))).toMatchObject({
      pid: process.pid,
      bootId: bootId(),
      start: processStart(process.pid),
    });
    lock.release();
  });

  it('takes over a lock whose pid was reused in this boot (a restarted container)', () => {
    const dir = tempDir();
    lockNaming(dir, { bootId: bootId(), start: '1' });
    acquireDataDirLock(dir).release();
  });

  it('still keeps out a second server while the recorded process runs', () => {
    const dir = tempDir();
    lockNaming(dir, { bootId: bootId(), start: processStart(process.ppid) });
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
  });
});

describe('ensureWritableDir', () => {
  it('creates the folder, leaves nothing in it, and names DATA_DIR when a file is in the way', () => {
    const dir = path.join(tempDir(), 'a', 'b');
    ensureWritableDir(dir);
    expect(fs.readdirSync(dir)).toEqual([]);
    const file = path.join(tempDir(), 'file');
    fs.writeFileSync(file, '');
    expect(() => ensureWritableDir(path.join(file, 'outbox'))).toThrow(DataDirUnwritableError);
    expect(() => acquireDataDirLock(file)).toThrow(/^DATA_DIR: cannot write to the folder .*a file is in the way/);
  });
});

// A data disk full to the last byte: the folder's probe (an empty file) still passes, the lock's
// content does not fit. The start ended in "start failed" and a stack, with an empty lock left.
// On a real full disk: a small tmpfs, which only root may mount (CI runs as root).
describe('the lock on a full disk', () => {
  it('is refused as DATA_DIR without space, with what to do, and leaves no empty lock', (context) => {
    const dir = tempDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      context.skip();
    }
    try {
      const fd = fs.openSync(path.join(dir, 'filler'), 'w');
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(4096));
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        fs.closeSync(fd);
      }
      const failure = (() => {
        try {
          acquireDataDirLock(dir);
          return null;
        } catch (error) {
          return error;
        }
      })();
      expect(failure).toBeInstanceOf(DataDirUnwritableError);
      expect((failure as Error).message).toBe(
        `DATA_DIR: cannot write to the folder ${dir} (no space left on the device). ` +
          'Free space on that disk (or raise the quota), or set DATA_DIR to a folder on a disk with room.',
      );
      expect(fs.existsSync(path.join(dir, 'amtsraum.lock'))).toBe(false);
    } finally {
      execFileSync('umount', [dir]);
    }
  });
});
