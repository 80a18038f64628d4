import { CallJoinResponseSchema } from '@amtsraum/shared';
import { dispose } from '@livekit/rtc-node';
import { createHash, randomUUID } from 'node:crypto';
import { AccessToken, RoomServiceClient, TrackSource as ServerTrackSource } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { planLivekitServer, type LivekitServer } from '../../../tests/livekit/livekit-server.js';
import { TestClient } from '../test/client.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeDepartment, makeTenant, signedInClerk } from '../test/factories.js';
import { DisconnectReason, joinLivekit, TrackSource, type Participant } from '../test/livekit-participant.js';
import { eventually } from '../test/eventually.js';
import { startWebhookTap, type WebhookTap } from '../test/livekit-webhook-tap.js';
import { startTestServer, type TestServer } from '../test/server.js';
import type { CallGrant } from '../deps.js';
import { livekitRooms, mintLivekitToken, type LivekitSettings } from './livekit.media.js';

/**
 * Issue 12: our LiveKit side against a real LiveKit server of the pinned version (built by
 * `npm run livekit:build`), with real WebRTC participants from Node. What LiveKit itself
 * accepts, refuses and reports is the evidence here, not what our code believes it sent.
 */

// PostgreSQL when the run has one (what production pairs with LiveKit), else PGlite.
const kind = databaseKinds.at(-1)!;

let livekit: LivekitServer;
let app: TestServer;
let tap: WebhookTap;
let settings: LivekitSettings;
let roomService: RoomServiceClient;
const participants: Participant[] = [];

beforeAll(async () => {
  const planned = await planLivekitServer();
  app = await startTestServer(await createTestDatabase(kind), {
    env: { TRUST_PROXY: '1', MEDIA_MODE: 'livekit', ...planned.env },
    // Webhooks are what these tests watch; reconciling (livekit-rooms.test.ts) would blur them.
    jobs: { reconcileMs: 3_600_000 },
  });
  tap = await startWebhookTap(() => `${app.url}/api/media/livekit/webhook`);
  livekit = await planned.start({ webhookUrls: [tap.url] });
  settings = app.deps.config.media.livekit!;
  roomService = new RoomServiceClient(livekit.apiUrl, livekit.apiKey, livekit.apiSecret);
}, 60_000);

afterEach(async () => {
  await Promise.all(participants.splice(0).map((participant) => participant.leave()));
});

afterAll(async () => {
  await livekit?.stop();
  await tap?.stop();
  await app?.stop();
  await dispose();
});

async function join(token: string) {
  const participant = await joinLivekit(livekit.url, token);
  participants.push(participant);
  return participant;
}

const grantFor = (visitId: string, role: CallGrant['role'], canShareScreen = role === 'clerk'): CallGrant => ({
  visitId,
  departmentId: randomUUID(),
  role,
  identity: `${role}-${visitId}`,
  name: `${role} name`,
  canShareScreen,
});

/** Joins the visit's room, which our server opens first (LiveKit creates none on a join). */
async function joinAs(visitId: string, role: CallGrant['role'], canShareScreen?: boolean) {
  await livekitRooms(settings).openRoom(visitId);
  return join(await mintLivekitToken(settings, grantFor(visitId, role, canShareScreen)));
}

/** How LiveKit sees a room's people, by identity. */
async function peopleIn(visitId: string) {
  const list = await roomService.listParticipants(`visit-${visitId}`).catch(() => []);
  return new Map(list.map((person) => [person.identity, person]));
}

const sourcesPublishedBy = async (visitId: string, identity: string) =>
  ((await peopleIn(visitId)).get(identity)?.tracks ?? []).map((track) => track.source);

/**
 * The first two groups join rooms of made-up visits: the app would rightly remove such strangers on
 * their join webhook (livekit-rooms.test.ts), so LiveKit's webhooks do not reach it meanwhile.
 */
function withoutTheApp() {
  beforeEach(() => {
    tap.swallow = true;
  });
  afterEach(() => {
    tap.swallow = false;
  });
}

describe('tokens from mintLivekitToken, as the LiveKit server takes them', () => {
  withoutTheApp();
  it('let each role into exactly its visit room with exactly its permissions, and media flows both ways', async () => {
    const visitId = randomUUID();
    const clerk = await joinAs(visitId, 'clerk');
    const citizen = await joinAs(visitId, 'citizen');

    const people = await peopleIn(visitId);
    expect([...people.keys()].sort()).toEqual([`citizen-${visitId}`, `clerk-${visitId}`]);
    const expected = (sources: ServerTrackSource[]) => ({
      canSubscribe: true,
      canPublish: true,
      canPublishData: true,
      canPublishSources: sources,
      canUpdateMetadata: false,
      hidden: false,
      recorder: false,
      agent: false,
    });
    const { CAMERA, MICROPHONE, SCREEN_SHARE, SCREEN_SHARE_AUDIO } = ServerTrackSource;
    expect(people.get(`clerk-${visitId}`)?.permission).toMatchObject(
      expected([CAMERA, MICROPHONE, SCREEN_SHARE, SCREEN_SHARE_AUDIO]),
    );
    expect(people.get(`citizen-${visitId}`)?.permission).toMatchObject(expected([CAMERA, MICROPHONE]));
    expect(JSON.parse(people.get(`citizen-${visitId}`)!.metadata)).toEqual({ role: 'citizen' });
    expect(people.get(`citizen-${visitId}`)?.name).toBe('citizen name');

    await clerk.publishVideo(TrackSource.SOURCE_CAMERA);
    await citizen.publishVideo(TrackSource.SOURCE_CAMERA);
    const atCitizen = citizen.framesFrom(`clerk-${visitId}`, TrackSource.SOURCE_CAMERA);
    const atClerk = clerk.framesFrom(`citizen-${visitId}`, TrackSource.SOURCE_CAMERA);
    await eventually(() => atCitizen.count() >= 5 && atClerk.count() >= 5, 'decoded frames both ways');
  });

  it('are refused for what they leave out: a guest publishing a screen share, room control, another room', async () => {
    const visitId = randomUUID();
    const otherVisitId = randomUUID();
    const clerk = await joinAs(otherVisitId, 'clerk');
    const guestToken = await mintLivekitToken(settings, grantFor(visitId, 'guest'));
    // A room our server did not open does not exist: a valid token finds nothing to join.
    await expect(joinLivekit(livekit.url, guestToken)).rejects.toThrow();
    expect((await roomService.listRooms()).map((room) => room.name)).not.toContain(`visit-${visitId}`);
    await livekitRooms(settings).openRoom(visitId);
    const guest = await join(guestToken);

    // The camera is the guest's to publish; the screen is not, and LiveKit itself says no.
    await guest.publishVideo(TrackSource.SOURCE_CAMERA);
    // Listed once its media arrives, which a busy machine may take a moment for.
    await eventually(
      async () => (await sourcesPublishedBy(visitId, `guest-${visitId}`)).includes(ServerTrackSource.CAMERA),
      'the guest’s camera in the room',
    );
    const screen = guest.publishVideo(TrackSource.SOURCE_SCREENSHARE);
    screen.catch(() => {}); // LiveKit never answers a refused publication; leaving ends the wait.
    await livekit.waitForLog(
      (entry) => entry.msg === 'no permission to publish track' && entry.participant === `guest-${visitId}`,
    );
    expect(await sourcesPublishedBy(visitId, `guest-${visitId}`)).toEqual([ServerTrackSource.CAMERA]);

    // A participant's token is no key to the room service, not even for its own room.
    const guestCall = (path: string, body: object) =>
      fetch(`${livekit.apiUrl}/twirp/livekit.RoomService/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${guestToken}` },
        body: JSON.stringify(body),
      });
    for (const [path, body] of [
      ['ListParticipants', { room: `visit-${visitId}` }],
      ['RemoveParticipant', { room: `visit-${visitId}`, identity: `clerk-${otherVisitId}` }],
      ['ListRooms', {}],
      ['DeleteRoom', { room: `visit-${otherVisitId}` }],
    ] as const) {
      const response = await guestCall(path, body);
      expect(response.status, path).toBe(401);
    }

    // A token names one room: the guest is in it, and in no other, whatever else exists.
    expect([...(await peopleIn(otherVisitId)).keys()]).toEqual([`clerk-${otherVisitId}`]);
    expect(clerk.room.remoteParticipants.size).toBe(0);
    expect(guest.room.name).toBe(`visit-${visitId}`);

    // Tokens we did not sign, or that ran out, open nothing.
    const foreign = new AccessToken(livekit.apiKey, 'another-secret-that-is-long-enough-to-sign', {
      identity: 'intruder',
    });
    foreign.addGrant({ room: `visit-${otherVisitId}`, roomJoin: true });
    await expect(joinLivekit(livekit.url, await foreign.toJwt())).rejects.toThrow();
    const expired = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity: 'late', ttl: -60 });
    expired.addGrant({ room: `visit-${otherVisitId}`, roomJoin: true });
    await expect(joinLivekit(livekit.url, await expired.toJwt())).rejects.toThrow();
    expect([...(await peopleIn(otherVisitId)).keys()]).toEqual([`clerk-${otherVisitId}`]);
  });
});

describe('our RoomService calls, as the LiveKit server carries them out', () => {
  withoutTheApp();
  it('RemoveParticipant takes exactly that person out of the call', async () => {
    const visitId = randomUUID();
    const clerk = await joinAs(visitId, 'clerk');
    const interpreter = await joinAs(visitId, 'interpreter');
    await eventually(() => clerk.room.remoteParticipants.has(`interpreter-${visitId}`), 'the interpreter in the room');

    await livekitRooms(settings).removeParticipant(visitId, `interpreter-${visitId}`);

    expect(await interpreter.disconnected).toBe(DisconnectReason.PARTICIPANT_REMOVED);
    expect([...(await peopleIn(visitId)).keys()]).toEqual([`clerk-${visitId}`]);
    await eventually(() => !clerk.room.remoteParticipants.has(`interpreter-${visitId}`), 'the clerk seeing them go');
    expect(clerk.room.isConnected).toBe(true);
  });

  it('DeleteRoom ends the call for everyone in it, and only that call', async () => {
    const visitId = randomUUID();
    const neighbourId = randomUUID();
    const clerk = await joinAs(visitId, 'clerk');
    const citizen = await joinAs(visitId, 'citizen');
    const neighbour = await joinAs(neighbourId, 'clerk');

    await livekitRooms(settings).closeRoom(visitId);

    expect(await clerk.disconnected).toBe(DisconnectReason.ROOM_DELETED);
    expect(await citizen.disconnected).toBe(DisconnectReason.ROOM_DELETED);
    const rooms = (await roomService.listRooms()).map((room) => room.name);
    expect(rooms).not.toContain(`visit-${visitId}`);
    expect(rooms).toContain(`visit-${neighbourId}`);
    expect(neighbour.room.isConnected).toBe(true);
  });

  it('UpdateParticipant lets a citizen share the screen while allowed, and no longer once withdrawn', async () => {
    const visitId = randomUUID();
    const clerk = await joinAs(visitId, 'clerk');
    const citizen = await joinAs(visitId, 'citizen', false);
    const rooms = livekitRooms(settings);
    const citizenId = `citizen-${visitId}`;

    await rooms.setScreenShare(visitId, citizenId, true);
    expect((await peopleIn(visitId)).get(citizenId)?.permission?.canPublishSources).toEqual([
      ServerTrackSource.CAMERA,
      ServerTrackSource.MICROPHONE,
      ServerTrackSource.SCREEN_SHARE,
      ServerTrackSource.SCREEN_SHARE_AUDIO,
    ]);
    await citizen.publishVideo(TrackSource.SOURCE_SCREENSHARE);
    const screenAtClerk = clerk.framesFrom(citizenId, TrackSource.SOURCE_SCREENSHARE);
    await eventually(() => screenAtClerk.count() >= 3, 'the citizen’s screen at the clerk');

    await rooms.setScreenShare(visitId, citizenId, false);
    // LiveKit takes down what the citizen may no longer publish.
    await eventually(
      async () => !(await sourcesPublishedBy(visitId, citizenId)).includes(ServerTrackSource.SCREEN_SHARE),
      'the screen share taken down',
    );
    expect((await peopleIn(visitId)).get(citizenId)?.permission?.canPublishSources).toEqual([
      ServerTrackSource.CAMERA,
      ServerTrackSource.MICROPHONE,
    ]);
  });
});

describe('the call endpoints and webhooks of an app with MEDIA_MODE=livekit', () => {
  let address = 0;
  const client = () => new TestClient(app.url, { 'x-forwarded-for': `10.12.0.${String(++address)}` });

  /** A citizen waiting in a fresh department, and the clerk who admits them. */
  async function admittedVisit() {
    const db = app.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: new Date() });
    const clerk = (await signedInClerk(db, client(), tenant.id, [department.id], { name: 'Anna Schmidt' })).browser;
    const citizen = client();
    const knock = await citizen.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
      name: 'Ayşe',
      concern: 'Ausweis',
      language: 'tr',
      consent: true,
    });
    const visitId = knock.json.visit.id as string;
    expect((await clerk.post(`/api/staff/departments/${department.id}/visits/${visitId}/admit`)).status).toBe(200);
    return { clerk, citizen, visitId, departmentId: department.id };
  }

  const stateOf = async (citizen: TestClient) => (await citizen.get('/api/visit')).json.visit.state as string;

  async function tokenFor(browser: TestClient, visitId: string) {
    const response = await browser.post(`/api/calls/${visitId}/join`);
    expect(response.status).toBe(200);
    const body = CallJoinResponseSchema.parse(response.json);
    if (body.transport !== 'livekit') throw new Error('expected the LiveKit transport');
    expect(body.url).toBe(livekit.url);
    return body.token;
  }

  it('hands out tokens LiveKit accepts with the roles’ grants; its webhook puts the visit in the call; finishing closes the room', async () => {
    const { clerk, citizen, visitId, departmentId } = await admittedVisit();
    expect(await stateOf(citizen)).toBe('admitted');

    const inCall = await join(await tokenFor(citizen, visitId));
    const joined = await tap.next(
      (webhook) => webhook.event.event === 'participant_joined' && webhook.event.room?.name === `visit-${visitId}`,
    );
    expect(joined.event.participant?.identity).toBe(`citizen-${visitId}`);
    await eventually(async () => (await stateOf(citizen)) === 'in_call', 'the visit in the call');

    await join(await tokenFor(clerk, visitId));
    const people = [...(await peopleIn(visitId)).values()];
    const byRole = (role: string) => people.filter((person) => JSON.parse(person.metadata).role === role);
    expect(byRole('clerk')).toHaveLength(1);
    expect(byRole('clerk')[0]).toMatchObject({ name: 'Anna Schmidt', permission: { canPublish: true } });
    expect(byRole('clerk')[0]!.permission?.canPublishSources).toContain(ServerTrackSource.SCREEN_SHARE);
    expect(byRole('citizen')[0]!.permission?.canPublishSources).toEqual([
      ServerTrackSource.CAMERA,
      ServerTrackSource.MICROPHONE,
    ]);
    expect(people).toHaveLength(2);

    // The clerk ends the call: LiveKit closes the room, and a finished visit gets no token.
    expect((await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/finish`)).status).toBe(204);
    expect(await inCall.disconnected).toBe(DisconnectReason.ROOM_DELETED);
    expect((await citizen.post(`/api/calls/${visitId}/join`)).status).toBe(403);
  });

  describe('webhooks that LiveKit did not send, or not now', () => {
    afterEach(() => {
      vi.useRealTimers();
      tap.swallow = false;
    });

    const deliver = (body: string, authorization?: string) =>
      fetch(`${app.url}/api/media/livekit/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/webhook+json', ...(authorization ? { authorization } : {}) },
        body,
      });

    it('are refused with 401 and change nothing: forged, altered, unsigned, or replayed after they expired', async () => {
      const first = await admittedVisit();
      const second = await admittedVisit();
      // A genuine event for the second visit that the app never saw (as if it had been down).
      tap.swallow = true;
      await join(await tokenFor(second.citizen, second.visitId));
      const genuine = await tap.next(
        (webhook) =>
          webhook.event.event === 'participant_joined' && webhook.event.room?.name === `visit-${second.visitId}`,
      );
      tap.swallow = false;
      expect(await stateOf(second.citizen)).toBe('admitted');

      // LiveKit's signature on a body that now names another visit.
      const altered = genuine.body.replaceAll(second.visitId, first.visitId);
      expect((await deliver(altered, genuine.authorization)).status).toBe(401);
      // Signed, but not with our secret.
      const forger = new AccessToken(livekit.apiKey, 'not-our-secret-but-long-enough-to-sign-with');
      forger.sha256 = createHash('sha256').update(altered).digest('base64');
      expect((await deliver(altered, await forger.toJwt())).status).toBe(401);
      expect((await deliver(altered)).status).toBe(401);
      expect(await stateOf(first.citizen)).toBe('admitted');

      // LiveKit's signature lasts five minutes: the genuine event, replayed later, is refused.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 });
      expect((await deliver(genuine.body, genuine.authorization)).status).toBe(401);
      vi.useRealTimers();
      expect(await stateOf(second.citizen)).toBe('admitted');

      // The same request in time is taken: the refusals above were for what they were, not for its form.
      expect((await deliver(genuine.body, genuine.authorization)).status).toBe(204);
      expect(await stateOf(second.citizen)).toBe('in_call');
    });
  });
});
