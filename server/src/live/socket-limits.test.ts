import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, type LiveSocket } from '../test/client.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeDepartment, makeTenant } from '../test/factories.js';
import { startTestServer, type TestServer } from '../test/server.js';
import { MAX_DOORS_PER_SOCKET } from './live.hub.js';

// Hostile clients on the live socket (found by walking it from outside): one process held as many
// sockets as all addresses together opened (each an open file, until none was left for anyone),
// and one socket could watch every door of the installation.

const CAP = 4;

describe.each(databaseKinds)('limits of the live sockets on %s', (kind) => {
  let server: TestServer;
  let address = 0;
  const client = () => new TestClient(server.url, { 'x-forwarded-for': `10.77.${address >> 8}.${++address & 255}` });
  const open: LiveSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase(kind), {
      env: { TRUST_PROXY: '1', WS_MAX_CONNECTIONS: String(CAP) },
    });
  });
  afterAll(async () => {
    for (const live of open) live.close();
    await server?.stop();
  });

  async function connect(): Promise<LiveSocket> {
    const live = await client().live();
    open.push(live);
    return live;
  }

  it('holds at most WS_MAX_CONNECTIONS sockets from all addresses together, and takes new ones once some close', async () => {
    const sockets = [];
    for (let i = 0; i < CAP; i++) sockets.push(await connect());
    // Another address, within its own per-address limit: the process is full.
    await expect(client().live()).rejects.toThrow(/503/);
    // Those connected are served as before.
    const pong = sockets[0]!.next('pong');
    sockets[0]!.send({ type: 'ping' });
    await pong;

    const leaving = sockets.pop()!;
    const closed = new Promise((resolve) => leaving.socket.once('close', resolve));
    leaving.close();
    await closed;
    open.splice(open.indexOf(leaving), 1);
    // The slot comes free with the TCP connection's close: allow the server a moment to see it.
    let again: LiveSocket | null = null;
    for (let i = 0; i < 50 && !again; i++) {
      again = await client()
        .live()
        .catch(() => null);
      if (!again) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(again).not.toBeNull();
    again!.close();
    for (const live of sockets) {
      live.close();
      open.splice(open.indexOf(live), 1);
    }
  });

  it(`keeps the ${MAX_DOORS_PER_SOCKET} doors a socket watched last, and drops the one watched longest ago`, async () => {
    // Back below the cap: wait until the sockets of the test before are gone on the server too.
    let live: LiveSocket | null = null;
    for (let i = 0; i < 50 && !live; i++) {
      live = await connect().catch(() => null);
      if (!live) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const doors = [];
    for (let i = 0; i <= MAX_DOORS_PER_SOCKET; i++) {
      doors.push(
        await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: new Date(), queueCap: 100 }),
      );
    }
    // Within the socket's budget of lookups (ten at once, then two a second).
    for (const [i, department] of doors.entries()) {
      if (i >= 8) await new Promise((resolve) => setTimeout(resolve, 550));
      const answer = live!.next('door', (m) => m.department === department.slug);
      live!.send({ type: 'watch-door', tenant: tenant.slug, department: department.slug });
      expect((await answer).door.waiting).toBe(0);
    }

    const knock = (slug: string, name: string) =>
      client().post(`/api/tenants/${tenant.slug}/departments/${slug}/knock`, {
        name,
        concern: 'Frage zum Ausweis',
        language: 'de',
        consent: true,
      });
    const first = doors[0]!;
    const last = doors.at(-1)!;
    const second = doors[1]!;
    expect((await knock(first.slug, 'Alex')).status).toBe(201);
    const toSecond = live!.next('door', (m) => m.department === second.slug && m.door.waiting === 1);
    const toLast = live!.next('door', (m) => m.department === last.slug && m.door.waiting === 1);
    expect((await knock(second.slug, 'Bea')).status).toBe(201);
    expect((await knock(last.slug, 'Can')).status).toBe(201);
    await Promise.all([toSecond, toLast]);
    // The first door was dropped when the seventeenth was watched: its knock was not sent here.
    expect(live!.received.filter((m) => m.type === 'door' && m.department === first.slug)).toHaveLength(1);

    // Watched again, it is answered at once and followed again (now the second is the oldest).
    const again = live!.next('door', (m) => m.department === first.slug);
    live!.send({ type: 'watch-door', tenant: tenant.slug, department: first.slug });
    expect((await again).door.waiting).toBe(1);
    const followed = live!.next('door', (m) => m.department === first.slug && m.door.waiting === 2);
    expect((await knock(first.slug, 'Dana')).status).toBe(201);
    await followed;
  });
});
