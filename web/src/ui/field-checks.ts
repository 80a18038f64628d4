import { hasHiddenCharacters, hasVisibleCharacters, isOneLine, personNameProblem } from '@amtsraum/shared';

/**
 * What is wrong with a typed value, in the words a form has for it: nothing typed, too long, or
 * refused by a rule the server checks too (an invisible or direction-changing character, …).
 */
export type TextProblem = 'missing' | 'tooLong' | 'invalid';

interface TextRule {
  max: number;
  /** Whether an empty field is a problem (`missing`); optional fields may stay empty. */
  required: boolean;
}

/** A name as the server's `personName` checks it (shared person-name.ts), after trimming. */
export function nameProblem(value: string, { max, required }: TextRule): TextProblem | null {
  const text = value.trim();
  if (!text) return required ? 'missing' : null;
  if (text.length > max) return 'tooLong';
  return personNameProblem(text) ? 'invalid' : null;
}

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Free text (a concern) as the server's `plainText` checks it (shared visits.api.ts), after trimming. */
export function freeTextProblem(value: string, { max, required }: TextRule): TextProblem | null {
  const text = value.trim();
  if (!text) return required ? 'missing' : null;
  if (text.length > max) return 'tooLong';
  return CONTROL.test(text) || hasHiddenCharacters(text) || !hasVisibleCharacters(text) ? 'invalid' : null;
}

/** One line without control characters (shared `isOneLine`), after trimming. */
export function lineProblem(value: string, { max, required }: TextRule): TextProblem | null {
  const text = value.trim();
  if (!text) return required ? 'missing' : null;
  if (text.length > max) return 'tooLong';
  return isOneLine(text) ? null : 'invalid';
}

/**
 * Why the server refused a field, told from what was typed in it: empty is missing, longer than
 * allowed is too long, and anything else broke a rule the client did not know (never "please
 * enter …" for a field that has something in it).
 */
export function refusedProblem(value: string, max: number): TextProblem {
  const text = value.trim();
  if (!text) return 'missing';
  return text.length > max ? 'tooLong' : 'invalid';
}
