import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mailOutbox } from '../db/schema.js';
import { createLogger } from '../lib/logger.js';
import { MailWorker } from '../mail/mail.worker.js';
import { enqueueMail } from '../mail/outbox.js';
import { testClock } from '../test/clock.js';
import { createTestDatabase, databaseKinds, databasePlace, type DatabasePlace } from '../test/databases.js';
import { killServers, spawnServer } from '../test/processes.js';
import { testConfig, TEST_ORIGIN } from '../test/server.js';
import { startSmtp, type TestSmtp } from '../test/smtp.js';

/**
 * Issue 11, item 7: a mail server that hangs in the middle of a send. The send gives up after
 * SMTP_TIMEOUT_SECONDS and the message is retried; if the app process dies while it waits,
 * another process sends the message after twice that time (the lease), not a quarter of an hour
 * later. Nothing is lost and nothing is sent twice.
 */
const message = (to: string) => ({
  kind: 'confirmation',
  to,
  subject: 'Ihr Termin',
  text: 'Ihr Termin ist bestätigt.',
});
const domain = 'amtsraum.test';
const env = { MAIL_FROM: `Amtsraum <no-reply@${domain}>`, SMTP_TIMEOUT_SECONDS: '3' };

describe.each(databaseKinds)('a mail server that hangs mid-send, on %s', (kind) => {
  const servers: TestSmtp[] = [];
  const smtp = async (stalling: boolean) => {
    const server = await startSmtp({ stalling });
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await killServers();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('gives up on the send after SMTP_TIMEOUT_SECONDS and delivers the message once on the next attempt', async () => {
    const database = await createTestDatabase(kind);
    const clock = testClock(new Date('2026-11-23T08:00:00Z'));
    const server = await smtp(true);
    const worker = new MailWorker({
      database,
      config: testConfig({ SMTP_URL: server.url, ...env }),
      logger: createLogger('silent'),
      now: clock.now,
    });
    try {
      await enqueueMail(database.db, message('wartet@test.example'));
      const first = await worker.runOnce();
      expect(first).toEqual({ sent: 0, retrying: 1, failed: 0 });
      const [row] = await database.db.select().from(mailOutbox);
      expect(row).toMatchObject({ state: 'pending', attempts: 1 });
      expect(row!.lastError).toMatch(/ETIMEDOUT/);
      expect(server.started).toEqual([`<${row!.id}@${domain}>`]);

      server.stalling = false;
      clock.advance(31_000);
      expect(await worker.runOnce()).toEqual({ sent: 1, retrying: 0, failed: 0 });
      expect(server.received.map((m) => m.messageId)).toEqual([`<${row!.id}@${domain}>`]);
    } finally {
      await worker.stop();
      await database.close();
    }
  });

  it('stopped mid-batch, finishes the send under way only, and leaves the rest due at once', async () => {
    const database = await createTestDatabase(kind);
    const server = await smtp(true);
    const worker = new MailWorker({
      database,
      config: testConfig({ SMTP_URL: server.url, ...env }),
      logger: createLogger('silent'),
      now: () => new Date(),
    });
    try {
      for (const n of [1, 2, 3]) await enqueueMail(database.db, message(`wartet-${String(n)}@test.example`));
      await worker.start();
      // The first send of the batch hangs at the mail server; then SIGTERM's stop.
      await vi.waitFor(() => expect(server.started).toHaveLength(1), { timeout: 20_000, interval: 50 });
      await worker.stop();
      // Before, the stop sent the whole batch first, each send waiting out SMTP_TIMEOUT_SECONDS.
      expect(server.started).toHaveLength(1);
      const rows = await database.db.select().from(mailOutbox);
      expect(rows.map((row) => row.attempts).sort()).toEqual([0, 0, 1]);
      // Due at once for the next start, not after the lease (twice SMTP_TIMEOUT_SECONDS).
      const now = Date.now();
      for (const row of rows.filter((row) => row.attempts === 0)) {
        expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(now);
      }
    } finally {
      await worker.stop();
      await database.close();
    }
  }, 60_000);

  describe('when the process dies while it waits', () => {
    let place: DatabasePlace;

    beforeAll(async () => {
      place = await databasePlace(kind);
    });
    afterAll(() => place.drop());

    it('lets another process send the message within the lease, exactly once', async () => {
      let database = await place.open();
      await enqueueMail(database.db, message('abgestuerzt@test.example'));
      const [row] = await database.db.select().from(mailOutbox);
      await database.close();
      const messageId = `<${row!.id}@${domain}>`;

      const hanging = await smtp(true);
      const a = spawnServer({ ...place.env, ...env, SMTP_URL: hanging.url, PUBLIC_BASE_URL: TEST_ORIGIN });
      await a.url();
      await vi.waitFor(() => expect(hanging.started).toContain(messageId), { timeout: 20_000, interval: 50 });
      a.process.kill('SIGKILL');
      await a.exited;
      const killedAt = Date.now();

      const working = await smtp(false);
      const b = spawnServer({ ...place.env, ...env, SMTP_URL: working.url, PUBLIC_BASE_URL: TEST_ORIGIN });
      await b.url();
      // Twice SMTP_TIMEOUT_SECONDS plus B's start and a poll; the old fixed lease was 15 minutes.
      await vi.waitFor(() => expect(working.received.map((m) => m.messageId)).toContain(messageId), {
        timeout: 60_000,
        interval: 100,
      });
      console.info(`delivered ${Date.now() - killedAt} ms after the crash (lease ${2 * 3} s)`);
      b.process.kill('SIGTERM');
      expect(await b.exited).toBe(0);

      expect(working.received.filter((m) => m.messageId === messageId)).toHaveLength(1);
      expect(hanging.received).toEqual([]);
      database = await place.open();
      try {
        const [after] = await database.db.select().from(mailOutbox).where(eq(mailOutbox.id, row!.id));
        expect(after).toMatchObject({ state: 'sent', attempts: 2 });
      } finally {
        await database.close();
      }
    }, 150_000);
  });
});
