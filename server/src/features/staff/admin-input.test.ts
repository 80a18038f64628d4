import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.js';
import { createApp } from '../../app.js';
import { BODIES, bodyFor, fill, makeMunicipality, makeTarget, snapshot } from '../../test/admin-routes.js';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { signedInAdmin } from '../../test/factories.js';
import { mountedRoutes, type MountedRoute } from '../../test/routes.js';
import { captureLogger, startTestServer, type TestServer } from '../../test/server.js';
import { useTestServer } from '../../test/suite.js';

/**
 * Bad input on every admin write route (issue 15), as a hostile or broken client sends it:
 * malformed JSON, wrong types, oversize strings and arrays, bodies that are no object, too big a
 * body. Each is a 400 (413 for the size) whose messages are German by default and English with
 * `Accept-Language: en`, and changes nothing. The route list comes from the app itself.
 */

/** Routes whose numbers are a count the server compares, any size well-formed (409 when it differs). */
const ANY_COUNT = new Set(['POST /api/admin/tenants/:tenant/departments/:department/archive']);

/** An answer as TestClient reads it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- problem bodies are read field by field
type Answer = { status: number; json: any };

/** Write routes that may find nothing to do on a fresh department (and answer 404 or 409). */
const NOTHING_TO_DO = new Set([
  'POST /api/admin/tenants/:tenant/staff/:staffId/invitation',
  'DELETE /api/admin/tenants/:tenant/identity-provider',
]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Variants of `body` with one thing wrong each, named by where. */
function spoiled(body: Json): { where: string; body: Json; sizeToo?: boolean }[] {
  const out: { where: string; body: Json; sizeToo?: boolean }[] = [];
  const visit = (value: Json, path: (string | number)[], replace: (next: Json) => Json) => {
    const where = path.join('.') || '(body)';
    if (typeof value === 'string') {
      out.push({ where: `${where} as a number`, body: replace(12345) });
      out.push({ where: `${where} 30 000 characters long`, body: replace('x'.repeat(30_000)) });
    } else if (typeof value === 'number') {
      out.push({ where: `${where} as a string`, body: replace(String(value)) });
      out.push({ where: `${where} as 10^12`, body: replace(1e12) });
    } else if (typeof value === 'boolean') {
      out.push({ where: `${where} as a string`, body: replace(String(value)) });
    } else if (value === null) {
      out.push({ where: `${where} as a number`, body: replace(12345) });
    } else if (Array.isArray(value)) {
      out.push({ where: `${where} as a string`, body: replace('x') });
      const item = value[0] ?? 'x';
      out.push({ where: `${where} with 2 000 items`, body: replace(Array(2_000).fill(item)), sizeToo: true });
      value.forEach((item, index) =>
        visit(item, [...path, index], (next) => replace(value.map((old, i) => (i === index ? next : old)))),
      );
    } else {
      if (path.length > 0) out.push({ where: `${where} as a string`, body: replace('x') });
      for (const [key, item] of Object.entries(value)) {
        visit(item, [...path, key], (next) => replace({ ...value, [key]: next }));
      }
    }
  };
  visit(body, [], (next) => next);
  return out;
}

/**
 * The tests below send a handful of requests to every write route (hundreds in all): about 10 s
 * alone on PostgreSQL, and past the usual 30 s with other test files beside them on the machine.
 * They assert what is answered, never how fast.
 */
const EVERY_ROUTE_MS = 180_000;

describe.each(databaseKinds)('admin write routes refuse bad input on %s', { timeout: EVERY_ROUTE_MS }, (kind) => {
  const suite = useTestServer(kind);
  const { client, db } = suite;

  const writeRoutes = (): MountedRoute[] =>
    mountedRoutes(createApp(suite.server.deps)).filter(
      (route) => route.path.startsWith('/api/admin') && route.method !== 'GET',
    );

  /** The admin of a fresh municipality who may call every route of its trees (and the installation's). */
  async function administrator() {
    const x = await makeMunicipality(db());
    const { browser } = await signedInAdmin(db(), client(), x.tenant.id, {
      values: { isTenantAdmin: true, isInstallationAdmin: true },
    });
    return { x, browser };
  }

  /** Sends `body` in German (no Accept-Language) and in English; both must refuse it, each in its language. */
  async function expectRefusedInBothLanguages(
    browser: TestClient,
    method: string,
    path: string,
    send: (headers: Record<string, string>) => Promise<Answer>,
    statuses: number[],
    where: string,
  ) {
    const de = await send({});
    const en = await send({ 'accept-language': 'en' });
    const label = `${method} ${path}: ${where}`;
    expect({ label, status: de.status }).toEqual({ label, status: expect.toBeOneOf(statuses) });
    expect({ label, status: en.status }).toEqual({ label, status: de.status });
    expect({ label, differs: de.json.title !== en.json.title }).toEqual({ label, differs: true });
    const messages = (answer: { json: { errors?: { path: string; message: string }[] } }) =>
      (answer.json.errors ?? []).map((error) => error.message);
    const untranslated = messages(de).filter((message, index) => message === messages(en)[index]);
    expect({ label, untranslated }).toEqual({ label, untranslated: [] });
    void browser;
  }

  it('refuses malformed JSON, a body that is no object, and too big a body on every write route', async () => {
    const { x, browser } = await administrator();
    const before = await snapshot(db());
    for (const route of writeRoutes()) {
      const path = fill(route, x.a);
      const raw = (body: string) => (headers: Record<string, string>) =>
        rawRequest(browser, route.method, path, body, headers);
      await expectRefusedInBothLanguages(browser, route.method, path, raw('{"name": '), [400], 'malformed JSON');
      await expectRefusedInBothLanguages(
        browser,
        route.method,
        path,
        raw(JSON.stringify({ padding: 'x'.repeat(70 * 1024) })),
        [413],
        'a body over 64 KB',
      );
    }
    expect(await snapshot(db())).toEqual(before);
  });

  it('refuses wrong types, oversize strings and oversize arrays in every field', async () => {
    const { x, browser } = await administrator();
    const accepted: { route: string; status: number; errors: unknown }[] = [];
    const unaudited: string[] = [];
    for (const route of writeRoutes()) {
      const body = bodyFor(route, x.a) as Json | undefined;
      if (!body || typeof body !== 'object' || Object.keys(body).length === 0) continue;
      const path = fill(route, x.a);
      const before = await snapshot(db());
      const variants = [
        { where: 'a list instead of an object', body: [body] as Json },
        { where: 'a string instead of an object', body: 'x' as Json },
        ...spoiled(body),
      ].filter((variant) => !(variant.where.endsWith('10^12') && ANY_COUNT.has(`${route.method} ${route.path}`)));
      for (const variant of variants) {
        await expectRefusedInBothLanguages(
          browser,
          route.method,
          path,
          (headers) => browser.request(route.method, path, variant.body, headers),
          variant.sizeToo ? [400, 413] : [400],
          variant.where,
        );
      }
      expect({ route: route.path, same: await snapshot(db()) }).toEqual({ route: route.path, same: before });
      // The body itself is good: the refusals above are the spoiling's doing.
      // (On a department of its own: the routes before may have changed this one's services.)
      const fresh = await makeTarget(db(), x.tenant, x.a.tenantClosureId);
      const audited = (await db().select().from(schema.auditEvents)).length;
      const good = await browser.request(route.method, fill(route, fresh), bodyFor(route, fresh));
      accepted.push({ route: `${route.method} ${route.path}`, status: good.status, errors: good.json?.errors });
      // Every change is audited (issue 15).
      if (good.status < 300) {
        const now = (await db().select().from(schema.auditEvents)).length;
        if (now <= audited) unaudited.push(`${route.method} ${route.path}`);
      }
    }
    expect(accepted.filter((answer) => answer.status === 400 || answer.status >= 500)).toEqual([]);
    expect(unaudited).toEqual([]);
  });

  it('audits every change of the write routes without a body (deletions, archiving, resets)', async () => {
    const { x, browser } = await administrator();
    const unaudited: string[] = [];
    for (const route of writeRoutes()) {
      const body = bodyFor(route, x.a);
      if (body && typeof body === 'object' && Object.keys(body).length > 0) continue;
      if (route.path.startsWith('/api/admin/installation/')) continue;
      const fresh = await makeTarget(db(), x.tenant, x.a.tenantClosureId);
      if (route.path.endsWith('/reactivate') || route.path.endsWith('/restore')) {
        // Undoing needs something done first.
        const first = {
          ...route,
          path: route.path.replace(/reactivate$/, 'deactivate').replace(/restore$/, 'archive'),
        };
        expect((await browser.request(first.method, fill(first, fresh), {})).status).toBeLessThan(300);
      }
      if (route.method === 'DELETE' && route.path.endsWith('/texts/:kind')) {
        const own = { ...route, method: 'PUT' };
        expect((await browser.request('PUT', fill(own, fresh), bodyFor(own, fresh))).status).toBeLessThan(300);
      }
      const audited = (await db().select().from(schema.auditEvents)).length;
      const answer = await browser.request(route.method, fill(route, fresh), body);
      // Nothing to do (an invitation to someone signed in already, no provider to remove): nothing changes.
      if (NOTHING_TO_DO.has(`${route.method} ${route.path}`) && [404, 409].includes(answer.status)) continue;
      expect({ route: route.path, status: answer.status < 300 }).toEqual({ route: route.path, status: true });
      if ((await db().select().from(schema.auditEvents)).length <= audited)
        unaudited.push(`${route.method} ${route.path}`);
    }
    expect(unaudited).toEqual([]);
  });

  it('refuses blank, invisible and direction-changing names and texts, and made-up languages, naming the field', async () => {
    // Found by attacking the API: admins could save names citizens read ("who admitted you", the
    // department on the door) that were blank, invisible or reversed, which citizens' own names
    // may not be. Each case: the route, a body with one such value, and the field it is in.
    const { x, browser } = await administrator();
    const tenant = BODIES['POST /api/admin/installation/tenants'] as Record<string, unknown>;
    const service = BODIES['PUT /api/admin/tenants/:tenant/departments/:department/services/:serviceId'] as Record<
      string,
      unknown
    >;
    const newService = BODIES['POST /api/admin/tenants/:tenant/departments/:department/services'] as Record<
      string,
      unknown
    >;
    const provider = BODIES['PUT /api/admin/tenants/:tenant/identity-provider'] as Record<string, unknown>;
    const t = '/api/admin/tenants/:tenant';
    const d = `${t}/departments/:department`;
    const cases: [method: string, path: string, body: Json, field: string][] = [
      ['PATCH', t, { name: 'Stadt \u202eMusterstadt' }, 'name'],
      ['PATCH', t, { name: '\u200b\u200b' }, 'name'],
      ['POST', '/api/admin/installation/tenants', { ...tenant, name: '\u2800\u2800' } as Json, 'name'],
      [
        'POST',
        '/api/admin/installation/tenants',
        { ...tenant, admin: { name: 'Anna\u202eSchmidt', email: 'x@test.example' } } as Json,
        'admin.name',
      ],
      [
        'POST',
        `${t}/staff`,
        { name: '\u200b\u200b', email: 'n@test.example', languages: [], isTenantAdmin: false, roles: [] },
        'name',
      ],
      ['PATCH', `${t}/staff/:staffId`, { name: '\u200b\u200b' }, 'name'],
      ['PATCH', `${t}/staff/:staffId`, { name: 'Anna\u202eSchmidt' }, 'name'],
      ['POST', `${t}/departments`, { slug: 'leer', name: { de: '   ' } }, 'name.de'],
      ['POST', `${t}/departments`, { slug: 'leer', name: { de: '\u200b' } }, 'name.de'],
      [
        'POST',
        `${t}/departments`,
        { slug: 'leer', name: { de: 'Amt' }, description: { de: 'Amt', xx: 'x' } },
        'description.xx',
      ],
      ['PATCH', d, { description: { de: 'Umbau \u2066x\u2069' } }, 'description.de'],
      ['PATCH', d, { onsiteLocation: { de: '\u200b' } }, 'onsiteLocation.de'],
      [
        'POST',
        `${t}/closures`,
        { from: '2026-12-01', to: '2026-12-01', reason: { de: 'Test', xx: '<script>alert(1)</script>' } },
        'reason.xx',
      ],
      ['POST', `${d}/closures`, { from: '2026-12-01', to: '2026-12-01', reason: { de: '\u202eTest' } }, 'reason.de'],
      ['POST', `${d}/services`, { ...newService, slug: 'leer', name: { de: '\u200b' } } as Json, 'name.de'],
      ['PUT', `${d}/services/:serviceId`, { ...service, documents: [{ de: 'Foto\u202e' }] } as Json, 'documents.0.de'],
      ['PUT', `${d}/services/:serviceId`, { ...service, description: { de: '   ' } } as Json, 'description.de'],
      ['POST', `${d}/devices`, { kind: 'display', label: '\u202eKiosk' }, 'label'],
      ['PUT', `${t}/identity-provider`, { ...provider, label: { de: '\u200b' } } as Json, 'label.de'],
      ['PUT', `${t}/texts/:kind`, { text: { de: 'Impressum', xx: 'x' } }, 'text.xx'],
      ['POST', `${d}/archive`, { confirmAffected: 0, note: 'Geschlossen \u202e' }, 'note'],
      // Contact details on the door page and in the legal texts, and what only admins read.
      ['PATCH', d, { contact: { phone: 'Ruf mich an' } }, 'contact.phone'],
      ['PATCH', d, { contact: { room: 'Zimmer \u202e12' } }, 'contact.room'],
      ['PATCH', t, { contact: { address: 'Markt\u00001' } }, 'contact.address'],
      ['PUT', `${d}/services/:serviceId`, { ...service, keywords: { de: ['Pass\u2066'] } } as Json, 'keywords.de.0'],
      [
        'PUT',
        `${t}/identity-provider`,
        { ...provider, roleMapping: [{ value: '\u200b', tenantAdmin: true }] } as Json,
        'roleMapping.0.value',
      ],
    ];
    const before = await snapshot(db());
    const answers = [];
    for (const [method, pattern, body] of cases) {
      const path = fill({ method, path: pattern }, x.a);
      const de = (await browser.request(method, path, body)) as Answer;
      const en = (await browser.request(method, path, body, { 'accept-language': 'en' })) as Answer;
      const errors = (answer: Answer): { path: string; message: string }[] => answer.json?.errors ?? [];
      answers.push({
        route: `${method} ${pattern}`,
        status: de.status,
        fields: errors(de).map((error) => error.path),
        // Said in each language, not in the schema's English.
        translated: errors(de).length > 0 && errors(de)[0]!.message !== errors(en)[0]?.message,
      });
    }
    expect(answers).toEqual(
      cases.map(([method, pattern, , field]) => ({
        route: `${method} ${pattern}`,
        status: 400,
        fields: [field],
        translated: true,
      })),
    );
    expect(await snapshot(db())).toEqual(before);
  });

  it('refuses impossible dates, reversed ranges, negative durations and caps out of range', async () => {
    const { x, browser } = await administrator();
    const tenant = `/api/admin/tenants/${x.tenant.slug}`;
    const department = `${tenant}/departments/${x.a.department}`;
    const service = bodyFor(
      { method: 'PUT', path: '/api/admin/tenants/:tenant/departments/:department/services/:serviceId' },
      x.a,
    ) as Record<string, unknown>;
    const cases: [string, string, unknown][] = [
      ['POST', `${tenant}/closures`, { from: '2026-02-30', to: '2026-03-01', reason: null }],
      ['POST', `${tenant}/closures`, { from: '2026-12-05', to: '2026-12-01', reason: null }],
      ['POST', `${tenant}/closures`, { from: '1.12.2026', to: '2026-12-01', reason: null }],
      ['POST', `${tenant}/closures/holidays`, { year: 1_000_000 }],
      ['POST', `${tenant}/closures/holidays`, { year: -2026 }],
      ['POST', `${department}/closures`, { from: '2027-02-29', to: '2027-03-01', reason: null }],
      ['POST', `${department}/closures`, { from: '2027-01-10', to: '2027-01-01', reason: null }],
      // Names go into mail subjects: one line each.
      ['PATCH', tenant, { name: 'Stadt\r\nBcc: opfer@evil.example' }],
      ['PATCH', department, { name: { de: 'Bürgeramt\nBcc: opfer@evil.example' } }],
      ['PATCH', department, { name: { de: 'Bürgeramt', en: 'Citizens\u0000 office' } }],
      ['POST', `${tenant}/departments`, { slug: 'zeilen', name: { de: 'Amt\r\nZwei' }, description: { de: 'Neu' } }],
      ['PATCH', `${tenant}/staff/${x.a.staffId}`, { name: 'Erika\r\nMuster' }],
      [
        'POST',
        `${tenant}/staff`,
        { name: 'Erika\u0007', email: 'erika-neu@test.example', languages: ['de'], isTenantAdmin: false, roles: [] },
      ],
      ['PATCH', department, { queueCap: 0 }],
      ['PATCH', department, { queueCap: -1 }],
      ['PATCH', department, { queueCap: 1_000_000 }],
      ['PATCH', department, { queueCap: 2.5 }],
      ['PUT', `${department}/services/${x.a.serviceId}`, { ...service, durationMinutes: -15 }],
      ['PUT', `${department}/services/${x.a.serviceId}`, { ...service, durationMinutes: 0 }],
      ['PUT', `${department}/services/${x.a.serviceId}`, { ...service, extraMinutesPerPerson: -5 }],
      ['PUT', `${department}/services/${x.a.serviceId}`, { ...service, maxPersons: 0 }],
      ['PUT', `${department}/services/${x.a.serviceId}`, { ...service, onlineUrl: 'javascript:alert(1)' }],
      ['PUT', `${department}/services/${x.a.serviceId}`, { ...service, onlineUrl: 'http://amt.example/antrag' }],
      [
        'PUT',
        `${department}/booking-rules`,
        {
          ...(bodyFor(
            { method: 'PUT', path: '/api/admin/tenants/:tenant/departments/:department/booking-rules' },
            x.a,
          ) as object),
          leadMinutes: -30,
        },
      ],
      [
        'PUT',
        `${department}/booking-rules`,
        {
          ...(bodyFor(
            { method: 'PUT', path: '/api/admin/tenants/:tenant/departments/:department/booking-rules' },
            x.a,
          ) as object),
          horizonDays: 0,
        },
      ],
      ['POST', `${department}/availability/${x.a.staffId}/absences`, { startsOn: '2027-02-30', endsOn: '2027-03-01' }],
      ['POST', `${department}/availability/${x.a.staffId}/absences`, { startsOn: '2027-03-05', endsOn: '2027-03-01' }],
      [
        'PUT',
        `${department}/availability/${x.a.staffId}`,
        { ranges: [{ weekday: 3, startsAt: '16:00', endsAt: '13:00' }] },
      ],
      [
        'PUT',
        `${department}/availability/${x.a.staffId}`,
        { ranges: [{ weekday: 9, startsAt: '08:00', endsAt: '12:00' }] },
      ],
      [
        'PUT',
        `${department}/availability/${x.a.staffId}`,
        { ranges: [{ weekday: 3, startsAt: '25:00', endsAt: '26:00' }] },
      ],
    ];
    const before = await snapshot(db());
    for (const [method, path, body] of cases) {
      await expectRefusedInBothLanguages(
        browser,
        method,
        path,
        (headers) => browser.request(method, path, body, headers),
        [400],
        JSON.stringify(body).slice(0, 120),
      );
    }
    expect(await snapshot(db())).toEqual(before);
  });

  it('answers an id that is not one as naming nothing (or nothing of theirs), never with a server error', async () => {
    const { x, browser } = await administrator();
    const before = await snapshot(db());
    const withIds = writeRoutes()
      .concat(
        mountedRoutes(createApp(suite.server.deps)).filter(
          (r) => r.method === 'GET' && r.path.startsWith('/api/admin'),
        ),
      )
      .filter((route) => /:(staffId|serviceId|closureId|absenceId|tenantId|kind|deviceId)\b/.test(route.path));
    expect(withIds.length).toBeGreaterThan(10);
    for (const route of withIds) {
      for (const bad of ['not-a-uuid', '00000000-0000-0000-0000-00000000000g', "1' or '1'='1", '%00']) {
        const path = fill(route, x.a).replace(
          /(?<=\/)[0-9a-f-]{36}(?=\/|$)|(?<=texts\/)imprint$/g,
          encodeURIComponent(bad),
        );
        const answer = await browser.request(route.method, path, bodyFor(route, x.a));
        expect({ route: `${route.method} ${route.path}`, bad, status: answer.status }).toEqual({
          route: `${route.method} ${route.path}`,
          bad,
          status: expect.toBeOneOf([400, 403, 404]),
        });
      }
    }
    expect(await snapshot(db())).toEqual(before);
  });
});

async function rawRequest(
  browser: TestClient,
  method: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<Answer> {
  const response = await fetch(`${browser.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie: browser.cookieHeader(), ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

describe('what admins and citizens type stays out of the log', () => {
  // Started in the hook (and its time limit), not in the test: a PGlite database's start and
  // migrations took over 20 s on a loaded machine, past the test's own 30 s with the requests.
  const { logger, text } = captureLogger('debug');
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'), { logger, env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => server?.stop());

  it('logs no name, e-mail address, secret or text of admin requests and feedback, refused or not', async () => {
    let n = 0;
    const client = () => new TestClient(server.url, { 'x-forwarded-for': `10.15.0.${++n}` });
    const db = server.database.db;
    const x = await makeMunicipality(db);
    const { browser, person } = await signedInAdmin(db, client(), x.tenant.id, { values: { isTenantAdmin: true } });
    const tenant = `/api/admin/tenants/${x.tenant.slug}`;
    const secrets = {
      name: 'Wilhelmine Geheimname',
      email: 'wilhelmine.geheim@test.example',
      clientSecret: 'S3cr3t-des-Anbieters-xyz',
      text: 'Vertraulicher Text der Rückmeldung',
    };
    await browser.post(`${tenant}/staff`, {
      name: secrets.name,
      email: secrets.email,
      languages: ['de'],
      isTenantAdmin: false,
      roles: [],
    });
    // Refused ones too: a bad address, a name too long, and a secret next to a bad issuer.
    await browser.post(`${tenant}/staff`, {
      name: secrets.name.repeat(20),
      email: secrets.email,
      languages: ['de'],
      isTenantAdmin: false,
      roles: [],
    });
    await browser.request('PATCH', tenant, { contact: { email: `${secrets.email}x@` } });
    await browser.put(`${tenant}/identity-provider`, {
      issuer: 'http://nicht-https.test.example',
      clientId: 'amtsraum',
      clientSecret: secrets.clientSecret,
      label: { de: 'Anmelden' },
    });
    await browser.put(`${tenant}/texts/imprint`, { text: { de: secrets.text } });
    await db
      .update(schema.tenants)
      .set({ contact: { email: 'rathaus@test.example' } })
      .where(eq(schema.tenants.id, x.tenant.id));
    await client().post(`/api/tenants/${x.tenant.slug}/accessibility-feedback`, {
      name: secrets.name,
      email: secrets.email,
      message: secrets.text,
    });
    await client().post('/api/staff/login', { email: person.email, password: 'falsch-falsch-falsch' });
    const log = text();
    expect(log.length).toBeGreaterThan(0);
    for (const [what, value] of Object.entries({ ...secrets, adminEmail: person.email, password: person.password })) {
      expect({ what, inLog: log.includes(value) }).toEqual({ what, inLog: false });
    }
  });
});
