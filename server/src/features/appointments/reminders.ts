import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { appointments } from '../../db/schema.js';
import type { Logger } from '../../lib/logger.js';
import { enqueueMail } from '../../mail/outbox.js';
import { appointmentMail } from '../../mail/templates.js';
import { loadAppointmentMailData } from './appointment-mail.js';

/**
 * Reminder e-mails (issue 6): `REMINDER_HOURS` before a booked appointment. An appointment booked
 * less than that ahead gets none: its confirmation has only just gone out. The mail is queued and
 * `reminder_sent_at` set in one transaction, and the outbox's dedupe key `reminder:<id>` holds
 * even if two server processes race, so each appointment is reminded at most once.
 */

const BATCH = 100;

export interface ReminderOptions {
  db: Db;
  config: Pick<Config, 'publicBaseUrl' | 'sessionSecret' | 'reminderHours' | 'mail'>;
  now: Date;
  logger?: Pick<Logger, 'warn'>;
}

/** Queues the reminders now due; returns how many were queued. */
export async function sendDueReminders(options: ReminderOptions): Promise<number> {
  const { db, config, now } = options;
  if (config.reminderHours <= 0) return 0;
  const windowMs = config.reminderHours * 3600_000;
  const nowText = now.toISOString();
  const until = new Date(now.getTime() + windowMs).toISOString();
  const due = and(
    eq(appointments.state, 'booked'),
    isNull(appointments.reminderSentAt),
    isNotNull(appointments.email),
    sql`${appointments.startsAt} > ${nowText}::timestamptz`,
    sql`${appointments.startsAt} <= ${until}::timestamptz`,
    sql`${appointments.createdAt} <= ${appointments.startsAt} - make_interval(hours => ${config.reminderHours})`,
  );

  let queued = 0;
  const failed = new Set<string>();
  for (;;) {
    const candidates = await db
      .select({ id: appointments.id })
      .from(appointments)
      .where(due)
      .orderBy(asc(appointments.startsAt))
      .limit(BATCH + failed.size);
    let progressed = false;
    for (const { id } of candidates) {
      if (failed.has(id)) continue;
      try {
        const outcome = await remindOne(options, id, due);
        if (outcome === 'queued') queued += 1;
        if (outcome !== 'taken') progressed = true;
      } catch (error) {
        // One broken row must not hold up the others; it is tried again on the next round.
        failed.add(id);
        options.logger?.warn({ err: error, appointmentId: id }, 'reminder failed');
      }
    }
    if (candidates.length < BATCH + failed.size || !progressed) return queued;
  }
}

async function remindOne(
  options: ReminderOptions,
  appointmentId: string,
  due: ReturnType<typeof and>,
): Promise<'queued' | 'handled' | 'taken'> {
  const { db, config, now } = options;
  return db.transaction(async (tx) => {
    // SKIP LOCKED: another process reminding this appointment right now has it; it is not ours.
    const [row] = await tx
      .select({ id: appointments.id })
      .from(appointments)
      .where(and(eq(appointments.id, appointmentId), due))
      .for('update', { skipLocked: true });
    if (!row) return 'taken';
    await tx.update(appointments).set({ reminderSentAt: now }).where(eq(appointments.id, appointmentId));
    const mail = await loadAppointmentMailData(tx, config, appointmentId);
    if (!mail?.to) return 'handled';
    if (!mail.linksValid) {
      // A reminder whose links open nothing would do more harm than none (SESSION_SECRET changed
      // since the booking): the confirmation's links still work. Marked as handled all the same.
      options.logger?.warn({ appointmentId }, 'reminder skipped: its links would not match the booking');
      return 'handled';
    }
    const message = appointmentMail('reminder', mail.data, mail.locale, now);
    await enqueueMail(tx, {
      tenantId: mail.tenantId,
      kind: 'appointment.reminder',
      // One reminder per appointment and start time: a moved appointment is reminded of its new time.
      dedupeKey: `reminder:${appointmentId}:${mail.data.startsAt.toISOString()}`,
      to: mail.to,
      ...message,
    });
    return 'queued';
  });
}
