import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { killServers, spawnServer as run } from './test/processes.js';

const dirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-main-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await killServers();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the server process', () => {
  it('refuses to start on bad configuration, naming the variable and the form', async () => {
    const child = run({ PORT: 'dreitausend', NODE_ENV: 'production', DATA_DIR: tempDir() });
    // Its own exit code: a restart will not help (docker compose ps: "Restarting (78)").
    expect(await child.exited).toBe(78);
    expect(child.stderr()).toContain('PORT: expected a whole number from 0 to 65535 (got "dreitausend")');
    expect(child.stderr()).toContain('SESSION_SECRET: must be set in production');
  });

  it('names DATABASE_URL plainly, without a stack or the password, when PostgreSQL cannot be reached', async () => {
    const child = run({ DATABASE_URL: 'postgres://amtsraum:geheim-pw@127.0.0.1:1/amtsraum', DATA_DIR: tempDir() });
    expect(await child.exited).toBe(1);
    const said = child.stderr() + child.stdout();
    expect(said).toContain('DATABASE_URL: cannot open the PostgreSQL database at 127.0.0.1:1/amtsraum as amtsraum');
    expect(said).toContain('ECONNREFUSED');
    expect(said).not.toContain('geheim-pw');
    expect(said).not.toMatch(/\n\s+at |"stack"/);
  });

  it('names PORT when the port is taken, and DATA_DIR when it cannot be written, without a stack', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const child = run({ PORT: String(port), DATA_DIR: tempDir(), SEED_DEMO: 'false' });
      expect(await child.exited).toBe(1);
      expect(child.stderr()).toContain(`PORT: 127.0.0.1:${String(port)} is already in use by another program`);
      expect(child.stderr() + child.stdout()).not.toMatch(/\n\s+at |"stack"/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }

    // A file where the folder should be (as root, permissions would not stop the test).
    const inTheWay = path.join(tempDir(), 'data');
    fs.writeFileSync(inTheWay, '');
    const child = run({ DATA_DIR: inTheWay, SEED_DEMO: 'false', HTTP_CONNECTIONS_PER_ADDRESS: '5' });
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toContain(`DATA_DIR: cannot write to the folder ${inTheWay}`);
    expect(child.stderr() + child.stdout()).not.toMatch(/\n\s+at |"stack"/);
    // Settings at odds with each other are named at the start, which goes on to the next step.
    expect(child.stdout()).toContain('HTTP_CONNECTIONS_PER_ADDRESS (5) is not above WS_CONNECTIONS_PER_ADDRESS (200)');

    // Where no folder can be made although its parent is there (/proc), the start stops with the
    // reason: it once spun for ever without a word, deaf to SIGTERM.
    const underProc = run({ DATA_DIR: '/proc/amtsraum-data/db', SEED_DEMO: 'false' });
    expect(await underProc.exited).toBe(1);
    // (its mail outbox or its database folder, whichever the start makes first)
    expect(underProc.stderr()).toMatch(
      /DATA_DIR: cannot write to the folder \/proc\/amtsraum-data\/db\S* \(cannot create \/proc\/amtsraum-data: /,
    );
    expect(underProc.stderr() + underProc.stdout()).not.toMatch(/\n\s+at |"stack"/);

    const host = run({ HOST: 'no-such-host.invalid', DATA_DIR: tempDir(), SEED_DEMO: 'false' });
    expect(await host.exited).toBe(1);
    expect(host.stderr()).toContain('HOST: the name no-such-host.invalid cannot be resolved');
  }, 60_000);

  it('seeds once, keeps a second server off its data directory, and shuts down cleanly', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, SEED_DEMO: 'true', SEED_DEMO_PASSWORD: 'demo-passwort-123' };

    // A setting misspelt by the town hall's IT is named, with the right name; the start goes on.
    const first = run({ ...env, RETENTION_DAY: '7' });
    const url = await first.url();
    expect(first.stdout()).toContain(
      'RETENTION_DAY is not a setting of Amtsraum and is ignored; did you mean RETENTION_DAYS? (infra/.env.example lists every setting)',
    );
    expect(first.stdout()).toContain('anna.schmidt@musterstadt.example');
    // The password the operator chose is theirs already: named, not repeated into the log.
    expect(first.stdout()).toContain('each with the password set in SEED_DEMO_PASSWORD');
    expect(first.stdout()).not.toContain('demo-passwort-123');
    const tenants = (await (await fetch(`${url}/api/tenants`)).json()) as { tenants: { slug: string }[] };
    expect(tenants.tenants.map((t) => t.slug).sort()).toEqual(['beispielheim', 'musterstadt']);

    // A citizen waiting when the server stops keeps their place across the restart.
    const knock = await fetch(`${url}/api/tenants/musterstadt/departments/fundbuero/knock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Wartet', concern: 'Schlüssel verloren', language: 'de', consent: true }),
    });
    const visitCookie = knock.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const knocked = knock.status === 201; // the demo door follows real opening hours

    const second = run(env);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/data directory .* is in use by another Amtsraum server \(process \d+\)/);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);

    first.process.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'amtsraum.lock'))).toBe(false);

    // The data survived and is not seeded twice.
    const third = run(env);
    const thirdUrl = await third.url();
    expect(third.stdout()).not.toContain('anna.schmidt@musterstadt.example');
    const again = (await (await fetch(`${thirdUrl}/api/tenants/musterstadt`)).json()) as { departments: unknown[] };
    expect(again.departments).toHaveLength(3);
    if (knocked) {
      const visit = (await (await fetch(`${thirdUrl}/api/visit`, { headers: { cookie: visitCookie } })).json()) as {
        visit: { state: string; position: number };
      };
      expect(visit.visit).toMatchObject({ state: 'waiting', position: 1 });
    }
    third.process.kill('SIGINT');
    expect(await third.exited).toBe(0);
  }, 90_000);

  it('stopped while it starts, ends after the step under way, cleanly (the database not cut off)', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, SEED_DEMO: 'true', SEED_DEMO_PASSWORD: 'demo-passwort-123' };
    const first = run(env);
    // The lock is taken when the database opens: the migrations and the seed are under way.
    const lock = path.join(dataDir, 'amtsraum.lock');
    for (let i = 0; i < 600 && !fs.existsSync(lock); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(fs.existsSync(lock)).toBe(true);
    first.process.kill('SIGTERM');
    // Before, the default action ended it at once: exit code null (killed), the seed half written.
    expect(await first.exited).toBe(0);
    expect(first.stderr() + first.stdout()).not.toMatch(/\n\s+at |"stack"/);
    expect(first.stdout()).toContain('Amtsraum was stopped while starting (SIGTERM); nothing was left half-written.');
    // It never listened.
    expect(first.stdout()).not.toContain('Amtsraum is listening');
    expect(fs.existsSync(lock)).toBe(false);

    // What it did is whole: the next start finds the demo seeded, or seeds it now (the seed is
    // one transaction), never a part of it.
    const second = run(env);
    const url = await second.url();
    const tenants = (await (await fetch(`${url}/api/tenants`)).json()) as { tenants: { slug: string }[] };
    expect(tenants.tenants.map((t) => t.slug).sort()).toEqual(['beispielheim', 'musterstadt']);
    const musterstadt = (await (await fetch(`${url}/api/tenants/musterstadt`)).json()) as { departments: unknown[] };
    expect(musterstadt.departments).toHaveLength(3);
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 150_000);

  // The start waited for the stop's turn until PostgreSQL answered or the 30 s were up, then said
  // DATABASE_URL could not be opened and exited 1: `docker stop` ran into its own timeout, and
  // Ctrl-C seemed to do nothing.
  it('stopped while it waits for a PostgreSQL that does not answer, ends at once, in the terminal language', async () => {
    // Something that takes each connection and closes it at once, as a port forward in front of a
    // PostgreSQL that is down does: the start waits there for its 30 s.
    let connections = 0;
    const sockets = new Set<net.Socket>();
    const closing = net.createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.end();
    });
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const url = `postgres://amtsraum:geheim@127.0.0.1:${String((closing.address() as net.AddressInfo).port)}/amtsraum`;
    try {
      for (const [signal, locale, said] of [
        ['SIGTERM', 'en_US.UTF-8', 'Amtsraum was stopped while starting (SIGTERM); nothing was left half-written.'],
        ['SIGINT', '', 'Amtsraum wurde während des Starts beendet (SIGINT); nichts wurde halb geschrieben.'],
      ] as const) {
        connections = 0;
        const child = run({ DATABASE_URL: url, DATA_DIR: tempDir(), LANG: locale });
        // The start is at the database: it has knocked there.
        await vi.waitFor(() => expect(connections).toBeGreaterThan(0), { timeout: 30_000, interval: 50 });
        child.process.kill(signal);
        expect(await child.exited, signal).toBe(0);
        expect(child.stdout(), signal).toContain(said);
        expect(child.stdout()).toMatch(new RegExp(`"signal":"${signal}"[^\\n]*stopped while starting`));
        // Not said as a database that cannot be opened, and no stack.
        expect(child.stderr(), signal).not.toContain('DATABASE_URL');
        expect(child.stderr() + child.stdout()).not.toMatch(/\n\s+at |"stack"/);
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => closing.close(resolve));
    }
  }, 120_000);

  it('stops cleanly on SIGHUP, as when the SSH session it was started in is closed', async () => {
    const dataDir = tempDir();
    const lock = path.join(dataDir, 'amtsraum.lock');
    const child = run({ DATA_DIR: dataDir, SEED_DEMO: 'false' });
    await child.url();
    expect(fs.existsSync(lock)).toBe(true);
    child.process.kill('SIGHUP');
    // Before, the default action ended it at once: exit code null, the lock left behind.
    expect(await child.exited).toBe(0);
    expect(child.stdout()).toMatch(/"signal":"SIGHUP"[^\n]*shutting down/);
    expect(fs.existsSync(lock)).toBe(false);
  }, 90_000);

  it('stops cleanly when the SSH session it runs in is closed, though its terminal is gone then', async () => {
    const dataDir = tempDir();
    const lock = path.join(dataDir, 'amtsraum.lock');
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    // The exit code of a process that is not the test's child, written down as it exits.
    const exitFile = path.join(dataDir, 'exit-code');
    const witness = path.join(dataDir, 'witness.mjs');
    fs.writeFileSync(
      witness,
      `import fs from 'node:fs';\nprocess.on('exit', (code) => fs.writeFileSync(${JSON.stringify(exitFile)}, String(code)));\n`,
    );
    // A terminal of its own (util-linux script), as an SSH session gives; the server leads the
    // session there, as when a login shell passes the hang-up on to it.
    const command = `exec "${process.execPath}" --import tsx --import "${witness}" --conditions=source "${main}"`;
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], {
      env: {
        PATH: process.env.PATH ?? '',
        SHELL: '/bin/sh',
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'info',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    terminal.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await vi.waitFor(() => expect(out).toContain('Amtsraum is listening'), { timeout: 60_000, interval: 100 });
    const { pid } = JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid: number };
    try {
      // The session closes: the terminal hangs up, the server gets SIGHUP, and every line it
      // writes from then on fails (EIO). Before, that failure ended it mid-stop, with exit code 1.
      terminal.kill('SIGKILL');
      await vi.waitFor(() => expect(fs.existsSync(exitFile)).toBe(true), { timeout: 20_000, interval: 100 });
      expect(fs.readFileSync(exitFile, 'utf8')).toBe('0');
      expect(fs.existsSync(lock)).toBe(false);
    } finally {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
  }, 90_000);

  it('started by npm, stops cleanly when the shell npm ran it in ends without passing the stop on', async () => {
    const dataDir = tempDir();
    const lock = path.join(dataDir, 'amtsraum.lock');
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    // As npm runs a script: in `sh -c`, which here, as dash does, stays the server's parent.
    const shell = spawn('sh', ['-c', `"${process.execPath}" --import tsx --conditions=source "${main}"; true`], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        SEED_DEMO: 'false',
        npm_lifecycle_event: 'serve',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    shell.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await vi.waitFor(() => expect(out).toContain('Amtsraum is listening'), { timeout: 60_000, interval: 100 });
    const { pid } = JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid: number };
    try {
      // npm passes SIGTERM to the shell, which ends without handing it on.
      shell.kill('SIGKILL');
      // The server saw its shell gone and stopped as on SIGTERM: its lock is given back.
      await vi.waitFor(() => expect(fs.existsSync(lock)).toBe(false), { timeout: 20_000, interval: 100 });
      await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(), { timeout: 10_000, interval: 100 });
    } finally {
      try {
        process.kill(pid, 'SIGKILL'); // left running without the fix
      } catch {
        // gone, as it should be
      }
    }
  }, 90_000);
});
