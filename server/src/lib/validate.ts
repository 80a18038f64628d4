import { z } from 'zod';
import { AppError } from './errors.js';
import { DIRECTION_TEXT_MESSAGE } from '@amtsraum/shared';
import { fieldIssueMessages } from './messages.js';

/**
 * Parses outside input with its schema; the parsed value replaces the raw one. Failures become
 * a 400 `validation_failed` naming each field. Nothing is changed by a request that fails here.
 */
export function parseInput<S extends z.core.$ZodType>(schema: S, value: unknown): z.output<S> {
  // The shared schemas are zod/mini ones (docs/decisions/020-the-door-page-under-120-kb.md).
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  // A field of the wrong kind says only that: zod/mini still runs the schema's checks on it, and
  // `services: "ausweis"` drew "At most 5 characters" beside "This must be a list".
  const wrongKind = new Set(
    result.error.issues.filter((issue) => issue.code === 'invalid_type').map((issue) => issue.path.join('\u0000')),
  );
  const issues = result.error.issues.filter(
    (issue) => issue.code === 'invalid_type' || !wrongKind.has(issue.path.join('\u0000')),
  );
  throw new AppError('validation_failed', {
    errors: issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
      localized: fieldIssueMessages(issue as Parameters<typeof fieldIssueMessages>[0]),
    })),
  });
}

// C1 controls but the NEL line break (U+0085), which the text rules let through as a line break.
const C1_CONTROL = /[\u0080-\u0084\u0086-\u009f]/;
/**
 * Embeddings, overrides and isolates: they reorder what follows them, so a concern or a clerk's
 * note could read differently in the console, the mail or the page than what was stored, and an
 * address in it could look like another ("Trojan Source"). Refused even when paired: a closed
 * override still shows its content reversed. The marks U+200E, U+200F and U+061C stay allowed:
 * they only nudge punctuation between scripts (as in shared office-text.ts).
 */
const DIRECTION_OVERRIDE = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * As parseInput, for requests whose free text (shared `plainText`: a concern, a clerk's note, a
 * reason) others read: every text in the parsed value also without C1 controls and characters
 * that reorder it, each refused at its field. Checked here, not in `plainText`, which the door
 * page loads and which has no room to grow there (web/vite.config.ts, issue 14); names, labels,
 * the chat and admins' texts have these rules in their shared schemas already.
 */
export function parseTextInput<S extends z.core.$ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = parseInput(schema, value);
  const errors: { path: string; message: string; localized: ReturnType<typeof fieldIssueMessages> }[] = [];
  visitTexts(parsed, [], (text, path) => {
    const message = C1_CONTROL.test(text)
      ? 'contains control characters'
      : DIRECTION_OVERRIDE.test(text)
        ? DIRECTION_TEXT_MESSAGE
        : null;
    if (message)
      errors.push({
        path: path.join('.') || '(body)',
        message,
        localized: fieldIssueMessages({ code: 'custom', message }),
      });
  });
  if (errors.length > 0) throw new AppError('validation_failed', { errors });
  return parsed;
}

function visitTexts(value: unknown, path: string[], visit: (text: string, path: string[]) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => visitTexts(item, [...path, String(i)], visit));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) visitTexts(item, [...path, key], visit);
}
