import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { ProblemSchema } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { auditEvents, departments, staff, staffTokens } from '../../db/schema.js';
import { mailsTo } from '../../test/booking-factories.js';
import { settableClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeStaff, makeTenant, signedInAdmin, signedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { hashToken } from '../staff/auth.service.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const GOOD_PASSWORD = 'ein langes Passwort 42';

/**
 * `answers`, which must come while the test holds what they would wait for; the bound is only
 * there so that a test whose answer waits fails instead of hanging.
 */
async function answeredWhileHeld<T>(answers: Promise<T>): Promise<T> {
  let bound: ReturnType<typeof setTimeout> | undefined;
  const held = new Promise<never>((_resolve, reject) => {
    bound = setTimeout(() => reject(new Error('the answer waited for the writes')), 10_000);
  });
  try {
    return await Promise.race([answers, held]);
  } finally {
    clearTimeout(bound);
  }
}

/** An answer's headers but those every answer has its own of (its time and its request's id). */
const headersOf = (headers: Headers) =>
  Object.fromEntries([...headers].filter(([name]) => name !== 'date' && name !== 'x-request-id'));

const email = (name = 'person') => `${name}-${randomBytes(4).toString('hex')}@test.example`;

/** The token of the newest staff link mail to `to`, as the set-password page reads it from the fragment. */
async function linkTokenFor(db: Parameters<typeof mailsTo>[0], to: string) {
  const mails = await mailsTo(db, to);
  const last = mails.at(-1);
  if (!last) throw new Error(`no mail to ${to}`);
  const match = /\/staff\/password#([A-Za-z0-9_-]{43})/.exec(last.text);
  if (!match) throw new Error('no set-password link in the mail');
  return { token: match[1]!, mail: last, count: mails.length };
}

describe.each(databaseKinds)('staff accounts on %s', (kind) => {
  const clock = settableClock(NOW);
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;
  /** A reset request's link and mail are written after its answer: done once this resolves. */
  const resetsWritten = () => suite.server.deps.afterAnswer.settled();

  /** A municipality with two departments and its admin, signed in with the second factor. */
  async function municipality() {
    clock.reset();
    const tenant = await makeTenant(db());
    const department = await makeDepartment(db(), tenant.id);
    const other = await makeDepartment(db(), tenant.id);
    const { browser: admin, person } = await signedInAdmin(db(), client(), tenant.id, {
      values: { isTenantAdmin: true },
      now: clock.now(),
    });
    const base = `/api/admin/tenants/${tenant.slug}/staff`;
    const invite = (body: Record<string, unknown>) =>
      admin.post(base, { name: 'Neue Kollegin', languages: ['de'], isTenantAdmin: false, roles: [], ...body });
    return { tenant, department, other, admin, person, base, invite };
  }

  it('invites by e-mail with a single-use link in the fragment that sets the password and signs in', async () => {
    const { department, invite, base, admin, tenant } = await municipality();
    const address = email('neu');
    const invited = await invite({
      email: address.toUpperCase(),
      languages: ['en', 'tr'],
      roles: [{ departmentId: department.id, role: 'clerk' }],
    });
    expect(invited.status).toBe(201);
    expect(invited.json.staff).toMatchObject({ email: address, status: 'invited', roles: [{ role: 'clerk' }] });
    const staffId = invited.json.staff.id as string;

    const { token, mail } = await linkTokenFor(db(), address);
    expect(mail.kind).toBe('staff.invite');
    // English: the person speaks English and not German.
    expect(mail.subject).toMatch(/Your account/);
    expect(mail.text).toContain(`/staff/password#${token}`);
    // Only the hash is stored.
    const [stored] = await db().select().from(staffTokens).where(eq(staffTokens.staffId, staffId));
    expect(stored!.tokenHash).toBe(hashToken(token));
    expect(stored!.tokenHash).not.toContain(token);
    expect(stored!.expiresAt.getTime() - NOW.getTime()).toBe(7 * 24 * 60 * 60 * 1000);

    // The invited account cannot sign in before it has a password.
    expect((await client().post('/api/staff/login', { email: address, password: '' })).status).toBe(400);

    const invitee = client();
    const short = await invitee.post('/api/staff/password', { token, password: 'kurz' });
    expect(short.status).toBe(400);
    expect(short.json.errors[0].path).toBe('password');
    const asEmail = await invitee.post('/api/staff/password', { token, password: address.toUpperCase() });
    expect(asEmail.status).toBe(400);
    expect(asEmail.json.errors[0].path).toBe('password');

    const set = await invitee.post('/api/staff/password', { token, password: GOOD_PASSWORD });
    expect(set.status).toBe(200);
    expect(set.json.staff).toMatchObject({ id: staffId, secondFactor: { proved: false } });
    expect((await invitee.get('/api/staff/me')).status).toBe(200);
    // Signed in with the password alone: administration asks for the second factor.
    expect((await invitee.get(`/api/admin/tenants/${tenant.slug}/staff`)).status).toBe(403);

    const again = await client().post('/api/staff/password', { token, password: 'noch ein anderes Passwort' });
    expect(again.status).toBe(404);
    expect(again.json.code).toBe('link_invalid');
    expect((await client().post('/api/staff/login', { email: address, password: GOOD_PASSWORD })).status).toBe(200);

    const list = await admin.get(base);
    expect(list.json.staff.find((m: { id: string }) => m.id === staffId).status).toBe('active');
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.tenantId, tenant.id));
    expect(audit.map((row) => row.action)).toEqual(expect.arrayContaining(['staff.invited', 'staff.password_set']));
    expect(JSON.stringify(audit.map((row) => row.data))).not.toContain(address);
  });

  it('voids an older link with a newer one, refuses expired and foreign tokens, and lets a link work once when used twice at once', async () => {
    const { invite, base, admin } = await municipality();
    const address = email();
    const staffId = (await invite({ email: address })).json.staff.id as string;
    const first = await linkTokenFor(db(), address);
    expect((await admin.post(`${base}/${staffId}/invitation`)).status).toBe(202);
    const second = await linkTokenFor(db(), address);
    expect(second.token).not.toBe(first.token);
    const old = await client().post('/api/staff/password', { token: first.token, password: GOOD_PASSWORD });
    expect(old.json.code).toBe('link_invalid');

    // Some other token (an appointment's or a session's, say) is no link of this kind.
    const foreign = await client().post('/api/staff/password', {
      token: randomBytes(32).toString('base64url'),
      password: GOOD_PASSWORD,
    });
    expect(foreign.json.code).toBe('link_invalid');

    // Twice at once: exactly one wins.
    const answers = await Promise.all(
      [client(), client()].map((browser) =>
        browser.post('/api/staff/password', { token: second.token, password: GOOD_PASSWORD }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 404]);
    // The password is set: there is nobody to invite, and the answer says so (not "reload").
    const active = await admin.post(`${base}/${staffId}/invitation`);
    expect(active.status).toBe(409);
    expect(active.json).toMatchObject({ code: 'staff_already_active' });
    expect(active.json.title).toMatch(/^Dieses Konto ist bereits aktiv/);

    // A week and a bit later a fresh invitation has expired.
    const later = email();
    await invite({ email: later });
    const stale = await linkTokenFor(db(), later);
    clock.set(new Date(NOW.getTime() + 7 * 24 * 60 * 60 * 1000 + 1000));
    const expired = await client().post('/api/staff/password', { token: stale.token, password: GOOD_PASSWORD });
    expect(expired.status).toBe(410);
    expect(expired.json.code).toBe('link_expired');
    clock.reset();
  });

  it('answers a reset request the same for every address, mails only active accounts, and ends other sessions', async () => {
    const tenant = await makeTenant(db());
    const person = await makeStaff(db(), tenant.id, { values: { languages: ['de'] } });
    const inactive = await makeStaff(db(), tenant.id, { values: { active: false } });
    const elsewhere = client();
    expect((await elsewhere.post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(
      200,
    );

    const known = await client().post('/api/staff/password-reset', { email: person.email });
    const unknown = await client().post('/api/staff/password-reset', { email: email('niemand') });
    const off = await client().post('/api/staff/password-reset', { email: inactive.email });
    for (const answer of [known, unknown, off]) {
      expect(answer.status).toBe(202);
      expect(answer.json).toEqual(known.json);
    }
    await resetsWritten();
    expect(await mailsTo(db(), inactive.email)).toHaveLength(0);
    const { token, mail } = await linkTokenFor(db(), person.email);
    expect(mail.kind).toBe('staff.reset');
    expect(mail.subject).toMatch(/Neues Passwort/);

    const browser = client();
    expect((await browser.post('/api/staff/password', { token, password: GOOD_PASSWORD })).status).toBe(200);
    expect((await browser.get('/api/staff/me')).status).toBe(200);
    expect((await elsewhere.get('/api/staff/me')).status).toBe(401);
    expect(
      (await client().post('/api/staff/login', { email: person.email, password: person.password })).json.code,
    ).toBe('invalid_credentials');

    // A reset link lives an hour.
    await client().post('/api/staff/password-reset', { email: person.email });
    await resetsWritten();
    const next = await linkTokenFor(db(), person.email);
    clock.set(new Date(NOW.getTime() + 61 * 60 * 1000));
    expect((await client().post('/api/staff/password', { token: next.token, password: GOOD_PASSWORD })).json.code).toBe(
      'link_expired',
    );
    clock.reset();
  });

  it('answers a reset request before it looks anything up or writes, the link mailed after the answer', async () => {
    const tenant = await makeTenant(db());
    const person = await makeStaff(db(), tenant.id, { values: { languages: ['de'] } });
    const nobody = email('niemand');
    // The table of links held: an answer that waited for the link to be written could not come,
    // and a real account's answer came later than an unknown address's.
    const [known, unknown] = await db().transaction(async (tx) => {
      await tx.execute(sql`lock table staff_tokens in share mode`);
      return answeredWhileHeld(
        Promise.all([
          client().post('/api/staff/password-reset', { email: person.email }),
          client().post('/api/staff/password-reset', { email: nobody }),
        ]),
      );
    });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(known.status);
    expect(unknown.json).toEqual(known.json);
    expect(headersOf(unknown.headers)).toEqual(headersOf(known.headers));

    await resetsWritten();
    const { mail, count } = await linkTokenFor(db(), person.email);
    expect([mail.kind, count]).toEqual(['staff.reset', 1]);
    expect(await mailsTo(db(), nobody)).toHaveLength(0);
  });

  it('limits reset requests per e-mail address', async () => {
    const address = email('flut');
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push((await client().post('/api/staff/password-reset', { email: address })).status);
    expect(answers).toEqual([202, 202, 202, 429]);
    expect((await client().post('/api/staff/password-reset', { email: 'kein-at' })).status).toBe(400);
  });

  it('checks a set-password link without using it, and counts checks with the tries', async () => {
    const { invite } = await municipality();
    const address = email('pruefen');
    await invite({ email: address });
    const { token } = await linkTokenFor(db(), address);
    const page = client();

    const fine = await page.post('/api/staff/password/check', { token });
    expect(fine.status).toBe(204);
    expect(fine.headers.get('cache-control')).toBe('no-store');
    // Checked twice (a reload): still unused, and the password can be set with it.
    expect((await page.post('/api/staff/password/check', { token })).status).toBe(204);
    expect((await page.post('/api/staff/password', { token, password: GOOD_PASSWORD })).status).toBe(200);
    const used = await page.post('/api/staff/password/check', { token });
    expect(used.status).toBe(404);
    expect(used.json.code).toBe('link_invalid');

    const forged = await client().post('/api/staff/password/check', { token: randomBytes(32).toString('base64url') });
    expect(forged.json.code).toBe('link_invalid');
    expect((await client().post('/api/staff/password/check', { token: '' })).status).toBe(400);

    const later = email('spaet');
    await invite({ email: later });
    const stale = await linkTokenFor(db(), later);
    clock.set(new Date(NOW.getTime() + 7 * 24 * 60 * 60 * 1000 + 1000));
    const expired = await client().post('/api/staff/password/check', { token: stale.token });
    expect(expired.status).toBe(410);
    expect(expired.json.code).toBe('link_expired');
    clock.reset();

    // A guesser gets no more tries by checking than by setting: the same 30 per address.
    const script = client();
    for (let i = 0; i < 20; i++) {
      await script.post('/api/staff/password/check', { token: `falsch-${i}`.padEnd(43, 'x') });
    }
    const answers: number[] = [];
    for (let i = 0; i < 11; i++) {
      answers.push(
        (await script.post('/api/staff/password', { token: `falsch-${i}`.padEnd(43, 'y'), password: GOOD_PASSWORD }))
          .status,
      );
    }
    expect(answers.slice(0, 10)).not.toContain(429);
    expect(answers[10]).toBe(429);
    expect((await script.post('/api/staff/password/check', { token })).json.code).toBe('rate_limited');
  });

  it('limits tries with set-password links that do not work, per address', async () => {
    const script = client();
    const answers: number[] = [];
    for (let i = 0; i < 31; i++) {
      answers.push(
        (await script.post('/api/staff/password', { token: `falsch-${i}`.padEnd(43, 'x'), password: GOOD_PASSWORD }))
          .status,
      );
    }
    expect(new Set(answers.slice(0, 30)).has(429)).toBe(false);
    expect(answers[30]).toBe(429);
    expect((await script.post('/api/staff/password', { token: 'x', password: GOOD_PASSWORD })).json.code).toBe(
      'rate_limited',
    );
  });

  it('keeps staff administration to the municipality admin of that municipality', async () => {
    const a = await municipality();
    const b = await municipality();
    const bPerson = await makeStaff(db(), b.tenant.id);

    // Into B's department from A: refused, nothing made.
    const address = email();
    const across = await a.invite({ email: address, roles: [{ departmentId: b.department.id, role: 'clerk' }] });
    expect(across.status).toBe(400);
    expect(across.json.errors[0].path).toBe('roles');
    expect(await db().select().from(staff).where(eq(staff.email, address))).toHaveLength(0);
    expect(await mailsTo(db(), address)).toHaveLength(0);
    // A's admin on B's path, or on B's people through A's path.
    expect((await a.admin.get(b.base)).status).toBe(403);
    expect((await a.admin.post(`${a.base}/${bPerson.id}/deactivate`)).json.code).toBe('forbidden');
    expect((await a.admin.request('PATCH', `${a.base}/${bPerson.id}`, { name: 'Übernommen' })).status).toBe(403);
    const [untouched] = await db().select().from(staff).where(eq(staff.id, bPerson.id));
    expect(untouched).toMatchObject({ active: true, name: bPerson.name });

    // Clerks and department admins have no staff administration.
    const { browser: clerk } = await signedInClerk(db(), client(), a.tenant.id, [a.department.id]);
    expect((await clerk.get(a.base)).status).toBe(403);
    const { browser: departmentAdmin } = await signedInAdmin(db(), client(), a.tenant.id, {
      memberships: [{ departmentId: a.department.id, role: 'admin' }],
      now: clock.now(),
    });
    expect((await departmentAdmin.get(a.base)).json.code).toBe('forbidden');
    expect((await client().get(a.base)).status).toBe(401);

    // One address, one account in the whole installation.
    const taken = await b.invite({ email: bPerson.email });
    expect(taken.status).toBe(409);
    expect(taken.json.errors).toEqual([
      { path: 'email', message: expect.stringMatching(/schon ein Konto|already an account/) },
    ]);

    // No lock-out.
    const selfOff = await a.admin.post(`${a.base}/${a.person.id}/deactivate`);
    expect(selfOff.status).toBe(403);
    expect(selfOff.json.reason).toBe('lock_out');
    const selfDemoted = await a.admin.request('PATCH', `${a.base}/${a.person.id}`, { isTenantAdmin: false });
    expect(selfDemoted.json.reason).toBe('lock_out');
    const [stillAdmin] = await db().select().from(staff).where(eq(staff.id, a.person.id));
    expect(stillAdmin).toMatchObject({ active: true, isTenantAdmin: true });
  });

  it('says why an admin cannot lock themself out, in German by default and in English on request', async () => {
    const { admin, base, person } = await municipality();
    const en = { 'accept-language': 'en' };
    const demoted = await admin.request('PATCH', `${base}/${person.id}`, { isTenantAdmin: false });
    expect(demoted.status).toBe(403);
    expect(ProblemSchema.parse(demoted.json)).toMatchObject({ code: 'forbidden', reason: 'lock_out' });
    expect(demoted.json.detail).toBeUndefined();
    expect(demoted.json.errors).toEqual([
      { path: 'isTenantAdmin', message: 'Nicht für Ihr eigenes Konto: Sie würden sich selbst aussperren.' },
    ]);
    const demotedEn = await admin.request('PATCH', `${base}/${person.id}`, { isTenantAdmin: false }, en);
    expect(demotedEn.json.errors).toEqual([
      { path: 'isTenantAdmin', message: 'Not for your own account: you would lock yourself out.' },
    ]);
    const off = await admin.request('POST', `${base}/${person.id}/deactivate`, undefined, en);
    expect(off.status).toBe(403);
    expect(off.json.errors).toEqual([
      { path: 'staffId', message: 'Not for your own account: you would lock yourself out.' },
    ]);
    const [still] = await db().select().from(staff).where(eq(staff.id, person.id));
    expect(still).toMatchObject({ active: true, isTenantAdmin: true });
  });

  it("keeps a municipality admin from shutting out the installation's admin who works in their municipality", async () => {
    const { tenant, admin, base } = await municipality();
    // The IT department's account, as in infra/installation.example.json, in the same municipality.
    const installer = await signedInAdmin(db(), client(), tenant.id, {
      values: { isTenantAdmin: true, isInstallationAdmin: true },
      now: clock.now(),
    });
    const it = installer.person.id;
    const en = { 'accept-language': 'en' };
    const off = await admin.request('POST', `${base}/${it}/deactivate`, undefined, en);
    expect(off.status).toBe(403);
    expect(ProblemSchema.parse(off.json)).toMatchObject({ code: 'forbidden', reason: 'lock_out' });
    expect(off.json.errors).toEqual([
      {
        path: 'staffId',
        message: 'Not for this account: it administers the whole installation. Only an installation admin may do that.',
      },
    ]);
    const reset = await admin.post(`${base}/${it}/second-factor/reset`);
    expect(reset.status).toBe(403);
    expect(reset.json).toMatchObject({ reason: 'lock_out', errors: [{ path: 'staffId', message: /Installation/ }] });
    // Nothing changed: the account is active, its authenticator set, its session alive.
    const [still] = await db().select().from(staff).where(eq(staff.id, it));
    expect(still).toMatchObject({ active: true, totpConfirmedAt: expect.any(Date) });
    expect((await installer.browser.get('/api/admin/installation/tenants')).status).toBe(200);

    // Another installation admin may; and the municipality admin still manages everyone else.
    const other = await signedInAdmin(db(), client(), tenant.id, {
      values: { isTenantAdmin: true, isInstallationAdmin: true },
      now: clock.now(),
    });
    expect((await other.browser.post(`${base}/${it}/second-factor/reset`)).status).toBe(204);
    expect((await other.browser.post(`${base}/${it}/deactivate`)).status).toBe(200);
    const clerk = await makeStaff(db(), tenant.id);
    expect((await admin.post(`${base}/${clerk.id}/deactivate`)).status).toBe(200);
  });

  it('says that an e-mail address is in use already, in German by default and in English on request', async () => {
    const { invite, admin, base, person } = await municipality();
    const taken = await invite({ email: person.email.toUpperCase() });
    expect(taken.status).toBe(409);
    expect(taken.json).toMatchObject({
      code: 'email_taken',
      title: 'Unter dieser E-Mail-Adresse gibt es schon ein Konto.',
    });
    expect(taken.json.errors).toEqual([
      { path: 'email', message: 'Unter dieser E-Mail-Adresse gibt es schon ein Konto.' },
    ]);
    const body = { name: 'Neue Kollegin', email: person.email, languages: ['de'], isTenantAdmin: false, roles: [] };
    const takenEn = await admin.request('POST', base, body, { 'accept-language': 'en' });
    expect(takenEn.status).toBe(409);
    expect(takenEn.json).toMatchObject({
      code: 'email_taken',
      title: 'There is already an account with this email address.',
    });
    expect(takenEn.json.errors).toEqual([
      { path: 'email', message: 'There is already an account with this email address.' },
    ]);
    expect(await db().select().from(staff).where(eq(staff.email, person.email))).toHaveLength(1);
  });

  it('edits roles and languages, audited with the changed field names', async () => {
    const { invite, admin, base, department, other, tenant } = await municipality();
    const staffId = (await invite({ email: email(), roles: [{ departmentId: department.id, role: 'clerk' }] })).json
      .staff.id as string;
    const edited = await admin.request('PATCH', `${base}/${staffId}`, {
      languages: ['de', 'ar'],
      roles: [
        { departmentId: department.id, role: 'admin' },
        { departmentId: other.id, role: 'clerk' },
      ],
    });
    expect(edited.status).toBe(200);
    expect(edited.json.staff.languages).toEqual(['de', 'ar']);
    expect(edited.json.staff.roles).toHaveLength(2);
    const [entry] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'staff.updated')));
    expect(entry!.data).toEqual({ staffId, fields: 'languages,roles' });
    const twice = await admin.request('PATCH', `${base}/${staffId}`, {
      roles: [
        { departmentId: department.id, role: 'admin' },
        { departmentId: department.id, role: 'clerk' },
      ],
    });
    expect(twice.status).toBe(400);
  });

  it('deactivates at once: the open console socket closes and the next request is refused; reactivates', async () => {
    const { admin, base, department, tenant } = await municipality();
    const { browser: clerk, person } = await signedInClerk(db(), client(), tenant.id, [department.id]);
    const live = await clerk.live();
    const watching = live.next('console');
    live.send({ type: 'watch-console', departmentId: department.id });
    await watching;
    const closed = new Promise<number>((resolve) => live.socket.once('close', (code) => resolve(code)));

    const off = await admin.post(`${base}/${person.id}/deactivate`);
    expect(off.status).toBe(200);
    expect(off.json.staff.status).toBe('deactivated');
    const code = await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve('still open'), 3_000))]);
    expect(code).toBe(4401);
    expect((await clerk.get('/api/staff/me')).status).toBe(401);
    expect((await client().post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(
      401,
    );

    expect((await admin.post(`${base}/${person.id}/reactivate`)).json.staff.status).toBe('active');
    expect((await client().post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(
      200,
    );
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.tenantId, tenant.id))).map(
      (row) => row.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['staff.deactivated', 'staff.reactivated']));
  });

  it('takes a role away at once: the console stops, the page is told, a call goes on, the guards refuse', async () => {
    const { admin, base, department, other, tenant } = await municipality();
    await db()
      .update(departments)
      .set({ doorOverride: 'open', doorOverrideAt: clock.now() })
      .where(eq(departments.id, department.id));
    const { browser: clerk, person } = await signedInClerk(db(), client(), tenant.id, [department.id, other.id]);
    const live = await clerk.live();
    const watching = live.next('console', (m) => m.snapshot.department.id === department.id);
    live.send({ type: 'watch-console', departmentId: department.id });
    await watching;

    // The clerk lets a citizen in, and another one waits.
    const knock = (name: string) =>
      client().post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
        name,
        concern: 'Ummeldung',
        language: 'de',
        consent: true,
      });
    expect((await knock('Im Gespräch')).status).toBe(201);
    expect((await knock('Wartet noch')).status).toBe(201);
    const staffPath = `/api/staff/departments/${department.id}`;
    const admitted = await clerk.post(`${staffPath}/admit-next`);
    expect(admitted.status).toBe(200);
    const visitId = admitted.json.visitId as string;

    // A role lowered from admin to clerk closes no console: clerks have one too.
    for (const role of ['admin', 'clerk'] as const) {
      const changed = await admin.request('PATCH', `${base}/${person.id}`, {
        roles: [
          { departmentId: department.id, role },
          { departmentId: other.id, role: 'clerk' },
        ],
      });
      expect(changed.json.staff.roles).toContainEqual({ departmentId: department.id, role });
    }

    const closed = live.next('console-closed');
    const removed = await admin.request('PATCH', `${base}/${person.id}`, {
      roles: [{ departmentId: other.id, role: 'clerk' }],
    });
    expect(removed.status).toBe(200);
    expect(await closed).toEqual({ type: 'console-closed', departmentId: department.id, reason: 'not_a_member' });
    // Nothing more of that department reaches the socket, which stays open for the offices left.
    const before = live.received.length;
    expect((await knock('Danach')).status).toBe(201);
    const otherConsole = live.next('console', (m) => m.snapshot.department.id === other.id);
    live.send({ type: 'watch-console', departmentId: other.id });
    await otherConsole;
    expect(
      live.received.slice(before).filter((m) => m.type === 'console' && m.snapshot.department.id === department.id),
    ).toEqual([]);
    expect(live.received.filter((m) => m.type === 'console-closed')).toHaveLength(1);
    // Watching it again, or acting in it, is refused.
    const refused = live.next('error');
    live.send({ type: 'watch-console', departmentId: department.id });
    expect((await refused).code).toBe('forbidden');
    expect((await clerk.post(`${staffPath}/admit-next`)).status).toBe(403);
    expect((await clerk.get(`${staffPath}/console`)).status).toBe(403);

    // The conversation under way ends normally, by the clerk; no other visit can be ended that way.
    const stranger = (await knock('Fremd')).json.visit.id as string;
    expect((await clerk.post(`${staffPath}/visits/${stranger}/finish`)).status).toBe(403);
    expect((await clerk.post(`${staffPath}/visits/${visitId}/finish`)).status).toBe(204);
    expect((await clerk.post(`${staffPath}/visits/${visitId}/finish`)).status).toBe(403);
    const [audited] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.visitId, visitId), eq(auditEvents.action, 'visit.finished')));
    expect(audited).toMatchObject({ actorStaffId: person.id, departmentId: department.id });
    live.close();
  });

  it('refuses admin routes on the next request once an admin role is taken away', async () => {
    const { admin, base, department, tenant } = await municipality();
    const { browser: departmentAdmin, person: head } = await signedInAdmin(db(), client(), tenant.id, {
      memberships: [{ departmentId: department.id, role: 'admin' }],
      now: clock.now(),
    });
    const { browser: colleague, person: deputy } = await signedInAdmin(db(), client(), tenant.id, {
      values: { isTenantAdmin: true },
      now: clock.now(),
    });
    const departmentAdminPath = `/api/admin/tenants/${tenant.slug}/departments/${department.slug}/audit`;
    expect((await departmentAdmin.get(departmentAdminPath)).status).toBe(200);
    expect((await colleague.get(base)).status).toBe(200);

    await admin.request('PATCH', `${base}/${head.id}`, { roles: [{ departmentId: department.id, role: 'clerk' }] });
    await admin.request('PATCH', `${base}/${deputy.id}`, { isTenantAdmin: false });
    expect((await departmentAdmin.get(departmentAdminPath)).json.code).toBe('forbidden');
    expect((await colleague.get(base)).json.code).toBe('forbidden');
    expect((await colleague.get(departmentAdminPath)).status).toBe(403);
    // Still signed in, with the console of the department kept.
    expect((await departmentAdmin.get(`/api/staff/departments/${department.id}/console`)).status).toBe(200);
  });

  it('lets every staff member edit their profile and change their password with the current one', async () => {
    const tenant = await makeTenant(db());
    const { browser, person } = await signedInClerk(db(), client(), tenant.id, []);
    const other = client();
    await other.post('/api/staff/login', { email: person.email, password: person.password });

    expect((await browser.get('/api/staff/profile')).json).toEqual({ name: person.name, languages: ['de'] });
    const saved = await browser.put('/api/staff/profile', { name: 'Frau Yılmaz', languages: ['de', 'tr'] });
    expect(saved.json).toEqual({ name: 'Frau Yılmaz', languages: ['de', 'tr'] });
    expect((await browser.put('/api/staff/profile', { name: ' ', languages: [] })).status).toBe(400);
    expect((await client().get('/api/staff/profile')).status).toBe(401);

    const wrong = await browser.post('/api/staff/profile/password', {
      currentPassword: 'falsch',
      password: GOOD_PASSWORD,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.errors[0].path).toBe('currentPassword');
    const weak = await browser.post('/api/staff/profile/password', {
      currentPassword: person.password,
      password: person.email,
    });
    expect(weak.status).toBe(400);
    const changed = await browser.post('/api/staff/profile/password', {
      currentPassword: person.password,
      password: GOOD_PASSWORD,
    });
    expect(changed.status).toBe(204);
    expect((await browser.get('/api/staff/me')).status).toBe(200);
    expect((await other.get('/api/staff/me')).status).toBe(401);
    expect((await client().post('/api/staff/login', { email: person.email, password: GOOD_PASSWORD })).status).toBe(
      200,
    );
  });

  it('voids a reset link not yet used when the person changes their password themself', async () => {
    const tenant = await makeTenant(db());
    const { browser, person } = await signedInClerk(db(), client(), tenant.id, []);
    expect((await client().post('/api/staff/password-reset', { email: person.email })).status).toBe(202);
    await resetsWritten();
    const { token } = await linkTokenFor(db(), person.email);

    const changed = await browser.post('/api/staff/profile/password', {
      currentPassword: person.password,
      password: GOOD_PASSWORD,
    });
    expect(changed.status).toBe(204);

    const stranger = client();
    const checked = await stranger.request('POST', '/api/staff/password/check', { token }, { 'accept-language': 'en' });
    expect([checked.status, checked.json.code]).toEqual([404, 'link_invalid']);
    const used = await stranger.post('/api/staff/password', { token, password: 'das Passwort des Finders 7' });
    expect(used.json.code).toBe('link_invalid');
    expect((await stranger.get('/api/staff/me')).status).toBe(401);
    // The password the person chose stands, and their own session goes on.
    expect((await client().post('/api/staff/login', { email: person.email, password: GOOD_PASSWORD })).status).toBe(
      200,
    );
    expect((await browser.get('/api/staff/me')).status).toBe(200);
  });

  it('lets installation admins create municipalities with a first admin, and archive them', async () => {
    clock.reset();
    const home = await makeTenant(db());
    const { browser: installer } = await signedInAdmin(db(), client(), home.id, {
      values: { isInstallationAdmin: true },
      now: clock.now(),
    });
    const { browser: tenantAdmin } = await signedInAdmin(db(), client(), home.id, {
      values: { isTenantAdmin: true },
      now: clock.now(),
    });
    expect((await tenantAdmin.get('/api/admin/installation/tenants')).status).toBe(403);

    const slug = `neustadt-${randomBytes(3).toString('hex')}`;
    const firstAdmin = email('buergermeisterin');
    const request = {
      slug,
      name: 'Neustadt',
      timeZone: 'Europe/Berlin',
      stateCode: 'BY',
      defaultLocale: 'de',
      admin: { name: 'Erste Admin', email: firstAdmin },
    };
    expect((await installer.post('/api/admin/installation/tenants', { ...request, slug: 'installation' })).status).toBe(
      400,
    );
    expect(
      (await installer.post('/api/admin/installation/tenants', { ...request, timeZone: 'Mars/Olympus' })).status,
    ).toBe(400);
    const created = await installer.post('/api/admin/installation/tenants', request);
    expect(created.status).toBe(201);
    expect(created.json.tenant).toMatchObject({ slug, archived: false, stateCode: 'BY' });
    const again = await installer.post('/api/admin/installation/tenants', request);
    expect(again.status).toBe(409);
    expect(again.json.errors[0].path).toBe('slug');
    expect((await client().get(`/api/tenants/${slug}`)).status).toBe(200);

    // The first admin sets a password from the invitation and is the municipality's admin.
    const { token } = await linkTokenFor(db(), firstAdmin);
    const admin = client();
    const set = await admin.post('/api/staff/password', { token, password: GOOD_PASSWORD });
    expect(set.json.staff).toMatchObject({ isTenantAdmin: true, tenantSlug: slug });

    const tenantId = created.json.tenant.id as string;
    const archived = await installer.post(`/api/admin/installation/tenants/${tenantId}/archive`);
    expect(archived.json.tenant.archived).toBe(true);
    expect((await client().get(`/api/tenants/${slug}`)).status).toBe(404);
    expect((await client().get('/api/tenants')).json.tenants.map((t: { slug: string }) => t.slug)).not.toContain(slug);
    expect((await admin.get('/api/staff/me')).status).toBe(401);
    expect((await client().post('/api/staff/login', { email: firstAdmin, password: GOOD_PASSWORD })).status).toBe(401);
    // Its people cannot get a reset link either.
    await client().post('/api/staff/password-reset', { email: firstAdmin });
    await resetsWritten();
    expect((await linkTokenFor(db(), firstAdmin)).mail.kind).toBe('staff.invite');

    // Not one's own municipality.
    const ownArchived = await installer.post(`/api/admin/installation/tenants/${home.id}/archive`);
    expect(ownArchived.status).toBe(403);
    expect(ownArchived.json).toMatchObject({ reason: 'lock_out', errors: [{ path: 'tenantId' }] });
    expect(ownArchived.json.errors[0].message).toBe(
      'Nicht für Ihre eigene Kommune: Sie würden sich selbst aussperren.',
    );
    const ownArchivedEn = await installer.request(
      'POST',
      `/api/admin/installation/tenants/${home.id}/archive`,
      undefined,
      { 'accept-language': 'en' },
    );
    expect(ownArchivedEn.json.errors).toEqual([
      { path: 'tenantId', message: 'Not for your own municipality: you would lock yourself out.' },
    ]);

    expect((await installer.post(`/api/admin/installation/tenants/${tenantId}/unarchive`)).json.tenant.archived).toBe(
      false,
    );
    expect((await client().post('/api/staff/login', { email: firstAdmin, password: GOOD_PASSWORD })).status).toBe(200);
    const listed = await installer.get('/api/admin/installation/tenants');
    expect(listed.json.tenants.find((t: { id: string }) => t.id === tenantId)).toMatchObject({ staffCount: 1 });
  });
});
