/**
 * The call display's gong and spoken announcement (issue 16), without sound files: two bell-like
 * tones made with the Web Audio API, then the browser's speech synthesis in German. Browsers
 * start audio only after a user gesture on the page, so the display shows a button that
 * `unlockSound()` answers (a display started with Chromium's
 * `--autoplay-policy=no-user-gesture-required` sounds without it). Where an API is missing the
 * display stays silent and still shows and announces the call in its live region. The tones are
 * played by the chime's code (`lib/chime.ts`), with the display's own tone list.
 */

import { audioContext, playTone, type ToneList } from '../../lib/chime';

/** A bell-like "ding-dong": E5 then C5, each with two faint overtones, dying away slowly. */
const GONG: ToneList = {
  wave: 'sine',
  notes: [
    [659.25, 0],
    [523.25, 0.55],
  ],
  partials: [
    [1, 0.3],
    [2.01, 0.08],
    [3.02, 0.04],
  ],
  times: [0.02, 0.01, 1.4, 0.1],
};
/** When the announcement starts after the gong: over the second tone's fading, not after it. */
const GONG_SECONDS = 1.6;

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

/** Sounds the gong; returns how long to wait before speaking (0 when silent). */
export function playGong(): number {
  return playTone(GONG) ? GONG_SECONDS : 0;
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
