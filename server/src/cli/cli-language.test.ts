import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { lastMigrationAt, openDatabase } from '../db/client.js';
import { killServers, spawnServer } from '../test/processes.js';

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
      // The server's own code for a setting a restart cannot mend (main.ts); the commands say 1.
      expect(code, JSON.stringify(locale)).toBe(entry === 'start' ? 78 : 1);
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
      expect(code, JSON.stringify(locale)).toBe(entry === 'start' ? 78 : 1);
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

/** Runs an entry point with the given environment; resolves with its exit code, stdout and stderr. */
function runEntry(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', script, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', SEED_DEMO: 'false', PORT: '0', ...env } },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

const MAIN = path.join(here, '../main.ts');
const SETUP = [path.join(here, 'setup.ts'), 'infra/installation.example.json'] as const;
const EXPORT = [path.join(here, 'export.ts'), 'dormagen'] as const;
const ENGLISH = { LANG: 'en_US.UTF-8' };
/** No stack, no JSON log line: one message a person reads. */
const NOT_FOR_A_PERSON = /\n\s+at |"stack"|"level"/;

// The data folder and the database, when they cannot be used: these were said in English only,
// whatever the terminal's language, while everything else at the start spoke German.
describe('the start and the commands, when the data folder or the embedded database cannot be used', () => {
  it('name a file where the data folder should be in German, and in English by locale', async () => {
    const inTheWay = path.join(dir, 'data-is-a-file');
    fs.writeFileSync(inTheWay, '');
    // The server asks for its mail outbox in it first, the commands for the database's folder.
    const german = new RegExp(
      `^DATA_DIR: in den Ordner ${inTheWay}(/\\w+ kann nicht geschrieben werden \\(wo ein Ordner sein muss, steht eine ` +
        `Datei: ${inTheWay}\\)| kann nicht geschrieben werden \\(wo ein Ordner sein muss, steht eine Datei\\))\\. ` +
        'Machen Sie ihn zu einem Ordner, den der Benutzer, unter dem Amtsraum läuft',
    );
    for (const [script, ...args] of [[MAIN], SETUP, EXPORT]) {
      const { code, stdout, stderr } = await runEntry(script, args, { DATA_DIR: inTheWay });
      expect(code, script).toBe(1);
      expect(stderr, script).toMatch(german);
      expect(stderr + stdout, script).not.toMatch(/cannot write|Make it|permission denied/);
      expect(stderr, script).not.toMatch(NOT_FOR_A_PERSON);
    }
    const { stderr } = await runEntry(SETUP[0], [SETUP[1]], { DATA_DIR: inTheWay, ...ENGLISH });
    expect(stderr).toContain(
      `DATA_DIR: cannot write to the folder ${inTheWay} (a file is in the way where a folder must be)`,
    );
  }, 120_000);

  it('name a damaged database folder in German, and in English by locale, with what to do', async () => {
    const dataDir = path.join(dir, 'damaged');
    await (await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') })).close();
    // A disk that lost the cluster's control file (or a copy cut short).
    fs.writeFileSync(path.join(dataDir, 'pglite', 'global', 'pg_control'), Buffer.alloc(8192, 7));
    for (const [script, ...args] of [[MAIN], EXPORT]) {
      const { code, stderr } = await runEntry(script, args, { DATA_DIR: dataDir });
      expect(code, script).toBe(1);
      expect(stderr, script).toContain(
        `DATA_DIR: die eingebettete Datenbank in ${path.join(dataDir, 'pglite')} lässt sich nicht öffnen: ihre Dateien ` +
          'sind beschädigt oder keine Amtsraum-Datenbank',
      );
      expect(stderr, script).toContain('Stellen Sie den Ordner aus Ihrer Sicherung wieder her');
      expect(stderr, script).not.toMatch(/cannot be opened|Restore/);
    }
    const { stderr } = await runEntry(SETUP[0], [SETUP[1]], { DATA_DIR: dataDir, ...ENGLISH });
    expect(stderr).toContain('cannot be opened: its files are damaged');
  }, 120_000);

  it('name a database a newer release updated, and a failed update, in German, and in English by locale', async () => {
    const newer = path.join(dir, 'newer');
    const first = await openDatabase({ kind: 'pglite', dataDir: path.join(newer, 'pglite') });
    await first.db.execute(
      sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('a-newer-release', ${lastMigrationAt() + 86_400_000})`,
    );
    await first.close();
    for (const [script, ...args] of [[MAIN], SETUP]) {
      const { code, stderr } = await runEntry(script, args, { DATA_DIR: newer });
      expect(code, script).toBe(1);
      expect(stderr, script).toMatch(
        /^Die Datenbank wurde von einer neueren Amtsraum-Version aktualisiert \(ihr Schema stammt vom \S+; diese Version kennt es bis zum \S+\)\. Starten Sie wieder die neuere Version, oder spielen Sie die vor dem Update gezogene Sicherung/,
      );
      expect(stderr, script).toContain('Nichts wurde geändert.');
      expect(stderr, script).not.toMatch(/updated by a newer|\n\s+at /);
    }
    const english = await runEntry(MAIN, [], { DATA_DIR: newer, ...ENGLISH });
    expect(english.stderr).toContain('The database was updated by a newer Amtsraum release');

    // The newest migration that creates something forgotten: run again, it fails at "already exists".
    const failing = path.join(dir, 'failing');
    const database = await openDatabase({ kind: 'pglite', dataDir: path.join(failing, 'pglite') });
    await database.db.execute(
      sql`delete from drizzle.__drizzle_migrations where created_at >= ${newestCreatingMigrationAt()}`,
    );
    await database.close();
    const { code, stderr } = await runEntry(MAIN, [], { DATA_DIR: failing });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^Die Datenbank konnte nicht auf diese Version aktualisiert werden \(.*already exists, in der Anweisung ".+"\)\. Nichts wurde geändert: die Datenbank ist so, wie die vorige Version sie hinterließ/,
    );
    expect(stderr).not.toMatch(/could not be updated|\n\s+at /);
    const englishFailure = await runEntry(EXPORT[0], [EXPORT[1]], { DATA_DIR: failing, ...ENGLISH });
    expect(englishFailure.stderr).toMatch(/^The database could not be updated to this release \(.*already exists/);
  }, 180_000);
});

/** When (drizzle's `created_at`) the newest migration that creates a table, column or index was made. */
function newestCreatingMigrationAt(): number {
  const folder = path.join(ROOT, 'server/drizzle');
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const creating = journal.entries.filter((entry) =>
    /\b(CREATE|ADD COLUMN)\b/i.test(fs.readFileSync(path.join(folder, `${entry.tag}.sql`), 'utf8')),
  );
  return creating[creating.length - 1]!.when;
}

// The demo logins printed at the first start were English only.
describe('the demo logins at the first start', () => {
  afterEach(killServers);

  it('are said in German by default, and in English by locale, addresses and slugs as they are', async () => {
    const seeded = { SEED_DEMO: 'true', SEED_DEMO_PASSWORD: 'demo-passwort-123' };
    // No locale at all: German (spawnServer sets an English LANG for the other tests).
    const german = spawnServer({ ...seeded, DATA_DIR: path.join(dir, 'demo-de'), LANG: '' });
    await german.url();
    expect(german.stdout()).toContain(
      'Demo-Daten angelegt. Anmeldung für Mitarbeitende, jeweils mit dem in SEED_DEMO_PASSWORD gesetzten Passwort:',
    );
    expect(german.stdout()).toMatch(
      / {2}anna\.schmidt@musterstadt\.example +SEED_DEMO_PASSWORD +\(Sachbearbeitung \w+/,
    );
    expect(german.stdout()).toMatch(/\(Verwaltung der Kommune; Amtsverwaltung \w+/);
    expect(german.stdout()).toContain('Die Demo-Kommune sehen Sie unter http://');
    expect(german.stdout()).not.toMatch(/Demo data created|Staff sign-in|\(clerk |tenant admin/);

    const english = spawnServer({ ...seeded, DATA_DIR: path.join(dir, 'demo-en'), LANG: 'en_GB.UTF-8' });
    await english.url();
    expect(english.stdout()).toContain(
      'Demo data created. Staff sign-in, each with the password set in SEED_DEMO_PASSWORD:',
    );
    expect(english.stdout()).toMatch(/ {2}anna\.schmidt@musterstadt\.example +SEED_DEMO_PASSWORD +\(clerk \w+/);
    expect(english.stdout()).toMatch(/\(municipality admin; admin \w+/);
    expect(english.stdout()).toContain('to see the demo municipality.');
  }, 120_000);
});

// "Amtsraum läuft / is running" was said in both languages, whatever the terminal's.
describe('the line the start says once it listens', () => {
  afterEach(killServers);

  it('is German by default and English by locale, the address as it is', async () => {
    // Outside the tests' NODE_ENV=test, where the line is left out.
    const env = { NODE_ENV: 'development', SEED_DEMO: 'false', PUBLIC_BASE_URL: 'http://localhost:3000' };
    const german = spawnServer({ ...env, DATA_DIR: path.join(dir, 'running-de'), LANG: '' });
    await german.url();
    await vi.waitFor(() => expect(german.stdout()).toMatch(/^Amtsraum läuft: http:\/\/localhost:3000\/$/m));
    expect(german.stdout()).not.toContain('is running');

    const english = spawnServer({ ...env, DATA_DIR: path.join(dir, 'running-en'), LANG: 'en_GB.UTF-8' });
    await english.url();
    await vi.waitFor(() => expect(english.stdout()).toMatch(/^Amtsraum is running: http:\/\/localhost:3000\/$/m));
    expect(english.stdout()).not.toContain('läuft');
  }, 120_000);
});

// The lines naming each refused value of an installation file were English only, under a German
// heading: "tenants.0.brandColor: a colour as #rrggbb".
describe('npm run setup with an installation file with mistakes', () => {
  it('names each refused value in German by default, and in English by locale, paths and values as given', async () => {
    const file = JSON.parse(fs.readFileSync(path.join(ROOT, 'infra/installation.example.json'), 'utf8')) as {
      tenants: Record<string, unknown>[];
    };
    const tenant = file.tenants[0] as {
      name?: string;
      brandColor: string;
      departments: Record<string, unknown>[];
      staff: { email: string; departments: Record<string, string> }[];
    };
    delete tenant.name;
    tenant.brandColor = 'blau';
    const department = tenant.departments[0] as { queueCap: unknown; services: Record<string, unknown>[] };
    department.queueCap = 0;
    department.services[0]!.durationMinutes = '15';
    department.services[0]!.channels = 'telefon';
    (department as Record<string, unknown>).oeffnungszeiten = {};
    tenant.staff[0]!.email = 'keine-adresse';
    const mistaken = path.join(dir, 'mistaken.json');
    fs.writeFileSync(mistaken, JSON.stringify(file));

    const german = await runEntry(SETUP[0], [mistaken], { DATA_DIR: path.join(dir, 'mistaken-de') });
    expect(german.code).toBe(1);
    expect(german.stderr).toBe(
      `${mistaken} ist keine gültige Installationsdatei; nichts wurde geändert:\n` +
        '  - tenants.0.name: fehlt (erwartet: Text)\n' +
        '  - tenants.0.brandColor: eine Farbe als #rrggbb\n' +
        '  - tenants.0.departments.0.queueCap: mindestens eine Person\n' +
        '  - tenants.0.departments.0.services.0.durationMinutes: erwartet: Zahl, angegeben: Text\n' +
        '  - tenants.0.departments.0.services.0.channels: erwartet einen von "video"|"onsite"|"both"\n' +
        '  - tenants.0.departments.0: unbekanntes Feld: "oeffnungszeiten" (Tippfehler? Felder, die es nicht gibt, werden abgelehnt)\n' +
        '  - tenants.0.staff.0.email: keine gültige E-Mail-Adresse\n',
    );
    // Nothing was written: no database was even opened.
    expect(fs.existsSync(path.join(dir, 'mistaken-de'))).toBe(false);

    const english = await runEntry(SETUP[0], [mistaken], { DATA_DIR: path.join(dir, 'mistaken-en'), ...ENGLISH });
    expect(english.stderr).toContain('is not a valid installation file; nothing was changed:\n');
    expect(english.stderr).toContain('  - tenants.0.brandColor: a colour as #rrggbb\n');
    expect(english.stderr).toContain(
      '  - tenants.0.departments.0.services.0.durationMinutes: Invalid input: expected number',
    );

    // What is checked across the file (once each value is right): a department no one set up.
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'infra/installation.example.json'), 'utf8')) as {
      tenants: { staff: { departments: Record<string, string>; availability?: unknown }[] }[];
    };
    example.tenants[0]!.staff[1]!.departments = { standesamt: 'admin' };
    delete example.tenants[0]!.staff[1]!.availability;
    const unknown = path.join(dir, 'unknown-department.json');
    fs.writeFileSync(unknown, JSON.stringify(example));
    const across = await runEntry(SETUP[0], [unknown], { DATA_DIR: path.join(dir, 'unknown-department') });
    expect(across.stderr).toContain('  - tenants.0.staff.1.departments.standesamt: unbekanntes Amt "standesamt"\n');
    const acrossEn = await runEntry(SETUP[0], [unknown], {
      DATA_DIR: path.join(dir, 'unknown-department'),
      ...ENGLISH,
    });
    expect(acrossEn.stderr).toContain(
      '  - tenants.0.staff.1.departments.standesamt: unknown department "standesamt"\n',
    );

    // A file that is no JSON: where, in German.
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{\n  "tenants": [\n    { "slug": "x", }\n  ]\n}\n');
    const syntax = await runEntry(SETUP[0], [broken], { DATA_DIR: path.join(dir, 'broken') });
    expect(syntax.stderr).toMatch(/^\S+ ist kein gültiges JSON; nichts wurde geändert: .*\(Zeile 3, Spalte \d+\)\n$/);
    // Saved as UTF-16 by a Windows editor.
    const utf16 = path.join(dir, 'utf16.json');
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{}', 'utf16le')]));
    const encoded = await runEntry(SETUP[0], [utf16], { DATA_DIR: path.join(dir, 'utf16') });
    expect(encoded.stderr).toContain('die Datei ist als UTF-16 ("Unicode") gespeichert; speichern Sie sie als UTF-8');
  }, 120_000);
});
