import { useEffect, useRef, useState } from 'react';
import { constraintFor, deviceProblemOf, type DeviceProblem } from './media/devices';

const STORAGE_KEY = 'amtsraum.call.devices';

interface SavedChoice {
  audioDeviceId: string | null;
  videoDeviceId: string | null;
}

export function loadDeviceChoice(): SavedChoice {
  try {
    const saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<SavedChoice>;
    return {
      audioDeviceId: typeof saved.audioDeviceId === 'string' ? saved.audioDeviceId : null,
      videoDeviceId: typeof saved.videoDeviceId === 'string' ? saved.videoDeviceId : null,
    };
  } catch {
    return { audioDeviceId: null, videoDeviceId: null };
  }
}

export function saveDeviceChoice(choice: SavedChoice): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

export type Input<K extends 'audio' | 'video'> =
  | { status: 'pending' }
  | { status: 'off' }
  | { status: 'ready'; track: MediaStreamTrack; kind: K }
  | { status: 'problem'; problem: DeviceProblem };

/**
 * One input (camera or microphone) for the device check: opened with the chosen device while
 * `enabled`, stopped when turned off (so the camera light goes out), and not stopped when
 * handed over to the call with `release`.
 */
export function useLocalInput<K extends 'audio' | 'video'>(
  kind: K,
  deviceId: string | null,
  enabled: boolean,
  attempt: number,
) {
  const key = `${kind}:${deviceId ?? ''}:${String(attempt)}`;
  const [result, setResult] = useState<{ key: string; input: Input<K> } | null>(null);
  const handedOver = useRef<MediaStreamTrack | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let track: MediaStreamTrack | null = null;
    let cancelled = false;
    const request = `${kind}:${deviceId ?? ''}:${String(attempt)}`;
    navigator.mediaDevices
      .getUserMedia(
        kind === 'audio' ? { audio: constraintFor(deviceId, 'audio') } : { video: constraintFor(deviceId, 'video') },
      )
      .then(
        (stream) => {
          track = stream.getTracks()[0] ?? null;
          if (cancelled) return track?.stop();
          setResult({
            key: request,
            input: track ? { status: 'ready', track, kind } : { status: 'problem', problem: 'notFound' },
          });
        },
        (error: unknown) => {
          if (!cancelled) setResult({ key: request, input: { status: 'problem', problem: deviceProblemOf(error) } });
        },
      );
    return () => {
      cancelled = true;
      if (track && handedOver.current !== track) track.stop();
      setResult(null);
    };
  }, [kind, deviceId, enabled, attempt]);

  const input: Input<K> = !enabled ? { status: 'off' } : result?.key === key ? result.input : { status: 'pending' };

  const release = (): MediaStreamTrack | null => {
    if (input.status !== 'ready') return null;
    handedOver.current = input.track;
    return input.track;
  };

  return { input, release };
}

/** The browser's cameras and microphones, refreshed when devices change or permission arrives. */
export function useDeviceList(refreshKey: unknown): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    let active = true;
    const load = () => {
      navigator.mediaDevices.enumerateDevices().then(
        (list) => {
          if (active) setDevices(list);
        },
        () => {},
      );
    };
    load();
    navigator.mediaDevices.addEventListener('devicechange', load);
    return () => {
      active = false;
      navigator.mediaDevices.removeEventListener('devicechange', load);
    };
  }, [refreshKey]);
  return devices;
}
