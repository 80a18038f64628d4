/**
 * The page's audio context, and its unlocking by a user gesture (chime.ts has the tones). Apart
 * from the tones: the knock form unlocks audio for the tone that calls the citizen later, and is on
 * the door page, whose JavaScript budget the tones need not share (issue 14).
 */

let context: AudioContext | null = null;

/** The audio context if one was made (by a gesture); null before. */
export function currentAudioContext(): AudioContext | null {
  return context;
}
let primed = false;

/** The page's one audio context, made on first use; null where Web Audio is missing. */
export function audioContext(): AudioContext | null {
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
