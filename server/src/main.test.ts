import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// The real entry point in a child process: what `npm start` runs, minus the build.
const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');

interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: Child[] = [];
const dirs: string[] = [];

function run(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', MAIN], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const handle = { process: child, stdout: () => out, stderr: () => err, exited };
  children.push(handle);
  return handle;
}

async function listeningUrl(child: Child): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const match = /"url":"(http:\/\/[^"]+)"[^\n]*Amtsraum is listening/.exec(child.stdout());
    if (match?.[1]) return match[1];
    if (child.process.exitCode !== null) throw new Error(`server exited: ${child.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not start');
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-main-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the server process', () => {
  it('refuses to start on bad configuration, naming the variable and the form', async () => {
    const child = run({ PORT: 'dreitausend', NODE_ENV: 'production', DATA_DIR: tempDir() });
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toContain('PORT: expected a whole number from 0 to 65535 (got "dreitausend")');
    expect(child.stderr()).toContain('SESSION_SECRET: must be set in production');
  });

  it('seeds once, keeps a second server off its data directory, and shuts down cleanly', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, SEED_DEMO: 'true', SEED_DEMO_PASSWORD: 'demo-passwort-123' };

    const first = run(env);
    const url = await listeningUrl(first);
    expect(first.stdout()).toContain('anna.schmidt@musterstadt.example');
    expect(first.stdout()).toContain('demo-passwort-123');
    const tenants = (await (await fetch(`${url}/api/tenants`)).json()) as { tenants: { slug: string }[] };
    expect(tenants.tenants.map((t) => t.slug).sort()).toEqual(['beispielheim', 'musterstadt']);

    const second = run(env);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/data directory .* is in use by another Amtsraum server \(process \d+\)/);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);

    first.process.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'amtsraum.lock'))).toBe(false);

    // The data survived and is not seeded twice.
    const third = run(env);
    const thirdUrl = await listeningUrl(third);
    expect(third.stdout()).not.toContain('anna.schmidt@musterstadt.example');
    const again = (await (await fetch(`${thirdUrl}/api/tenants/musterstadt`)).json()) as { departments: unknown[] };
    expect(again.departments).toHaveLength(3);
    third.process.kill('SIGINT');
    expect(await third.exited).toBe(0);
  }, 90_000);
});
