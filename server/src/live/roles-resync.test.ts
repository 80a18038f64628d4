import { StaffMeSchema, type ServerMessage } from '@amtsraum/shared';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { consolePresence, departments, staffMemberships } from '../db/schema.js';
import { databaseKinds } from '../test/databases.js';
import { makeDepartment, makeTenant, signedInClerk } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';

/**
 * A role given or taken while the bus's listener (PostgreSQL LISTEN) reconnects: its NOTIFY is
 * lost, and the hub heard of it only through the resync the reconnection brings (`onResync`). The
 * resync re-read the queues but not the roles: a console refused before stayed refused, one taken
 * away stayed open, and the staff home showed the old offices, until a reload. Here the roles
 * change in the database with no event at all (the lost NOTIFY), and the listener's connection is
 * really cut (pg_terminate_backend): PostgreSQL only, as the reconnect is PostgreSQL's.
 */
describe.runIf(databaseKinds.includes('postgres'))(
  'roles changed while the live events reconnect, or read slowly',
  () => {
    const suite = useTestServer('postgres');
    const { client, db } = suite;

    it('opens a console refused before, closes one taken away, and tells the staff home, after the resync', async () => {
      const tenant = await makeTenant(db());
      const taken = await makeDepartment(db(), tenant.id);
      const given = await makeDepartment(db(), tenant.id);
      const { browser: clerk, person } = await signedInClerk(db(), client(), tenant.id, [taken.id]);
      const me = StaffMeSchema.parse((await clerk.get('/api/staff/me')).json);
      const live = await clerk.live();

      const open = live.next('console', (m) => m.snapshot.department.id === taken.id);
      live.send({ type: 'watch-console', departmentId: taken.id });
      await open;
      const refused = live.next('error');
      live.send({ type: 'watch-console', departmentId: given.id });
      expect(await refused).toMatchObject({ code: 'forbidden' });
      // The staff home's watch, from a page that loaded its roles before the last change: told so at
      // once (and from here on the hub knows the page shows the roles as they are now).
      const home = await clerk.live();
      const stale = home.next('roles-changed');
      home.send({ type: 'watch-roles', known: 'a-key-of-older-roles' });
      await stale;
      expect(me.staff.rolesKey).not.toBe('a-key-of-older-roles');

      // The admin's change, whose event went unheard.
      await db().insert(staffMemberships).values({ staffId: person.id, departmentId: given.id, role: 'clerk' });
      await db()
        .delete(staffMemberships)
        .where(and(eq(staffMemberships.staffId, person.id), eq(staffMemberships.departmentId, taken.id)));

      const opened = live.next('console', (m) => m.snapshot.department.id === given.id, 15_000);
      const closed = live.next('console-closed', (m) => m.departmentId === taken.id, 15_000);
      const told = home.next('roles-changed', () => true, 15_000);
      // On PostgreSQL (postgres.js) the answer is the list of rows.
      const cut = (await db().execute(
        sql`select pg_terminate_backend(pid) as pid from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`,
      )) as unknown as { pid: number }[];
      expect(cut.length).toBeGreaterThan(0);
      await Promise.all([opened, closed, told]);

      // Counted on duty where the console opened, no longer where it closed.
      const presence = await db().select().from(consolePresence).where(eq(consolePresence.staffId, person.id));
      expect(presence.map((row) => row.departmentId)).toEqual([given.id]);
      // What the page then loads again has the new roles, and a key of its own.
      const now = StaffMeSchema.parse((await clerk.get('/api/staff/me')).json);
      expect(now.staff.departments.map((d) => d.id)).toEqual([given.id]);
      expect(now.staff.rolesKey).not.toBe(me.staff.rolesKey);
      expect(home.received.filter((m) => m.type === 'roles-changed')).toHaveLength(2);
      live.close();
      home.close();
    }, 30_000);

    // An admin taking an office away publishes the role change and then the office's own (one clerk
    // fewer there). A refresh of the office that went out before the roles were read reached the
    // console still open there, whose page answered with a reload of the day's appointments, refused
    // (a 403 in the browser, knock.spec.ts). The roles read is held here by a lock on the memberships.
    it('tells a console taken away that it closed before any news of its office, however long the roles read takes', async () => {
      const tenant = await makeTenant(db());
      const taken = await makeDepartment(db(), tenant.id);
      const { browser: clerk, person } = await signedInClerk(db(), client(), tenant.id, [taken.id]);
      const live = await clerk.live();
      const open = live.next('console', (m) => m.snapshot.department.id === taken.id);
      live.send({ type: 'watch-console', departmentId: taken.id });
      await open;
      const renamed = (m: ServerMessage) => m.type === 'console' && m.snapshot.department.name.de === 'Umbenannt';
      const { browser: other } = await signedInClerk(db(), client(), tenant.id, [taken.id]);
      const colleague = await other.live();
      const watching = colleague.next('console', (m) => m.snapshot.department.id === taken.id);
      colleague.send({ type: 'watch-console', departmentId: taken.id });
      await watching;
      const colleagueTold = colleague.next('console', (m) => renamed(m), 15_000);
      // The office's news: renamed (no event of its own; the context event below carries it).
      await db()
        .delete(staffMemberships)
        .where(and(eq(staffMemberships.staffId, person.id), eq(staffMemberships.departmentId, taken.id)));
      await db()
        .update(departments)
        .set({ name: { de: 'Umbenannt', en: 'Renamed' } })
        .where(eq(departments.id, taken.id));
      const { events } = suite.server.deps;
      const closed = live.next('console-closed', (m) => m.departmentId === taken.id, 15_000);
      await db().transaction(async (tx) => {
        await tx.execute(sql`lock table staff_memberships in access exclusive mode`);
        await events.publish({ rolesChanged: { staffIds: [person.id] } });
        await events.publish({ departmentId: taken.id, context: true });
        // The hub's read of the roles waits for the lock ...
        await expect
          .poll(async () => {
            const rows = (await db().execute(
              sql`select count(*)::int as n from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock' and query ilike '%staff_memberships%'`,
            )) as unknown as { n: number }[];
            return rows[0]!.n;
          })
          .toBeGreaterThan(0);
        // ... and the office's news waits for it: none reaches the console meanwhile.
        const early = await live.next('console', (m) => renamed(m), 1000).catch(() => null);
        expect(early).toBeNull();
      });
      expect(await closed).toEqual({ type: 'console-closed', departmentId: taken.id, reason: 'not_a_member' });
      // Nor afterwards: the console is closed when the news goes out (to a colleague's console).
      await colleagueTold;
      expect(live.received.filter(renamed)).toEqual([]);
      colleague.close();
      live.close();
    }, 30_000);
  },
);
