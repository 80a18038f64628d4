// Issue 12, phase 2: NOT RUN YET (the name does not end in .test.ts, so vitest leaves it out).
// These fail on today's server: it handles no room_finished webhook, never reconciles a visit
// with LiveKit, and LiveKit lets a token it issued earlier back in after a removal or the end of
// the call (a token is valid for its whole TTL, and rooms are created on join). Rename to
// livekit-sfu-phase2.test.ts once the reshaped media layer handles all of it.
import { dispose } from '@livekit/rtc-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planLivekitServer, type LivekitServer } from '../../../tests/livekit/livekit-server.js';
import { openDatabase } from '../db/client.js';
import { TestClient } from '../test/client.js';
import { makeDepartment, makeTenant, signedInClerk } from '../test/factories.js';
import { eventually, joinLivekit, type Participant } from '../test/livekit-participant.js';
import { startWebhookTap, type WebhookTap } from '../test/livekit-webhook-tap.js';
import { startTestServer, type TestServer } from '../test/server.js';

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
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-phase2-'));
  const planned = await planLivekitServer();
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

async function admittedVisit() {
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
  expect((await clerk.post(`/api/staff/departments/${department.id}/visits/${visitId}/admit`)).status).toBe(200);
  const join = await citizen.post(`/api/calls/${visitId}/join`);
  return {
    clerk,
    citizen,
    visitId,
    departmentId: department.id,
    url: join.json.url as string,
    token: join.json.token as string,
  };
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

describe('phase 2: the visit follows the LiveKit room', () => {
  it('ends the visit when LiveKit reports its room finished', async () => {
    const visit = await admittedVisit();
    participants.push(await joinLivekit(visit.url, visit.token));
    await eventually(async () => (await stateOf(visit.citizen)) === 'in_call', 'the visit in the call');

    // Ended outside the app (an operator, LiveKit's own timeout): only the webhook tells us.
    await new RoomServiceClient(livekit.apiUrl, livekit.apiKey, livekit.apiSecret).deleteRoom(`visit-${visit.visitId}`);
    await tap.next((w) => w.event.event === 'room_finished' && w.event.room?.name === `visit-${visit.visitId}`);
    await eventually(async () => (await stateOf(visit.citizen)) === 'done', 'the visit done');
  });

  it('reconciles a joined participant from LiveKit when the webhook was lost while the app was down', async () => {
    const visit = await admittedVisit();
    tap.swallow = true; // LiveKit's webhook goes nowhere, as if the app had been down for its retries
    participants.push(await joinLivekit(visit.url, visit.token));
    await tap.next((w) => w.event.event === 'participant_joined' && w.event.room?.name === `visit-${visit.visitId}`);
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
    await new RoomServiceClient(livekit.apiUrl, livekit.apiKey, livekit.apiSecret).deleteRoom(`visit-${visit.visitId}`);
    await tap.next((w) => w.event.event === 'room_finished' && w.event.room?.name === `visit-${visit.visitId}`);
    tap.swallow = false;

    await restartApp();
    await eventually(async () => (await stateOf(visit.citizen)) === 'done', 'the visit done', 30_000);
  }, 90_000);

  it('keeps a removed interpreter out, even with the LiveKit token they still hold', async () => {
    const visit = await admittedVisit();
    const visitPath = `/api/staff/departments/${visit.departmentId}/visits/${visit.visitId}`;
    const created = await visit.clerk.post(`${visitPath}/invites`, { role: 'interpreter', label: 'Dolmetscherin' });
    expect(created.status).toBe(201);
    const interpreter = client();
    const inviteToken = new URL(created.json.url as string).hash.slice(1);
    expect((await interpreter.post('/api/invites/redeem', { token: inviteToken })).status).toBe(200);
    const oldToken = (await interpreter.post(`/api/calls/${visit.visitId}/join`)).json.token as string;
    const first = await joinLivekit(visit.url, oldToken);
    participants.push(first);

    const revoked = await visit.clerk.post(
      `/api/staff/departments/${visit.departmentId}/invites/${created.json.invite.id as string}/revoke`,
    );
    expect(revoked.status).toBe(204);
    await first.disconnected;
    expect((await interpreter.post(`/api/calls/${visit.visitId}/join`)).status).toBe(403);

    // The old token is still valid for LiveKit: it gets in, and must not stay.
    const again = await joinLivekit(visit.url, oldToken).catch(() => null);
    if (again) participants.push(again);
    const rooms = new RoomServiceClient(livekit.apiUrl, livekit.apiKey, livekit.apiSecret);
    await eventually(
      async () =>
        !(await rooms.listParticipants(`visit-${visit.visitId}`)).some(
          (p) => JSON.parse(p.metadata).role === 'interpreter',
        ),
      'the interpreter out of the room',
    );
  });

  it('does not let an old token reopen a call the clerk ended', async () => {
    const visit = await admittedVisit();
    participants.push(await joinLivekit(visit.url, visit.token));
    const finishPath = `/api/staff/departments/${visit.departmentId}/visits/${visit.visitId}/finish`;
    expect((await visit.clerk.post(finishPath)).status).toBe(204);

    const again = await joinLivekit(visit.url, visit.token).catch(() => null);
    if (again) participants.push(again);
    const rooms = new RoomServiceClient(livekit.apiUrl, livekit.apiKey, livekit.apiSecret);
    await eventually(
      async () => !(await rooms.listRooms()).some((room) => room.name === `visit-${visit.visitId}`),
      'no room for the finished visit',
    );
  });
});
