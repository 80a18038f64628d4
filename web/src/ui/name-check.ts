import { personNameProblem } from '@amtsraum/shared';
import type { TextProblem } from './refused-field';

export interface TextRule {
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
