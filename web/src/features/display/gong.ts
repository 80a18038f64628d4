/**
 * The call display's gong and spoken announcement (issue 16), without sound files: two bell-like
 * tones made with the Web Audio API, then the browser's speech synthesis in German. Browsers
 * start audio only after a user gesture on the page, so the display shows a button that
 * `unlockSound()` answers (a display started with Chromium's
 * `--autoplay-policy=no-user-gesture-required` sounds without it). Where an API is missing the
 * display stays silent and still shows and announces the call in its live region.
 */

let context: AudioContext | null = null;

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

/** Whether the display can sound now (the context runs). */
export function soundReady(): boolean {
  return audioContext()?.state === 'running';
}

/** From a click or key press: lets the display sound from now on. Resolves whether it can. */
export async function unlockSound(): Promise<boolean> {
  const ctx = audioContext();
  if (!ctx) return false;
  try {
    if (ctx.state === 'suspended') await ctx.resume();
  } catch {
    return false;
  }
  // Speech is unlocked by speaking once inside the gesture too (silently).
  if ('speechSynthesis' in window) {
    const silent = new SpeechSynthesisUtterance('');
    silent.volume = 0;
    window.speechSynthesis.speak(silent);
  }
  return ctx.state === 'running';
}

/** A bell-like "ding-dong": a few partials per tone, each dying away. Returns its length in seconds. */
export function playGong(): number {
  const ctx = context;
  if (!ctx || ctx.state !== 'running') return 0;
  const start = ctx.currentTime + 0.02;
  const tones = [
    { frequency: 659.25, at: 0 }, // E5
    { frequency: 523.25, at: 0.55 }, // C5
  ];
  for (const tone of tones) {
    for (const [ratio, level] of [
      [1, 0.3],
      [2.01, 0.08],
      [3.02, 0.04],
    ] as const) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = tone.frequency * ratio;
      const t0 = start + tone.at;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(level, t0 + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 1.4);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(t0);
      oscillator.stop(t0 + 1.5);
    }
  }
  return 1.6;
}

/** "Nummer 17, bitte zu Platz 3": the words the display says (and its live region shows). */
export function announcementText(ticketNumber: number, counter: string): string {
  return `Nummer ${String(ticketNumber)}, bitte zu ${counter}`;
}

/** Says `text` in German, after `delaySeconds` (the gong first); nothing where speech is missing. */
export function speak(text: string, delaySeconds = 0): void {
  if (!('speechSynthesis' in window) || typeof SpeechSynthesisUtterance === 'undefined') return;
  window.setTimeout(() => {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = 'de-DE';
    utterance.rate = 0.9;
    const german = window.speechSynthesis.getVoices().find((voice) => voice.lang.toLowerCase().startsWith('de'));
    if (german) utterance.voice = german;
    window.speechSynthesis.speak(utterance);
  }, delaySeconds * 1000);
}
