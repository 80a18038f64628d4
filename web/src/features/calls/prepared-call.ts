import { constraintFor } from './media/devices';
import type { LocalMedia } from './media/transport';

/**
 * Devices opened while waiting, handed to the call page when the call begins (issue 14: admit →
 * first frame in under a second). A preparation (CallReadiness, in the waiting room or the console)
 * registers itself while it is on the page; the moment the visit is let in, its tracks move here,
 * named for that visit, and the call page takes them instead of asking for the devices again.
 * Framework-free on purpose: the hand-over outlives the component that opened the devices.
 */

export interface Preparation {
  /** Devices chosen and open (or deliberately off), nothing wrong with them. */
  isReady(): boolean;
  /** The open tracks and the chosen devices; the preparation stops owning them. */
  release(): LocalMedia;
}

/** A hand-over nobody takes (the call page failed to open) must not leave the camera on. */
const UNCLAIMED_MS = 30_000;

let preparation: Preparation | null = null;
let prepared: { visitId: string; local: LocalMedia; timer: ReturnType<typeof setTimeout> } | null = null;

function stop(local: LocalMedia): void {
  for (const track of [local.audio, local.video]) track?.stop();
}

/** Called by the preparation on the page; returns the unregister. */
export function registerPreparation(next: Preparation): () => void {
  preparation = next;
  return () => {
    if (preparation === next) preparation = null;
  };
}

/** Whether a preparation on this page could go into a call now. */
export function isCallPrepared(): boolean {
  return preparation?.isReady() ?? false;
}

/**
 * Moves the prepared devices to the call of `visitId`; false (and nothing moved) when nothing is
 * prepared, or not ready: the call page then asks for the devices itself.
 */
export function handOverPreparedCall(visitId: string): boolean {
  if (!preparation?.isReady()) return false;
  const local = preparation.release();
  preparation = null;
  if (prepared) {
    clearTimeout(prepared.timer);
    stop(prepared.local);
  }
  const timer = setTimeout(() => {
    if (prepared?.local === local) {
      stop(local);
      prepared = null;
    }
  }, UNCLAIMED_MS);
  prepared = { visitId, local, timer };
  return true;
}

/** Whether devices wait for this visit's call (without taking them). */
export function hasPreparedCall(visitId: string): boolean {
  return prepared?.visitId === visitId;
}

/**
 * The devices prepared for this visit's call, once; null when there are none. A track that ended
 * while waiting (a device unplugged, a browser that stopped a background camera) is opened again
 * with the same device, or left off when that fails.
 */
export async function claimPreparedCall(visitId: string): Promise<LocalMedia | null> {
  if (prepared?.visitId !== visitId) return null;
  const { local, timer } = prepared;
  clearTimeout(timer);
  prepared = null;
  const reopen = async (track: MediaStreamTrack | null, kind: 'audio' | 'video', deviceId: string | null) => {
    if (!track || track.readyState === 'live') return track;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraintFor(deviceId, kind) });
      return stream.getTracks()[0] ?? null;
    } catch {
      return null;
    }
  };
  const [audio, video] = await Promise.all([
    reopen(local.audio, 'audio', local.audioDeviceId),
    reopen(local.video, 'video', local.videoDeviceId),
  ]);
  return { ...local, audio, video };
}
