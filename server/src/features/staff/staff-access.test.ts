import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, type LiveSocket } from '../../test/client.js';
import { createTestDatabase, databaseKinds, type DatabaseKind } from '../../test/databases.js';
import { makeDepartment, makeStaff, makeTenant, signedInAdmin } from '../../test/factories.js';
import { startSecondServer, startTestServer, type TestServer } from '../../test/server.js';

// Issue 14, item 2: a clerk's session and membership are kept for a few seconds per process
// (staff-access.ts). These tests prove that they are kept (the statements a second request costs),
// and that sign-out, deactivation and roles taken away still end access at once, in the process
// where they happened and in another one on the same PostgreSQL (B keeps the clerk's session;
// the change is made on A).

const SESSION_READ = /from "staff_sessions"/;
const MEMBERSHIP_READ = /select "staff_memberships"\."role" from/;

async function servers(kind: DatabaseKind) {
  const statements: string[] = [];
  const a = await startTestServer(await createTestDatabase(kind, { onQuery: (query) => statements.push(query) }), {
    env: { TRUST_PROXY: '1' },
  });
  const b = await startSecondServer(a, { env: { TRUST_PROXY: '1' } });
  return { a, b, statements };
}

describe.each(databaseKinds)('kept staff access on %s', (kind) => {
  let a: TestServer;
  let b: TestServer;
  let statements: string[];
  let address = 0;
  const client = (server: TestServer) => {
    const n = ++address;
    return new TestClient(server.url, { 'x-forwarded-for': `10.40.${n >> 8}.${n & 255}` });
  };

  beforeAll(async () => {
    ({ a, b, statements } = await servers(kind));
  }, 180_000);
  afterAll(async () => {
    if (b !== a) await b.stop();
    await a.stop();
  });

  /** A clerk of a fresh department signed in on B, with their console open there, and an admin on A. */
  async function clerkOnB() {
    const db = a.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id);
    const clerk = await makeStaff(db, tenant.id, { memberships: [{ departmentId: department.id, role: 'clerk' }] });
    const browser = client(b);
    expect((await browser.post('/api/staff/login', { email: clerk.email, password: clerk.password })).status).toBe(200);
    const console: LiveSocket = await browser.live();
    const ready = console.next('console');
    console.send({ type: 'watch-console', departmentId: department.id });
    await ready;
    const { browser: admin } = await signedInAdmin(db, client(a), tenant.id, { values: { isTenantAdmin: true } });
    const consolePath = `/api/staff/departments/${department.id}/console`;
    // Read once on B: from here on B keeps the session and the membership.
    expect((await browser.get(consolePath)).status).toBe(200);
    expect((await browser.get(consolePath)).status).toBe(200);
    return { tenant, department, clerk, browser, console, admin, consolePath };
  }

  const closedWith = (live: LiveSocket) =>
    new Promise<number>((resolve) => live.socket.once('close', (code: number) => resolve(code)));

  /** The same cookies in another tab: still sent after the first tab signed out. */
  function sameCookies(browser: TestClient, server: TestServer) {
    const copy = client(server);
    for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
    return copy;
  }

  it("reads a clerk's session and membership once for requests one after another", async () => {
    const db = a.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id);
    const clerk = await makeStaff(db, tenant.id, { memberships: [{ departmentId: department.id, role: 'clerk' }] });
    const browser = client(a);
    expect((await browser.post('/api/staff/login', { email: clerk.email, password: clerk.password })).status).toBe(200);
    const path = `/api/staff/departments/${department.id}/console`;
    const count = (pattern: RegExp, from: number) => statements.slice(from).filter((s) => pattern.test(s)).length;

    let before = statements.length;
    expect((await browser.get(path)).status).toBe(200);
    expect(count(SESSION_READ, before)).toBe(1);
    expect(count(MEMBERSHIP_READ, before)).toBe(1);

    before = statements.length;
    expect((await browser.get(path)).status).toBe(200);
    expect((await browser.post(`/api/staff/departments/${department.id}/admit-next`)).status).toBe(409);
    expect(count(SESSION_READ, before)).toBe(0);
    expect(count(MEMBERSHIP_READ, before)).toBe(0);

    // Another department of the same clerk: the session is kept, the membership there is read.
    const other = await makeDepartment(db, tenant.id);
    before = statements.length;
    expect((await browser.get(`/api/staff/departments/${other.id}/console`)).status).toBe(403);
    expect(count(SESSION_READ, before)).toBe(0);
    expect(count(MEMBERSHIP_READ, before)).toBe(1);
  });

  it('ends a kept session at sign-out, in this process and in the other', async () => {
    const { browser, console, consolePath } = await clerkOnB();
    const otherTabOnB = sameCookies(browser, b);
    const tabOnA = sameCookies(browser, a);
    expect((await tabOnA.get(consolePath)).status).toBe(200);

    // Signed out on A: A refuses the old cookie with its very next request.
    const closed = closedWith(console);
    expect((await tabOnA.post('/api/staff/logout')).status).toBe(204);
    expect((await sameCookies(browser, a).get(consolePath)).status).toBe(401);
    // B learns of it by the event that also closes its console socket; from then on, refused.
    expect(await closed).toBe(4401);
    expect((await otherTabOnB.get(consolePath)).status).toBe(401);
    expect((await otherTabOnB.post(consolePath.replace('/console', '/admit-next'))).status).toBe(401);
  });

  it('ends a kept session when an admin on A deactivates the clerk', async () => {
    const { tenant, clerk, browser, console, admin, consolePath } = await clerkOnB();
    const closed = closedWith(console);
    const path = `/api/admin/tenants/${tenant.slug}/staff/${clerk.id}/deactivate`;
    expect((await admin.post(path)).status).toBe(200);
    expect(await closed).toBe(4401);
    expect((await browser.get(consolePath)).status).toBe(401);
  });

  it('drops a kept membership when an admin on A takes the clerk out of the department', async () => {
    const { tenant, clerk, department, browser, console, admin, consolePath } = await clerkOnB();
    const closed = console.next('console-closed');
    const path = `/api/admin/tenants/${tenant.slug}/staff/${clerk.id}`;
    expect((await admin.request('PATCH', path, { roles: [] })).status).toBe(200);
    expect((await closed).departmentId).toBe(department.id);
    expect((await browser.get(consolePath)).status).toBe(403);
    expect((await browser.post(consolePath.replace('/console', '/admit-next'))).status).toBe(403);
  });
});
