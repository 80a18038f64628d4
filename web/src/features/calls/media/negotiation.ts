import type { MediaState } from '@amtsraum/shared';

/**
 * Pure rules of the peer-to-peer mesh, kept apart from RTCPeerConnection so they can be tested.
 * The pattern is "perfect negotiation" (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example):
 * both sides may offer at any time; on a collision the polite side yields.
 */

/** Exactly one of two peers is polite; both compute the same answer from the two identities. */
export function isPolite(self: string, remote: string): boolean {
  if (self === remote) throw new Error('a peer cannot negotiate with itself');
  return self < remote;
}

/**
 * Which of a remote participant's sources an incoming stream carries. The sender announces the
 * MediaStream id of its screen share; everything else is its camera and microphone.
 */
export function sourceOfStream(streamId: string | undefined, media: MediaState | undefined): 'camera' | 'screen' {
  if (streamId && media?.screenStreamId && streamId === media.screenStreamId) return 'screen';
  return 'camera';
}

/** The offer on the wire collides when we are offering ourselves or are mid-negotiation. */
export function isOfferCollision(
  type: RTCSdpType,
  state: { makingOffer: boolean; signalingState: RTCSignalingState; settingRemoteAnswer: boolean },
): boolean {
  const readyForOffer = !state.makingOffer && (state.signalingState === 'stable' || state.settingRemoteAnswer);
  return type === 'offer' && !readyForOffer;
}

/**
 * Whether a connection needs an ICE restart now. `disconnected` often heals by itself (a short
 * drop); only after `graceMs` does it count. `failed` never heals.
 */
export function needsIceRestart(state: RTCIceConnectionState, disconnectedForMs: number, graceMs = 2_000): boolean {
  if (state === 'failed') return true;
  return state === 'disconnected' && disconnectedForMs >= graceMs;
}
