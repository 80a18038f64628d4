import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, jwtVerify } from 'jose';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  livekitRooms,
  LIVEKIT_TOKEN_TTL_SECONDS,
  mediaEventOf,
  mintLivekitToken,
  receiveLivekitWebhook,
  visitOfRoom,
  type LivekitSettings,
} from './livekit.media.js';
import type { CallGrant } from '../deps.js';

const settings: LivekitSettings = {
  url: 'wss://livekit.test',
  apiUrl: 'http://127.0.0.1:1',
  apiKey: 'amtsraum-key',
  apiSecret: 'a-livekit-secret-of-at-least-32-characters',
  e2ee: true,
};
const secretKey = new TextEncoder().encode(settings.apiSecret);
const VISIT = '7b0d6f8e-4a55-4c8e-9a52-0f3e3d7c1a11';

const grant = (role: CallGrant['role'], canShareScreen: boolean): CallGrant => ({
  visitId: VISIT,
  departmentId: '5d6b2c1a-0a1b-4c2d-8e3f-112233445566',
  role,
  identity: `${role}-1`,
  name: role === 'clerk' ? 'Anna Schmidt' : 'Ayşe',
  canShareScreen,
});

describe('LiveKit tokens', () => {
  it.each([
    ['clerk', true, ['camera', 'microphone', 'screen_share', 'screen_share_audio']],
    ['citizen', false, ['camera', 'microphone']],
    ['citizen', true, ['camera', 'microphone', 'screen_share', 'screen_share_audio']],
    ['interpreter', false, ['camera', 'microphone']],
    ['guest', false, ['camera', 'microphone']],
  ] as const)('a %s (screen sharing %s) gets exactly the grants of that role', async (role, share, sources) => {
    const jwt = await mintLivekitToken(settings, grant(role, share));
    const { payload, protectedHeader } = await jwtVerify(jwt, secretKey, {
      issuer: settings.apiKey,
      algorithms: ['HS256'],
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.sub).toBe(`${role}-1`);
    expect(payload.exp! - payload.nbf!).toBe(LIVEKIT_TOKEN_TTL_SECONDS);
    expect(JSON.parse(payload.metadata as string)).toEqual({ role });
    expect(payload.video).toEqual({
      room: `visit-${VISIT}`,
      roomJoin: true,
      roomCreate: false,
      roomList: false,
      roomAdmin: false,
      roomRecord: false,
      recorder: false,
      ingressAdmin: false,
      canPublish: true,
      canPublishSources: sources,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
      hidden: false,
      agent: false,
    });
    // Nothing beyond the video grant (no SIP, no other rooms).
    expect(Object.keys(payload).sort()).toEqual(['exp', 'iss', 'metadata', 'name', 'nbf', 'sub', 'video'].sort());
  });
});

async function signedWebhook(body: string, secret = settings.apiSecret) {
  const token = new AccessToken(settings.apiKey, secret);
  token.sha256 = createHash('sha256').update(body).digest('base64');
  return token.toJwt();
}

describe('LiveKit webhooks', () => {
  const body = JSON.stringify({
    event: 'participant_joined',
    room: { name: `visit-${VISIT}` },
    participant: { identity: 'citizen-1' },
    id: 'EV_1',
    createdAt: '1795219963',
  });

  it('accepts a correctly signed event', async () => {
    const event = await receiveLivekitWebhook(settings, body, await signedWebhook(body));
    expect(event.event).toBe('participant_joined');
    expect(event.room?.name).toBe(`visit-${VISIT}`);
  });

  it('tells what concerns a visit call: a join with its identity, a finished room; nothing else', () => {
    const room = { name: `visit-${VISIT}` };
    expect(
      mediaEventOf({ event: 'participant_joined', room, participant: { identity: 'citizen-1' } } as never),
    ).toEqual({ type: 'participant_joined', visitId: VISIT, identity: 'citizen-1' });
    expect(mediaEventOf({ event: 'room_finished', room } as never)).toEqual({ type: 'room_finished', visitId: VISIT });
    expect(mediaEventOf({ event: 'participant_left', room, participant: { identity: 'citizen-1' } } as never)).toBe(
      null,
    );
    // Another application's room on a shared LiveKit, or a name that only looks like ours.
    expect(mediaEventOf({ event: 'room_finished', room: { name: 'team-standup' } } as never)).toBe(null);
    expect(mediaEventOf({ event: 'room_finished', room: { name: `visit-${VISIT}-x` } } as never)).toBe(null);
    expect(visitOfRoom(`visit-${VISIT}`)).toBe(VISIT);
  });

  it('refuses a forged signature, an altered body and a missing header', async () => {
    await expect(
      receiveLivekitWebhook(settings, body, await signedWebhook(body, 'another-secret-of-at-least-32-chars!!')),
    ).rejects.toThrow();
    await expect(
      receiveLivekitWebhook(settings, body.replace('citizen-1', 'clerk-1'), await signedWebhook(body)),
    ).rejects.toThrow();
    await expect(receiveLivekitWebhook(settings, body, undefined)).rejects.toThrow();
  });
});

describe('LiveKit room control', () => {
  // No LiveKit server runs here: a local endpoint records the exact requests our code sends.
  const requests: { path: string; body: unknown; auth: string }[] = [];
  let server: http.Server;
  let rooms: ReturnType<typeof livekitRooms>;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        requests.push({ path: req.url ?? '', body: JSON.parse(text || '{}'), auth: req.headers.authorization ?? '' });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    rooms = livekitRooms({ ...settings, apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('removes one participant from the visit room, with a room-admin grant for that room only', async () => {
    requests.length = 0;
    await rooms.removeParticipant(VISIT, 'interpreter-1');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.path).toBe('/twirp/livekit.RoomService/RemoveParticipant');
    expect(requests[0]!.body).toMatchObject({ room: `visit-${VISIT}`, identity: 'interpreter-1' });
    const claims = decodeJwt(requests[0]!.auth.replace(/^Bearer /, ''));
    expect(claims.video).toMatchObject({ room: `visit-${VISIT}`, roomAdmin: true });
  });

  it('closes the visit room at the end of the call', async () => {
    requests.length = 0;
    await rooms.closeRoom(VISIT);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.path).toBe('/twirp/livekit.RoomService/DeleteRoom');
    expect(requests[0]!.body).toEqual({ room: `visit-${VISIT}` });
    expect(decodeJwt(requests[0]!.auth.replace(/^Bearer /, '')).video).toMatchObject({ roomCreate: true });
  });
});
