import { z } from 'zod/mini';
import { personNameProblem, type PersonNameProblem } from './person-name.js';

/*
 * The schema of a name (person-name.ts has the rules). A module of its own, outside the web's
 * shared chunk every page loads (web/vite.config.ts): forms and the server parse names, the door
 * page does not (issue 14, its budget).
 */

/** What a refused name is told, by its problem (personNameProblem). */
export const PERSON_NAME_MESSAGES: Record<PersonNameProblem, string> = {
  lineBreak: 'a name must fit on one line',
  control: 'a name must not contain control characters',
  direction: 'a name must not contain characters that change the writing direction',
  invisible: 'a name must not contain invisible characters',
  noVisible: 'a name needs visible letters or digits',
};

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
