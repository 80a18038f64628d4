import { describe, expect, it } from 'vitest';
import { isOfferCollision, isPolite, needsIceRestart, sourceOfStream } from './negotiation';

const media = (screenStreamId: string | null) => ({
  camera: true,
  microphone: true,
  screen: screenStreamId !== null,
  cameraStreamId: 'cam-1',
  screenStreamId,
});

describe('isPolite', () => {
  it('makes exactly one of two peers polite, the same from both ends', () => {
    const pairs = [
      ['clerk-1', 'citizen-2'],
      ['citizen-a', 'citizen-b'],
      ['clerk-0b1', 'clerk-0a9'],
    ] as const;
    for (const [a, b] of pairs) {
      expect(isPolite(a, b)).not.toBe(isPolite(b, a));
    }
  });

  it('refuses to negotiate with itself', () => {
    expect(() => isPolite('x', 'x')).toThrow();
  });
});

describe('sourceOfStream', () => {
  it('recognises the announced screen stream', () => {
    expect(sourceOfStream('scr-9', media('scr-9'))).toBe('screen');
  });

  it('treats everything else, or an unannounced stream, as the camera', () => {
    expect(sourceOfStream('cam-1', media('scr-9'))).toBe('camera');
    expect(sourceOfStream('scr-9', undefined)).toBe('camera');
    expect(sourceOfStream(undefined, media(null))).toBe('camera');
  });
});

describe('isOfferCollision', () => {
  const stable = { makingOffer: false, signalingState: 'stable' as const, settingRemoteAnswer: false };

  it('is no collision in a stable state', () => {
    expect(isOfferCollision('offer', stable)).toBe(false);
  });

  it('collides while making an offer or with a local offer pending', () => {
    expect(isOfferCollision('offer', { ...stable, makingOffer: true })).toBe(true);
    expect(isOfferCollision('offer', { ...stable, signalingState: 'have-local-offer' })).toBe(true);
  });

  it('does not collide while our answer is being applied', () => {
    expect(
      isOfferCollision('offer', { ...stable, signalingState: 'have-local-offer', settingRemoteAnswer: true }),
    ).toBe(false);
  });

  it('never treats an answer as a collision', () => {
    expect(isOfferCollision('answer', { ...stable, makingOffer: true })).toBe(false);
  });
});

describe('needsIceRestart', () => {
  it('restarts a failed connection at once', () => {
    expect(needsIceRestart('failed', 0)).toBe(true);
  });

  it('gives a disconnected connection a grace period to heal', () => {
    expect(needsIceRestart('disconnected', 500)).toBe(false);
    expect(needsIceRestart('disconnected', 2_500)).toBe(true);
  });

  it('leaves healthy connections alone', () => {
    expect(needsIceRestart('connected', 10_000)).toBe(false);
    expect(needsIceRestart('checking', 10_000)).toBe(false);
  });
});
