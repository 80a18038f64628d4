/** Why the browser gave us no camera or microphone; each has help text in `call:deviceHelp`. */
export type DeviceProblem = 'denied' | 'notFound' | 'busy' | 'insecure' | 'unknown';

/** Maps a getUserMedia rejection to what the person can do about it. */
export function deviceProblemOf(error: unknown): DeviceProblem {
  const name =
    error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
      ? String((error as { name: unknown }).name)
      : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'SecurityError':
      return 'insecure';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'notFound';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'unknown';
  }
}

export interface DeviceOption {
  deviceId: string;
  label: string;
}

/** Inputs of one kind, with a numbered name for devices the browser does not name yet. */
export function devicesOfKind(
  devices: readonly Pick<MediaDeviceInfo, 'deviceId' | 'kind' | 'label'>[],
  kind: 'audioinput' | 'videoinput',
  unnamed: (index: number) => string,
): DeviceOption[] {
  return devices
    .filter((device) => device.kind === kind && device.deviceId !== '')
    .map((device, index) => ({ deviceId: device.deviceId, label: device.label || unnamed(index + 1) }));
}

/** Constraints for one input: the chosen device exactly, else any. */
export function constraintFor(deviceId: string | null, kind: 'audio' | 'video'): MediaTrackConstraints | boolean {
  const base: MediaTrackConstraints =
    kind === 'video'
      ? { width: { ideal: 1280 }, height: { ideal: 720 } }
      : { echoCancellation: true, noiseSuppression: true };
  return deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
}

/**
 * The analyser window for sampling every `intervalMs`: a power of two (as the Web Audio API
 * requires) covering the whole interval, so a sound between two samples is not missed.
 */
export function windowFor(sampleRate: number, intervalMs: number): number {
  const needed = Math.ceil((sampleRate * intervalMs) / 1000);
  let size = 32;
  while (size < needed && size < 32_768) size *= 2;
  return size;
}

/** Root mean square of time-domain samples (−1…1), scaled to 0…1 for a meter; silence is 0. */
export function levelOf(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.min(1, Math.sqrt(sum / samples.length) * 4);
}

/**
 * The level of the loudest block of `blockLength` samples: a short sound (a word, a tap on the
 * microphone) shows as loud as it is, not averaged away by the quiet around it.
 */
export function loudestLevelOf(samples: Float32Array, blockLength: number): number {
  const length = Math.max(1, Math.floor(blockLength));
  let loudest = 0;
  for (let start = 0; start < samples.length; start += length) {
    loudest = Math.max(loudest, levelOf(samples.subarray(start, start + length)));
  }
  return loudest;
}
