import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { departments, tenants } from '../../db/schema.js';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeStaff, makeTenant, signedInAdmin, signedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';

/**
 * The admin guard (admin-access.ts, decision 022) driven through the real administration routes
 * of municipalities and departments (features/organisation): every forbidden path of issue 15.
 */
describe.each(databaseKinds)('admin routes refuse whom they must on %s', (kind) => {
  const suite = useTestServer(kind);
  const { client, db } = suite;

  const tenantPath = (slug: string) => `/api/admin/tenants/${slug}`;
  const departmentPath = (tenant: string, department: string) =>
    `/api/admin/tenants/${tenant}/departments/${department}`;

  /** A municipality with two departments. */
  async function municipality() {
    const tenant = await makeTenant(db());
    const d1 = await makeDepartment(db(), tenant.id);
    const d2 = await makeDepartment(db(), tenant.id);
    return { tenant, d1, d2 };
  }

  /** Every route of the municipality's tree and of a department's tree, as [method, path, body]. */
  function tenantRoutes(slug: string): [string, string, unknown][] {
    return [
      ['GET', tenantPath(slug), undefined],
      ['PATCH', tenantPath(slug), { name: 'Übernommen' }],
      ['GET', `${tenantPath(slug)}/departments`, undefined],
      ['POST', `${tenantPath(slug)}/departments`, { slug: 'neu', name: { de: 'Neu' }, description: { de: 'Neu' } }],
      ['GET', `${tenantPath(slug)}/closures`, undefined],
      ['POST', `${tenantPath(slug)}/closures`, { from: '2026-12-01', to: '2026-12-01', reason: null }],
      ['POST', `${tenantPath(slug)}/closures/holidays`, { year: 2026 }],
    ];
  }
  function departmentRoutes(tenant: string, department: string): [string, string, unknown][] {
    const base = departmentPath(tenant, department);
    return [
      ['GET', base, undefined],
      ['PATCH', base, { queueCap: 3 }],
      ['GET', `${base}/closures`, undefined],
      ['POST', `${base}/closures`, { from: '2026-12-01', to: '2026-12-01', reason: null }],
      ['GET', `${base}/archive-preview`, undefined],
      ['POST', `${base}/archive`, { confirmAffected: 0 }],
    ];
  }

  async function expectAll(
    browser: ReturnType<typeof client>,
    routes: [string, string, unknown][],
    status: number,
    code?: string,
  ) {
    for (const [method, path, body] of routes) {
      const response = await browser.request(method, path, body);
      expect({ method, path, status: response.status, code: response.json?.code }).toEqual({
        method,
        path,
        status,
        code: code ?? response.json?.code,
      });
    }
  }

  it('answers 401 without a session', async () => {
    const { tenant, d1 } = await municipality();
    await expectAll(
      client(),
      [...tenantRoutes(tenant.slug), ...departmentRoutes(tenant.slug, d1.slug)],
      401,
      'unauthorized',
    );
  });

  it('asks an admin signed in with the password alone for the second factor', async () => {
    const { tenant, d1 } = await municipality();
    const person = await makeStaff(db(), tenant.id, { values: { isTenantAdmin: true } });
    const browser = client();
    expect((await browser.post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(
      200,
    );
    await expectAll(
      browser,
      [...tenantRoutes(tenant.slug), ...departmentRoutes(tenant.slug, d1.slug)],
      403,
      'second_factor_required',
    );
  });

  it('refuses a clerk every admin tree, their own department included', async () => {
    const { tenant, d1 } = await municipality();
    // A clerk with a second factor proved: the role decides, not the session.
    const { browser } = await signedInAdmin(db(), client(), tenant.id, {
      memberships: [{ departmentId: d1.id, role: 'clerk' }],
    });
    await expectAll(
      browser,
      [
        ...tenantRoutes(tenant.slug),
        ...departmentRoutes(tenant.slug, d1.slug),
        ['GET', '/api/admin/installation/tenants', undefined],
      ],
      403,
      'forbidden',
    );
    // A clerk signed in the ordinary way too.
    const clerk = await signedInClerk(db(), client(), tenant.id, [d1.id]);
    await expectAll(clerk.browser, [...tenantRoutes(tenant.slug), ...departmentRoutes(tenant.slug, d1.slug)], 403);
    const [row] = await db().select().from(departments).where(eq(departments.id, d1.id));
    expect(row!.queueCap).toBe(d1.queueCap);
  });

  it('keeps a municipality admin out of another municipality, and an unknown one looks the same', async () => {
    const a = await municipality();
    const b = await municipality();
    const { browser } = await signedInAdmin(db(), client(), a.tenant.id, { values: { isTenantAdmin: true } });
    expect((await browser.get(tenantPath(a.tenant.slug))).status).toBe(200);
    expect((await browser.get(departmentPath(a.tenant.slug, a.d1.slug))).status).toBe(200);

    await expectAll(
      browser,
      [...tenantRoutes(b.tenant.slug), ...departmentRoutes(b.tenant.slug, b.d1.slug)],
      403,
      'forbidden',
    );
    // A's slug with B's department: not A's department, not found the same way.
    await expectAll(browser, departmentRoutes(a.tenant.slug, b.d1.slug), 403, 'forbidden');
    const unknown = await browser.get(tenantPath('gibt-es-nicht'));
    const other = await browser.get(tenantPath(b.tenant.slug));
    expect(unknown.status).toBe(other.status);
    const { requestId: _a, ...unknownBody } = unknown.json;
    const { requestId: _b, ...otherBody } = other.json;
    expect(unknownBody).toEqual(otherBody);
    const [tenantB] = await db().select().from(tenants).where(eq(tenants.id, b.tenant.id));
    expect(tenantB!.name).toBe(b.tenant.name);
  });

  it('lets a department admin administer their department only', async () => {
    const { tenant, d1, d2 } = await municipality();
    const { browser } = await signedInAdmin(db(), client(), tenant.id, {
      memberships: [
        { departmentId: d1.id, role: 'admin' },
        { departmentId: d2.id, role: 'clerk' },
      ],
    });
    expect((await browser.get(departmentPath(tenant.slug, d1.slug))).status).toBe(200);
    const changed = await browser.request('PATCH', departmentPath(tenant.slug, d1.slug), { queueCap: 7 });
    expect(changed.status).toBe(200);
    expect(changed.json.queueCap).toBe(7);
    expect((await browser.get(`${departmentPath(tenant.slug, d1.slug)}/closures`)).status).toBe(200);

    await expectAll(
      browser,
      [...departmentRoutes(tenant.slug, d2.slug), ...tenantRoutes(tenant.slug)],
      403,
      'forbidden',
    );
    const [row] = await db().select().from(departments).where(eq(departments.id, d2.id));
    expect(row!.queueCap).toBe(d2.queueCap);
    expect(row!.archivedAt).toBeNull();
  });

  it('refuses everyone on an archived municipality', async () => {
    const { tenant, d1 } = await municipality();
    const { browser } = await signedInAdmin(db(), client(), tenant.id, {
      values: { isTenantAdmin: true },
      memberships: [{ departmentId: d1.id, role: 'admin' }],
    });
    expect((await browser.get(tenantPath(tenant.slug))).status).toBe(200);
    await db().update(tenants).set({ archivedAt: new Date() }).where(eq(tenants.id, tenant.id));
    // The staff of an archived municipality have no session any more (accounts feature), so even
    // the guard's first step refuses them.
    await expectAll(
      browser,
      [...tenantRoutes(tenant.slug), ...departmentRoutes(tenant.slug, d1.slug)],
      401,
      'unauthorized',
    );
  });
});
