import { CitizenVisitResponseSchema, DoorLiveSchema, ProblemSchema } from '@amtsraum/shared';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, departments, visits } from '../../db/schema.js';
import { signValue, VISIT_COOKIE } from '../../lib/cookies.js';
import { TestClient } from '../../test/client.js';
import { testClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { makeOffice, makeService } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { purgePersonalData } from '../../jobs/retention.js';
import { expireAbsentVisits } from './visits.service.js';
import { DOOR_READ_LIMITS, KNOCK_LIMITS, OWN_VISIT_LIMITS } from './visits.router.js';

// Monday 23 November 2026, 10:00 in Berlin: open by the factory's office hours.
const NOW = new Date('2026-11-23T09:00:00Z');

describe.each(databaseKinds)('knocking on %s', (kind) => {
  const clock = testClock(NOW);
  // Each citizen knocks from their own address, so the per-address knock limit stays out of the way.
  const suite = useTestServer(kind, { now: clock.now });
  const citizen = suite.client;

  const office = (values: Partial<typeof departments.$inferInsert> = {}) =>
    makeOffice(suite.db(), { department: values });

  const knockBody = (name = 'Alex') => ({ name, concern: 'Frage zum Ausweis', language: 'de', consent: true });

  it('takes a knock, binds the visit to the browser by an httpOnly cookie, and counts it at the door', async () => {
    const { base } = await office();
    const alex = citizen();
    const response = await alex.post(`${base}/knock`, knockBody());
    expect(response.status).toBe(201);
    const { visit } = CitizenVisitResponseSchema.parse(response.json);
    expect(visit).toMatchObject({ state: 'waiting', position: 1, name: 'Alex' });
    const setCookie = response.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/amtsraum_visit=.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toContain(visit.id + ';'); // the id alone is not the cookie: it is signed

    const door = DoorLiveSchema.parse((await citizen().get(`${base}/door`)).json.door);
    expect(door).toMatchObject({ state: 'open', waiting: 1, busy: true, canKnock: true });
    expect(door.estimatedWaitMinutes).toBeGreaterThan(0);

    // A refresh (the same cookie) finds the same place; knocking again does not queue twice.
    expect((await alex.get('/api/visit')).json.visit.id).toBe(visit.id);
    const again = await alex.post(`${base}/knock`, knockBody());
    expect(again.status).toBe(200);
    expect(again.json.visit.id).toBe(visit.id);
  });

  it('serves the door as JSON for other websites (CORS)', async () => {
    const { base } = await office();
    const response = await citizen().get(`${base}/door`);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect((await citizen().get('/api/tenants/nirgendwo/departments/nichts/door')).status).toBe(404);
  });

  it('serves the door 600 times in ten minutes to one address, then refuses it readably for other websites', async () => {
    const { base } = await office();
    const script = citizen();
    const statuses = new Set<number>();
    for (let i = 0; i < DOOR_READ_LIMITS.perAddress.max; i++) statuses.add((await script.get(`${base}/door`)).status);
    expect([...statuses]).toEqual([200]);
    const refused = await script.get(`${base}/door`);
    expect(refused.status).toBe(429);
    expect(refused.json.code).toBe('rate_limited');
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    // Every other address is served as before.
    expect((await citizen().get(`${base}/door`)).status).toBe(200);
  });

  it('refuses knocks at a closed or paused door, with the next opening time', async () => {
    const { base, department } = await office();
    await suite
      .db()
      .update(departments)
      .set({ doorOverride: 'closed', doorOverrideAt: NOW })
      .where(eq(departments.id, department.id));
    const response = await citizen().post(`${base}/knock`, knockBody());
    expect(response.status).toBe(409);
    const problem = ProblemSchema.parse(response.json);
    expect(problem).toMatchObject({ code: 'door_closed', opensAt: '2026-11-24T07:00:00.000Z' });
    expect(problem.detail).toBeUndefined();
    const count = await suite.db().select().from(visits).where(eq(visits.departmentId, department.id));
    expect(count).toHaveLength(0);
  });

  it('refuses knocks past the queue cap, even when they arrive together', async () => {
    const { base, department } = await office({ queueCap: 3 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => citizen().post(`${base}/knock`, knockBody(`P${i}`))),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409).every((r) => r.json.code === 'queue_full')).toBe(true);
    const rows = await suite.db().select().from(visits).where(eq(visits.departmentId, department.id));
    expect(rows).toHaveLength(3);
    const door = (await citizen().get(`${base}/door`)).json.door;
    expect(door).toMatchObject({ queueFull: true, canKnock: false, waiting: 3 });
  });

  it('rejects bad input with field errors in the user language and stores nothing', async () => {
    const { base, department } = await office();
    const cases = [
      { ...knockBody(), consent: false },
      { ...knockBody(), name: '' },
      { ...knockBody(), name: 'x'.repeat(81) },
      { ...knockBody(), concern: 'y'.repeat(501) },
      { ...knockBody(), language: 'deutsch' },
      { name: 'Alex', language: 'de', consent: true }, // neither concern nor service
      { ...knockBody(), name: 'A\u0000B' },
    ];
    for (const body of cases) {
      const response = await citizen().post(`${base}/knock`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json.code).toBe('validation_failed');
      expect(response.json.errors.length).toBeGreaterThan(0);
    }
    const english = await citizen().request(
      'POST',
      `${base}/knock`,
      { ...knockBody(), consent: false },
      { 'accept-language': 'en' },
    );
    expect(english.json.title).toBe('Some of the details are not valid.');
    const rows = await suite.db().select().from(visits).where(eq(visits.departmentId, department.id));
    expect(rows).toHaveLength(0);
  });

  it('refuses names and concerns of invisible characters, saying so in the user language, and stores nothing', async () => {
    const { base, department } = await office();
    const tags = '\u{e0041}\u{e0042}'; // "AB" in tag characters, invisible
    for (const name of ['\u2800', '\u2800\u2800', `Alex${tags}`, tags, '\ufffc', 'Al\ufffcex', 'A\u2800lex']) {
      const german = await citizen().post(`${base}/knock`, knockBody(name));
      expect([name, german.status, german.json.code]).toEqual([name, 400, 'validation_failed']);
      expect(german.json.errors).toEqual([
        { path: 'name', message: 'Ein Name darf keine unsichtbaren Zeichen enthalten.' },
      ]);
      const english = await citizen().request('POST', `${base}/knock`, knockBody(name), { 'accept-language': 'en' });
      expect(english.json.errors).toEqual([{ path: 'name', message: 'A name must not contain invisible characters.' }]);
      // The booking's name is the same check.
      const booking = await citizen().post(`${base}/appointments`, {
        services: ['pass'],
        persons: 1,
        startsAt: NOW.toISOString(),
        name,
        language: 'de',
        email: 'alex@example.org',
        consent: true,
      });
      expect(booking.json.errors).toEqual([
        { path: 'name', message: 'Ein Name darf keine unsichtbaren Zeichen enthalten.' },
      ]);
    }
    for (const concern of ['\u2800\u2800', `Ausweis${tags}`, '\ufffc']) {
      const response = await citizen().request(
        'POST',
        `${base}/knock`,
        { ...knockBody(), concern },
        { 'accept-language': 'en' },
      );
      expect([concern, response.status, response.json.errors]).toEqual([
        concern,
        400,
        [{ path: 'concern', message: 'Please leave out invisible characters.' }],
      ]);
    }
    expect(await suite.db().select().from(visits).where(eq(visits.departmentId, department.id))).toHaveLength(0);
    // Real names and a concern pasted with a soft hyphen still get in.
    for (const name of ['İlkay Gündoğan', 'Rene\u0301e', "Siobhán O'Brien-Müller", 'عبد الله', '山田 太郎']) {
      const response = await citizen().post(`${base}/knock`, { ...knockBody(name), concern: 'Reise\u00adpass' });
      expect([name, response.status]).toEqual([name, 201]);
    }
  });

  it('keeps HTML in names and concerns as plain text', async () => {
    const { base } = await office();
    const html = '<img src=x onerror=alert(1)>';
    const response = await citizen().post(`${base}/knock`, {
      ...knockBody(html),
      concern: `<script>alert(1)</script>`,
    });
    expect(response.status).toBe(201);
    expect(response.json.visit.name).toBe(html);
  });

  it('takes a knockable service and lists its documents; refuses a service that is not knockable', async () => {
    const { base, department } = await office();
    const service = await makeService(suite.db(), department.id, {
      documents: [{ de: 'Personalausweis', en: 'ID card' }],
    });
    const bookOnly = await makeService(suite.db(), department.id, { knockable: false });
    const ok = await citizen().post(`${base}/knock`, {
      name: 'Kim',
      serviceSlug: service.slug,
      language: 'en',
      consent: true,
    });
    expect(ok.status).toBe(201);
    expect(ok.json.visit.documents).toEqual([{ de: 'Personalausweis', en: 'ID card' }]);
    const refused = await citizen().post(`${base}/knock`, {
      name: 'Kim',
      serviceSlug: bookOnly.slug,
      language: 'en',
      consent: true,
    });
    expect(refused.status).toBe(400);
  });

  it('lets a household behind one address knock, one browser after another (issue 13, item 4)', async () => {
    const { base } = await office({ queueCap: 100 });
    // A family, a shelter, a library: many browsers behind one address, each knocking once.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const browser = new TestClient(suite.server.url, { 'x-forwarded-for': '10.9.8.7' });
      statuses.push((await browser.post(`${base}/knock`, knockBody(`Haushalt ${i}`))).status);
    }
    expect(statuses).toEqual(Array(12).fill(201));
  });

  it('limits one browser by its visit cookie, with 429 and how long to wait', async () => {
    const { base } = await office({ queueCap: 100 });
    const alex = new TestClient(suite.server.url, { 'x-forwarded-for': '10.9.8.6' });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 9; i++) {
      last = await alex.post(`${base}/knock`, knockBody());
      statuses.push(last.status);
    }
    // The first knock queues and brings the cookie; the next ones find the same place, until the
    // browser's limit (six knocks in ten minutes, the first one counted).
    expect(statuses).toEqual([201, 200, 200, 200, 200, 200, 429, 429, 429]);
    expect(last!.json.code).toBe('rate_limited');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Others behind the same address still knock.
    const neighbour = new TestClient(suite.server.url, { 'x-forwarded-for': '10.9.8.6' });
    expect((await neighbour.post(`${base}/knock`, knockBody('Nachbar'))).status).toBe(201);
  });

  it('counts a browser that knocks, leaves and knocks again by the key its cookies hand on, not per visit', async () => {
    const { base } = await office({ queueCap: 100 });
    const alex = new TestClient(suite.server.url, { 'x-forwarded-for': '10.9.8.5' });
    const statuses: number[] = [];
    const visits = new Set<string>();
    for (let i = 0; i < KNOCK_LIMITS.perBrowser.max + 2; i++) {
      const knocked = await alex.post(`${base}/knock`, knockBody(`Alex ${i}`));
      statuses.push(knocked.status);
      if (knocked.status !== 201) continue;
      visits.add(knocked.json.visit.id);
      expect((await alex.post('/api/visit/leave', {})).status).toBe(200);
    }
    // Each knock was a new visit with a new cookie; the browser's limit held all the same.
    expect(visits.size).toBe(KNOCK_LIMITS.perBrowser.max);
    expect(statuses).toEqual([...Array<number>(KNOCK_LIMITS.perBrowser.max).fill(201), 429, 429]);
    // Its neighbour behind the same address is not affected.
    const neighbour = new TestClient(suite.server.url, { 'x-forwarded-for': '10.9.8.5' });
    expect((await neighbour.post(`${base}/knock`, knockBody('Nachbarin'))).status).toBe(201);
  });

  it('still knows a visit cookie of the earlier form (the visit alone), and counts it by that visit', async () => {
    const { base } = await office({ queueCap: 100 });
    const first = new TestClient(suite.server.url, { 'x-forwarded-for': '10.9.8.4' });
    const knocked = await first.post(`${base}/knock`, knockBody('Berta'));
    const visitId = knocked.json.visit.id as string;
    // A browser holding a cookie issued before the knock key (its value: the signed visit id).
    const earlier = new TestClient(suite.server.url, { 'x-forwarded-for': '10.9.8.4' });
    earlier.cookies.set(VISIT_COOKIE, signValue(suite.server.deps.config.sessionSecret, 'visit', visitId));
    expect((await earlier.get('/api/visit')).json.visit.id).toBe(visitId);
    // Knocking again finds the same place, and the cookie it gets hands on the visit as its key.
    expect((await earlier.post(`${base}/knock`, knockBody('Berta'))).json.visit.id).toBe(visitId);
    expect((await earlier.post('/api/visit/leave', {})).json.visit.state).toBe('left');
  });

  it('keeps a loose limit per address against floods from scripts that drop their cookies', async () => {
    const { base } = await office({ queueCap: 100 });
    const flooder = new TestClient(suite.server.url, { 'x-forwarded-for': '10.9.9.9' });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < KNOCK_LIMITS.perAddress.max + 2; i++) {
      flooder.cookies.clear();
      last = await flooder.post(`${base}/knock`, knockBody(`F${i}`));
      statuses.push(last.status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(KNOCK_LIMITS.perAddress.max);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(last!.json.code).toBe('rate_limited');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Ten minutes' window: the title says how long, not "a moment".
    expect(last!.json.title).toMatch(/^Zu viele Anfragen\. Bitte versuchen Sie es in etwa (9|10) Minuten erneut\.$/);
  });

  it('counts only knocks whose form is valid, so typos behind one address do not use up its knocks', async () => {
    const { base } = await office({ queueCap: 100 });
    const townHall = new TestClient(suite.server.url, { 'x-forwarded-for': '10.9.9.10' });
    for (let i = 0; i < KNOCK_LIMITS.perAddress.max + 5; i++) {
      townHall.cookies.clear();
      const typo = await townHall.post(`${base}/knock`, { ...knockBody(`T${i}`), consent: false });
      expect(typo.status).toBe(400);
    }
    townHall.cookies.clear();
    expect((await townHall.post(`${base}/knock`, knockBody('Richtig'))).status).toBe(201);
  });

  it('keeps a browser waiting in one queue: a knock elsewhere is refused and its first place kept', async () => {
    const first = await office();
    const second = await office();
    const alex = citizen();
    const { visit } = (await alex.post(`${first.base}/knock`, knockBody())).json;
    const cookie = alex.cookies.get('amtsraum_visit');

    const elsewhere = await alex.post(`${second.base}/knock`, knockBody());
    expect(elsewhere.status).toBe(409);
    const problem = ProblemSchema.parse(elsewhere.json);
    expect(problem.code).toBe('already_waiting');
    expect(problem.title).toMatch(/bereits in einem anderen Amt/);
    // Where the browser waits is its own visit's business (GET /api/visit), not a token in `detail`.
    expect(problem.detail).toBeUndefined();
    expect(elsewhere.headers.getSetCookie()).toEqual([]);
    expect(alex.cookies.get('amtsraum_visit')).toBe(cookie);
    expect((await alex.get('/api/visit')).json.visit).toMatchObject({ id: visit.id, state: 'waiting', position: 1 });
    const door = DoorLiveSchema.parse((await citizen().get(`${second.base}/door`)).json.door);
    expect(door.waiting).toBe(0);

    // Having left the first queue, the same browser knocks at the second.
    expect((await alex.post('/api/visit/leave')).status).toBe(200);
    const there = await alex.post(`${second.base}/knock`, knockBody());
    expect(there.status).toBe(201);
    expect(there.json.visit.id).not.toBe(visit.id);
  });

  it('ignores forged and tampered visit cookies; a cookie only ever names its own visit', async () => {
    const { base } = await office();
    const alex = citizen();
    const { visit } = (await alex.post(`${base}/knock`, knockBody())).json;
    const signed = alex.cookies.get('amtsraum_visit')!;

    const forger = citizen();
    const none = async () => {
      const response = await forger.get('/api/visit');
      return response.status === 200 && response.json.visit === null;
    };
    forger.cookies.set('amtsraum_visit', visit.id); // the bare id
    expect(await none()).toBe(true);
    forger.cookies.set('amtsraum_visit', `${visit.id}.${'A'.repeat(43)}`); // wrong signature
    expect(await none()).toBe(true);
    const [, mac] = decodeURIComponent(signed).split('.');
    forger.cookies.set('amtsraum_visit', `00000000-0000-4000-8000-000000000000.${mac}`); // swapped id
    expect(await none()).toBe(true);
    expect((await forger.post('/api/visit/leave')).status).toBe(404);
    expect((await alex.get('/api/visit')).json.visit.state).toBe('waiting');
  });

  it('answers a browser about its own visit within limits per visit cookie; others are served meanwhile', async () => {
    const { base } = await office();
    const [script, neighbour] = [citizen(), citizen()];
    const scripted = (await script.post(`${base}/knock`, knockBody('Skript'))).json.visit.id as string;
    await neighbour.post(`${base}/knock`, knockBody('Nachbar'));
    const reads = new Set<number>();
    for (let i = 0; i < OWN_VISIT_LIMITS.readsPerVisit.max; i++) reads.add((await script.get('/api/visit')).status);
    expect([...reads]).toEqual([200]);
    const refused = await script.get('/api/visit');
    expect(refused.status).toBe(429);
    expect(ProblemSchema.parse(refused.json).code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await neighbour.get('/api/visit')).json.visit.position).toBe(2);
    // A browser without a visit reads nothing and is never refused for it.
    const stranger = citizen();
    for (let i = 0; i < 5; i++) {
      expect((await stranger.get('/api/visit')).json).toEqual({
        visit: null,
        serverTime: expect.any(String) as string,
      });
    }

    // Leaving is counted too: a script repeating it is stopped, and the leave itself stood.
    const leaves: number[] = [];
    for (let i = 0; i <= OWN_VISIT_LIMITS.leavesPerVisit.max; i++)
      leaves.push((await neighbour.post('/api/visit/leave')).status);
    expect(leaves.slice(0, -1).every((status) => status === 200)).toBe(true);
    expect(leaves.at(-1)).toBe(429);
    const [still] = await suite.db().select({ state: visits.state }).from(visits).where(eq(visits.id, scripted));
    expect(still!.state).toBe('waiting');
  });

  it('moves everyone up when someone leaves, and records it without the concern', async () => {
    const { base, department } = await office();
    const [a, b, c] = [citizen(), citizen(), citizen()];
    await a.post(`${base}/knock`, knockBody('A'));
    await b.post(`${base}/knock`, knockBody('B'));
    await c.post(`${base}/knock`, knockBody('C'));
    expect((await c.get('/api/visit')).json.visit.position).toBe(3);
    const left = await b.post('/api/visit/leave');
    expect(left.json.visit.state).toBe('left');
    expect((await c.get('/api/visit')).json.visit.position).toBe(2);
    expect((await a.get('/api/visit')).json.visit.position).toBe(1);

    const audit = await suite.db().select().from(auditEvents).where(eq(auditEvents.departmentId, department.id));
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['visit.knocked', 'visit.left']));
    expect(JSON.stringify(audit)).not.toContain('Frage zum Ausweis');
  });

  it('drops citizens gone longer than the grace period and moves the rest up', async () => {
    const { base, department } = await office();
    const [gone, stays] = [citizen(), citizen()];
    const goneVisit = (await gone.post(`${base}/knock`, knockBody('Gone'))).json.visit;
    await stays.post(`${base}/knock`, knockBody('Stays'));
    clock.advance(100_000);
    await stays.get('/api/visit'); // the page that stays is connected and seen
    clock.advance(30_000);
    const expired = await expireAbsentVisits(
      { db: suite.db(), events: suite.server.deps.events, now: clock.now() },
      120,
    );
    expect(expired).toBeGreaterThanOrEqual(1);
    expect((await gone.get('/api/visit')).json.visit.state).toBe('expired');
    expect((await stays.get('/api/visit')).json.visit).toMatchObject({ state: 'waiting', position: 1 });
    const [row] = await suite.db().select().from(visits).where(eq(visits.id, goneVisit.id));
    expect(row!.state).toBe('expired');
    const audit = await suite.db().select().from(auditEvents).where(eq(auditEvents.visitId, goneVisit.id));
    expect(audit.map((e) => e.action)).toContain('visit.expired');
    void department;
  });

  it('deletes names and concerns once the retention period after the visit has passed', async () => {
    const { base } = await office();
    const leaver = citizen();
    const { visit } = (await leaver.post(`${base}/knock`, { ...knockBody('Persönlich'), concern: 'Privat' })).json;
    await leaver.post('/api/visit/leave');
    const db = suite.db();
    expect(await purgePersonalData(db, 30, new Date(clock.now().getTime() + 29 * 24 * 3600_000))).toBe(0);
    expect(
      await purgePersonalData(db, 30, new Date(clock.now().getTime() + 31 * 24 * 3600_000)),
    ).toBeGreaterThanOrEqual(1);
    const [row] = await db.select().from(visits).where(eq(visits.id, visit.id));
    expect(row).toMatchObject({ citizenName: '', concern: null, state: 'left' });
  });
});
