import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

/** One outbox row on its way out. */
export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** `content` in base64. */
  attachments: { filename: string; contentType: string; content: string; cid?: string }[];
  createdAt: Date;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'file' | 'memory';
  /** Resolves when the message was accepted (by the SMTP server, or written to disk). */
  send(mail: OutgoingMail): Promise<void>;
  /** Forgets messages the database purged (the file outbox deletes their .eml files). */
  forget(mails: { id: string; createdAt: Date }[]): Promise<void>;
  /** SMTP only: connects and signs in once, without sending, to say at the start whether it works. */
  check?(): Promise<void>;
  close(): void;
}

/** SMTP when `SMTP_URL` is set; otherwise the embedded file outbox in `DATA_DIR/outbox`. */
export function createMailTransport(config: Config): MailTransport {
  return config.mail.smtpUrl ? smtpTransport(config, config.mail.smtpUrl) : fileTransport(config);
}

/** The domain of the sender address, for Message-IDs. */
function senderDomain(config: Config): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(config.mail.from);
  return match?.[1] ?? config.publicBaseUrl.hostname;
}

function mailOptions(config: Config, mail: OutgoingMail) {
  return {
    from: config.mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      content: attachment.content,
      encoding: 'base64',
      // An inline image the HTML part shows (the on-site QR code); nodemailer puts it into multipart/related.
      ...(attachment.cid ? { cid: attachment.cid, contentDisposition: 'inline' as const } : {}),
    })),
    // The same Message-ID on every attempt: a receiver can drop a repeat after a crash mid-send.
    messageId: `<${mail.id}@${senderDomain(config)}>`,
    date: mail.createdAt,
    // RFC 3834: no out-of-office replies to the office's robot.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

function smtpTransport(config: Config, smtpUrl: string): MailTransport {
  // The worker holds a lease on the row while it sends (see mail.worker.ts): no send may outlast
  // SMTP_TIMEOUT_SECONDS, not even one from a server that hangs mid-transfer or trickles bytes
  // (issue 11, item 7). The socket timeouts notice silence early; the abort is the hard limit.
  const timeoutMs = config.mail.sendTimeoutMs;
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: Math.min(20_000, timeoutMs),
    greetingTimeout: Math.min(20_000, timeoutMs),
    socketTimeout: timeoutMs,
  });
  return {
    kind: 'smtp',
    async send(mail) {
      try {
        await transporter.sendMail({ ...mailOptions(config, mail), signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') {
          throw Object.assign(new Error(`no answer from the mail server within ${timeoutMs / 1000} s`), {
            code: 'ETIMEDOUT',
          });
        }
        throw error;
      }
    },
    async forget() {},
    async check() {
      await transporter.verify();
    },
    close() {
      transporter.close();
    },
  };
}

/** `<outbox>/20261123T093000Z-<id>.eml`: sorts by time, one name per message on every attempt. */
export function outboxFileName(mail: { id: string; createdAt: Date }): string {
  const stamp = mail.createdAt
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${mail.id}.eml`;
}

function fileTransport(config: Config): MailTransport {
  const dir = config.mail.outboxDir;
  // Builds the real RFC 822 message, as SMTP would carry it, into a buffer.
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    kind: 'file',
    async send(mail) {
      const info = await builder.sendMail(mailOptions(config, mail));
      const raw = info.message;
      if (!Buffer.isBuffer(raw)) throw new Error('mail builder returned a stream');
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, outboxFileName(mail));
      const temporary = `${file}.tmp`;
      await fs.writeFile(temporary, raw, { mode: 0o600 });
      await fs.rename(temporary, file);
    },
    async forget(mails) {
      await Promise.all(mails.map((mail) => fs.rm(path.join(dir, outboxFileName(mail)), { force: true })));
    },
    close() {
      builder.close();
    },
  };
}

/**
 * Keeps messages in memory instead of sending them: for tests of features that send mail
 * (`startServer(config, logger, { mail: { transport: memoryMailTransport() } })`), so test
 * servers write nothing into `DATA_DIR/outbox`.
 */
export function memoryMailTransport(): MailTransport & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    kind: 'memory',
    sent,
    async send(mail) {
      sent.push(mail);
    },
    async forget(mails) {
      const gone = new Set(mails.map((mail) => mail.id));
      sent.splice(0, sent.length, ...sent.filter((mail) => !gone.has(mail.id)));
    },
    close() {},
  };
}
