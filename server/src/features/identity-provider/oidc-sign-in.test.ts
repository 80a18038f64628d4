import { randomBytes } from 'node:crypto';
import {
  IdentityProviderSchema,
  IdentityProviderSettingsSchema,
  SignInOptionsSchema,
  StaffMeSchema,
  type IdentityProviderInput,
} from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, staff, staffMemberships, tenantIdentityProviders } from '../../db/schema.js';
import { jumpableClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeStaff, makeTenant, signedInAdmin, signedInClerk } from '../../test/factories.js';
import { Browser, cancelAt, signInAt, startTestProvider, type TestProvider } from '../../test/oidc-provider.js';
import { TEST_ORIGIN } from '../../test/server.js';
import { useTestServer } from '../../test/suite.js';
import { OIDC_REFUSAL_AUDIT_LIMIT } from './identity-provider.router.js';

describe.each(databaseKinds)('sign-in through the municipality’s OpenID provider on %s', (kind) => {
  const clock = jumpableClock();
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;
  const slug = `oidc-${randomBytes(4).toString('hex')}`;
  let provider: TestProvider;
  let tenant: Awaited<ReturnType<typeof makeTenant>>;
  let buergeramt: Awaited<ReturnType<typeof makeDepartment>>;
  let kasse: Awaited<ReturnType<typeof makeDepartment>>;
  let admin: Awaited<ReturnType<typeof signedInAdmin>>['browser'];

  beforeAll(async () => {
    provider = await startTestProvider({ redirectUris: [`${TEST_ORIGIN}/api/auth/oidc/${slug}/callback`] });
    tenant = await makeTenant(db(), { slug });
    buergeramt = await makeDepartment(db(), tenant.id, { slug: 'buergeramt' });
    kasse = await makeDepartment(db(), tenant.id, { slug: 'kasse' });
    ({ browser: admin } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } }));
  });
  afterAll(() => provider.stop());

  const settings = (overrides: Partial<IdentityProviderInput> = {}): IdentityProviderInput => ({
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    label: { de: 'Rathaus-Konto', en: 'town hall account' },
    scopes: 'openid email profile groups',
    roleClaim: 'groups',
    roleMapping: [
      { value: 'it-admins', tenantAdmin: true },
      { value: 'buergeramt', department: 'buergeramt', role: 'clerk' },
      { value: 'buergeramt-leitung', department: 'buergeramt', role: 'admin' },
    ],
    provisionAccounts: false,
    ...overrides,
  });

  async function configure(overrides: Partial<IdentityProviderInput> = {}) {
    const saved = await admin.put(`/api/admin/tenants/${slug}/identity-provider`, settings(overrides));
    expect(saved.status).toBe(200);
  }

  const account = (claims: { groups?: string[]; email?: string; email_verified?: boolean; name?: string }) => {
    const id = `user-${randomBytes(4).toString('hex')}`;
    provider.accounts.set(id, { email_verified: true, name: 'Rita Rathaus', ...claims });
    return id;
  };

  /**
   * Start at our server, through the provider's pages, up to (not into) our callback. `search`:
   * the start's query as the sign-in page's button sends it (`?returnTo=…`).
   */
  async function throughProvider(accountId: string, browser = new Browser(), search = '') {
    const start = await browser.request(`${suite.server.url}/api/auth/oidc/${slug}/start${search}`);
    expect(start.status).toBe(303);
    const authorization = new URL(start.location!);
    expect(authorization.origin).toBe(provider.issuer);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('state')).toBeTruthy();
    expect(authorization.searchParams.get('nonce')).toBeTruthy();
    const loginCookie = browser.jar(suite.server.url).get('amtsraum_oidc');
    expect(loginCookie).toBeTruthy();
    const back = new URL(await signInAt(browser, start.location!, accountId, TEST_ORIGIN));
    const callback = `${suite.server.url}${back.pathname}${back.search}`;
    return { browser, callback, loginCookie: loginCookie! };
  }

  async function me(browser: Browser) {
    const answer = await browser.request(`${suite.server.url}/api/staff/me`);
    return answer.status === 200 ? StaffMeSchema.parse(JSON.parse(answer.text)) : answer.status;
  }

  /** Back on the sign-in page with the reason, and with the page to come back to when `returnTo` is given. */
  const refusedWith = (
    answer: { status: number; location: string | null },
    reason: string,
    tenantSlug = slug,
    returnTo?: string,
  ) => {
    expect(answer.status).toBe(303);
    const to = new URL(answer.location!);
    expect(to.origin).toBe(TEST_ORIGIN);
    expect(to.pathname).toBe('/staff/login');
    expect(Object.fromEntries(to.searchParams)).toEqual({
      tenant: tenantSlug,
      oidcError: reason,
      ...(returnTo === undefined ? {} : { returnTo }),
    });
  };

  it('signs an existing account in by its verified e-mail, links it, sets its roles, and proves the session', async () => {
    await configure();
    const person = await makeStaff(db(), tenant.id, { memberships: [{ departmentId: kasse.id, role: 'admin' }] });
    const id = account({ email: person.email, groups: ['it-admins', 'buergeramt', 'kantine'] });

    const { browser, callback } = await throughProvider(id);
    const done = await browser.request(callback);
    expect(done.status).toBe(303);
    expect(new URL(done.location!).pathname).toBe('/admin');
    expect(browser.jar(suite.server.url).has('amtsraum_oidc')).toBe(false);

    const described = await me(browser);
    expect(described).toMatchObject({
      staff: { id: person.id, isTenantAdmin: true, secondFactor: { enrolled: false, proved: true } },
    });
    // The provider's groups replaced the roles given by hand.
    const memberships = await db().select().from(staffMemberships).where(eq(staffMemberships.staffId, person.id));
    expect(memberships.map((m) => [m.departmentId, m.role])).toEqual([[buergeramt.id, 'clerk']]);
    const [linked] = await db().select().from(staff).where(eq(staff.id, person.id));
    expect(linked).toMatchObject({ oidcIssuer: provider.issuer, oidcSubject: id });
    // The session passes the admin guard: the identity provider counts as the second factor.
    const adminAnswer = await browser.request(`${suite.server.url}/api/admin/tenants/${slug}/identity-provider`);
    expect(adminAnswer.status).toBe(200);

    // The next sign-in finds the account by the provider's subject, whatever the e-mail says now.
    provider.accounts.set(id, { email: 'neu@test.example', email_verified: true, groups: ['buergeramt-leitung'] });
    const again = await throughProvider(id);
    expect(new URL((await again.browser.request(again.callback)).location!).pathname).toBe('/staff');
    expect(await me(again.browser)).toMatchObject({
      staff: { id: person.id, isTenantAdmin: false, departments: [{ id: buergeramt.id, role: 'admin' }] },
    });
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'staff.signed_in')));
    expect(audit.filter((event) => event.data.staffId === person.id).map((event) => event.data.linked)).toEqual([
      true,
      false,
    ]);
  });

  it('comes back to the staff or admin page that sent the person to sign in, and to the staff home for any other address', async () => {
    await configure();
    const person = await makeStaff(db(), tenant.id);
    const id = account({ email: person.email, groups: ['buergeramt'] });
    const returnTo = (path: string) => `?${new URLSearchParams({ returnTo: path }).toString()}`;
    const landing = async (search: string) => {
      const flow = await throughProvider(id, new Browser(), search);
      const done = await flow.browser.request(flow.callback);
      expect(done.status).toBe(303);
      // Signed in all the same: the way back changes nothing else.
      expect(await me(flow.browser)).toMatchObject({ staff: { id: person.id } });
      const to = new URL(done.location!);
      expect(to.origin).toBe(TEST_ORIGIN);
      return `${to.pathname}${to.search}`;
    };

    const services = `/admin/${slug}/departments/buergeramt/services`;
    expect(await landing(returnTo(services))).toBe(services);
    const audit = `/admin/${slug}/audit?from=2026-01-01&q=M%C3%BCller`;
    expect(await landing(returnTo(audit))).toBe(audit);
    expect(await landing(returnTo(`/staff/${buergeramt.id}`))).toBe(`/staff/${buergeramt.id}`);

    // Another site, another kind of page, or what a browser could make one of: the staff home.
    for (const hostile of [
      '//evil.example',
      '//evil.example/staff',
      'https://evil.example/',
      '/\\evil.example',
      '/staff\\..\\..\\evil.example',
      '/staff//evil.example',
      '/staff/../..//evil.example',
      '/staff/%2F%2Fevil.example',
      '/staff/%5Cevil.example',
      '/staff/%2e%2e/%2e%2e/evil',
      '%2F%2Fevil.example',
      '/staff/x\r\nLocation: https://evil.example',
      '/staff#https://evil.example',
      'javascript:alert(1)',
      '/api/staff/logout',
      `/admin/${'a'.repeat(1000)}`,
    ]) {
      expect(await landing(returnTo(hostile)), JSON.stringify(hostile)).toBe('/staff');
    }
    // Escaped twice, given twice, or not given: the staff home too.
    expect(await landing('?returnTo=%252F%252Fevil.example')).toBe('/staff');
    expect(await landing(`?returnTo=${encodeURIComponent(services)}&returnTo=%2F%2Fevil.example`)).toBe('/staff');
    expect(await landing('')).toBe('/staff');
  });

  it('keeps the way back bound to the sign-in it was started with', async () => {
    await configure();
    const person = await makeStaff(db(), tenant.id);
    const id = account({ email: person.email, groups: ['buergeramt'] });
    const search = `?${new URLSearchParams({ returnTo: `/admin/${slug}/staff` }).toString()}`;
    // The provider's answer to a sign-in started without a way back, with another start's
    // cookie: the state differs, refused as any answer that belongs to another sign-in.
    const plain = await throughProvider(id);
    const other = await throughProvider(id, new Browser(), search);
    const mixed = new Browser();
    mixed.jar(suite.server.url).set('amtsraum_oidc', other.loginCookie);
    // On the sign-in page, still with the way back this browser's own sign-in was started with.
    refusedWith(await mixed.request(plain.callback), 'expired', slug, `/admin/${slug}/staff`);
    expect(mixed.jar(suite.server.url).has('amtsraum_session')).toBe(false);
    // Its own answer comes back to the page.
    expect(new URL((await other.browser.request(other.callback)).location!).pathname).toBe(`/admin/${slug}/staff`);
  });

  it('keeps the page to come back to when the person cancels at the provider, so the next sign-in comes back there', async () => {
    await configure();
    const person = await makeStaff(db(), tenant.id);
    const id = account({ email: person.email, groups: ['buergeramt'] });
    const services = `/admin/${slug}/departments/buergeramt/services?tab=2`;
    const start = (browser: Browser, search: string) =>
      browser.request(`${suite.server.url}/api/auth/oidc/${slug}/start${search}`);
    const cancelled = async (search: string) => {
      const browser = new Browser();
      const started = await start(browser, search);
      const back = new URL(await cancelAt(browser, started.location!, TEST_ORIGIN));
      expect(back.searchParams.get('error')).toBe('access_denied');
      return { browser, refused: await browser.request(`${suite.server.url}${back.pathname}${back.search}`) };
    };

    const { browser, refused } = await cancelled(`?${new URLSearchParams({ returnTo: services }).toString()}`);
    refusedWith(refused, 'failed', slug, services);
    expect(browser.jar(suite.server.url).has('amtsraum_session')).toBe(false);
    expect(browser.jar(suite.server.url).has('amtsraum_oidc')).toBe(false);
    // The sign-in page's button starts the next try with the `returnTo` it was given: back there.
    const again = await start(
      browser,
      `?${new URLSearchParams({ returnTo: new URL(refused.location!).searchParams.get('returnTo')! }).toString()}`,
    );
    const callback = new URL(await signInAt(browser, again.location!, id, TEST_ORIGIN));
    const done = await browser.request(`${suite.server.url}${callback.pathname}${callback.search}`);
    expect(new URL(done.location!).pathname + new URL(done.location!).search).toBe(services);
    expect(await me(browser)).toMatchObject({ staff: { id: person.id } });

    // A hostile way back is dropped at the start and never comes back on the sign-in page.
    for (const hostile of ['//evil.example', '/staff/%2F%2Fevil.example', 'https://evil.example/staff']) {
      refusedWith((await cancelled(`?${new URLSearchParams({ returnTo: hostile }).toString()}`)).refused, 'failed');
    }
    // A start the provider cannot take keeps the way back too.
    await configure({ issuer: 'http://127.0.0.1:9/unreachable' });
    refusedWith(await start(new Browser(), `?returnTo=${encodeURIComponent(services)}`), 'unreachable', slug, services);
    await configure();
  });

  it('closes the console open in another tab when the provider’s groups no longer give its department', async () => {
    await configure({
      roleMapping: [...(settings().roleMapping ?? []), { value: 'kasse', department: 'kasse', role: 'clerk' }],
    });
    // Signed in with a password in one tab, the console of the Bürgeramt open there.
    const { browser: tab, person } = await signedInClerk(db(), client(), tenant.id, [buergeramt.id]);
    const live = await tab.live();
    const watching = live.next('console', (m) => m.snapshot.department.id === buergeramt.id);
    live.send({ type: 'watch-console', departmentId: buergeramt.id });
    await watching;

    // In another, through the town hall's provider, whose groups now give only the Kasse.
    const closed = live.next('console-closed');
    const flow = await throughProvider(account({ email: person.email, groups: ['kasse'] }));
    expect(new URL((await flow.browser.request(flow.callback)).location!).pathname).toBe('/staff');
    expect(await closed).toEqual({ type: 'console-closed', departmentId: buergeramt.id, reason: 'not_a_member' });
    expect(await me(flow.browser)).toMatchObject({ staff: { departments: [{ id: kasse.id, role: 'clerk' }] } });
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'staff.signed_in')));
    expect(audit.filter((event) => event.data.staffId === person.id).map((event) => event.data.rolesLost)).toEqual([
      true,
    ]);
    live.close();
  });

  it('creates an account at the first sign-in when provisioning is on and the groups give a role', async () => {
    await configure({ provisionAccounts: true });
    const email = `neu-${randomBytes(3).toString('hex')}@test.example`;
    const id = account({ email, name: 'Nele Neu', groups: ['buergeramt'] });
    const { browser, callback } = await throughProvider(id);
    expect(new URL((await browser.request(callback)).location!).pathname).toBe('/staff');
    const described = await me(browser);
    expect(described).toMatchObject({
      staff: { name: 'Nele Neu', email, isTenantAdmin: false, departments: [{ id: buergeramt.id, role: 'clerk' }] },
    });
    const [row] = await db().select().from(staff).where(eq(staff.email, email));
    expect(row).toMatchObject({ passwordHash: null, oidcSubject: id, tenantId: tenant.id });
  });

  it("gives an account made at sign-in a name by a person's name's rules, whatever name the provider holds", async () => {
    // A town hall's provider usually lets its people edit their own display name: what it sends is
    // outside input like any other. Citizens read a clerk's name as who admitted them.
    await configure({ provisionAccounts: true });
    const cases: [string, string][] = [
      ['Anna \u202eenilrednI', 'Anna enilrednI'],
      ['Rita\r\nStatus: Leitung', 'Rita Status: Leitung'],
      ['Rita\u0000Rathaus', 'RitaRathaus'],
      ['\u200b\u200b\u200b', ''],
      [`A${'\u0301\u0316\u0302\u0317\u0303\u0318'.repeat(4)}nna`, ''],
      // Cut to 120 characters without splitting the last one (a lone half of an emoji).
      [`${'a'.repeat(119)}😀`, 'a'.repeat(119)],
    ];
    for (const [name, expected] of cases) {
      const email = `name-${randomBytes(3).toString('hex')}@test.example`;
      const { browser, callback } = await throughProvider(account({ email, name, groups: ['buergeramt'] }));
      const answer = await browser.request(callback);
      expect([name, answer.status, new URL(answer.location ?? 'http://x/').pathname]).toEqual([name, 303, '/staff']);
      const [row] = await db().select().from(staff).where(eq(staff.email, email));
      // Nothing readable left: the e-mail address's local part stands in, as without a name.
      expect([name, row?.name]).toEqual([name, expected || email.split('@')[0]]);
    }
  });

  it('treats an e-mail claim that is no address as none', async () => {
    await configure({ provisionAccounts: true });
    for (const email of ['kein-at-zeichen', 'a\u0000b@test.example', `${'x'.repeat(250)}@test.example`]) {
      const flow = await throughProvider(account({ email, groups: ['buergeramt'] }));
      refusedWith(await flow.browser.request(flow.callback), 'no_account');
    }
  });

  it('refuses an unknown person when provisioning is off, and a person whose groups map to nothing', async () => {
    await configure({ provisionAccounts: false });
    const stranger = `fremd-${randomBytes(3).toString('hex')}@test.example`;
    const unknown = await throughProvider(account({ email: stranger, groups: ['buergeramt'] }));
    const refused = await unknown.browser.request(unknown.callback);
    refusedWith(refused, 'no_account');
    expect(unknown.browser.jar(suite.server.url).has('amtsraum_session')).toBe(false);
    expect(await db().select().from(staff).where(eq(staff.email, stranger))).toEqual([]);

    await configure({ provisionAccounts: true });
    const person = await makeStaff(db(), tenant.id, { memberships: [{ departmentId: kasse.id, role: 'clerk' }] });
    const unmapped = await throughProvider(account({ email: person.email, groups: ['kantine'] }));
    refusedWith(await unmapped.browser.request(unmapped.callback), 'unmapped');
    expect(unmapped.browser.jar(suite.server.url).has('amtsraum_session')).toBe(false);
    // Refusing changes nothing: not linked, roles as they were.
    const [row] = await db().select().from(staff).where(eq(staff.id, person.id));
    expect(row!.oidcSubject).toBeNull();
    const memberships = await db().select().from(staffMemberships).where(eq(staffMemberships.staffId, person.id));
    expect(memberships.map((m) => m.departmentId)).toEqual([kasse.id]);
    const refusals = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'staff.sign_in_refused')));
    expect(refusals.map((event) => event.data.reason)).toEqual(expect.arrayContaining(['no_account', 'unmapped']));
  });

  it('refuses a deactivated account', async () => {
    await configure();
    const person = await makeStaff(db(), tenant.id, { values: { active: false } });
    const flow = await throughProvider(account({ email: person.email, groups: ['buergeramt'] }));
    refusedWith(await flow.browser.request(flow.callback), 'deactivated');
  });

  it("never signs in the installation's admin: the municipality's admin runs the provider and could name their e-mail", async () => {
    // The municipality's provider, chosen by its admin, names the IT account's e-mail as verified.
    await configure({ provisionAccounts: true });
    const installer = await makeStaff(db(), tenant.id, { values: { isTenantAdmin: true, isInstallationAdmin: true } });
    const flow = await throughProvider(account({ email: installer.email, groups: ['it-admins'] }));
    refusedWith(await flow.browser.request(flow.callback), 'installation_admin');
    expect(flow.browser.jar(suite.server.url).has('amtsraum_session')).toBe(false);
    expect((await flow.browser.request(`${suite.server.url}/api/admin/installation/tenants`)).status).toBe(401);
    // Not linked: a later sign-in by the provider's subject finds nothing of it either.
    const [row] = await db().select().from(staff).where(eq(staff.id, installer.id));
    expect(row).toMatchObject({ oidcIssuer: null, oidcSubject: null, isTenantAdmin: true, isInstallationAdmin: true });
    const refusals = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'staff.sign_in_refused')));
    expect(refusals.filter((event) => event.data.staffId === installer.id).map((event) => event.data)).toEqual([
      { method: 'oidc', reason: 'installation_admin', staffId: installer.id },
    ]);
  });

  it('refuses a wrong state, a replayed code and an expired login cookie', async () => {
    await configure();
    const person = await makeStaff(db(), tenant.id);
    const id = account({ email: person.email, groups: ['buergeramt'] });

    // Wrong state: the answer belongs to another sign-in (or was forged).
    const forged = await throughProvider(id);
    const wrongState = new URL(forged.callback);
    wrongState.searchParams.set('state', 'someone-elses-state');
    refusedWith(await forged.browser.request(wrongState.href), 'expired');
    expect(forged.browser.jar(suite.server.url).has('amtsraum_session')).toBe(false);

    // A replayed code: the provider answers it once; a second try with the same cookie fails.
    const first = await throughProvider(id);
    expect((await first.browser.request(first.callback)).status).toBe(303);
    expect(await me(first.browser)).toMatchObject({ staff: { id: person.id } });
    const replay = new Browser();
    replay.jar(suite.server.url).set('amtsraum_oidc', first.loginCookie);
    refusedWith(await replay.request(first.callback), 'failed');
    expect(replay.jar(suite.server.url).has('amtsraum_session')).toBe(false);

    // The login cookie lives ten minutes.
    const slow = await throughProvider(id);
    clock.jump(11 * 60_000);
    try {
      refusedWith(await slow.browser.request(slow.callback), 'expired');
    } finally {
      clock.jump(-11 * 60_000);
    }
    // Without the cookie (another browser) it is the same.
    const elsewhere = await throughProvider(id);
    refusedWith(await new Browser().request(elsewhere.callback), 'expired');
  });

  it('refuses a flood of forged answers after thirty, writing no audit event each, and counts no sign-in that worked', async () => {
    await configure();
    const person = await makeStaff(db(), tenant.id);
    const id = account({ email: person.email, groups: ['buergeramt'] });
    const refusals = async () =>
      (
        await db()
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'staff.sign_in_refused')))
      ).length;
    const before = await refusals();
    // No cookie, no provider: one GET per forged answer, each once an audit event.
    const flooder = new Browser({ 'x-forwarded-for': '203.0.113.71' });
    const forged = (n: number) => `${suite.server.url}/api/auth/oidc/${slug}/callback?state=s${String(n)}&code=c`;
    for (let i = 0; i < 30; i++) refusedWith(await flooder.request(forged(i)), 'expired');
    refusedWith(await flooder.request(forged(30)), 'too_many_tries');
    refusedWith(await flooder.request(`${suite.server.url}/api/auth/oidc/${slug}/start`), 'too_many_tries');
    expect(await refusals()).toBe(before + 30);

    // A clerk behind one address: the sign-ins that work give their counts back, failures add up.
    const office = new Browser({ 'x-forwarded-for': '203.0.113.72' });
    for (let i = 0; i < 29; i++) refusedWith(await office.request(forged(i)), 'expired');
    const flow = await throughProvider(id, office);
    expect((await office.request(flow.callback)).status).toBe(303);
    expect(await me(office)).toMatchObject({ staff: { id: person.id } });
    refusedWith(await new Browser({ 'x-forwarded-for': '203.0.113.72' }).request(forged(29)), 'expired');
    refusedWith(await new Browser({ 'x-forwarded-for': '203.0.113.72' }).request(forged(30)), 'too_many_tries');
  });

  it('offers the button only for a municipality with an enabled provider', async () => {
    await configure({ enabled: true });
    const options = SignInOptionsSchema.parse((await client().get(`/api/auth/oidc/${slug}`)).json);
    expect(options.identityProvider).toEqual({
      label: { de: 'Rathaus-Konto', en: 'town hall account' },
      startUrl: `/api/auth/oidc/${slug}/start`,
    });
    const other = await makeTenant(db());
    expect(SignInOptionsSchema.parse((await client().get(`/api/auth/oidc/${other.slug}`)).json)).toEqual({
      identityProvider: null,
    });
    const browser = new Browser();
    refusedWith(
      await browser.request(`${suite.server.url}/api/auth/oidc/${other.slug}/start`),
      'unavailable',
      other.slug,
    );
    await configure({ enabled: false });
    expect(SignInOptionsSchema.parse((await client().get(`/api/auth/oidc/${slug}`)).json).identityProvider).toBeNull();
    await configure();
  });

  it('audits forged answers up to a limit per municipality, however many addresses send them', async () => {
    await configure();
    // A fresh window for the municipality's count (earlier tests refused sign-ins too).
    clock.jump(OIDC_REFUSAL_AUDIT_LIMIT.windowMs + 60_000);
    try {
      const refusals = async () =>
        (
          await db()
            .select()
            .from(auditEvents)
            .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'staff.sign_in_refused')))
        ).length;
      const before = await refusals();
      const forged = (n: number) => `${suite.server.url}/api/auth/oidc/${slug}/callback?state=n${String(n)}&code=c`;
      // Thirty from each address, as the address limit allows, from more addresses than the limit needs.
      const addresses = Math.ceil(OIDC_REFUSAL_AUDIT_LIMIT.max / 30) + 1;
      for (let a = 0; a < addresses; a++) {
        const flooder = new Browser({ 'x-forwarded-for': `2001:db8:${String(a + 1)}::7` });
        for (let i = 0; i < 30; i++) refusedWith(await flooder.request(forged(i)), 'expired');
      }
      expect(addresses * 30).toBeGreaterThan(OIDC_REFUSAL_AUDIT_LIMIT.max);
      expect((await refusals()) - before).toBe(OIDC_REFUSAL_AUDIT_LIMIT.max);

      // A refusal that names an account is written down still.
      const person = await makeStaff(db(), tenant.id);
      const flow = await throughProvider(
        account({ email: person.email, groups: ['keine-rolle'] }),
        new Browser({ 'x-forwarded-for': '203.0.113.99' }),
      );
      refusedWith(await flow.browser.request(flow.callback), 'unmapped');
      const named = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'staff.sign_in_refused')));
      expect(named.filter((event) => event.data.staffId === person.id).map((event) => event.data.reason)).toEqual([
        'unmapped',
      ]);
    } finally {
      clock.jump(-(OIDC_REFUSAL_AUDIT_LIMIT.windowMs + 60_000));
    }
  });
});

describe.each(databaseKinds)('the municipality’s identity provider settings on %s', (kind) => {
  // The installation's default policy (decision 026): https and public addresses only.
  const suite = useTestServer(kind, { env: { OIDC_ALLOW_INTERNAL_PROVIDERS: 'false' } });
  const { client, db } = suite;

  const input = (overrides: Partial<IdentityProviderInput> = {}): IdentityProviderInput => ({
    issuer: 'https://login.rathaus.example/realms/stadt',
    clientId: 'amtsraum',
    clientSecret: 'geheim-und-lang',
    label: { de: 'Rathaus-Konto' },
    roleMapping: [{ value: 'it', tenantAdmin: true }],
    ...overrides,
  });

  it('saves the settings with the secret sealed and never returned, audits by field names, and deletes them', async () => {
    const tenant = await makeTenant(db());
    await makeDepartment(db(), tenant.id, { slug: 'standesamt' });
    const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const path = `/api/admin/tenants/${tenant.slug}/identity-provider`;
    // Before the first save: no settings, but the redirect URI to register with the provider.
    expect(IdentityProviderSettingsSchema.parse((await browser.get(path)).json)).toEqual({
      redirectUri: `${TEST_ORIGIN}/api/auth/oidc/${tenant.slug}/callback`,
      provider: null,
    });

    const created = await browser.put(path, input());
    expect(created.status).toBe(200);
    const described = IdentityProviderSchema.parse(created.json);
    expect(described).toMatchObject({
      hasClientSecret: true,
      scopes: 'openid email profile',
      roleClaim: 'groups',
      provisionAccounts: false,
      redirectUri: `${TEST_ORIGIN}/api/auth/oidc/${tenant.slug}/callback`,
    });
    expect(JSON.stringify(created.json)).not.toContain('geheim');
    const [row] = await db()
      .select()
      .from(tenantIdentityProviders)
      .where(eq(tenantIdentityProviders.tenantId, tenant.id));
    expect(row!.clientSecretSealed).not.toContain('geheim');

    // Left out, the secret stays; the audit names the changed fields only.
    const changed = await browser.put(path, {
      ...input({ roleMapping: [{ value: 'standesamt', department: 'standesamt', role: 'admin' }] }),
      clientSecret: undefined,
    });
    expect(IdentityProviderSchema.parse(changed.json).hasClientSecret).toBe(true);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.tenantId, tenant.id))
      .orderBy(auditEvents.createdAt);
    expect(audit.map((event) => [event.action, event.data])).toEqual([
      ['identity_provider.created', expect.objectContaining({})],
      ['identity_provider.updated', { fields: 'roleMapping' }],
    ]);

    const read = IdentityProviderSettingsSchema.parse((await browser.get(path)).json);
    expect(read.provider).toEqual(IdentityProviderSchema.parse(changed.json));

    expect((await browser.request('DELETE', path)).status).toBe(204);
    expect(IdentityProviderSettingsSchema.parse((await browser.get(path)).json).provider).toBeNull();
    expect((await browser.request('DELETE', path)).status).toBe(404);
    const [deleted] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'identity_provider.deleted')));
    expect(deleted).toBeDefined();
  });

  it('refuses bad settings with field errors in the user’s language and changes nothing', async () => {
    const tenant = await makeTenant(db());
    const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const path = `/api/admin/tenants/${tenant.slug}/identity-provider`;
    const plain = await browser.put(path, input({ issuer: 'http://login.rathaus.example' }));
    expect(plain.status).toBe(400);
    expect(plain.json.errors).toEqual([{ path: 'issuer', message: 'Der Issuer muss eine https-Adresse sein.' }]);
    const unknownDepartment = await browser.request(
      'PUT',
      path,
      input({ roleMapping: [{ value: 'x', department: 'gibt-es-nicht', role: 'clerk' }] }),
      { 'accept-language': 'en' },
    );
    expect(unknownDepartment.json.errors).toEqual([
      { path: 'roleMapping.0.department', message: 'This department does not exist in the municipality.' },
    ]);
    const noRole = await browser.put(path, input({ roleMapping: [{ value: 'x' }], scopes: 'email' }));
    expect(noRole.json.errors.map((error: { path: string }) => error.path).sort()).toEqual(['roleMapping.0', 'scopes']);
    expect(IdentityProviderSettingsSchema.parse((await browser.get(path)).json).provider).toBeNull();
  });

  it('is for the municipality’s own admins only', async () => {
    const tenant = await makeTenant(db());
    const department = await makeDepartment(db(), tenant.id);
    const path = `/api/admin/tenants/${tenant.slug}/identity-provider`;
    const { browser: foreign } = await signedInAdmin(db(), client(), (await makeTenant(db())).id, {
      values: { isTenantAdmin: true },
    });
    const { browser: departmentAdmin } = await signedInAdmin(db(), client(), tenant.id, {
      memberships: [{ departmentId: department.id, role: 'admin' }],
    });
    const { browser: clerk } = await signedInClerk(db(), client(), tenant.id, [department.id]);
    for (const browser of [foreign, departmentAdmin, clerk]) {
      const answer = await browser.put(path, input());
      expect(answer.status).toBe(403);
    }
    expect((await client().put(path, input())).status).toBe(401);
    expect(
      await db().select().from(tenantIdentityProviders).where(eq(tenantIdentityProviders.tenantId, tenant.id)),
    ).toEqual([]);
  });
});
