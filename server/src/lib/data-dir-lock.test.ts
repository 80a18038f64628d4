import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError } from './data-dir-lock.js';

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
