import { AdmitProblemSchema, ConsoleSnapshotSchema, StaffMeSchema } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, staffMemberships } from '../../db/schema.js';
import { testClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { makeOffice, makeStaff, makeTenant, signedInClerk as makeSignedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { estimateMinutes } from '../visits/queue.service.js';

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday 10:00 in Berlin, open by the factory's hours

describe.each(databaseKinds)('clerk sign-in and console on %s', (kind) => {
  const clock = testClock(NOW);
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;

  // Opened by a clerk for today, so that tests moving the clock stay inside an open door.
  const office = async () => {
    const made = await makeOffice(db(), { openAt: clock.now() });
    return { ...made, console: made.staffPath };
  };

  /** A clerk of `departmentIds`, from a tenant of their own, signed in. */
  async function signedInClerk(departmentIds: string[], name = 'Clerk') {
    const tenant = await makeTenant(db());
    return makeSignedInClerk(db(), client(), tenant.id, departmentIds, { name });
  }

  async function knock(base: string, name: string) {
    const browser = client();
    const response = await browser.post(`${base}/knock`, {
      name,
      concern: 'Vertrauliches Anliegen',
      language: 'tr',
      interpreterLanguage: 'tr',
      consent: true,
    });
    expect(response.status).toBe(201);
    return { browser, visitId: response.json.visit.id as string };
  }

  it('signs in with an httpOnly session cookie, describes the clerk, and signs out', async () => {
    const { department } = await office();
    const tenant = await makeTenant(db());
    const person = await makeStaff(db(), tenant.id, {
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    const browser = client();

    const wrong = await browser.post('/api/staff/login', { email: person.email, password: 'falsch' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe('invalid_credentials');
    const unknown = await browser.post('/api/staff/login', { email: 'niemand@test.example', password: 'x' });
    expect(unknown.json.code).toBe('invalid_credentials');
    expect((await browser.post('/api/staff/login', { email: 'kein-at', password: 'x' })).status).toBe(400);

    const ok = await browser.post('/api/staff/login', { email: person.email.toUpperCase(), password: person.password });
    expect(ok.status).toBe(200);
    expect(ok.headers.getSetCookie().join()).toMatch(/amtsraum_session=[^;]+;.*HttpOnly/i);
    const me = StaffMeSchema.parse((await browser.get('/api/staff/me')).json);
    expect(me.staff.departments.map((d) => d.id)).toEqual([department.id]);

    expect((await browser.post('/api/staff/logout')).status).toBe(204);
    expect((await browser.get('/api/staff/me')).status).toBe(401);
  });

  it('ends sessions after two idle hours', async () => {
    const { department } = await office();
    const { browser } = await signedInClerk([department.id]);
    expect((await browser.get('/api/staff/me')).status).toBe(200);
    clock.advance(2 * 3600_000 + 1000);
    expect((await browser.get('/api/staff/me')).status).toBe(401);
  });

  it('limits password guessing on one account with 429', async () => {
    const tenant = await makeTenant(db());
    const person = await makeStaff(db(), tenant.id);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await client().post('/api/staff/login', { email: person.email, password: `guess-${i}` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Even the right password waits out the window from a device that never signed in to the account
    // (the clerk's own device is counted apart: sign-in-limits.test.ts).
    expect((await client().post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(
      429,
    );
  });

  it('keeps clerks to their own departments', async () => {
    const mine = await office();
    const theirs = await office();
    const { browser } = await signedInClerk([mine.department.id]);
    const { visitId } = await knock(theirs.base, 'Fremd');

    expect((await browser.get(`${theirs.console}/console`)).status).toBe(403);
    expect((await browser.put(`${theirs.console}/door`, { state: 'closed' })).status).toBe(403);
    expect((await browser.post(`${theirs.console}/visits/${visitId}/admit`)).status).toBe(403);
    expect((await browser.post(`${theirs.console}/admit-next`)).status).toBe(403);
    expect((await browser.post(`${theirs.console}/visits/${visitId}/decline`, {})).status).toBe(403);
    // Another department's visit through one's own department: not found here.
    expect((await browser.post(`${mine.console}/visits/${visitId}/admit`)).status).toBe(404);
    // Without a session at all.
    expect((await client().get(`${mine.console}/console`)).status).toBe(401);
    expect((await browser.get(`/api/staff/departments/not-a-uuid/console`)).status).toBe(404);

    const theirQueue = await createTestClientFor(theirs.console);
    expect(theirQueue.queue.map((q) => q.id)).toEqual([visitId]);
  });

  async function createTestClientFor(consolePath: string) {
    const departmentId = consolePath.split('/').pop()!;
    const { browser } = await signedInClerk([departmentId], 'Kontrolle');
    return ConsoleSnapshotSchema.parse((await browser.get(`${consolePath}/console`)).json);
  }

  it('shows the queue with concern, language and interpreter need; admits, and the citizen sees who', async () => {
    const { console: path } = await office();
    const { browser: clerk } = await signedInClerk([path.split('/').pop()!], 'Anna Schmidt');
    const citizen = await knock(
      `/api/tenants/${(await tenantOf(path)).tenantSlug}/departments/${(await tenantOf(path)).slug}`,
      'Ayşe',
    );

    const snapshot = ConsoleSnapshotSchema.parse((await clerk.get(`${path}/console`)).json);
    expect(snapshot.queue).toMatchObject([
      {
        id: citizen.visitId,
        name: 'Ayşe',
        concern: 'Vertrauliches Anliegen',
        language: 'tr',
        interpreterLanguage: 'tr',
        state: 'waiting',
      },
    ]);

    expect((await clerk.post(`${path}/visits/${citizen.visitId}/admit`)).status).toBe(200);
    expect((await citizen.browser.get('/api/visit')).json.visit).toMatchObject({
      state: 'admitted',
      admittedBy: 'Anna Schmidt',
      position: null,
    });
    const after = ConsoleSnapshotSchema.parse((await clerk.get(`${path}/console`)).json);
    expect(after.queue).toEqual([]);
    expect(after.active).toMatchObject([{ id: citizen.visitId, admittedBy: { name: 'Anna Schmidt' } }]);

    expect((await clerk.post(`${path}/visits/${citizen.visitId}/finish`)).status).toBe(204);
    expect((await citizen.browser.get('/api/visit')).json.visit.state).toBe('done');
  });

  async function tenantOf(consolePath: string) {
    const departmentId = consolePath.split('/').pop()!;
    const { browser } = await signedInClerk([departmentId], 'Lookup');
    const snapshot = ConsoleSnapshotSchema.parse((await browser.get(`${consolePath}/console`)).json);
    return { tenantSlug: snapshot.department.tenantSlug, slug: snapshot.department.slug };
  }

  it('lets exactly one of two clerks admit the same person at the same moment', async () => {
    const { base, department, console: path } = await office();
    const [a, b] = [await signedInClerk([department.id], 'A'), await signedInClerk([department.id], 'B')];
    const { visitId } = await knock(base, 'Eine');
    const results = await Promise.all([
      a.browser.post(`${path}/visits/${visitId}/admit`),
      b.browser.post(`${path}/visits/${visitId}/admit`),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.json.code).toBe('visit_taken');
  });

  it('gives two clerks pressing "next" together two different people, in queue order', async () => {
    const { base, department, console: path } = await office();
    const [a, b] = [await signedInClerk([department.id], 'A'), await signedInClerk([department.id], 'B')];
    const first = await knock(base, 'Erste');
    const second = await knock(base, 'Zweite');
    await knock(base, 'Dritte');
    const results = await Promise.all([a.browser.post(`${path}/admit-next`), b.browser.post(`${path}/admit-next`)]);
    const statuses = results.map((r) => r.status);
    const admitted = results.filter((r) => r.status === 200).map((r) => r.json.visitId);
    // Both succeed with the first two; or, if one raced past the lock, it is told plainly.
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(new Set(admitted).size).toBe(admitted.length);
    expect(admitted).toContain(first.visitId);
    if (admitted.length === 2) expect(admitted).toContain(second.visitId);
  });

  it('keeps a clerk to one person at a time, and tells them so', async () => {
    const { base, department, console: path } = await office();
    const { browser } = await signedInClerk([department.id]);
    await knock(base, 'Eins');
    await knock(base, 'Zwei');
    expect((await browser.post(`${path}/admit-next`)).status).toBe(200);
    const busy = await browser.post(`${path}/admit-next`);
    expect(busy.status).toBe(409);
    expect(busy.json.code).toBe('clerk_busy');
  });

  it('says where the conversation is that keeps a clerk from letting someone in, and whether the clerk is still a member there', async () => {
    const fund = await office();
    const gewerbe = await office();
    const { browser, person } = await signedInClerk([fund.department.id, gewerbe.department.id]);
    const dora = await knock(fund.base, 'Dora Fund');
    await knock(gewerbe.base, 'Emil Gewerbe');
    expect((await browser.post(`${fund.console}/visits/${dora.visitId}/admit`)).status).toBe(200);

    const busy = await browser.post(`${gewerbe.console}/admit-next`);
    expect(busy.status).toBe(409);
    const problem = AdmitProblemSchema.parse(busy.json);
    expect(problem.code).toBe('clerk_busy');
    expect(problem.busyWith).toEqual({
      departmentId: fund.department.id,
      departmentName: fund.department.name,
      visitId: dora.visitId,
      name: 'Dora Fund',
      ticketNumber: null,
      member: true,
    });

    // The role there taken away mid-conversation: the office is still named, the clerk told it is not theirs.
    await db()
      .delete(staffMemberships)
      .where(and(eq(staffMemberships.staffId, person.id), eq(staffMemberships.departmentId, fund.department.id)));
    const after = AdmitProblemSchema.parse((await browser.post(`${gewerbe.console}/admit-next`)).json);
    expect(after.busyWith).toMatchObject({ departmentId: fund.department.id, visitId: dora.visitId, member: false });
    // And the way on the console offers works: the former clerk ends it from here, then lets the next in.
    expect((await browser.post(`${fund.console}/visits/${dora.visitId}/finish`)).status).toBe(204);
    expect((await browser.post(`${gewerbe.console}/admit-next`)).status).toBe(200);
  });

  it('lets "next" pass over a person whose connection is lost, who keeps their place; with only them waiting, says so', async () => {
    const { base, department, console: path } = await office();
    const { browser } = await signedInClerk([department.id]);
    const gone = await knock(base, 'Funkloch');
    const here = await knock(base, 'Verbunden');
    const watch = async (citizen: { browser: ReturnType<typeof client> }) => {
      const live = await citizen.browser.live();
      const seen = live.next('visit');
      live.send({ type: 'watch-visit' });
      await seen;
      return live;
    };
    const goneLive = await watch(gone);
    const hereLive = await watch(here);
    const console = await browser.live();
    const first = console.next('console-connections');
    console.send({ type: 'watch-console', departmentId: department.id });
    expect((await first).lost).toEqual([]);
    const lost = console.next('console-connections', (m) => m.lost.length > 0, 10_000);
    goneLive.close();
    expect((await lost).lost).toEqual([gone.visitId]);

    // The first in line has no connection: "next" takes the second, not a call with nobody.
    const next = await browser.post(`${path}/admit-next`);
    expect(next.status).toBe(200);
    expect(next.json.visitId).toBe(here.visitId);
    expect((await browser.post(`${path}/visits/${here.visitId}/finish`)).status).toBe(204);

    // Only the lost person waits: said, and nobody is let in; by their row they still can be.
    const onlyLost = await browser.post(`${path}/admit-next`);
    expect(onlyLost.status).toBe(409);
    expect(onlyLost.json.code).toBe('queue_only_lost');
    expect((await gone.browser.get('/api/visit')).json.visit).toMatchObject({ state: 'waiting', position: 1 });
    const named = await browser.post(`${path}/visits/${gone.visitId}/admit`);
    expect(named.status).toBe(200);
    expect(named.json.visitId).toBe(gone.visitId);
    console.close();
    hereLive.close();
  });

  it('declines with a note the citizen reads; an empty queue says so', async () => {
    const { base, department, console: path } = await office();
    const { browser } = await signedInClerk([department.id]);
    const citizen = await knock(base, 'Bitte Termin');
    const note = 'Bitte buchen Sie einen Termin, das dauert länger.';
    expect((await browser.post(`${path}/visits/${citizen.visitId}/decline`, { note })).status).toBe(204);
    expect((await citizen.browser.get('/api/visit')).json.visit).toMatchObject({
      state: 'declined',
      declineNote: note,
    });
    expect((await browser.post(`${path}/visits/${citizen.visitId}/decline`, {})).json.code).toBe('visit_taken');
    const empty = await browser.post(`${path}/admit-next`);
    expect(empty.status).toBe(409);
    expect(empty.json.code).toBe('queue_empty');
  });

  it('sets the door, which the public sees, and audits who did what without the concern', async () => {
    const { base, department, console: path } = await office();
    const { browser, person } = await signedInClerk([department.id]);
    const closed = ConsoleSnapshotSchema.parse((await browser.put(`${path}/door`, { state: 'paused' })).json);
    expect(closed.door.state).toBe('paused');
    expect(closed.doorSetting).toBe('paused');
    expect((await client().get(`${base}/door`)).json.door).toMatchObject({ state: 'paused', canKnock: false });
    expect(
      (await client().post(`${base}/knock`, { name: 'X', concern: 'Y', language: 'de', consent: true })).json.code,
    ).toBe('door_closed');
    expect((await browser.put(`${path}/door`, { state: 'wide-open' })).status).toBe(400);
    expect(ConsoleSnapshotSchema.parse((await browser.put(`${path}/door`, { state: 'auto' })).json).doorSetting).toBe(
      'auto',
    );
    await browser.put(`${path}/door`, { state: 'open' });
    const citizen = await knock(base, 'Audit');
    await browser.post(`${path}/visits/${citizen.visitId}/admit`);

    const audit = await db().select().from(auditEvents).where(eq(auditEvents.departmentId, department.id));
    expect(audit.filter((e) => e.action === 'door.changed').map((e) => e.data.state)).toEqual([
      'paused',
      'auto',
      'open',
    ]);
    expect(audit.find((e) => e.action === 'visit.admitted')).toMatchObject({
      actorStaffId: person.id,
      visitId: citizen.visitId,
    });
    expect(JSON.stringify(audit)).not.toContain('Vertrauliches');
  });

  it('refuses state changes from another site (Origin check)', async () => {
    const { department, console: path } = await office();
    const { browser } = await signedInClerk([department.id]);
    const response = await browser.request(
      'PUT',
      `${path}/door`,
      { state: 'closed' },
      { origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(response.json.code).toBe('origin_not_allowed');
    expect(ConsoleSnapshotSchema.parse((await browser.get(`${path}/console`)).json).door.state).toBe('open');
  });
});

describe('estimateMinutes', () => {
  it('is zero when a clerk is free for the first in line, and spreads the rest over clerks', () => {
    expect(estimateMinutes({ position: 1, meanMinutes: 10, clerksOnDuty: 1, busyClerks: 0 })).toBe(0);
    expect(estimateMinutes({ position: 1, meanMinutes: 10, clerksOnDuty: 1, busyClerks: 1 })).toBe(10);
    expect(estimateMinutes({ position: 3, meanMinutes: 10, clerksOnDuty: 1, busyClerks: 1 })).toBe(30);
    expect(estimateMinutes({ position: 3, meanMinutes: 10, clerksOnDuty: 2, busyClerks: 2 })).toBe(20);
    expect(estimateMinutes({ position: 2, meanMinutes: 10, clerksOnDuty: 0, busyClerks: 0 })).toBe(20);
  });
});
