import { CallJoinResponseSchema } from '@amtsraum/shared';
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeTenant, signedInClerk } from '../../test/factories.js';
import { LIVEKIT_ENV, startRoomService, type RoomServiceStub } from '../../test/livekit.js';
import { startTestServer, type TestServer } from '../../test/server.js';

describe.each(databaseKinds)('joining a call on %s', (kind) => {
  let p2p: TestServer;
  let livekit: TestServer;
  let rooms: RoomServiceStub;
  let address = 0;

  beforeAll(async () => {
    rooms = await startRoomService();
    p2p = await startTestServer(await createTestDatabase(kind), { env: { TRUST_PROXY: '1' } });
    livekit = await startTestServer(await createTestDatabase(kind), { env: { TRUST_PROXY: '1', ...rooms.env } });
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
  async function admittedVisit(server: TestServer) {
    const db = server.database.db;
    const client = () => new TestClient(server.url, { 'x-forwarded-for': `10.4.0.${++address}` });
    const tenant = await makeTenant(db);
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
    return { clerk, colleague, citizen, other, visitId: visit.id as string, departmentId: department.id, client };
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
    expect((await join(colleague)).json.detail).toBe('caller=staff');
    expect((await join(other)).json.detail).toBe('caller=public');

    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/finish`);
    expect((await join(citizen)).status).toBe(403); // the call is over
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
