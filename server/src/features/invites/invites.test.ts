// One file on purpose, though over 400 lines: its tests share a peer-to-peer and a LiveKit
// server per database, and a second file would start four more on a machine where tests compete
// for two cores.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  CallJoinResponseSchema,
  CreatedInviteSchema,
  InviteeStatusSchema,
  InviteListSchema,
  InvitePreviewSchema,
  InviteProblemSchema,
} from '@amtsraum/shared';
import { eq, like } from 'drizzle-orm';
import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments, auditEvents, invites as inviteRows, mailOutbox, visits } from '../../db/schema.js';
import { TestClient, type LiveSocket } from '../../test/client.js';
import { testClock } from '../../test/clock.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeTenant, signedInClerk } from '../../test/factories.js';
import { startRoomService, STUB_JOBS, type RoomServiceStub } from '../../test/livekit.js';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../../test/server.js';
import { INVITE_MAIL_LIMITS, INVITE_STAFF_LIMITS } from './invites.router.js';

const camera = { camera: true, microphone: true, screen: false, cameraStreamId: 'cam-1', screenStreamId: null };

/** Each client opens its live connection; then they join the visit's call, one after the other. */
async function joinCall<T extends TestClient[]>(
  visitId: string,
  clients: [...T],
): Promise<{ [K in keyof T]: LiveSocket }> {
  const lives: LiveSocket[] = [];
  for (const client of clients) lives.push(await client.live());
  for (const live of lives) {
    const joined = live.next('call-joined');
    live.send({ type: 'call-join', visitId, media: camera });
    await joined;
  }
  return lives as { [K in keyof T]: LiveSocket };
}

/** The token from an invite link: it sits in the fragment, never in the path or query. */
function tokenOf(url: string): string {
  const parsed = new URL(url);
  expect(parsed.pathname).toBe('/einladung');
  expect(parsed.search).toBe('');
  return parsed.hash.slice(1);
}

describe.each(databaseKinds)('invite links on %s', (kind) => {
  let server: TestServer;
  let livekit: TestServer;
  let address = 0;
  const clock = testClock(new Date('2026-11-23T09:00:00Z'));
  let rooms: RoomServiceStub;

  beforeAll(async () => {
    rooms = await startRoomService();
    server = await startTestServer(await createTestDatabase(kind), { env: { TRUST_PROXY: '1' }, now: clock.now });
    livekit = await startTestServer(await createTestDatabase(kind), {
      env: { TRUST_PROXY: '1', ...rooms.env },
      now: clock.now,
      jobs: STUB_JOBS,
    });
  });
  afterAll(async () => {
    await server.stop();
    await livekit.stop();
    await rooms.stop();
  });

  /** A department with its clerk, a colleague from another department, and an admitted citizen. */
  async function admitted(on: TestServer = server) {
    const db = on.database.db;
    const client = () =>
      new TestClient(on.url, { 'x-forwarded-for': `10.7.${Math.floor(++address / 250)}.${address % 250}` });
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: clock.now() });
    const elsewhere = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: clock.now() });
    const signIn = async (departmentId: string) => {
      const { browser, person } = await signedInClerk(db, client(), tenant.id, [departmentId]);
      return { browser, id: person.id };
    };
    const clerk = await signIn(department.id);
    const outsider = await signIn(elsewhere.id);
    const citizen = client();
    const knock = (browser: TestClient) =>
      browser.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
        name: 'Ayşe',
        concern: 'Ausweis',
        language: 'tr',
        interpreterLanguage: 'tr',
        consent: true,
      });
    const knocked = await knock(citizen);
    if (knocked.status !== 201) throw new Error(JSON.stringify(knocked.json));
    const visitId = knocked.json.visit.id as string;
    const other = client();
    const otherVisitId = (await knock(other)).json.visit.id as string;
    await clerk.browser.post(`/api/staff/departments/${department.id}/visits/${visitId}/admit`);
    const invites = `/api/staff/departments/${department.id}/visits/${visitId}/invites`;
    const create = async (body: Record<string, unknown> = {}) => {
      const response = await clerk.browser.post(invites, {
        role: 'interpreter',
        label: 'Dolmetscherin Türkisch',
        language: 'tr',
        ...body,
      });
      expect(response.status).toBe(201);
      return CreatedInviteSchema.parse(response.json);
    };
    return {
      tenant,
      department,
      elsewhere,
      clerk,
      outsider,
      citizen,
      other,
      visitId,
      otherVisitId,
      invites,
      create,
      client,
    };
  }

  it('gives an invitee exactly one call with exactly the role of the link', async () => {
    const { clerk, outsider, citizen, visitId, otherVisitId, invites, create, client, department } = await admitted();

    // Only a clerk of the visit's department makes links.
    const body = { role: 'interpreter', label: 'Dolmetscherin Türkisch' };
    expect((await outsider.browser.post(invites, body)).status).toBe(403);
    expect((await citizen.post(invites, body)).status).toBe(401);
    expect((await clerk.browser.post(invites, { role: 'clerk', label: 'x' })).status).toBe(400);
    expect((await clerk.browser.post(invites, { ...body, label: '' })).json.code).toBe('validation_failed');

    const created = await create();
    expect(created.invite).toMatchObject({
      role: 'interpreter',
      state: 'active',
      uses: 0,
      multiUse: false,
      lobby: false,
    });
    const token = tokenOf(created.url);
    expect(decodeJwt(token)).toMatchObject({
      jti: created.invite.id,
      purpose: 'call-invite',
      aud: `${TEST_ORIGIN}/einladung`,
    });

    const interpreter = client();
    const redeemed = await interpreter.post('/api/invites/redeem', { token });
    expect(redeemed.status).toBe(200);
    expect(redeemed.headers.get('cache-control')).toBe('no-store');
    expect(InviteeStatusSchema.parse(redeemed.json)).toMatchObject({ state: 'ready', visitId, role: 'interpreter' });
    expect(redeemed.headers.getSetCookie().join()).toMatch(/amtsraum_invite=.*HttpOnly/i);

    const join = await interpreter.post(`/api/calls/${visitId}/join`);
    expect(CallJoinResponseSchema.parse(join.json).self).toMatchObject({
      role: 'interpreter',
      name: 'Dolmetscherin Türkisch',
      canShareScreen: false,
    });
    // The clerk's grant names the interpreter language the citizen asked for; nobody else's does.
    expect(CallJoinResponseSchema.parse(join.json).interpreterLanguage).toBeUndefined();
    expect(CallJoinResponseSchema.parse((await clerk.browser.post(`/api/calls/${visitId}/join`)).json)).toMatchObject({
      interpreterLanguage: 'tr',
      self: { role: 'clerk' },
    });
    // Not another visit's call, and no clerk powers.
    expect((await interpreter.post(`/api/calls/${otherVisitId}/join`)).status).toBe(403);
    expect((await interpreter.post(`/api/calls/${visitId}/screen-share`, { allowed: true })).status).toBe(403);
    expect((await interpreter.post(`/api/staff/departments/${department.id}/visits/${visitId}/finish`)).status).toBe(
      401,
    );
    expect((await interpreter.post(invites, body)).status).toBe(401);

    // The same browser opening the link again keeps its seat; a second person finds it used up.
    expect((await interpreter.post('/api/invites/redeem', { token })).status).toBe(200);
    const replay = await client().post('/api/invites/redeem', { token });
    expect(replay.status).toBe(410);
    expect(replay.json.code).toBe('invite_used_up');
    const listed = InviteListSchema.parse((await clerk.browser.get(invites)).json);
    expect(listed.invites[0]).toMatchObject({ uses: 1, state: 'used_up', guests: [{ state: 'admitted' }] });
  });

  it('refuses tampered, unsigned, foreign-key and malformed tokens without changing anything', async () => {
    const { create, client, invites, clerk } = await admitted();
    const created = await create({ multiUse: true });
    const token = tokenOf(created.url);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = decodeJwt(token);

    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, exp: (claims.exp ?? 0) + 86_400 })).toString(
      'base64url',
    );
    const unsigned = new UnsecuredJWT({ ...claims }).encode();
    const otherKey = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new Uint8Array(randomBytes(32)));
    const wrongPurpose = await new SignJWT({ ...claims, purpose: 'something-else' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new Uint8Array(randomBytes(32)));
    const bad = [
      `${header}.${forgedPayload}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}AA`,
      unsigned,
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`,
      otherKey,
      wrongPurpose,
      'x'.repeat(40),
    ];
    for (const attempt of bad) {
      const response = await client().post('/api/invites/redeem', { token: attempt });
      expect(response.status, attempt).toBe(404);
      expect(response.json.code).toBe('invite_invalid');
    }
    expect((await client().post('/api/invites/redeem', { token: 12 })).json.code).toBe('validation_failed');
    // A seat cookie someone wrote themselves is no seat.
    const forger = client();
    forger.cookies.set('amtsraum_invite', `${created.invite.id}.forged`);
    expect((await forger.post('/api/invites/status')).json.code).toBe('invite_invalid');
    expect(InviteListSchema.parse((await clerk.browser.get(invites)).json).invites[0]?.uses).toBe(0);
  });

  it('tells expired and revoked links apart; revoking removes the invitee from the call at once', async () => {
    const { create, client, visitId, invites, clerk, citizen, department } = await admitted();
    const short = await create({ validUntil: new Date(clock.now().getTime() + 60_000).toISOString() });
    clock.advance(120_000);
    const expired = await client().post('/api/invites/redeem', { token: tokenOf(short.url) });
    expect(expired.status).toBe(410);
    expect(expired.json.code).toBe('invite_expired');
    expect(
      (await clerk.browser.post(invites, { role: 'guest', label: 'x', validUntil: '2020-01-01T00:00:00Z' })).status,
    ).toBe(400);
    const tooFar = await clerk.browser.request(
      'POST',
      invites,
      { role: 'guest', label: 'x', validUntil: new Date(clock.now().getTime() + 40 * 86_400_000).toISOString() },
      { 'accept-language': 'de' },
    );
    // In the reader's language, as the title is (it once came in English under a German title).
    expect(tooFar.json.errors).toEqual([{ path: 'validUntil', message: 'Höchstens 30 Tage im Voraus.' }]);

    const created = await create({ multiUse: true });
    const interpreter = client();
    await interpreter.post('/api/invites/redeem', { token: tokenOf(created.url) });

    const [clerkLive, citizenLive, interpreterLive] = await joinCall(visitId, [clerk.browser, citizen, interpreter]);
    // An invitee cannot hand out screen sharing or claim it.
    const refused = interpreterLive.next('error');
    interpreterLive.send({ type: 'call-allow-screen', visitId, identity: `citizen-${visitId}`, allowed: true });
    expect((await refused).code).toBe('forbidden');
    const corrected = clerkLive.next('call-participant-updated');
    interpreterLive.send({ type: 'call-media', visitId, media: { ...camera, screen: true, screenStreamId: 's' } });
    expect((await corrected).participant).toMatchObject({ role: 'interpreter', media: { screen: false } });
    // Letting the interpreter share their screen lets only them: the citizen's stored permission
    // (what their next join is granted) stays as it was (it once followed every participant's box).
    const interpreterIdentity = (await corrected).participant.identity;
    const allowed = clerkLive.next('call-participant-updated', (m) => m.participant.canShareScreen);
    clerkLive.send({ type: 'call-allow-screen', visitId, identity: interpreterIdentity, allowed: true });
    expect((await allowed).participant).toMatchObject({ identity: interpreterIdentity, canShareScreen: true });
    const [stored] = await server.database.db
      .select({ citizenScreenShare: visits.citizenScreenShare })
      .from(visits)
      .where(eq(visits.id, visitId));
    expect(stored).toEqual({ citizenScreenShare: false });

    const removed = interpreterLive.next('call-removed');
    const goneForClerk = clerkLive.next('call-participant-left', (m) => m.identity.startsWith('invitee-'));
    const goneForCitizen = citizenLive.next('call-participant-left', (m) => m.identity.startsWith('invitee-'));
    expect(
      (await clerk.browser.post(`/api/staff/departments/${department.id}/invites/${created.invite.id}/revoke`)).status,
    ).toBe(204);
    await Promise.all([removed, goneForClerk, goneForCitizen]);

    // Neither the seat nor the link works again.
    const rejoin = interpreterLive.next('error');
    interpreterLive.send({ type: 'call-join', visitId, media: camera });
    expect((await rejoin).code).toBe('forbidden');
    expect((await interpreter.post(`/api/calls/${visitId}/join`)).json.code).toBe('invite_revoked');
    expect((await interpreter.get(`/api/calls/${visitId}/status`)).json.status).toBe('removed');
    // Their page, left open, asks how the seat stands: withdrawn, said as an answer (a 410 here was
    // logged by the browser as a failed load), with no call to go to; the link itself is refused.
    const withdrawn = await interpreter.post('/api/invites/status');
    expect([withdrawn.status, withdrawn.json.state, withdrawn.json.visitId]).toEqual([200, 'revoked', null]);
    expect((await interpreter.post('/api/invites/check', { token: tokenOf(created.url) })).json.code).toBe(
      'invite_revoked',
    );
    expect((await client().post('/api/invites/redeem', { token: tokenOf(created.url) })).json.code).toBe(
      'invite_revoked',
    );
    for (const live of [clerkLive, citizenLive, interpreterLive]) live.close();

    const actions = (await server.database.db.select().from(auditEvents).where(eq(auditEvents.visitId, visitId))).map(
      (event) => event.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['invite_created', 'invite_used', 'invite_revoked']));
  });

  it('makes a link the only valid one of its kind only when the clerk was shown the one it replaces, which stops at once (found by walking: after a console reload, the one-click link made a second)', async () => {
    const { create, client, visitId, invites, clerk, citizen } = await admitted();
    const first = await create();
    const interpreter = client();
    await interpreter.post('/api/invites/redeem', { token: tokenOf(first.url), name: 'Elif' });
    // Not of the same kind: a guest's link, and an interpreter's for another language.
    const guest = await create({ role: 'guest', label: 'Betreuer', language: undefined });
    const arabic = await create({ label: 'Dolmetscher Arabisch', language: 'ar' });
    const [clerkLive, citizenLive, interpreterLive] = await joinCall(visitId, [clerk.browser, citizen, interpreter]);

    // A page that did not know of the link is refused, and nothing is made: used up (single use), it
    // is still in force while Elif may be in the call by it.
    const blind = await clerk.browser.post(invites, {
      role: 'interpreter',
      label: 'Dolmetscherin Türkisch',
      language: 'tr',
      replacing: [],
    });
    expect([blind.status, blind.json.code]).toEqual([409, 'conflict']);
    expect(InviteListSchema.parse((await clerk.browser.get(invites)).json).invites).toHaveLength(3);
    expect((await clerk.browser.post(invites, { role: 'guest', label: 'x', replacing: ['nope'] })).status).toBe(400);

    // Knowing it, the clerk replaces it: the old link stops, and its interpreter leaves the call at once.
    const removed = interpreterLive.next('call-removed');
    const second = await create({ replacing: [first.invite.id] });
    await removed;
    expect((await interpreter.post('/api/invites/status')).json.state).toBe('revoked');
    expect((await interpreter.post(`/api/calls/${visitId}/join`)).json.code).toBe('invite_revoked');
    expect((await client().post('/api/invites/redeem', { token: tokenOf(first.url) })).json.code).toBe(
      'invite_revoked',
    );
    const states = Object.fromEntries(
      InviteListSchema.parse((await clerk.browser.get(invites)).json).invites.map((invite) => [
        invite.id,
        invite.state,
      ]),
    );
    expect(states).toEqual({
      [first.invite.id]: 'revoked',
      [second.invite.id]: 'active',
      [guest.invite.id]: 'active',
      [arabic.invite.id]: 'active',
    });
    expect((await client().post('/api/invites/redeem', { token: tokenOf(second.url) })).status).toBe(200);
    for (const live of [clerkLive, citizenLive, interpreterLive]) live.close();

    const revoked = await server.database.db.select().from(auditEvents).where(eq(auditEvents.visitId, visitId));
    expect(revoked.filter((event) => event.action === 'invite_revoked').map((event) => event.data)).toEqual([
      { inviteId: first.invite.id, replacedBy: second.invite.id },
    ]);
  });

  it('takes an invitee out of a peer-to-peer call when their link runs out, in a department where nothing else happens', async () => {
    const { create, client, visitId, clerk, citizen } = await admitted();
    const created = await create({ validUntil: new Date(clock.now().getTime() + 60_000).toISOString() });
    const interpreter = client();
    await interpreter.post('/api/invites/redeem', { token: tokenOf(created.url) });
    const [clerkLive, citizenLive, interpreterLive] = await joinCall(visitId, [clerk.browser, citizen, interpreter]);
    // Past the link's end, with no event in the department (the only time the seats were looked at
    // again): the heartbeat looks, and the interpreter leaves, with the others told. They stayed.
    const removed = interpreterLive.next('call-removed');
    const goneForClerk = clerkLive.next('call-participant-left', (m) => m.identity.startsWith('invitee-'));
    clock.advance(120_000);
    await server.hub.calls.refresh();
    await Promise.all([removed, goneForClerk]);
    expect((await interpreter.post(`/api/calls/${visitId}/join`)).json.code).toBe('invite_expired');
    for (const live of [clerkLive, citizenLive, interpreterLive]) live.close();
  });

  it('keeps a lobby invitee waiting until the clerk lets them in, and removes one person on request', async () => {
    const { create, client, visitId, clerk, department, invites } = await admitted();
    const created = await create({ role: 'guest', label: 'Betreuerin', lobby: true, multiUse: true });
    const guest = client();
    const status = await guest.post('/api/invites/redeem', { token: tokenOf(created.url), name: 'Frau Berg' });
    expect(status.json).toMatchObject({ state: 'waiting', name: 'Frau Berg', role: 'guest' });
    const early = await guest.post(`/api/calls/${visitId}/join`);
    expect(early.status).toBe(409);
    expect(early.json.code).toBe('invite_waiting');
    // Screen sharing is the clerk's to allow: refused as such, not with "please wait" (as if it would come).
    const asClerk = await guest.post(`/api/calls/${visitId}/screen-share`, { allowed: true });
    expect([asClerk.status, asClerk.json.code]).toEqual([403, 'forbidden']);

    const listed = InviteListSchema.parse((await clerk.browser.get(invites)).json).invites[0]!;
    expect(listed.guests).toEqual([expect.objectContaining({ name: 'Frau Berg', state: 'waiting' })]);
    const guestId = listed.guests[0]!.id;
    expect(
      (await clerk.browser.post(`/api/staff/departments/${department.id}/invites/guests/${guestId}/admit`)).status,
    ).toBe(204);
    expect((await guest.post('/api/invites/status')).json.state).toBe('ready');
    expect((await guest.post(`/api/calls/${visitId}/join`)).json.self).toMatchObject({
      role: 'guest',
      name: 'Frau Berg',
    });

    // The link can go out by e-mail from the console: queued in the outbox, with the link inside.
    const mailed = await clerk.browser.post(
      `/api/staff/departments/${department.id}/invites/${created.invite.id}/email`,
      {
        to: 'berg@example.org',
        locale: 'de',
      },
    );
    expect(mailed.status).toBe(202);
    const [mail] = await server.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, 'berg@example.org'));
    expect(mail).toMatchObject({ kind: 'invite' });
    expect(mail!.text).toContain(`/einladung#`);
    expect(
      (
        await clerk.browser.post(`/api/staff/departments/${department.id}/invites/${created.invite.id}/email`, {
          to: 'nope',
        })
      ).status,
    ).toBe(400);

    // Removing one person leaves the link working for others (it is multi-use).
    expect(
      (await clerk.browser.post(`/api/staff/departments/${department.id}/invites/guests/${guestId}/remove`)).status,
    ).toBe(204);
    // Their call page, loaded again, hears that they were removed ("Either the call has already
    // ended, or it does not belong to your visit" before).
    const refused = await guest.post(`/api/calls/${visitId}/join`);
    expect([refused.status, refused.json.code]).toEqual([410, 'invite_removed']);
    // … which that page, reloaded, asks first as an answer (200), and joins no more to hear it: the
    // refused join was logged by the browser as a failed load. Nobody else hears of the seat.
    const seat = await guest.get(`/api/calls/${visitId}/status`);
    expect([seat.status, seat.json.status]).toEqual([200, 'removed']);
    expect((await client().get(`/api/calls/${visitId}/status`)).json.status).toBe('ended');
    expect((await client().post('/api/invites/redeem', { token: tokenOf(created.url) })).json.state).toBe('waiting');
    // The removed person reads that they were removed, not that the link was withdrawn (issue 13);
    // their page left open hears it as an answer (200), not a refusal (403).
    const gone = await guest.post('/api/invites/status');
    expect([gone.status, gone.json.state, gone.json.visitId]).toEqual([200, 'removed', null]);
    expect((await guest.post('/api/invites/check', { token: tokenOf(created.url) })).json.code).toBe('invite_removed');
    expect((await guest.post('/api/invites/redeem', { token: tokenOf(created.url) })).json.code).toBe('invite_removed');
  });

  it('says what a link is worth before anything is spent on it (issue 13: "ungültig" came only after "Weiter")', async () => {
    const { create, client, clerk, invites, department, visitId } = await admitted();
    const created = await create();
    const token = tokenOf(created.url);
    const uses = async () => InviteListSchema.parse((await clerk.browser.get(invites)).json).invites[0]?.uses;

    const first = client();
    const preview = await first.post('/api/invites/check', { token });
    expect(preview.status).toBe(200);
    expect(preview.headers.get('cache-control')).toBe('no-store');
    expect(InvitePreviewSchema.parse(preview.json)).toMatchObject({
      role: 'interpreter',
      label: 'Dolmetscherin Türkisch',
      departmentName: department.name,
      departmentNameForms: department.nameForms,
      seated: false,
    });
    expect(await uses()).toBe(0); // looking spends nothing

    const broken = await client().post('/api/invites/check', { token: `${token.slice(0, -3)}AAA` });
    expect(broken.status).toBe(404);
    expect(broken.json.code).toBe('invite_invalid');
    expect((await client().post('/api/invites/check', { token: 5 })).json.code).toBe('validation_failed');
    // A link cut short in a mail program (or one padded past any real one) says so, on both routes,
    // in the reader's language: once "Mindestens 20 Zeichen.", as if a form field were too short.
    for (const cut of [token.slice(0, 12), `${token}${'A'.repeat(2_000)}`]) {
      for (const route of ['/api/invites/check', '/api/invites/redeem']) {
        const de = await client().post(route, { token: cut });
        expect([de.status, de.json.code, de.json.errors]).toEqual([
          400,
          'validation_failed',
          [{ path: 'token', message: 'Dieser Link ist nicht gültig.' }],
        ]);
        const en = await client().request('POST', route, { token: cut }, { 'accept-language': 'en' });
        expect(en.json.errors).toEqual([{ path: 'token', message: 'This link is not valid.' }]);
      }
    }
    expect(await uses()).toBe(0);

    // Used up for everybody else; the browser holding the seat hears it holds one.
    await first.post('/api/invites/redeem', { token });
    const usedUp = await client().post('/api/invites/check', { token });
    expect(usedUp.status).toBe(410);
    expect(usedUp.json.code).toBe('invite_used_up');
    expect((await first.post('/api/invites/check', { token })).json.seated).toBe(true);

    // The call ended: said at once too.
    await clerk.browser.post(`/api/staff/departments/${department.id}/visits/${visitId}/finish`);
    expect((await first.post('/api/invites/check', { token })).json.code).toBe('invite_call_ended');
  });

  it("names the invite's municipality on the invitation page and in the call, each link its own (the footer's legal links)", async () => {
    const musterstadt = await admitted();
    const beispielheim = await admitted();
    expect(musterstadt.tenant.slug).not.toBe(beispielheim.tenant.slug);
    const seated: { invitee: TestClient; visitId: string }[] = [];
    for (const office of [musterstadt, beispielheim]) {
      const token = tokenOf((await office.create({ lobby: false })).url);
      const invitee = office.client();
      const preview = InvitePreviewSchema.parse((await invitee.post('/api/invites/check', { token })).json);
      expect(preview.tenantSlug).toBe(office.tenant.slug);
      const redeemed = InviteeStatusSchema.parse((await invitee.post('/api/invites/redeem', { token })).json);
      expect([redeemed.state, redeemed.tenantSlug]).toEqual(['ready', office.tenant.slug]);
      const status = InviteeStatusSchema.parse((await invitee.post('/api/invites/status')).json);
      expect(status.tenantSlug).toBe(office.tenant.slug);
      // The call page's footer asks the call's status: the invitee in it hears the municipality.
      expect((await invitee.get(`/api/calls/${office.visitId}/status`)).json).toEqual({
        status: 'on',
        tenantSlug: office.tenant.slug,
      });
      // … and after the call too (the page after it, loaded again); another municipality's invitee not.
      await office.clerk.browser.post(`/api/staff/departments/${office.department.id}/visits/${office.visitId}/finish`);
      expect((await invitee.get(`/api/calls/${office.visitId}/status`)).json).toEqual({
        status: 'ended',
        tenantSlug: office.tenant.slug,
      });
      seated.push({ invitee, visitId: office.visitId });
    }
    const [atMusterstadt, atBeispielheim] = seated;
    expect((await atBeispielheim!.invitee.get(`/api/calls/${atMusterstadt!.visitId}/status`)).json).toEqual({
      status: 'ended',
    });
  });

  it("names the municipality in a link's refusal to whoever holds that very link, never to a guessed one", async () => {
    const { create, client, clerk, department, visitId, tenant } = await admitted();
    const token = tokenOf((await create({ lobby: false })).url);
    const unused = tokenOf((await create({ lobby: false })).url);
    const short = tokenOf((await create({ validUntil: new Date(clock.now().getTime() + 60_000).toISOString() })).url);
    const seated = client();
    expect((await seated.post('/api/invites/redeem', { token })).status).toBe(200);
    // Used up for another browser: said with the municipality, for the page's legal links.
    const usedUp = InviteProblemSchema.parse((await client().post('/api/invites/check', { token })).json);
    expect([usedUp.code, usedUp.tenantSlug]).toEqual(['invite_used_up', tenant.slug]);

    // The call is over: the link opened again (by the seat's browser, or a new one) says so, and names
    // the municipality, on check and redeem alike.
    await clerk.browser.post(`/api/staff/departments/${department.id}/visits/${visitId}/finish`);
    for (const [browser, link, route] of [
      [seated, token, '/api/invites/check'],
      [client(), unused, '/api/invites/check'],
      [seated, token, '/api/invites/redeem'],
      [client(), unused, '/api/invites/redeem'],
    ] as const) {
      const response = await browser.post(route, { token: link });
      expect(response.status, route).toBe(410);
      const problem = InviteProblemSchema.parse(response.json);
      expect([problem.code, problem.tenantSlug], route).toEqual(['invite_call_ended', tenant.slug]);
    }

    // A link whose token ran out (its signature holds): the same.
    clock.advance(120_000);
    const ranOut = InviteProblemSchema.parse((await client().post('/api/invites/check', { token: short })).json);
    expect([ranOut.code, ranOut.tenantSlug]).toEqual(['invite_expired', tenant.slug]);

    // A broken or forged link naming the same invite hears of no municipality.
    const claims = decodeJwt(token);
    const otherKey = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new Uint8Array(randomBytes(32)));
    const expiredForgery = await new SignJWT({ ...claims, exp: Math.floor(clock.now().getTime() / 1000) - 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new Uint8Array(randomBytes(32)));
    for (const attempt of [`${token.slice(0, -3)}AAA`, otherKey, expiredForgery]) {
      for (const route of ['/api/invites/check', '/api/invites/redeem']) {
        const response = await client().post(route, { token: attempt });
        expect([response.status, response.json.code, response.json.tenantSlug], route).toEqual([
          404,
          'invite_invalid',
          undefined,
        ]);
      }
    }
  });

  it('refuses a guessing script its 31st look at a link, and goes on serving (the refusal once went unawaited)', async () => {
    const guesser = new TestClient(server.url, { 'x-forwarded-for': '10.8.31.31' });
    const guess = (n: number) => ({ token: `guess-${String(n)}`.padEnd(24, 'x') });
    // Bodies refused by their shape look nothing up and are not counted; every token that could be
    // right is a guess and counts, wrong ones included.
    for (let i = 0; i < 40; i++) {
      expect((await guesser.post('/api/invites/redeem', { token: 'short', name: 'Erika' })).status).toBe(400);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await guesser.post('/api/invites/check', guess(i))).status);
    expect(statuses).toEqual([...Array<number>(30).fill(404), 429]);
    const refused = await guesser.post('/api/invites/check', guess(31));
    expect(refused.json.code).toBe('rate_limited');
    expect(refused.headers.get('retry-after')).toBe('600');
    expect(refused.json.title).toBe('Zu viele Anfragen. Bitte versuchen Sie es in etwa 10 Minuten erneut.');
    // The same count as redeeming: a guesser cannot switch to the other door.
    expect((await guesser.post('/api/invites/redeem', guess(32))).status).toBe(429);
    // Another address is served as before; the process is up.
    const other = new TestClient(server.url, { 'x-forwarded-for': '10.8.31.32' });
    expect((await other.post('/api/invites/check', guess(0))).status).toBe(404);
    expect((await guesser.get('/api/health')).status).toBe(200);
  });

  it('limits the invite e-mails a clerk sends, per recipient and in all (issue 11, item 7)', async () => {
    const { create, clerk, department } = await admitted();
    const created = await create();
    const domain = `limit-${randomBytes(4).toString('hex')}.example`;
    const mail = (to: string) =>
      clerk.browser.post(`/api/staff/departments/${department.id}/invites/${created.invite.id}/email`, {
        to,
        locale: 'de',
      });
    const { perRecipient, perClerk } = INVITE_MAIL_LIMITS;

    const toOne: number[] = [];
    for (let i = 0; i <= perRecipient.max; i++) toOne.push((await mail(`eine@${domain}`)).status);
    expect(toOne).toEqual([...Array<number>(perRecipient.max).fill(202), 429]);

    let last;
    for (let i = 0; i <= perClerk.max - perRecipient.max; i++) last = await mail(`person-${i}@${domain}`);
    expect(last!.status).toBe(429);
    expect(last!.json.code).toBe('rate_limited');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    const queued = await server.database.db
      .select()
      .from(mailOutbox)
      .where(like(mailOutbox.to, `%@${domain}`));
    expect(queued).toHaveLength(perClerk.max);
  });

  it('keeps invites inside their department and ends them with the visit', async () => {
    const { create, client, visitId, clerk, outsider, department, elsewhere, invites } = await admitted();
    const created = await create();
    // Another department's clerk can neither revoke nor list, even naming their own department.
    expect(
      (await outsider.browser.post(`/api/staff/departments/${department.id}/invites/${created.invite.id}/revoke`))
        .status,
    ).toBe(403);
    expect(
      (await outsider.browser.post(`/api/staff/departments/${elsewhere.id}/invites/${created.invite.id}/revoke`))
        .status,
    ).toBe(404);
    expect(
      (await outsider.browser.get(`/api/staff/departments/${elsewhere.id}/visits/${visitId}/invites`)).status,
    ).toBe(404);
    // Nor let in or remove its people: a seat of another department is unknown there, as an
    // unknown or malformed seat id is (they once answered 403, 403 and 404).
    const seatLink = await create({ role: 'guest', label: 'Gast', multiUse: true });
    const seated = client();
    await seated.post('/api/invites/redeem', { token: tokenOf(seatLink.url) });
    const guestId = InviteListSchema.parse((await clerk.browser.get(invites)).json).invites[0]!.guests[0]!.id;
    for (const [browser, departmentId, id] of [
      [outsider.browser, elsewhere.id, guestId],
      [clerk.browser, department.id, '00000000-0000-4000-8000-000000000000'],
      [clerk.browser, department.id, 'not-a-seat'],
    ] as const) {
      for (const action of ['admit', 'remove']) {
        const answer = await browser.post(`/api/staff/departments/${departmentId}/invites/guests/${id}/${action}`);
        expect([answer.status, answer.json.code], `${action} ${id}`).toEqual([404, 'invite_invalid']);
        // Worded for the clerk, not as the invitee's "please ask for a new link".
        expect(answer.json.title).toBe('Diese Einladung gibt es in diesem Amt nicht (mehr).');
      }
    }
    expect((await seated.post('/api/invites/status')).json.state).toBe('ready');
    // Naming the visit through their own department finds no visit, and says so (it once said "appointment").
    const foreign = await outsider.browser.post(`/api/staff/departments/${elsewhere.id}/visits/${visitId}/invites`, {
      role: 'guest',
      label: 'x',
    });
    expect([foreign.status, foreign.json.code]).toEqual([404, 'visit_not_found']);
    // Worded for staff, not as the citizen's "you can knock again".
    expect(foreign.json.title).toBe('Diesen Besuch gibt es in diesem Amt nicht (mehr).');
    const foreignEn = await outsider.browser.request(
      'POST',
      `/api/staff/departments/${elsewhere.id}/visits/${visitId}/invites`,
      { role: 'guest', label: 'x' },
      { 'accept-language': 'en' },
    );
    expect(foreignEn.json.title).toBe('This visit does not exist in this department (any more).');

    await clerk.browser.post(`/api/staff/departments/${department.id}/visits/${visitId}/finish`);
    // The seated invitee's page, left open, asks how the call stands: over, said as an answer
    // (a 410 here was logged by the browser as a failed load), with nothing to enter.
    const over = await seated.post('/api/invites/status');
    expect([over.status, over.json.state, over.json.visitId]).toEqual([200, 'ended', null]);
    // Their link itself is refused: nobody takes a seat in a call that is over.
    expect((await seated.post('/api/invites/redeem', { token: tokenOf(seatLink.url) })).json.code).toBe(
      'invite_call_ended',
    );
    const late = await client().post('/api/invites/redeem', { token: tokenOf(created.url) });
    expect(late.status).toBe(410);
    expect(late.json.code).toBe('invite_call_ended');
    expect(
      (
        await clerk.browser.post(`/api/staff/departments/${department.id}/visits/${visitId}/invites`, {
          role: 'guest',
          label: 'x',
        })
      ).json.code,
    ).toBe('invite_call_ended');
  });

  it('lets in nobody whose seat is gone or whose call is over, and mails no link into a call that ended', async () => {
    const { create, client, visitId, clerk, department, invites } = await admitted();
    const staff = `/api/staff/departments/${department.id}`;
    const lobby = await create({ role: 'guest', label: 'Angehörige', lobby: true, multiUse: true });
    const waiting = async () => {
      const guest = client();
      await guest.post('/api/invites/redeem', { token: tokenOf(lobby.url) });
      const listed = InviteListSchema.parse((await clerk.browser.get(invites)).json).invites;
      return { guest, id: listed.find((invite) => invite.id === lobby.invite.id)!.guests.at(-1)!.id };
    };
    const admit = (guestId: string) => clerk.browser.post(`${staff}/invites/guests/${guestId}/admit`);

    // Removed: said as such (it once said "withdrawn", a link the clerk had not withdrawn).
    const removed = await waiting();
    // A second click changes nothing (it once wrote a second removal into the audit).
    for (let i = 0; i < 2; i++) {
      expect((await clerk.browser.post(`${staff}/invites/guests/${removed.id}/remove`)).status).toBe(204);
    }
    const again = await admit(removed.id);
    expect([again.status, again.json.code]).toEqual([410, 'invite_removed']);

    // Expired: not let in.
    const short = await create({
      role: 'guest',
      label: 'Kurz',
      lobby: true,
      validUntil: new Date(clock.now().getTime() + 60_000).toISOString(),
    });
    const late = client();
    await late.post('/api/invites/redeem', { token: tokenOf(short.url) });
    const lateId = InviteListSchema.parse((await clerk.browser.get(invites)).json).invites.find(
      (invite) => invite.id === short.invite.id,
    )!.guests[0]!.id;
    clock.advance(120_000);
    expect((await admit(lateId)).json.code).toBe('invite_expired');
    // Their page, left open, hears that the link ran out as an answer, not a refusal (410).
    const ranOut = await late.post('/api/invites/status');
    expect([ranOut.status, ranOut.json.state, ranOut.json.opensAt]).toEqual([200, 'expired', null]);
    expect((await late.post('/api/invites/redeem', { token: tokenOf(short.url) })).json.code).toBe('invite_expired');
    for (let i = 0; i < 2; i++) {
      expect((await clerk.browser.post(`${staff}/invites/${short.invite.id}/revoke`)).status).toBe(204);
    }

    // The call is over: nobody is let into it (it once answered 204 and wrote the admission),
    // and no e-mail carries its link (it once queued one).
    const stranded = await waiting();
    await clerk.browser.post(`${staff}/visits/${visitId}/finish`);
    const refused = await admit(stranded.id);
    expect([refused.status, refused.json.code]).toEqual([410, 'invite_call_ended']);
    const mailed = await clerk.browser.post(`${staff}/invites/${lobby.invite.id}/email`, {
      to: `late-${visitId}@example.org`,
    });
    expect([mailed.status, mailed.json.code]).toEqual([410, 'invite_call_ended']);
    const listed = InviteListSchema.parse((await clerk.browser.get(invites)).json).invites;
    expect(listed.find((invite) => invite.id === lobby.invite.id)!.guests.map((guest) => guest.state)).toEqual([
      'removed',
      'waiting',
    ]);
    expect(
      await server.database.db
        .select()
        .from(mailOutbox)
        .where(eq(mailOutbox.to, `late-${visitId}@example.org`)),
    ).toEqual([]);
    const actions = (await server.database.db.select().from(auditEvents).where(eq(auditEvents.visitId, visitId))).map(
      (event) => event.action,
    );
    expect(actions).not.toContain('invite_guest_admitted');
    expect(actions).not.toContain('invite_emailed');
    expect(actions.filter((action) => action === 'invite_guest_removed')).toHaveLength(1);
    expect(actions.filter((action) => action === 'invite_revoked')).toHaveLength(1);
  });

  it('counts against the e-mail limits only the mails that go out', async () => {
    const { create, clerk, department } = await admitted();
    const staff = `/api/staff/departments/${department.id}`;
    const to = `refused-${randomBytes(4).toString('hex')}@example.org`;
    const revoked = await create();
    await clerk.browser.post(`${staff}/invites/${revoked.invite.id}/revoke`);
    // Refused mails, more than the recipient's limit: a link withdrawn, an invite nobody has.
    for (let i = 0; i < INVITE_MAIL_LIMITS.perRecipient.max; i++) {
      expect((await clerk.browser.post(`${staff}/invites/${revoked.invite.id}/email`, { to })).status).toBe(410);
      expect((await clerk.browser.post(`${staff}/invites/${randomUUID()}/email`, { to })).status).toBe(404);
    }
    const good = await create();
    expect((await clerk.browser.post(`${staff}/invites/${good.invite.id}/email`, { to })).status).toBe(202);
    expect(await server.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, to))).toHaveLength(1);
  });

  it('limits the invite changes and reads of a clerk, as every route is limited', async () => {
    const { clerk, department, invites } = await admitted();
    const staff = `/api/staff/departments/${department.id}`;
    const { changesPerClerk, readsPerClerk } = INVITE_STAFF_LIMITS;
    // The cheapest change there is (an invite nobody has) counts as any other.
    const changes: number[] = [];
    for (let i = 0; i <= changesPerClerk.max; i++) {
      changes.push((await clerk.browser.post(`${staff}/invites/${randomUUID()}/revoke`)).status);
    }
    expect(changes).toEqual([...Array<number>(changesPerClerk.max).fill(404), 429]);
    const refused = await clerk.browser.post(invites, { role: 'guest', label: 'x' });
    expect([refused.status, refused.json.code]).toEqual([429, 'rate_limited']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Reads have a count of their own: a clerk over the change limit still sees the invites.
    expect((await clerk.browser.get(invites)).status).toBe(200);
    // Up to the read limit (the cheapest read, a malformed id, counts as any other; many at a time).
    const reads: number[] = [];
    for (let sent = 1; sent < readsPerClerk.max; sent += 100) {
      const batch = Math.min(100, readsPerClerk.max - sent);
      const answers = await Promise.all(
        Array.from({ length: batch }, () => clerk.browser.get(`${staff}/appointments/none/invites`)),
      );
      reads.push(...answers.map((answer) => answer.status));
    }
    expect(new Set(reads)).toEqual(new Set([404]));
    const over = await clerk.browser.get(invites);
    expect([over.status, over.json.code]).toEqual([429, 'rate_limited']);
  });

  it('fills a peer-to-peer call up to its cap and refuses the next person with call_full', async () => {
    const { create, client, visitId, clerk, citizen } = await admitted();
    const created = await create({ role: 'guest', label: 'Angehörige', multiUse: true });
    const people = [clerk.browser, citizen];
    for (let i = 0; i < 3; i += 1) {
      const guest = client();
      await guest.post('/api/invites/redeem', { token: tokenOf(created.url) });
      people.push(guest);
    }
    const sockets = [];
    for (const [index, person] of people.entries()) {
      const live = await person.live();
      sockets.push(live);
      const answer = index < 4 ? live.next('call-joined') : live.next('error');
      live.send({ type: 'call-join', visitId, media: camera });
      if (index === 4) expect((await answer).type === 'error' && (await answer)).toMatchObject({ code: 'call_full' });
      else await answer;
    }
    for (const live of sockets) live.close();
  });

  /** A half-hour video appointment at `startsAt` of a Turkish speaker, and its invites' path. */
  async function interpretedAppointment(
    where: { tenant: { id: string }; department: { id: string }; clerk: { id: string } },
    startsAt: Date,
  ) {
    const [appointment] = await server.database.db
      .insert(appointments)
      .values({
        tenantId: where.tenant.id,
        departmentId: where.department.id,
        staffId: where.clerk.id,
        serviceIds: [],
        startsAt,
        endsAt: new Date(startsAt.getTime() + 30 * 60_000),
        citizenName: 'Ayşe',
        email: `ayse-${startsAt.getTime()}@example.org`,
        language: 'tr',
        interpreterLanguage: 'tr',
        manageTokenHash: createHash('sha256').update(randomBytes(32)).digest('base64url'),
      })
      .returning();
    const path = `/api/staff/departments/${where.department.id}/appointments/${appointment!.id}/invites`;
    return { appointment: appointment!, path };
  }

  it('makes links for an upcoming appointment that open when its call starts', async () => {
    const { tenant, department, clerk, client } = await admitted();
    const startsAt = new Date(clock.now().getTime() + 2 * 86_400_000);
    const { path } = await interpretedAppointment({ tenant, department, clerk }, startsAt);
    const created = CreatedInviteSchema.parse(
      (await clerk.browser.post(path, { role: 'interpreter', label: 'Türkisch' })).json,
    );
    // A day past the booked end: the link ends with the appointment, not at its booked end; the
    // clerk reads "until the visit ends" (null), not a time the next day.
    const [stored] = await server.database.db
      .select({ expiresAt: inviteRows.expiresAt })
      .from(inviteRows)
      .where(eq(inviteRows.id, created.invite.id));
    expect(stored!.expiresAt).toEqual(new Date(startsAt.getTime() + 30 * 60_000 + 86_400_000));
    expect(created.invite.expiresAt).toBeNull();
    const interpreter = client();
    const before = clock.now().getTime();
    const status = InviteeStatusSchema.parse(
      (await interpreter.post('/api/invites/redeem', { token: tokenOf(created.url) })).json,
    );
    const asked = InviteeStatusSchema.parse((await interpreter.post('/api/invites/status')).json);
    const after = clock.now().getTime();
    expect(status).toMatchObject({ state: 'not_started', visitId: null, opensAt: startsAt.toISOString() });
    // With the office's clock, by which the page says whether the start has come: the interpreter's
    // phone may be a day off.
    for (const { serverTime } of [status, asked]) {
      expect(Date.parse(serverTime)).toBeGreaterThan(before);
      expect(Date.parse(serverTime)).toBeLessThan(after);
    }
    expect(InviteListSchema.parse((await clerk.browser.get(path)).json).invites).toEqual([
      expect.objectContaining({ id: created.invite.id, expiresAt: null }),
    ]);
  });

  it('makes working links for an appointment running late, past its booked end', async () => {
    const { tenant, department, clerk, client } = await admitted();
    const db = server.database.db;
    // Booked 09:00–09:30 an hour ago; the citizen is not in yet, the clerk runs late.
    const startsAt = new Date(clock.now().getTime() - 60 * 60_000);
    const { appointment, path } = await interpretedAppointment({ tenant, department, clerk }, startsAt);
    const made = await clerk.browser.post(path, { role: 'interpreter', label: 'Türkisch' });
    expect(made.status).toBe(201);
    const created = CreatedInviteSchema.parse(made.json);
    expect(created.invite.state).toBe('active');
    // Its e-mail says it ends with the call, not at the token's expiry a day later.
    const to = `late-appointment-${appointment!.id}@example.org`;
    const mailed = await clerk.browser.post(
      `/api/staff/departments/${department.id}/invites/${created.invite.id}/email`,
      { to, locale: 'de' },
    );
    expect(mailed.status).toBe(202);
    const [mail] = await db.select().from(mailOutbox).where(eq(mailOutbox.to, to));
    expect(mail!.text).toContain('Der Link gilt, bis das Gespräch endet oder die Behörde ihn zurückzieht.');
    expect(mail!.text).not.toContain('Der Link gilt bis');
    const redeemed = await client().post('/api/invites/redeem', { token: tokenOf(created.url) });
    expect(redeemed.status).toBe(200);
    expect(InviteeStatusSchema.parse(redeemed.json)).toMatchObject({ state: 'not_started', visitId: null });
  });

  /** An appointment whose citizen has arrived (a visit waits for it), with both paths to its call's invites. */
  async function arrivedAppointment() {
    const { tenant, department, clerk, client } = await admitted();
    const db = server.database.db;
    const { appointment, path } = await interpretedAppointment({ tenant, department, clerk }, clock.now());
    await db.update(appointments).set({ state: 'arrived' }).where(eq(appointments.id, appointment.id));
    const [visit] = await db
      .insert(visits)
      .values({
        tenantId: tenant.id,
        departmentId: department.id,
        appointmentId: appointment.id,
        state: 'waiting',
        citizenName: 'Ayşe',
        language: 'tr',
      })
      .returning();
    const visitPath = `/api/staff/departments/${department.id}/visits/${visit!.id}/invites`;
    const link = { role: 'interpreter', label: 'Dolmetscherin Türkisch', language: 'tr' };
    return { clerk, client, appointmentPath: path, visitPath, link };
  }

  it('tells an invitee the call has not started while the citizen of an appointment only waits, by the appointment’s link as by its arrival’s', async () => {
    const { clerk, client, appointmentPath, visitPath, link } = await arrivedAppointment();
    const redeem = async (url: string) => {
      const redeemed = await client().post('/api/invites/redeem', { token: tokenOf(url) });
      expect(redeemed.status).toBe(200);
      return InviteeStatusSchema.parse(redeemed.json);
    };
    const fromAppointment = CreatedInviteSchema.parse(
      (await clerk.browser.post(appointmentPath, { ...link, replacing: [] })).json,
    );
    expect(await redeem(fromAppointment.url)).toMatchObject({ state: 'not_started', visitId: null });
    const fromVisit = CreatedInviteSchema.parse(
      (await clerk.browser.post(visitPath, { ...link, replacing: [fromAppointment.invite.id] })).json,
    );
    expect(await redeem(fromVisit.url)).toMatchObject({ state: 'not_started', visitId: null });
  });

  it('counts a link made from an appointment’s arrival when one is made from the appointment, and the other way round', async () => {
    const { clerk, appointmentPath, visitPath, link } = await arrivedAppointment();
    const fromVisit = await clerk.browser.post(visitPath, { ...link, replacing: [] });
    expect(fromVisit.status).toBe(201);
    const visitLink = CreatedInviteSchema.parse(fromVisit.json).invite.id;
    // A console still showing the appointment did not know of it: refused, nothing made.
    const blind = await clerk.browser.post(appointmentPath, { ...link, replacing: [] });
    expect([blind.status, blind.json.code]).toEqual([409, 'conflict']);
    // The appointment's list shows it, so the clerk can replace it from there.
    const listed = InviteListSchema.parse((await clerk.browser.get(appointmentPath)).json).invites;
    expect(listed.map((invite) => [invite.id, invite.state])).toEqual([[visitLink, 'active']]);
    const replaced = await clerk.browser.post(appointmentPath, { ...link, replacing: [visitLink] });
    expect(replaced.status).toBe(201);
    const appointmentLink = CreatedInviteSchema.parse(replaced.json).invite.id;
    // And the visit's path knows the appointment's link.
    expect((await clerk.browser.post(visitPath, { ...link, replacing: [] })).status).toBe(409);
    const states = InviteListSchema.parse((await clerk.browser.get(visitPath)).json).invites.map((invite) => [
      invite.id,
      invite.state,
    ]);
    expect(states).toEqual([
      [appointmentLink, 'active'],
      [visitLink, 'revoked'],
    ]);
  });

  // Real concurrency needs a second connection: PGlite runs one statement at a time anyway.
  it.runIf(kind === 'postgres')(
    'lets exactly one of two links made at the same moment from an appointment and from its arrival stand',
    async () => {
      const { clerk, appointmentPath, visitPath, link } = await arrivedAppointment();
      const connection = postgres(server.database.url!, { max: 2, onnotice: () => {} });
      try {
        // Hold every insert of an invite back until both makings are under way: each then has
        // checked for links in force, or waits for the other's lock.
        const holder = await connection.reserve();
        await holder`begin`;
        await holder`lock table invites in share mode`;
        const made = [visitPath, appointmentPath].map((path) => clerk.browser.post(path, { ...link, replacing: [] }));
        const waiting = async () => {
          const [row] = await connection<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`;
          return row!.n;
        };
        while ((await waiting()) < 2) await new Promise((resolve) => setTimeout(resolve, 10));
        await holder`commit`;
        holder.release();
        const answers = await Promise.all(made);
        expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
        expect(answers.find((answer) => answer.status === 409)!.json.code).toBe('conflict');
        const listed = InviteListSchema.parse((await clerk.browser.get(visitPath)).json).invites;
        expect(listed.filter((invite) => invite.state === 'active')).toHaveLength(1);
      } finally {
        await connection.end();
      }
    },
  );

  it('removes invitees from LiveKit rooms through RoomService, with exact grants in their tokens', async () => {
    const { create, client, visitId, clerk, department } = await admitted(livekit);
    const created = await create({ multiUse: true });
    const interpreter = client();
    await interpreter.post('/api/invites/redeem', { token: tokenOf(created.url) });
    const join = CallJoinResponseSchema.parse((await interpreter.post(`/api/calls/${visitId}/join`)).json);
    if (join.transport !== 'livekit') throw new Error('expected LiveKit');
    const claims = decodeJwt(join.token) as { video: Record<string, unknown>; sub: string };
    expect(claims.sub).toBe(join.self.identity);
    expect(claims.video).toMatchObject({
      room: `visit-${visitId}`,
      roomAdmin: false,
      roomRecord: false,
      canPublishSources: ['camera', 'microphone'],
    });

    rooms.requests.length = 0;
    await clerk.browser.post(`/api/staff/departments/${department.id}/invites/${created.invite.id}/revoke`);
    expect(rooms.requests).toHaveLength(1);
    expect(rooms.requests[0]!.path).toBe('/twirp/livekit.RoomService/RemoveParticipant');
    expect(JSON.parse(rooms.requests[0]!.body)).toMatchObject({
      room: `visit-${visitId}`,
      identity: join.self.identity,
    });
  });

  it('lets the clerk allow an invitee in a LiveKit call to share the screen, and nobody outside the call (found by walking: the box did nothing)', async () => {
    const { create, client, visitId, otherVisitId, clerk, outsider, citizen } = await admitted(livekit);
    const interpreter = client();
    await interpreter.post('/api/invites/redeem', { token: tokenOf((await create()).url) });
    const join = CallJoinResponseSchema.parse((await interpreter.post(`/api/calls/${visitId}/join`)).json);
    const identity = join.self.identity;
    const share = (browser: TestClient, body: Record<string, unknown>, id = visitId) =>
      browser.post(`/api/calls/${id}/screen-share`, body);

    rooms.requests.length = 0;
    expect((await share(clerk.browser, { allowed: true, identity })).status).toBe(204);
    expect(rooms.requests.map((request) => request.path)).toEqual(['/twirp/livekit.RoomService/UpdateParticipant']);
    expect(JSON.parse(rooms.requests[0]!.body)).toMatchObject({
      room: `visit-${visitId}`,
      identity,
      permission: { canPublishSources: ['CAMERA', 'MICROPHONE', 'SCREEN_SHARE', 'SCREEN_SHARE_AUDIO'] },
    });
    expect((await share(clerk.browser, { allowed: false, identity })).status).toBe(204);
    expect(JSON.parse(rooms.requests[1]!.body)).toMatchObject({
      identity,
      permission: { canPublishSources: ['CAMERA', 'MICROPHONE'] },
    });

    // Refused, and LiveKit never asked: the invitee themselves, the citizen, a clerk of another
    // department, an invitee who is not in this call, a name no participant has.
    rooms.requests.length = 0;
    expect((await share(interpreter, { allowed: true, identity })).status).toBe(403);
    expect((await share(citizen, { allowed: true, identity })).status).toBe(403);
    expect((await share(outsider.browser, { allowed: true, identity })).status).toBe(403);
    expect((await share(clerk.browser, { allowed: true, identity: `invitee-${randomUUID()}` })).status).toBe(403);
    expect((await share(clerk.browser, { allowed: true, identity: `clerk-${clerk.id}` })).json.code).toBe(
      'validation_failed',
    );
    expect((await share(clerk.browser, { allowed: true, identity }, otherVisitId)).status).toBe(403);
    expect(rooms.requests).toEqual([]);
  });
});
