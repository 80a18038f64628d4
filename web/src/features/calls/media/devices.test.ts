import { describe, expect, it } from 'vitest';
import { constraintFor, deviceProblemOf, devicesOfKind, levelOf } from './devices';

const domError = (name: string) => Object.assign(new Error(name), { name });

describe('deviceProblemOf', () => {
  it('maps the browser errors to what a person can do', () => {
    expect(deviceProblemOf(domError('NotAllowedError'))).toBe('denied');
    expect(deviceProblemOf(domError('NotFoundError'))).toBe('notFound');
    expect(deviceProblemOf(domError('OverconstrainedError'))).toBe('notFound');
    expect(deviceProblemOf(domError('NotReadableError'))).toBe('busy');
    expect(deviceProblemOf(domError('SecurityError'))).toBe('insecure');
    expect(deviceProblemOf(domError('TypeError'))).toBe('unknown');
    expect(deviceProblemOf('nonsense')).toBe('unknown');
  });
});

describe('devicesOfKind', () => {
  const devices = [
    { deviceId: 'a', kind: 'audioinput' as const, label: 'Headset' },
    { deviceId: 'v1', kind: 'videoinput' as const, label: '' },
    { deviceId: '', kind: 'videoinput' as const, label: '' },
    { deviceId: 'o', kind: 'audiooutput' as const, label: 'Speaker' },
  ];

  it('keeps one kind, names unnamed devices, and drops devices without id', () => {
    expect(devicesOfKind(devices, 'videoinput', (n) => `Kamera ${String(n)}`)).toEqual([
      { deviceId: 'v1', label: 'Kamera 1' },
    ]);
    expect(devicesOfKind(devices, 'audioinput', () => '?')).toEqual([{ deviceId: 'a', label: 'Headset' }]);
  });
});

describe('constraintFor', () => {
  it('asks for the chosen device exactly, or any', () => {
    expect(constraintFor('cam', 'video')).toMatchObject({ deviceId: { exact: 'cam' } });
    expect(constraintFor(null, 'audio')).not.toHaveProperty('deviceId');
  });
});

describe('levelOf', () => {
  it('is zero for silence and grows with loudness, up to 1', () => {
    expect(levelOf(new Uint8Array(64).fill(128))).toBe(0);
    const quiet = levelOf(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 132 : 124)));
    const loud = levelOf(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 255 : 0)));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBeGreaterThan(quiet);
    expect(loud).toBeLessThanOrEqual(1);
  });
});
