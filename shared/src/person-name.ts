import { z } from 'zod/mini';

/**
 * Names people give and labels others will read (a citizen's name in the console, an invitee's
 * name in the call, an invite's label, a clerk's name): one line of visible text. Refused, so that
 * nobody can pass for someone else or for nobody (issue 11, item 7): line breaks, control
 * characters, characters that flip the writing direction, invisible padding, and names with
 * nothing visible in them. Zero-width (non-)joiners stay allowed: Persian and Indic names need them.
 */
export const PERSON_NAME_MESSAGES = {
  lineBreak: 'a name must fit on one line',
  control: 'a name must not contain control characters',
  direction: 'a name must not contain characters that change the writing direction',
  invisible: 'a name must not contain invisible characters',
  noVisible: 'a name needs visible letters or digits',
} as const;
export type PersonNameProblem = keyof typeof PERSON_NAME_MESSAGES;

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

/** A required name or label of at most `max` characters; `required` is the message when it is empty. */
export function personName(max: number, required: string) {
  return z.string().check(
    z.trim(),
    z.maxLength(max, `at most ${max} characters`),
    z.superRefine((text, ctx) => {
      if (text === '') {
        ctx.addIssue({ code: 'custom', message: required });
        return;
      }
      const problem = personNameProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: PERSON_NAME_MESSAGES[problem] });
    }),
  );
}

/** Said when text holds characters that reorder what follows them (officeText). */
export const DIRECTION_TEXT_MESSAGE = 'contains characters that change the writing direction';
/** Said when officeText is required and empty. */
export const TEXT_REQUIRED_MESSAGE = 'please enter a text';

// Tab, line feed and carriage return stay: a description or an Impressum has paragraphs.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/;
/**
 * Embeddings, overrides and isolates: they reorder the text after them, so a closure's reason or
 * a description could show citizens something other than what it says. The invisible marks
 * (U+200E, U+200F) stay allowed in text: they only nudge punctuation between scripts.
 */
const DIRECTION_OVERRIDE = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * Text an office writes for citizens to read, on one or more lines (a description, a closure's
 * reason, the Impressum): the rules of a citizen's free text (visits.api.ts plainText), and no
 * characters that reorder it either, as names have none. Empty is allowed unless `required`
 * is the message to give then.
 */
export function officeText(max: number, required?: string) {
  return z.string().check(
    z.trim(),
    z.maxLength(max, `at most ${max} characters`),
    z.superRefine((text, ctx) => {
      if (text === '') {
        if (required) ctx.addIssue({ code: 'custom', message: required });
        return;
      }
      const message = TEXT_CONTROL.test(text)
        ? 'contains control characters'
        : DIRECTION_OVERRIDE.test(text)
          ? DIRECTION_TEXT_MESSAGE
          : hasHiddenCharacters(text) || !hasVisibleCharacters(text)
            ? INVISIBLE_TEXT_MESSAGE
            : null;
      if (message) ctx.addIssue({ code: 'custom', message });
    }),
  );
}
