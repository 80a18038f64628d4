import { EventEmitter } from 'node:events';
import { sql, type SQLWrapper } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf, type Db } from '../db/client.js';
import { mailOutbox } from '../db/schema.js';

/**
 * The database outbox (issue 6): a message is a row first and an e-mail second, so a mail
 * server that is down delays a confirmation but never loses it. Callers enqueue inside the
 * transaction that makes the thing the message is about (a booking, a cancellation); the
 * MailWorker sends after the commit and retries with backoff.
 */
export interface OutboxMessage {
  tenantId?: string | null;
  /** What it is about (confirmation, reminder, cancelled, moved, invite…); logged, never the content. */
  kind: string;
  /** At most one message per key, ever (e.g. `reminder:<appointmentId>`); a repeat is silently dropped. */
  dedupeKey?: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * `content` is the attachment's bytes in base64 (what `appointmentMail` returns); give the
   * full content type, e.g. `text/calendar; charset=utf-8; method=REQUEST`.
   */
  attachments?: { filename: string; contentType: string; content: string; cid?: string }[];
}

const OutboxMessageSchema = z.object({
  tenantId: z.uuid().nullish(),
  kind: z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'a short lowercase name'),
  dedupeKey: z.string().min(1).max(200).optional(),
  to: z.email(),
  subject: z
    .string()
    .min(1)
    .max(300)
    .regex(/^[^\r\n]*$/, 'one line'),
  text: z.string().min(1),
  html: z.string().optional(),
  attachments: z
    .array(
      z.object({
        filename: z
          .string()
          .min(1)
          .max(100)
          .regex(/^[^\\/\r\n]+$/, 'a plain file name'),
        contentType: z
          .string()
          .min(3)
          .max(200)
          .regex(/^[^\r\n]+$/, 'one line'),
        content: z.base64(),
        cid: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,60}@[A-Za-z0-9.-]{1,60}$/, 'a content id like qr@amtsraum')
          .optional(),
      }),
    )
    .max(5)
    .default([]),
});

/** Channel on which PostgreSQL tells every server process that mail was queued (sent on commit). */
export const MAIL_NOTIFY_CHANNEL = 'amtsraum_mail';

/**
 * In-process wake-up: emits `queued` on the next turn of the event loop after `enqueueMail`.
 * The MailWorker listens, so a confirmation leaves right after its booking commits:
 * - PGlite runs one statement at a time, so the worker's query waits until the enqueuing
 *   transaction has finished, and then sees the row.
 * - PostgreSQL: the worker may look too early, but `pg_notify` inside the transaction is
 *   delivered on commit (never on rollback) to the worker of every server process.
 * Missed wake-ups cost nothing but time: the jobs scheduler wakes the worker every few seconds too.
 */
export const mailWake = new EventEmitter().setMaxListeners(0);

/**
 * Queues one message. `db` may be a transaction handle: the row then commits or rolls back
 * with the caller's change. Throws (a programming error) when the message is malformed.
 */
export async function enqueueMail(
  db: Db,
  message: OutboxMessage,
  options: { alongside?: SQLWrapper } = {},
): Promise<void> {
  const parsed = OutboxMessageSchema.parse(message);
  const insert = db
    .insert(mailOutbox)
    .values({
      tenantId: parsed.tenantId ?? null,
      kind: parsed.kind,
      dedupeKey: parsed.dedupeKey ?? null,
      to: parsed.to,
      subject: parsed.subject,
      text: parsed.text,
      html: parsed.html ?? null,
      attachments: parsed.attachments,
    })
    .onConflictDoNothing({ target: mailOutbox.dedupeKey })
    .returning({ id: mailOutbox.id });
  // The row, the wake-up of every process's worker and `alongside` (a statement of the same
  // transaction, say its audit entry) in one statement: each statement is a round trip, and with
  // PGlite a turn of the one thread (issue 14, the rush: a booking's last three became one). A
  // data-modifying WITH part runs whether or not the rest reads it. (`getSQL`: a query embedded
  // as such is put in parentheses, which WITH does not take.)
  const alongside = options.alongside ? sql`, alongside as (${options.alongside.getSQL()})` : sql``;
  // One row per message queued: none when the dedupe key was taken (nothing to wake then).
  const notified = await db.execute(
    sql`with mail as (${insert.getSQL()})${alongside} select pg_notify(${MAIL_NOTIFY_CHANNEL}, '') from mail`,
  );
  if (rowsOf(notified).length === 0) return;
  setImmediate(() => mailWake.emit('queued'));
}
