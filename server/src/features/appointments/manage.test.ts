import { randomBytes, randomUUID } from 'node:crypto';
import { ManageResponseSchema, StaffAppointmentSchema } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appointments, auditEvents, staffMemberships } from '../../db/schema.js';
import {
  bookingRequest,
  makeAppointment,
  BOOKING_NOW,
  TUESDAY_0800,
  mailsTo,
  tokenFromMail,
} from '../../test/booking-factories.js';
import { databaseKinds } from '../../test/databases.js';
import { signedInClerk } from '../../test/factories.js';
import { useBookingServer } from '../../test/suite.js';
import { STAFF_APPOINTMENT_LIMITS } from './appointments-staff.router.js';
import { sendDueReminders } from './reminders.js';

const TUESDAY_0900 = '2026-11-24T08:00:00.000Z';

describe.each(databaseKinds)('the manage link and the clerk’s side on %s', (kind) => {
  const { suite, clock, client, db, office } = useBookingServer(kind, BOOKING_NOW);
  type Office = Awaited<ReturnType<typeof office>>;

  /** Books as a citizen would and returns the token from the confirmation e-mail. */
  async function book(o: Office, startsAt = TUESDAY_0800, extra: Record<string, unknown> = {}) {
    const body = bookingRequest(o, startsAt, extra);
    const response = await client().post(`${o.base}/appointments`, body);
    expect(response.status).toBe(201);
    const [mail] = await mailsTo(db(), body.email);
    return { id: response.json.appointment.id as string, email: body.email, token: tokenFromMail(mail!.text) };
  }

  const rowOf = async (id: string) => (await db().select().from(appointments).where(eq(appointments.id, id)))[0]!;
  const kindsOf = async (email: string) => (await mailsTo(db(), email)).map((m) => m.kind);

  it('reads, rebooks and cancels with the token from the e-mail; cancelling twice is fine', async () => {
    const o = await office();
    const { id, email, token } = await book(o);

    const read = await client().post('/api/appointments/manage', { token });
    expect(read.status).toBe(200);
    expect(ManageResponseSchema.parse(read.json).appointment).toMatchObject({
      id,
      state: 'booked',
      startsAt: TUESDAY_0800,
      canCancel: true,
      services: [{ slug: o.services[0]!.slug }],
    });
    // The office's clock comes along: the citizen's phone may be hours off.
    expect(ManageResponseSchema.parse(read.json).serverTime).toBe(BOOKING_NOW.toISOString());

    // As if the reminder had gone out: a new time more than a day ahead earns a new one.
    await db().update(appointments).set({ reminderSentAt: BOOKING_NOW }).where(eq(appointments.id, id));
    const moved = await client().post('/api/appointments/rebook', { token, startsAt: TUESDAY_0900 });
    expect(moved.status).toBe(200);
    expect((await rowOf(id)).reminderSentAt).toBeNull();
    expect(moved.json.appointment).toMatchObject({ id, startsAt: TUESDAY_0900, endsAt: '2026-11-24T08:30:00.000Z' });
    // The old time is free again, and the same link still works.
    const slots = await client().get(`${o.base}/slots?services=${o.services[0]!.slug}&from=2026-11-24&days=1`);
    expect(slots.json.days[0].slots[0].startsAt).toBe(TUESDAY_0800);
    expect((await client().post('/api/appointments/manage', { token })).json.appointment.startsAt).toBe(TUESDAY_0900);
    const movedMail = (await mailsTo(db(), email)).find((m) => m.kind === 'appointment.moved');
    expect(movedMail!.subject).toMatch(/^Termin verschoben: Testamt, neu am /);
    expect(tokenFromMail(movedMail!.text)).toBe(token);

    const cancelled = await client().post('/api/appointments/cancel', { token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.appointment).toMatchObject({ id, state: 'cancelled', canCancel: false });
    expect((await rowOf(id)).cancelledAt).not.toBeNull();
    const again = await client().post('/api/appointments/cancel', { token });
    expect([again.status, again.json.appointment.state]).toEqual([200, 'cancelled']);
    expect(await kindsOf(email)).toEqual(['appointment.confirmation', 'appointment.moved', 'appointment.cancelled']);

    // A cancelled appointment cannot be rebooked; its time is free for others.
    const late = await client().post('/api/appointments/rebook', { token, startsAt: TUESDAY_0800 });
    expect([late.status, late.json.code]).toEqual([409, 'appointment_cancelled']);
    await book(o, TUESDAY_0900);

    const audit = await db()
      .select({ action: auditEvents.action, actorKind: auditEvents.actorKind })
      .from(auditEvents)
      .where(eq(auditEvents.departmentId, o.department.id))
      .orderBy(auditEvents.createdAt);
    expect(audit.slice(0, 3)).toEqual([
      { action: 'appointment.booked', actorKind: 'citizen' },
      { action: 'appointment.moved', actorKind: 'citizen' },
      { action: 'appointment.cancelled', actorKind: 'citizen' },
    ]);
  });

  it('answers tampered, foreign and malformed tokens neutrally and changes nothing', async () => {
    const o = await office();
    const { id, token } = await book(o);
    const tampered = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    const foreign = randomBytes(32).toString('base64url');
    for (const wrong of [tampered, foreign]) {
      for (const [path, body] of [
        ['/api/appointments/manage', { token: wrong }],
        ['/api/appointments/cancel', { token: wrong }],
        ['/api/appointments/rebook', { token: wrong, startsAt: TUESDAY_0900 }],
      ] as const) {
        const response = await client().post(path, body);
        expect([path, response.status, response.json.code]).toEqual([path, 404, 'appointment_not_found']);
      }
    }
    for (const malformed of ['', 'kurz', `${token}x`, token.replace(/.$/, '=')]) {
      const response = await client().post('/api/appointments/cancel', { token: malformed });
      expect([response.status, response.json.code]).toEqual([400, 'validation_failed']);
    }
    const row = await rowOf(id);
    expect([row.state, row.startsAt.toISOString()]).toEqual(['booked', TUESDAY_0800]);
  });

  it('rebooks only to free slots: 422 for never-slots, 409 with alternatives for taken ones; overlapping itself is fine', async () => {
    const o = await office();
    const mine = await book(o, TUESDAY_0800);
    await book(o, '2026-11-24T09:00:00.000Z'); // someone else at 10:00 Berlin

    const never = await client().post('/api/appointments/rebook', {
      token: mine.token,
      startsAt: '2026-11-28T08:00:00.000Z',
    });
    expect([never.status, never.json.code]).toEqual([422, 'slot_unavailable']);
    const taken = await client().post('/api/appointments/rebook', {
      token: mine.token,
      startsAt: '2026-11-24T09:15:00.000Z',
    });
    expect([taken.status, taken.json.code]).toEqual([409, 'slot_taken']);
    expect(taken.json.alternatives.map((a: { startsAt: string }) => a.startsAt)).toEqual([
      '2026-11-24T09:30:00.000Z',
      '2026-11-24T09:45:00.000Z',
      '2026-11-24T10:00:00.000Z',
    ]);
    expect((await rowOf(mine.id)).startsAt.toISOString()).toBe(TUESDAY_0800);

    // 15 minutes later overlaps its own old time, which does not count.
    const nudged = await client().post('/api/appointments/rebook', {
      token: mine.token,
      startsAt: '2026-11-24T07:15:00.000Z',
    });
    expect([nudged.status, nudged.json.appointment?.startsAt]).toEqual([200, '2026-11-24T07:15:00.000Z']);
  });

  it('closes cancel and rebook once the appointment has started', async () => {
    const o = await office();
    const { id, token } = await book(o);
    clock.set('2026-11-24T07:05:00Z');
    const read = await client().post('/api/appointments/manage', { token });
    expect(read.json.appointment.canCancel).toBe(false);
    const cancel = await client().post('/api/appointments/cancel', { token });
    expect([cancel.status, cancel.json.code]).toEqual([409, 'appointment_over']);
    const rebook = await client().post('/api/appointments/rebook', { token, startsAt: '2026-11-25T08:00:00.000Z' });
    expect([rebook.status, rebook.json.code]).toEqual([409, 'appointment_over']);
    expect((await rowOf(id)).state).toBe('booked');
  });

  it('lets a clerk book for a caller without e-mail, today before the release, but not in the past', async () => {
    const o = await office();
    const { browser, person } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const body = {
      services: [o.services[0]!.slug],
      persons: 1,
      startsAt: '2026-11-23T08:00:00.000Z', // today 09:00; it is 07:00, before the citizens' release at 07:30
      name: 'Herr Anrufer',
      phone: '030 123456',
      language: 'de',
    };
    // Citizens cannot have today yet…
    const citizen = await client().post(`${o.base}/appointments`, {
      ...body,
      email: 'anrufer@test.example',
      consent: true,
    });
    expect(citizen.json.code).toBe('slot_unavailable');
    // …the clerk can.
    const response = await browser.post(o.console, body);
    expect(response.status).toBe(201);
    const appointment = StaffAppointmentSchema.parse(response.json.appointment);
    expect(appointment).toMatchObject({
      state: 'booked',
      startsAt: '2026-11-23T08:00:00.000Z',
      name: 'Herr Anrufer',
      email: null,
      phone: '030 123456',
      clerk: { id: o.clerks[0]!.id, name: 'Clerk 1' },
      visitId: null,
      noShowFrom: '2026-11-23T08:10:00.000Z',
    });
    const row = await rowOf(appointment.id);
    expect(row.bookedByStaffId).toBe(person.id);
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.departmentId, o.department.id), eq(auditEvents.action, 'appointment.booked')));
    expect(audit).toMatchObject({ actorKind: 'staff', actorStaffId: person.id });

    // With an address, the caller gets the confirmation.
    const withMail = await browser.post(o.console, {
      ...body,
      startsAt: '2026-11-23T09:00:00.000Z',
      email: 'anruferin@test.example',
      language: 'en',
    });
    expect(withMail.status).toBe(201);
    expect((await mailsTo(db(), 'anruferin@test.example')).map((m) => m.subject)[0]).toMatch(/^Appointment confirmed/);

    clock.set('2026-11-23T09:10:00Z'); // 10:10
    const { browser: later } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const past = await later.post(o.console, { ...body, startsAt: '2026-11-23T09:00:00.000Z' });
    expect([past.status, past.json.code]).toEqual([422, 'slot_unavailable']);
    const soon = await later.post(o.console, { ...body, startsAt: '2026-11-23T09:30:00.000Z' });
    expect(soon.status).toBe(201);
    const tooMany = await later.post(o.console, { ...body, persons: 5, startsAt: '2026-11-24T07:00:00.000Z' });
    expect([tooMany.status, tooMany.json.code]).toEqual([400, 'validation_failed']);
  });

  it('lets a clerk cancel with a note for the e-mail, and move an appointment', async () => {
    const o = await office({ clerks: 2 });
    const { browser, person } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const first = await book(o, TUESDAY_0800, { language: 'en' });
    const second = await book(o, TUESDAY_0900);

    const moved = await browser.post(`${o.console}/${second.id}/move`, { startsAt: '2026-11-23T10:00:00.000Z' });
    expect(moved.status).toBe(200); // today 11:00: clerks need no release
    expect(StaffAppointmentSchema.parse(moved.json.appointment).startsAt).toBe('2026-11-23T10:00:00.000Z');
    expect(await kindsOf(second.email)).toEqual(['appointment.confirmation', 'appointment.moved']);
    const offGrid = await browser.post(`${o.console}/${second.id}/move`, { startsAt: '2026-11-23T10:07:00.000Z' });
    expect([offGrid.status, offGrid.json.code]).toEqual([422, 'slot_unavailable']);

    const cancelled = await browser.post(`${o.console}/${first.id}/cancel`, {
      note: 'Die Sachbearbeiterin ist erkrankt.',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.appointment.state).toBe('cancelled');
    const mail = (await mailsTo(db(), first.email)).find((m) => m.kind === 'appointment.cancelled')!;
    expect(mail.subject).toMatch(/^Appointment cancelled/);
    expect(mail.text).toContain('Die Sachbearbeiterin ist erkrankt.');
    // With the way on: the department's own booking page.
    expect(mail.text).toContain(
      `Book a new appointment: http://amtsraum.test/${o.tenant.slug}/${o.department.slug}/termin`,
    );
    expect((await browser.post(`${o.console}/${first.id}/cancel`, {})).status).toBe(200); // again: no change
    const moveCancelled = await browser.post(`${o.console}/${first.id}/move`, { startsAt: TUESDAY_0900 });
    expect([moveCancelled.status, moveCancelled.json.code]).toEqual([409, 'appointment_cancelled']);

    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.departmentId, o.department.id), eq(auditEvents.actorKind, 'staff')));
    expect(audit.map((a) => [a.action, a.actorStaffId]).sort()).toEqual([
      ['appointment.cancelled', person.id],
      ['appointment.moved', person.id],
    ]);
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain('erkrankt');
  });

  it('writes every e-mail in the language of the booking page, not the conversation language', async () => {
    const o = await office({ clerks: 2 });
    const { browser } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    /** Books from the page in `page` (the web client's Accept-Language) to talk in `language`. */
    const bookFrom = async (page: string, language: string, startsAt: string) => {
      const body = bookingRequest(o, startsAt, { language });
      const response = await client().request('POST', `${o.base}/appointments`, body, { 'accept-language': page });
      expect(response.status).toBe(201);
      return { id: response.json.appointment.id as string, email: body.email };
    };
    const mailOf = async (email: string, kind: string) => (await mailsTo(db(), email)).find((m) => m.kind === kind)!;

    // Read in English, to talk in Ukrainian (we write no Ukrainian e-mails): all of them in English.
    const english = await bookFrom('en', 'uk', TUESDAY_0800);
    // Read in German, to talk in English: all of them in German.
    const german = await bookFrom('de-DE,de;q=0.9,en;q=0.8', 'en', TUESDAY_0900);
    expect((await rowOf(english.id)).mailLocale).toBe('en');
    expect((await rowOf(german.id)).mailLocale).toBe('de');

    const confirmation = await mailOf(english.email, 'appointment.confirmation');
    expect(confirmation.subject).toMatch(/^Appointment confirmed: /);
    expect(confirmation.text).toContain('Join the appointment');
    expect(confirmation.text).not.toContain('Zum Termin');
    expect((await mailOf(german.email, 'appointment.confirmation')).subject).toMatch(/^Terminbestätigung: /);

    // The reminder, a day later and with no page open.
    await sendDueReminders({
      db: db(),
      config: { ...suite.server.deps.config, reminderHours: 24 },
      now: new Date('2026-11-23T08:30:00.000Z'),
    });
    expect((await mailOf(english.email, 'appointment.reminder')).subject).toMatch(/^Reminder of your appointment: /);
    expect((await mailOf(german.email, 'appointment.reminder')).subject).toMatch(/^Erinnerung an Ihren Termin: /);

    // The office moves and cancels; the console knows which language its note goes into.
    const moved = await browser.post(`${o.console}/${english.id}/move`, { startsAt: '2026-11-23T10:00:00.000Z' });
    expect(moved.status).toBe(200);
    expect(StaffAppointmentSchema.parse(moved.json.appointment).mailLocale).toBe('en');
    expect((await mailOf(english.email, 'appointment.moved')).subject).toMatch(/^Appointment moved: /);
    expect((await browser.post(`${o.console}/${english.id}/cancel`, { note: 'Sorry.' })).status).toBe(200);
    expect((await mailOf(english.email, 'appointment.cancelled')).subject).toMatch(/^Appointment cancelled: /);
    expect((await browser.post(`${o.console}/${german.id}/cancel`, {})).status).toBe(200);
    expect((await mailOf(german.email, 'appointment.cancelled')).subject).toMatch(/^Termin abgesagt: /);
  });

  it('writes a clerk’s booking’s e-mails in the conversation language when it is German or English, else in German', async () => {
    const o = await office();
    const { browser } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    for (const [language, startsAt, subject] of [
      ['en', TUESDAY_0800, /^Appointment confirmed: /],
      ['uk', TUESDAY_0900, /^Terminbestätigung: /],
    ] as const) {
      const body = bookingRequest(o, startsAt, { language });
      // The console's own language (the clerk's) has no say.
      const response = await browser.request('POST', o.console, body, { 'accept-language': 'en' });
      expect(response.status).toBe(201);
      expect(StaffAppointmentSchema.parse(response.json.appointment).mailLocale).toBe(language === 'en' ? 'en' : 'de');
      const [mail] = await mailsTo(db(), body.email);
      expect(mail!.subject).toMatch(subject);
    }
  });

  it('limits the e-mail a clerk’s bookings, cancellations and moves send: per recipient, and per clerk', async () => {
    const o = await office();
    const { browser } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const address = `anrufer-${randomBytes(4).toString('hex')}@test.example`;
    const at = (hour: number, minute = 0) =>
      `2026-11-24T${String(hour).padStart(2, '0')}:${minute ? '30' : '00'}:00.000Z`;
    const body = (startsAt: string, email?: string) => ({
      services: [o.services[0]!.slug],
      persons: 1,
      startsAt,
      name: 'Herr Anrufer',
      language: 'de',
      ...(email ? { email } : {}),
    });
    const { bookingsPerEmail, mailingChangesPerClerk } = STAFF_APPOINTMENT_LIMITS;
    // A refused booking (a time that is no slot) costs the caller's address nothing.
    expect((await browser.post(o.console, body('2026-11-24T07:07:00.000Z', address))).status).toBe(422);
    const times = [at(7), at(7, 30), at(8), at(8, 30), at(9), at(9, 30), at(10)];
    for (const startsAt of times.slice(0, bookingsPerEmail.max)) {
      expect((await browser.post(o.console, body(startsAt, address))).status).toBe(201);
    }
    const over = await browser.request('POST', o.console, body(times[5]!, address), { 'accept-language': 'en' });
    expect([over.status, over.json.code]).toEqual([429, 'booking_limit_reached']);
    // Said in the clerk's language, to the clerk, about the address (booked without it, the caller
    // gets no mail): not the citizen's "try again tomorrow or contact the office".
    expect(over.json.title).toBe(
      'As many appointments as one day allows have already been booked for this e-mail address today. Book without an e-mail address (the person then gets no confirmation by e-mail) or ask for another address.',
    );
    const overDe = await browser.request('POST', o.console, body(times[5]!, address), { 'accept-language': 'de' });
    expect([overDe.status, overDe.json.code]).toEqual([429, 'booking_limit_reached']);
    expect(overDe.json.title).toMatch(
      /^Für diese E-Mail-Adresse wurden heute schon so viele Termine gebucht, wie an einem Tag möglich sind\. Buchen Sie den Termin ohne E-Mail-Adresse/,
    );
    expect(await kindsOf(address)).toEqual(Array(bookingsPerEmail.max).fill('appointment.confirmation'));
    // Without the address the caller is booked all the same; nothing is mailed.
    expect((await browser.post(o.console, body(times[5]!))).status).toBe(201);

    // Per clerk: every change that would mail counts, the cheapest too (an appointment nobody has).
    const { browser: other } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const answers: number[] = [];
    for (let i = 1; i < mailingChangesPerClerk.max; i++) {
      answers.push((await other.post(`${o.console}/${randomUUID()}/cancel`, {})).status);
    }
    expect(new Set(answers)).toEqual(new Set([404]));
    const stranger = `fremd-${randomBytes(4).toString('hex')}@test.example`;
    expect((await other.post(o.console, body(times[6]!, stranger))).status).toBe(201);
    const refused = await other.post(`${o.console}/${randomUUID()}/move`, { startsAt: times[6] });
    expect([refused.status, refused.json.code]).toEqual([429, 'rate_limited']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await other.post(o.console, body(at(10, 30), `x-${stranger}`))).status).toBe(429);
    expect(await mailsTo(db(), `x-${stranger}`)).toEqual([]);
    // The other clerk's reads go on, and the first clerk's changes have a count of their own.
    expect((await other.get(`${o.console}?date=2026-11-24`)).status).toBe(200);
    expect((await browser.post(o.console, body(at(10, 30)))).status).toBe(201);
  });

  it('keeps clerks to their own department’s appointments', async () => {
    const mine = await office();
    const theirs = await office();
    const { browser } = await signedInClerk(db(), client(), mine.tenant.id, [mine.department.id]);
    const foreign = await book(theirs);
    const body = {
      services: [theirs.services[0]!.slug],
      persons: 1,
      startsAt: TUESDAY_0900,
      name: 'Fremd',
      language: 'de',
    };

    // Through their department: not a member.
    expect((await browser.post(theirs.console, body)).status).toBe(403);
    expect((await browser.post(`${theirs.console}/${foreign.id}/cancel`, {})).status).toBe(403);
    expect((await browser.post(`${theirs.console}/${foreign.id}/move`, { startsAt: TUESDAY_0900 })).status).toBe(403);
    // Through one's own department: no such appointment here.
    const viaMine = await browser.post(`${mine.console}/${foreign.id}/cancel`, {});
    expect([viaMine.status, viaMine.json.code]).toEqual([404, 'appointment_not_found']);
    expect((await browser.post(`${mine.console}/${foreign.id}/move`, { startsAt: TUESDAY_0900 })).status).toBe(404);
    // Without a session, and with ids that name nothing.
    expect((await client().post(`${mine.console}/${foreign.id}/cancel`, {})).status).toBe(401);
    expect((await client().post(mine.console, body)).status).toBe(401);
    expect((await browser.post(`${mine.console}/kein-uuid/cancel`, {})).status).toBe(404);
    expect((await browser.post(`/api/staff/departments/kein-uuid/appointments`, body)).status).toBe(404);

    const row = await rowOf(foreign.id);
    expect([row.state, row.startsAt.toISOString()]).toEqual(['booked', TUESDAY_0800]);
    expect(await kindsOf(foreign.email)).toEqual(['appointment.confirmation']);
  });

  it('treats appointments made elsewhere for the same clerk as busy', async () => {
    const o = await office();
    const second = await office();
    // The same clerk also works in a second department, and has an appointment there.
    await db()
      .insert(staffMemberships)
      .values({ staffId: o.clerks[0]!.id, departmentId: second.department.id, role: 'clerk' });
    await makeAppointment(db(), {
      tenantId: second.tenant.id,
      departmentId: second.department.id,
      staffId: o.clerks[0]!.id,
      serviceIds: [second.services[0]!.id],
      startsAt: new Date(TUESDAY_0800),
      minutes: 30,
    });
    const slots = await client().get(`${o.base}/slots?services=${o.services[0]!.slug}&from=2026-11-24&days=1`);
    expect(slots.json.days[0].slots[0].startsAt).toBe('2026-11-24T07:30:00.000Z');
  });
});
