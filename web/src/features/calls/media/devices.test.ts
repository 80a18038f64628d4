import { describe, expect, it } from 'vitest';
import { constraintFor, deviceProblemOf, devicesOfKind, levelOf, loudestLevelOf, windowFor } from './devices';

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
    expect(levelOf(new Float32Array(64))).toBe(0);
    const quiet = levelOf(Float32Array.from({ length: 64 }, (_, i) => (i % 2 ? 0.03 : -0.03)));
    const loud = levelOf(Float32Array.from({ length: 64 }, (_, i) => (i % 2 ? 1 : -1)));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBeGreaterThan(quiet);
    expect(loud).toBeLessThanOrEqual(1);
  });

  it('sees sound far below one step of 8-bit samples (a quiet microphone is not silent)', () => {
    const faint = levelOf(Float32Array.from({ length: 480 }, (_, i) => 0.003 * Math.sin(i / 5)));
    expect(faint).toBeGreaterThan(0);
  });
});

describe('windowFor', () => {
  it('covers the whole sampling interval, as a power of two within what analysers allow', () => {
    for (const rate of [8_000, 44_100, 48_000, 96_000]) {
      const size = windowFor(rate, 100);
      expect(size).toBeGreaterThanOrEqual((rate * 100) / 1000);
      expect(Math.log2(size) % 1).toBe(0);
    }
    expect(windowFor(384_000, 150)).toBe(32_768);
  });
});

describe('loudestLevelOf', () => {
  // 100 ms at 48 kHz in which a 20 ms beep at full scale sounds once, as the browser's test
  // microphone does twice a second (sampled every 100 ms, the meter showed it as barely moving).
  const rate = 48_000;
  const interval = new Float32Array((rate * 100) / 1000);
  const beepStart = rate * 0.07;
  for (let i = beepStart; i < beepStart + rate * 0.02; i++) interval[i] = Math.sin((2 * Math.PI * 400 * i) / rate);

  it('shows a short sound anywhere in the interval as loud as it is', () => {
    expect(loudestLevelOf(interval, rate * 0.01)).toBe(1);
  });

  it('stays 0 for silence', () => {
    expect(loudestLevelOf(new Float32Array(interval.length), rate * 0.01)).toBe(0);
  });
});
