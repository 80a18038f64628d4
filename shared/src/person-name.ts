/**
 * Names people give and labels others will read (a citizen's name in the console, an invitee's
 * name in the call, an invite's label, a clerk's name): one line of visible text. Refused, so that
 * nobody can pass for someone else or for nobody (issue 11, item 7): line breaks, control
 * characters, characters that flip the writing direction, invisible padding, and names with
 * nothing visible in them. Zero-width (non-)joiners stay allowed: Persian and Indic names need them.
 */
export type PersonNameProblem = 'lineBreak' | 'control' | 'direction' | 'invisible' | 'noVisible';

/** Free text (a concern, a phone number) with hidden characters or nothing visible (visits.api.ts plainText). */
export const INVISIBLE_TEXT_MESSAGE = 'contains invisible characters';

const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/;
/** Bidi embeddings, overrides and isolates, and the invisible direction marks. */
const DIRECTION = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/**
 * Characters that show nothing and stand for nothing in any writing, and can hide text from the
 * reader (issue 11, item 7): the braille blank (U+2800, which counts as a symbol), the deprecated
 * format characters, the interlinear annotation marks, the object replacement character (U+FFFC,
 * a stand-in for an image that is not there), musical formatting, and the tag characters, which
 * carry a hidden copy of any ASCII text.
 */
const HIDDEN = /[\u206a-\u206f\u2800\ufff9-\ufffc\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}]/u;
/** Tag characters in their one visible use: a subdivision flag such as Scotland's (🏴 + tags + cancel tag). */
const FLAG_TAG_SEQUENCE = /\u{1f3f4}[\u{e0020}-\u{e007e}]+\u{e007f}/gu;
/**
 * Blank or zero-width characters no name needs, beyond the hidden ones: soft hyphen, zero-width
 * space, word joiners, BOM, Hangul fillers. Text pasted into a free-text field may carry these.
 */
const INVISIBLE = /[\u00ad\u115f\u1160\u180e\u200b\u2060-\u2064\u3164\ufeff\uffa0]/;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** Whether text has characters that hide text or show nothing in any writing (see HIDDEN). */
export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text.replace(FLAG_TAG_SEQUENCE, '\u{1f3f4}'));
}

/** Whether text shows anything: a letter, digit, punctuation mark or symbol other than a blank. */
export function hasVisibleCharacters(text: string): boolean {
  return VISIBLE.test(text.replace(/\u2800/g, ''));
}

/** What is wrong with a (trimmed, non-empty) name, or null when nothing is. */
export function personNameProblem(text: string): PersonNameProblem | null {
  if (LINE_BREAK.test(text)) return 'lineBreak';
  if (CONTROL.test(text)) return 'control';
  if (DIRECTION.test(text)) return 'direction';
  if (INVISIBLE.test(text) || hasHiddenCharacters(text)) return 'invisible';
  if (!hasVisibleCharacters(text)) return 'noVisible';
  return null;
}
