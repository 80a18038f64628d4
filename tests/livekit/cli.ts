import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildLivekitServer, livekitVersion, localConfig, LOCAL_CONFIG } from './livekit-server.js';

/**
 * `npm run livekit:build`: builds the pinned LiveKit server once (no-op when it is there).
 * `npm run livekit`: builds it if needed, then runs it on loopback with infra/livekit.local.yaml
 * over infra/livekit.yaml, in the foreground until Ctrl-C.
 */

const command = process.argv[2] ?? 'start';

function build(): string {
  try {
    return buildLivekitServer((line) => console.log(line)).binary;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

if (command === 'build') {
  const binary = build();
  console.log(`LiveKit server ${livekitVersion()} is ready: ${binary}`);
} else if (command === 'start') {
  const binary = build();
  const config = localConfig();
  const keys = Object.entries(config.keys as Record<string, string>);
  const [apiKey, apiSecret] = keys[0] ?? [];
  const port = String(config.port);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-livekit-'));
  const configFile = path.join(folder, 'livekit.json');
  fs.writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
  console.log(
    [
      `LiveKit server ${livekitVersion()} on ws://127.0.0.1:${port} (settings: infra/livekit.yaml with ${path.basename(LOCAL_CONFIG)} over it).`,
      'Start Amtsraum beside it with:',
      '',
      `  MEDIA_MODE=livekit LIVEKIT_URL=ws://127.0.0.1:${port} LIVEKIT_API_KEY=${apiKey} LIVEKIT_API_SECRET=${apiSecret} npm start`,
      '',
    ].join('\n'),
  );
  // Only what LiveKit needs: a LIVEKIT_* variable of this shell would override the config file.
  const child = spawn(binary, ['--config', configFile], {
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir() },
    stdio: 'inherit',
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    fs.rmSync(folder, { recursive: true, force: true });
    process.exit(code ?? (signal ? 0 : 1));
  });
} else {
  console.error(`Unknown command "${command}". Use: npm run livekit (start) or npm run livekit:build.`);
  process.exit(2);
}
