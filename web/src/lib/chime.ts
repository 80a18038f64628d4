/**
 * Short tones made with the Web Audio API (no sound files). Browsers start an AudioContext
 * suspended until the page had a user gesture, so the context is created lazily and resumed on
 * the first click or key press; a tone asked for before that is silently skipped, and the title
 * change and notification still call the person.
 */

type Tone = 'admitted' | 'knock';

let context: AudioContext | null = null;
let primed = false;

function audioContext(): AudioContext | null {
  if (context) return context;
  const Constructor = window.AudioContext as typeof AudioContext | undefined;
  if (!Constructor) return null;
  try {
    context = new Constructor();
  } catch {
    return null;
  }
  return context;
}

/**
 * Creates (or resumes) the audio context now. Only works inside a user gesture's handler, e.g.
 * a form's submit: a keyboard user who knocks with Enter may never press a key again before
 * being called in, so waiting for the next gesture would leave them without the tone.
 */
export function unlockAudio(): void {
  const ctx = audioContext();
  if (ctx?.state === 'suspended') void ctx.resume().catch(() => {});
}

/** Resumes audio on the next user gesture; call once from a page that may need to sound. */
export function primeAudio(): void {
  if (primed) return;
  primed = true;
  const unlock = () => {
    window.removeEventListener('pointerdown', unlock);
    window.removeEventListener('keydown', unlock);
    unlockAudio();
  };
  window.addEventListener('pointerdown', unlock);
  window.addEventListener('keydown', unlock);
}

const NOTES: Record<Tone, { frequency: number; at: number }[]> = {
  // A rising two-note chime: "your turn".
  admitted: [
    { frequency: 660, at: 0 },
    { frequency: 880, at: 0.18 },
  ],
  // Two low taps: "someone knocks".
  knock: [
    { frequency: 220, at: 0 },
    { frequency: 220, at: 0.14 },
  ],
};

export function playTone(tone: Tone): void {
  // Only a context made during a gesture can sound; creating one here would just be suspended.
  const ctx = context;
  if (!ctx || ctx.state !== 'running') return;
  const start = ctx.currentTime + 0.01;
  const length = tone === 'knock' ? 0.09 : 0.25;
  for (const note of NOTES[tone]) {
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = tone === 'knock' ? 'triangle' : 'sine';
    oscillator.frequency.value = note.frequency;
    gain.gain.setValueAtTime(0.0001, start + note.at);
    gain.gain.exponentialRampToValueAtTime(0.25, start + note.at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + note.at + length);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(start + note.at);
    oscillator.stop(start + note.at + length + 0.02);
  }
}
