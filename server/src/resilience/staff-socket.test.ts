import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { staff } from '../db/schema.js';
import type { LiveSocket } from '../test/client.js';
import { databaseKinds } from '../test/databases.js';
import { makeDepartment, makeTenant, signedInClerk } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';

/**
 * Issue 11, item 4: a clerk's WebSocket does not outlive the session it was opened with. After
 * sign-out (or when the account is deactivated) no message brings back names or concerns of
 * waiting citizens, and sign-out closes the session's sockets at once, not at the next heartbeat.
 */
describe.each(databaseKinds)('a staff WebSocket after sign-out, on %s', (kind) => {
  const { db, client } = useTestServer(kind);

  async function office() {
    const tenant = await makeTenant(db());
    const department = await makeDepartment(db(), tenant.id, { doorOverride: 'open', doorOverrideAt: new Date() });
    const { browser, person } = await signedInClerk(db(), client(), tenant.id, [department.id]);
    const knock = (name: string) =>
      client().post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
        name,
        concern: 'Vertraulich',
        language: 'de',
        consent: true,
      });
    return { department, browser, person, knock };
  }

  /** Every message the socket receives from now on, for `ms`. */
  const collect = async (live: LiveSocket, ms: number) => {
    const from = live.received.length;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return live.received.slice(from);
  };

  it('refuses watch-console on a socket whose session was signed out', async () => {
    const { department, browser, knock } = await office();
    expect((await knock('Erika Mustermann')).status).toBe(201);
    const live = await browser.live();
    expect((await browser.post('/api/staff/logout')).status).toBe(204);

    live.send({ type: 'watch-console', departmentId: department.id });
    const after = await collect(live, 1_500);
    expect(after.map((m) => m.type)).not.toContain('console');
    expect(JSON.stringify(after)).not.toContain('Erika Mustermann');
    live.close();
  });

  it('closes a watching console at sign-out and sends it nothing more', async () => {
    const { department, browser, knock } = await office();
    const live = await browser.live();
    const watching = live.next('console');
    live.send({ type: 'watch-console', departmentId: department.id });
    await watching;
    const closed = new Promise<number>((resolve) => live.socket.once('close', (code) => resolve(code)));

    expect((await browser.post('/api/staff/logout')).status).toBe(204);
    expect((await knock('Nach dem Abmelden')).status).toBe(201);
    const after = await collect(live, 2_000);
    expect(JSON.stringify(after)).not.toContain('Nach dem Abmelden');
    // At once: well before the 15-second heartbeat that closes ended sessions today.
    const code = await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve('still open'), 3_000))]);
    expect(code).toBe(4401);
  });

  it('checks every message against a live session: a deactivated account gets nothing', async () => {
    const { department, browser, person, knock } = await office();
    expect((await knock('Max Mustermann')).status).toBe(201);
    const live = await browser.live();
    await db().update(staff).set({ active: false }).where(eq(staff.id, person.id));

    live.send({ type: 'watch-console', departmentId: department.id });
    const after = await collect(live, 1_500);
    expect(after.map((m) => m.type)).not.toContain('console');
    expect(JSON.stringify(after)).not.toContain('Max Mustermann');
    live.close();
  });
});
