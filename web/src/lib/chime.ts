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
 * Resumes the audio context; inside a gesture's handler this lets the page sound from now on.
 * Resolves whether it can (false where Web Audio is missing or the browser refuses).
 */
export async function resumeAudio(): Promise<boolean> {
  const ctx = audioContext();
  if (!ctx) return false;
  try {
    if (ctx.state === 'suspended') await ctx.resume();
  } catch {
    return false;
  }
  return ctx.state === 'running';
}

/** Whether a tone would sound now (the context runs). */
export function audioReady(): boolean {
  return audioContext()?.state === 'running';
}

/**
 * Creates (or resumes) the audio context now. Only works inside a user gesture's handler, e.g.
 * a form's submit: a keyboard user who knocks with Enter may never press a key again before
 * being called in, so waiting for the next gesture would leave them without the tone.
 */
export function unlockAudio(): void {
  void resumeAudio();
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

/**
 * A sound as a list of notes (seconds after the start), each played with its partials
 * ([frequency ratio, peak gain]; one partial is a plain tone) that rise in `attack` and die away
 * by `length`. The call display's gong is one of these too, kept in its own lazy chunk.
 */
export interface ToneList {
  wave: OscillatorType;
  notes: readonly { frequency: number; at: number }[];
  partials: readonly (readonly [ratio: number, peak: number])[];
  /** Seconds from now to the first note. */
  lead: number;
  attack: number;
  length: number;
  /** How long each oscillator runs on after it went quiet. */
  tail: number;
}

const TONES: Record<Tone, ToneList> = {
  // A rising two-note chime: "your turn".
  admitted: {
    wave: 'sine',
    notes: [
      { frequency: 660, at: 0 },
      { frequency: 880, at: 0.18 },
    ],
    partials: [[1, 0.25]],
    lead: 0.01,
    attack: 0.02,
    length: 0.25,
    tail: 0.02,
  },
  // Two low taps: "someone knocks".
  knock: {
    wave: 'triangle',
    notes: [
      { frequency: 220, at: 0 },
      { frequency: 220, at: 0.14 },
    ],
    partials: [[1, 0.25]],
    lead: 0.01,
    attack: 0.02,
    length: 0.09,
    tail: 0.02,
  },
};

/** Plays a tone by name or list; returns whether it sounded. */
export function playTone(tone: Tone | ToneList): boolean {
  // Only a context made during a gesture can sound; creating one here would just be suspended.
  const ctx = context;
  if (!ctx || ctx.state !== 'running') return false;
  const { wave, notes, partials, lead, attack, length, tail } = typeof tone === 'string' ? TONES[tone] : tone;
  const start = ctx.currentTime + lead;
  for (const note of notes) {
    const t0 = start + note.at;
    for (const [ratio, peak] of partials) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = wave;
      oscillator.frequency.value = note.frequency * ratio;
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
