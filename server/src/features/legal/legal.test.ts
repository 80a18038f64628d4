import { AdminTenantTextsResponseSchema, ProblemSchema, TenantTextResponseSchema } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, tenants, tenantTexts } from '../../db/schema.js';
import { mailsTo } from '../../test/booking-factories.js';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeTenant, signedInAdmin, signedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { FEEDBACK_LIMITS } from './legal.router.js';

describe.each(databaseKinds)('legal pages and accessibility feedback on %s', (kind) => {
  const suite = useTestServer(kind, {
    env: { RETENTION_DAYS: '17', INSTALLATION_CONTACT_EMAIL: 'betrieb@it.test.example' },
  });
  const { client, db } = suite;

  const texts = (slug: string) => `/api/admin/tenants/${slug}/texts`;

  it('shows defaults built from the configuration until the municipality writes its own', async () => {
    const tenant = await makeTenant(db(), {
      name: 'Stadt Rechtsheim',
      contact: { email: 'rathaus@rechtsheim.test.example', phone: '0123 456' },
    });
    const browser = client();

    const privacy = TenantTextResponseSchema.parse(
      (await browser.get(`/api/tenants/${tenant.slug}/texts/privacy`)).json,
    );
    expect(privacy.isDefault).toBe(true);
    expect(privacy.text?.de).toContain('17 Tage');
    expect(privacy.text?.en).toContain('17 days');
    expect(privacy.text?.de).toContain('nicht aufgezeichnet');
    expect(privacy.text?.de).toContain('Stadt Rechtsheim');

    const imprint = TenantTextResponseSchema.parse(
      (await browser.get(`/api/tenants/${tenant.slug}/texts/imprint`)).json,
    );
    expect(imprint.text?.de).toContain('noch nicht eingetragen');
    expect(imprint.text?.de).toContain('0123 456');

    const accessibility = TenantTextResponseSchema.parse(
      (await browser.get(`/api/tenants/${tenant.slug}/texts/accessibility`)).json,
    );
    expect(accessibility.text?.de).toContain('WCAG 2.1');
    expect(accessibility.text?.de).toContain('BITV 2.0');
    expect(accessibility.feedback).toEqual({ recipient: 'municipality', email: 'rathaus@rechtsheim.test.example' });

    const faq = TenantTextResponseSchema.parse((await browser.get(`/api/tenants/${tenant.slug}/texts/faq`)).json);
    expect(faq.faq?.de?.length).toBeGreaterThan(2);
    expect(faq.faq?.en?.length).toBe(faq.faq?.de?.length);
    expect(faq.text).toBeNull();

    expect((await browser.get(`/api/tenants/${tenant.slug}/texts/agb`)).status).toBe(404);
    expect((await browser.get('/api/tenants/gibt-es-nicht/texts/imprint')).json.code).toBe('tenant_not_found');
  });

  it('lets the municipality admin write, read back, audit and reset a page and the FAQ', async () => {
    const tenant = await makeTenant(db(), { locales: ['de', 'en'] });
    const { browser, person } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });

    const listed = AdminTenantTextsResponseSchema.parse((await browser.get(texts(tenant.slug))).json);
    expect(listed.locales).toEqual(['de', 'en']);
    expect(listed.texts.map((text) => [text.kind, text.isDefault])).toEqual([
      ['imprint', true],
      ['privacy', true],
      ['accessibility', true],
      ['faq', true],
    ]);
    expect(listed.texts[1]!.defaultText?.de).toContain('Tage');

    const text = { de: 'Herausgeber: Stadt\n\nhttps://stadt.test.example', en: '' };
    expect((await browser.put(`${texts(tenant.slug)}/imprint`, { text })).status).toBe(204);
    const shown = TenantTextResponseSchema.parse(
      (await client().get(`/api/tenants/${tenant.slug}/texts/imprint`)).json,
    );
    expect(shown.isDefault).toBe(false);
    // English, left empty, shows the default.
    expect(shown.text).toEqual({ de: text.de, en: listed.texts[0]!.defaultText?.en });

    const faq = {
      de: [
        { question: 'Zweite?', answer: 'B' },
        { question: 'Erste?', answer: 'A' },
      ],
      en: [{ question: 'First?', answer: 'A' }],
    };
    expect((await browser.put(`${texts(tenant.slug)}/faq`, { faq })).status).toBe(204);
    const faqShown = TenantTextResponseSchema.parse((await client().get(`/api/tenants/${tenant.slug}/texts/faq`)).json);
    expect(faqShown.faq?.de?.map((entry) => entry.question)).toEqual(['Zweite?', 'Erste?']);
    expect(faqShown.faq?.en?.map((entry) => entry.question)).toEqual(['First?']);

    expect((await browser.request('DELETE', `${texts(tenant.slug)}/imprint`)).status).toBe(204);
    const reset = TenantTextResponseSchema.parse(
      (await client().get(`/api/tenants/${tenant.slug}/texts/imprint`)).json,
    );
    expect(reset.isDefault).toBe(true);

    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, 'texts.updated')));
    expect(audit.map((event) => [event.actorStaffId, event.data])).toEqual(
      expect.arrayContaining([
        [person.id, { kind: 'imprint', reset: false }],
        [person.id, { kind: 'faq', reset: false }],
        [person.id, { kind: 'imprint', reset: true }],
      ]),
    );
    expect(JSON.stringify(audit.map((event) => event.data))).not.toContain('Herausgeber');
  });

  it('stores only the languages the admin wrote; the others follow the default and its later changes', async () => {
    const tenant = await makeTenant(db(), { locales: ['de', 'en'], contact: { phone: '0111 111' } });
    const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const listImprint = async () =>
      AdminTenantTextsResponseSchema.parse((await browser.get(texts(tenant.slug))).json).texts[0]!;
    const shownIn = async (language: string) =>
      TenantTextResponseSchema.parse(
        (
          await client().request('GET', `/api/tenants/${tenant.slug}/texts/imprint`, undefined, {
            'accept-language': language,
          })
        ).json,
      );
    const before = await listImprint();
    expect(before.text).toBeNull();
    const defaults = before.defaultText!;
    expect(defaults.en).toContain('0111 111');

    // The screen sent the English default with the German the admin wrote: only German is theirs.
    const german = 'Herausgeberin: Gemeinde Eigenheim, Rathausplatz 1';
    const put = await browser.put(`${texts(tenant.slug)}/imprint`, { text: { de: german, en: defaults.en } });
    expect(put.status).toBe(204);
    const after = await listImprint();
    expect(after.isDefault).toBe(false);
    expect(after.text).toEqual({ de: german });
    expect((await shownIn('en')).text?.en).toBe(defaults.en);

    // The default changes with the municipality's contact: English follows it, German stays.
    await db()
      .update(tenants)
      .set({ contact: { phone: '0222 222' } })
      .where(eq(tenants.id, tenant.id));
    const followed = await shownIn('en');
    expect(followed.text?.en).toContain('0222 222');
    expect(followed.text?.de).toBe(german);

    // English alone may be written; German then follows the default.
    expect((await browser.put(`${texts(tenant.slug)}/imprint`, { text: { en: 'Own English' } })).status).toBe(204);
    const english = await listImprint();
    expect(english.text).toEqual({ en: 'Own English' });
    expect((await shownIn('de')).text?.de).toContain('0222 222');

    // Every language sent as its unchanged default (line endings as a browser's form sends them):
    // nothing of the municipality's is left, and the page is the default again.
    const current = (await listImprint()).defaultText!;
    const unchanged = { de: current.de.replace(/\n/g, '\r\n'), en: `${current.en}\n` };
    expect((await browser.put(`${texts(tenant.slug)}/imprint`, { text: unchanged })).status).toBe(204);
    const back = await listImprint();
    expect([back.isDefault, back.text, back.updatedAt]).toEqual([true, null, null]);
    expect((await shownIn('en')).isDefault).toBe(true);
  });

  it('stores each language of the FAQ on its own; one not written follows the default, also from an older row', async () => {
    const tenant = await makeTenant(db(), { locales: ['de', 'en'], contact: { phone: '0111 111' } });
    const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const listFaq = async () =>
      AdminTenantTextsResponseSchema.parse((await browser.get(texts(tenant.slug))).json).texts[3]!;
    const shown = async () =>
      TenantTextResponseSchema.parse((await client().get(`/api/tenants/${tenant.slug}/texts/faq`)).json);
    const before = await listFaq();
    expect([before.kind, before.isDefault, before.faq]).toEqual(['faq', true, null]);
    const defaults = before.defaultFaq!;
    expect(defaults.en?.[0]?.question).toBe('What is the virtual citizen office?');

    // The editor sent the English default beside the German the admin wrote: only German is theirs.
    const german = [...defaults.de!, { question: 'Wo parke ich?', answer: 'Am Rathaus.' }];
    const enSent = defaults.en!.map((item) => ({ ...item, answer: `${item.answer.replace(/\n/g, '\r\n')}\n` }));
    expect((await browser.put(`${texts(tenant.slug)}/faq`, { faq: { de: german, en: enSent } })).status).toBe(204);
    const after = await listFaq();
    expect([after.isDefault, after.faq]).toEqual([false, { de: german }]);
    const [row] = await db().select().from(tenantTexts).where(eq(tenantTexts.tenantId, tenant.id));
    expect(row!.body).toEqual({ de: german });
    expect((await shown()).faq).toEqual({ de: german, en: defaults.en });

    const older = [
      { question: { de: 'Alt?', en: defaults.en![0]!.question }, answer: { de: 'Ja.', en: defaults.en![0]!.answer } },
      ...defaults.de!.slice(1).map((item, i) => ({
        question: { de: item.question, en: defaults.en![i + 1]!.question },
        answer: { de: item.answer, en: defaults.en![i + 1]!.answer },
      })),
    ];
    // A row of the older form, German edited and English the default's: read as German alone.
    await db().update(tenantTexts).set({ body: older }).where(eq(tenantTexts.tenantId, tenant.id));
    const fromOlder = await listFaq();
    expect(fromOlder.faq).toEqual({
      de: [{ question: 'Alt?', answer: 'Ja.' }, ...defaults.de!.slice(1)],
    });
    expect((await shown()).faq?.en).toEqual(defaults.en);

    // English alone, and then nothing but the defaults: the FAQ is the default again.
    const english = [{ question: 'Parking?', answer: 'At the town hall.' }];
    expect((await browser.put(`${texts(tenant.slug)}/faq`, { faq: { en: english } })).status).toBe(204);
    expect((await listFaq()).faq).toEqual({ en: english });
    expect((await shown()).faq).toEqual({ de: defaults.de, en: english });
    const unchanged = { faq: { de: defaults.de, en: defaults.en } };
    expect((await browser.put(`${texts(tenant.slug)}/faq`, unchanged)).status).toBe(204);
    expect(await listFaq()).toMatchObject({ isDefault: true, faq: null, updatedAt: null });
  });

  it('refuses bad texts with the field named, and changes nothing', async () => {
    const tenant = await makeTenant(db(), { locales: ['de'] });
    const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const bad = [
      { text: { en: 'no German' } },
      { text: { de: 'x'.repeat(20_001) } },
      { text: { de: 'Gut', en: 'not offered here' } },
      { faq: { de: [{ question: '', answer: 'A' }] } },
      { faq: { en: [{ question: 'Not offered here?', answer: 'No.' }] } },
      { faq: { xx: [] } },
    ];
    for (const body of bad) {
      const kind = 'faq' in body ? 'faq' : 'privacy';
      const answer = await browser.put(`${texts(tenant.slug)}/${kind}`, body);
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe('validation_failed');
      expect(answer.json.errors[0].path).toMatch(/^(text|faq)/);
    }
    const listed = AdminTenantTextsResponseSchema.parse((await browser.get(texts(tenant.slug))).json);
    expect(listed.texts.every((text) => text.isDefault)).toBe(true);
  });

  it('keeps clerks, department admins and other municipalities’ admins out', async () => {
    const tenant = await makeTenant(db());
    const other = await makeTenant(db());
    const department = await makeDepartment(db(), tenant.id);
    const body = { text: { de: 'Übernommen' } };

    const { browser: clerk } = await signedInClerk(db(), client(), tenant.id, [department.id]);
    expect((await clerk.put(`${texts(tenant.slug)}/imprint`, body)).status).toBe(403);

    const { browser: departmentAdmin } = await signedInAdmin(db(), client(), tenant.id, {
      memberships: [{ departmentId: department.id, role: 'admin' }],
    });
    expect((await departmentAdmin.put(`${texts(tenant.slug)}/imprint`, body)).status).toBe(403);

    const { browser: stranger } = await signedInAdmin(db(), client(), other.id, { values: { isTenantAdmin: true } });
    expect((await stranger.put(`${texts(tenant.slug)}/imprint`, body)).status).toBe(403);
    expect((await stranger.get(texts(tenant.slug))).status).toBe(403);
    expect((await stranger.request('DELETE', `${texts(tenant.slug)}/imprint`)).status).toBe(403);

    expect((await client().put(`${texts(tenant.slug)}/imprint`, body)).status).toBe(401);
    const shown = TenantTextResponseSchema.parse(
      (await client().get(`/api/tenants/${tenant.slug}/texts/imprint`)).json,
    );
    expect(shown.isDefault).toBe(true);
  });

  it('sends accessibility feedback to the municipality’s contact through the outbox, limited per address', async () => {
    const email = `kontakt-${Date.now()}@rathaus.test.example`;
    const tenant = await makeTenant(db(), { name: 'Stadt Feedbackheim', contact: { email } });
    const browser = client();
    const feedback = `/api/tenants/${tenant.slug}/accessibility-feedback`;

    const bad = await browser.post(feedback, { message: '   ', email: 'kein-at' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((error: { path: string }) => error.path).sort()).toEqual(['email', 'message']);
    expect(await mailsTo(db(), email)).toHaveLength(0);

    const sent = await browser.post(feedback, {
      name: 'Erika Muster',
      email: 'erika@test.example',
      page: '/musterstadt/buergeramt',
      message: 'Der Kontrast der Schaltfläche ist zu schwach.',
    });
    expect(sent.status).toBe(202);
    expect(sent.json).toEqual({ recipient: 'municipality' });
    const [mail] = await mailsTo(db(), email);
    expect(mail?.kind).toBe('accessibility_feedback');
    expect(mail?.tenantId).toBe(tenant.id);
    expect(mail?.text).toContain('Der Kontrast der Schaltfläche ist zu schwach.');
    expect(mail?.text).toContain('erika@test.example');

    // Only sent feedback counts (the refused form above did not): five mails an hour per address.
    for (let i = 1; i < FEEDBACK_LIMITS.perAddress.max; i++) {
      expect((await browser.post(feedback, { message: `Nummer ${i}` })).status).toBe(202);
    }
    const limited = await browser.post(feedback, { message: 'eine zu viel' });
    expect(limited.status).toBe(429);
    expect(await mailsTo(db(), email)).toHaveLength(FEEDBACK_LIMITS.perAddress.max);
    expect((await client().post(feedback, { message: 'von anderswo' })).status).toBe(202);
  });

  it('counts only valid feedback, so empty tries behind one address do not block real feedback, and says how long to wait', async () => {
    const email = `kontakt-${Date.now()}@rathaus.test.example`;
    const tenant = await makeTenant(db(), { name: 'Stadt Bibliothek', contact: { email } });
    const feedback = `/api/tenants/${tenant.slug}/accessibility-feedback`;
    const library = client();

    for (let i = 0; i < FEEDBACK_LIMITS.perAddress.max * 2; i++) {
      expect((await library.post(feedback, { message: '' })).status).toBe(400);
    }
    for (let i = 0; i < FEEDBACK_LIMITS.perAddress.max; i++) {
      expect((await library.post(feedback, { message: `Barriere ${i}` })).status).toBe(202);
    }
    expect(await mailsTo(db(), email)).toHaveLength(FEEDBACK_LIMITS.perAddress.max);

    // The sixth within the hour is refused, with the wait in words, not "a moment".
    const limited = await library.post(feedback, { message: 'eine zu viel' });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(59 * 60);
    expect(limited.json.title).toBe(
      `Zu viele Anfragen. Bitte versuchen Sie es in etwa ${Math.ceil(retryAfter / 60)} Minuten erneut.`,
    );
    const limitedEn = await library.request('POST', feedback, { message: 'one too many' }, { 'accept-language': 'en' });
    expect(limitedEn.json.title).toMatch(/^Too many requests\. Please try again in about \d+ minutes\.$/);
  });

  it('limits feedback per municipality too, however many addresses send it', async () => {
    const email = `kontakt-${Date.now()}@rathaus.test.example`;
    const tenant = await makeTenant(db(), { name: 'Stadt Vielfalt', contact: { email } });
    const other = await makeTenant(db(), { name: 'Gemeinde Nebenan', contact: { email: `nebenan-${email}` } });
    const feedback = (slug: string) => `/api/tenants/${slug}/accessibility-feedback`;

    // Every message from an address of its own, as a script with a whole network sends them.
    for (let i = 0; i < FEEDBACK_LIMITS.perMunicipality.max; i++) {
      expect((await client().post(feedback(tenant.slug), { message: `Barriere ${i}` })).status).toBe(202);
    }
    const limited = await client().request(
      'POST',
      feedback(tenant.slug),
      { message: 'eine zu viel' },
      { 'accept-language': 'en' },
    );
    expect(limited.status).toBe(429);
    expect(ProblemSchema.parse(limited.json).title).toMatch(
      /^Too many requests\. Please try again in about \d+ minutes\.$/,
    );
    expect(await mailsTo(db(), email)).toHaveLength(FEEDBACK_LIMITS.perMunicipality.max);
    // Another municipality's contact is not held up by it.
    expect((await client().post(feedback(other.slug), { message: 'Hier auch' })).status).toBe(202);
  });

  it('refuses line breaks and control characters in the one-line feedback fields, so nothing reaches a mail header', async () => {
    const email = `kontakt-${Date.now()}@rathaus.test.example`;
    const tenant = await makeTenant(db(), { name: 'Stadt Kopfzeile', contact: { email } });
    const feedback = `/api/tenants/${tenant.slug}/accessibility-feedback`;
    const attacks: [string, Record<string, string>][] = [
      ['name', { name: 'Erika\r\nBcc: opfer@evil.example', message: 'Hallo' }],
      ['name', { name: 'Erika\u0000', message: 'Hallo' }],
      ['email', { email: 'erika@test.example\r\nBcc: opfer@evil.example', message: 'Hallo' }],
      ['email', { email: 'erika@test.example\nSubject: Gewinn', message: 'Hallo' }],
      ['page', { page: '/stadt\r\nBcc: opfer@evil.example', message: 'Hallo' }],
      // The message may have lines, but no NUL byte (the outbox's insert failed with a 500) and no
      // other control or hidden character.
      ['message', { message: 'Hallo\u0000Welt' }],
      ['message', { message: 'Hallo\u0007Welt' }],
      ['message', { message: 'Hallo\u{e0041}Welt' }],
    ];
    for (const [field, body] of attacks) {
      // Each from an address of its own: the per-address limit is not what refuses here.
      const de = await client().post(feedback, body);
      const en = await client().request('POST', feedback, body, { 'accept-language': 'en' });
      expect({ field, status: de.status, paths: de.json.errors?.map((e: { path: string }) => e.path) }).toEqual({
        field,
        status: 400,
        paths: [field],
      });
      expect(de.json.errors[0].message).not.toBe(en.json.errors[0].message);
    }
    expect(await mailsTo(db(), email)).toHaveLength(0);

    // One line each, and the mail goes to the municipality alone, its subject fixed.
    const sent = await client().post(feedback, {
      name: 'Erika Muster',
      email: 'erika@test.example',
      page: '/stadt/amt',
      message: 'Zeile eins\nBcc: keine Kopfzeile, nur Text',
    });
    expect(sent.status).toBe(202);
    const [mail] = await mailsTo(db(), email);
    expect(mail?.to).toBe(email);
    expect(mail?.subject).toBe('Rückmeldung zur Barrierefreiheit – Stadt Kopfzeile');
  });

  it('sends feedback of a municipality without a contact to the installation operator, and says so', async () => {
    const tenant = await makeTenant(db(), { contact: {} });
    const page = TenantTextResponseSchema.parse(
      (await client().get(`/api/tenants/${tenant.slug}/texts/accessibility`)).json,
    );
    expect(page.feedback).toEqual({ recipient: 'installation', email: 'betrieb@it.test.example' });
    const sent = await client().post(`/api/tenants/${tenant.slug}/accessibility-feedback`, { message: 'Hallo' });
    expect(sent.json).toEqual({ recipient: 'installation' });
    const mails = await mailsTo(db(), 'betrieb@it.test.example');
    expect(mails.some((mail) => mail.tenantId === tenant.id && mail.text.includes('weiterleiten'))).toBe(true);
  });

  it('serves the installation operator’s legal links', async () => {
    const answer = await client().get('/api/installation/legal');
    expect(answer.json).toEqual({ imprintUrl: null, privacyUrl: null, accessibilityUrl: null });
  });
});

describe.each(databaseKinds)('accessibility feedback with nowhere to go on %s', (kind) => {
  const { client, db } = useTestServer(kind);
  it('refuses with the reason and sends nothing', async () => {
    const tenant = await makeTenant(db(), { contact: {} });
    const answer = await client().post(`/api/tenants/${tenant.slug}/accessibility-feedback`, { message: 'Hallo' });
    expect(answer.status).toBe(409);
    expect(ProblemSchema.parse(answer.json)).toMatchObject({ code: 'conflict', reason: 'no_feedback_address' });
    expect(answer.json.detail).toBeUndefined();
    const page = await client().get(`/api/tenants/${tenant.slug}/texts/accessibility`);
    expect(page.json.feedback).toBeNull();
  });
});
