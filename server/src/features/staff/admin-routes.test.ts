import { eq } from 'drizzle-orm';
import * as schema from '../../db/schema.js';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import { databaseKinds } from '../../test/databases.js';
import type { TestClient } from '../../test/client.js';
import { signedInAdmin, signedInClerk } from '../../test/factories.js';
import { mountedRoutes, type MountedRoute } from '../../test/routes.js';
import { BODIES, bodyFor, fill, makeMunicipality, scopeOf, snapshot, type Target } from '../../test/admin-routes.js';
import { useTestServer } from '../../test/suite.js';
import { ADMIN_CHANGE_LIMITS } from './admin-access.js';

/**
 * Every admin route the app mounts (read from the app itself, so tomorrow's route is in here too),
 * attacked by everyone who must be refused (issue 15): nobody signed in, a clerk, a department
 * admin on another department, a municipality admin on another municipality, a municipality admin
 * on the installation's routes, and admins reaching with their own path for another's ids. Each
 * refusal changes nothing: the whole database reads the same afterwards.
 */

describe.each(databaseKinds)('every admin route refuses whom it must on %s', (kind) => {
  const suite = useTestServer(kind);
  const { client, db } = suite;

  function adminRoutes(): MountedRoute[] {
    return mountedRoutes(createApp(suite.server.deps)).filter((route) => route.path.startsWith('/api/admin'));
  }

  /** Sends every route with its body; expects each answer to be one of `statuses`; nothing may change. */
  async function expectRefused(
    who: string,
    browser: TestClient,
    requests: { route: MountedRoute; path: string; target: Target }[],
    statuses: number[],
  ) {
    const before = await snapshot(db());
    const answers = [];
    for (const { route, path, target } of requests) {
      const response = await browser.request(route.method, path, bodyFor(route, target));
      answers.push({
        who,
        route: `${route.method} ${route.path}`,
        refused: statuses.includes(response.status) || { status: response.status, body: response.json },
      });
    }
    expect(answers.filter((answer) => answer.refused !== true)).toEqual([]);
    expect(await snapshot(db())).toEqual(before);
  }

  it('knows what to send to every mounted admin route, and each lies in one tree', () => {
    const routes = adminRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const unknown = routes.map((route) => `${route.method} ${route.path}`).filter((key) => !(key in BODIES));
    expect(unknown, 'admin routes this test does not know yet: add them to BODIES').toEqual([]);
    for (const route of routes) expect(['installation', 'tenant', 'department']).toContain(scopeOf(route.path));
  });

  it('refuses nobody signed in (401) and a clerk (403) on every admin route', async () => {
    const routes = adminRoutes();
    const x = await makeMunicipality(db());
    const on = (target: Target) => routes.map((route) => ({ route, path: fill(route, target), target }));
    await expectRefused('nobody', client(), on(x.a), [401]);
    // A clerk of department A, second factor proved: the role decides, not the session.
    const { browser } = await signedInAdmin(db(), client(), x.tenant.id, {
      memberships: [{ departmentId: (await departmentId(x.a)).id, role: 'clerk' }],
    });
    await expectRefused('clerk with second factor', browser, on(x.a), [403]);
    const clerk = await signedInClerk(db(), client(), x.tenant.id, [(await departmentId(x.a)).id]);
    await expectRefused('clerk', clerk.browser, on(x.a), [403]);
  });

  it('keeps a department admin to their department: not another, not the municipality, not the installation', async () => {
    const routes = adminRoutes();
    const x = await makeMunicipality(db());
    const { browser } = await signedInAdmin(db(), client(), x.tenant.id, {
      memberships: [
        { departmentId: (await departmentId(x.a)).id, role: 'admin' },
        { departmentId: (await departmentId(x.b)).id, role: 'clerk' },
      ],
    });
    const own = routes.filter((route) => scopeOf(route.path) === 'department');
    // Their own department lets them in (so the refusals below are the guard's doing, not a typo).
    for (const route of own.filter((r) => r.method === 'GET')) {
      expect({ route: route.path, status: (await browser.get(fill(route, x.a))).status }).toEqual({
        route: route.path,
        status: 200,
      });
    }
    await expectRefused(
      'department admin of A on B and above',
      browser,
      routes.map((route) => ({ route, path: fill(route, x.b), target: x.b })),
      [403, 404],
    );
    // Their own department's path with B's clerk, service, closure and absence.
    const crossed = own
      .filter((route) => /:(staffId|serviceId|closureId|absenceId|deviceId)/.test(route.path))
      .map((route) => {
        const target = { ...x.b, tenant: x.a.tenant, department: x.a.department };
        return { route, path: fill(route, target), target };
      });
    expect(crossed.length).toBeGreaterThan(5);
    await expectRefused("department admin of A with B's ids", browser, crossed, [403, 404]);
  });

  it('keeps a municipality admin to their municipality, and off the installation routes', async () => {
    const routes = adminRoutes();
    const x = await makeMunicipality(db());
    const y = await makeMunicipality(db());
    const { browser } = await signedInAdmin(db(), client(), x.tenant.id, { values: { isTenantAdmin: true } });
    for (const route of routes.filter((r) => r.method === 'GET' && scopeOf(r.path) !== 'installation')) {
      expect({ route: route.path, status: (await browser.get(fill(route, x.a))).status }).toEqual({
        route: route.path,
        status: 200,
      });
    }
    // The installation's own admin is let in there: the refusal below is the role's doing.
    const installer = await signedInAdmin(db(), client(), x.tenant.id, { values: { isInstallationAdmin: true } });
    for (const route of routes.filter((r) => r.method === 'GET' && scopeOf(r.path) === 'installation')) {
      expect((await installer.browser.get(fill(route, y.a))).status).toBe(200);
    }
    await expectRefused(
      'municipality admin of X on the installation',
      browser,
      routes
        .filter((route) => scopeOf(route.path) === 'installation')
        .map((route) => ({ route, path: fill(route, y.a), target: y.a })),
      [403],
    );
    await expectRefused(
      'municipality admin of X on Y and the installation',
      browser,
      routes.map((route) => ({ route, path: fill(route, y.a), target: y.a })),
      [403, 404],
    );
    // Their own municipality's paths with Y's staff, services, closures and absences.
    const crossed = routes
      .filter((route) => scopeOf(route.path) !== 'installation')
      .filter((route) => /:(staffId|serviceId|closureId|absenceId|deviceId)/.test(route.path))
      .map((route) => {
        const target = { ...y.a, tenant: x.a.tenant, department: x.a.department };
        return { route, path: fill(route, target), target };
      });
    expect(crossed.length).toBeGreaterThan(10);
    await expectRefused("municipality admin of X with Y's ids", browser, crossed, [403, 404]);
  });

  it("refuses another municipality's or department's ids inside a body, and changes nothing", async () => {
    const x = await makeMunicipality(db());
    const y = await makeMunicipality(db());
    const { browser } = await signedInAdmin(db(), client(), x.tenant.id, { values: { isTenantAdmin: true } });
    const foreign = (await departmentId(y.a)).id;
    const tenant = `/api/admin/tenants/${x.tenant.slug}`;
    const before = await snapshot(db());
    const attempts: [string, string, unknown][] = [
      [
        'POST',
        `${tenant}/staff`,
        {
          name: 'Neu',
          email: 'neu-fremd@test.example',
          languages: ['de'],
          isTenantAdmin: false,
          roles: [{ departmentId: foreign, role: 'admin' }],
        },
      ],
      ['PATCH', `${tenant}/staff/${x.a.staffId}`, { roles: [{ departmentId: foreign, role: 'admin' }] }],
      // The order of A's services may not name B's.
      ['PUT', `${tenant}/departments/${x.a.department}/services/order`, { ids: [x.a.serviceId, x.b.serviceId] }],
      ['PUT', `${tenant}/departments/${x.a.department}/services/order`, { ids: [y.a.serviceId] }],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await browser.request(method, path, body);
      expect({ method, path, status: answer.status }).toEqual({
        method,
        path,
        status: expect.toBeOneOf([400, 403, 404]),
      });
    }
    expect(await snapshot(db())).toEqual(before);
  });

  it('never takes roles, ids or states a body smuggles in beside its fields', async () => {
    const x = await makeMunicipality(db());
    const y = await makeMunicipality(db());
    const { browser, person } = await signedInAdmin(db(), client(), x.tenant.id, {
      memberships: [{ departmentId: (await departmentId(x.a)).id, role: 'admin' }],
    });
    const municipalityAdmin = await signedInAdmin(db(), client(), x.tenant.id, { values: { isTenantAdmin: true } });
    const department = `/api/admin/tenants/${x.tenant.slug}/departments/${x.a.department}`;
    const tenant = `/api/admin/tenants/${x.tenant.slug}`;
    // A department admin: extra fields on their own department's change.
    await browser.request('PATCH', department, {
      queueCap: 5,
      tenantId: y.tenant.id,
      slug: 'gekapert',
      archivedAt: new Date().toISOString(),
      isTenantAdmin: true,
    });
    // A municipality admin: extra fields on a staff member and on the municipality.
    await municipalityAdmin.browser.request('PATCH', `${tenant}/staff/${x.a.staffId}`, {
      name: 'Umbenannt',
      isInstallationAdmin: true,
      tenantId: y.tenant.id,
    });
    await municipalityAdmin.browser.request('PATCH', tenant, {
      name: 'Umbenannt',
      slug: 'gekapert',
      archivedAt: null,
      id: y.tenant.id,
    });
    const [me] = await db().select().from(schema.staff).where(eq(schema.staff.id, person.id));
    expect(me!.isTenantAdmin).toBe(false);
    expect(me!.isInstallationAdmin).toBe(false);
    const [clerk] = await db().select().from(schema.staff).where(eq(schema.staff.id, x.a.staffId));
    expect({ installation: clerk!.isInstallationAdmin, tenant: clerk!.tenantId }).toEqual({
      installation: false,
      tenant: x.tenant.id,
    });
    const row = await departmentId(x.a);
    expect({ tenant: row.tenantId, archived: row.archivedAt }).toEqual({ tenant: x.tenant.id, archived: null });
    const [municipality] = await db().select().from(schema.tenants).where(eq(schema.tenants.id, x.tenant.id));
    expect(municipality!.slug).toBe(x.tenant.slug);
  });

  it('limits the changes of one admin, not their reading, and a limited change changes nothing', async () => {
    const x = await makeMunicipality(db());
    const { browser, person } = await signedInAdmin(db(), client(), x.tenant.id, { values: { isTenantAdmin: true } });
    const other = await signedInAdmin(db(), client(), x.tenant.id, { values: { isTenantAdmin: true } });
    const department = `/api/admin/tenants/${x.tenant.slug}/departments/${x.a.department}`;
    // The window filled up (as by a script), without sending thousands of requests here.
    const changes = suite.server.deps.limits.limiter('admin-changes', ADMIN_CHANGE_LIMITS.perStaff);
    for (let i = 0; i < ADMIN_CHANGE_LIMITS.perStaff.max; i++) await changes.hit(person.id);
    const before = await snapshot(db());
    const limited = await browser.request('PATCH', department, { queueCap: 3 }, { 'accept-language': 'en' });
    expect(limited.status).toBe(429);
    expect(limited.json.code).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await snapshot(db())).toEqual(before);
    expect((await browser.get(department)).status).toBe(200);
    // Another admin of the same municipality is not held up.
    expect((await other.browser.request('PATCH', department, { queueCap: 4 })).status).toBe(200);
  });

  /** The department row of a target (the factories return slugs in Target). */
  async function departmentId(target: Target) {
    const rows = await db().select().from(schema.departments);
    return rows.find((row) => row.slug === target.department && row.tenantId === target.tenantId)!;
  }
});
