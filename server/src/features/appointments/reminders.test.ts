import { eq, like, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEVELOPMENT_SESSION_SECRET } from '../../config.js';
import { appointments, mailOutbox, visits } from '../../db/schema.js';
import { createLogger } from '../../lib/logger.js';
import type { EventBus, LiveEvent } from '../../lib/event-bus.js';
import { dueArrivalsJob } from '../../jobs/jobs.js';
import { Scheduler } from '../../jobs/scheduler.js';
import { makeAppointmentOffice } from '../../test/booking-factories.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test/databases.js';
import { appointmentJoinToken } from './appointment-mail.js';
import { sendDueReminders } from './reminders.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const HOUR = 3600_000;
const config = {
  publicBaseUrl: new URL('http://amtsraum.test'),
  sessionSecret: DEVELOPMENT_SESSION_SECRET,
  reminderHours: 24,
  mail: { smtpUrl: null, from: 'Amtsraum <no-reply@amtsraum.test>', outboxDir: '', sendTimeoutMs: 30_000 },
};

describe.each(databaseKinds)('appointment reminders on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.close());

  const inHours = (hours: number) => new Date(NOW.getTime() + hours * HOUR);
  const office = () =>
    makeAppointmentOffice(database.db, {
      tenant: { name: 'Stadt Erinnerung' },
      department: { joinOpensMinutesBefore: 10 },
      service: { documents: [{ de: 'Reisepass', en: 'Passport' }] },
      // Booked three days before, with the links booking derives (the reminder carries them again).
      appointment: { createdAt: inHours(-3 * 24), linkSecret: DEVELOPMENT_SESSION_SECRET },
    });

  const outboxFor = (ids: string[]) =>
    database.db
      .select()
      .from(mailOutbox)
      .where(or(...ids.map((id) => like(mailOutbox.dedupeKey, `reminder:${id}:%`))));
  /** The appointment a reminder is for (its dedupe key is `reminder:<appointment>:<start>`). */
  const remindedIds = (mails: { dedupeKey: string | null }[]) => mails.map((m) => m.dedupeKey!.split(':')[1]);
  const reminded = async (id: string) =>
    (await database.db.select().from(appointments).where(eq(appointments.id, id)))[0]!.reminderSentAt;

  it('queues one reminder per appointment inside the window, with working links, and never twice', async () => {
    const { book } = await office();
    const due = await book(inHours(20), { citizenName: 'Erika Muster', email: 'erika@test.example' });
    const beyond = await book(inHours(30));
    const cancelled = await book(inHours(10), { state: 'cancelled', cancelledAt: NOW });
    const bookedLate = await book(inHours(5), { createdAt: new Date(NOW.getTime() - HOUR) });
    const withoutEmail = await book(inHours(12), { email: null, phone: '0123' });
    const past = await book(inHours(-1));
    const arrived = await book(inHours(0.5), { state: 'arrived' });
    const ids = [due, beyond, cancelled, bookedLate, withoutEmail, past, arrived].map((b) => b.appointment.id);

    expect(await sendDueReminders({ db: database.db, config, now: NOW })).toBeGreaterThanOrEqual(1);
    const mails = await outboxFor(ids);
    expect(remindedIds(mails)).toEqual([due.appointment.id]);
    expect(mails[0]).toMatchObject({ kind: 'appointment.reminder', to: 'erika@test.example', state: 'pending' });
    expect(mails[0]!.subject).toMatch(/Erinnerung/);
    // Booked (here: inserted) with a manage link only, it is given its join-only link now.
    expect(mails[0]!.text).toContain(`http://amtsraum.test/termin#${due.token}`);
    const joinToken = appointmentJoinToken(config.sessionSecret, due.appointment.id);
    expect(mails[0]!.text).toContain(`http://amtsraum.test/termin/beitreten#${joinToken}`);
    expect(mails[0]!.text).toContain('Reisepass');
    expect(await reminded(due.appointment.id)).toEqual(NOW);
    for (const other of [beyond, cancelled, bookedLate, withoutEmail, past, arrived]) {
      expect(await reminded(other.appointment.id)).toBeNull();
    }

    // The next round, and a round from a second process at the same time: nothing new.
    const again = await Promise.all([
      sendDueReminders({ db: database.db, config, now: new Date(NOW.getTime() + 60_000) }),
      sendDueReminders({ db: database.db, config, now: new Date(NOW.getTime() + 60_000) }),
    ]);
    expect(again).toEqual([0, 0]);
    expect(await outboxFor(ids)).toHaveLength(1);

    // Seven hours later the appointment 30 hours ahead is 23 hours ahead: its turn, once.
    const later = new Date(NOW.getTime() + 7 * HOUR);
    const racing = await Promise.all([
      sendDueReminders({ db: database.db, config, now: later }),
      sendDueReminders({ db: database.db, config, now: later }),
    ]);
    expect(racing.reduce((a, b) => a + b, 0)).toBe(1);
    expect(remindedIds(await outboxFor(ids)).sort()).toEqual([due.appointment.id, beyond.appointment.id].sort());
  });

  it('reminds a moved appointment again of its new time', async () => {
    const { book } = await office();
    const moving = await book(inHours(20), { email: 'umzug@test.example' });
    expect(await sendDueReminders({ db: database.db, config, now: NOW })).toBeGreaterThanOrEqual(1);
    // Moved three days on (booking clears reminderSentAt when the new time is beyond the window).
    const startsAt = new Date(moving.appointment.startsAt.getTime() + 72 * HOUR);
    await database.db
      .update(appointments)
      .set({ startsAt, endsAt: new Date(startsAt.getTime() + 15 * 60_000), reminderSentAt: null })
      .where(eq(appointments.id, moving.appointment.id));
    const before = new Date(startsAt.getTime() - 20 * HOUR);
    expect(await sendDueReminders({ db: database.db, config, now: before })).toBeGreaterThanOrEqual(1);
    const mails = await outboxFor([moving.appointment.id]);
    expect(mails.map((m) => m.dedupeKey).sort()).toEqual(
      [
        `reminder:${moving.appointment.id}:${moving.appointment.startsAt.toISOString()}`,
        `reminder:${moving.appointment.id}:${startsAt.toISOString()}`,
      ].sort(),
    );
  });

  it('sends nothing when reminders are switched off, and skips links that would not open the booking', async () => {
    const { book } = await office();
    const off = await book(inHours(50));
    const later = new Date(NOW.getTime() + 30 * HOUR); // 20 hours before it
    expect(await sendDueReminders({ db: database.db, config: { ...config, reminderHours: 0 }, now: later })).toBe(0);
    expect(await reminded(off.appointment.id)).toBeNull();

    // Booked under another SESSION_SECRET: the derived links would open nothing.
    const foreign = await book(inHours(60), { linkSecret: undefined });
    const warn = vi.fn();
    const at = new Date(NOW.getTime() + 40 * HOUR);
    await sendDueReminders({ db: database.db, config, now: at, logger: { warn } });
    expect(await outboxFor([foreign.appointment.id])).toEqual([]);
    expect(await reminded(foreign.appointment.id)).toEqual(at);
    expect(warn).toHaveBeenCalledWith({ appointmentId: foreign.appointment.id }, expect.stringMatching(/links/));
    expect(JSON.stringify(warn.mock.calls)).not.toContain('Sam');
  });

  it('tells the live hub when an arrival’s booked start has passed', async () => {
    const db = database.db;
    const { tenant, department, book } = await office();
    const { appointment } = await book(inHours(1 / 60)); // one minute ahead
    await db.insert(visits).values({
      tenantId: tenant.id,
      departmentId: department.id,
      kind: 'appointment',
      appointmentId: appointment.id,
      citizenName: 'Sam',
      language: 'de',
    });
    let now = NOW;
    const published: LiveEvent[] = [];
    const events = {
      publish: async (event: LiveEvent) => void published.push(event),
      publishAll: async (many: LiveEvent[]) => void published.push(...many),
    } as unknown as EventBus;
    const scheduler = new Scheduler([dueArrivalsJob({ database, events, now: () => now }, 10)], createLogger('silent'));
    scheduler.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(published.filter((e) => 'departmentId' in e && e.departmentId === department.id)).toEqual([]);
      now = new Date(NOW.getTime() + 2 * 60_000);
      await vi.waitFor(() =>
        expect(published.filter((e) => 'departmentId' in e && e.departmentId === department.id)).toEqual([
          { departmentId: department.id },
        ]),
      );
    } finally {
      await scheduler.stop();
    }
  });
});
