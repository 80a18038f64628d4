import { z } from 'zod';
import { AppError } from './errors.js';
import { controlOrDirectionMessage, STACKED_MARKS, STACKED_MARKS_MESSAGE } from '@amtsraum/shared';
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

/**
 * As parseInput, for requests whose free text (shared `plainText`: a concern, a clerk's note, a
 * reason) others read: every text in the parsed value also without control characters and
 * characters that reorder it (embeddings, overrides, isolates: a note could read differently in
 * the console, the mail or the page than what was stored), each refused at its field, by the
 * rules of office texts (shared `controlOrDirectionMessage`); and without more marks stacked on one
 * letter than any writing needs (shared STACKED_MARKS: "Zalgo" text paints over the console's
 * other rows), as names have it in their schema. Checked here, not in `plainText`, which the door
 * page loads and which has no room to grow there (web/vite.config.ts, issue 14); names, labels,
 * the chat and admins' texts have the control and direction rules in their shared schemas already.
 */
export function parseTextInput<S extends z.core.$ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = parseInput(schema, value);
  const errors: { path: string; message: string; localized: ReturnType<typeof fieldIssueMessages> }[] = [];
  visitTexts(parsed, [], (text, path) => {
    const message = controlOrDirectionMessage(text) ?? (STACKED_MARKS.test(text) ? STACKED_MARKS_MESSAGE : null);
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
