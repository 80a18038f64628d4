import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  freeLivekitPorts,
  livekitBinary,
  livekitVersion,
  LOCAL_CONFIG,
  localConfig,
  planLivekitServer,
  PRODUCTION_CONFIG,
  readConfig,
  requireLivekitBinary,
  testConfig,
} from '../../../tests/livekit/livekit-server.js';
import { DEVELOPMENT_LIVEKIT_SECRET, parseConfig } from '../config.js';
import { interpolate, interpolateAll, readCompose, type ComposeService } from '../test/compose.js';

/**
 * Issue 12, item 7: production (docker-compose.yml, infra/livekit.yaml) and the tests run the
 * same LiveKit settings. What differs on one machine is named here, and nothing else may.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const compose = readCompose();
const livekitService = compose.services.livekit!;
const appService = compose.services.app!;
const production = readConfig(PRODUCTION_CONFIG) as {
  port: number;
  rtc: { tcp_port: number; port_range_start: number; port_range_end: number };
  turn: { tls_port: number; udp_port: number };
  webhook: { urls: string[] };
};

describe('LiveKit in docker-compose.yml and infra/livekit.yaml', () => {
  it('pins one version, the one the tests build', () => {
    expect(livekitService.image).toBe(`livekit/livekit-server:${livekitVersion()}`);
    expect(livekitBinary()).toContain(`livekit-server-${livekitVersion()}`);
  });

  it('publishes exactly the ports livekit.yaml listens on', () => {
    const { port, rtc, turn } = production;
    const env = { LIVEKIT_TURN_DOMAIN: 'turn.example.de' };
    expect(livekitService.ports!.map((entry) => interpolate(entry, env)).sort()).toEqual(
      [
        `${port}:${port}`,
        `${rtc.tcp_port}:${rtc.tcp_port}/tcp`,
        `${rtc.port_range_start}-${rtc.port_range_end}:${rtc.port_range_start}-${rtc.port_range_end}/udp`,
        `${turn.udp_port}:${turn.udp_port}/udp`,
        `127.0.0.1:${turn.tls_port}:${turn.tls_port}/tcp`,
      ].sort(),
    );
  });

  it('signs with the keys the app uses and sends webhooks to the app’s route', () => {
    const env = { LIVEKIT_API_KEY: 'amtsraum', LIVEKIT_API_SECRET: 's'.repeat(32) };
    const lk = (name: string) =>
      interpolate(livekitService.environment[name]!, { ...env, LIVEKIT_TURN_DOMAIN: 't.de' });
    const app = (name: string) =>
      interpolate(appService.environment[name]!, {
        ...env,
        PUBLIC_BASE_URL: 'https://b.de',
        SESSION_SECRET: 'x'.repeat(32),
        POSTGRES_PASSWORD: 'p',
        LIVEKIT_PUBLIC_URL: 'wss://lk.b.de',
      });
    expect(lk('LIVEKIT_KEYS')).toBe(`${app('LIVEKIT_API_KEY')}: ${app('LIVEKIT_API_SECRET')}`);
    expect(lk('LIVEKIT_WEBHOOK_API_KEY')).toBe(app('LIVEKIT_API_KEY'));
    expect(production.webhook.urls).toEqual([`http://app:${app('PORT')}/api/media/livekit/webhook`]);
    expect(app('LIVEKIT_API_URL')).toBe(`http://livekit:${production.port}`);
    // Keys never sit in the file that is in the repository.
    expect(readConfig(PRODUCTION_CONFIG)).not.toHaveProperty('keys');
  });

  it('opens rooms only at the app’s request, and the one-machine key is the one production refuses', () => {
    expect(readConfig(PRODUCTION_CONFIG)).toMatchObject({ room: { auto_create: false } });
    const local = readConfig(LOCAL_CONFIG) as { keys: Record<string, string> };
    // config.ts refuses this secret when NODE_ENV=production: both must name the same one.
    expect(Object.values(local.keys)).toEqual([DEVELOPMENT_LIVEKIT_SECRET]);
  });

  it('differs in the tests only by the one-machine settings', () => {
    const ports = { http: 41000, rtcTcp: 41001, rtcUdp: 41002 };
    const keys = { apiKey: 'k', apiSecret: 's'.repeat(48) };
    const config = testConfig({ ports, keys, webhookUrls: ['http://127.0.0.1:9/hook'] });
    const prod = readConfig(PRODUCTION_CONFIG);
    // Everything production sets, the tests run unchanged, except what loopback needs.
    const changed = new Set([
      'port',
      'rtc.tcp_port',
      'rtc.port_range_start',
      'rtc.port_range_end',
      'turn.enabled',
      'webhook.urls',
      'logging.level',
    ]);
    const walk = (tree: Record<string, unknown>, prefix = ''): [string, unknown][] =>
      Object.entries(tree).flatMap(([key, value]) =>
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? walk(value as Record<string, unknown>, `${prefix}${key}.`)
          : [[`${prefix}${key}`, value] as [string, unknown]],
      );
    const lookup = (tree: Record<string, unknown>, dotted: string) =>
      dotted.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], tree);
    for (const [key, value] of walk(prod)) {
      if (!changed.has(key)) expect(lookup(config, key), key).toEqual(value);
    }
    expect(config).toMatchObject({
      port: 41000,
      bind_addresses: ['127.0.0.1'],
      rtc: { tcp_port: 41001, udp_port: 41002, node_ip: '127.0.0.1', enable_loopback_candidate: true },
      turn: { enabled: false },
      keys: { k: 's'.repeat(48) },
      webhook: { api_key: 'k', urls: ['http://127.0.0.1:9/hook'] },
    });
    expect(config.rtc).not.toHaveProperty('port_range_start');
    // `npm run livekit` has the same base, with its own fixed key and the default app port.
    expect(localConfig()).toMatchObject({ port: production.port, webhook: { api_key: 'amtsraum-dev' } });
  });

  it('starts the real server as compose runs it: production file, compose’s environment, TURN over TLS', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-turn-'));
    try {
      const openssl = spawnSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=turn.example.de'].concat([
          '-keyout',
          path.join(folder, 'privkey.pem'),
          '-out',
          path.join(folder, 'fullchain.pem'),
        ]),
      );
      expect(openssl.status, 'openssl makes the test certificate').toBe(0);
      const dotenv = {
        LIVEKIT_API_KEY: 'amtsraum',
        LIVEKIT_API_SECRET: 'a'.repeat(40),
        LIVEKIT_TURN_DOMAIN: 'turn.example.de',
      };
      const env = Object.fromEntries(
        Object.entries(livekitService.environment).map(([name, value]) => [name, interpolate(value, dotenv)]),
      );
      // The container's paths, here in a scratch folder; the ports free ones of this machine.
      env.LIVEKIT_TURN_CERT = path.join(folder, 'fullchain.pem');
      env.LIVEKIT_TURN_KEY = path.join(folder, 'privkey.pem');
      env.NODE_IP = '127.0.0.1';
      const ports = await freeLivekitPorts();
      const turnPorts = await freeLivekitPorts();
      Object.assign(env, {
        LIVEKIT_PORT: String(ports.http),
        LIVEKIT_RTC_TCP_PORT: String(ports.rtcTcp),
        LIVEKIT_RTC_PORT_RANGE_START: String(ports.rtcUdp),
        LIVEKIT_RTC_PORT_RANGE_END: String(ports.rtcUdp),
        LIVEKIT_TURN_TLS_PORT: String(turnPorts.rtcTcp),
        LIVEKIT_TURN_UDP_PORT: String(turnPorts.rtcUdp),
      });
      const configPath = livekitService.command![livekitService.command!.indexOf('--config') + 1]!;
      const mounted = livekitService.volumes!.find((volume) => volume.endsWith(`:${configPath}:ro`))!;
      const file = path.join(ROOT, mounted.split(':')[0]!);

      const child = spawn(requireLivekitBinary(), ['--config', file, '--bind', '127.0.0.1'], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        for (let i = 0; i < 300 && !/starting LiveKit server/.test(log) && child.exitCode === null; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(log).toMatch(/starting LiveKit server/);
        expect(log).toMatch(/Starting TURN server.*"turn.portTLS": \d+, "turn.externalTLS": false/);
        expect(child.exitCode).toBeNull();
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the LiveKit test harness', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('fails with the way to build the server when it is not built', async () => {
    vi.stubEnv('XDG_CACHE_HOME', fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-empty-cache-')));
    expect(() => requireLivekitBinary()).toThrow(/not built on this machine.*\n.*npm run livekit:build/);
    const planned = await planLivekitServer();
    await expect(planned.start({ webhookUrls: [] })).rejects.toThrow(/npm run livekit:build/);
  });
});

describe('docker-compose.yml for peer-to-peer calls (MEDIA_MODE=p2p)', () => {
  // Before, compose stopped on LIVEKIT_PUBLIC_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET and
  // LIVEKIT_TURN_DOMAIN with MEDIA_MODE=p2p, and LiveKit started with every `up`.
  const p2p = {
    MEDIA_MODE: 'p2p',
    PUBLIC_BASE_URL: 'https://b.example.de',
    SESSION_SECRET: 'x'.repeat(48),
    POSTGRES_PASSWORD: 'p'.repeat(24),
  };

  it('asks for no LiveKit value, in any service, and hands the app none', () => {
    const resolved = interpolateAll(compose, p2p) as { services: Record<string, ComposeService> };
    const environment = Object.fromEntries(
      Object.entries(resolved.services.app!.environment).filter(([, value]) => value !== ''),
    );
    // The app reads an empty value as unset: what remains must be a valid peer-to-peer start.
    const config = parseConfig({ ...environment, PORT: '0' });
    expect(config.media.mode).toBe('p2p');
    expect(config.media.livekit).toBeNull();
    expect(Object.keys(environment).filter((name) => name.startsWith('LIVEKIT_'))).toEqual([]);
  });

  it('starts LiveKit only with its profile, which the app does not need to start', () => {
    expect(livekitService.profiles).toEqual(['livekit']);
    const dependency = (appService.depends_on as Record<string, { required?: boolean }>).livekit;
    expect(dependency?.required).toBe(false);
    // Every service that runs without a profile runs without LiveKit's values.
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.profiles) continue;
      expect(JSON.stringify(service), name).not.toMatch(/\$\{LIVEKIT_\w*:\?/);
    }
  });

  it('with the p2p-turn profile, names a missing TURN_SECRET when coturn starts, with the code no restart mends', () => {
    const coturn = (interpolateAll(compose, p2p) as { services: Record<string, ComposeService> }).services.coturn!;
    const [shell, flag, script, zero] = coturn.entrypoint!;
    const refused = spawnSync(shell!, [flag!, script!, zero!, ...coturn.command!], {
      env: { PATH: process.env.PATH ?? '', ...coturn.environment },
      encoding: 'utf8',
    });
    expect(refused.status).toBe(78);
    expect(refused.stderr).toBe('TURN_SECRET must be set in .env for the p2p-turn profile\n');
  });

  it('with the livekit profile, names the missing value when LiveKit starts, and gives the app LiveKit', () => {
    const livekitEnv = {
      ...p2p,
      MEDIA_MODE: 'livekit',
      LIVEKIT_PUBLIC_URL: 'wss://lk.example.de',
      LIVEKIT_API_KEY: 'amtsraum',
      LIVEKIT_API_SECRET: 'a'.repeat(40),
      LIVEKIT_TURN_DOMAIN: 'turn.example.de',
    };
    const resolved = interpolateAll(compose, livekitEnv) as { services: Record<string, ComposeService> };
    const app = parseConfig({ ...resolved.services.app!.environment, PORT: '0' });
    expect(app.media.mode).toBe('livekit');
    expect(app.media.livekit?.apiUrl).toBe('http://livekit:7880');

    // The container's check, run by sh as the image runs it, with the LiveKit binary replaced by echo.
    const run = (dotenv: Record<string, string>) => {
      const service = (interpolateAll(compose, dotenv) as { services: Record<string, ComposeService> }).services
        .livekit!;
      const [shell, flag, script, zero] = service.entrypoint!;
      return spawnSync(
        shell!,
        [flag!, script!.replace('exec /livekit-server', 'exec echo'), zero!, ...service.command!],
        {
          env: { PATH: process.env.PATH ?? '', ...service.environment },
          encoding: 'utf8',
        },
      );
    };
    const started = run(livekitEnv);
    expect(started.status).toBe(0);
    expect(started.stdout.trim()).toBe('--config /etc/livekit.yaml');
    const { LIVEKIT_API_SECRET: _secret, ...withoutSecret } = livekitEnv;
    const refused = run(withoutSecret);
    // The app's code for a setting no restart mends: docker compose ps says "Restarting (78)".
    expect(refused.status).toBe(78);
    expect(refused.stderr).toBe(
      'LIVEKIT_API_SECRET must be set in .env for the livekit profile (openssl rand -hex 32)\n',
    );
    const { LIVEKIT_API_KEY: _key, ...withoutKey } = livekitEnv;
    expect(run(withoutKey).stderr).toBe('LIVEKIT_API_KEY must be set in .env for the livekit profile\n');
    const { LIVEKIT_TURN_DOMAIN: _domain, ...withoutTurn } = livekitEnv;
    expect(run(withoutTurn).status).toBe(78);
    expect(run(withoutTurn).stderr).toMatch(/LIVEKIT_TURN_DOMAIN must be set/);
    expect(run({ ...withoutTurn, LIVEKIT_TURN_ENABLED: 'false' }).status).toBe(0);
  });
});
