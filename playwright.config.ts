import { defineConfig } from '@playwright/test';
import type { TransportOptions } from './tests/e2e/fixtures';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// System Chromium only: Playwright's own browser download is not available here (DESIGN.md, Testing).
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  throw new Error(
    `No Chromium at ${executablePath}. Install it with \`apt-get install -y chromium\`, ` +
      'or set CHROMIUM_PATH to a Chromium or Chrome binary. (Playwright browser downloads are not used.)',
  );
}

// E2E_PORT: a second run beside another (for example while developing) needs its own port.
const PORT = process.env.E2E_PORT ?? '3100';
const baseURL = `http://127.0.0.1:${PORT}`;

// A fresh database per run. Playwright loads this file again in its worker processes, which
// inherit the environment, so only the first load creates (and at exit removes) the folder.
let dataDir = process.env.AMTSRAUM_E2E_DATA_DIR;
if (!dataDir) {
  const created = mkdtempSync(join(tmpdir(), 'amtsraum-e2e-'));
  process.env.AMTSRAUM_E2E_DATA_DIR = dataDir = created;
  process.on('exit', () => {
    rmSync(created, { recursive: true, force: true });
  });
}

export default defineConfig<object, Pick<TransportOptions, 'transport'>>({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1, // two cores: the app server, Chromium and the runner already share them
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['github']] : 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL,
    browserName: 'chromium',
    locale: 'de-DE',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        // Screen sharing picks the whole screen without a picker (no quotes: no shell here).
        '--auto-select-desktop-capture-source=Entire screen',
        '--disable-features=WebRtcHideLocalIpsWithMdns',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  // Every test runs over the peer-to-peer transport; the tests tagged `@sfu` run over LiveKit too
  // (DESIGN.md, "Media"; decision 035): those whose media goes through the transport (two and
  // three people seeing and hearing each other, a screen shared, devices changed, a participant
  // removed, two app processes, LiveKit's own failures in livekit.spec.ts, which runs there only).
  // What the pages lay out and what the app decides is the same over both and runs once. The
  // `livekit` project's worker starts LiveKit and an app using it (tests/e2e/servers.ts).
  projects: [
    { name: 'p2p', use: { transport: 'p2p' }, testIgnore: /\/livekit\.spec\.ts$/ },
    { name: 'livekit', use: { transport: 'livekit' }, grep: /@sfu/ },
  ],
  webServer: {
    // The demo seed first (the server seeds only an empty database), then the booking specs'
    // installation (tests/e2e/installation.e2e.json) through the setup CLI, then the server
    // itself (exec: the server is the process Playwright stops).
    command:
      'node tests/e2e/seed-demo.mjs && node server/dist/cli/setup.js tests/e2e/installation.e2e.json && ' +
      'exec node server/dist/main.js',
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT,
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: baseURL,
      DATA_DIR: dataDir,
      SEED_DEMO: 'true',
      SEED_DEMO_PASSWORD: 'demo-passwort-e2e', // tests/e2e/support.ts signs in with it
      // One proxy hop trusted: each browser context sends its own X-Forwarded-For, so the
      // per-address limits (knocking, signing in) see one person per context.
      TRUST_PROXY: '1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      // Accessibility feedback of municipalities without a contact address (tests/e2e/legal-search.spec.ts).
      INSTALLATION_CONTACT_EMAIL: 'betrieb@amtsraum.example',
      // The tests' OpenID provider (admin-walk.spec.ts) listens on 127.0.0.1 over http.
      OIDC_ALLOW_INTERNAL_PROVIDERS: 'true',
    },
  },
});
