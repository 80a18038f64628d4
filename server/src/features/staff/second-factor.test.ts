import { SecondFactorSetupSchema, StaffMeSchema } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, staff } from '../../db/schema.js';
import { seal, TOTP_PURPOSE } from '../../lib/secret-box.js';
import { totpCode, totpStep } from '../../lib/totp.js';
import { settableClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeStaff, makeTenant, signedInAdmin } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';

const NOW = new Date('2026-11-23T09:00:00Z');

describe.each(databaseKinds)('second factor (TOTP) on %s', (kind) => {
  const clock = settableClock(NOW);
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;
  beforeEach(() => clock.reset());

  const codeAt = (secret: string, offsetSteps = 0) => totpCode(secret, totpStep(clock.now()) + offsetSteps);

  /** A municipality admin with a password only (no authenticator yet), signed in. */
  async function freshAdmin() {
    const tenant = await makeTenant(db());
    const person = await makeStaff(db(), tenant.id, { values: { isTenantAdmin: true } });
    const browser = client();
    expect((await browser.post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(
      200,
    );
    return { tenant, person, browser };
  }

  const adminPath = (slug: string, staffId: string) =>
    `/api/admin/tenants/${slug}/staff/${staffId}/second-factor/reset`;

  it('sets up an authenticator: unconfirmed until a right code, which also proves the session', async () => {
    const { tenant, person, browser } = await freshAdmin();
    // The admin area refuses a password-only session.
    expect((await browser.post(adminPath(tenant.slug, person.id))).json.code).toBe('second_factor_required');

    const setup = SecondFactorSetupSchema.parse(
      (await browser.post('/api/staff/second-factor/setup', { password: person.password })).json,
    );
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.otpauthUri).toContain(`secret=${setup.secret}`);
    expect(setup.otpauthUri).toContain(encodeURIComponent(person.email));
    const [stored] = await db().select().from(staff).where(eq(staff.id, person.id));
    expect(stored!.totpSecretSealed).not.toContain(setup.secret);
    expect(stored!.totpConfirmedAt).toBeNull();

    // Unconfirmed: the step-up does not accept it yet, and /me says not enrolled.
    const early = await browser.post('/api/staff/second-factor', { code: codeAt(setup.secret) });
    expect(early.json.code).toBe('second_factor_required');
    expect(StaffMeSchema.parse((await browser.get('/api/staff/me')).json).staff.secondFactor).toEqual({
      enrolled: false,
      proved: false,
    });

    const wrong = await browser.post('/api/staff/second-factor/confirm', { code: codeAt(setup.secret, 5) });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('second_factor_invalid');
    const notDigits = await browser.post('/api/staff/second-factor/confirm', { code: '12ab56' });
    expect(notDigits.status).toBe(400);
    expect(notDigits.json.errors[0].message).toBe('Bitte geben Sie die sechs Ziffern aus Ihrer Authenticator-App ein.');

    const confirmed = await browser.post('/api/staff/second-factor/confirm', { code: codeAt(setup.secret) });
    expect(confirmed.status).toBe(200);
    expect(StaffMeSchema.parse(confirmed.json).staff.secondFactor).toEqual({ enrolled: true, proved: true });
    expect(StaffMeSchema.parse((await browser.get('/api/staff/me')).json).staff.secondFactor.proved).toBe(true);
    // The admin area now lets the session in (resetting a stranger is refused by role, not by factor).
    const other = await makeStaff(db(), (await makeTenant(db())).id);
    expect((await browser.post(adminPath(tenant.slug, other.id))).json.code).toBe('forbidden');

    // Confirming again does nothing: nothing is being set up any more.
    expect((await browser.post('/api/staff/second-factor/confirm', { code: codeAt(setup.secret, 1) })).status).toBe(
      401,
    );
  });

  it('asks a session signed in with the password alone for the password before a first authenticator', async () => {
    // A desk left signed in: whoever sits there has the session, not the password. With the
    // session alone they enrolled their own phone, and its first code let them into the
    // administration, which a password-only session may not enter.
    const { tenant, person, browser } = await freshAdmin();
    const missing = await browser.request('POST', '/api/staff/second-factor/setup', {}, { 'accept-language': 'en' });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ path: 'password', message: 'Please enter your password.' }]);
    const wrong = await browser.post('/api/staff/second-factor/setup', { password: 'geraten' });
    expect(wrong.json.code).toBe('invalid_credentials');
    const [untouched] = await db().select().from(staff).where(eq(staff.id, person.id));
    expect(untouched!.totpSecretSealed).toBeNull();
    expect((await browser.post(adminPath(tenant.slug, person.id))).json.code).toBe('second_factor_required');

    // Guessed like a code: five wrong passwords, then even the right one waits.
    for (let i = 0; i < 4; i++) await browser.post('/api/staff/second-factor/setup', { password: `geraten ${i}` });
    const locked = await browser.post('/api/staff/second-factor/setup', { password: person.password });
    expect([locked.status, locked.json.code]).toEqual([429, 'rate_limited']);
    clock.set(new Date(NOW.getTime() + 16 * 60_000));
    expect((await browser.post('/api/staff/second-factor/setup', { password: person.password })).status).toBe(200);
  });

  it('refuses a replayed code and the code of another person when stepping up', async () => {
    const tenant = await makeTenant(db());
    const { person } = await signedInAdmin(db(), client(), tenant.id, { now: clock.now() });
    const { person: someoneElse } = await signedInAdmin(db(), client(), tenant.id, { now: clock.now() });

    // signedInAdmin used this step's code: a second session cannot use it again.
    const second = client();
    await second.post('/api/staff/login', { email: person.email, password: person.password });
    const replayed = await second.post('/api/staff/second-factor', { code: codeAt(person.totpSecret) });
    expect(replayed.status).toBe(401);
    expect(replayed.json.code).toBe('second_factor_invalid');
    // A code from another person's app, fresh for them, is no code of this person.
    const foreign = await second.post('/api/staff/second-factor', { code: codeAt(someoneElse.totpSecret, 1) });
    expect(foreign.json.code).toBe('second_factor_invalid');
    expect(StaffMeSchema.parse((await second.get('/api/staff/me')).json).staff.secondFactor.proved).toBe(false);

    // The next step's code works, once.
    clock.set(new Date(NOW.getTime() + 30_000));
    expect((await second.post('/api/staff/second-factor', { code: codeAt(person.totpSecret) })).status).toBe(200);
    const third = client();
    await third.post('/api/staff/login', { email: person.email, password: person.password });
    expect((await third.post('/api/staff/second-factor', { code: codeAt(person.totpSecret) })).status).toBe(401);
  });

  it('allows five wrong codes per account, then refuses even a right one for a while', async () => {
    const { browser, person } = await freshAdmin();
    const setup = SecondFactorSetupSchema.parse(
      (await browser.post('/api/staff/second-factor/setup', { password: person.password })).json,
    );
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await browser.post('/api/staff/second-factor/confirm', { code: codeAt(setup.secret, 7 + i) })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = await browser.post('/api/staff/second-factor/confirm', { code: codeAt(setup.secret) });
    expect(blocked.status).toBe(429);
    // The limit is the account's, not the session's or the address's.
    const elsewhere = client();
    await elsewhere.post('/api/staff/login', { email: person.email, password: person.password });
    expect((await elsewhere.post('/api/staff/second-factor/confirm', { code: codeAt(setup.secret) })).status).toBe(429);
    const [after] = await db().select().from(staff).where(eq(staff.id, person.id));
    expect(after!.totpConfirmedAt).toBeNull();
  });

  it('replaces a confirmed authenticator only from a proved session with the current password', async () => {
    const tenant = await makeTenant(db());
    const { browser, person } = await signedInAdmin(db(), client(), tenant.id, { now: clock.now() });

    const passwordOnly = client();
    await passwordOnly.post('/api/staff/login', { email: person.email, password: person.password });
    const stolen = await passwordOnly.post('/api/staff/second-factor/setup', { password: person.password });
    expect(stolen.json.code).toBe('second_factor_required');

    const missing = await browser.post('/api/staff/second-factor/setup', {});
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ path: 'password', message: 'Bitte geben Sie Ihr Passwort ein.' }]);
    expect((await browser.post('/api/staff/second-factor/setup', { password: 'falsch' })).json.code).toBe(
      'invalid_credentials',
    );
    const [unchanged] = await db().select().from(staff).where(eq(staff.id, person.id));
    expect(unchanged!.totpConfirmedAt).not.toBeNull();

    const setup = SecondFactorSetupSchema.parse(
      (await browser.post('/api/staff/second-factor/setup', { password: person.password })).json,
    );
    expect(setup.secret).not.toBe(person.totpSecret);
    clock.set(new Date(NOW.getTime() + 30_000));
    // The old app's codes are gone with it.
    expect((await browser.post('/api/staff/second-factor/confirm', { code: codeAt(person.totpSecret) })).status).toBe(
      401,
    );
    expect((await browser.post('/api/staff/second-factor/confirm', { code: codeAt(setup.secret) })).status).toBe(200);
  });

  it("takes the old app's proof from the person's other sessions when they replace it", async () => {
    // A phone lost with the password known to its finder: the person replaces the app on the
    // security page. A session the finder proved with the old app kept the administration, as an
    // admin's reset (which ends every session) would not have let it.
    const tenant = await makeTenant(db());
    const { browser, person } = await signedInAdmin(db(), client(), tenant.id, {
      now: clock.now(),
      values: { isTenantAdmin: true },
    });
    const staffList = `/api/admin/tenants/${tenant.slug}/staff`;
    const elsewhere = client();
    await elsewhere.post('/api/staff/login', { email: person.email, password: person.password });
    clock.set(new Date(NOW.getTime() + 30_000));
    expect((await elsewhere.post('/api/staff/second-factor', { code: codeAt(person.totpSecret) })).status).toBe(200);
    expect((await elsewhere.get(staffList)).status).toBe(200);

    const setup = SecondFactorSetupSchema.parse(
      (await browser.post('/api/staff/second-factor/setup', { password: person.password })).json,
    );
    const refused = await elsewhere.request('GET', staffList, undefined, { 'accept-language': 'en' });
    expect([refused.status, refused.json.code]).toEqual([403, 'second_factor_required']);
    // The console goes on there; only the proof is gone.
    expect(StaffMeSchema.parse((await elsewhere.get('/api/staff/me')).json).staff.secondFactor.proved).toBe(false);
    // The person's own session, proved and with the password just typed, goes on.
    expect((await browser.get(staffList)).status).toBe(200);

    clock.set(new Date(NOW.getTime() + 60_000));
    expect((await browser.post('/api/staff/second-factor/confirm', { code: codeAt(setup.secret) })).status).toBe(200);
    // The old app's code proves nothing any more; the new one's does.
    expect((await elsewhere.post('/api/staff/second-factor', { code: codeAt(person.totpSecret) })).status).toBe(401);
    clock.set(new Date(NOW.getTime() + 90_000));
    expect((await elsewhere.post('/api/staff/second-factor', { code: codeAt(setup.secret) })).status).toBe(200);
    expect((await elsewhere.get(staffList)).status).toBe(200);
  });

  it('after SESSION_SECRET was changed, lets each person set up an authenticator again as at the first sign-in', async () => {
    // Found by walking the installation: a changed secret opens no sealed authenticator, so every
    // code was refused and setting up a new one asked for one: every admin was locked out, though
    // infra/.env.example says each authenticator is set up again.
    const tenant = await makeTenant(db());
    const { person } = await signedInAdmin(db(), client(), tenant.id, { now: clock.now() });
    const earlier = seal('an-earlier-session-secret-of-32-characters', TOTP_PURPOSE, person.totpSecret);
    await db().update(staff).set({ totpSecretSealed: earlier }).where(eq(staff.id, person.id));

    const browser = client();
    await browser.post('/api/staff/login', { email: person.email, password: person.password });
    expect(StaffMeSchema.parse((await browser.get('/api/staff/me')).json).staff.secondFactor).toEqual({
      enrolled: false,
      proved: false,
    });
    // The old app's code proves nothing and is not counted as a wrong guess: set one up.
    const old = await browser.post('/api/staff/second-factor', { code: codeAt(person.totpSecret) });
    expect(old.json.code).toBe('second_factor_required');
    const setup = SecondFactorSetupSchema.parse(
      (await browser.post('/api/staff/second-factor/setup', { password: person.password })).json,
    );
    const confirmed = await browser.post('/api/staff/second-factor/confirm', { code: codeAt(setup.secret) });
    expect(StaffMeSchema.parse(confirmed.json).staff.secondFactor).toEqual({ enrolled: true, proved: true });
  });

  it('lets a municipality admin reset the authenticator of their own staff, ending their sessions', async () => {
    const tenant = await makeTenant(db());
    const { browser: admin, person: adminPerson } = await signedInAdmin(db(), client(), tenant.id, {
      now: clock.now(),
      values: { isTenantAdmin: true },
    });
    const { browser: lostPhone, person } = await signedInAdmin(db(), client(), tenant.id, { now: clock.now() });
    expect((await lostPhone.get('/api/staff/me')).status).toBe(200);

    expect((await admin.post(adminPath(tenant.slug, person.id))).status).toBe(204);
    expect((await lostPhone.get('/api/staff/me')).status).toBe(401);
    const [row] = await db().select().from(staff).where(eq(staff.id, person.id));
    expect(row).toMatchObject({ totpSecretSealed: null, totpConfirmedAt: null, totpLastStep: null });
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'staff.second_factor_reset')));
    expect(audit).toEqual([
      expect.objectContaining({ actorStaffId: adminPerson.id, actorKind: 'staff', data: { staffId: person.id } }),
    ]);

    // Signed in again with the password, the person sets up a new app with that password.
    const again = client();
    await again.post('/api/staff/login', { email: person.email, password: person.password });
    expect((await again.post('/api/staff/second-factor/setup', { password: person.password })).status).toBe(200);
  });

  it("refuses an admin's reset of their own authenticator, which would leave the password alone to enrol a new one", async () => {
    const tenant = await makeTenant(db());
    const { browser: admin, person } = await signedInAdmin(db(), client(), tenant.id, {
      now: clock.now(),
      values: { isTenantAdmin: true },
    });

    const own = await admin.post(adminPath(tenant.slug, person.id));
    expect(own.status).toBe(403);
    expect(own.json).toMatchObject({ code: 'forbidden', reason: 'lock_out' });
    expect(own.json.detail).toBeUndefined();
    expect(own.json.errors).toEqual([
      {
        path: 'staffId',
        message:
          'Nicht für Ihr eigenes Konto: Eine neue Authenticator-App richten Sie selbst unter „Sicherheit“ ein, mit Ihrem Passwort.',
      },
    ]);
    const ownEn = await admin.request('POST', adminPath(tenant.slug, person.id), undefined, {
      'accept-language': 'en',
    });
    expect(ownEn.json.errors).toEqual([
      {
        path: 'staffId',
        message:
          'Not for your own account: set up a new authenticator app yourself under “Security”, with your password.',
      },
    ]);

    // Nothing changed: the factor stays, the session lives on, nothing is audited.
    expect((await admin.get('/api/staff/me')).status).toBe(200);
    const [row] = await db().select().from(staff).where(eq(staff.id, person.id));
    expect(row!.totpConfirmedAt).not.toBeNull();
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'staff.second_factor_reset')));
    expect(audit).toEqual([]);
  });

  it('refuses the reset to admins of another municipality, clerks, department admins and password-only sessions', async () => {
    const tenant = await makeTenant(db());
    const { person } = await signedInAdmin(db(), client(), tenant.id, { now: clock.now() });
    const elsewhere = await makeTenant(db());
    const { browser: foreignAdmin } = await signedInAdmin(db(), client(), elsewhere.id, {
      now: clock.now(),
      values: { isTenantAdmin: true },
    });
    const { browser: colleague } = await signedInAdmin(db(), client(), tenant.id, { now: clock.now() });

    // Their own municipality's path with someone else's staff, and the other municipality's path.
    expect((await foreignAdmin.post(adminPath(elsewhere.slug, person.id))).json.code).toBe('forbidden');
    expect((await foreignAdmin.post(adminPath(tenant.slug, person.id))).json.code).toBe('forbidden');
    expect((await foreignAdmin.post(adminPath(elsewhere.slug, 'not-an-id'))).json.code).toBe('forbidden');
    expect((await colleague.post(adminPath(tenant.slug, person.id))).json.code).toBe('forbidden');
    const department = await makeDepartment(db(), tenant.id);
    const { browser: departmentAdmin } = await signedInAdmin(db(), client(), tenant.id, {
      now: clock.now(),
      memberships: [{ departmentId: department.id, role: 'admin' }],
    });
    expect((await departmentAdmin.post(adminPath(tenant.slug, person.id))).json.code).toBe('forbidden');
    const { person: tenantAdmin } = await signedInAdmin(db(), client(), tenant.id, {
      now: clock.now(),
      values: { isTenantAdmin: true },
    });
    const passwordOnly = client();
    await passwordOnly.post('/api/staff/login', { email: tenantAdmin.email, password: tenantAdmin.password });
    expect((await passwordOnly.post(adminPath(tenant.slug, person.id))).json.code).toBe('second_factor_required');
    expect((await client().post(adminPath(tenant.slug, person.id))).status).toBe(401);

    const [row] = await db().select().from(staff).where(eq(staff.id, person.id));
    expect(row!.totpConfirmedAt).not.toBeNull();
  });
});
