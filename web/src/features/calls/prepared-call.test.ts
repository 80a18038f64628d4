import { afterEach, describe, expect, it, vi } from 'vitest';
import { constraintFor } from './media/devices';
import type { LocalMedia } from './media/transport';
import {
  claimPreparedCall,
  handOverPreparedCall,
  hasPreparedCall,
  isCallPrepared,
  registerPreparation,
} from './prepared-call';

// No media devices in Node: tracks are stand-ins with the two things the hand-over uses.
function track(kind: 'audio' | 'video') {
  const stand = { kind, readyState: 'live' as MediaStreamTrackState, stop: vi.fn() };
  stand.stop.mockImplementation(() => {
    stand.readyState = 'ended';
  });
  return stand;
}

function localMedia(): LocalMedia & { audio: ReturnType<typeof track>; video: ReturnType<typeof track> } {
  return {
    audio: track('audio'),
    video: track('video'),
    audioDeviceId: 'mic-2',
    videoDeviceId: 'cam-1',
  } as unknown as LocalMedia & { audio: ReturnType<typeof track>; video: ReturnType<typeof track> };
}

const VISIT = '0b6f0c1e-5a43-4c39-9d0a-2f7a1c3e9b11';
const OTHER = '7d2e4b8a-1c5f-4e6a-b3d9-8f0a2c4e6b13';

afterEach(async () => {
  // Nothing left over for the next test.
  await claimPreparedCall(VISIT);
  await claimPreparedCall(OTHER);
  vi.useRealTimers();
});

describe('prepared call', () => {
  it('moves the open devices and the choice to the call of the visit, once', async () => {
    const local = localMedia();
    const unregister = registerPreparation({ isReady: () => true, release: () => local });
    expect(isCallPrepared()).toBe(true);

    expect(handOverPreparedCall(VISIT)).toBe(true);
    expect(isCallPrepared()).toBe(false); // the preparation gave its devices away
    unregister(); // its component unmounting after the hand-over changes nothing
    expect(hasPreparedCall(VISIT)).toBe(true);
    expect(hasPreparedCall(OTHER)).toBe(false);

    expect(await claimPreparedCall(OTHER)).toBeNull();
    const claimed = await claimPreparedCall(VISIT);
    expect(claimed).toEqual(local);
    expect(local.video.stop).not.toHaveBeenCalled();
    expect(await claimPreparedCall(VISIT)).toBeNull(); // a rejoin asks for devices itself
  });

  it('hands nothing over while the devices are still opening or after the preparation left', () => {
    let ready = false;
    const local = localMedia();
    const unregister = registerPreparation({ isReady: () => ready, release: () => local });
    expect(handOverPreparedCall(VISIT)).toBe(false);
    expect(hasPreparedCall(VISIT)).toBe(false);
    ready = true;
    unregister();
    expect(handOverPreparedCall(VISIT)).toBe(false);
  });

  it('turns the camera off when no call page takes the devices', () => {
    vi.useFakeTimers();
    const local = localMedia();
    registerPreparation({ isReady: () => true, release: () => local });
    expect(handOverPreparedCall(VISIT)).toBe(true);
    vi.advanceTimersByTime(30_000);
    expect(local.video.stop).toHaveBeenCalled();
    expect(local.audio.stop).toHaveBeenCalled();
    expect(hasPreparedCall(VISIT)).toBe(false);
  });

  it('opens a device again that ended while waiting, with the same device, or leaves it off', async () => {
    const local = localMedia();
    local.video.stop(); // e.g. unplugged while waiting
    const reopened = track('video');
    const getUserMedia = vi.fn().mockResolvedValue({ getTracks: () => [reopened] });
    vi.stubGlobal('navigator', { mediaDevices: { getUserMedia } });
    try {
      registerPreparation({ isReady: () => true, release: () => local });
      handOverPreparedCall(VISIT);
      const claimed = await claimPreparedCall(VISIT);
      expect(claimed?.video).toBe(reopened);
      expect(claimed?.audio).toBe(local.audio);
      expect(getUserMedia).toHaveBeenCalledWith({ video: constraintFor('cam-1', 'video') });

      const again = localMedia();
      again.audio.stop();
      getUserMedia.mockRejectedValue(Object.assign(new Error('gone'), { name: 'NotFoundError' }));
      registerPreparation({ isReady: () => true, release: () => again });
      handOverPreparedCall(VISIT);
      const withoutMicrophone = await claimPreparedCall(VISIT);
      expect(withoutMicrophone?.audio).toBeNull();
      expect(withoutMicrophone?.video).toBe(again.video);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a second hand-over stops the devices of the first', () => {
    const first = localMedia();
    const second = localMedia();
    registerPreparation({ isReady: () => true, release: () => first });
    handOverPreparedCall(VISIT);
    registerPreparation({ isReady: () => true, release: () => second });
    handOverPreparedCall(OTHER);
    expect(first.video.stop).toHaveBeenCalled();
    expect(hasPreparedCall(VISIT)).toBe(false);
    expect(hasPreparedCall(OTHER)).toBe(true);
  });
});
