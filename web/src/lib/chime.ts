/**
 * Short tones made with the Web Audio API (no sound files). Browsers start an AudioContext
 * suspended until the page had a user gesture, so the context is created lazily and resumed on
 * the first click or key press; a tone asked for before that is silently skipped, and the title
 * change and notification still call the person.
 */

import { currentAudioContext } from './audio-unlock';

export { audioContext, primeAudio, unlockAudio } from './audio-unlock';

type Tone = 'admitted' | 'knock';

/**
 * A sound as data: notes as [frequency in Hz, seconds after the first], each played with its
 * partials as [frequency ratio, peak gain] (one partial is a plain tone), and the times in
 * seconds: to the first note, to a note's peak, to its silence, and on until its oscillator stops.
 * The call display's gong is one of these, kept in its own lazy chunk.
 */
export interface ToneList {
  wave: OscillatorType;
  notes: readonly (readonly [frequency: number, at: number])[];
  partials: readonly (readonly [ratio: number, peak: number])[];
  times: readonly [lead: number, attack: number, length: number, tail: number];
}

const TONES: Record<Tone, ToneList> = {
  // A rising two-note chime: "your turn".
  admitted: {
    wave: 'sine',
    notes: [
      [660, 0],
      [880, 0.18],
    ],
    partials: [[1, 0.25]],
    times: [0.01, 0.02, 0.25, 0.02],
  },
  // Two low taps: "someone knocks".
  knock: {
    wave: 'triangle',
    notes: [
      [220, 0],
      [220, 0.14],
    ],
    partials: [[1, 0.25]],
    times: [0.01, 0.02, 0.09, 0.02],
  },
};

/** Plays a tone by name or list; returns whether it sounded. */
export function playTone(tone: Tone | ToneList): boolean {
  // Only a context made during a gesture can sound; creating one here would just be suspended.
  const ctx = currentAudioContext();
  if (!ctx || ctx.state !== 'running') return false;
  const { wave, notes, partials, times } = typeof tone === 'string' ? TONES[tone] : tone;
  const [lead, attack, length, tail] = times;
  const start = ctx.currentTime + lead;
  for (const [frequency, at] of notes) {
    const t0 = start + at;
    for (const [ratio, peak] of partials) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = wave;
      oscillator.frequency.value = frequency * ratio;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(peak, t0 + attack);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + length);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(t0);
      oscillator.stop(t0 + length + tail);
    }
  }
  return true;
}
