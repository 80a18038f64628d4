import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visits } from '../../db/schema.js';
import { TestClient } from '../../test/client.js';
import { settableClock } from '../../test/clock.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { makeOffice, makeTenant, signedInClerk } from '../../test/factories.js';
import { startSecondServer, startTestServer, type TestServer } from '../../test/server.js';
import { staleSightingMs } from '../visits/sightings.js';

// Decision 027, addendum "next takes a connected person": a process that dies tells nobody that
// its citizens' sockets went. Only a process with the department's console open read their
// sightings, so "next" answered by any other process let in someone nobody had seen for minutes,
// and the clerk sat in a call with nobody. Every process writes the sightings of the citizens
// connected to it; the admit's statement now reads them itself.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin
const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

describe.each(databaseKinds)('"next" across processes on %s', (kind) => {
  const clock = settableClock(NOW);
  let a: TestServer;
  let b: TestServer;
  let address = 0;
  const client = (server: TestServer) => {
    const n = ++address;
    return new TestClient(server.url, { 'x-forwarded-for': `10.61.${n >> 8}.${n & 255}` });
  };

  beforeAll(async () => {
    a = await startTestServer(await createTestDatabase(kind), { now: clock.now, env: { TRUST_PROXY: '1' } });
    b = await startSecondServer(a, { now: clock.now, env: { TRUST_PROXY: '1' } });
  }, 180_000);
  afterAll(async () => {
    if (b !== a) await b.stop();
    await a.stop();
  });

  it('passes over a citizen no process has seen for a while, in a process without the console open', async () => {
    clock.reset();
    const db = a.database.db;
    const { department, base, staffPath } = await makeOffice(db, { openAt: clock.now() });
    const tenant = await makeTenant(db);
    const clerk = client(b);
    await signedInClerk(db, clerk, tenant.id, [department.id]);

    // First in line: their page was connected to a process that died; its last sighting is the knock's.
    const gone = client(a);
    const goneKnock = await gone.post(`${base}/knock`, knockBody('Prozess weg'));
    expect(goneKnock.status).toBe(201);
    const goneId = goneKnock.json.visit.id as string;
    clock.set(new Date(NOW.getTime() + 1_000)); // behind in the queue (the same moment orders by id)
    const here = client(a);
    const hereKnock = await here.post(`${base}/knock`, knockBody('Noch da'));
    expect(hereKnock.status).toBe(201);
    const hereId = hereKnock.json.visit.id as string;

    // Long past the sightings' rhythm: the one still connected (to A) is seen again, the other not.
    clock.set(new Date(NOW.getTime() + staleSightingMs(a.deps.config.visitGraceSeconds) + 5_000));
    const live = await here.live();
    const seen = live.next('visit');
    live.send({ type: 'watch-visit' });
    await seen;
    await expect
      .poll(async () => (await db.select().from(visits).where(eq(visits.id, hereId)))[0]!.lastSeenAt)
      .toEqual(clock.now());

    // B has no console of the department open: nothing there reads the sightings but the admit.
    const next = await clerk.post(`${staffPath}/admit-next`);
    expect(next.status).toBe(200);
    expect(next.json.visitId).toBe(hereId);
    expect((await clerk.post(`${staffPath}/visits/${hereId}/finish`)).status).toBe(204);

    // Only the unseen person waits: said, and they keep their place; by their row they can be let in.
    const onlyLost = await clerk.post(`${staffPath}/admit-next`);
    expect(onlyLost.status).toBe(409);
    expect(onlyLost.json.code).toBe('queue_only_lost');
    expect((await db.select().from(visits).where(eq(visits.id, goneId)))[0]!.state).toBe('waiting');
    const named = await clerk.post(`${staffPath}/visits/${goneId}/admit`);
    expect(named.status).toBe(200);
    expect(named.json.visitId).toBe(goneId);
    live.close();
  });
});
