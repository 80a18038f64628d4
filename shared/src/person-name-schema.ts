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

/**
 * Said of a name or text with more than four marks on one letter ("Zalgo"): such a stack paints
 * over the lines above and below it, over the other names in a clerk's queue. Real writing puts at
 * most four on a letter (Hebrew with vowel points and cantillation, Vietnamese decomposed). Here
 * and not in person-name.ts, whose bytes the door page carries (issue 14); office-text.ts uses it.
 */
export const STACKED_MARKS_MESSAGE = 'stacked marks';
export const STACKED_MARKS = /[\p{Mn}\p{Me}]{5}/u;

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
      const message = problem ? PERSON_NAME_MESSAGES[problem] : STACKED_MARKS.test(text) && STACKED_MARKS_MESSAGE;
      if (message) ctx.addIssue({ code: 'custom', message });
    }),
  );
}
