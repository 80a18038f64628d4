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

/** Root mean square of a time-domain buffer of bytes around 128, scaled to 0…1 for a meter. */
export function levelOf(samples: Uint8Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) {
    const centered = (sample - 128) / 128;
    sum += centered * centered;
  }
  return Math.min(1, Math.sqrt(sum / samples.length) * 4);
}
