import type { Config } from '../config.js';
import type { CallMedia } from '../deps.js';

/**
 * Built-in peer-to-peer calls (the embedded default): browsers send media to each other, and our
 * server relays only their signalling, over its WebSocket (features/calls/p2p-rooms.ts).
 *
 * The room side effects need no call here: the rooms act on the department event that every
 * change publishes (a finished visit ends its call, a removed seat leaves it), in every process,
 * and a screen-share permission reaches the room through the clerk's `call-allow-screen` message.
 */
export function createP2pMedia(settings: Pick<Config['media'], 'iceServers' | 'p2pMaxParticipants'>): CallMedia {
  return {
    transport: 'p2p',
    connectSources: [],
    signalling: { maxParticipants: settings.p2pMaxParticipants },
    webhook: null,
    calls: null,
    // Media runs browser to browser, encrypted end to end by WebRTC itself (DTLS-SRTP): no key to hand out.
    async connect() {
      return { transport: 'p2p', iceServers: settings.iceServers, maxParticipants: settings.p2pMaxParticipants };
    },
    async endCall() {},
    async removeParticipant() {},
    async setScreenShare() {},
  };
}
