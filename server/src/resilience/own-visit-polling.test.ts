import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visits } from '../db/schema.js';
import { TestClient } from '../test/client.js';
import { jumpableClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeDepartment, makeTenant } from '../test/factories.js';
import { startTestServer, type TestServer } from '../test/server.js';

// `GET /api/visit` marked the visit present on every request: a script holding one knock's cookie
// had the database commit a write per request, as fast as it could ask. A sighting is written again
// only once the last one is 30 s old (a quarter of the grace period at most), as the hub does.

const isSighting = (query: string) => /^update "visits" set "last_seen_at"/i.test(query);

describe.each(databaseKinds)('a citizen asking for their visit again and again, on %s', (kind) => {
  const statements: string[] = [];
  const clock = jumpableClock();
  let server: TestServer;

  beforeAll(async () => {
    const database = await createTestDatabase(kind, { onQuery: (query) => statements.push(query) });
    server = await startTestServer(database, { now: clock.now, env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => server?.stop());

  it('writes the sighting once per half minute, not once per request, and still keeps it current', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: clock.now() });
    const citizen = new TestClient(server.url, { 'x-forwarded-for': '10.204.0.1' });
    const knock = await citizen.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
      name: 'Alex',
      concern: 'Frage zum Ausweis',
      language: 'de',
      consent: true,
    });
    expect(knock.status).toBe(201);
    const visitId = (knock.json as { visit: { id: string } }).visit.id;
    const sightings = () => statements.filter(isSighting).length;

    const before = sightings();
    for (let i = 0; i < 20; i++) expect((await citizen.get('/api/visit')).json.visit.id).toBe(visitId);
    // Seen at the knock, moments ago: nothing to write.
    expect(sightings()).toBe(before);

    clock.jump(31_000);
    for (let i = 0; i < 20; i++) expect((await citizen.get('/api/visit')).status).toBe(200);
    expect(sightings()).toBe(before + 1);
    const [row] = await db.select({ lastSeenAt: visits.lastSeenAt }).from(visits).where(eq(visits.id, visitId));
    expect(clock.now().getTime() - row!.lastSeenAt.getTime()).toBeLessThan(30_000);
  });
});
