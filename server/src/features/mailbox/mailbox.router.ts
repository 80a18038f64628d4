import type { MailboxMessage } from '@amtsraum/shared';
import { desc, eq } from 'drizzle-orm';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import type { Config } from '../../config.js';
import { mailOutbox } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';

const LIST_LIMIT = 100;

/**
 * The development mailbox (issue 6): what the embedded mode "sent", read from the outbox.
 * It shows every address and link, so it exists only without SMTP and outside production.
 */
export function mailboxEnabled(config: Config): boolean {
  return config.mail.smtpUrl === null && config.env !== 'production';
}

const entryColumns = {
  id: mailOutbox.id,
  kind: mailOutbox.kind,
  to: mailOutbox.to,
  subject: mailOutbox.subject,
  state: mailOutbox.state,
  createdAt: mailOutbox.createdAt,
};

export function mailboxRouter(deps: AppDeps): Router {
  const router = Router();
  const enabled: RequestHandler = (_req, res, next) => {
    if (!mailboxEnabled(deps.config)) throw new AppError('route_not_found');
    res.set('Cache-Control', 'no-store');
    next();
  };

  router.get('/dev/mailbox', enabled, async (_req, res) => {
    const rows = await deps.database.db
      .select(entryColumns)
      .from(mailOutbox)
      .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
      .limit(LIST_LIMIT);
    res.json({ messages: rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })) });
  });

  router.get('/dev/mailbox/:id', enabled, async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    if (!id.success) throw new AppError('route_not_found');
    const [row] = await deps.database.db
      .select({ ...entryColumns, text: mailOutbox.text, html: mailOutbox.html, attachments: mailOutbox.attachments })
      .from(mailOutbox)
      .where(eq(mailOutbox.id, id.data))
      .limit(1);
    if (!row) throw new AppError('route_not_found');
    const body: MailboxMessage = { ...row, createdAt: row.createdAt.toISOString() };
    res.json(body);
  });

  return router;
}
