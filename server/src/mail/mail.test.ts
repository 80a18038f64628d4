import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import PostalMime from 'postal-mime';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mailOutbox } from '../db/schema.js';
import { createLogger } from '../lib/logger.js';
import { testClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test/databases.js';
import { makeTenant } from '../test/factories.js';
import { confirmationMessage as confirmation } from '../test/mail-factories.js';
import { eventually } from '../test/eventually.js';
import { startSmtp } from '../test/smtp.js';
import { captureLogger, testConfig } from '../test/server.js';
import { MAIL_BUSY_DEFER_MAX_MS, MAIL_MAX_ATTEMPTS, MAIL_WAKE_GATHER_MS, MailWorker } from './mail.worker.js';
import { enqueueMail } from './outbox.js';
import { memoryMailTransport, type MailTransport, type OutgoingMail } from './transport.js';

const NOW = new Date('2026-11-02T08:00:00Z');

let addressCount = 0;
const recipient = () => `buerger-${++addressCount}-${crypto.randomUUID().slice(0, 6)}@example.org`;

async function icsOf(email: Awaited<ReturnType<typeof PostalMime.parse>>) {
  const attachment = email.attachments.find((a) => a.mimeType === 'text/calendar');
  expect(attachment).toBeDefined();
  const calendar = new ICAL.Component(ICAL.parse(String(attachment!.content)));
  return { attachment: attachment!, calendar, event: new ICAL.Event(calendar.getFirstSubcomponent('vevent')!) };
}

describe.each(databaseKinds)('e-mail outbox on %s', (kind) => {
  let database: TestDatabase;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const workers: MailWorker[] = [];
  const clock = testClock(NOW);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    smtp = await startSmtp();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });
  afterAll(async () => {
    await smtp.close();
    await database.close();
  });

  function worker(env: Record<string, string>, logger = createLogger('silent')) {
    const created = new MailWorker({ database, config: testConfig(env), logger, now: clock.now });
    workers.push(created);
    return created;
  }

  const row = async (to: string) =>
    (await database.db.select().from(mailOutbox).where(eq(mailOutbox.to, to)))[0] ?? null;

  it('sends a German confirmation by SMTP with the date in the tenant zone and an .ics', async () => {
    const to = recipient();
    const tenant = await makeTenant(database.db);
    await enqueueMail(database.db, { ...confirmation(to), tenantId: tenant.id });
    const result = await worker({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Bürgeramt <no-reply@musterstadt.example>',
    }).runOnce();
    expect(result.sent).toBe(1);

    const delivered = smtp.received.find((m) => m.to.includes(to));
    expect(delivered).toBeDefined();
    const email = await PostalMime.parse(delivered!.raw, { attachmentEncoding: 'utf8' });
    expect(email.subject).toBe('Terminbestätigung: Bürgeramt, Montag, 23. November 2026, 10:30 Uhr');
    expect(email.to?.[0]?.address).toBe(to);
    expect(email.from).toMatchObject({ name: 'Bürgeramt', address: 'no-reply@musterstadt.example' });
    expect(email.text).toContain('Montag, 23. November 2026, 10:30 bis 10:45 Uhr (MEZ)');
    expect(email.text).toContain('Biometrisches Passfoto');
    expect(email.html).toContain('Terminbestätigung');
    const { attachment, calendar, event } = await icsOf(email);
    expect(attachment.filename).toBe('termin.ics');
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-11-23T09:30:00.000Z');
    expect(email.headers.find((h) => h.key === 'content-type')?.value).toMatch(/multipart/);
    expect(delivered!.raw.toString('utf8')).toMatch(/Content-Type: text\/calendar;.*method=REQUEST/i);

    const sent = await row(to);
    expect(sent).toMatchObject({ state: 'sent', attempts: 1, lastError: null, tenantId: tenant.id });
    expect(sent!.sentAt).not.toBeNull();
  });

  it('sends the English variant', async () => {
    const to = recipient();
    await enqueueMail(database.db, confirmation(to, 'en'));
    await worker({ SMTP_URL: smtp.url }).runOnce();
    const delivered = smtp.received.find((m) => m.to.includes(to));
    const email = await PostalMime.parse(delivered!.raw, { attachmentEncoding: 'utf8' });
    expect(email.subject).toBe('Appointment confirmed: Bürgeramt, Monday, 23 November 2026, 10:30');
    expect(email.text).toContain('Monday, 23 November 2026, 10:30 to 10:45 (CET)');
    const { attachment, event } = await icsOf(email);
    expect(attachment.filename).toBe('appointment.ics');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-11-23T09:30:00.000Z');
  });

  it('keeps a message the server refused for now, and sends it on a later attempt', async () => {
    let refuse = true;
    const flaky = await startSmtp({ rejectData: () => refuse });
    try {
      const to = recipient();
      const { logger, text: logText } = captureLogger('info');
      const mailer = worker({ SMTP_URL: flaky.url }, logger);
      await enqueueMail(database.db, confirmation(to));

      expect(await mailer.runOnce()).toEqual({ sent: 0, retrying: 1, failed: 0 });
      const waiting = await row(to);
      expect(waiting).toMatchObject({ state: 'pending', attempts: 1 });
      expect(waiting!.lastError).toMatch(/451/);
      expect(waiting!.nextAttemptAt.getTime()).toBeGreaterThan(clock.now().getTime() + 20_000);
      expect(logText()).toContain('will retry');
      expect(logText()).not.toContain(to);

      // Not due yet: nothing happens.
      expect((await mailer.runOnce()).sent).toBe(0);
      refuse = false;
      clock.advance(31_000);
      expect((await mailer.runOnce()).sent).toBe(1);
      expect(await row(to)).toMatchObject({ state: 'sent', attempts: 2, lastError: null });
      expect(flaky.received.filter((m) => m.to.includes(to))).toHaveLength(1);
    } finally {
      await flaky.close();
    }
  });

  it('says at the start, as a warning without user or password, when the mail server cannot be reached', async () => {
    const probe = await startSmtp();
    const { port } = probe;
    await probe.close();
    const { logger, text } = captureLogger('info');
    const down = worker({ SMTP_URL: `smtp://mailer:geheimes-pw@127.0.0.1:${String(port)}` }, logger);
    await down.start();
    await eventually(() => text().includes('SMTP_URL: the mail server cannot be used'), 'the warning');
    const line = JSON.parse(
      text()
        .split('\n')
        .find((l) => l.includes('SMTP_URL:'))!,
    ) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 40, smtp: `smtp://127.0.0.1:${String(port)}` });
    expect(String(line.error)).toMatch(/ECONNREFUSED|ECONNECTION/);
    expect(text()).not.toContain('geheimes-pw');
    expect(text()).not.toContain('mailer');

    const up = captureLogger('info');
    await worker({ SMTP_URL: smtp.url }, up.logger).start();
    await eventually(() => up.text().includes('the mail server answers'), 'the good word');
    expect(up.text()).not.toContain('SMTP_URL:');
  });

  it('waits for a mail server that is down, and loses nothing', async () => {
    const probe = await startSmtp();
    const { port } = probe;
    await probe.close();
    const to = recipient();
    const mailer = worker({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    await enqueueMail(database.db, confirmation(to));

    expect((await mailer.runOnce()).retrying).toBe(1);
    expect(await row(to)).toMatchObject({ state: 'pending', attempts: 1 });
    expect((await row(to))!.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);

    const back = await startSmtp({ port });
    try {
      clock.advance(31_000);
      expect((await mailer.runOnce()).sent).toBe(1);
      expect(back.received.filter((m) => m.to.includes(to))).toHaveLength(1);
    } finally {
      await back.close();
    }
  });

  it('backs off longer each time and gives up after the last attempt, logging only id and kind', async () => {
    const refusing = await startSmtp({ rejectData: () => true });
    try {
      const to = recipient();
      const { logger, text: logText } = captureLogger('info');
      const mailer = worker({ SMTP_URL: refusing.url }, logger);
      await enqueueMail(database.db, confirmation(to, 'de', { kind: 'reminder' }));
      await mailer.runOnce();
      const first = (await row(to))!;
      clock.advance(31_000);
      await mailer.runOnce();
      const second = (await row(to))!;
      expect(second.attempts).toBe(2);
      // 30 s after the first failure, 2 min after the second.
      expect(second.nextAttemptAt.getTime() - first.nextAttemptAt.getTime()).toBeGreaterThan(100_000);

      // Jump to the last attempt.
      await database.db
        .update(mailOutbox)
        .set({ attempts: MAIL_MAX_ATTEMPTS - 1, nextAttemptAt: clock.now() })
        .where(eq(mailOutbox.id, first.id));
      expect(await mailer.runOnce()).toEqual({ sent: 0, retrying: 0, failed: 1 });
      expect(await row(to)).toMatchObject({ state: 'failed', attempts: MAIL_MAX_ATTEMPTS });
      const failure = logText()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.msg === 'e-mail given up');
      expect(failure).toMatchObject({ level: 50, mailId: first.id, kind: 'reminder' });
      expect(logText()).not.toContain(to);
      expect(logText()).not.toContain('Mustermann');
    } finally {
      await refusing.close();
    }
  });

  it('gives up at once on a recipient the server rejects for good, without the address in the row', async () => {
    const picky = await startSmtp({ rejectRecipient: (address) => address.startsWith('gibt-es-nicht') });
    try {
      const to = `gibt-es-nicht-${crypto.randomUUID().slice(0, 6)}@example.org`;
      await enqueueMail(database.db, confirmation(to));
      expect((await worker({ SMTP_URL: picky.url }).runOnce()).failed).toBe(1);
      const failed = (await row(to))!;
      expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
      expect(failed.lastError).toMatch(/550/);
      expect(failed.lastError).not.toContain(to);
    } finally {
      await picky.close();
    }
  });

  it('queues one message per dedupe key, and nothing when the transaction rolls back', async () => {
    const to = recipient();
    const key = `reminder:${crypto.randomUUID()}`;
    await enqueueMail(database.db, confirmation(to, 'de', { dedupeKey: key }));
    await enqueueMail(database.db, confirmation(to, 'de', { dedupeKey: key, subject: 'Zweiter Versuch' }));
    await database.db.transaction(async (tx) => {
      await enqueueMail(tx, confirmation(to, 'de', { dedupeKey: key }));
    });
    const rows = await database.db.select().from(mailOutbox).where(eq(mailOutbox.dedupeKey, key));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.subject).not.toBe('Zweiter Versuch');

    const lost = recipient();
    await expect(
      database.db.transaction(async (tx) => {
        await enqueueMail(tx, confirmation(lost));
        throw new Error('booking failed');
      }),
    ).rejects.toThrow('booking failed');
    expect(await row(lost)).toBeNull();

    const kept = recipient();
    await database.db.transaction(async (tx) => {
      await enqueueMail(tx, confirmation(kept));
    });
    expect(await row(kept)).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('refuses a malformed message', async () => {
    await expect(enqueueMail(database.db, confirmation('kein-at'))).rejects.toThrow();
    await expect(
      enqueueMail(database.db, confirmation(recipient(), 'de', { subject: 'a\r\nBcc: x@y.z' })),
    ).rejects.toThrow();
  });

  it('sends each message once when several workers run at the same time', async () => {
    const to = Array.from({ length: 12 }, () => recipient());
    for (const address of to) await enqueueMail(database.db, confirmation(address));
    const [a, b, c] = [1, 2, 3].map(() => worker({ SMTP_URL: smtp.url }));
    const results = await Promise.all([a!.runOnce(), b!.runOnce(), c!.runOnce()]);
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBeGreaterThanOrEqual(12);
    for (const address of to) expect(smtp.received.filter((m) => m.to.includes(address))).toHaveLength(1);
  });

  it('sends right after a commit when started, without waiting for the poll', async () => {
    const mailer = worker({ SMTP_URL: smtp.url });
    await mailer.start();
    const to = recipient();
    await database.db.transaction(async (tx) => {
      await enqueueMail(tx, confirmation(to));
      // The in-process wake-up comes before the commit; the row must still leave right after it.
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    await vi.waitFor(async () => expect((await row(to))?.state).toBe('sent'), {
      timeout: MAIL_BUSY_DEFER_MAX_MS + 5_000,
      interval: 20,
    });
    await mailer.stop();
  });

  it('keeps messages in memory with the test transport', async () => {
    const transport = memoryMailTransport();
    const mailer = new MailWorker({
      database,
      config: testConfig(),
      logger: createLogger('silent'),
      now: clock.now,
      transport,
    });
    workers.push(mailer);
    const to = recipient();
    await enqueueMail(database.db, confirmation(to));
    await mailer.runOnce();
    expect(transport.sent.filter((mail) => mail.to === to)).toHaveLength(1);
    expect(await row(to)).toMatchObject({ state: 'sent' });
  });

  it('writes an .eml file in the embedded mode and purges it with the row after the retention period', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'amtsraum-mail-'));
    try {
      const to = recipient();
      const mailer = worker({ DATA_DIR: dataDir, RETENTION_DAYS: '7' });
      expect(mailer.transport.kind).toBe('file');
      await enqueueMail(database.db, confirmation(to));
      expect((await mailer.runOnce()).sent).toBe(1);
      const id = (await row(to))!.id;
      const files = await fs.readdir(path.join(dataDir, 'outbox'));
      const file = files.find((name) => name.endsWith(`-${id}.eml`));
      expect(file).toBeDefined();
      const raw = await fs.readFile(path.join(dataDir, 'outbox', file!));
      expect(raw.toString('latin1')).toContain('\r\n');
      const email = await PostalMime.parse(raw, { attachmentEncoding: 'utf8' });
      expect(email.subject).toBe('Terminbestätigung: Bürgeramt, Montag, 23. November 2026, 10:30 Uhr');
      expect(email.to?.[0]?.address).toBe(to);
      expect(email.messageId).toBe(`<${id}@localhost>`);
      expect((await icsOf(email)).event.startDate.toJSDate().toISOString()).toBe('2026-11-23T09:30:00.000Z');

      // Eight days on, a fresh worker (it purges on its first round) removes row and file.
      clock.advance(8 * 86_400_000);
      await worker({ DATA_DIR: dataDir, RETENTION_DAYS: '7' }).runOnce();
      expect(await row(to)).toBeNull();
      expect(await fs.readdir(path.join(dataDir, 'outbox'))).not.toContain(file);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe.each(databaseKinds)('the outbox worker’s statements on %s', (kind) => {
  it('renews the lease of a batch’s next message only once a quarter of it has passed since the claim', async () => {
    const statements: string[] = [];
    const database = await createTestDatabase(kind, { onQuery: (query) => statements.push(query) });
    try {
      const clock = testClock(NOW);
      const config = testConfig();
      const leaseMs = 2 * config.mail.sendTimeoutMs;
      const transport = memoryMailTransport();
      const mailer = new MailWorker({ database, config, logger: createLogger('silent'), now: clock.now, transport });
      const renewals = () =>
        statements.filter((q) => /^update "mail_outbox" set "next_attempt_at" = \$1 where/.test(q));
      const queue = async (count: number) => {
        for (let i = 0; i < count; i++) await enqueueMail(database.db, confirmation(recipient()));
        statements.length = 0;
      };
      // Quick sends (a rush's e-mails to a nearby server): the claim's lease covers the batch.
      await queue(3);
      expect(await mailer.runOnce()).toMatchObject({ sent: 3 });
      expect(renewals()).toHaveLength(0);
      // Slow sends, a third of the lease each: the second and third are renewed before they go.
      const send = transport.send.bind(transport);
      transport.send = async (mail) => {
        clock.advance(leaseMs / 3);
        await send(mail);
      };
      await queue(3);
      expect(await mailer.runOnce()).toMatchObject({ sent: 3 });
      expect(renewals()).toHaveLength(2);
      expect(transport.sent).toHaveLength(6);
    } finally {
      await database.close();
    }
  });

  /** A worker (batches of five) that asks `busy` whether the process is busy. */
  const workerAsked = (database: TestDatabase, transport: MailTransport, busy: () => boolean) =>
    new MailWorker({
      database,
      config: testConfig(),
      logger: createLogger('silent'),
      now: testClock(NOW).now,
      transport,
      batchSize: 5,
      busy,
    });

  it('holds e-mails back while the process is busy, and sends them once it is calm', async () => {
    const database = await createTestDatabase(kind);
    const memory = memoryMailTransport();
    let onSend: (() => void) | undefined;
    const transport = { ...memory, send: async (mail: OutgoingMail) => (await memory.send(mail), onSend?.()) };
    let busy = true;
    const asked: number[] = [];
    const mailer = workerAsked(database, transport, () => (asked.push(performance.now()), busy));
    try {
      await mailer.start();
      for (let i = 0; i < 7; i++) await enqueueMail(database.db, confirmation(recipient()));
      await new Promise((resolve) => setTimeout(resolve, 5 * MAIL_WAKE_GATHER_MS));
      expect(transport.sent).toHaveLength(0);
      expect(asked.length).toBeGreaterThanOrEqual(3);
      // Calm: the first batch goes; busy again before the second, which waits.
      onSend = () => {
        busy = true;
      };
      busy = false;
      await vi.waitFor(() => expect(transport.sent).toHaveLength(5), { timeout: 5_000, interval: 20 });
      await new Promise((resolve) => setTimeout(resolve, 3 * MAIL_WAKE_GATHER_MS));
      expect(transport.sent).toHaveLength(5);
      onSend = undefined;
      busy = false;
      await vi.waitFor(() => expect(transport.sent).toHaveLength(7), { timeout: 5_000, interval: 20 });
    } finally {
      await mailer.stop();
      await database.close();
    }
  });

  it('sends e-mails held back by a busy process after MAIL_BUSY_DEFER_MAX_MS at the latest', async () => {
    const database = await createTestDatabase(kind);
    const transport = memoryMailTransport();
    let busy = false;
    const mailer = workerAsked(database, transport, () => busy);
    try {
      await mailer.start();
      // The start's own look finds nothing; then the process is busy for good, and the e-mail comes.
      await new Promise((resolve) => setTimeout(resolve, 3 * MAIL_WAKE_GATHER_MS));
      busy = true;
      await enqueueMail(database.db, confirmation(recipient()));
      await new Promise((resolve) => setTimeout(resolve, MAIL_BUSY_DEFER_MAX_MS - 2 * MAIL_WAKE_GATHER_MS));
      expect(transport.sent).toHaveLength(0);
      // Then it goes, busy or not.
      await vi.waitFor(() => expect(transport.sent).toHaveLength(1), { timeout: 3_000, interval: 20 });
    } finally {
      await mailer.stop();
      await database.close();
    }
  });

  // Its own database (to count its statements), opened in the test: on a loaded machine that alone
  // took past the usual 30 s, hence its own time limit.
  it('gathers the wake-ups of a burst of bookings into one look, claiming their e-mails together', async () => {
    const statements: string[] = [];
    const database = await createTestDatabase(kind, { onQuery: (query) => statements.push(query) });
    const transport = memoryMailTransport();
    const now = testClock(NOW).now;
    // Never busy: how busy the machine running the tests is would hold the look back (up to
    // MAIL_BUSY_DEFER_MAX_MS) past the waits below; holding back has tests of its own above.
    const mailer = new MailWorker({
      database,
      config: testConfig(),
      logger: createLogger('silent'),
      now,
      transport,
      busy: () => false,
    });
    const claimed = () => statements.some((q) => /"attempts" = "mail_outbox"\."attempts" \+ 1/.test(q));
    try {
      await mailer.start();
      await vi.waitFor(() => expect(claimed()).toBe(true), { timeout: 10_000, interval: 20 });
      // The start's looks over (PostgreSQL's listener wakes it on connecting too): none left to
      // come in the middle of the burst below.
      const quiet = mailer as unknown as { running: unknown; gathering: unknown };
      await vi.waitFor(() => expect([quiet.running, quiet.gathering]).toEqual([null, null]), {
        timeout: 10_000,
        interval: 20,
      });
      statements.length = 0;
      // Five bookings 20 ms apart, each waking the worker as it queues its e-mail. On the worker's
      // clock, not the machine's: on a loaded machine the five inserts alone took longer than a
      // gathering, and the look came in the middle of the burst. The gathering's timer is held
      // until the clock is moved on (the database's own timers stay real).
      // Each e-mail wakes the worker in this process, and on PostgreSQL by NOTIFY too: all of a
      // booking's wake-ups are in before the clock moves on (a NOTIFY late after the look would
      // start a round of its own).
      let wakes = 0;
      const wake = mailer.wake.bind(mailer);
      mailer.wake = () => {
        wakes++;
        wake();
      };
      const perMail = database.pubsub ? 2 : 1;
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const to = Array.from({ length: 5 }, () => recipient());
        for (const [i, address] of to.entries()) {
          await enqueueMail(database.db, confirmation(address));
          await vi.waitFor(() => expect(wakes).toBe((i + 1) * perMail), { timeout: 10_000, interval: 5 });
          vi.advanceTimersByTime(20);
        }
        vi.advanceTimersByTime(MAIL_WAKE_GATHER_MS);
      } finally {
        vi.useRealTimers();
      }
      await vi.waitFor(() => expect(transport.sent).toHaveLength(5), { timeout: 10_000, interval: 20 });
      const claims = statements.filter((q) => /"attempts" = "mail_outbox"\."attempts" \+ 1/.test(q));
      // One claim took all five (and one more found nothing left), not one round per e-mail.
      expect(claims.length).toBeLessThanOrEqual(2);
    } finally {
      await mailer.stop();
      await database.close();
    }
  }, 120_000);
});
