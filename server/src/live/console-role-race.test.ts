import { describe, expect, it, vi } from 'vitest';
import { consolePresence } from '../db/schema.js';
import type * as StaffRepo from '../features/staff/staff.repo.js';
import { databaseKinds } from '../test/databases.js';
import { makeDepartment, makeTenant, signedInAdmin, signedInClerk } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';

/**
 * The race behind the epoch loop of `watchConsole` (live.hub.ts), made to happen every time: the
 * hub has read the clerk's membership (still a member) and has not yet put the watch on its
 * lists, when the admin takes the role away and the role change is heard. That change found no
 * watch to stop; the hub must read the membership again instead of opening the console with the
 * answer it had. Everything is real (server, database, bus, socket); only the moment is chosen,
 * by holding the hub's read back until the role is gone.
 */
const hold = vi.hoisted(() => ({ afterNextMembershipRead: null as null | (() => Promise<void>) }));

vi.mock('../features/staff/staff.repo.js', async (importOriginal) => {
  const real = await importOriginal<typeof StaffRepo>();
  return {
    ...real,
    findMembership: async (...args: Parameters<typeof real.findMembership>) => {
      const row = await real.findMembership(...args);
      const then = hold.afterNextMembershipRead;
      hold.afterNextMembershipRead = null;
      if (then) await then();
      return row;
    },
  };
});

describe.each(databaseKinds)('a console watch crossing a role change on %s', (kind) => {
  const suite = useTestServer(kind);
  const { client, db } = suite;

  it('is refused when the role goes while the membership is being read, and counts nobody on duty', async () => {
    const tenant = await makeTenant(db());
    const department = await makeDepartment(db(), tenant.id);
    const other = await makeDepartment(db(), tenant.id);
    const { browser: admin } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const { browser: clerk, person } = await signedInClerk(db(), client(), tenant.id, [department.id, other.id]);
    const live = await clerk.live();

    let roleTaken = false;
    hold.afterNextMembershipRead = async () => {
      const removed = await admin.request('PATCH', `/api/admin/tenants/${tenant.slug}/staff/${person.id}`, {
        roles: [{ departmentId: other.id, role: 'clerk' }],
      });
      expect(removed.status).toBe(200);
      roleTaken = true;
    };
    const refused = live.next('error');
    live.send({ type: 'watch-console', departmentId: department.id });
    expect(await refused).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(roleTaken).toBe(true);

    // Nothing of the department reached the former clerk, and nobody counts them on duty there.
    expect(live.received.filter((message) => message.type === 'console')).toEqual([]);
    const presence = await db().select().from(consolePresence);
    expect(presence.filter((row) => row.departmentId === department.id)).toEqual([]);

    // Their other department still opens as before.
    const opened = live.next('console', (message) => message.snapshot.department.id === other.id);
    live.send({ type: 'watch-console', departmentId: other.id });
    await opened;
  });
});
