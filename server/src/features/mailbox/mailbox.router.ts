import type { MailboxMessage } from '@amtsraum/shared';
import { desc, eq } from 'drizzle-orm';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import type { Config } from '../../config.js';
import { mailOutbox } from '../../db/schema.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { AppError } from '../../lib/errors.js';
import { PAGE_READ_LIMITS } from '../../lib/rate-limit.js';

const LIST_LIMIT = 100;

/**
 * The development mailbox (issue 6): what the embedded mode "sent", read from the outbox.
 * It shows every address and link (a password link lets its reader into the staff account), so
 * it exists only without SMTP, outside production, while the server listens on a loopback
 * address only (the default `HOST`), and while its public address (`PUBLIC_BASE_URL`) is this
 * machine too: a trial opened to the network with `HOST=0.0.0.0` has none, and neither has one
 * behind a reverse proxy on the same machine (which listens on loopback, but is reached at the
 * proxy's name, the one PUBLIC_BASE_URL must give for any change to pass the Origin check).
 */
export function mailboxEnabled(config: Config): boolean {
  return (
    config.mail.smtpUrl === null &&
    config.env !== 'production' &&
    isLoopbackHost(config.host) &&
    isLoopbackHost(config.publicBaseUrl.hostname)
  );
}

/**
 * Whether the request was addressed to this machine by name (its Host header). A page of another
 * site whose name a rebinding DNS server points at 127.0.0.1 reaches the server with its own name
 * in Host, and reads the answers as its own (no cookie is needed to read the mailbox): its mail
 * would go to that site, citizens' names and addresses and the staff's password links with it.
 */
export function addressedToThisMachine(hostHeader: string | undefined): boolean {
  const name = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/i.exec(hostHeader ?? '')?.[1];
  return name !== undefined && isLoopbackHost(name);
}

function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
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
  // Counted like a public page's reads: the mailbox page lists, then opens a message now and then.
  const reads = deps.limits.limiter('dev-mailbox-read', PAGE_READ_LIMITS.perAddress);
  const enabled: RequestHandler = async (req, res, next) => {
    if (!mailboxEnabled(deps.config) || !addressedToThisMachine(req.headers.host)) {
      throw new AppError('route_not_found');
    }
    await reads.hit(requestAddressGroup(req));
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
