import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFrame, closedWithin, rawUpgrade, sampleWaits, upgradeAnswer } from '../test/abuse.js';
import { TestClient } from '../test/client.js';
import { databaseKinds, databasePlace, type DatabasePlace } from '../test/databases.js';
import { makeDepartment, makeTenant } from '../test/factories.js';
import { killServers, spawnServer, type ServerProcess } from '../test/processes.js';
import { TEST_ORIGIN } from '../test/server.js';

/**
 * Issue 11, resilience: junk on the WebSocket (oversized frames, binary frames, broken JSON,
 * invalid UTF-8, frames that break the protocol) gets an error or a closed connection for the
 * sender only, while an ordinary visitor of the same process keeps being served. A real app
 * process, spoken to over TCP.
 */
describe.each(databaseKinds)('junk on the WebSocket, on %s', (kind) => {
  let place: DatabasePlace;
  let app: ServerProcess;
  let url: string;
  let office: { tenant: string; department: string };

  beforeAll(async () => {
    place = await databasePlace(kind);
    const database = await place.open();
    const tenant = await makeTenant(database.db);
    const department = await makeDepartment(database.db, tenant.id, {
      doorOverride: 'open',
      doorOverrideAt: new Date(),
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

  it('answers or closes each kind of junk, and keeps serving an ordinary visitor', async () => {
    const visitor = new TestClient(url, { 'x-forwarded-for': '10.9.0.1' });
    const door = `/api/tenants/${office.tenant}/departments/${office.department}/door`;
    const watcher = await visitor.live();
    const first = watcher.next('door');
    watcher.send({ type: 'watch-door', tenant: office.tenant, department: office.department });
    expect((await first).door.waiting).toBe(0);

    const junk = async () => {
      const outcomes: Record<string, string> = {};
      const open = async () => {
        const socket = await rawUpgrade(url, { Origin: TEST_ORIGIN, 'X-Forwarded-For': '10.9.0.66' });
        expect(await upgradeAnswer(socket)).toBe(101);
        return socket;
      };
      const text = (value: string) => clientFrame(0x1, Buffer.from(value));
      // Answered with an error, connection kept:
      for (const [name, frame] of Object.entries({
        'broken JSON': text('{"type": "watch-door", '),
        'wrong shape': text(JSON.stringify({ type: 'watch-door', tenant: 42 })),
        'unknown type': text(JSON.stringify({ type: 'drop-table' })),
        binary: clientFrame(0x2, Buffer.from([0, 1, 2, 3])),
        'deep nesting': text('['.repeat(30_000) + ']'.repeat(30_000)),
      })) {
        const socket = await open();
        outcomes[name] = await new Promise<string>((resolve) => {
          let answer = '';
          const timer = setTimeout(() => resolve('silence'), 10_000);
          socket.on('data', (chunk: Buffer) => {
            answer += chunk.toString('latin1');
            if (/invalid_message/.test(answer)) {
              clearTimeout(timer);
              resolve('error');
            }
          });
          socket.once('close', () => {
            clearTimeout(timer);
            resolve('closed');
          });
          socket.write(frame);
        });
        socket.destroy();
      }
      // Closed by the server:
      for (const [name, frame] of Object.entries({
        'oversized (1 MiB)': text('x'.repeat(1 << 20)),
        'invalid UTF-8': clientFrame(0x1, Buffer.from([0xc3, 0x28, 0xff])),
        'unmasked frame': clientFrame(0x1, Buffer.from('{"type":"ping"}'), { masked: false }),
        'garbage bytes': Buffer.from('GET / HTTP/1.1\r\n\r\n'.repeat(10)),
      })) {
        const socket = await open();
        socket.write(frame);
        outcomes[name] = (await closedWithin(socket, 5_000)) ? 'closed' : 'open';
        socket.destroy();
      }
      return outcomes;
    };

    // Three senders of junk at once, three rounds each.
    const during = Promise.all(
      [1, 2, 3].map(async () => {
        const rounds = [];
        for (let round = 0; round < 3; round++) rounds.push(await junk());
        return rounds;
      }),
    );
    const waits = await sampleWaits(() => visitor.get(door), during);
    const outcomes = (await during).flat();
    expect(outcomes).toHaveLength(9);
    for (const outcome of outcomes) {
      expect(outcome).toEqual({
        'broken JSON': 'error',
        'wrong shape': 'error',
        'unknown type': 'error',
        binary: 'error',
        'deep nesting': 'error',
        'oversized (1 MiB)': 'closed',
        'invalid UTF-8': 'closed',
        'unmasked frame': 'closed',
        'garbage bytes': 'closed',
      });
    }

    // The visitor's live door still follows the office.
    const knocked = watcher.next('door', (m) => m.door.waiting === 1);
    const citizen = new TestClient(url, { 'x-forwarded-for': '10.9.0.2' });
    expect(
      (
        await citizen.post(`/api/tenants/${office.tenant}/departments/${office.department}/knock`, {
          name: 'Kim',
          concern: 'Test',
          language: 'de',
          consent: true,
        })
      ).status,
    ).toBe(201);
    await knocked;
    watcher.close();
    // Generous: a visitor notices a page that takes three seconds.
    expect(waits.max).toBeLessThan(3_000);
    expect(app.process.exitCode).toBeNull();
    expect(
      app
        .stdout()
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line)),
    ).toEqual([]);
    console.info(
      `junk: ordinary visitor's page waits ${waits.samples.length} samples, max ${waits.max} ms: ${waits.samples.join(' ')}`,
    );
  }, 60_000);
});
