import { StaffMeSchema } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { databaseKinds } from '../test/databases.js';
import { makeDepartment, makeTenant, signedInAdmin, signedInClerk } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';

/**
 * The staff home's list of offices learnt of a role given or taken only on a reload. Now the page
 * watches its roles (`watch-roles`, with the key of the roles it shows) and is told
 * `roles-changed` whenever an admin's change makes them differ: a department given, taken, a role
 * raised, the municipality's administration given.
 */
describe.each(databaseKinds)('a staff home watching its roles on %s', (kind) => {
  const suite = useTestServer(kind);
  const { client, db } = suite;

  it('is told of every change to them, and of nothing else', async () => {
    const tenant = await makeTenant(db());
    const home = await makeDepartment(db(), tenant.id);
    const given = await makeDepartment(db(), tenant.id);
    const { browser: admin } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const { browser: clerk, person } = await signedInClerk(db(), client(), tenant.id, [home.id]);
    const staffPath = `/api/admin/tenants/${tenant.slug}/staff/${person.id}`;
    const me = async () => StaffMeSchema.parse((await clerk.get('/api/staff/me')).json).staff;
    const live = await clerk.live();

    // Known as they are: nothing said. A change of name is no change of roles.
    live.send({ type: 'watch-roles', known: (await me()).rolesKey });
    expect((await admin.request('PATCH', staffPath, { name: 'Neuer Name' })).status).toBe(200);

    const change = async (body: unknown) => {
      const told = live.next('roles-changed');
      expect((await admin.request('PATCH', staffPath, body)).status).toBe(200);
      await told;
      const now = await me();
      // The page loads its roles again, and watches with their key.
      live.send({ type: 'watch-roles', known: now.rolesKey });
      return now;
    };
    const withGiven = await change({
      roles: [
        { departmentId: home.id, role: 'clerk' },
        { departmentId: given.id, role: 'clerk' },
      ],
    });
    expect(withGiven.departments.map((d) => d.id).sort()).toEqual([home.id, given.id].sort());
    // The first watch (roles as they were) and the change of name said nothing before it.
    expect(live.received.filter((m) => m.type === 'roles-changed')).toHaveLength(1);
    const raised = await change({
      roles: [
        { departmentId: home.id, role: 'clerk' },
        { departmentId: given.id, role: 'admin' },
      ],
    });
    expect(raised.departments.find((d) => d.id === given.id)?.role).toBe('admin');
    expect((await change({ isTenantAdmin: true })).isTenantAdmin).toBe(true);
    const taken = await change({ isTenantAdmin: false, roles: [{ departmentId: given.id, role: 'clerk' }] });
    expect(taken.departments.map((d) => [d.id, d.role])).toEqual([[given.id, 'clerk']]);
    live.close();
  });

  it('is told when an office of theirs is renamed or archived, and not of another office', async () => {
    const tenant = await makeTenant(db());
    const kept = await makeDepartment(db(), tenant.id);
    const closing = await makeDepartment(db(), tenant.id);
    const elsewhere = await makeDepartment(db(), tenant.id);
    const { browser: admin } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const { browser: clerk } = await signedInClerk(db(), client(), tenant.id, [kept.id, closing.id]);
    const departmentPath = (slug: string) => `/api/admin/tenants/${tenant.slug}/departments/${slug}`;
    const me = async () => StaffMeSchema.parse((await clerk.get('/api/staff/me')).json).staff;
    const live = await clerk.live();
    live.send({ type: 'watch-roles', known: (await me()).rolesKey });

    // Another office renamed: nothing to tell this clerk. Then their own: told, with the new name.
    expect(
      (await admin.request('PATCH', departmentPath(elsewhere.slug), { name: { de: 'Anderswo neu' } })).status,
    ).toBe(200);
    const renamed = live.next('roles-changed');
    expect((await admin.request('PATCH', departmentPath(kept.slug), { name: { de: 'Bürgerbüro Mitte' } })).status).toBe(
      200,
    );
    await renamed;
    expect(live.received.filter((m) => m.type === 'roles-changed')).toHaveLength(1);
    const afterRename = await me();
    expect(afterRename.departments.find((d) => d.id === kept.id)?.name).toEqual({ de: 'Bürgerbüro Mitte' });
    live.send({ type: 'watch-roles', known: afterRename.rolesKey });

    // Their other office archived: told, and gone from their offices.
    const archived = live.next('roles-changed');
    expect((await admin.post(`${departmentPath(closing.slug)}/archive`, { confirmAffected: 0 })).status).toBe(200);
    await archived;
    expect((await me()).departments.map((d) => d.id)).toEqual([kept.id]);
    live.close();
  });

  it('is told when their municipality is renamed, not when only its colour changes', async () => {
    const tenant = await makeTenant(db());
    const office = await makeDepartment(db(), tenant.id);
    const { browser: admin } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const { browser: clerk } = await signedInClerk(db(), client(), tenant.id, [office.id]);
    const me = async () => StaffMeSchema.parse((await clerk.get('/api/staff/me')).json).staff;
    const live = await clerk.live();
    // Watched with a key the page does not have: the hub answers once it holds the roles' key, so
    // a later answer can only come from a change, not from a late read of this watch.
    const held = live.next('roles-changed');
    live.send({ type: 'watch-roles', known: 'as-loaded-long-ago' });
    await held;

    expect((await admin.request('PATCH', `/api/admin/tenants/${tenant.slug}`, { brandColor: '#224466' })).status).toBe(
      200,
    );
    const renamed = live.next('roles-changed');
    expect(
      (await admin.request('PATCH', `/api/admin/tenants/${tenant.slug}`, { name: 'Neustadt am See' })).status,
    ).toBe(200);
    await renamed;
    // The colour said nothing before the name did.
    expect(live.received.filter((m) => m.type === 'roles-changed')).toHaveLength(2);
    expect((await me()).departments.map((d) => d.tenantName)).toEqual(['Neustadt am See']);
    live.close();
  });

  it('refuses a socket without a staff session', async () => {
    const live = await client().live();
    const refused = live.next('error');
    live.send({ type: 'watch-roles', known: 'any' });
    expect(await refused).toMatchObject({ code: 'unauthorized' });
    live.close();
  });
});
