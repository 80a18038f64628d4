import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The real entry point in a child process: what `npm start` runs, minus the build.
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../main.ts');

export interface ServerProcess {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves with the URL once the server logs that it listens. */
  url: () => Promise<string>;
}

const running = new Set<ServerProcess>();

/** `user`: run as that uid and gid (a service account), which needs the tests to run as root. */
export function spawnServer(env: Record<string, string>, user?: { uid: number; gid: number }): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', MAIN], {
    // English start errors (the tests read them); German without LANG, as cli-language.test.ts shows.
    env: {
      PATH: process.env.PATH ?? '',
      LANG: 'en_US.UTF-8',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const handle: ServerProcess = {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async url() {
      for (let i = 0; i < 600; i++) {
        const match = /"url":"(http:\/\/[^"]+)"[^\n]*Amtsraum is listening/.exec(out);
        if (match?.[1]) return match[1];
        if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('server did not start');
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** Kills whatever a test left running. */
export async function killServers(): Promise<void> {
  for (const handle of [...running]) {
    if (handle.process.exitCode === null) {
      handle.process.kill('SIGKILL');
      await handle.exited;
    }
  }
}
