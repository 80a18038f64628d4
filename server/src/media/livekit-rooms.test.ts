import { dispose } from '@livekit/rtc-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CallJoinResponseSchema, ProblemSchema } from '@amtsraum/shared';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  planLivekitServer,
  type LivekitServer,
  type PlannedLivekitServer,
} from '../../../tests/livekit/livekit-server.js';
import { openDatabase } from '../db/client.js';
import { TestClient } from '../test/client.js';
import { makeDepartment, makeTenant, signedInClerk } from '../test/factories.js';
import { eventually } from '../test/eventually.js';
import { joinLivekit, type Participant } from '../test/livekit-participant.js';
import { startWebhookTap, type WebhookTap } from '../test/livekit-webhook-tap.js';
import { startTestServer, type TestServer } from '../test/server.js';

/**
 * Issue 12: a visit and its LiveKit room agree, against the real LiveKit server. The room ends the
 * visit's call; what our server missed while it was down is read from LiveKit when it is back; and
 * a LiveKit token, valid for minutes and refreshed by LiveKit itself, lets nobody back in whom our
 * server no longer grants the call (decision 013).
 */

let planned: PlannedLivekitServer;
let livekit: LivekitServer;
let env: Record<string, string>;
let app: TestServer;
let tap: WebhookTap;
let dataDir: string;
const participants: Participant[] = [];
let address = 0;

/** The app over a data folder that outlives it, so a test can stop it and start it again. */
async function startApp() {
  const database = Object.assign(await openDatabase({ kind: 'pglite', dataDir }), { url: null });
  return startTestServer(database, { env });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-rooms-'));
  planned = await planLivekitServer();
  env = { TRUST_PROXY: '1', MEDIA_MODE: 'livekit', ...planned.env };
  app = await startApp();
  tap = await startWebhookTap(() => `${app.url}/api/media/livekit/webhook`);
  livekit = await planned.start({ webhookUrls: [tap.url] });
}, 60_000);

afterEach(async () => {
  tap.swallow = false;
  await Promise.all(participants.splice(0).map((participant) => participant.leave()));
});

afterAll(async () => {
  await livekit?.stop();
  await tap?.stop();
  await app?.stop();
  await dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const client = () => new TestClient(app.url, { 'x-forwarded-for': `10.13.0.${String(++address)}` });
const rooms = () => new RoomServiceClient(livekit.apiUrl, livekit.apiKey, livekit.apiSecret);
const roomOf = (visitId: string) => `visit-${visitId}`;

async function tokenFor(browser: TestClient, visitId: string) {
  const join = await browser.post(`/api/calls/${visitId}/join`);
  expect(join.status).toBe(200);
  const body = CallJoinResponseSchema.parse(join.json);
  if (body.transport !== 'livekit') throw new Error('expected LiveKit');
  return body;
}

/** A department with a signed-in clerk and a citizen knocking, not yet let in. */
async function waitingVisit() {
  const db = app.database.db;
  const tenant = await makeTenant(db);
  const department = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: new Date() });
  const clerk = (await signedInClerk(db, client(), tenant.id, [department.id])).browser;
  const citizen = client();
  const knock = await citizen.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
    name: 'Ayşe',
    concern: 'Ausweis',
    language: 'tr',
    consent: true,
  });
  const visitId = knock.json.visit.id as string;
  return { clerk, citizen, visitId, departmentId: department.id };
}

const admit = (visit: Awaited<ReturnType<typeof waitingVisit>>) =>
  visit.clerk.post(`/api/staff/departments/${visit.departmentId}/visits/${visit.visitId}/admit`);

async function admittedVisit() {
  const visit = await waitingVisit();
  expect((await admit(visit)).status).toBe(200);
  const { url, token } = await tokenFor(visit.citizen, visit.visitId);
  return { ...visit, url, token };
}

/** The citizen's cookie, sent to whichever app process now runs. */
const stateOf = async (citizen: TestClient) => {
  const again = new TestClient(app.url);
  for (const [name, value] of citizen.cookies) again.cookies.set(name, value);
  return (await again.get('/api/visit')).json?.visit?.state as string | undefined;
};

async function restartApp() {
  await app.stop();
  app = await startApp();
}

describe('the visit follows the LiveKit room', () => {
  it('ends the visit when LiveKit reports its room finished', async () => {
    const visit = await admittedVisit();
    participants.push(await joinLivekit(visit.url, visit.token));
    await eventually(async () => (await stateOf(visit.citizen)) === 'in_call', 'the visit in the call');

    // Ended outside the app (an operator, LiveKit's own timeout): only the webhook tells us.
    await rooms().deleteRoom(roomOf(visit.visitId));
    await tap.next((w) => w.event.event === 'room_finished' && w.event.room?.name === roomOf(visit.visitId));
    await eventually(async () => (await stateOf(visit.citizen)) === 'done', 'the visit done');
    expect((await visit.citizen.post(`/api/calls/${visit.visitId}/join`)).status).toBe(403);
  });

  it('keeps the place of a visit whose empty room closed, and a late or replayed room_finished ends nothing', async () => {
    const visit = await admittedVisit();
    // The room our server opened for the token closes before anyone came (LiveKit's empty timeout).
    await rooms().deleteRoom(roomOf(visit.visitId));
    const finished = await tap.next(
      (w) => w.event.event === 'room_finished' && w.event.room?.name === roomOf(visit.visitId),
    );
    expect(await stateOf(visit.citizen)).toBe('admitted');

    // A fresh token opens the room again, and the call begins.
    const again = await tokenFor(visit.citizen, visit.visitId);
    participants.push(await joinLivekit(again.url, again.token));
    await eventually(async () => (await stateOf(visit.citizen)) === 'in_call', 'the visit in the call');

    // The old event, delivered again within its signature's five minutes: LiveKit says the room is
    // open, so the call goes on.
    const replay = await fetch(`${app.url}/api/media/livekit/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json', authorization: finished.authorization },
      body: finished.body,
    });
    expect(replay.status).toBe(204);
    expect(await stateOf(visit.citizen)).toBe('in_call');
    expect((await rooms().listRooms([roomOf(visit.visitId)])).length).toBe(1);
  });

  it('reconciles a joined participant from LiveKit when the webhook was lost while the app was down', async () => {
    const visit = await admittedVisit();
    tap.swallow = true; // LiveKit's webhook goes nowhere, as if the app had been down for its retries
    participants.push(await joinLivekit(visit.url, visit.token));
    await tap.next((w) => w.event.event === 'participant_joined' && w.event.room?.name === roomOf(visit.visitId));
    tap.swallow = false;
    expect(await stateOf(visit.citizen)).toBe('admitted');

    await restartApp();
    await eventually(async () => (await stateOf(visit.citizen)) === 'in_call', 'the visit in the call', 30_000);
  }, 90_000);

  it('reconciles a room that finished while the app was down', async () => {
    const visit = await admittedVisit();
    participants.push(await joinLivekit(visit.url, visit.token));
    await eventually(async () => (await stateOf(visit.citizen)) === 'in_call', 'the visit in the call');

    tap.swallow = true;
    await rooms().deleteRoom(roomOf(visit.visitId));
    await tap.next((w) => w.event.event === 'room_finished' && w.event.room?.name === roomOf(visit.visitId));
    tap.swallow = false;

    await restartApp();
    await eventually(async () => (await stateOf(visit.citizen)) === 'done', 'the visit done', 30_000);
  }, 90_000);
});

describe('a LiveKit token is no key back into a call our server closed to its holder', () => {
  it('keeps a removed interpreter out, even with the LiveKit token they still hold', async () => {
    const visit = await admittedVisit();
    const visitPath = `/api/staff/departments/${visit.departmentId}/visits/${visit.visitId}`;
    const created = await visit.clerk.post(`${visitPath}/invites`, { role: 'interpreter', label: 'Dolmetscherin' });
    expect(created.status).toBe(201);
    const interpreter = client();
    const inviteToken = new URL(created.json.url as string).hash.slice(1);
    expect((await interpreter.post('/api/invites/redeem', { token: inviteToken })).status).toBe(200);
    const oldToken = (await tokenFor(interpreter, visit.visitId)).token;
    const first = await joinLivekit(visit.url, oldToken);
    participants.push(first);

    const revoked = await visit.clerk.post(
      `/api/staff/departments/${visit.departmentId}/invites/${created.json.invite.id as string}/revoke`,
    );
    expect(revoked.status).toBe(204);
    await first.disconnected;
    const refused = await interpreter.post(`/api/calls/${visit.visitId}/join`);
    expect([refused.status, refused.json.code]).toEqual([410, 'invite_revoked']);

    // The old token is still valid for LiveKit: it gets in, and must not stay.
    const again = await joinLivekit(visit.url, oldToken).catch(() => null);
    if (again) participants.push(again);
    await eventually(
      async () =>
        !(await rooms().listParticipants(roomOf(visit.visitId))).some(
          (p) => JSON.parse(p.metadata).role === 'interpreter',
        ),
      'the interpreter out of the room',
    );
    expect(await stateOf(visit.citizen)).not.toBe('done');
  });

  it('does not let an old token reopen a call the clerk ended', async () => {
    const visit = await admittedVisit();
    participants.push(await joinLivekit(visit.url, visit.token));
    const finishPath = `/api/staff/departments/${visit.departmentId}/visits/${visit.visitId}/finish`;
    expect((await visit.clerk.post(finishPath)).status).toBe(204);

    // LiveKit opens no room on a join (room.auto_create: false): the token finds nothing.
    await expect(joinLivekit(visit.url, visit.token)).rejects.toThrow();
    expect((await rooms().listRooms()).some((room) => room.name === roomOf(visit.visitId))).toBe(false);
  });
});

describe('the admit opens the call (issue 14)', () => {
  it("opens the room before anyone joins, and the clerk's token from the admit's answer gets in", async () => {
    const visit = await waitingVisit();
    expect((await rooms().listRooms([roomOf(visit.visitId)])).length).toBe(0); // nothing before the admit
    const admitted = await admit(visit);
    expect(admitted.status).toBe(200);
    const call = CallJoinResponseSchema.parse(admitted.json.call);
    if (call.transport !== 'livekit') throw new Error('expected LiveKit');
    expect(call.self.role).toBe('clerk');
    // Open on LiveKit with nobody in it: whoever joins first finds it there.
    expect((await rooms().listRooms([roomOf(visit.visitId)])).map((room) => room.name)).toEqual([
      roomOf(visit.visitId),
    ]);
    const clerk = await joinLivekit(call.url, call.token);
    participants.push(clerk);
    const citizen = await tokenFor(visit.citizen, visit.visitId);
    participants.push(await joinLivekit(citizen.url, citizen.token));
    await eventually(async () => (await stateOf(visit.citizen)) === 'in_call', 'the visit in the call');
    expect((await rooms().listParticipants(roomOf(visit.visitId))).map((p) => p.identity).sort()).toEqual(
      [`citizen-${visit.visitId}`, call.self.identity].sort(),
    );
  });

  it('admits while LiveKit is down, without a token, and the join opens the room itself once LiveKit is back', async () => {
    const visit = await waitingVisit();
    await livekit.stop();
    try {
      const admitted = await admit(visit);
      expect(admitted.status).toBe(200);
      expect(admitted.json).toEqual({ visitId: visit.visitId, channel: 'video' });
      expect(await stateOf(visit.citizen)).toBe('admitted');
    } finally {
      livekit = await planned.start({ webhookUrls: [tap.url] });
    }
    expect((await rooms().listRooms([roomOf(visit.visitId)])).length).toBe(0);
    const citizen = await tokenFor(visit.citizen, visit.visitId);
    participants.push(await joinLivekit(citizen.url, citizen.token));
    await eventually(async () => (await stateOf(visit.citizen)) === 'in_call', 'the visit in the call');
  }, 60_000);
});

describe('a LiveKit server that is down when a call starts', () => {
  it('tells both people in their language, keeps the visit as it was, and works again once LiveKit is back', async () => {
    const visit = await admittedVisit();
    await livekit.stop();
    try {
      const asCitizen = await visit.citizen.request('POST', `/api/calls/${visit.visitId}/join`, undefined, {
        'accept-language': 'de',
      });
      const asClerk = await visit.clerk.request('POST', `/api/calls/${visit.visitId}/join`, undefined, {
        'accept-language': 'en',
      });
      for (const [response, words] of [
        [asCitizen, /Videoverbindung kann gerade nicht aufgebaut werden. Ihr Platz bleibt erhalten/],
        [asClerk, /video connection cannot be set up right now. You keep your place/],
      ] as const) {
        expect(response.status).toBe(503);
        const problem = ProblemSchema.parse(response.json);
        expect(problem.code).toBe('media_unavailable');
        expect(problem.title).toMatch(words);
        expect(JSON.stringify(problem)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/); // no internals
      }
      expect(await stateOf(visit.citizen)).toBe('admitted');
      const console = await visit.clerk.get(`/api/staff/departments/${visit.departmentId}/console`);
      expect(console.json.active.map((row: { id: string }) => row.id)).toEqual([visit.visitId]);
    } finally {
      livekit = await planned.start({ webhookUrls: [tap.url] });
    }

    // The retry the message asks for: the room opens, LiveKit takes the token, the call begins.
    const again = await tokenFor(visit.citizen, visit.visitId);
    participants.push(await joinLivekit(again.url, again.token));
    await eventually(async () => (await stateOf(visit.citizen)) === 'in_call', 'the visit in the call');
  }, 60_000);
});
