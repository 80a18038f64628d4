import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { forgetKeptDevices, keepDevices, reopenKeptDevices, updateKeptDevices } from './kept-devices';
import { KEPT_DEVICES_KEY, mayHaveKeptDevices } from './kept-devices-key';

// No browser in Node: a tab's storage, and devices that hand out stand-in tracks.
function storage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

function track(kind: 'audio' | 'video') {
  return { kind, readyState: 'live', stop: vi.fn() };
}

const visitId = '3f0c1a52-8f7e-4d2b-9a61-0b8e7f0a1c22';
const kept = { visitId, audioDeviceId: 'mic-1', videoDeviceId: 'cam-1', camera: true, microphone: true };

describe('devices kept for a reload during a call', () => {
  let permissions: Record<string, PermissionState>;
  let getUserMedia: Mock<(constraints: { audio?: unknown; video?: unknown }) => Promise<unknown>>;

  beforeEach(() => {
    permissions = { camera: 'granted', microphone: 'granted' };
    getUserMedia = vi.fn((constraints: { audio?: unknown; video?: unknown }) =>
      Promise.resolve({ getTracks: () => [track(constraints.audio ? 'audio' : 'video')] }),
    );
    vi.stubGlobal('window', { sessionStorage: storage() });
    vi.stubGlobal('navigator', {
      mediaDevices: { getUserMedia },
      permissions: { query: ({ name }: { name: string }) => Promise.resolve({ state: permissions[name] }) },
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reopens the same devices as they were, a camera turned off staying off', async () => {
    keepDevices(kept);
    updateKeptDevices(visitId, { camera: false });
    expect(mayHaveKeptDevices(visitId)).toBe(true);
    const local = await reopenKeptDevices(visitId);
    expect(local).toMatchObject({ audioDeviceId: 'mic-1', videoDeviceId: 'cam-1', video: null });
    expect(local?.audio).not.toBeNull();
    expect(getUserMedia).toHaveBeenCalledTimes(1);
    expect(getUserMedia.mock.calls[0]![0]).toMatchObject({ audio: { deviceId: { exact: 'mic-1' } } });
    // Still kept: a second reload rejoins too.
    expect(mayHaveKeptDevices(visitId)).toBe(true);
  });

  it('gives up, and forgets, when a permission is no longer granted: the device check asks', async () => {
    keepDevices(kept);
    permissions.camera = 'prompt';
    expect(await reopenKeptDevices(visitId)).toBeNull();
    expect(getUserMedia).not.toHaveBeenCalled();
    expect(mayHaveKeptDevices(visitId)).toBe(false);
  });

  it('gives up when a kept device is gone, and stops what it opened', async () => {
    keepDevices(kept);
    const microphone = track('audio');
    getUserMedia.mockImplementation((constraints: { audio?: unknown }) =>
      constraints.audio
        ? Promise.resolve({ getTracks: () => [microphone] })
        : Promise.reject(Object.assign(new Error('gone'), { name: 'OverconstrainedError' })),
    );
    expect(await reopenKeptDevices(visitId)).toBeNull();
    expect(microphone.stop).toHaveBeenCalled();
    expect(mayHaveKeptDevices(visitId)).toBe(false);
  });

  it('keeps nothing for another call, reads nothing unreadable, and forgets when told', async () => {
    keepDevices(kept);
    expect(await reopenKeptDevices('0b7e2c1d-5a4f-4e3b-8c2d-1f0e9d8c7b6a')).toBeNull();
    window.sessionStorage.setItem(KEPT_DEVICES_KEY, `{"visitId":"${visitId}","camera":"yes"`);
    expect(await reopenKeptDevices(visitId)).toBeNull();
    keepDevices(kept);
    forgetKeptDevices(visitId);
    expect(mayHaveKeptDevices(visitId)).toBe(false);
  });
});
