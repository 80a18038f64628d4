import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { auditEvents } from '../db/schema.js';
import { acquireDataDirLock } from '../lib/data-dir-lock.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../../..');
const exec = promisify(execFile);
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function cli(name: 'setup' | 'export', args: string[], dataDir: string, env: Record<string, string> = {}) {
  return exec(process.execPath, ['--import', 'tsx', '--conditions=source', path.join(here, `${name}.ts`), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      LANG: 'en_US.UTF-8',
      NODE_ENV: 'test',
      SEED_DEMO: 'false',
      DATA_DIR: dataDir,
      ...env,
    },
  });
}

describe('npm run export', () => {
  it('writes the file given after the slug, which npm run setup reads back (no npm lines in it)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-export-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'data');
    await cli('setup', ['infra/installation.example.json'], dataDir);
    const file = path.join(dir, 'dormagen.json');
    // A file of that name left by an earlier export, readable by all (the usual umask).
    fs.writeFileSync(file, '{}', { mode: 0o644 });
    fs.chmodSync(file, 0o644);

    const exported = await cli('export', ['dormagen', file], dataDir);
    expect(exported.stdout).toBe('');
    expect(exported.stderr).toContain(`Municipality "dormagen" written to ${file}.`);
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { tenants: { slug: string }[] };
    expect(written.tenants.map((tenant) => tenant.slug)).toEqual(['dormagen']);
    // The staff's names and addresses: readable by the exporting account only.
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    const fresh = path.join(dir, 'fresh.json');
    await cli('export', ['dormagen', fresh], dataDir);
    expect((fs.statSync(fresh).mode & 0o777).toString(8)).toBe('600');

    const again = await cli('setup', [file], dataDir);
    expect(again.stdout).toContain('dormagen: 1 departments, 2 staff');
  }, 120_000);

  it('names DATABASE_URL plainly, without the password, when PostgreSQL cannot be reached (setup too)', async () => {
    const env = { DATABASE_URL: 'postgres://amtsraum:geheim-pw@127.0.0.1:1/amtsraum' };
    for (const [name, args] of [
      ['export', ['dormagen']],
      ['setup', ['infra/installation.example.json']],
    ] as const) {
      const failed = await cli(name, [...args], os.tmpdir(), env).then(
        () => null,
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain('DATABASE_URL: cannot open the PostgreSQL database at 127.0.0.1:1/amtsraum');
      expect(failed?.stderr).not.toContain('geheim-pw');
    }
  }, 60_000);
  it('tells to stop the server, not to take another DATA_DIR, while a server holds the embedded database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-export-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'data');
    // The running server's lock, held by this process.
    const lock = acquireDataDirLock(dataDir);
    try {
      for (const [name, args, unchanged] of [
        ['export', ['dormagen', path.join(dir, 'out.json')], 'Nothing was exported.'],
        ['setup', ['infra/installation.example.json'], 'Nothing was changed.'],
      ] as const) {
        const failed = await cli(name, [...args], dataDir).then(
          () => null,
          (error: unknown) => error as { code: number; stderr: string },
        );
        expect(failed?.code).toBe(1);
        expect(failed?.stderr).toContain(
          `The data directory ${dataDir} is in use by another Amtsraum process (process ${String(process.pid)})`,
        );
        expect(failed?.stderr).toContain(
          `Stop the server, run npm run ${name} again, then start the server again. ${unchanged}`,
        );
        expect(failed?.stderr).not.toContain('another DATA_DIR');
      }
      expect(fs.existsSync(path.join(dir, 'out.json'))).toBe(false);
    } finally {
      lock.release();
    }
  }, 60_000);

  it('setup reads a Windows editor\'s UTF-8 with a byte order mark, and refuses its "ANSI" file, changing nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-setup-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'data');
    const example = fs.readFileSync(path.join(ROOT, 'infra/installation.example.json'), 'utf8');
    const ansi = path.join(dir, 'ansi.json');
    fs.writeFileSync(ansi, Buffer.from(example, 'latin1'));
    const refused = await cli('setup', [ansi], dataDir).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(
      /ansi\.json cannot be read; nothing was changed: the file is not UTF-8 \(line \d+, column \d+;/,
    );
    const nothing = await cli('export', ['dormagen'], dataDir).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(nothing?.code).toBe(1);

    const bom = path.join(dir, 'bom.json');
    fs.writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(example, 'utf8')]));
    await cli('setup', [bom], dataDir);
    const exported = await cli('export', ['dormagen'], dataDir);
    expect(exported.stdout).toContain('"Sachbearbeitung Bürgerbüro"');
  }, 120_000);
  it('setup refuses a pipe or device in one line instead of waiting on it for ever', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-setup-'));
    dirs.push(dir);
    const pipe = path.join(dir, 'installation.json');
    await exec('mkfifo', [pipe]);
    const refused = await exec(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', path.join(here, 'setup.ts'), pipe],
      {
        cwd: ROOT,
        timeout: 30_000,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATA_DIR: path.join(dir, 'data') },
      },
    ).then(
      () => null,
      (error: unknown) => error as { code: number | null; stderr: string },
    );
    // No LANG: German, the product's default.
    expect(refused?.stderr).toContain(
      `${pipe} kann nicht gelesen werden: keine Datei, sondern ein Gerät oder eine Pipe; nichts wurde geändert.`,
    );
    expect(refused?.code).toBe(1);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  }, 60_000);
  it('names the municipalities there for a slug it does not know, and audits no export it could not write', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-export-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'data');
    await cli('setup', ['infra/installation.example.json'], dataDir);
    const failed = (args: string[]) =>
      cli('export', args, dataDir).then(
        () => null,
        (error: unknown) => error as { code: number; stderr: string },
      );

    const typo = await failed(['Dormagen']);
    expect(typo?.code).toBe(1);
    expect(typo?.stderr).toContain('No municipality "Dormagen" in this installation; its municipalities: dormagen.');

    const nowhere = path.join(dir, 'no-such-folder', 'dormagen.json');
    const unwritten = await failed(['dormagen', nowhere]);
    expect(unwritten?.code).toBe(1);
    expect(unwritten?.stderr).toContain(`Cannot write ${nowhere}: its folder does not exist; nothing was exported.`);
    const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    try {
      const audited = await database.db
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(eq(auditEvents.action, 'tenant.exported'));
      expect(audited).toEqual([]);
    } finally {
      await database.close();
    }
  }, 120_000);
});
