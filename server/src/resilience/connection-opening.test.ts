import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isLostTypesRead } from '../db/driver-guard.js';
import { createPostgresDatabase } from '../test/databases.js';
import { killServers, spawnServer, type ServerProcess } from '../test/processes.js';
import { TEST_ORIGIN } from '../test/server.js';

/**
 * A TCP relay between the app and PostgreSQL that can cut every link it carries, and reset the
 * next `cutOpenings` links at the moment they send the driver's array-types read: a database
 * restart or failover landing while the pool opens its connections again.
 */
async function cuttingRelay(target: URL) {
  const links = new Set<{ client: net.Socket; server: net.Socket }>();
  const state = { cutOpenings: 0, cut: 0 };
  const relay = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname);
    const link = { client, server };
    links.add(link);
    const drop = () => {
      links.delete(link);
      client.destroy();
      server.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (state.cutOpenings > 0 && chunk.includes('pg_catalog.pg_type')) {
        state.cutOpenings--;
        state.cut++;
        links.delete(link);
        client.resetAndDestroy();
        server.destroy();
        return;
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', drop).on('close', drop);
    server.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((relay.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    state,
    cutAll() {
      for (const { client, server } of links) {
        client.resetAndDestroy();
        server.destroy();
      }
      links.clear();
    },
    close: () => new Promise<void>((resolve) => relay.close(() => resolve())),
  };
}

describe('the guard’s test of a rejection', () => {
  it('knows the driver’s types read, as an error or serialized, and nothing else', () => {
    const query = `
      select b.oid, b.typarray
      from pg_catalog.pg_type a
      left join pg_catalog.pg_type b on b.oid = a.typelem
      where a.typcategory = 'A'`;
    expect(isLostTypesRead(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', query }))).toBe(true);
    expect(isLostTypesRead({ errno: -104, code: 'ECONNRESET', query })).toBe(true);
    expect(isLostTypesRead(Object.assign(new Error('x'), { query: 'select * from pg_catalog.pg_type' }))).toBe(false);
    expect(isLostTypesRead(new Error('read ECONNRESET'))).toBe(false);
    expect(isLostTypesRead('pg_catalog.pg_type')).toBe(false);
    expect(isLostTypesRead(null)).toBe(false);
  });
});

/**
 * PostgreSQL's links cut while the app's pool opens new ones: postgres.js drops the failing
 * promise of its first read on a new link (driver-guard.ts), which used to end the app process.
 */
describe.runIf(Boolean(process.env.TEST_DATABASE_URL))('links to PostgreSQL cut while they open', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let relay: Awaited<ReturnType<typeof cuttingRelay>>;
  let app: ServerProcess;
  let url: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    relay = await cuttingRelay(new URL(database.url));
    app = spawnServer({ DATABASE_URL: relay.url, PUBLIC_BASE_URL: TEST_ORIGIN, SEED_DEMO: 'false' });
    url = await app.url();
  }, 90_000);
  afterAll(async () => {
    await killServers();
    await relay?.close();
    await database?.drop();
  });

  it('leave the app running: it answers again once a link opens, and says what happened', async () => {
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    relay.state.cutOpenings = 3;
    relay.cutAll();
    // Each request needs a link; the first ones find the new links cut as they open.
    await vi.waitFor(
      async () => {
        expect(app.process.exitCode).toBeNull();
        const unknown = await fetch(`${url}/api/tenants/nirgendwo/departments/amt`);
        expect(unknown.status).toBe(404);
        expect(((await unknown.json()) as { code: string }).code).toBe('tenant_not_found');
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(relay.state.cut).toBeGreaterThanOrEqual(1);
    // Still alive a moment later (an unhandled rejection ends the process on the next turn).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(app.process.exitCode).toBeNull();
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect(app.stdout()).toContain('a database connection was lost while opening');
    expect(app.stdout() + app.stderr()).not.toContain('unhandled rejection');
  }, 60_000);
});
