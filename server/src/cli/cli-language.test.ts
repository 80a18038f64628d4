import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The start of the server, `npm run setup` and `npm run export` speak the terminal's language: they
// once said everything in English, while German is the product's default.

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-cli-language-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ENTRY_POINTS = {
  start: [path.join(here, '../main.ts')],
  setup: [path.join(here, 'setup.ts'), 'infra/installation.example.json'],
  export: [path.join(here, 'export.ts'), 'dormagen'],
} as const;

/** Runs an entry point with a bad setting (and a half-given LiveKit); resolves with its exit code and stderr. */
function run(entry: keyof typeof ENTRY_POINTS, locale: Record<string, string | undefined>) {
  const [script, ...args] = ENTRY_POINTS[entry];
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', script, ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          DATA_DIR: path.join(dir, 'data'),
          PORT: 'dreitausend',
          MEDIA_MODE: 'livekit',
          ...locale,
        },
      },
      (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
    );
  });
}

describe.each(Object.keys(ENTRY_POINTS) as (keyof typeof ENTRY_POINTS)[])('%s with a bad setting', (entry) => {
  it('says it in German by default and with a German locale, setting names and values as given', async () => {
    for (const locale of [{}, { LANG: 'en_US.UTF-8', LC_ALL: 'de_DE.UTF-8' }]) {
      const { code, stderr } = await run(entry, locale);
      expect(code, JSON.stringify(locale)).toBe(1);
      expect(stderr, JSON.stringify(locale)).toContain('Ungültige Konfiguration:');
      expect(stderr).toContain('PORT: erwartet eine ganze Zahl von 0 bis 65535 (angegeben: "dreitausend")');
      expect(stderr).toContain(
        'LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET: fehlen; LiveKit braucht LIVEKIT_URL, LIVEKIT_API_KEY und ' +
          'LIVEKIT_API_SECRET zusammen, und MEDIA_MODE=livekit ist gesetzt. Setzen Sie die fehlenden, oder setzen Sie ' +
          'MEDIA_MODE=p2p, um die eingebauten Peer-to-Peer-Anrufe zu nutzen',
      );
      expect(stderr).not.toMatch(/expected|Invalid configuration/);
    }
  }, 60_000);

  it('says it in English when LANG, LC_MESSAGES or LC_ALL names English', async () => {
    for (const locale of [{ LANG: 'en_US.UTF-8' }, { LANG: 'de_DE.UTF-8', LC_MESSAGES: 'en_GB.UTF-8' }]) {
      const { code, stderr } = await run(entry, locale);
      expect(code, JSON.stringify(locale)).toBe(1);
      expect(stderr, JSON.stringify(locale)).toContain('Invalid configuration:');
      expect(stderr).toContain('PORT: expected a whole number from 0 to 65535 (got "dreitausend")');
      expect(stderr).toContain('Set the missing ones, or set MEDIA_MODE=p2p to use the built-in peer-to-peer calls');
      expect(stderr).not.toMatch(/erwartet|Ungültige/);
    }
  }, 60_000);
});

describe('npm run setup, in German', () => {
  it('says what it wrote and the new logins in German, names and e-mail addresses as given', async () => {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', '--conditions=source', path.join(here, 'setup.ts'), 'infra/installation.example.json'],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            NODE_ENV: 'test',
            SEED_DEMO: 'false',
            DATA_DIR: path.join(dir, 'written'),
          },
        },
        (error, out) => (error ? reject(error) : resolve({ stdout: out })),
      ),
    );
    expect(stdout).toContain('Installation geschrieben:\n  dormagen: 1 Amt, 2 Mitarbeitende\n');
    expect(stdout).toMatch(
      /Neue Konten \(Passwörter nur dieses eine Mal angezeigt; .*\n {2}sachbearbeitung@stadt-dormagen\.example /,
    );
  }, 120_000);
});

describe('npm run setup and export beside a filled-in .env', () => {
  // Before: `cp infra/.env.example .env`, filled in for the server (node --env-file=.env), then
  // `npm run setup -- …` wrote the municipalities into the embedded database in ./data, with the
  // development SESSION_SECRET, and said "Installation written" while the server on PostgreSQL
  // saw none of it.
  it('refuses, changing nothing, naming the settings not in force and the command that reads them', async () => {
    const folder = path.join(dir, 'beside-env');
    fs.mkdirSync(folder);
    fs.writeFileSync(
      path.join(folder, '.env'),
      'DATABASE_URL=postgres://amtsraum:pw@127.0.0.1:1/amtsraum\r\nSESSION_SECRET=aus-der-datei-aus-der-datei-aus-der-datei\r\n#PORT=3000\r\n',
    );
    const loader = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    const example = path.join(ROOT, 'infra/installation.example.json');
    const run = (script: string, args: string[], locale: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ['--import', loader, '--conditions=source', path.join(here, script), ...args],
          { cwd: folder, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...locale } },
          (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
        );
      });
    const setup = await run('setup.ts', [example], {});
    expect(setup.code).toBe(1);
    expect(setup.stderr).toContain(
      `${path.join(folder, '.env')} wird nicht gelesen (nur docker compose liest .env), und ohne DATABASE_URL und ` +
        'SESSION_SECRET liefe npm run setup auf anderen Einstellungen als der Server mit dieser Datei. Nichts wurde geändert. ' +
        `Mit den Einstellungen der Datei: node --env-file=.env server/dist/cli/setup.js ${example}`,
    );
    const exported = await run('export.ts', ['dormagen'], { LANG: 'en_US.UTF-8' });
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain(
      'and without DATABASE_URL and SESSION_SECRET npm run export would run on other settings',
    );
    expect(exported.stderr).toContain('node --env-file=.env server/dist/cli/export.js dormagen');
    // Nothing written: no embedded database was made beside it.
    expect(fs.existsSync(path.join(folder, 'data'))).toBe(false);
    // The settings in the environment, as node --env-file gives them: the file is no reason to refuse.
    const given = await run('export.ts', ['dormagen'], {
      DATABASE_URL: 'postgres://amtsraum:pw@127.0.0.1:1/amtsraum',
      SESSION_SECRET: 'aus-der-datei-aus-der-datei-aus-der-datei',
    });
    expect(given.stderr).not.toContain('wird nicht gelesen');
    expect(given.stderr).toContain('DATABASE_URL');
  }, 120_000);
});

describe('the start and the commands, when the database or the port cannot be had', () => {
  it('say so in German, the address as given and the password left out', async () => {
    const url = 'postgres://amtsraum:geheim-pw@127.0.0.1:1/amtsraum';
    const runWith = (script: string, args: string[], env: Record<string, string>) =>
      new Promise<string>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', '--conditions=source', script, ...args],
          {
            cwd: ROOT,
            env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATA_DIR: path.join(dir, 'db'), ...env },
          },
          (_error, _stdout, stderr) => resolve(stderr),
        );
      });
    for (const [script, args] of [
      [path.join(here, '../main.ts'), []],
      [path.join(here, 'export.ts'), ['dormagen']],
    ] as const) {
      const stderr = await runWith(script, [...args], { DATABASE_URL: url, PORT: '0' });
      expect(stderr, script).toContain(
        'DATABASE_URL: die PostgreSQL-Datenbank 127.0.0.1:1/amtsraum als amtsraum lässt sich nicht öffnen (',
      );
      expect(stderr).not.toContain('geheim-pw');
    }
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as net.AddressInfo).port);
      const stderr = await runWith(path.join(here, '../main.ts'), [], { PORT: port, SEED_DEMO: 'false' });
      expect(stderr).toContain(`PORT: 127.0.0.1:${port} wird schon von einem anderen Programm benutzt`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 120_000);
});
