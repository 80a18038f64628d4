import { DepartmentResponseSchema } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../test/client.js';
import { testClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeOffice, OFFICE_HOURS, signedInAdmin } from '../test/factories.js';
import { startSecondServer, startTestServer, type TestServer } from '../test/server.js';

// Issue 15: "a door's hours changed → the door page updates". Every door message carries the
// revision of what the department page shows beside the door; an open page reads its details
// again only when it moves. So it must move when hours, closures or services change, be the same
// in every process, match what the page's GET says, and stay put otherwise (else 500 open pages
// would all read again on every knock).

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin
const SERVICE = {
  slug: 'ummeldung',
  name: { de: 'Ummeldung', en: 'Change of address' },
  description: { de: 'Neue Wohnung melden.' },
  durationMinutes: 15,
  extraMinutesPerPerson: 5,
  documents: [{ de: 'Personalausweis' }],
  bookable: true,
  knockable: true,
  maxPersons: null,
  keywords: { de: ['Umzug'] },
  onlineUrl: null,
};

describe.each(databaseKinds)('the door page’s revision on %s', (kind) => {
  const clock = testClock(NOW);
  let a: TestServer;
  // Process B: its own pool and listener on the same PostgreSQL. PGlite is one process by design:
  // there B is A, and the events still go through its bus.
  let b: TestServer;
  let address = 0;
  const client = (server: TestServer) => {
    const n = ++address;
    return new TestClient(server.url, { 'x-forwarded-for': `10.31.${n >> 8}.${n & 255}` });
  };

  beforeAll(async () => {
    a = await startTestServer(await createTestDatabase(kind), { now: clock.now, env: { TRUST_PROXY: '1' } });
    b = await startSecondServer(a, { now: clock.now, env: { TRUST_PROXY: '1' } });
  }, 180_000);
  afterAll(async () => {
    if (b !== a) await b.stop();
    await a.stop();
  });

  it('moves with hours, closures and services, alike in every process and in the page, and not otherwise', async () => {
    const office = await makeOffice(a.database.db, { openAt: clock.now() });
    const { tenant, department, base } = office;
    const { browser: admin } = await signedInAdmin(b.database.db, client(b), tenant.id, {
      memberships: [{ departmentId: department.id, role: 'admin' }],
      now: clock.now(),
    });
    const adminPath = `/api/admin/tenants/${tenant.slug}/departments/${department.slug}`;
    const page = async () => DepartmentResponseSchema.parse((await client(a).get(base)).json);

    const watch = async (server: TestServer) => {
      const live = await client(server).live();
      const first = live.next('door');
      live.send({ type: 'watch-door', tenant: tenant.slug, department: department.slug });
      return { live, first: await first };
    };
    const [onA, onB] = [await watch(a), await watch(b)];
    const start = onA.first.revision!;
    expect(start).toMatch(/^[\w-]{16}$/);
    expect(onB.first.revision).toBe(start);
    expect((await page()).revision).toBe(start);

    /** Makes a change on B; both doors tell the same new revision, and the page says it too. */
    const moves = async (from: string, change: () => Promise<void>) => {
      const seen = [onA, onB].map(({ live }) => live.next('door', (m) => m.revision !== from));
      await change();
      const [onAMsg, onBMsg] = await Promise.all(seen);
      expect(onAMsg!.revision).not.toBe(from);
      expect(onBMsg!.revision).toBe(onAMsg!.revision);
      const read = await page();
      expect(read.revision).toBe(onAMsg!.revision);
      return read;
    };
    const ok = (status: number) => expect([200, 201, 204]).toContain(status);

    let serviceId = '';
    const withService = await moves(start, async () => {
      const created = await admin.post(`${adminPath}/services`, SERVICE);
      ok(created.status);
      serviceId = (created.json as { service: { id: string } }).service.id;
    });
    expect(withService.department.services.map((s) => s.slug)).toEqual([SERVICE.slug]);

    // Changes the page does not show: the door moves (a knock), the revision does not.
    ok(
      (await admin.put(`${adminPath}/services/${serviceId}`, { ...SERVICE, keywords: { de: ['Umzug', 'Wohnsitz'] } }))
        .status,
    );
    ok((await admin.request('PATCH', adminPath, { queueCap: 45 })).status);
    const knocked = [onA, onB].map(({ live }) => live.next('door', (m) => m.door.waiting === 1));
    const knock = { name: 'Ohne Einfluss', concern: 'Test', language: 'de', consent: true };
    expect((await client(b).post(`${base}/knock`, knock)).status).toBe(201);
    for (const message of await Promise.all(knocked)) expect(message.revision).toBe(withService.revision);
    expect((await page()).revision).toBe(withService.revision);

    // The hours of a day that is not today: the door stays as it was, only the revision says so.
    const hours = await moves(withService.revision, async () => {
      ok(
        (
          await admin.request('PATCH', adminPath, {
            openingHours: { ...OFFICE_HOURS, fri: [{ from: '07:30', to: '12:00' }] },
          })
        ).status,
      );
    });
    expect(hours.department.openingHours.fri).toEqual([{ from: '07:30', to: '12:00' }]);

    const closed = await moves(hours.revision, async () => {
      const reason = { de: 'Betriebsausflug' };
      ok((await admin.post(`${adminPath}/closures`, { from: '2026-12-02', to: '2026-12-02', reason })).status);
    });
    expect(closed.department.closures).toEqual([
      { from: '2026-12-02', to: '2026-12-02', reason: { de: 'Betriebsausflug' } },
    ]);

    const renamed = await moves(closed.revision, async () => {
      const changed = {
        ...SERVICE,
        description: { de: 'Online oder hier.' },
        onlineUrl: 'https://example.org/ummelden',
      };
      ok((await admin.put(`${adminPath}/services/${serviceId}`, changed)).status);
    });
    expect(renamed.department.services[0]).toMatchObject({ onlineUrl: 'https://example.org/ummelden' });

    const notBookable = await moves(renamed.revision, async () => {
      ok((await admin.put(`${adminPath}/services/${serviceId}`, { ...SERVICE, bookable: false })).status);
    });
    expect(notBookable.department.services[0]!.bookable).toBe(false);

    onA.live.close();
    onB.live.close();
  });
});
