import { hasHiddenCharacters, hasVisibleCharacters, isOneLine } from '@amtsraum/shared';
import type { TextRule } from './name-check';
import type { TextProblem } from './refused-field';

// Not in the shared `app` chunk (web/vite.config.ts): the door page checks none of these, only
// the booking, invite and feedback forms do. The name's check, which the invite page needs alone,
// is in the chunk every page has (name-check.ts).
export { nameProblem } from './name-check';
export { refusedProblem, type TextProblem } from './refused-field';

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
