import {
  AccessToken,
  RoomServiceClient,
  TrackSource,
  WebhookReceiver,
  type VideoGrant,
  type WebhookEvent,
} from 'livekit-server-sdk';
import type { Config } from '../config.js';
import type { CallGrant, CallMedia, MediaCall, MediaEvent } from '../deps.js';
import { AppError } from '../lib/errors.js';

/**
 * Calls over a LiveKit SFU: rooms opened by our server only, tokens with exact grants, webhook
 * verification, and room control. LiveKit grants everything that a token leaves unset, so every
 * grant is written out here.
 *
 * LiveKit checks a token's signature and expiry, nothing else, and a connected participant is
 * handed fresh tokens by LiveKit itself. So a token is no proof of a right to be in a call now:
 * rooms are never created by a join (`room.auto_create: false` in infra/livekit.yaml), a call
 * that ended has no room to come back to, and features/calls checks every participant LiveKit
 * reports (join webhook and reconciliation) against the database, removing who has no right
 * (decision 013).
 */

export type LivekitSettings = NonNullable<Config['media']['livekit']>;

/** The one room name for a visit's call: derived from the visit id, useless without a grant. */
export function roomNameFor(visitId: string): string {
  return `visit-${visitId}`;
}

const ROOM = /^visit-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The visit whose call a room is, or null for a room that is none of ours. */
export function visitOfRoom(name: string | undefined): string | null {
  return ROOM.exec(name ?? '')?.[1] ?? null;
}

/**
 * Long enough to connect once (the browser asks for a token right before connecting); LiveKit
 * then hands the connected participant fresh tokens itself. A token copied from a browser is
 * worth little after two minutes.
 */
export const LIVEKIT_TOKEN_TTL_SECONDS = 2 * 60;

/** Room-service calls give up after this long: a join must not hang on a LiveKit that does not answer. */
const REQUEST_TIMEOUT_SECONDS = 5;

export function videoGrantFor(grant: Pick<CallGrant, 'visitId' | 'canShareScreen'>): VideoGrant {
  const sources = [TrackSource.CAMERA, TrackSource.MICROPHONE];
  if (grant.canShareScreen) sources.push(TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO);
  return {
    room: roomNameFor(grant.visitId),
    roomJoin: true,
    roomCreate: false,
    roomList: false,
    roomAdmin: false,
    roomRecord: false, // never: Amtsraum does not record
    recorder: false,
    ingressAdmin: false,
    canPublish: true,
    canPublishSources: sources,
    canSubscribe: true,
    canPublishData: true, // in-call chat
    canUpdateOwnMetadata: false,
    hidden: false,
    agent: false,
  };
}

export async function mintLivekitToken(settings: LivekitSettings, grant: CallGrant): Promise<string> {
  const token = new AccessToken(settings.apiKey, settings.apiSecret, {
    identity: grant.identity,
    name: grant.name,
    ttl: LIVEKIT_TOKEN_TTL_SECONDS,
    metadata: JSON.stringify({ role: grant.role }),
  });
  token.addGrant(videoGrantFor(grant));
  return token.toJwt();
}

/** Verifies a webhook's signature and body hash; throws on anything forged or altered. */
export async function receiveLivekitWebhook(
  settings: LivekitSettings,
  body: string,
  authorization: string | undefined,
): Promise<WebhookEvent> {
  if (!authorization) throw new Error('missing authorization');
  return new WebhookReceiver(settings.apiKey, settings.apiSecret).receive(body, authorization);
}

/** What of a verified webhook concerns a visit's call. */
export function mediaEventOf(event: WebhookEvent): MediaEvent | null {
  const visitId = visitOfRoom(event.room?.name);
  if (!visitId) return null;
  if (event.event === 'participant_joined' && event.participant?.identity) {
    return { type: 'participant_joined', visitId, identity: event.participant.identity };
  }
  if (event.event === 'room_finished') return { type: 'room_finished', visitId };
  return null;
}

export interface LivekitRooms {
  /** Opens the visit's room; an open room stays as it is. */
  openRoom(visitId: string): Promise<void>;
  removeParticipant(visitId: string, identity: string): Promise<void>;
  /** Grants or withdraws screen sharing for one participant who is already in the room. */
  setScreenShare(visitId: string, identity: string, allowed: boolean): Promise<void>;
  closeRoom(visitId: string): Promise<void>;
  /** Every visit room and who is in it now. */
  listCalls(): Promise<MediaCall[]>;
  isOpen(visitId: string): Promise<boolean>;
}

export function livekitRooms(settings: LivekitSettings): LivekitRooms {
  const client = new RoomServiceClient(settings.apiUrl, settings.apiKey, settings.apiSecret, {
    requestTimeout: REQUEST_TIMEOUT_SECONDS,
  });
  // Opens under way in this process. The admit opens the room and the citizen's join follows it
  // by a few hundred milliseconds (issue 14): a join that comes while the open is still under way
  // waits for that one instead of asking LiveKit again. Only while it is under way: once
  // answered, the next join asks again, since the room may have closed since (an operator, the
  // empty timeout, another process ending the call) and a join must never hand out a token for a
  // room it merely believes open (`room.auto_create: false` would refuse the connection).
  const opening = new Map<string, Promise<void>>();
  return {
    async openRoom(visitId) {
      const underWay = opening.get(visitId);
      if (underWay) {
        // Its failure is the first caller's to report; this one asks for itself.
        if (
          await underWay.then(
            () => true,
            () => false,
          )
        )
          return;
      }
      // Timeouts and size limits come from infra/livekit.yaml (room:), the one place to tune them.
      const open = client.createRoom({ name: roomNameFor(visitId) }).then(() => undefined);
      opening.set(visitId, open);
      try {
        await open;
      } finally {
        if (opening.get(visitId) === open) opening.delete(visitId);
      }
    },
    async removeParticipant(visitId, identity) {
      await client.removeParticipant(roomNameFor(visitId), identity);
    },
    async setScreenShare(visitId, identity, allowed) {
      const { canPublishSources, canSubscribe, canPublish, canPublishData, hidden, canUpdateOwnMetadata } =
        videoGrantFor({ visitId, canShareScreen: allowed });
      // LiveKit replaces permissions as a whole, so all of them are sent.
      await client.updateParticipant(roomNameFor(visitId), identity, {
        permission: {
          canSubscribe,
          canPublish,
          canPublishData,
          canPublishSources,
          hidden,
          canUpdateMetadata: canUpdateOwnMetadata,
        },
      });
    },
    async closeRoom(visitId) {
      await client.deleteRoom(roomNameFor(visitId));
    },
    async listCalls() {
      const calls: MediaCall[] = [];
      for (const room of await client.listRooms()) {
        const visitId = visitOfRoom(room.name);
        if (!visitId) continue; // another application's room on a shared LiveKit: not ours to judge
        const people = await client.listParticipants(room.name);
        calls.push({ visitId, identities: people.map((person) => person.identity) });
      }
      return calls;
    },
    async isOpen(visitId) {
      return (await client.listRooms([roomNameFor(visitId)])).length > 0;
    },
  };
}

/** The LiveKit implementation of `CallMedia` (DESIGN.md, "Media"). */
export function createLivekitMedia(settings: LivekitSettings): CallMedia {
  const rooms = livekitRooms(settings);
  return {
    transport: 'livekit',
    connectSources: [settings.url],
    signalling: null,
    webhook: {
      async receive(body, authorization) {
        return mediaEventOf(await receiveLivekitWebhook(settings, body, authorization));
      },
    },
    calls: { list: () => rooms.listCalls(), isOpen: (visitId) => rooms.isOpen(visitId) },
    async connect(grant, callKey) {
      // Signing needs nothing but the grant, so it runs beside the key's read and the room's open
      // (issue 14: the join is on the way to the first frame). The room opens only once the key
      // says the visit still has a call, as before.
      const token = mintLivekitToken(settings, grant);
      token.catch(() => {
        // reported below, if it comes to that
      });
      const e2eeKey = settings.e2ee ? await callKey() : null;
      try {
        await rooms.openRoom(grant.visitId);
      } catch (error) {
        // The visit keeps its place: nothing changed, and asking again works once LiveKit is back.
        throw new AppError('media_unavailable', { internal: `LiveKit did not open the room: ${String(error)}` });
      }
      return { transport: 'livekit', url: settings.url, token: await token, e2eeKey };
    },
    endCall: (visitId) => rooms.closeRoom(visitId),
    removeParticipant: (visitId, identity) => rooms.removeParticipant(visitId, identity),
    setScreenShare: (visitId, identity, allowed) => rooms.setScreenShare(visitId, identity, allowed),
  };
}
