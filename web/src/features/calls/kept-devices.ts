import { KEPT_DEVICES_KEY as STORAGE_KEY } from './kept-devices-key';
import { constraintFor } from './media/devices';
import type { LocalMedia } from './media/transport';

/**
 * The devices this tab is in a call with, kept for the tab (sessionStorage): a reload during the
 * call goes straight back in with them, without the device check the person passed already. Only
 * device ids and whether the camera and microphone were on: nothing about the person. Forgotten
 * when the call is over for this page (left, ended, refused, taken over by another tab). Loaded
 * when needed, not with the call page (its budget, web/vite.config.ts).
 */

export interface KeptDevices {
  visitId: string;
  audioDeviceId: string | null;
  videoDeviceId: string | null;
  camera: boolean;
  microphone: boolean;
}

const idOrNull = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 && value.length <= 256 ? value : null;

/** What this tab kept for `visitId`'s call, or null (none, another call's, or unreadable). */
function keptDevices(visitId: string): KeptDevices | null {
  try {
    const raw = window.sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const kept = JSON.parse(raw) as Partial<Record<keyof KeptDevices, unknown>> | null;
    if (!kept || kept.visitId !== visitId) return null;
    if (typeof kept.camera !== 'boolean' || typeof kept.microphone !== 'boolean') return null;
    return {
      visitId,
      audioDeviceId: idOrNull(kept.audioDeviceId),
      videoDeviceId: idOrNull(kept.videoDeviceId),
      camera: kept.camera,
      microphone: kept.microphone,
    };
  } catch {
    return null;
  }
}

export function keepDevices(kept: KeptDevices): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(kept));
  } catch {
    // storage disabled: a reload asks for the devices again
  }
}

/** A change during the call (camera switched off, another microphone), if this call is kept. */
export function updateKeptDevices(visitId: string, change: Partial<Omit<KeptDevices, 'visitId'>>): void {
  const kept = keptDevices(visitId);
  if (kept) keepDevices({ ...kept, ...change });
}

export function forgetKeptDevices(visitId: string): void {
  try {
    if (keptDevices(visitId)) window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing kept
  }
}

/**
 * The devices kept for `visitId`'s call opened again, as they were (a camera that was off stays
 * off); null, and forgotten, when none are kept or one that was on cannot be opened: its
 * permission is no longer granted (the browser would ask out of the blue; the device check asks
 * with an explanation), or the device is gone. The device check then comes as usual.
 */
export async function reopenKeptDevices(visitId: string): Promise<LocalMedia | null> {
  const kept = keptDevices(visitId);
  const local = kept && (await reopen(kept));
  if (!local) forgetKeptDevices(visitId);
  return local;
}

async function reopen(kept: KeptDevices): Promise<LocalMedia | null> {
  const wanted = [
    kept.microphone && { kind: 'audio' as const, permission: 'microphone', deviceId: kept.audioDeviceId },
    kept.camera && { kind: 'video' as const, permission: 'camera', deviceId: kept.videoDeviceId },
  ].filter((entry) => entry !== false);
  for (const { permission } of wanted) {
    let state: PermissionState | null = null;
    try {
      state = (await navigator.permissions.query({ name: permission as PermissionName })).state;
    } catch {
      // A browser that cannot say: opening the device tells.
    }
    if (state !== null && state !== 'granted') return null;
  }
  const opened: MediaStreamTrack[] = [];
  const open = async (kind: 'audio' | 'video', deviceId: string | null) => {
    const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraintFor(deviceId, kind) });
    const track = stream.getTracks()[0];
    if (!track) throw new Error('no track');
    opened.push(track);
    return track;
  };
  try {
    const audio = kept.microphone ? await open('audio', kept.audioDeviceId) : null;
    const video = kept.camera ? await open('video', kept.videoDeviceId) : null;
    return { audio, video, audioDeviceId: kept.audioDeviceId, videoDeviceId: kept.videoDeviceId };
  } catch {
    for (const track of opened) track.stop();
    return null;
  }
}
