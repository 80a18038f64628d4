import { z } from 'zod';
import { AppError } from './errors.js';
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
