import type { ServerMessage } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { databaseKinds } from '../test/databases.js';
import { makeDepartment, makeOffice, signedInAdmin, signedInClerk } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';

/**
 * Archiving a department declines its waiting visits with the admin's note (issue 15): the
 * citizens whose page is open are told at once, and the door's watchers that it takes no more knocks.
 * A clerk's console open on it closes saying the office was archived (not that the clerk was taken out),
 * and one of its former clerks opening it later is told the same.
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

  it('closes a console open on it, saying the office was archived, and leaves the clerk’s other office open', async () => {
    const office = await makeOffice(db(), { openAt: new Date() });
    const other = await makeDepartment(db(), office.tenant.id);
    const { browser: admin } = await signedInAdmin(db(), client(), office.tenant.id, {
      values: { isTenantAdmin: true },
    });
    const { browser: clerk } = await signedInClerk(db(), client(), office.tenant.id, [office.department.id, other.id]);
    const live = await clerk.live();
    for (const departmentId of [office.department.id, other.id]) {
      const opened = live.next('console', (m) => m.snapshot.department.id === departmentId);
      live.send({ type: 'watch-console', departmentId });
      await opened;
    }

    const closed = live.next('console-closed', undefined, 10_000);
    const from = live.received.length;
    const archived = await admin.post(
      `/api/admin/tenants/${office.tenant.slug}/departments/${office.department.slug}/archive`,
      { confirmAffected: 0 },
    );
    expect(archived.status).toBe(200);
    expect(await closed).toEqual({ type: 'console-closed', departmentId: office.department.id, reason: 'archived' });
    // The office's own news (its door closed) never reached that console: its members are told
    // first, and the hub tells no one of the office before their roles are read.
    const news = (m: ServerMessage) =>
      m.type === 'console' && m.snapshot.department.id === office.department.id && m.snapshot.door.state === 'closed';
    // One round trip on the socket later, still only the archived office's console was closed.
    const again = live.next('console', (m) => m.snapshot.department.id === other.id);
    live.send({ type: 'watch-console', departmentId: other.id });
    await again;
    expect(live.received.filter((m) => m.type === 'console-closed')).toHaveLength(1);
    expect(live.received.slice(from).filter(news)).toEqual([]);
    live.close();

    // Opened afterwards (a bookmark, an old tab), it says the same, not "you do not work here";
    // a clerk who never worked there is refused as ever, and learns nothing of the office.
    const later = await clerk.live();
    const told = later.next('console-closed');
    later.send({ type: 'watch-console', departmentId: office.department.id });
    expect(await told).toEqual({ type: 'console-closed', departmentId: office.department.id, reason: 'archived' });
    later.close();
    const { browser: stranger } = await signedInClerk(db(), client(), office.tenant.id, [other.id]);
    const elsewhere = await stranger.live();
    const refused = elsewhere.next('error');
    elsewhere.send({ type: 'watch-console', departmentId: office.department.id });
    expect(await refused).toMatchObject({ code: 'forbidden' });
    expect(elsewhere.received.filter((m) => m.type === 'console-closed')).toEqual([]);
    elsewhere.close();
  });
});
