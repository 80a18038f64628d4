import { CallJoinResponseSchema, CallPreviewSchema, CallStatusSchema, ProblemSchema } from '@amtsraum/shared';
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeTenant, signedInClerk } from '../../test/factories.js';
import { LIVEKIT_ENV, startRoomService, STUB_JOBS, type RoomServiceStub } from '../../test/livekit.js';
import { captureLogger, startTestServer, type TestServer } from '../../test/server.js';
import { visits } from '../../db/schema.js';
import { CALL_REQUEST_LIMIT } from './calls.router.js';

describe.each(databaseKinds)('joining a call on %s', (kind) => {
  let p2p: TestServer;
  let livekit: TestServer;
  let rooms: RoomServiceStub;
  let address = 0;

  beforeAll(async () => {
    rooms = await startRoomService();
    p2p = await startTestServer(await createTestDatabase(kind), { env: { TRUST_PROXY: '1' } });
    livekit = await startTestServer(await createTestDatabase(kind), {
      env: { TRUST_PROXY: '1', ...rooms.env },
      jobs: STUB_JOBS,
    });
  });
  afterAll(async () => {
    await p2p.stop();
    await livekit.stop();
    await rooms.stop();
  });

  async function webhook(server: TestServer, body: string, secret = LIVEKIT_ENV.LIVEKIT_API_SECRET) {
    const token = new AccessToken(LIVEKIT_ENV.LIVEKIT_API_KEY, secret);
    token.sha256 = createHash('sha256').update(body).digest('base64');
    return fetch(`${server.url}/api/media/livekit/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json', authorization: await token.toJwt() },
      body,
    });
  }

  /** A department with two clerks and a citizen admitted by the first. */
  async function admittedVisit(server: TestServer, tenantValues: { timeZone?: string } = {}) {
    const db = server.database.db;
    const client = () => new TestClient(server.url, { 'x-forwarded-for': `10.4.0.${++address}` });
    const tenant = await makeTenant(db, tenantValues);
    const department = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: new Date() });
    const signIn = async (name: string) =>
      (await signedInClerk(db, client(), tenant.id, [department.id], { name })).browser;
    const clerk = await signIn('Anna Schmidt');
    const colleague = await signIn('Kollege');
    const citizen = client();
    const base = `/api/tenants/${tenant.slug}/departments/${department.slug}`;
    const { visit } = (
      await citizen.post(`${base}/knock`, { name: 'Ayşe', concern: 'Ausweis', language: 'tr', consent: true })
    ).json;
    const other = client();
    await other.post(`${base}/knock`, { name: 'Andere', concern: 'Ausweis', language: 'de', consent: true });
    return {
      clerk,
      colleague,
      citizen,
      other,
      visitId: visit.id as string,
      departmentId: department.id,
      client,
      tenantSlug: tenant.slug,
    };
  }

  it('lets nobody in before the clerk admits, then exactly the clerk and the citizen, with their roles', async () => {
    const { clerk, colleague, citizen, other, visitId, departmentId, client } = await admittedVisit(p2p);
    const join = (browser: TestClient, id = visitId) => browser.post(`/api/calls/${id}/join`);

    expect((await join(citizen)).status).toBe(403); // still waiting
    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);

    const asClerk = await join(clerk);
    expect(asClerk.status).toBe(200);
    expect(asClerk.headers.get('cache-control')).toBe('no-store');
    expect(CallJoinResponseSchema.parse(asClerk.json)).toMatchObject({
      transport: 'p2p',
      visitId,
      self: { role: 'clerk', name: 'Anna Schmidt', canShareScreen: true },
      iceServers: [],
      maxParticipants: 4,
    });
    expect(CallJoinResponseSchema.parse((await join(citizen)).json).self).toMatchObject({
      role: 'citizen',
      name: 'Ayşe',
      canShareScreen: false,
    });

    // Forbidden paths: a colleague who did not admit, another citizen, nobody, a guessed id.
    expect((await join(colleague)).status).toBe(403);
    expect((await join(other)).status).toBe(403);
    expect((await join(client())).status).toBe(403);
    expect((await join(clerk, '00000000-0000-4000-8000-000000000000')).status).toBe(403);
    expect((await join(clerk, 'visit-room-name')).status).toBe(403);
    // The refusal says whether the caller is staff, so the page offers citizens no staff link (issue 13).
    // A typed member, not a token in `detail` (which is for developers' eyes only).
    const staffRefusal = ProblemSchema.parse((await join(colleague)).json);
    expect([staffRefusal.caller, staffRefusal.detail]).toEqual(['staff', undefined]);
    const publicRefusal = ProblemSchema.parse((await join(other)).json);
    expect([publicRefusal.caller, publicRefusal.detail]).toEqual(['public', undefined]);

    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/finish`);
    expect((await join(citizen)).status).toBe(403); // the call is over
  });

  it("gives everyone in the call the municipality's time zone, which the chat's times read, as the console does", async () => {
    const { clerk, citizen, visitId, departmentId } = await admittedVisit(p2p, { timeZone: 'America/Sao_Paulo' });
    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    for (const person of [clerk, citizen]) {
      const joined = CallJoinResponseSchema.parse((await person.post(`/api/calls/${visitId}/join`)).json);
      expect(joined.timeZone).toBe('America/Sao_Paulo');
    }
    const preview = CallPreviewSchema.parse((await citizen.post(`/api/calls/${visitId}/preview`)).json);
    expect(preview.transport === 'p2p' && preview.grant.timeZone).toBe('America/Sao_Paulo');
  });

  it("names the call's municipality to those in it, each call its own, for the call page's legal links; nobody else", async () => {
    const first = await admittedVisit(p2p);
    const second = await admittedVisit(p2p);
    for (const call of [first, second]) {
      await call.clerk.post(`/api/staff/departments/${call.departmentId}/visits/${call.visitId}/admit`);
    }
    const statusOf = async (browser: TestClient, id: string) =>
      CallStatusSchema.parse((await browser.get(`/api/calls/${id}/status`)).json);
    for (const call of [first, second]) {
      for (const person of [call.clerk, call.citizen])
        expect(await statusOf(person, call.visitId)).toEqual({ status: 'on', tenantSlug: call.tenantSlug });
      // A stranger, or the other municipality's people, hear nothing of whose call it is.
      for (const stranger of [call.colleague, call.other, call.client()])
        expect(await statusOf(stranger, call.visitId)).toEqual({ status: 'ended' });
    }
    expect(first.tenantSlug).not.toBe(second.tenantSlug);
    expect(await statusOf(second.citizen, first.visitId)).toEqual({ status: 'ended' });
    expect(await statusOf(first.clerk, second.visitId)).toEqual({ status: 'ended' });

    // After the call its page (loaded again) still links to the municipality: the two who were in
    // it hear whose call it was; nobody else does.
    await first.clerk.post(`/api/staff/departments/${first.departmentId}/visits/${first.visitId}/finish`);
    for (const person of [first.clerk, first.citizen])
      expect(await statusOf(person, first.visitId)).toEqual({ status: 'ended', tenantSlug: first.tenantSlug });
    for (const stranger of [first.colleague, first.other, second.citizen, second.clerk])
      expect(await statusOf(stranger, first.visitId)).toEqual({ status: 'ended' });
  });

  it('tells a page whose media connection broke whether its call still runs, and nobody else anything (stop 28: a closed LiveKit room went unnoticed)', async () => {
    const { clerk, colleague, citizen, other, visitId, departmentId, client } = await admittedVisit(livekit);
    const status = async (browser: TestClient, id = visitId) => {
      const answer = await browser.get(`/api/calls/${id}/status`);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      return answer.status === 200 ? CallStatusSchema.parse(answer.json).status : answer.status;
    };
    expect(await status(citizen)).toBe('ended'); // still waiting: no call for anyone yet
    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    rooms.requests.length = 0;

    expect(await status(clerk)).toBe('on');
    expect(await status(citizen)).toBe('on');
    // Everybody else hears what they would hear of a call that is over: nothing about this one.
    for (const stranger of [colleague, other, client()]) expect(await status(stranger)).toBe('ended');
    expect(await status(clerk, '00000000-0000-4000-8000-000000000000')).toBe('ended');
    expect(await status(clerk, 'visit-room-name')).toBe('ended'); // no call has such a name
    expect(rooms.requests).toEqual([]); // LiveKit is not asked: the answer is the visit's

    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/finish`);
    expect(await status(citizen)).toBe('ended');
    expect(await status(clerk)).toBe('ended');

    // Limited per address, like every route a script could call in a loop.
    const flood = client();
    const answers: number[] = [];
    for (let i = 0; i <= CALL_REQUEST_LIMIT.max; i++)
      answers.push((await flood.get(`/api/calls/${visitId}/status`)).status);
    expect(answers).toEqual([...Array<number>(CALL_REQUEST_LIMIT.max).fill(200), 429]);
    expect(await status(citizen)).toBe('ended'); // another address: served
  });

  it('stops a script that joins, previews or switches screen sharing in a loop, before LiveKit hears of it', async () => {
    const { clerk, citizen, visitId, departmentId } = await admittedVisit(livekit);
    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    rooms.requests.length = 0;
    // The citizen's own browser in a loop: each join would ask LiveKit to open the room.
    const tries = [
      () => citizen.post(`/api/calls/${visitId}/join`),
      () => citizen.post(`/api/calls/${visitId}/preview`),
      () => citizen.post(`/api/calls/${visitId}/screen-share`, { allowed: true }),
    ];
    const answers: number[] = [];
    for (let i = 0; i < CALL_REQUEST_LIMIT.max; i++) answers.push((await tries[i % 3]!()).status);
    expect(answers.slice(0, 3)).toEqual([200, 200, 403]); // joined, previewed, not the clerk's switch
    const joins = CALL_REQUEST_LIMIT.max / 3;
    expect(rooms.requests).toHaveLength(joins);
    // One count for all three: the script cannot switch to the next route, and LiveKit hears no more.
    for (const again of tries) expect((await again()).json.code).toBe('rate_limited');
    expect(rooms.requests).toHaveLength(joins);
    // The clerk, at their own address, goes on.
    expect((await clerk.post(`/api/calls/${visitId}/join`)).status).toBe(200);
  });

  it('previews the call to its own waiting citizen only: peer-to-peer the grant, that still admits nothing', async () => {
    const { clerk, colleague, citizen, other, visitId, departmentId, client } = await admittedVisit(p2p);
    const preview = (browser: TestClient, id = visitId) => browser.post(`/api/calls/${id}/preview`);

    const waiting = await preview(citizen);
    expect(waiting.status).toBe(200);
    expect(waiting.headers.get('cache-control')).toBe('no-store');
    const parsed = CallPreviewSchema.parse(waiting.json);
    if (parsed.transport !== 'p2p') throw new Error('expected peer-to-peer');
    expect(parsed.grant).toMatchObject({
      transport: 'p2p',
      visitId,
      departmentId,
      self: { identity: `citizen-${visitId}`, role: 'citizen', name: 'Ayşe', canShareScreen: false },
      iceServers: [],
      maxParticipants: 4,
    });
    // The preview opens no door: the join is still refused until the clerk admits.
    expect((await citizen.post(`/api/calls/${visitId}/join`)).status).toBe(403);

    // Forbidden paths: another citizen, staff (they are no citizen of it), nobody, guessed ids.
    expect((await preview(other)).status).toBe(403);
    expect((await preview(clerk)).status).toBe(403);
    expect((await preview(colleague)).json).toMatchObject({ code: 'forbidden', caller: 'staff' });
    expect((await preview(client())).json).toMatchObject({ code: 'forbidden', caller: 'public' });
    expect((await preview(citizen, '00000000-0000-4000-8000-000000000000')).status).toBe(403);
    expect((await preview(citizen, 'visit-room-name')).status).toBe(403);

    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    const joined = CallJoinResponseSchema.parse((await citizen.post(`/api/calls/${visitId}/join`)).json);
    expect(joined).toEqual(parsed.grant);
    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/finish`);
    expect((await preview(citizen)).status).toBe(403); // over
  });

  it("gives the admitting clerk's own join answer with the admit (peer-to-peer), not the citizen's, never cached", async () => {
    const { clerk, colleague, visitId, departmentId } = await admittedVisit(p2p);
    const admit = await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    expect(admit.status).toBe(200);
    expect(admit.headers.get('cache-control')).toBe('no-store');
    const joined = CallJoinResponseSchema.parse((await clerk.post(`/api/calls/${visitId}/join`)).json);
    expect(admit.json).toEqual({ visitId, channel: 'video', call: joined });
    expect(joined.self).toMatchObject({ role: 'clerk', name: 'Anna Schmidt' });
    // A colleague's admit of the same visit fails and carries nothing.
    const again = await colleague.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    expect(again.status).toBe(409);
    expect(again.json.call).toBeUndefined();
  });

  it("gives the admitting clerk's LiveKit join with the admit, its room opened once, and the citizen's join then opens it again", async () => {
    const { clerk, citizen, colleague, visitId, departmentId } = await admittedVisit(livekit);
    rooms.requests.length = 0;
    const admit = await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    expect(admit.status).toBe(200);
    expect(admit.headers.get('cache-control')).toBe('no-store');
    const call = CallJoinResponseSchema.parse(admit.json.call);
    if (call.transport !== 'livekit') throw new Error('expected LiveKit');
    expect(call.self).toMatchObject({ role: 'clerk', name: 'Anna Schmidt' });
    expect(decodeJwt(call.token).video).toMatchObject({ room: `visit-${visitId}`, roomJoin: true, roomCreate: false });
    expect(rooms.requests.map((r) => [r.path, JSON.parse(r.body)])).toEqual([
      ['/twirp/livekit.RoomService/CreateRoom', { name: `visit-${visitId}` }],
    ]);
    // Once answered, an open is no proof the room is still there: the next join asks LiveKit again.
    expect((await citizen.post(`/api/calls/${visitId}/join`)).status).toBe(200);
    expect(rooms.requests.map((r) => r.path)).toEqual([
      '/twirp/livekit.RoomService/CreateRoom',
      '/twirp/livekit.RoomService/CreateRoom',
    ]);
    // A colleague's admit of the same visit fails, opens nothing and carries nothing.
    const again = await colleague.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    expect(again.status).toBe(409);
    expect(again.json.call).toBeUndefined();
    expect(rooms.requests).toHaveLength(2);
  });

  it('admits without the grant when LiveKit is slow, and a join meanwhile waits for the open under way', async () => {
    const { clerk, citizen, visitId, departmentId } = await admittedVisit(livekit);
    rooms.requests.length = 0;
    rooms.delayMs = 2_500; // longer than the admit waits for the clerk's join
    try {
      const admit = await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
      expect(admit.status).toBe(200);
      expect(admit.json).toEqual({ visitId, channel: 'video' });
      expect((await citizen.get('/api/visit')).json.visit.state).toBe('admitted');
      // The admit's open is still under way: the citizen's join waits for it, no second request.
      const joined = await citizen.post(`/api/calls/${visitId}/join`);
      expect(joined.status).toBe(200);
      expect(CallJoinResponseSchema.parse(joined.json).self.role).toBe('citizen');
      expect(rooms.requests.map((r) => r.path)).toEqual(['/twirp/livekit.RoomService/CreateRoom']);
    } finally {
      rooms.delayMs = 0;
    }
  });

  it('previews a LiveKit call without a token and without opening its room', async () => {
    const { citizen, visitId } = await admittedVisit(livekit);
    rooms.requests.length = 0;
    const response = await citizen.post(`/api/calls/${visitId}/preview`);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ transport: 'livekit' });
    expect(rooms.requests).toEqual([]);
  });

  it('hands out a LiveKit token for exactly the visit room when LiveKit is configured', async () => {
    const { clerk, citizen, visitId, departmentId } = await admittedVisit(livekit);
    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    const body = CallJoinResponseSchema.parse((await citizen.post(`/api/calls/${visitId}/join`)).json);
    if (body.transport !== 'livekit') throw new Error('expected LiveKit');
    expect(body.url).toBe('wss://livekit.test');
    const claims = decodeJwt(body.token);
    expect(claims.sub).toBe(`citizen-${visitId}`);
    expect(claims.video).toMatchObject({
      room: `visit-${visitId}`,
      roomJoin: true,
      roomAdmin: false,
      roomRecord: false,
      canPublishSources: ['camera', 'microphone'],
    });
  });

  it('takes signed LiveKit webhooks into account, refuses forged ones, and closes the room at the end', async () => {
    const { clerk, citizen, visitId, departmentId } = await admittedVisit(livekit);
    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    const joined = JSON.stringify({
      event: 'participant_joined',
      room: { name: `visit-${visitId}` },
      participant: { identity: `citizen-${visitId}` },
    });

    const forged = await webhook(livekit, joined, 'not-the-secret-but-long-enough-to-sign-with');
    expect(forged.status).toBe(401);
    expect((await citizen.get('/api/visit')).json.visit.state).toBe('admitted');

    expect((await webhook(livekit, joined)).status).toBe(204);
    expect((await citizen.get('/api/visit')).json.visit.state).toBe('in_call');

    rooms.requests.length = 0;
    expect((await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/finish`)).status).toBe(204);
    expect(rooms.requests).toEqual([
      { path: '/twirp/livekit.RoomService/DeleteRoom', body: JSON.stringify({ room: `visit-${visitId}` }) },
    ]);
    // A finished visit gets no token, and LiveKit is not even asked (no room opened again).
    rooms.requests.length = 0;
    expect((await citizen.post(`/api/calls/${visitId}/join`)).status).toBe(403);
    expect(rooms.requests).toEqual([]);
  });

  it('reads a webhook body like any other: unreadable is 400, too large 413, never a missing route', async () => {
    const post = (headers: Record<string, string>, body: Buffer | string) =>
      fetch(`${livekit.url}/api/media/livekit/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/webhook+json', ...headers },
        body,
      });
    const corrupt = await post({ 'content-encoding': 'gzip' }, Buffer.from('not gzip at all'));
    expect([corrupt.status, ((await corrupt.json()) as { code: string }).code]).toEqual([400, 'invalid_json']);
    const large = await post({}, 'x'.repeat(70_000));
    expect([large.status, ((await large.json()) as { code: string }).code]).toEqual([413, 'payload_too_large']);
  });

  it('has no webhook endpoint without LiveKit', async () => {
    expect((await webhook(p2p, '{}')).status).toBe(404);
  });

  it('lets the clerk, and only the clerk, allow the citizen to share the screen; LiveKit is told at once', async () => {
    const { clerk, citizen, visitId, departmentId } = await admittedVisit(livekit);
    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/admit`);
    expect((await citizen.post(`/api/calls/${visitId}/screen-share`, { allowed: true })).status).toBe(403);

    rooms.requests.length = 0;
    expect((await clerk.post(`/api/calls/${visitId}/screen-share`, { allowed: true })).status).toBe(204);
    expect(rooms.requests).toHaveLength(1);
    expect(rooms.requests[0]!.path).toBe('/twirp/livekit.RoomService/UpdateParticipant');
    expect(JSON.parse(rooms.requests[0]!.body)).toMatchObject({
      room: `visit-${visitId}`,
      identity: `citizen-${visitId}`,
      permission: {
        canSubscribe: true,
        canPublish: true,
        canPublishData: true,
        canPublishSources: ['CAMERA', 'MICROPHONE', 'SCREEN_SHARE', 'SCREEN_SHARE_AUDIO'],
      },
    });
    // A new token for the citizen now carries screen sharing too.
    const rejoin = CallJoinResponseSchema.parse((await citizen.post(`/api/calls/${visitId}/join`)).json);
    expect(rejoin.self.canShareScreen).toBe(true);
    if (rejoin.transport !== 'livekit') throw new Error('expected LiveKit');
    expect((decodeJwt(rejoin.token).video as { canPublishSources: string[] }).canPublishSources).toContain(
      'screen_share',
    );
    expect((await clerk.post(`/api/calls/${visitId}/screen-share`, { allowed: 'yes' })).status).toBe(400);
  });
});

describe('the end-to-end key of a LiveKit call', () => {
  let rooms: RoomServiceStub;
  beforeAll(async () => {
    rooms = await startRoomService();
  });
  afterAll(() => rooms.stop());

  /** Two visits of one department admitted by two clerks, on a LiveKit server logging everything. */
  async function twoCalls(env: Record<string, string> = {}) {
    const log = captureLogger('trace');
    const server = await startTestServer(await createTestDatabase('pglite'), {
      env: { TRUST_PROXY: '1', ...rooms.env, LOG_LEVEL: 'trace', ...env },
      jobs: STUB_JOBS,
      logger: log.logger,
    });
    const db = server.database.db;
    let n = 0;
    const client = () => new TestClient(server.url, { 'x-forwarded-for': `10.14.0.${++n}` });
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: new Date() });
    const calls = [];
    for (const name of ['Anna', 'Ben']) {
      const clerk = (await signedInClerk(db, client(), tenant.id, [department.id], { name })).browser;
      const citizen = client();
      const knock = await citizen.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
        name: 'Ayşe',
        concern: 'Ausweis',
        language: 'tr',
        consent: true,
      });
      const visitId = knock.json.visit.id as string;
      await clerk.post(`/api/staff/departments/${department.id}/visits/${visitId}/admit`);
      calls.push({ clerk, citizen, visitId, departmentId: department.id });
    }
    const keyOf = async (browser: TestClient, visitId: string) => {
      const response = await browser.post(`/api/calls/${visitId}/join`);
      const body = CallJoinResponseSchema.parse(response.json);
      if (body.transport !== 'livekit') throw new Error('expected LiveKit');
      return body.e2eeKey;
    };
    return { server, log, calls, keyOf };
  }

  it('is one per call, the same for everyone in it, only in the grant, and never in a log or at LiveKit', async () => {
    const { server, log, calls, keyOf } = await twoCalls();
    try {
      const [first, second] = calls as [(typeof calls)[0], (typeof calls)[0]];
      rooms.requests.length = 0;
      const key = await keyOf(first.citizen, first.visitId);
      expect(key).toMatch(/^[\w-]{43}$/); // 256 random bits
      expect(await keyOf(first.clerk, first.visitId)).toBe(key);
      expect(await keyOf(second.citizen, second.visitId)).not.toBe(key);
      // Not for someone without the grant, whatever they try.
      expect((await second.citizen.post(`/api/calls/${first.visitId}/join`)).status).toBe(403);
      // LiveKit gets nothing of it, nor does the log, even at its most talkative.
      expect(rooms.requests.length).toBeGreaterThan(0);
      expect(JSON.stringify(rooms.requests)).not.toContain(key);
      expect(log.text()).toContain(`/api/calls/${first.visitId}/join`);
      expect(log.text()).not.toContain(key!);

      // The visit ends, and the key with it: a new call would have a new one.
      await first.clerk.post(`/api/staff/departments/${first.departmentId}/visits/${first.visitId}/finish`);
      const [row] = await server.database.db
        .select({ callKey: visits.callKey })
        .from(visits)
        .where(eq(visits.id, first.visitId));
      expect(row?.callKey).toBeNull();
    } finally {
      await server.stop();
    }
  });

  it('is not handed out where LiveKit runs without end-to-end encryption (LIVEKIT_E2EE=false)', async () => {
    const { server, calls, keyOf } = await twoCalls({ LIVEKIT_E2EE: 'false' });
    try {
      expect(await keyOf(calls[0]!.citizen, calls[0]!.visitId)).toBeNull();
      // Nor made and kept for nothing: a key no one needs is one less secret to lose.
      const [row] = await server.database.db
        .select({ callKey: visits.callKey })
        .from(visits)
        .where(eq(visits.id, calls[0]!.visitId));
      expect(row?.callKey).toBeNull();
    } finally {
      await server.stop();
    }
  });
});
