import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleWaits, servedAgain, sleep, type Waits } from '../test/abuse.js';
import { TestClient, type LiveSocket } from '../test/client.js';
import { databaseKinds, databasePlace, type DatabasePlace } from '../test/databases.js';
import { makeDepartment, makeTenant } from '../test/factories.js';
import { killServers, spawnServer, type ServerProcess } from '../test/processes.js';
import { TEST_ORIGIN } from '../test/server.js';

/**
 * Issue 11, item 2: anonymous floods on the WebSocket must not stall everyone else. One socket
 * repeats watch-door (no cookie) or watch-visit (a citizen's cookie) as fast as it can; one
 * address opens hundreds of sockets. Meanwhile an ordinary visitor loads the door page and
 * pings over their own live connection, and must be answered within a bound a person would
 * notice (3 s). A real app process, so the flood and the measurement do not share a thread.
 */
const NOTICEABLE_MS = 3_000;

describe.each(databaseKinds)('floods on the WebSocket, on %s', (kind) => {
  let place: DatabasePlace;
  let app: ServerProcess;
  let url: string;
  let office: { tenant: string; department: string };
  let address = 0;
  const client = () => new TestClient(url, { 'x-forwarded-for': `10.11.${address >> 8}.${++address & 255}` });

  beforeAll(async () => {
    place = await databasePlace(kind);
    const database = await place.open();
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id, {
      doorOverride: 'open',
      doorOverrideAt: new Date(),
      queueCap: 100,
    });
    office = { tenant: tenant.slug, department: department.slug };
    await database.close();
    app = spawnServer({ ...place.env, PUBLIC_BASE_URL: TEST_ORIGIN, TRUST_PROXY: '1', SEED_DEMO: 'false' });
    url = await app.url();
  }, 90_000);
  afterAll(async () => {
    await killServers();
    await place.drop();
  });

  /** The ordinary visitor: the door page over HTTP, then a ping over their live connection. */
  async function visitor() {
    const browser = client();
    const live = await browser.live();
    const door = `/api/tenants/${office.tenant}/departments/${office.department}/door`;
    return {
      live,
      async visit() {
        const page = await browser.get(door);
        if (page.status !== 200) throw new Error(`door page answered ${page.status}`);
        const pong = live.next('pong', () => true, 60_000);
        live.send({ type: 'ping' });
        await pong;
      },
    };
  }

  /** Sends `message` 3,000 times over about three seconds (the issue saw 500 stall others 3.6 s). */
  async function flood(live: LiveSocket, message: unknown) {
    const text = JSON.stringify(message);
    let sent = 0;
    for (let round = 0; round < 30 && live.socket.readyState === live.socket.OPEN; round++) {
      for (let i = 0; i < 100; i++) live.socket.send(text);
      sent += 100;
      await sleep(100);
    }
    return sent;
  }

  const report = (what: string, waits: Waits, sent: number) =>
    console.info(
      `${kind}: ${what}: ${sent} messages; ordinary visitor waited at most ${waits.max} ms (${waits.samples.length} visits)`,
    );

  it('keeps serving others while one socket floods watch-door', async () => {
    const ordinary = await visitor();
    const attacker = await client().live();
    const during = flood(attacker, { type: 'watch-door', tenant: office.tenant, department: office.department });
    const waits = await sampleWaits(() => ordinary.visit(), during);
    report('watch-door flood', waits, await during);
    attacker.close();
    await servedAgain(() => ordinary.visit(), NOTICEABLE_MS);
    ordinary.live.close();
    expect(app.process.exitCode).toBeNull();
    expect(waits.max).toBeLessThan(NOTICEABLE_MS);
  }, 240_000);

  it('keeps serving others while a citizen floods watch-visit', async () => {
    const ordinary = await visitor();
    const citizen = client();
    expect(
      (
        await citizen.post(`/api/tenants/${office.tenant}/departments/${office.department}/knock`, {
          name: 'Viel Verkehr',
          concern: 'Test',
          language: 'de',
          consent: true,
        })
      ).status,
    ).toBe(201);
    const attacker = await citizen.live();
    const during = flood(attacker, { type: 'watch-visit' });
    const waits = await sampleWaits(() => ordinary.visit(), during);
    report('watch-visit flood', waits, await during);
    attacker.close();
    await servedAgain(() => ordinary.visit(), NOTICEABLE_MS);
    ordinary.live.close();
    expect(app.process.exitCode).toBeNull();
    expect(waits.max).toBeLessThan(NOTICEABLE_MS);
  }, 240_000);

  it('caps the WebSockets of one address, and still lets others in', async () => {
    const attempts = 400;
    const sockets = await Promise.all(
      Array.from({ length: attempts }, () =>
        new TestClient(url, { 'x-forwarded-for': '10.12.0.1' }).live().then(
          (live) => live,
          () => null,
        ),
      ),
    );
    const open = sockets.filter((socket): socket is LiveSocket => socket !== null);
    console.info(`${kind}: ${open.length} of ${attempts} WebSockets from one address accepted`);
    const ordinary = await visitor();
    await ordinary.visit();
    for (const socket of open) socket.close();
    ordinary.live.close();
    // A town hall's clerks share one address: enough for them, far from unlimited.
    expect(open.length).toBeGreaterThanOrEqual(50);
    expect(open.length).toBeLessThan(attempts);
  }, 240_000);
});
