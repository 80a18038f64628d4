import { z } from 'zod/mini';
import { personName } from './person-name-schema.js';
import { SlugSchema } from './slugs.js';
import { CONSENT_MESSAGE, LanguageTagSchema, plainText } from './visits.api.js';

/*
 * What a citizen's knock sends. Only the server parses it (the form checks field by field): a
 * module of its own, outside the web's shared chunk (web/vite.config.ts), so the name schema stays
 * off the door page (issue 14, its budget).
 */

export const KnockRequestSchema = z
  .object({
    name: personName(80, 'please enter a name (a first name or pseudonym is fine)'),
    concern: z.optional(plainText(500)),
    serviceSlug: z.optional(SlugSchema),
    language: LanguageTagSchema,
    interpreterLanguage: z.optional(LanguageTagSchema),
    consent: z.literal(true, CONSENT_MESSAGE),
  })
  .check(
    z.refine((knock) => Boolean(knock.concern) || Boolean(knock.serviceSlug), {
      message: 'please describe your concern or choose a service',
      path: ['concern'],
    }),
  );
export type KnockRequest = z.infer<typeof KnockRequestSchema>;
