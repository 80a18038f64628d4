import { createRequire } from 'node:module';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, findWebDist, type AppDeps } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { formatDemoLogins, seedDemoIfEmpty } from './db/seed.js';
import type { Logger } from './lib/logger.js';

const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface RunningServer {
  url: string;
  deps: AppDeps;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), closes the database. */
  stop(graceMs?: number): Promise<void>;
}

/** Opens the database, seeds demo data if asked, and listens. Used by main.ts and by tests. */
export async function startServer(
  config: Config,
  logger: Logger,
  options: { database?: Database; now?: () => Date; webDistDir?: string | null } = {},
): Promise<RunningServer> {
  const database =
    options.database ??
    (await openDatabase(config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dataDir: config.database.dataDir }));
  const now = options.now ?? (() => new Date());

  try {
    if (config.seed.enabled) {
      const logins = await seedDemoIfEmpty(database.db, { now: now(), password: config.seed.password });
      // Printed once, to the console rather than the log, so passwords never enter log storage.
      if (logins) process.stdout.write(formatDemoLogins(logins, config.publicBaseUrl.toString()) + '\n');
    }
  } catch (error) {
    await database.close();
    throw error;
  }

  const deps: AppDeps = {
    config,
    database,
    logger,
    now,
    version,
    webDistDir: options.webDistDir === undefined ? findWebDist() : options.webDistDir,
  };
  const app = createApp(deps);
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  let stopping: Promise<void> | null = null;
  return {
    url,
    deps,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        await closed;
        clearTimeout(force);
        await database.close();
      })();
      return stopping;
    },
  };
}
