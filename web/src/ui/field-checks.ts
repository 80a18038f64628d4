import { hasHiddenCharacters, hasVisibleCharacters, isOneLine, personNameProblem } from '@amtsraum/shared';

import type { TextProblem } from './refused-field';

export { refusedProblem, type TextProblem } from './refused-field';

interface TextRule {
  max: number;
  /** Whether an empty field is a problem (`missing`); optional fields may stay empty. */
  required: boolean;
}

/** A name as the server's `personName` checks it (shared person-name-schema.ts), after trimming. */
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
