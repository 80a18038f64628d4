import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departments } from '../db/schema.js';
import { TestClient, type LiveSocket } from '../test/client.js';
import { testClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeOffice } from '../test/factories.js';
import { startTestServer, type TestServer } from '../test/server.js';

// A script that opens a fresh WebSocket for every watch-door (each socket's own budget starts
// full) once made the hub read the department per socket, and guessed doors without any limit
// per address: enough churn stalled the server for everyone. The hub now knows a door's slugs for
// every socket, answers from what it keeps, shares reads in flight, and limits the doors one
// address may look up. Statements are counted through the query builder's own logger.

const NOW = new Date('2026-11-23T09:00:00Z');
const SLUG_READ = '"departments"."slug" = ';

describe.each(databaseKinds)('fresh sockets watching doors, on %s', (kind) => {
  const clock = testClock(NOW);
  let server: TestServer;
  const statements: string[] = [];
  let address = 0;
  const client = (from = `10.31.${++address >> 8}.${address & 255}`) =>
    new TestClient(server.url, { 'x-forwarded-for': from });
  const count = (part: string, since: number) => statements.slice(since).filter((q) => q.includes(part)).length;

  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase(kind, { onQuery: (query) => statements.push(query) }), {
      now: clock.now,
      env: { TRUST_PROXY: '1' },
    });
  }, 120_000);
  afterAll(() => server.stop());

  /** One fresh socket from `from` that watches the door and waits for its first answer. */
  async function watchOnce(from: string, tenant: string, department: string) {
    const live = await client(from).live();
    const answer = Promise.race([live.next('door'), live.next('error')]);
    live.send({ type: 'watch-door', tenant, department });
    const message = await answer;
    live.close();
    return message;
  }

  it('answers a known door on socket after socket without reading anything', async () => {
    const office = await makeOffice(server.database.db, { openAt: clock.now() });
    const watcher = await client().live();
    const first = watcher.next('door');
    watcher.send({ type: 'watch-door', tenant: office.tenant.slug, department: office.department.slug });
    expect((await first).door.openByHours).toBeDefined();

    const since = statements.length;
    for (let i = 0; i < 60; i++) {
      const message = await watchOnce('10.32.0.1', office.tenant.slug, office.department.slug);
      expect(message.type).toBe('door');
    }
    expect(count(SLUG_READ, since)).toBe(0);
    expect(count('"visits"', since)).toBe(0);
    watcher.close();
  });

  it('shares one read among first watches arriving together, and reads slugs again after a rename', async () => {
    const office = await makeOffice(server.database.db, { openAt: clock.now() });
    const sockets: LiveSocket[] = await Promise.all(Array.from({ length: 30 }, () => client().live()));
    const since = statements.length;
    const answers = sockets.map((live) => live.next('door'));
    for (const live of sockets) {
      live.send({ type: 'watch-door', tenant: office.tenant.slug, department: office.department.slug });
    }
    expect((await Promise.all(answers)).every((m) => m.department === office.department.slug)).toBe(true);
    expect(count(SLUG_READ, since)).toBe(1);

    // A rename publishes a context event (as the admin routes do): the old slugs lead nowhere now.
    await server.database.db
      .update(departments)
      .set({ slug: `${office.department.slug}-neu` })
      .where(eq(departments.id, office.department.id));
    const renamed = sockets[0]!.next('door', (m) => m.department === `${office.department.slug}-neu`);
    await server.deps.events.publish({ departmentId: office.department.id, context: true });
    await renamed;
    const old = await watchOnce(`10.33.0.1`, office.tenant.slug, office.department.slug);
    expect(old).toMatchObject({ type: 'error', code: 'department_not_found' });
    const current = await watchOnce(`10.33.0.2`, office.tenant.slug, `${office.department.slug}-neu`);
    expect(current).toMatchObject({ type: 'door', department: `${office.department.slug}-neu` });
    for (const live of sockets) live.close();
  });

  it('names the wrong part of a door not found: the municipality, or its department', async () => {
    const office = await makeOffice(server.database.db, { openAt: clock.now() });
    expect(await watchOnce('10.35.0.1', 'nirgendwo', office.department.slug)).toMatchObject({
      type: 'error',
      code: 'tenant_not_found',
    });
    expect(await watchOnce('10.35.0.1', office.tenant.slug, 'nirgendwo')).toMatchObject({
      type: 'error',
      code: 'department_not_found',
    });
  });

  it('lets one address look up a limited number of unknown doors, and others still theirs', async () => {
    const office = await makeOffice(server.database.db, { openAt: clock.now() });
    const since = statements.length;
    const codes: string[] = [];
    for (let i = 0; i < 60; i++) {
      const message = await watchOnce('10.34.0.1', office.tenant.slug, `geraten-${i}`);
      codes.push(message.type === 'error' ? message.code : message.type);
    }
    const notFound = codes.filter((code) => code === 'department_not_found').length;
    const refused = codes.filter((code) => code === 'rate_limited').length;
    expect(notFound + refused).toBe(60);
    // The burst, and what refilled while the script ran (one a second): far fewer than 60.
    expect(notFound).toBeGreaterThanOrEqual(20);
    expect(refused).toBeGreaterThan(0);
    // Only looked-up doors cost a read; refusals none.
    expect(count(SLUG_READ, since)).toBe(notFound);

    // Another address is not held up by that one: its door is answered.
    expect(await watchOnce('10.34.0.2', office.tenant.slug, office.department.slug)).toMatchObject({ type: 'door' });
    // And the guessing address still sees doors the hub knows.
    expect(await watchOnce('10.34.0.1', office.tenant.slug, office.department.slug)).toMatchObject({ type: 'door' });
  });
});
