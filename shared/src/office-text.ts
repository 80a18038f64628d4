import { z } from 'zod/mini';
import { personName, STACKED_MARKS, STACKED_MARKS_MESSAGE } from './person-name-schema.js';
import { SUPPORTED_LOCALES } from './locales.js';
import { hasHiddenCharacters, hasVisibleCharacters, INVISIBLE_TEXT_MESSAGE } from './person-name.js';

/*
 * What staff and admins write for others to read (descriptions, reasons, names in several
 * languages) and the in-call chat: the rules of citizens' text, and no reordering characters.
 * A module of its own, not in the web's shared chunk that every page loads (web/vite.config.ts):
 * only admin pages and the call check these, and the door page's budget is tight (issue 14).
 */

/** Said when text holds characters that reorder what follows them (officeText). */
export const DIRECTION_TEXT_MESSAGE = 'contains characters that change the writing direction';
/** Said when officeText is required and empty. */
export const TEXT_REQUIRED_MESSAGE = 'please enter a text';

// Tab, line feed and carriage return stay: a description or an Impressum has paragraphs.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/;
/**
 * Embeddings, overrides and isolates: they reorder the text after them, so a closure's reason or
 * a description could show citizens something other than what it says. The invisible marks
 * (U+200E, U+200F) stay allowed in text: they only nudge punctuation between scripts.
 */
const DIRECTION_OVERRIDE = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * What officeText says of control characters (but tab and line breaks) or characters that reorder
 * the text; null when there are none. The server checks citizens' and clerks' free text with it
 * too (server/src/lib/validate.ts parseTextInput), since `plainText` cannot grow on the door page.
 */
export function controlOrDirectionMessage(text: string): string | null {
  if (TEXT_CONTROL.test(text)) return 'contains control characters';
  return DIRECTION_OVERRIDE.test(text) ? DIRECTION_TEXT_MESSAGE : null;
}

/**
 * Text an office writes for citizens to read, on one or more lines (a description, a closure's
 * reason, the Impressum) and the call's chat: the rules of a citizen's free text (visits.api.ts
 * plainText), no characters that reorder it either, as names have none, and no more marks on one
 * letter than any writing needs (STACKED_MARKS: they paint over the lines around them, in the
 * chat over the messages before and after). Empty is allowed unless `required` is the message.
 */
export function officeText(max: number, required?: string) {
  return z.string().check(
    z.trim(),
    z.maxLength(max, `at most ${max} characters`),
    z.superRefine((text, ctx) => {
      if (text === '') {
        if (required) ctx.addIssue({ code: 'custom', message: required });
        return;
      }
      const message =
        controlOrDirectionMessage(text) ??
        (hasHiddenCharacters(text) || !hasVisibleCharacters(text) ? INVISIBLE_TEXT_MESSAGE : null) ??
        (STACKED_MARKS.test(text) ? STACKED_MARKS_MESSAGE : null);
      if (message) ctx.addIssue({ code: 'custom', message });
    }),
  );
}

/**
 * A phone number as people write it (a citizen's for a booking, an office's for its page):
 * digits, spaces and + ( ) / - only, nothing that hides or reorders; empty is allowed.
 */
export function phoneNumber(max: number) {
  return z
    .string()
    .check(
      z.trim(),
      z.maxLength(max, `at most ${max} characters`),
      z.regex(/^[+()0-9 /-]*$/, 'digits, spaces and + ( ) / - only'),
    );
}

/** Said of a language key the application has no interface for ("xx"). */
export const UNKNOWN_LOCALE_MESSAGE = `only these languages: ${SUPPORTED_LOCALES.join(', ')}`;

/**
 * One text per language: German checked by `german` (required), the other languages of
 * SUPPORTED_LOCALES by `other` (optional), and no other keys. Nothing reads a text under a
 * made-up key, so such a key could only smuggle content into exports and the audit log.
 */
export function localizedWith(german: z.ZodMiniType<string, string>, other = german) {
  return z.catchall(z.object({ de: german }), other).check(z.superRefine(onlyKnownLocales));
}

/** As localizedWith, with every language optional, German too (a text, or a list per language). */
export function localizedOptional<T extends z.ZodMiniType>(text: T) {
  return z.catchall(z.object({ de: z.optional(text) }), text).check(z.superRefine(onlyKnownLocales));
}

function onlyKnownLocales(value: Record<string, unknown>, ctx: z.core.$RefinementCtx<Record<string, unknown>>) {
  for (const key of Object.keys(value)) {
    if (!(SUPPORTED_LOCALES as readonly string[]).includes(key))
      ctx.addIssue({ code: 'custom', message: UNKNOWN_LOCALE_MESSAGE, path: [key], input: value });
  }
}

/**
 * A name others read in one or more languages (a department's, a service's, a document's): each
 * a person's name by its rules (person-name.ts), one line of visible text, since it stands in
 * mail subjects, on the door page and in the kiosk, and must not pass for another or for nothing.
 */
export const LocalizedNameSchema = /* @__PURE__ */ localizedWith(
  /* @__PURE__ */ personName(2000, 'please enter a name'),
);

/**
 * Text an admin writes in one or more languages (a description, a closure's reason, the on-site
 * location): lines of visible text without hidden or reordering characters (officeText). A
 * language left out is left out, not sent empty: the admin screens send no empty texts.
 */
export const LocalizedTextInputSchema = /* @__PURE__ */ localizedWith(
  /* @__PURE__ */ officeText(2000, TEXT_REQUIRED_MESSAGE),
);

/**
 * A line of the in-call chat: free text by the rules of every other text citizens write (no
 * control or hidden characters, something visible), and no characters that reorder what follows
 * them (officeText): inside a chat line they could make it read as the other person's words.
 */
export const ChatTextSchema = /* @__PURE__ */ officeText(1_000, 'please write something');
