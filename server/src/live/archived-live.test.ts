import { describe, expect, it } from 'vitest';
import { databaseKinds } from '../test/databases.js';
import { makeOffice, signedInAdmin } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';

/**
 * Archiving a department declines its waiting visits with the admin's note (issue 15): the
 * citizens whose page is open are told at once, and the door's watchers that it takes no more knocks.
 */
describe.each(databaseKinds)('a department archived while people wait and watch on %s', (kind) => {
  const suite = useTestServer(kind);
  const { client, db } = suite;

  it('tells the waiting citizen their visit ended with the note, and the door page that it no longer takes knocks', async () => {
    const office = await makeOffice(db(), { openAt: new Date() });
    const { browser: admin } = await signedInAdmin(db(), client(), office.tenant.id, {
      values: { isTenantAdmin: true },
    });
    const base = `/api/tenants/${office.tenant.slug}/departments/${office.department.slug}`;
    const citizen = client();
    const knocked = await citizen.post(`${base}/knock`, {
      name: 'Wartende',
      concern: 'Ausweis',
      language: 'de',
      consent: true,
    });
    expect(knocked.status).toBe(201);
    const live = await citizen.live();
    const waiting = live.next('visit', (m) => m.visit?.state === 'waiting');
    live.send({ type: 'watch-visit' });
    await waiting;
    const doorLive = await client().live();
    const door = doorLive.next('door');
    doorLive.send({ type: 'watch-door', tenant: office.tenant.slug, department: office.department.slug });
    await door;

    const ended = live.next('visit', (m) => m.visit?.state === 'declined', 10_000);
    const closed = doorLive.next('door', (m) => m.door.state === 'closed' && m.door.waiting === 0, 10_000);
    const archived = await admin.post(
      `/api/admin/tenants/${office.tenant.slug}/departments/${office.department.slug}/archive`,
      {
        confirmAffected: 1,
        note: 'Wir sind umgezogen.',
      },
    );
    expect(archived.status).toBe(200);
    expect((await ended).visit).toMatchObject({
      state: 'declined',
      declineNote: 'Wir sind umgezogen.',
      position: null,
    });
    expect((await closed).door).toMatchObject({ canKnock: false });
    live.close();
    doorLive.close();
  });
});
