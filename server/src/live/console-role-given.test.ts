import { describe, expect, it } from 'vitest';
import { consolePresence } from '../db/schema.js';
import { databaseKinds } from '../test/databases.js';
import { makeDepartment, makeTenant, signedInAdmin, signedInClerk } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';

/**
 * A console open in a department the clerk does not (or no longer) work in said "Sie arbeiten
 * nicht in diesem Amt" until a reload, even after an admin had given the role: the hub refused the
 * watch once and never looked again. Now the role change opens it on the socket that asked.
 */
describe.each(databaseKinds)('a console refused for want of a role, when the role comes, on %s', (kind) => {
  const suite = useTestServer(kind);
  const { client, db } = suite;

  it('opens on the socket that asked, without a new watch, and counts the clerk on duty there', async () => {
    const tenant = await makeTenant(db());
    const home = await makeDepartment(db(), tenant.id);
    const given = await makeDepartment(db(), tenant.id);
    const stranger = await makeDepartment(db(), tenant.id);
    const { browser: admin } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const { browser: clerk, person } = await signedInClerk(db(), client(), tenant.id, [home.id]);
    const staffPath = `/api/admin/tenants/${tenant.slug}/staff/${person.id}`;
    const live = await clerk.live();

    const refused = live.next('error');
    live.send({ type: 'watch-console', departmentId: given.id });
    expect(await refused).toMatchObject({ code: 'forbidden' });

    const opened = live.next('console', (m) => m.snapshot.department.id === given.id);
    const changed = await admin.request('PATCH', staffPath, {
      roles: [
        { departmentId: home.id, role: 'clerk' },
        { departmentId: given.id, role: 'clerk' },
      ],
    });
    expect(changed.status).toBe(200);
    await opened;
    const presence = await db().select().from(consolePresence);
    expect(presence.filter((row) => row.departmentId === given.id).map((row) => row.staffId)).toEqual([person.id]);
    // Only what was asked for: no console of the home office nor of one never watched.
    const consoles = live.received.flatMap((m) => (m.type === 'console' ? [m.snapshot.department.id] : []));
    expect(new Set(consoles)).toEqual(new Set([given.id]));

    // Taken away again: closed and said; given back: open again, on the same socket.
    const closed = live.next('console-closed');
    expect(
      (await admin.request('PATCH', staffPath, { roles: [{ departmentId: home.id, role: 'clerk' }] })).status,
    ).toBe(200);
    expect(await closed).toEqual({ type: 'console-closed', departmentId: given.id, reason: 'not_a_member' });
    const reopened = live.next('console', (m) => m.snapshot.department.id === given.id);
    const back = await admin.request('PATCH', staffPath, {
      roles: [
        { departmentId: home.id, role: 'clerk' },
        { departmentId: given.id, role: 'clerk' },
        { departmentId: stranger.id, role: 'clerk' },
      ],
    });
    expect(back.status).toBe(200);
    await reopened;
    expect(live.received.some((m) => m.type === 'console' && m.snapshot.department.id === stranger.id)).toBe(false);
  });
});
