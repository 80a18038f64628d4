import { z } from 'zod/mini';
import { IsoInstantSchema } from './visits.api.js';

/** Dev mailbox (embedded mode only): `GET /api/dev/mailbox`, `GET /api/dev/mailbox/:id`. */
export const MailboxEntrySchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  state: z.enum(['pending', 'sent', 'failed']),
  createdAt: IsoInstantSchema,
});
export const MailboxListSchema = z.object({ messages: z.array(MailboxEntrySchema) });
export const MailboxMessageSchema = z.extend(MailboxEntrySchema, {
  text: z.string(),
  html: z.nullable(z.string()),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), content: z.string() })),
});
export type MailboxMessage = z.infer<typeof MailboxMessageSchema>;
