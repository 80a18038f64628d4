/**
 * What is wrong with a typed value, in the words a form has for it: nothing typed, too long, or
 * refused by a rule the server checks too (an invisible or direction-changing character, …).
 */
export type TextProblem = 'missing' | 'tooLong' | 'invalid';

/**
 * Why the server refused a field, told from what was typed in it: empty is missing, longer than
 * allowed is too long, and anything else broke a rule the client did not know (never "please
 * enter …" for a field that has something in it). Apart from field-checks.ts, which carries the
 * shared rules: the door page's knock form needs only this (its JavaScript budget, issue 14).
 */
export function refusedProblem(value: string, max: number): TextProblem {
  const text = value.trim();
  if (!text) return 'missing';
  return text.length > max ? 'tooLong' : 'invalid';
}
