import fs from 'node:fs';
import path from 'node:path';
import { domainToASCII } from 'node:url';
import { z } from 'zod';

/**
 * The only module that reads `process.env` (enforced by lint). Everything else gets a parsed,
 * typed `Config`. A bad value stops the start with the variable's name and the expected form.
 */

/** The language of messages on a terminal (start errors, `npm run setup`, `npm run export`). */
export type CliLanguage = 'de' | 'en';

/**
 * POSIX's order for a program's messages: LC_ALL, then LC_MESSAGES, then LANG. English when that
 * names English (`en_US.UTF-8`, `en`), German, the product's default, otherwise (`de_DE.UTF-8`,
 * `C.UTF-8`, nothing set).
 */
export function cliLanguageOf(env: Env): CliLanguage {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value) ?? '';
  return /^en/i.test(locale) ? 'en' : 'de';
}

/** The process's terminal language (see cliLanguageOf). */
export function cliLanguage(): CliLanguage {
  return cliLanguageOf(process.env);
}

/**
 * German for the English messages of the schema below, by their text: zod carries one string per
 * issue, and ConfigError says each problem in both languages.
 */
const GERMAN = new Map<string, string>();
function said(en: string, de: string): string {
  GERMAN.set(en, de);
  return en;
}

export const DEVELOPMENT_SESSION_SECRET = 'amtsraum-development-secret-do-not-use-in-production';
/** The LiveKit secret of infra/livekit.local.yaml: public, so never for production (a test keeps both equal). */
export const DEVELOPMENT_LIVEKIT_SECRET = 'amtsraum-dev-secret-for-this-machine-only';

const booleanText = (name: string) =>
  z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(
      z.enum(['true', 'false', '1', '0', 'yes', 'no'], {
        error: said(
          `${name}: expected true or false (also 1 or 0, yes or no)`,
          `${name}: erwartet true oder false (auch 1 oder 0, yes oder no)`,
        ),
      }),
    )
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

const integerText = (min: number, max: number) =>
  z
    .string()
    .regex(
      /^\d+$/,
      said(`expected a whole number from ${min} to ${max}`, `erwartet eine ganze Zahl von ${min} bis ${max}`),
    )
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, said(`expected at least ${min}`, `erwartet mindestens ${min}`))
        .max(max, said(`expected at most ${max}`, `erwartet höchstens ${max}`)),
    );

const IceServerSchema = z.object({
  urls: z.union([
    z.string().regex(/^(stun|stuns|turn|turns):/),
    z.array(z.string().regex(/^(stun|stuns|turn|turns):/)),
  ]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

/**
 * One entry of OIDC_ALLOWED_ISSUERS: an origin (`https://login.kommune.de`, `http://10.1.2.3:8080`)
 * or a host name, whose leading `*.` stands for any subdomain (`*.kommune.de`).
 */
export type OidcAllowedIssuer = { origin: string } | { host: string } | { suffix: string };

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * A host name as a URL's hostname writes it (lower case, umlauts in punycode), or a dotted IPv4
 * address; null for anything else: a label beginning or ending with a hyphen ("-5"), an empty
 * label, more than 63 characters in a label, or a last label of digits only, which a URL reads as
 * an IP address.
 */
function hostName(text: string): string | null {
  if (IPV4.test(text)) return text;
  const ascii = domainToASCII(text);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (!labels.every((label) => LABEL.test(label)) || /^\d+$/.test(labels[labels.length - 1] ?? '')) return null;
  return ascii;
}

/** A list entry without a scheme: `login.kommune.de`, `*.kommune.de` or an IPv4 address. */
function hostEntry(text: string): OidcAllowedIssuer | null {
  const wildcard = text.startsWith('*.');
  const host = hostName(wildcard ? text.slice(2) : text);
  if (!host) return null;
  if (!wildcard) return { host };
  return IPV4.test(host) ? null : { suffix: `.${host}` };
}

const oidcAllowedText = z.string().transform((text, ctx) => {
  const entries: OidcAllowedIssuer[] = [];
  for (const item of text.split(/[\s,]+/).filter(Boolean)) {
    const lower = item.toLowerCase();
    if (/^https?:\/\//.test(lower)) {
      try {
        const url = new URL(lower);
        const hostOk = url.hostname.startsWith('[') || hostName(url.hostname) !== null;
        if (hostOk && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password) {
          entries.push({ origin: url.origin });
          continue;
        }
      } catch {
        // reported below
      }
    } else {
      const entry = hostEntry(lower);
      if (entry) {
        entries.push(entry);
        continue;
      }
    }
    ctx.addIssue({
      code: 'custom',
      message: said(
        `expected origins (https://login.kommune.de) or host names (*.kommune.de), separated by commas; "${item}" is neither`,
        `erwartet Origins (https://login.kommune.de) oder Hostnamen (*.kommune.de), durch Kommas getrennt; "${item}" ist keins von beiden`,
      ),
    });
    return z.NEVER;
  }
  return entries;
});

const iceServersText = z.string().transform((text, ctx) => {
  try {
    return z.array(IceServerSchema).parse(JSON.parse(text));
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: said(
        'expected a JSON array of RTCIceServer objects, e.g. [{"urls":"turn:turn.example.de:3478","username":"u","credential":"p"}]',
        'erwartet ein JSON-Array von RTCIceServer-Objekten, z. B. [{"urls":"turn:turn.example.de:3478","username":"u","credential":"p"}]',
      ),
    });
    return z.NEVER;
  }
});

/** User and password in a URL must decode: a `%` not followed by two hex digits does not. */
function credentialsDecode(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return true; // not a URL at all: said once, by the URL check
  }
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    return true;
  } catch {
    return false;
  }
}
const PERCENT_ENCODE =
  'percent-encode special characters in user and password (% as %25, @ as %40, / as %2F, # as %23, : as %3A)';
const PERCENT_ENCODE_DE =
  'Sonderzeichen in Benutzer und Passwort prozentkodiert schreiben (% als %25, @ als %40, / als %2F, # als %23, : als %3A)';
const CREDENTIALS_UNREADABLE = said(
  `user or password cannot be read; ${PERCENT_ENCODE}`,
  `Benutzer oder Passwort nicht lesbar; ${PERCENT_ENCODE_DE}`,
);

const postgresUrl = z
  .url({
    protocol: /^postgres(ql)?$/,
    error: said(
      `expected a URL like postgres://user:password@host:5432/database; ${PERCENT_ENCODE}`,
      `erwartet eine URL wie postgres://benutzer:passwort@host:5432/datenbank; ${PERCENT_ENCODE_DE}`,
    ),
  })
  .refine(credentialsDecode, CREDENTIALS_UNREADABLE)
  .optional();

/**
 * LiveKit's key and secret go to the LiveKit server as one line, `key: secret`, which it reads as
 * YAML (docker-compose.yml's LIVEKIT_KEYS): a space, `#` or `:` in either, or a quote or `&`, `*`,
 * `!` in front, gives LiveKit another key or none, and every call then fails at its token. Letters,
 * digits and the characters of hex, base64 and base64url pass unchanged.
 */
const LIVEKIT_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+/=-]*$/;
const LIVEKIT_KEY_CHARACTERS =
  'expected letters, digits and - _ . + / = only, beginning with a letter or digit (LiveKit reads key and secret as "key: secret")';
const LIVEKIT_KEY_CHARACTERS_DE =
  'erwartet nur Buchstaben, Ziffern und - _ . + / =, am Anfang ein Buchstabe oder eine Ziffer (LiveKit liest Schlüssel und Secret als "key: secret")';

const HTTP_URL = said('expected an http(s) URL', 'erwartet eine http(s)-URL');

const EnvSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], {
      error: said('expected development, production or test', 'erwartet development, production oder test'),
    })
    .default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: integerText(0, 65535).default(3000),
  PUBLIC_BASE_URL: z
    .url({
      protocol: /^https?$/,
      error: said(
        'expected an http(s) URL like https://buergerbuero.example.de',
        'erwartet eine http(s)-URL wie https://buergerbuero.example.de',
      ),
    })
    .refine(
      (text) => {
        // zod runs this check on a value its URL check refused too: that one has said it already.
        if (!URL.canParse(text)) return true;
        const url = new URL(text);
        return url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
      },
      said(
        'expected only scheme, host and port, like https://buergerbuero.example.de (Amtsraum is served at the root of its host name, never under a path)',
        'erwartet nur Schema, Host und Port, wie https://buergerbuero.example.de (Amtsraum läuft an der Wurzel seines Hostnamens, nie unter einem Pfad)',
      ),
    )
    .optional(),
  TRUST_PROXY: z
    .string()
    .transform((text, ctx) => {
      if (/^(false|\d{1,2})$/.test(text)) return text;
      ctx.addIssue({
        code: 'custom',
        // Express's `true` takes the leftmost X-Forwarded-For entry, which the client writes itself.
        message:
          text === 'true'
            ? said(
                "true would take each client's address from what the client itself writes into X-Forwarded-For, " +
                  'so anyone could evade the per-address limits (sign-in attempts, knocks); ' +
                  'expected the number of reverse proxies in front of the app (e.g. 1), or false',
                'true nähme die Adresse jedes Clients aus dem, was der Client selbst in X-Forwarded-For schreibt, ' +
                  'so dass jeder die Grenzen je Adresse (Anmeldeversuche, Anklopfen) umgehen könnte; ' +
                  'erwartet die Zahl der Reverse-Proxys vor der App (z. B. 1) oder false',
              )
            : said(
                'expected false, or the number of reverse-proxy hops in front of the app (e.g. 1)',
                'erwartet false oder die Zahl der Reverse-Proxys vor der App (z. B. 1)',
              ),
      });
      return z.NEVER;
    })
    .default('false'),
  DATABASE_URL: postgresUrl,
  DATA_DIR: z.string().min(1).default('./data'),
  MEDIA_MODE: z
    .enum(['auto', 'p2p', 'livekit'], {
      error: said('expected auto, p2p or livekit', 'erwartet auto, p2p oder livekit'),
    })
    .default('auto'),
  LIVEKIT_URL: z
    .url({
      protocol: /^wss?$/,
      error: said(
        'expected a ws(s) URL like wss://livekit.example.de',
        'erwartet eine ws(s)-URL wie wss://livekit.example.de',
      ),
    })
    .optional(),
  LIVEKIT_API_URL: z
    .url({
      protocol: /^https?$/,
      error: said(
        'expected an http(s) URL like http://livekit:7880',
        'erwartet eine http(s)-URL wie http://livekit:7880',
      ),
    })
    .optional(),
  LIVEKIT_API_KEY: z
    .string()
    .min(
      3,
      said(
        'expected the LiveKit API key, at least 3 characters',
        'erwartet den LiveKit-API-Schlüssel, mindestens 3 Zeichen',
      ),
    )
    .regex(
      LIVEKIT_KEY_PATTERN,
      said(`${LIVEKIT_KEY_CHARACTERS} (e.g. amtsraum)`, `${LIVEKIT_KEY_CHARACTERS_DE} (z. B. amtsraum)`),
    )
    .optional(),
  LIVEKIT_API_SECRET: z
    .string()
    .min(32, said('expected a secret of at least 32 characters', 'erwartet ein Secret von mindestens 32 Zeichen'))
    .regex(
      LIVEKIT_KEY_PATTERN,
      said(`${LIVEKIT_KEY_CHARACTERS} (openssl rand -hex 32)`, `${LIVEKIT_KEY_CHARACTERS_DE} (openssl rand -hex 32)`),
    )
    .optional(),
  LIVEKIT_E2EE: booleanText('LIVEKIT_E2EE').default(true),
  P2P_MAX_PARTICIPANTS: integerText(2, 8).default(4),
  INVITE_MAX_DAYS: integerText(1, 365).default(30),
  ICE_SERVERS: iceServersText.default([]),
  SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      error: said(
        `expected a URL like smtp://user:password@mail.example.de:587; ${PERCENT_ENCODE}`,
        `erwartet eine URL wie smtp://benutzer:passwort@mail.example.de:587; ${PERCENT_ENCODE_DE}`,
      ),
    })
    .refine(credentialsDecode, CREDENTIALS_UNREADABLE)
    .optional(),
  MAIL_FROM: z
    .string()
    .regex(
      /^[^<>@\s]+@[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/,
      said(
        "expected an e-mail address, or a name and one in angle brackets: 'Bürgerbüro Musterstadt <no-reply@buergerbuero.example.de>'",
        "erwartet eine E-Mail-Adresse, oder einen Namen und eine Adresse in spitzen Klammern: 'Bürgerbüro Musterstadt <no-reply@buergerbuero.example.de>'",
      ),
    )
    .default('Amtsraum <no-reply@localhost>'),
  SMTP_TIMEOUT_SECONDS: integerText(1, 600).default(60),
  SESSION_SECRET: z
    .string()
    .min(
      32,
      said(
        'expected at least 32 random characters (openssl rand -base64 48)',
        'erwartet mindestens 32 zufällige Zeichen (openssl rand -base64 48)',
      ),
    )
    .default(DEVELOPMENT_SESSION_SECRET),
  RETENTION_DAYS: integerText(1, 3650).default(30),
  SEED_DEMO: booleanText('SEED_DEMO').optional(),
  SEED_DEMO_PASSWORD: z
    .string()
    .min(8, said('expected at least 8 characters', 'erwartet mindestens 8 Zeichen'))
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: said(
        'expected fatal, error, warn, info, debug, trace or silent',
        'erwartet fatal, error, warn, info, debug, trace oder silent',
      ),
    })
    .default('info'),
  VISIT_GRACE_SECONDS: integerText(10, 3600).default(120),
  WS_CONNECTIONS_PER_ADDRESS: integerText(1, 1_000_000).default(200),
  HTTP_CONNECTIONS_PER_ADDRESS: integerText(1, 1_000_000).default(1_000),
  WS_MAX_CONNECTIONS: integerText(1, 1_000_000).default(15_000),
  BOOKING_CONCURRENCY: integerText(1, 64).default(4),
  REMINDER_HOURS: integerText(0, 336).default(24),
  // The operator's own legal pages (issue 15), linked from pages of no municipality (home, staff).
  INSTALLATION_IMPRINT_URL: z.url({ protocol: /^https?$/, error: HTTP_URL }).optional(),
  INSTALLATION_PRIVACY_URL: z.url({ protocol: /^https?$/, error: HTTP_URL }).optional(),
  INSTALLATION_ACCESSIBILITY_URL: z.url({ protocol: /^https?$/, error: HTTP_URL }).optional(),
  INSTALLATION_CONTACT_EMAIL: z
    .email({ error: said('expected an e-mail address', 'erwartet eine E-Mail-Adresse') })
    .optional(),
  // Which OpenID providers municipalities may sign in through (decision 026).
  OIDC_ALLOWED_ISSUERS: oidcAllowedText.default([]),
  OIDC_ALLOW_INTERNAL_PROVIDERS: booleanText('OIDC_ALLOW_INTERNAL_PROVIDERS').default(false),
});

/** Every variable the app reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/**
 * Variables of infra/.env.example that docker-compose.yml reads for its other services (or puts into
 * DATABASE_URL and LIVEKIT_URL), never the app: its `env_file: .env` hands them to the app too.
 */
export const COMPOSE_ONLY_VARIABLES: readonly string[] = [
  'COMPOSE_PROFILES',
  'POSTGRES_PASSWORD',
  'LIVEKIT_PUBLIC_URL',
  'LIVEKIT_TURN_DOMAIN',
  'LIVEKIT_NODE_IP',
  'LIVEKIT_TURN_TLS_DIR',
  'LIVEKIT_TURN_TLS_PUBLISH',
  'LIVEKIT_TURN_EXTERNAL_TLS',
  'LIVEKIT_TURN_ENABLED',
  'TURN_SECRET',
  'TURN_EXTERNAL_IP',
  'TURN_REALM',
];

/** Beginnings that only Amtsraum's own variables have: another name with one is a misspelling. */
// Not SESSION_ (SESSION_MANAGER of desktops) nor HTTP_ (HTTP_PROXY): near misses of those still count.
const OWN_PREFIXES =
  /^(LIVEKIT|SMTP|MAIL|OIDC|SEED|INSTALLATION|WS|VISIT|REMINDER|RETENTION|INVITE|P2P|BOOKING|MEDIA|PUBLIC_BASE|TRUST|ICE)_/;

/** Edits (insert, delete, replace a letter) between two names. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * Variables set that look like Amtsraum's but are none of them (`RETENTION_DAY=7`, `SMTP_HOST`),
 * each with the nearest real name: the start goes on with the default, which a misspelling would
 * otherwise change unnoticed (personal data kept 30 days instead of 7). Said once in the log.
 */
export function unknownVariables(env: Env): { variable: string; suggestion: string | null }[] {
  const known = new Set([...CONFIG_VARIABLES, ...COMPOSE_ONLY_VARIABLES]);
  const found: { variable: string; suggestion: string | null }[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '' || known.has(name) || name !== name.toUpperCase()) continue;
    let suggestion: string | null = null;
    let best = Infinity;
    for (const candidate of known) {
      const edits = distance(name, candidate);
      if (edits < best) [best, suggestion] = [edits, candidate];
    }
    const nearMiss = name.length >= 6 && best <= 2;
    if (!nearMiss && !OWN_PREFIXES.test(name)) continue;
    found.push({ variable: name, suggestion: best <= Math.max(2, Math.floor(name.length / 3)) ? suggestion : null });
  }
  return found;
}

/** The variables LiveKit cannot run without; the others only refine it. */
const LIVEKIT_REQUIRED = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const;
const LIVEKIT_VARIABLES = [...LIVEKIT_REQUIRED, 'LIVEKIT_API_URL', 'LIVEKIT_E2EE'] as const;

/** "A", "A and B", "A, B and C". */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export type MediaMode = 'p2p' | 'livekit';

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicBaseUrl: URL;
  trustProxy: boolean | number;
  /** Open WebSockets one client address (IPv4, or IPv6 /64) may hold in one process. */
  wsConnectionsPerAddress: number;
  /** Open TCP connections (requests and live sockets) per client address; not applied behind TRUST_PROXY. */
  httpConnectionsPerAddress: number;
  /** Live connections this process holds at most, from all addresses together. */
  wsMaxConnections: number;
  /** Slot searches and bookings this process works on at once; the rest wait in line (lib/work-gate.ts). */
  bookingConcurrency: number;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  media: {
    /** The configured preference; `auto` means LiveKit when it is configured. */
    preference: 'auto' | 'p2p' | 'livekit';
    /** What calls use by default. */
    mode: MediaMode;
    livekit: {
      url: string;
      apiUrl: string;
      apiKey: string;
      apiSecret: string;
      /** End-to-end encryption of every LiveKit call (KBV Anlage 31b for media through a server). */
      e2ee: boolean;
    } | null;
    p2pMaxParticipants: number;
    iceServers: { urls: string | string[]; username?: string; credential?: string }[];
  };
  mail: {
    smtpUrl: string | null;
    from: string;
    outboxDir: string;
    /** The longest one message may take to send (connect, greet, transfer) before it is retried. */
    sendTimeoutMs: number;
  };
  sessionSecret: string;
  retentionDays: number;
  seed: { enabled: boolean; password: string | null };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  visitGraceSeconds: number;
  /** Hours before an appointment its reminder e-mail goes out; 0: no reminders. */
  reminderHours: number;
  /** The longest an invite link may be valid (links for appointments are made days ahead). */
  inviteMaxDays: number;
  /**
   * The installation operator's own legal pages and contact (issue 15): linked from pages of no
   * municipality; the contact receives accessibility feedback of municipalities without one.
   */
  installation: {
    imprintUrl: string | null;
    privacyUrl: string | null;
    accessibilityUrl: string | null;
    contactEmail: string | null;
  };
  /**
   * Which OpenID providers a municipality admin may enter, and where the server may fetch from for
   * them (decision 026): an empty list allows any public https provider; `allowInternal` also
   * allows http and loopback, private and other non-public addresses (town halls' own networks).
   */
  oidcPolicy: { allowedIssuers: OidcAllowedIssuer[]; allowInternal: boolean };
  /** Started by an npm script (`npm start`): npm sets npm_lifecycle_event (main.ts watches its shell). */
  launchedByNpm: boolean;
  /** Variables whose value ended in a carriage return (Windows line endings), read without it. */
  carriageReturns: string[];
  /** Variables whose value began or ended in other spaces, tabs or line breaks, read without them. */
  surroundingSpace: string[];
  /**
   * SESSION_SECRET as versions before this reading took it (spaces and line breaks around it kept,
   * only a last carriage return dropped), when that differs: what was sealed under it is sealed
   * again under the secret as now read (features/setup/reseal.ts). Null when the two are the same.
   */
  formerSessionSecret: string | null;
}

/** One problem of the configuration, in both languages of the terminal (setting names and values as given). */
export interface ConfigProblem {
  de: string;
  en: string;
}

export class ConfigError extends Error {
  /** Each problem in English (the log, the tests). */
  public readonly problems: string[];
  constructor(private readonly said: ConfigProblem[]) {
    super(`Invalid configuration:\n${said.map((problem) => `  - ${problem.en}`).join('\n')}`);
    this.problems = said.map((problem) => problem.en);
    this.name = 'ConfigError';
  }

  /** The message for a terminal: every problem, and where each setting is described. */
  messageIn(language: CliLanguage): string {
    const head = language === 'en' ? 'Invalid configuration:' : 'Ungültige Konfiguration:';
    const foot =
      language === 'en'
        ? 'See infra/.env.example for every variable and its form.'
        : 'infra/.env.example beschreibt jede Variable und ihre Form.';
    return `${head}\n${this.said.map((problem) => `  - ${problem[language]}`).join('\n')}\n${foot}`;
  }
}

type Env = Record<string, string | undefined>;

const QUOTES_KEPT =
  '; the quotes around it were read as part of the value (docker run --env-file keeps them): remove them';
const QUOTES_KEPT_DE =
  '; die Anführungszeichen darum wurden als Teil des Werts gelesen (docker run --env-file behält sie): entfernen Sie sie';

/** "A", "A und B", "A, B und C". */
function listedDe(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} und ${names[names.length - 1]}`;
}

/** A value as the message shows it: control characters written out (\\r), not sent to the terminal. */
function visible(value: string): string {
  // eslint-disable-next-line no-control-regex -- showing control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Parses configuration from an environment; throws `ConfigError` naming every bad variable. */
export function parseConfig(env: Env): Config {
  // A file saved with Windows line endings, read by a shell (`set -a; . ./.env`) or systemd, ends
  // each value in a carriage return; a secret written to a file with `echo` ends in a line feed; a
  // value copied from a mail may bring a space. docker compose and node --env-file drop such spaces
  // around an unquoted value, other readers keep them: so every process of one installation reads
  // the same SESSION_SECRET (sessions, sealed authenticator secrets), spaces, tabs and line breaks
  // around any value are never part of it. Each setting so read is named (configWarnings), never
  // its value.
  const carriageReturns: string[] = [];
  const surroundingSpace: string[] = [];
  const values = Object.entries(env).map(([name, value]) => {
    if (value === undefined || !CONFIG_VARIABLES.includes(name)) return [name, value] as const;
    const trimmed = value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (trimmed === value) return [name, value] as const;
    if (value.endsWith('\r') && `${trimmed}\r` === value) carriageReturns.push(name);
    else surroundingSpace.push(name);
    return [name, trimmed] as const;
  });
  // An empty variable (FOO=) means "not set", as in most .env tooling.
  const cleaned = Object.fromEntries(values.filter(([, value]) => value !== undefined && value !== ''));
  const result = EnvSchema.safeParse(cleaned);
  const problems: ConfigProblem[] = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const given = cleaned[name];
        const shown = given === undefined || /SECRET|PASSWORD|URL|ICE_SERVERS/.test(name) ? null : visible(given);
        const unprefixed = (text: string) => (text.startsWith(`${name}:`) ? text.slice(name.length + 1).trim() : text);
        // `docker run --env-file` keeps the quotes .env.example asks for around values with $ or spaces.
        const quoted = given !== undefined && /^(["']).*\1$/s.test(given);
        return {
          en:
            `${name}: ${unprefixed(issue.message)}${shown === null ? '' : ` (got "${shown}")`}` +
            (quoted ? QUOTES_KEPT : ''),
          de:
            `${name}: ${unprefixed(GERMAN.get(issue.message) ?? issue.message)}` +
            `${shown === null ? '' : ` (angegeben: "${shown}")`}${quoted ? QUOTES_KEPT_DE : ''}`,
        };
      });

  // Rules across variables, checked on the raw values so one run reports every problem.
  const secret = cleaned.SESSION_SECRET ?? DEVELOPMENT_SESSION_SECRET;
  if (cleaned.NODE_ENV === 'production' && secret === DEVELOPMENT_SESSION_SECRET) {
    problems.push({
      en: 'SESSION_SECRET: must be set in production to at least 32 random characters (openssl rand -base64 48)',
      de: 'SESSION_SECRET: muss in Produktion gesetzt sein, auf mindestens 32 zufällige Zeichen (openssl rand -base64 48)',
    });
  }
  if (cleaned.NODE_ENV === 'production' && !/^https:\/\//.test(cleaned.PUBLIC_BASE_URL ?? '')) {
    problems.push({
      en: 'PUBLIC_BASE_URL: must be the https:// address citizens use in production (session cookies are Secure-only)',
      de: 'PUBLIC_BASE_URL: muss in Produktion die https://-Adresse sein, die Bürgerinnen und Bürger öffnen (Sitzungs-Cookies gelten nur über https)',
    });
  }
  if (cleaned.NODE_ENV === 'production' && cleaned.LIVEKIT_API_SECRET === DEVELOPMENT_LIVEKIT_SECRET) {
    problems.push({
      en: 'LIVEKIT_API_SECRET: the development secret of infra/livekit.local.yaml is public; set a secret of your own in production (openssl rand -hex 32)',
      de: 'LIVEKIT_API_SECRET: das Entwicklungs-Secret aus infra/livekit.local.yaml ist öffentlich; setzen Sie in Produktion ein eigenes (openssl rand -hex 32)',
    });
  }
  if (cleaned.NODE_ENV === 'production' && cleaned.SMTP_URL && !cleaned.MAIL_FROM) {
    problems.push({
      en: "MAIL_FROM: must be set with SMTP_URL in production, to the sender citizens see, e.g. 'Bürgerbüro Musterstadt <no-reply@buergerbuero.example.de>'",
      de: "MAIL_FROM: muss in Produktion mit SMTP_URL gesetzt sein, auf den Absender, den Bürgerinnen und Bürger sehen, z. B. 'Bürgerbüro Musterstadt <no-reply@buergerbuero.example.de>'",
    });
  }
  // Any LiveKit variable says the operator meant LiveKit: half of it must stop the start, not fall
  // back to peer-to-peer unnoticed (LIVEKIT_API_URL alone was once ignored that way).
  const livekitMissing = LIVEKIT_REQUIRED.filter((name) => !cleaned[name]);
  const livekitConfigured = livekitMissing.length === 0;
  // A variable refused for its own value (LIVEKIT_E2EE=yes please) is named for that alone.
  const refused = new Set(result.success ? [] : result.error.issues.map((issue) => String(issue.path[0])));
  const livekitGiven = LIVEKIT_VARIABLES.filter((name) => cleaned[name] && !refused.has(name));
  if (!livekitConfigured && (livekitGiven.length > 0 || cleaned.MEDIA_MODE === 'livekit')) {
    // Under docker compose the person fixing it edits .env, where LIVEKIT_URL is LIVEKIT_PUBLIC_URL
    // and LIVEKIT_API_URL is not (docker-compose.yml sets both from LIVEKIT_PUBLIC_URL), and where
    // MEDIA_MODE=livekit is compose's default: named as .env has them. Compose is recognised by the
    // copy it makes: its env_file hands over LIVEKIT_PUBLIC_URL too, and LIVEKIT_URL is that value.
    const compose = env.LIVEKIT_PUBLIC_URL !== undefined && env.LIVEKIT_URL === env.LIVEKIT_PUBLIC_URL;
    const asInEnvFile = (names: readonly string[]) =>
      compose
        ? names
            .filter((name) => name !== 'LIVEKIT_API_URL')
            .map((n) => (n === 'LIVEKIT_URL' ? 'LIVEKIT_PUBLIC_URL' : n))
        : [...names];
    const missing = asInEnvFile(livekitMissing);
    const required = asInEnvFile(LIVEKIT_REQUIRED);
    const givenNames = asInEnvFile(livekitGiven);
    const modeSet = cleaned.MEDIA_MODE === 'livekit';
    const mode = (underCompose: string) =>
      modeSet ? [`MEDIA_MODE=livekit${compose ? ` (${underCompose})` : ''}`] : [];
    const given = [...givenNames, ...mode('the default under docker compose')];
    const givenDe = [...givenNames, ...mode('unter docker compose der Standard')];
    // docker-compose.yml sets MEDIA_MODE=livekit unless .env says otherwise: removing it is no way out
    // there, and its livekit profile would start LiveKit on the missing values.
    const instead = [
      ...(givenNames.length > 0 ? [`remove ${listed(givenNames)}`] : []),
      ...(modeSet ? [compose ? 'set MEDIA_MODE=p2p with an empty COMPOSE_PROFILES=' : 'set MEDIA_MODE=p2p'] : []),
    ].join(' and ');
    const insteadDe = [
      ...(givenNames.length > 0 ? [`entfernen Sie ${listedDe(givenNames)}`] : []),
      ...(modeSet
        ? [compose ? 'setzen Sie MEDIA_MODE=p2p mit leerem COMPOSE_PROFILES=' : 'setzen Sie MEDIA_MODE=p2p']
        : []),
    ].join(' und ');
    const one = missing.length === 1;
    const hint = !compose && livekitMissing.includes('LIVEKIT_URL');
    problems.push({
      en:
        `${missing.join(', ')}: missing${compose ? ' in .env' : ''}; LiveKit needs ${listed(required)} together, ` +
        `and ${listed(given)} ${given.length === 1 ? 'is' : 'are'} set. ` +
        `Set the missing ${one ? 'one' : 'ones'}, or ${instead} to use the built-in peer-to-peer calls` +
        (hint ? ' (docker compose sets LIVEKIT_URL from LIVEKIT_PUBLIC_URL in .env)' : ''),
      de:
        `${missing.join(', ')}: ${one ? 'fehlt' : 'fehlen'}${compose ? ' in .env' : ''}; LiveKit braucht ${listedDe(required)} ` +
        `zusammen, und ${listedDe(givenDe)} ${given.length === 1 ? 'ist' : 'sind'} gesetzt. ` +
        `Setzen Sie ${one ? 'die fehlende' : 'die fehlenden'}, oder ${insteadDe}, um die eingebauten Peer-to-Peer-Anrufe zu nutzen` +
        (hint ? ' (docker compose setzt LIVEKIT_URL aus LIVEKIT_PUBLIC_URL in .env)' : ''),
    });
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const e = result.data;

  const dataDir = path.resolve(e.DATA_DIR);
  const publicBaseUrl = new URL(e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`);
  const livekit =
    livekitConfigured && e.LIVEKIT_URL && e.LIVEKIT_API_KEY && e.LIVEKIT_API_SECRET
      ? {
          url: e.LIVEKIT_URL,
          apiUrl: e.LIVEKIT_API_URL ?? e.LIVEKIT_URL.replace(/^ws/, 'http'),
          apiKey: e.LIVEKIT_API_KEY,
          apiSecret: e.LIVEKIT_API_SECRET,
          e2ee: e.LIVEKIT_E2EE,
        }
      : null;

  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl,
    trustProxy: e.TRUST_PROXY === 'false' ? false : e.TRUST_PROXY === 'true' ? true : Number(e.TRUST_PROXY),
    wsConnectionsPerAddress: e.WS_CONNECTIONS_PER_ADDRESS,
    httpConnectionsPerAddress: e.HTTP_CONNECTIONS_PER_ADDRESS,
    wsMaxConnections: e.WS_MAX_CONNECTIONS,
    bookingConcurrency: e.BOOKING_CONCURRENCY,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    dataDir,
    media: {
      preference: e.MEDIA_MODE,
      mode: e.MEDIA_MODE === 'p2p' ? 'p2p' : livekit ? 'livekit' : 'p2p',
      livekit,
      p2pMaxParticipants: e.P2P_MAX_PARTICIPANTS,
      iceServers: e.ICE_SERVERS,
    },
    mail: {
      smtpUrl: e.SMTP_URL ?? null,
      from: e.MAIL_FROM,
      outboxDir: path.join(dataDir, 'outbox'),
      sendTimeoutMs: e.SMTP_TIMEOUT_SECONDS * 1000,
    },
    sessionSecret: e.SESSION_SECRET,
    retentionDays: e.RETENTION_DAYS,
    seed: { enabled: e.SEED_DEMO ?? e.NODE_ENV !== 'production', password: e.SEED_DEMO_PASSWORD ?? null },
    logLevel: e.LOG_LEVEL,
    visitGraceSeconds: e.VISIT_GRACE_SECONDS,
    reminderHours: e.REMINDER_HOURS,
    inviteMaxDays: e.INVITE_MAX_DAYS,
    installation: {
      imprintUrl: e.INSTALLATION_IMPRINT_URL ?? null,
      privacyUrl: e.INSTALLATION_PRIVACY_URL ?? null,
      accessibilityUrl: e.INSTALLATION_ACCESSIBILITY_URL ?? null,
      contactEmail: e.INSTALLATION_CONTACT_EMAIL ?? null,
    },
    oidcPolicy: { allowedIssuers: e.OIDC_ALLOWED_ISSUERS, allowInternal: e.OIDC_ALLOW_INTERNAL_PROVIDERS },
    launchedByNpm: Boolean(env.npm_lifecycle_event),
    carriageReturns,
    surroundingSpace,
    formerSessionSecret: formerReading(env.SESSION_SECRET, e.SESSION_SECRET),
  };
}

/** How versions before the trimmed reading took a secret: only a last carriage return dropped. */
function formerReading(given: string | undefined, read: string): string | null {
  if (given === undefined) return null;
  const former = given.endsWith('\r') ? given.slice(0, -1) : given;
  return former !== '' && former !== read ? former : null;
}

/** The log lines for unknownVariables() of the process environment. Called once, by main.ts. */
export function unknownVariableWarnings(): { variable: string; message: string }[] {
  return unknownVariables(process.env).map(({ variable, suggestion }) => ({
    variable,
    message:
      `${variable} is not a setting of Amtsraum and is ignored` +
      (suggestion ? `; did you mean ${suggestion}?` : '') +
      ' (infra/.env.example lists every setting)',
  }));
}

/**
 * Amtsraum's settings in a `.env` file of `dir` (the folder `npm start` runs in) that the environment
 * lacks: nothing reads that file but docker compose, so after `cp infra/.env.example .env` a start
 * without Docker would otherwise run on the defaults (the embedded database, the development
 * secret) without a word. Variables the environment sets, to any value, win as they would under
 * compose; a file that cannot be read is passed over.
 */
export function unreadEnvFile(dir: string, env: Env): { file: string; variables: string[] } | null {
  const file = path.join(dir, '.env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const own = new Set(CONFIG_VARIABLES);
  const variables: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const [, name, raw] = match as unknown as [string, string, string];
    const value = raw.replace(/^(['"])(.*)\1$/, '$2');
    if (value === '' || !own.has(name) || (env[name] ?? '') !== '' || variables.includes(name)) continue;
    variables.push(name);
  }
  return variables.length > 0 ? { file, variables } : null;
}

/** unreadEnvFile() of the working directory and the process environment (npm run setup, npm run export). */
export function unreadEnvFileHere(): { file: string; variables: string[] } | null {
  return unreadEnvFile(process.cwd(), process.env);
}

/** The log line for unreadEnvFile() of the working directory, or null. Called once, by main.ts. */
export function unreadEnvFileWarning(): { variables: string[]; message: string } | null {
  const unread = unreadEnvFile(process.cwd(), process.env);
  if (!unread) return null;
  return {
    variables: unread.variables,
    message:
      `${unread.file} is not read: Amtsraum takes its settings from the environment, and only docker compose ` +
      `reads .env (for its containers). Not in force, their defaults are: ${listed(unread.variables)}. ` +
      'Without Docker set them in the environment, e.g. with node --env-file=.env server/dist/main.js ' +
      "(after npm run build) or a systemd unit's EnvironmentFile=.",
  };
}

/**
 * Settings that are valid each on its own but work against each other: named at the start, which
 * goes on (tests set them so on purpose). Called once, by main.ts.
 */
export function configWarnings(config: Config): { variables: string[]; message: string }[] {
  const warnings: { variables: string[]; message: string }[] = [];
  // Every live connection is also an open connection: with the HTTP cap at or below the live one,
  // an address that holds its allowed live connections cannot load a page or call the API. The cap
  // only applies without a trusted proxy (server.ts).
  const capApplies = config.trustProxy === false || config.trustProxy === 0;
  if (capApplies && config.httpConnectionsPerAddress <= config.wsConnectionsPerAddress) {
    warnings.push({
      variables: ['HTTP_CONNECTIONS_PER_ADDRESS', 'WS_CONNECTIONS_PER_ADDRESS'],
      message:
        `HTTP_CONNECTIONS_PER_ADDRESS (${String(config.httpConnectionsPerAddress)}) is not above ` +
        `WS_CONNECTIONS_PER_ADDRESS (${String(config.wsConnectionsPerAddress)}): an address that holds its ` +
        'allowed live connections cannot open another connection, so its pages stop loading. ' +
        'Set HTTP_CONNECTIONS_PER_ADDRESS above WS_CONNECTIONS_PER_ADDRESS (infra/.env.example)',
    });
  }
  // Valid, and right for a trial; in production it means no citizen gets a confirmation, nobody an
  // invitation or a password reset, with nothing else to say so.
  if (config.env === 'production' && !config.mail.smtpUrl) {
    warnings.push({
      variables: ['SMTP_URL'],
      message:
        'SMTP_URL is not set: no e-mail is sent (appointment confirmations and reminders, staff invitations, ' +
        `password resets); each is written as an .eml file to ${config.mail.outboxDir} instead. ` +
        'Set SMTP_URL and MAIL_FROM (infra/.env.example)',
    });
  }
  if (config.carriageReturns.length > 0) {
    warnings.push({
      variables: config.carriageReturns,
      message:
        `${listed(config.carriageReturns)} ended in a carriage return, as lines of a file saved with Windows ` +
        'line endings (CRLF) do, and were read without it; save the file with Unix line endings (LF)',
    });
  }
  if (config.surroundingSpace.length > 0) {
    const one = config.surroundingSpace.length === 1;
    warnings.push({
      variables: config.surroundingSpace,
      message:
        `${listed(config.surroundingSpace)} ${one ? 'has' : 'have'} spaces, tabs or line breaks at the start or end of ` +
        `${one ? 'its value' : 'their values'}, which ${one ? 'was' : 'were'} read without them (as docker compose reads ` +
        'an unquoted value); remove them where the setting is written',
    });
  }
  return warnings;
}

/** Reads the process environment. Called once, by main.ts. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}
