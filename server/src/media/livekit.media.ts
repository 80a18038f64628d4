import {
  AccessToken,
  RoomServiceClient,
  TrackSource,
  WebhookReceiver,
  type VideoGrant,
  type WebhookEvent,
} from 'livekit-server-sdk';
import type { Config } from '../config.js';
import type { CallGrant, CallMedia, MediaEvent } from '../deps.js';

/**
 * Calls over a LiveKit SFU: tokens with exact grants, webhook verification, and room control.
 * LiveKit grants everything that a token leaves unset, so every grant is written out here.
 */

export type LivekitSettings = NonNullable<Config['media']['livekit']>;

/** The one room name for a visit's call: derived from the visit id, useless without a grant. */
export function roomNameFor(visitId: string): string {
  return `visit-${visitId}`;
}

const ROOM = /^visit-([0-9a-f-]{36})$/;

/** Short-lived: long enough to connect and reconnect, not a standing credential. */
export const LIVEKIT_TOKEN_TTL_SECONDS = 10 * 60;

export function videoGrantFor(grant: CallGrant): VideoGrant {
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

export interface LivekitRooms {
  removeParticipant(visitId: string, identity: string): Promise<void>;
  /** Grants or withdraws screen sharing for one participant who is already in the room. */
  setScreenShare(visitId: string, identity: string, allowed: boolean): Promise<void>;
  closeRoom(visitId: string): Promise<void>;
}

export function livekitRooms(settings: LivekitSettings): LivekitRooms {
  const client = new RoomServiceClient(settings.apiUrl, settings.apiKey, settings.apiSecret);
  return {
    async removeParticipant(visitId, identity) {
      await client.removeParticipant(roomNameFor(visitId), identity);
    },
    async setScreenShare(visitId, identity, allowed) {
      const { canPublishSources, canSubscribe, canPublish, canPublishData, hidden, canUpdateOwnMetadata } =
        videoGrantFor({
          visitId,
          departmentId: '',
          role: 'citizen',
          identity,
          name: '',
          canShareScreen: allowed,
        });
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
      async receive(body, authorization): Promise<MediaEvent | null> {
        const event = await receiveLivekitWebhook(settings, body, authorization);
        const visitId = ROOM.exec(event.room?.name ?? '')?.[1];
        if (!visitId || event.event !== 'participant_joined') return null;
        return { type: 'participant_joined', visitId, identity: event.participant?.identity ?? '' };
      },
    },
    async connect(grant) {
      return { transport: 'livekit', url: settings.url, token: await mintLivekitToken(settings, grant) };
    },
    endCall: (visitId) => rooms.closeRoom(visitId),
    removeParticipant: (visitId, identity) => rooms.removeParticipant(visitId, identity),
    setScreenShare: (visitId, identity, allowed) => rooms.setScreenShare(visitId, identity, allowed),
  };
}
