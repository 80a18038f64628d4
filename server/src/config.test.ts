import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COMPOSE_ONLY_VARIABLES,
  cliLanguageOf,
  CONFIG_VARIABLES,
  ConfigError,
  configWarnings,
  DEVELOPMENT_LIVEKIT_SECRET,
  DEVELOPMENT_SESSION_SECRET,
  parseConfig,
  unknownVariables,
  unreadEnvFile,
} from './config.js';
import { composeAppEnvironment } from './test/compose.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const secret = 'x'.repeat(40);

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('runs with nothing set: embedded database, port 3000, peer-to-peer, demo data', () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.kind).toBe('pglite');
    expect(config.database).toMatchObject({ dataDir: expect.stringMatching(/data[/\\]pglite$/) });
    expect(config.media.mode).toBe('p2p');
    expect(config.media.iceServers).toEqual([]);
    expect(config.seed.enabled).toBe(true);
    expect(config.publicBaseUrl.toString()).toBe('http://localhost:3000/');
    expect(config.retentionDays).toBe(30);
    expect(config.visitGraceSeconds).toBe(120);
  });

  it('says how to write a password with special characters into DATABASE_URL and SMTP_URL, never showing it', () => {
    const problems = problemsOf({
      DATABASE_URL: 'postgres://amtsraum:50%rabatt@db:5432/amtsraum',
      SMTP_URL: 'smtp://mailer:ge/heim@mail.example.de:587',
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^DATABASE_URL: user or password cannot be read; percent-encode special characters .*% as %25/,
      ),
      expect.stringMatching(/^SMTP_URL: expected a URL like smtp:.*; percent-encode special characters .*\/ as %2F/),
    ]);
    expect(problems.join('\n')).not.toMatch(/rabatt|heim/);
    expect(parseConfig({ DATABASE_URL: 'postgres://amtsraum:50%25rabatt@db:5432/amtsraum' }).database.kind).toBe(
      'postgres',
    );
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = parseConfig({ DATABASE_URL: 'postgres://a:b@db:5432/amtsraum' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://a:b@db:5432/amtsraum' });
  });

  it('names each bad variable and the expected form', () => {
    const problems = problemsOf({ PORT: 'abc', DATABASE_URL: 'mysql://x', MEDIA_MODE: 'sfu', RETENTION_DAYS: '0' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT: expected a whole number from 0 to 65535 (got "abc")',
        expect.stringMatching(/^DATABASE_URL: expected a URL like postgres:\/\//),
        'MEDIA_MODE: expected auto, p2p or livekit (got "sfu")',
        'RETENTION_DAYS: expected at least 1 (got "0")',
      ]),
    );
    expect(problemsOf({ LOG_LEVEL: 'verbose' })).toEqual([
      'LOG_LEVEL: expected fatal, error, warn, info, debug, trace or silent (got "verbose")',
    ]);
  });

  it('never echoes secrets or URLs with credentials into the message', () => {
    const problems = problemsOf({ SESSION_SECRET: 'short-secret', DATABASE_URL: 'mysql://user:hunter2@x' });
    expect(problems.join('\n')).not.toContain('short-secret');
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('refuses the development session secret in production', () => {
    const https = { PUBLIC_BASE_URL: 'https://buergerbuero.example.de' };
    expect(problemsOf({ NODE_ENV: 'production', ...https })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: must be set in production/),
    ]);
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: DEVELOPMENT_SESSION_SECRET, ...https })).toHaveLength(
      1,
    );
    expect(parseConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, ...https }).seed.enabled).toBe(false);
  });

  it('wants an https public address in production, because session cookies are Secure there', () => {
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: secret })).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL: must be the https/),
    ]);
    expect(
      problemsOf({ NODE_ENV: 'production', SESSION_SECRET: secret, PUBLIC_BASE_URL: 'http://rathaus.local' }),
    ).toHaveLength(1);
  });

  it('wants PUBLIC_BASE_URL as scheme, host and port only: the app is served at the root of its host', () => {
    expect(parseConfig({ PUBLIC_BASE_URL: 'https://buergerbuero.example.de/' }).publicBaseUrl.pathname).toBe('/');
    expect(parseConfig({ PUBLIC_BASE_URL: 'http://10.1.2.3:8080' }).publicBaseUrl.port).toBe('8080');
    for (const wrong of [
      'https://buergerbuero.example.de/amtsraum',
      'https://buergerbuero.example.de/?x=1',
      'https://user:pw@buergerbuero.example.de',
    ]) {
      expect(problemsOf({ PUBLIC_BASE_URL: wrong })).toEqual([
        expect.stringMatching(/^PUBLIC_BASE_URL: expected only scheme, host and port, like https:\/\/buergerbuero/),
      ]);
    }
    // No URL at all (the scheme left out, a space in the name): named like any bad value, where the
    // start once ended in a TypeError and its stack.
    for (const wrong of ['buergerbuero.example.de', 'https://buerger buero.example.de']) {
      expect(problemsOf({ PUBLIC_BASE_URL: wrong })).toEqual([
        'PUBLIC_BASE_URL: expected an http(s) URL like https://buergerbuero.example.de',
      ]);
    }
  });

  it('wants a sender address with SMTP in production, and MAIL_FROM to hold an e-mail address', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: secret, PUBLIC_BASE_URL: 'https://b.example.de' };
    // Half set: the relay would get mail from no-reply@localhost, which it (or the citizen's mailbox) refuses.
    expect(problemsOf({ ...production, SMTP_URL: 'smtp://mail.example.de:587' })).toEqual([
      expect.stringMatching(/^MAIL_FROM: must be set with SMTP_URL in production/),
    ]);
    const from = 'Bürgerbüro Musterstadt <no-reply@b.example.de>';
    expect(parseConfig({ ...production, SMTP_URL: 'smtp://mail.example.de:587', MAIL_FROM: from }).mail.from).toBe(
      from,
    );
    expect(parseConfig({ MAIL_FROM: 'no-reply@b.example.de' }).mail.from).toBe('no-reply@b.example.de');
    expect(parseConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }).mail.smtpUrl).toBe('smtp://127.0.0.1:2525');
    for (const wrong of ['Bürgerbüro Musterstadt', 'no-reply', 'Amt <no-reply>']) {
      expect(problemsOf({ MAIL_FROM: wrong })).toEqual([
        expect.stringMatching(/^MAIL_FROM: expected an e-mail address, or a name and one in angle brackets/),
      ]);
    }
  });

  it('wants all three LiveKit settings, and picks LiveKit in auto mode when they are there', () => {
    expect(problemsOf({ LIVEKIT_URL: 'wss://lk.example.de' })).toEqual([
      expect.stringMatching(
        /^LIVEKIT_API_KEY, LIVEKIT_API_SECRET: missing; LiveKit needs LIVEKIT_URL, LIVEKIT_API_KEY/,
      ),
    ]);
    expect(problemsOf({ MEDIA_MODE: 'livekit' })).toEqual([
      expect.stringMatching(/^LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET: missing; .*MEDIA_MODE=livekit is set/),
    ]);
    // docker-compose.yml's default is MEDIA_MODE=livekit: removing it there changes nothing.
    expect(problemsOf({ MEDIA_MODE: 'livekit' })[0]).toMatch(/or set MEDIA_MODE=p2p to use the built-in peer-to-peer/);
    const livekit = { LIVEKIT_URL: 'wss://lk.example.de', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: secret };
    const config = parseConfig(livekit);
    expect(config.media.mode).toBe('livekit');
    expect(config.media.livekit?.apiUrl).toBe('https://lk.example.de');
    expect(parseConfig({ ...livekit, MEDIA_MODE: 'p2p' }).media.mode).toBe('p2p');
    // End-to-end encryption is on unless turned off.
    expect(config.media.livekit?.e2ee).toBe(true);
    expect(parseConfig({ ...livekit, LIVEKIT_E2EE: 'false' }).media.livekit?.e2ee).toBe(false);
    expect(problemsOf({ ...livekit, LIVEKIT_E2EE: 'sometimes' })[0]).toMatch(/^LIVEKIT_E2EE: expected true or false/);
  });

  it('stops on a half-configured LiveKit, naming what is missing, instead of running peer-to-peer unnoticed', () => {
    // Town-hall IT set only the internal API address: the app used to start peer-to-peer without a word.
    expect(problemsOf({ LIVEKIT_API_URL: 'http://livekit:7880' })).toEqual([
      'LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET: missing; LiveKit needs LIVEKIT_URL, LIVEKIT_API_KEY and ' +
        'LIVEKIT_API_SECRET together, and LIVEKIT_API_URL is set. Set the missing ones, or remove LIVEKIT_API_URL ' +
        'to use the built-in peer-to-peer calls (docker compose sets LIVEKIT_URL from LIVEKIT_PUBLIC_URL in .env)',
    ]);
    expect(problemsOf({ LIVEKIT_E2EE: 'false' })).toEqual([expect.stringMatching(/LIVEKIT_E2EE is set/)]);
    const problems = problemsOf({
      MEDIA_MODE: 'p2p',
      LIVEKIT_URL: 'wss://lk.example.de',
      LIVEKIT_API_URL: 'http://livekit:7880',
      LIVEKIT_API_SECRET: secret,
    });
    expect(problems).toEqual([expect.stringMatching(/^LIVEKIT_API_KEY: missing; .*Set the missing one, or remove/)]);
    // One plain line, and the secret stays out of it.
    expect(problems[0]).not.toContain('\n');
    expect(problems[0]).not.toContain(secret);
    // An empty value is unset, as everywhere: nothing LiveKit is given, so peer-to-peer it is.
    expect(parseConfig({ LIVEKIT_API_URL: '', LIVEKIT_E2EE: '' }).media.mode).toBe('p2p');
  });

  // Under docker compose the app's LIVEKIT_URL is .env's LIVEKIT_PUBLIC_URL, and MEDIA_MODE=livekit
  // compose's default: the app named LIVEKIT_URL, which .env does not have, and advised removing
  // LIVEKIT_URL and LIVEKIT_API_URL, which compose sets; its container restarted on that for ever.
  it('under docker compose, names the missing LiveKit value as .env has it, and the way out there', () => {
    const filled = {
      PUBLIC_BASE_URL: 'https://buergerbuero.example.de',
      SESSION_SECRET: secret,
      POSTGRES_PASSWORD: 'a1b2c3',
      LIVEKIT_API_KEY: 'amtsraum',
      LIVEKIT_API_SECRET: secret,
      LIVEKIT_PUBLIC_URL: 'wss://livekit.buergerbuero.example.de',
      LIVEKIT_TURN_DOMAIN: 'turn.buergerbuero.example.de',
    };
    expect(parseConfig(composeAppEnvironment(filled)).media.mode).toBe('livekit');

    expect(problemsOf(composeAppEnvironment({ ...filled, LIVEKIT_API_SECRET: '' }))).toEqual([
      'LIVEKIT_API_SECRET: missing in .env; LiveKit needs LIVEKIT_PUBLIC_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET ' +
        'together, and LIVEKIT_PUBLIC_URL, LIVEKIT_API_KEY and MEDIA_MODE=livekit (the default under docker compose) ' +
        'are set. Set the missing one, or remove LIVEKIT_PUBLIC_URL and LIVEKIT_API_KEY and set MEDIA_MODE=p2p with ' +
        'an empty COMPOSE_PROFILES= to use the built-in peer-to-peer calls',
    ]);
    // LIVEKIT_URL written into .env, as for npm start: compose puts LIVEKIT_PUBLIC_URL's value over it.
    const { LIVEKIT_PUBLIC_URL: _publicUrl, ...withoutPublicUrl } = filled;
    expect(
      problemsOf(composeAppEnvironment({ ...withoutPublicUrl, LIVEKIT_URL: 'wss://livekit.buergerbuero.example.de' })),
    ).toEqual([expect.stringMatching(/^LIVEKIT_PUBLIC_URL: missing in .env; /)]);
    // Nothing of LiveKit filled in, as for peer-to-peer calls with MEDIA_MODE forgotten.
    const german = (() => {
      try {
        parseConfig(
          composeAppEnvironment({ ...filled, LIVEKIT_API_KEY: '', LIVEKIT_API_SECRET: '', LIVEKIT_PUBLIC_URL: '' }),
        );
      } catch (error) {
        if (error instanceof ConfigError) return error.messageIn('de');
      }
      return '';
    })();
    expect(german).toContain(
      'LIVEKIT_PUBLIC_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET: fehlen in .env; LiveKit braucht LIVEKIT_PUBLIC_URL, ' +
        'LIVEKIT_API_KEY und LIVEKIT_API_SECRET zusammen, und MEDIA_MODE=livekit (unter docker compose der Standard) ' +
        'ist gesetzt. Setzen Sie die fehlenden, oder setzen Sie MEDIA_MODE=p2p mit leerem COMPOSE_PROFILES=, um die ' +
        'eingebauten Peer-to-Peer-Anrufe zu nutzen\n',
    );
    // The way out it names works: peer-to-peer, with the LiveKit values left empty.
    const p2p = { ...filled, LIVEKIT_API_KEY: '', LIVEKIT_API_SECRET: '', LIVEKIT_PUBLIC_URL: '', MEDIA_MODE: 'p2p' };
    expect(parseConfig(composeAppEnvironment({ ...p2p, COMPOSE_PROFILES: '' })).media.mode).toBe('p2p');
  });

  it('names a junk LIVEKIT_E2EE for what it is, with the values it takes, not as LiveKit half configured', () => {
    expect(problemsOf({ LIVEKIT_E2EE: 'yes please' })).toEqual([
      'LIVEKIT_E2EE: expected true or false (also 1 or 0, yes or no) (got "yes please")',
    ]);
    // Fixed, the value says the operator meant LiveKit: half of it is named then.
    expect(problemsOf({ LIVEKIT_E2EE: 'yes' })).toEqual([expect.stringMatching(/LIVEKIT_E2EE is set/)]);
  });

  it('reads each OIDC_ALLOWED_ISSUERS entry as an origin or a proper host name, naming the one that is neither', () => {
    const issuers = (text: string) => parseConfig({ OIDC_ALLOWED_ISSUERS: text }).oidcPolicy.allowedIssuers;
    expect(
      issuers('login.kommune-a.de, *.kommune-b.de,10.1.2.3,https://sso.kommune.de:8443,http://[fd00::1]:8080'),
    ).toEqual([
      { host: 'login.kommune-a.de' },
      { suffix: '.kommune-b.de' },
      { host: '10.1.2.3' },
      { origin: 'https://sso.kommune.de:8443' },
      { origin: 'http://[fd00::1]:8080' },
    ]);
    // A host name with umlauts is compared as the browser and the server write it (punycode).
    expect(issuers('*.müllheim.de')).toEqual([{ suffix: '.xn--mllheim-n2a.de' }]);
    for (const bad of [
      '-5',
      '5',
      'kommune-.de',
      '-login.kommune.de',
      'login..kommune.de',
      'login.kommune.de.',
      'a.123',
      '*.10.1.2.3',
      'https://-5',
      `${'a'.repeat(64)}.de`,
    ]) {
      expect(problemsOf({ OIDC_ALLOWED_ISSUERS: `login.kommune.de,${bad}` })).toEqual([
        expect.stringContaining(
          `OIDC_ALLOWED_ISSUERS: expected origins (https://login.kommune.de) or host names (*.kommune.de), separated by commas; "${bad}" is neither`,
        ),
      ]);
    }
  });

  it('refuses a LiveKit key or secret that LiveKit would read otherwise as "key: secret", without echoing the secret', () => {
    const livekit = { LIVEKIT_URL: 'wss://lk.example.de', LIVEKIT_API_KEY: 'amtsraum', LIVEKIT_API_SECRET: secret };
    // A secret pasted with a space, a comment sign or a colon in it; a key with a space.
    for (const bad of [`${secret} x`, `${secret}#x`, `${secret}:x`, `"${secret}"`, `&${secret}`]) {
      const problems = problemsOf({ ...livekit, LIVEKIT_API_SECRET: bad });
      expect(problems).toEqual([
        'LIVEKIT_API_SECRET: expected letters, digits and - _ . + / = only, beginning with a letter or digit ' +
          '(LiveKit reads key and secret as "key: secret") (openssl rand -hex 32)' +
          (bad.startsWith('"')
            ? '; the quotes around it were read as part of the value (docker run --env-file keeps them): remove them'
            : ''),
      ]);
    }
    expect(problemsOf({ ...livekit, LIVEKIT_API_KEY: 'amts raum' })).toEqual([
      'LIVEKIT_API_KEY: expected letters, digits and - _ . + / = only, beginning with a letter or digit ' +
        '(LiveKit reads key and secret as "key: secret") (e.g. amtsraum) (got "amts raum")',
    ]);
    // What openssl makes (hex and base64), LiveKit Cloud's keys and the development pair all pass.
    for (const [key, value] of [
      ['amtsraum', 'a3f1'.repeat(16)],
      ['APIxY7kQz2', 'Zm9vYmFy+/Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy=='],
      ['amtsraum-dev', DEVELOPMENT_LIVEKIT_SECRET],
      ['amtsraum_key', 'a-b_c.d'.repeat(6)],
    ] as const) {
      expect(parseConfig({ ...livekit, LIVEKIT_API_KEY: key, LIVEKIT_API_SECRET: value }).media.livekit?.apiKey).toBe(
        key,
      );
    }
  });

  it('refuses the public LiveKit secret of infra/livekit.local.yaml in production, without echoing it', () => {
    const production = {
      NODE_ENV: 'production',
      SESSION_SECRET: secret,
      PUBLIC_BASE_URL: 'https://buergerbuero.example.de',
      LIVEKIT_URL: 'wss://lk.example.de',
      LIVEKIT_API_KEY: 'amtsraum-dev',
    };
    const problems = problemsOf({ ...production, LIVEKIT_API_SECRET: DEVELOPMENT_LIVEKIT_SECRET });
    expect(problems).toEqual([expect.stringMatching(/^LIVEKIT_API_SECRET: the development secret/)]);
    expect(problems[0]).not.toContain(DEVELOPMENT_LIVEKIT_SECRET);
    expect(parseConfig({ ...production, LIVEKIT_API_SECRET: secret }).media.mode).toBe('livekit');
    // Development and tests may use it: that is what it is for.
    expect(
      parseConfig({ ...production, NODE_ENV: 'development', LIVEKIT_API_SECRET: DEVELOPMENT_LIVEKIT_SECRET }),
    ).toBeTruthy();
  });

  it('parses ICE servers as JSON and explains the form when they are not', () => {
    const servers = '[{"urls":"turn:turn.example.de:3478","username":"u","credential":"p"}]';
    expect(parseConfig({ ICE_SERVERS: servers }).media.iceServers).toEqual([
      { urls: 'turn:turn.example.de:3478', username: 'u', credential: 'p' },
    ]);
    expect(problemsOf({ ICE_SERVERS: '{"urls":1}' })[0]).toMatch(/^ICE_SERVERS: expected a JSON array of RTCIceServer/);
    expect(problemsOf({ ICE_SERVERS: '[{"urls":"http://x"}]' })[0]).toMatch(/^ICE_SERVERS/);
    // A TURN password in a broken list is not echoed back into the terminal or a log.
    const broken = problemsOf({
      ICE_SERVERS: '[{"urls":"turn:t.example.de","username":"u","credential":"turn-pw-42"},]',
    });
    expect(broken[0]).toMatch(/^ICE_SERVERS: expected a JSON array/);
    expect(broken.join('\n')).not.toContain('turn-pw-42');
  });

  it('reads booleans and treats an empty value as unset', () => {
    expect(parseConfig({ SEED_DEMO: 'false' }).seed.enabled).toBe(false);
    expect(parseConfig({ SEED_DEMO: '' }).seed.enabled).toBe(true);
    // As other programs' .env files write them.
    expect(parseConfig({ SEED_DEMO: 'False' }).seed.enabled).toBe(false);
    expect(parseConfig({ SEED_DEMO: 'YES' }).seed.enabled).toBe(true);
    expect(problemsOf({ SEED_DEMO: 'maybe' })[0]).toMatch(/^SEED_DEMO: expected true or false/);
    expect(parseConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(problemsOf({ TRUST_PROXY: 'everything' })[0]).toMatch(/^TRUST_PROXY/);
    // Express's own word, which trusts what any client writes into X-Forwarded-For: each request a
    // new address, so the limits on sign-in attempts and knocks counted nobody twice.
    expect(problemsOf({ TRUST_PROXY: 'true' })).toEqual([
      expect.stringMatching(
        /^TRUST_PROXY: true would take each client's address from what the client itself writes into X-Forwarded-For, .*expected the number of reverse proxies in front of the app \(e\.g\. 1\), or false/,
      ),
    ]);
  });

  it('reads an env file saved with Windows line endings without the carriage returns, and says so', () => {
    const config = parseConfig({
      PORT: '8080\r',
      DATA_DIR: '/srv/amtsraum\r',
      LOG_LEVEL: 'warn\r',
      SEED_DEMO: 'false\r',
      PUBLIC_BASE_URL: 'http://localhost:8080/',
      OTHER_PROGRAM: 'x\r',
    });
    // Before: "PORT: expected a whole number … (got "8080", the carriage return sending the
    // terminal's cursor back over the line; DATA_DIR made a folder named "amtsraum\r".
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe(path.resolve('/srv/amtsraum'));
    expect(config.logLevel).toBe('warn');
    expect(config.seed.enabled).toBe(false);
    expect(configWarnings(config)).toEqual([
      {
        variables: ['PORT', 'DATA_DIR', 'LOG_LEVEL', 'SEED_DEMO'],
        message:
          'PORT, DATA_DIR, LOG_LEVEL and SEED_DEMO ended in a carriage return, as lines of a file saved with ' +
          'Windows line endings (CRLF) do, and were read without it; save the file with Unix line endings (LF)',
      },
    ]);
    expect(configWarnings(parseConfig({ PORT: '8080' }))).toEqual([]);
    // A control character inside a value is shown as such, not sent to the terminal.
    expect(problemsOf({ PORT: '80\r80' })).toEqual(['PORT: expected a whole number from 0 to 65535 (got "80\\r80")']);
  });

  it('reads SESSION_SECRET the same with a carriage return, a space, a tab or a line feed around it, and says so without the value', () => {
    const secret = 'Zq8v3N1xR7kP0wY5tL2mB9cH4dF6gJ1s';
    // Before: a carriage return was dropped, but a space, a tab or a line feed (a secret written
    // to a file with echo, a Kubernetes secret from such a file) was kept: the same .env read by
    // compose (which drops them) and by another reader gave two secrets, so sessions and the
    // sealed authenticator secrets of one process were unreadable to the other.
    for (const written of [`${secret}\r`, `${secret} `, `${secret}\t`, `${secret}\n`, `${secret}\r\n`, ` ${secret}`]) {
      const config = parseConfig({ SESSION_SECRET: written });
      expect(config.sessionSecret, JSON.stringify(written)).toBe(secret);
      const warnings = configWarnings(config);
      expect(warnings, JSON.stringify(written)).toEqual([
        { variables: ['SESSION_SECRET'], message: expect.stringMatching(/^SESSION_SECRET /) as string },
      ]);
      expect(warnings[0]!.message).not.toContain(secret);
    }
    expect(configWarnings(parseConfig({ SESSION_SECRET: ` ${secret}\n` }))[0]!.message).toBe(
      'SESSION_SECRET has spaces, tabs or line breaks at the start or end of its value, which was read without ' +
        'them (as docker compose reads an unquoted value); remove them where the setting is written',
    );
    // Unchanged, nothing to say; a space inside is part of the secret.
    expect(configWarnings(parseConfig({ SESSION_SECRET: secret }))).toEqual([]);
    expect(parseConfig({ SESSION_SECRET: `${secret} x` }).sessionSecret).toBe(`${secret} x`);
    // What versions before read (only a last carriage return dropped), kept where it differs, so
    // what they sealed is sealed again at the start (features/setup/reseal.test.ts).
    expect(parseConfig({ SESSION_SECRET: `${secret}\n` }).formerSessionSecret).toBe(`${secret}\n`);
    expect(parseConfig({ SESSION_SECRET: `${secret}\r\n` }).formerSessionSecret).toBe(`${secret}\r\n`);
    expect(parseConfig({ SESSION_SECRET: `${secret}\r` }).formerSessionSecret).toBeNull();
    expect(parseConfig({ SESSION_SECRET: secret }).formerSessionSecret).toBeNull();
    expect(parseConfig({}).formerSessionSecret).toBeNull();
    // Without the spaces too short: refused as too short, not taken with them.
    expect(problemsOf({ SESSION_SECRET: `${'a'.repeat(31)} ` })[0]).toMatch(/^SESSION_SECRET: expected at least 32/);
  });

  it('picks the terminal language as POSIX does: LC_ALL, LC_MESSAGES, LANG; English for en, else German', () => {
    expect(cliLanguageOf({})).toBe('de');
    expect(cliLanguageOf({ LANG: 'C.UTF-8' })).toBe('de');
    expect(cliLanguageOf({ LANG: 'de_DE.UTF-8' })).toBe('de');
    expect(cliLanguageOf({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(cliLanguageOf({ LANG: 'de_DE.UTF-8', LC_MESSAGES: 'en_GB.UTF-8' })).toBe('en');
    expect(cliLanguageOf({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'de_AT', LC_ALL: '' })).toBe('de');
    expect(cliLanguageOf({ LANG: 'de_DE.UTF-8', LC_ALL: 'en' })).toBe('en');
  });

  it('says every problem in German too, setting names and values as given', () => {
    const refused = (env: Record<string, string>) => {
      try {
        parseConfig(env);
      } catch (error) {
        if (error instanceof ConfigError) return error;
      }
      throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
    };
    const error = refused({
      PORT: 'dreitausend',
      LOG_LEVEL: 'laut',
      NODE_ENV: 'production',
      LIVEKIT_API_URL: 'http://lk:7880',
    });
    expect(error.messageIn('de').split('\n')).toEqual([
      'Ungültige Konfiguration:',
      '  - PORT: erwartet eine ganze Zahl von 0 bis 65535 (angegeben: "dreitausend")',
      '  - LOG_LEVEL: erwartet fatal, error, warn, info, debug, trace oder silent (angegeben: "laut")',
      '  - SESSION_SECRET: muss in Produktion gesetzt sein, auf mindestens 32 zufällige Zeichen (openssl rand -base64 48)',
      '  - PUBLIC_BASE_URL: muss in Produktion die https://-Adresse sein, die Bürgerinnen und Bürger öffnen ' +
        '(Sitzungs-Cookies gelten nur über https)',
      '  - LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET: fehlen; LiveKit braucht LIVEKIT_URL, LIVEKIT_API_KEY und ' +
        'LIVEKIT_API_SECRET zusammen, und LIVEKIT_API_URL ist gesetzt. Setzen Sie die fehlenden, oder entfernen Sie ' +
        'LIVEKIT_API_URL, um die eingebauten Peer-to-Peer-Anrufe zu nutzen (docker compose setzt LIVEKIT_URL aus ' +
        'LIVEKIT_PUBLIC_URL in .env)',
      'infra/.env.example beschreibt jede Variable und ihre Form.',
    ]);
    expect(error.messageIn('en')).toMatch(/^Invalid configuration:\n {2}- PORT: expected a whole/);
    // Every message of the settings has its German.
    const wrong: Record<string, string> = {
      TRUST_PROXY: 'true',
      MEDIA_MODE: 'sfu',
      SMTP_URL: 'mail.example.de',
      DATABASE_URL: 'postgres://a:%zz@db/x',
      MAIL_FROM: 'Rathaus',
      OIDC_ALLOWED_ISSUERS: 'ftp://x',
      ICE_SERVERS: 'stun',
      LIVEKIT_E2EE: 'vielleicht',
      LIVEKIT_API_KEY: 'a b',
      SESSION_SECRET: 'kurz',
      INSTALLATION_CONTACT_EMAIL: 'nein',
      INSTALLATION_IMPRINT_URL: 'impressum',
      RETENTION_DAYS: '9999',
    };
    for (const [name, value] of Object.entries(wrong)) {
      expect(refused({ [name]: value }).messageIn('de'), name).not.toMatch(/expected|must be|missing/);
    }
  });

  it('says that quotes around a refused value were read as part of it', () => {
    const quotes =
      '; the quotes around it were read as part of the value (docker run --env-file keeps them): remove them';
    expect(problemsOf({ MEDIA_MODE: "'p2p'" })).toEqual([
      `MEDIA_MODE: expected auto, p2p or livekit (got "'p2p'")${quotes}`,
    ]);
    expect(problemsOf({ PUBLIC_BASE_URL: '"https://buergerbuero.example.de"' })).toEqual([
      `PUBLIC_BASE_URL: expected an http(s) URL like https://buergerbuero.example.de${quotes}`,
    ]);
    // A secret is whatever it was: an installation may have run with the quotes in it.
    expect(parseConfig({ SESSION_SECRET: `'${secret}'` }).sessionSecret).toBe(`'${secret}'`);
  });

  it('warns, without refusing, when HTTP_CONNECTIONS_PER_ADDRESS is not above WS_CONNECTIONS_PER_ADDRESS where that cap applies', () => {
    const variablesWarned = (env: Record<string, string>) =>
      configWarnings(parseConfig(env)).flatMap(({ variables }) => variables);
    const both = ['HTTP_CONNECTIONS_PER_ADDRESS', 'WS_CONNECTIONS_PER_ADDRESS'];
    expect(variablesWarned({ HTTP_CONNECTIONS_PER_ADDRESS: '5' })).toEqual(both);
    expect(variablesWarned({ HTTP_CONNECTIONS_PER_ADDRESS: '50', WS_CONNECTIONS_PER_ADDRESS: '50' })).toEqual(both);
    const [warning] = configWarnings(parseConfig({ HTTP_CONNECTIONS_PER_ADDRESS: '5' }));
    expect(warning?.message).toMatch(
      /^HTTP_CONNECTIONS_PER_ADDRESS \(5\) is not above WS_CONNECTIONS_PER_ADDRESS \(200\)/,
    );
    // The defaults hold it; behind a trusted proxy the HTTP cap is not applied at all.
    expect(variablesWarned({})).toEqual([]);
    expect(variablesWarned({ HTTP_CONNECTIONS_PER_ADDRESS: '51', WS_CONNECTIONS_PER_ADDRESS: '50' })).toEqual([]);
    expect(variablesWarned({ HTTP_CONNECTIONS_PER_ADDRESS: '5', TRUST_PROXY: '1' })).toEqual([]);
  });

  it('warns at the start of production without SMTP_URL that no e-mail is sent, and where it goes instead', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: secret, PUBLIC_BASE_URL: 'https://b.example.de' };
    const warned = configWarnings(parseConfig({ ...production, DATA_DIR: '/srv/amtsraum' }));
    expect(warned).toEqual([
      {
        variables: ['SMTP_URL'],
        message: expect.stringContaining(
          'SMTP_URL is not set: no e-mail is sent (appointment confirmations and reminders, staff invitations, password resets); each is written as an .eml file to /srv/amtsraum/outbox instead.',
        ) as string,
      },
    ]);
    const smtp = { SMTP_URL: 'smtp://u:p@mail.example.de:587', MAIL_FROM: 'Amt <no-reply@b.example.de>' };
    expect(configWarnings(parseConfig({ ...production, ...smtp }))).toEqual([]);
    // A trial on one machine writes the outbox on purpose (the development mailbox shows it).
    expect(configWarnings(parseConfig({}))).toEqual([]);
  });

  it('names the settings of a .env file that nothing read (cp infra/.env.example .env, then npm start)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-dotenv-'));
    try {
      // The example as it comes: every value empty or commented out, so nothing to say.
      fs.copyFileSync(path.join(ROOT, 'infra/.env.example'), path.join(dir, '.env'));
      expect(unreadEnvFile(dir, {})).toBeNull();
      // Filled in, with Windows line endings and the quotes the example asks for.
      fs.writeFileSync(
        path.join(dir, '.env'),
        [
          '# Amtsraum',
          'PUBLIC_BASE_URL=https://buergerbuero.example.de',
          "SESSION_SECRET='abc$def'",
          'POSTGRES_PASSWORD=compose-reads-it',
          'export DATABASE_URL=postgres://a:b@db/amtsraum',
          'PORT=8080',
          'SMTP_URL=',
          '#LOG_LEVEL=debug',
        ].join('\r\n'),
      );
      expect(unreadEnvFile(dir, {})).toEqual({
        file: path.join(dir, '.env'),
        variables: ['PUBLIC_BASE_URL', 'SESSION_SECRET', 'DATABASE_URL', 'PORT'],
      });
      // What the environment sets (compose's env_file, an export in the shell) is in force, at any value.
      expect(unreadEnvFile(dir, { PUBLIC_BASE_URL: 'https://x.de', SESSION_SECRET: 'other', PORT: '3000' })).toEqual({
        file: path.join(dir, '.env'),
        variables: ['DATABASE_URL'],
      });
      fs.rmSync(path.join(dir, '.env'));
      expect(unreadEnvFile(dir, {})).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names a misspelt or unknown setting with the nearest real one, and leaves other programs' variables alone", () => {
    expect(
      unknownVariables({
        RETENTION_DAY: '7',
        PUBLIC_BASEURL: 'https://x.de',
        TRUSTPROXY: '1',
        SMTP_HOST: 'mail.example.de',
        LIVEKIT_SECRET: 'x',
        // Not ours: the shell's, the desktop's, npm's, a proxy's; and ours, set or empty.
        HOME: '/root',
        PATH: '/usr/bin',
        MAIL: '/var/mail/root',
        SESSION_MANAGER: 'local/x',
        HTTP_PROXY: 'http://proxy:3128',
        NODE_OPTIONS: '--max-old-space-size=4096',
        npm_config_cache: '/tmp',
        RETENTION_DAYS: '7',
        POSTGRES_PASSWORD: 'compose reads it',
        MAIL_FORM: '',
      }),
    ).toEqual([
      { variable: 'RETENTION_DAY', suggestion: 'RETENTION_DAYS' },
      { variable: 'PUBLIC_BASEURL', suggestion: 'PUBLIC_BASE_URL' },
      { variable: 'TRUSTPROXY', suggestion: 'TRUST_PROXY' },
      { variable: 'SMTP_HOST', suggestion: null },
      { variable: 'LIVEKIT_SECRET', suggestion: 'LIVEKIT_API_SECRET' },
    ]);
  });

  it('says in infra/.env.example the default and the range the app applies to each whole-number setting', () => {
    const example = fs.readFileSync(path.join(ROOT, 'infra/.env.example'), 'utf8');
    // Each setting's text: the comment lines above its line.
    const texts = new Map<string, string>();
    let comment: string[] = [];
    for (const line of example.split('\n')) {
      const setting = /^#?([A-Z][A-Z0-9_]+)=/.exec(line);
      if (setting) {
        texts.set(setting[1]!, comment.join(' '));
        comment = [];
      } else if (line.startsWith('# ') && !line.startsWith('# ---')) comment.push(line.slice(2));
      else comment = [];
    }
    const base = { NODE_ENV: 'test' };
    const fails = (env: Record<string, string>) => {
      try {
        parseConfig({ ...base, ...env });
        return false;
      } catch (error) {
        return error instanceof ConfigError;
      }
    };
    const wholeNumbers = CONFIG_VARIABLES.filter(
      (name) => name !== 'PORT' && fails({ [name]: '1.5' }) && fails({ [name]: 'false' }) && !fails({ [name]: '10' }),
    );
    expect(wholeNumbers.length).toBeGreaterThan(8);
    for (const name of wholeNumbers) {
      const text = texts.get(name) ?? '';
      const stated = /Default: (\d+)\b/.exec(text)?.[1];
      expect(stated, `${name}: no "Default: <n>" in infra/.env.example`).toBeDefined();
      expect(parseConfig({ ...base, [name]: stated! }), `${name}'s default`).toEqual(parseConfig(base));
      const range = /(?:from (\d[\d,]*) to (\d[\d,]*)|\b(\d+)-(\d+)\. Default)/.exec(text);
      if (/^(WS_|HTTP_)/.test(name)) continue; // limits of a machine, not of a rule: no range said
      expect(range, `${name}: no "Whole number from <a> to <b>" in infra/.env.example`).not.toBeNull();
      const [low, high] = [range![1] ?? range![3], range![2] ?? range![4]].map((n) => Number(n!.replace(/,/g, '')));
      expect([fails({ [name]: String(low) }), fails({ [name]: String(high) })], name).toEqual([false, false]);
      expect([fails({ [name]: String(low! - 1) }), fails({ [name]: String(high! + 1) })], name).toEqual([true, true]);
    }
  });

  it('documents in infra/.env.example every setting it reads, and docker-compose.yml gives the app only those', () => {
    const example = fs.readFileSync(path.join(ROOT, 'infra/.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^#?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!));
    expect(CONFIG_VARIABLES.filter((name) => !documented.has(name))).toEqual([]);
    // Each name documented is read by the app or by compose for another service, none by nobody.
    expect(
      [...documented].filter((name) => !CONFIG_VARIABLES.includes(name) && !COMPOSE_ONLY_VARIABLES.includes(name)),
    ).toEqual([]);
    expect(COMPOSE_ONLY_VARIABLES.filter((name) => !documented.has(name))).toEqual([]);
    const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const app = Object.keys(compose.services.app!.environment ?? {});
    expect(app.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
  });
});
