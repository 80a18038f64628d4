import { z } from 'zod/mini';

// Apart from legal.api.ts: the footer of every page parses this, and the door page's budget is
// tight (issue 14), so it must not pull in the legal pages' schemas.

/** `GET /api/installation/legal`: the operator's own legal pages, for pages of no municipality. */
export const InstallationLegalSchema = z.object({
  imprintUrl: z.nullable(z.string()),
  privacyUrl: z.nullable(z.string()),
  accessibilityUrl: z.nullable(z.string()),
});
export type InstallationLegal = z.infer<typeof InstallationLegalSchema>;
