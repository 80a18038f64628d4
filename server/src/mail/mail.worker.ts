import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { DiskWatch } from '../lib/disk-watch.js';
import { mailOutbox } from '../db/schema.js';
import { hideQueryParameters, type Logger } from '../lib/logger.js';
import { LoopLoad } from '../lib/loop-load.js';
import { MAIL_NOTIFY_CHANNEL, mailWake } from './outbox.js';
import { createMailTransport, type MailTransport } from './transport.js';

/** Wait after the n-th failed attempt (the last value repeats). */
export const MAIL_BACKOFF_MS = [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000];
/** After this many attempts (about 20 hours of trying) a message is given up as `failed`. */
export const MAIL_MAX_ATTEMPTS = 12;
const PURGE_EVERY_MS = 3_600_000;
/**
 * A wake-up waits this long for others before the worker looks: the e-mails of a burst of
 * bookings (the 07:45 rush, issue 14) are claimed together, a few per statement, instead of one
 * round each on the database the bookings need. A confirmation leaves a fifth of a second later.
 */
export const MAIL_WAKE_GATHER_MS = 200;
/**
 * While the process is busy (its event loop worked more than 80 % of the last gathering), the
 * worker waits another gathering before it claims, renders and sends, for at most this long
 * after it was woken: in the 07:45 rush the citizens still booking come first, and their
 * confirmations leave a few seconds later (issue 14). A message is never held longer than this.
 */
export const MAIL_BUSY_DEFER_MAX_MS = 5_000;

export interface MailWorkerOptions {
  database: Database;
  config: Config;
  logger: Logger;
  now: () => Date;
  /** Default: SMTP or the file outbox, as configured. */
  transport?: MailTransport;
  /** Rows claimed per round. Default 5. */
  batchSize?: number;
  /** Whether the process was busy since the last question. Default: its event loop's load. */
  busy?: () => boolean;
  /** Told of a round's failure: one refused for lack of space makes the process unready. */
  disk?: Pick<DiskWatch, 'note'>;
}

export interface MailRunResult {
  sent: number;
  retrying: number;
  failed: number;
}

const ADDRESS = /[^\s<>()[\]\\,;:"'@]+@[^\s<>()[\]\\,;:"']+/g;

/** An error as text for the row and the log, without e-mail addresses (they are personal data). */
export function describeMailError(error: unknown): string {
  const parts: string[] = [];
  if (typeof error === 'object' && error) {
    const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
    if (typeof code === 'string') parts.push(code);
    if (typeof responseCode === 'number') parts.push(String(responseCode));
  }
  const message = hideQueryParameters(error instanceof Error ? error.message : String(error), error);
  parts.push(message.replace(ADDRESS, '<address>').replace(/\s+/g, ' ').trim());
  return parts.join(' ').slice(0, 500);
}

/** Rejected recipients (5xx on RCPT TO) stay rejected: retrying would only delay the verdict. */
function isPermanent(error: unknown): boolean {
  if (typeof error !== 'object' || !error) return false;
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  return code === 'EENVELOPE' && typeof responseCode === 'number' && responseCode >= 500;
}

/**
 * Sends what the outbox holds (issue 6). Any number of server processes may run one: rows are
 * claimed with `FOR UPDATE SKIP LOCKED` and a short lease, then sent outside any transaction
 * (an SMTP server that hangs must not hold a database lock, and PGlite runs one transaction at
 * a time). Delivery is at least once: a process that dies between sending and marking sends
 * again after the lease, with the same Message-ID. It looks on every wake-up (a message queued in
 * this process, a NOTIFY from another) and when the jobs scheduler wakes it (jobs/jobs.ts).
 */
export class MailWorker {
  readonly transport: MailTransport;
  private readonly batchSize: number;
  /**
   * A claimed row is not due again for this long: the longest one send may take (transport.ts
   * stops it at SMTP_TIMEOUT_SECONDS) and as long again for marking it, renewed before a send of
   * a batch once a quarter of it has passed. So two workers never send the same row, and when a
   * process dies mid-send another one sends the row minutes later, not after a quarter of an hour
   * (issue 11, item 7).
   */
  private readonly leaseMs: number;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private stopping = false;
  private subscription: { unlisten(): Promise<void> } | null = null;
  private lastPurge: number | null = null;
  private readonly onWake = () => this.wake();
  private gathering: NodeJS.Timeout | null = null;
  private readonly busy: () => boolean;

  constructor(private readonly options: MailWorkerOptions) {
    this.transport = options.transport ?? createMailTransport(options.config);
    this.batchSize = options.batchSize ?? 5;
    if (options.busy) this.busy = options.busy;
    else {
      const load = new LoopLoad();
      this.busy = () => load.busy();
    }
    this.leaseMs = 2 * options.config.mail.sendTimeoutMs;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    mailWake.on('queued', this.onWake);
    const { pubsub } = this.options.database;
    if (pubsub) {
      // onConnect (also after a reconnection) is a cue to look, in case a wake-up was missed.
      this.subscription = await pubsub.listen(MAIL_NOTIFY_CHANNEL, this.onWake, this.onWake);
    }
    this.wake();
    void this.checkMailServer();
  }

  /**
   * Says once at the start, as a warning, when the mail server named by SMTP_URL cannot be reached
   * or refuses the sign-in: otherwise the IT staff would learn of a wrong host, port or password
   * only from the first citizen whose confirmation does not come. The app runs on (messages wait in
   * the outbox); the address is named without user or password.
   */
  private async checkMailServer(): Promise<void> {
    const { smtpUrl } = this.options.config.mail;
    if (!smtpUrl || !this.transport.check) return;
    try {
      await this.transport.check();
      this.options.logger.info('the mail server answers and takes the sign-in');
    } catch (error) {
      if (this.stopping) return;
      const url = new URL(smtpUrl);
      const server = `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
      this.options.logger.warn(
        { smtp: server, error: describeMailError(error) },
        'SMTP_URL: the mail server cannot be used; e-mails wait in the outbox until it can. Check host, port, user and password',
      );
    }
  }

  /** Lets the round in progress finish (its claimed messages are sent), then stops. */
  async stop(): Promise<void> {
    if (!this.started || this.stopping) return this.running ?? undefined;
    this.stopping = true;
    if (this.gathering) clearTimeout(this.gathering);
    this.gathering = null;
    mailWake.off('queued', this.onWake);
    await this.subscription?.unlisten().catch(() => {});
    this.subscription = null;
    await this.running;
    this.transport.close();
  }

  /**
   * Looks for due messages shortly (MAIL_WAKE_GATHER_MS), or right after the round in progress;
   * while the process is busy, up to MAIL_BUSY_DEFER_MAX_MS later (`runOnce`).
   */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.gathering) return;
    const wokenAt = performance.now();
    this.busy(); // the span asked about first starts now
    this.gathering = setTimeout(() => {
      this.gathering = null;
      this.look(wokenAt);
    }, MAIL_WAKE_GATHER_MS);
  }

  private look(wokenAt: number): void {
    if (this.stopping) return;
    this.running = this.round(wokenAt).finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async round(wokenAt: number): Promise<void> {
    try {
      await this.runOnce({ wokenAt });
    } catch (error) {
      this.options.disk?.note(error);
      this.options.logger.error({ error: describeMailError(error) }, 'mail outbox round failed');
    }
  }

  /**
   * Sends every message due now, in batches, and purges old ones once an hour. Tests call this
   * directly with a fake clock instead of starting the worker. A round of the started worker
   * (`wokenAt`) first waits, before each batch, while the process is busy.
   */
  async runOnce(round?: { wokenAt: number }): Promise<MailRunResult> {
    const result: MailRunResult = { sent: 0, retrying: 0, failed: 0 };
    await this.purgeIfDue();
    for (;;) {
      if (round) await this.whileBusy(round.wokenAt);
      if (this.stopping) break;
      const claimedAt = this.options.now().getTime();
      const batch = await this.claim();
      for (const [index, row] of batch.entries()) {
        // Stopping (SIGTERM): the send under way finishes, the rest of the batch is not begun, so
        // a slow mail server does not hold the stop for a whole batch, past docker's patience.
        if (this.stopping) {
          await this.release(batch.slice(index));
          break;
        }
        await this.deliver(row, result, claimedAt);
      }
      if (batch.length < this.batchSize || this.stopping) break;
    }
    return result;
  }

  /**
   * While the process was busy since the worker last asked (the gathering, or the batch just
   * sent), waits a gathering at a time, until MAIL_BUSY_DEFER_MAX_MS after `since`.
   */
  private async whileBusy(since: number): Promise<void> {
    while (!this.stopping && this.busy() && performance.now() - since + MAIL_WAKE_GATHER_MS <= MAIL_BUSY_DEFER_MAX_MS) {
      await new Promise((resolve) => setTimeout(resolve, MAIL_WAKE_GATHER_MS));
    }
  }

  private async claim() {
    const { db } = this.options.database;
    const now = this.options.now();
    // A message never tried is due at once: its default next_attempt_at is the database's clock,
    // which need not agree with the application's (tests run on a fake one).
    const due = db
      .select({ id: mailOutbox.id })
      .from(mailOutbox)
      .where(and(eq(mailOutbox.state, 'pending'), or(eq(mailOutbox.attempts, 0), lte(mailOutbox.nextAttemptAt, now))))
      .orderBy(asc(mailOutbox.nextAttemptAt))
      .limit(this.batchSize)
      .for('update', { skipLocked: true });
    // `= any(array(…))`, not `in (…)`: the array is read once, before the update. A subquery under
    // `in` may run again for each row, and each run skips the rows this update just took (their
    // re-check fails), so it claimed every due row instead of `batchSize`.
    return db
      .update(mailOutbox)
      .set({ attempts: sql`${mailOutbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + this.leaseMs) })
      .where(and(sql`${mailOutbox.id} = any(array(${due}))`, eq(mailOutbox.state, 'pending')))
      .returning();
  }

  /**
   * Gives claimed rows back unsent, due at once and without the attempt counted: the next start
   * (or another process) sends them now, not after the lease.
   */
  private async release(rows: (typeof mailOutbox.$inferSelect)[]): Promise<void> {
    const now = this.options.now();
    for (const row of rows) {
      await this.options.database.db
        .update(mailOutbox)
        .set({ attempts: row.attempts - 1, nextAttemptAt: now })
        .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.state, 'pending'), eq(mailOutbox.attempts, row.attempts)));
    }
  }

  /**
   * Extends the lease on a claimed row just before it is sent. False when the row is no longer
   * ours: the sends before it in the batch took so long that another worker claimed it since.
   */
  private async renewLease(row: typeof mailOutbox.$inferSelect): Promise<boolean> {
    const renewed = await this.options.database.db
      .update(mailOutbox)
      .set({ nextAttemptAt: new Date(this.options.now().getTime() + this.leaseMs) })
      .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.state, 'pending'), eq(mailOutbox.attempts, row.attempts)))
      .returning({ id: mailOutbox.id });
    return renewed.length > 0;
  }

  private async deliver(row: typeof mailOutbox.$inferSelect, result: MailRunResult, claimedAt: number): Promise<void> {
    const { db } = this.options.database;
    const { logger } = this.options;
    // Renewed once the sends before it took a quarter of the lease: until then what is left of the
    // claim's lease still covers this send and as much again (a rush's e-mails go out without a
    // statement each for it), and the row is still ours.
    const renew = this.options.now().getTime() - claimedAt > this.leaseMs / 4;
    if (renew && !(await this.renewLease(row))) return;
    try {
      await this.transport.send({
        id: row.id,
        to: row.to,
        subject: row.subject,
        text: row.text,
        html: row.html,
        attachments: row.attachments,
        createdAt: row.createdAt,
      });
    } catch (error) {
      const now = this.options.now();
      const lastError = describeMailError(error);
      if (row.attempts >= MAIL_MAX_ATTEMPTS || isPermanent(error)) {
        await db
          .update(mailOutbox)
          .set({ state: 'failed', lastError, nextAttemptAt: now })
          .where(eq(mailOutbox.id, row.id));
        // Id and kind only: the address and the content are personal data.
        logger.error({ mailId: row.id, kind: row.kind, attempts: row.attempts }, 'e-mail given up');
        result.failed++;
        return;
      }
      const wait = MAIL_BACKOFF_MS[Math.min(row.attempts, MAIL_BACKOFF_MS.length) - 1] ?? MAIL_BACKOFF_MS[0]!;
      await db
        .update(mailOutbox)
        .set({ lastError, nextAttemptAt: new Date(now.getTime() + wait) })
        .where(eq(mailOutbox.id, row.id));
      logger.warn(
        { mailId: row.id, kind: row.kind, attempts: row.attempts, retryInSeconds: wait / 1000, error: lastError },
        'e-mail not sent yet, will retry',
      );
      result.retrying++;
      return;
    }
    await db
      .update(mailOutbox)
      .set({ state: 'sent', sentAt: this.options.now(), lastError: null })
      .where(eq(mailOutbox.id, row.id));
    logger.info({ mailId: row.id, kind: row.kind, attempts: row.attempts }, 'e-mail sent');
    result.sent++;
  }

  /** Sent and failed messages hold addresses and content: gone after RETENTION_DAYS. */
  private async purgeIfDue(): Promise<void> {
    const now = this.options.now().getTime();
    if (this.lastPurge !== null && now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    const cutoff = new Date(now - this.options.config.retentionDays * 86_400_000);
    const purged = await this.options.database.db
      .delete(mailOutbox)
      .where(
        and(
          inArray(mailOutbox.state, ['sent', 'failed']),
          // Failed rows keep the time of their last attempt in next_attempt_at.
          sql`coalesce(${mailOutbox.sentAt}, ${mailOutbox.nextAttemptAt}) < ${cutoff.toISOString()}::timestamptz`,
        ),
      )
      .returning({ id: mailOutbox.id, createdAt: mailOutbox.createdAt });
    if (purged.length === 0) return;
    await this.transport.forget(purged);
    this.options.logger.info({ count: purged.length }, 'old e-mails purged');
  }
}
