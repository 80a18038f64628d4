import {
  ArriveResponseSchema,
  ConsoleSnapshotSchema,
  OfficeClockSchema,
  OwnVisitResponseSchema,
  ProblemSchema,
  StaffAppointmentsResponseSchema,
} from '@amtsraum/shared';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { departments } from '../../db/schema.js';
import { appointments, auditEvents, visits } from '../../db/schema.js';
import { makeAppointmentOffice } from '../../test/booking-factories.js';
import type { TestClient } from '../../test/client.js';
import { testClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { useTestServer } from '../../test/suite.js';
import { purgePersonalData } from '../../jobs/retention.js';
import { expireAbsentVisits } from '../visits/visits.service.js';

// Monday 23 November 2026, 10:00 in Berlin.
const NOW = new Date('2026-11-23T09:00:00Z');
const MINUTE = 60_000;

describe.each(databaseKinds)('the appointment day on %s', (kind) => {
  const clock = testClock(NOW);
  const suite = useTestServer(kind, { now: clock.now });
  const browser = suite.client;

  /** A department open by a clerk's setting for today, a bookable service, and a signed-in clerk (`console`). */
  const office = async (values: Partial<typeof departments.$inferInsert> = {}) => {
    const made = await makeAppointmentOffice(suite.db(), {
      openAt: clock.now(),
      department: { joinOpensMinutesBefore: 10, noShowGraceMinutes: 10, ...values },
      browser: browser(),
      clerkName: 'Clara Klein',
    });
    return { ...made, console: made.clerkBrowser! };
  };

  const inMinutes = (minutes: number) => new Date(clock.now().getTime() + minutes * MINUTE);

  async function knock(base: string, name: string) {
    const citizen = browser();
    const response = await citizen.post(`${base}/knock`, { name, concern: 'Frage', language: 'de', consent: true });
    expect(response.status).toBe(201);
    return { citizen, visitId: response.json.visit.id as string };
  }

  async function arrive(token: string, citizen = browser()) {
    const response = await citizen.post('/api/appointments/arrive', { token });
    return { citizen, response };
  }

  it('opens the join link shortly before the start and puts the citizen into the queue as an appointment visit', async () => {
    const { department, tenant, book } = await office();
    const startsAt = inMinutes(30);
    const { appointment, token } = await book(startsAt, { interpreterLanguage: 'tr', language: 'tr', persons: 2 });

    const early = await arrive(token);
    expect(early.response.status).toBe(409);
    const problem = ProblemSchema.parse(early.response.json);
    expect(problem.code).toBe('appointment_not_open_yet');
    expect(problem.opensAt).toBe(new Date(startsAt.getTime() - 10 * MINUTE).toISOString());
    expect(early.citizen.cookies.size).toBe(0);

    clock.advance(21 * MINUTE); // nine minutes before the start
    const { citizen, response } = await arrive(token);
    expect(response.status).toBe(200);
    const arrival = ArriveResponseSchema.parse(response.json);
    expect(arrival).toMatchObject({ tenantSlug: tenant.slug, departmentSlug: department.slug });
    expect(response.headers.getSetCookie().join('\n')).toMatch(/amtsraum_visit=.*HttpOnly/i);

    const asked = clock.now().getTime();
    const own = (await citizen.get('/api/visit')).json;
    const { visit } = OwnVisitResponseSchema.parse(own);
    // The office's clock comes with it (the test clock's, which ticks a millisecond a reading): the
    // waiting room tells by it when the start has passed.
    const serverTime = Date.parse(OfficeClockSchema.parse(own).serverTime);
    expect(serverTime).toBeGreaterThan(asked);
    expect(serverTime).toBeLessThan(clock.now().getTime());
    expect(visit).toMatchObject({
      id: arrival.visitId,
      state: 'waiting',
      kind: 'appointment',
      position: 1,
      appointmentStartsAt: startsAt.toISOString(),
      documents: [{ de: 'Pass', en: 'Passport' }],
    });
    const [row] = await suite.db().select().from(visits).where(eq(visits.id, arrival.visitId));
    expect(row).toMatchObject({
      appointmentId: appointment.id,
      citizenName: 'Sam Beispiel',
      language: 'tr',
      interpreterLanguage: 'tr',
      concern: 'Neuer Ausweis',
    });
    const [booked] = await suite.db().select().from(appointments).where(eq(appointments.id, appointment.id));
    expect(booked!.state).toBe('arrived');
    const audit = await suite.db().select().from(auditEvents).where(eq(auditEvents.visitId, arrival.visitId));
    expect(audit.map((e) => e.action)).toEqual(['appointment_arrived']);
    expect(JSON.stringify(audit)).not.toContain('Sam');
  });

  it('returns the same visit when the citizen arrives again, from the same or a second device', async () => {
    const { book } = await office();
    const { appointment, token } = await book(inMinutes(5));
    const first = await arrive(token);
    const again = await arrive(token, first.citizen);
    const [other, third] = await Promise.all([arrive(token), arrive(token)]);
    for (const attempt of [again, other, third]) {
      expect(attempt.response.status).toBe(200);
      expect(attempt.response.json.visitId).toBe(first.response.json.visitId);
    }
    expect((await other.citizen.get('/api/visit')).json.visit.id).toBe(first.response.json.visitId);
    const rows = await suite.db().select().from(visits).where(eq(visits.appointmentId, appointment.id));
    expect(rows).toHaveLength(1);
  });

  it('gives up a walk-in place the browser held elsewhere when it arrives for its appointment', async () => {
    const walkIn = await office();
    const booked = await office();
    const { citizen, visitId } = await knock(walkIn.base, 'Alex');
    const { token } = await booked.book(inMinutes(5));
    const { response } = await arrive(token, citizen);
    expect(response.status).toBe(200);
    const arrival = ArriveResponseSchema.parse(response.json);
    expect((await citizen.get('/api/visit')).json.visit).toMatchObject({ id: arrival.visitId, state: 'waiting' });
    const [left] = await suite.db().select().from(visits).where(eq(visits.id, visitId));
    expect(left?.state).toBe('left');
    expect((await browser().get(`${walkIn.base}/door`)).json.door.waiting).toBe(0);
  });

  it('answers a closed door, a full walk-in queue, an ended, cancelled or unknown appointment', async () => {
    // The door is closed and the walk-in queue is full: the appointment was promised all the same.
    const closed = await office({ doorOverride: 'closed', queueCap: 1 });
    await suite.db().insert(visits).values({
      tenantId: closed.tenant.id,
      departmentId: closed.department.id,
      citizenName: 'Walk-in',
      language: 'de',
      createdAt: clock.now(),
      lastSeenAt: clock.now(),
    });
    const promised = await closed.book(inMinutes(2));
    expect((await arrive(promised.token)).response.status).toBe(200);

    const { book } = await office();
    const over = await book(inMinutes(-30));
    const overAnswer = (await arrive(over.token)).response;
    expect(overAnswer.status).toBe(410);
    expect(overAnswer.json.code).toBe('appointment_over');
    const cancelled = await book(inMinutes(5), { state: 'cancelled', cancelledAt: clock.now() });
    expect((await arrive(cancelled.token)).response.json).toMatchObject({ status: 410, code: 'appointment_cancelled' });
    const done = await book(inMinutes(-5), { state: 'done' });
    expect((await arrive(done.token)).response.json.code).toBe('appointment_over');
    const noShow = await book(inMinutes(-70), { state: 'no_show', minutes: 30 });
    expect((await arrive(noShow.token)).response.json.code).toBe('appointment_over');

    // A well-formed token nobody was given, and a tampered one: the same neutral answer.
    const { token } = await book(inMinutes(30));
    const unknown = await arrive('A'.repeat(43));
    expect(unknown.response.json).toMatchObject({ status: 404, code: 'appointment_not_found' });
    // The citizen keeps the citizen's words (staff routes have their own).
    expect(unknown.response.json.title).toBe(
      'Dieser Termin wurde nicht gefunden. Bitte prüfen Sie den Link aus Ihrer E-Mail.',
    );
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await arrive(tampered)).response.json.code).toBe('appointment_not_found');
    const malformed = await arrive('kurz');
    expect(malformed.response.status).toBe(400);
    expect(malformed.citizen.cookies.size).toBe(0);
  });

  it('serves appointments due now before walk-ins, in the console, in positions and in "admit next"', async () => {
    const { base, book, console, department } = await office();
    const walkA = await knock(base, 'Anna');
    const later = await book(inMinutes(8));
    const sooner = await book(inMinutes(4), { citizenName: 'Früh', minutes: 3 });
    const lateArrival = await arrive(later.token);
    const walkB = await knock(base, 'Bernd');
    const soonArrival = await arrive(sooner.token);
    const position = async (c: TestClient) => (await c.get('/api/visit')).json.visit.position as number;

    // Early for their time, the arrivals wait like everybody else: in the order they came.
    expect(await position(walkA.citizen)).toBe(1);
    expect(await position(lateArrival.citizen)).toBe(2);
    expect(await position(walkB.citizen)).toBe(3);
    expect(await position(soonArrival.citizen)).toBe(4);

    clock.advance(5 * MINUTE); // the sooner appointment is due
    expect(await position(soonArrival.citizen)).toBe(1);
    expect(await position(walkA.citizen)).toBe(2);
    expect(await position(lateArrival.citizen)).toBe(3);
    clock.advance(4 * MINUTE); // both are due: by their start
    const snapshot = ConsoleSnapshotSchema.parse(
      (await console.get(`/api/staff/departments/${department.id}/console`)).json,
    );
    expect(snapshot.queue.map((entry) => entry.id)).toEqual([
      soonArrival.response.json.visitId,
      lateArrival.response.json.visitId,
      walkA.visitId,
      walkB.visitId,
    ]);
    expect(snapshot.queue[0]).toMatchObject({
      kind: 'appointment',
      appointment: { id: sooner.appointment.id, persons: 1 },
    });
    expect(await position(walkB.citizen)).toBe(4);
    // Still there (its page asks): unseen for minutes it would count as gone, and "next" pass it over.
    expect(await position(soonArrival.citizen)).toBe(1);

    const admitted = await console.post(`/api/staff/departments/${department.id}/admit-next`);
    expect(admitted.status).toBe(200);
    expect(admitted.json.visitId).toBe(soonArrival.response.json.visitId);
  });

  it('lists the day’s appointments for the department’s clerks only', async () => {
    const { book, console, department, service, clerk } = await office();
    const other = await office();
    const { appointment, token } = await book(inMinutes(3), {
      persons: 3,
      phone: '+49 2133 1',
      interpreterLanguage: 'ar',
      language: 'ar',
    });
    const tomorrow = await book(inMinutes(24 * 60));
    const arrival = (await arrive(token)).response.json.visitId as string;

    const path = `/api/staff/departments/${department.id}/appointments`;
    const asked = clock.now().getTime();
    const today = StaffAppointmentsResponseSchema.parse((await console.get(path)).json);
    const answered = clock.now().getTime();
    expect(today.date).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(clock.now()));
    expect(today.timeZone).toBe('Europe/Berlin');
    // The office's clock, for the console's today and its calendar (the clerk's computer may be off).
    expect(Date.parse(today.serverTime)).toBeGreaterThan(asked);
    expect(Date.parse(today.serverTime)).toBeLessThan(answered);
    expect(today.appointments.map((a) => a.id)).toEqual([appointment.id]);
    expect(today.appointments[0]).toMatchObject({
      state: 'arrived',
      services: [{ slug: service.slug, name: service.name }],
      persons: 3,
      name: 'Sam Beispiel',
      email: 'sam@test.example',
      phone: '+49 2133 1',
      language: 'ar',
      interpreterLanguage: 'ar',
      concern: 'Neuer Ausweis',
      clerk: { id: clerk.id, name: 'Clara Klein' },
      visitId: arrival,
      noShowFrom: new Date(appointment.startsAt.getTime() + 10 * MINUTE).toISOString(),
    });
    const nextDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(
      tomorrow.appointment.startsAt,
    );
    const later = StaffAppointmentsResponseSchema.parse((await console.get(`${path}?date=${nextDay}`)).json);
    expect(later.appointments.map((a) => a.id)).toEqual([tomorrow.appointment.id]);
    expect(later.appointments[0]!.visitId).toBeNull();

    expect((await console.get(`${path}?date=23.11.2026`)).status).toBe(400);
    // Outside 2000–2100 (calendar-dates.ts): 0050-01-05 was read as 1950-01-05.
    const early = await console.get(`${path}?date=0050-01-05`);
    expect([early.status, early.json.errors]).toEqual([400, [{ path: 'date', message: 'Bitte ein Jahr ab 2000.' }]]);
    expect((await console.get(`/api/staff/departments/${other.department.id}/appointments`)).status).toBe(403);
    expect((await other.console.get(path)).status).toBe(403);
    expect((await browser().get(path)).status).toBe(401);
    expect((await console.get('/api/staff/departments/not-an-id/appointments')).status).toBe(404);
  });

  it('marks a no-show only after the grace period, and only when nobody is there', async () => {
    const { book, console, department } = await office();
    const other = await office();
    const absent = await book(inMinutes(2));
    const present = await book(inMinutes(18));
    const noShow = (id: string, c = console, dept = department.id) =>
      c.post(`/api/staff/departments/${dept}/appointments/${id}/no-show`);

    // Not begun yet: words of its own (reloading would not help) and from when it can be marked.
    const early = await noShow(absent.appointment.id);
    expect(early.json).toMatchObject({
      status: 409,
      code: 'no_show_too_early',
      opensAt: new Date(new Date(absent.appointment.startsAt).getTime() + 10 * MINUTE).toISOString(),
    });
    // The title says when, on the municipality's clock (Berlin), in the clerk's language.
    const time = new Intl.DateTimeFormat('de-DE', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(early.json.opensAt as string));
    expect(early.json.title).toMatch(
      new RegExp(
        `^Dieser Termin hat noch nicht begonnen\\. Als nicht erschienen markieren können Sie ihn ab ${time} Uhr am Montag, 23\\. November 2026 \\(einige Minuten nach Terminbeginn, wie für das Amt eingestellt\\)\\.$`,
      ),
    );
    const inEnglish = await console.request(
      'POST',
      `/api/staff/departments/${department.id}/appointments/${absent.appointment.id}/no-show`,
      {},
      { 'accept-language': 'en' },
    );
    expect(inEnglish.json.title).toBe(
      `This appointment has not begun yet. You can mark it a no-show from ${time} on Monday, 23 November 2026 (some minutes after it starts, as set for the department).`,
    );
    expect(early.json.detail).toBeUndefined();
    clock.advance(12 * MINUTE + 1000); // start + grace has passed
    expect((await arrive(present.token)).response.status).toBe(200);
    expect((await noShow(absent.appointment.id, other.console)).status).toBe(403);
    const foreign = await noShow(absent.appointment.id, other.console, other.department.id);
    expect([foreign.status, foreign.json.title]).toEqual([404, 'Diesen Termin gibt es in diesem Amt nicht (mehr).']);
    expect((await noShow('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await noShow(absent.appointment.id)).status).toBe(204);
    // Marked meanwhile: a plain conflict (reloading shows it), without the row's state in a detail.
    const again = await noShow(absent.appointment.id);
    expect([again.status, again.json.code, again.json.detail]).toEqual([409, 'conflict', undefined]);
    const [row] = await suite.db().select().from(appointments).where(eq(appointments.id, absent.appointment.id));
    expect(row!.state).toBe('no_show');
    const audit = await suite.db().select().from(auditEvents).where(eq(auditEvents.departmentId, department.id));
    expect(audit.map((e) => e.action)).toContain('appointment_no_show');
    // No arriving after a no-show.
    expect((await arrive(absent.token)).response.json.code).toBe('appointment_over');

    clock.advance(20 * MINUTE); // the arrived one's grace has passed too: they are here, so no
    expect((await noShow(present.appointment.id)).status).toBe(409);
  });

  it('finishes an appointment visit as done, and lets a citizen who left or was declined come in again', async () => {
    const { book, console, department } = await office();
    const served = await book(inMinutes(3));
    const arrival = await arrive(served.token);
    const visitId = arrival.response.json.visitId as string;
    const consolePath = `/api/staff/departments/${department.id}`;
    expect((await console.post(`${consolePath}/visits/${visitId}/admit`)).status).toBe(200);
    expect((await console.post(`${consolePath}/visits/${visitId}/finish`)).status).toBe(204);
    const state = async (id: string) =>
      (await suite.db().select().from(appointments).where(eq(appointments.id, id)))[0]!.state;
    expect(await state(served.appointment.id)).toBe('done');
    expect((await arrive(served.token, arrival.citizen)).response.json.code).toBe('appointment_over');

    const leaver = await book(inMinutes(40));
    clock.advance(31 * MINUTE);
    const first = await arrive(leaver.token);
    expect((await first.citizen.post('/api/visit/leave')).json.visit.state).toBe('left');
    expect(await state(leaver.appointment.id)).toBe('booked');
    const back = await arrive(leaver.token, first.citizen);
    expect(back.response.status).toBe(200);
    expect(back.response.json.visitId).not.toBe(first.response.json.visitId);
    expect(await state(leaver.appointment.id)).toBe('arrived');

    const declined = back.response.json.visitId as string;
    expect((await console.post(`${consolePath}/visits/${declined}/decline`, { note: 'Bitte neu buchen' })).status).toBe(
      204,
    );
    expect(await state(leaver.appointment.id)).toBe('booked');

    // A page gone past the grace period: the place is lost, the appointment is not.
    const third = await arrive(leaver.token);
    expect(third.response.status).toBe(200);
    clock.advance(3 * MINUTE);
    await expireAbsentVisits({ db: suite.db(), events: suite.server.deps.events, now: clock.now() }, 120);
    expect((await third.citizen.get('/api/visit')).json.visit.state).toBe('expired');
    expect(await state(leaver.appointment.id)).toBe('booked');
  });

  it('deletes the personal data of appointments once the retention period after their end has passed', async () => {
    const { book } = await office();
    const { appointment } = await book(inMinutes(60), { phone: '0123' });
    const db = suite.db();
    const days = (n: number) => new Date(appointment.endsAt.getTime() + n * 24 * 3600_000);
    await purgePersonalData(db, 30, days(29));
    let [row] = await db.select().from(appointments).where(eq(appointments.id, appointment.id));
    expect(row).toMatchObject({ citizenName: 'Sam Beispiel', email: 'sam@test.example', phone: '0123' });
    expect(await purgePersonalData(db, 30, days(31))).toBeGreaterThanOrEqual(1);
    [row] = await db.select().from(appointments).where(eq(appointments.id, appointment.id));
    expect(row).toMatchObject({ citizenName: '', email: null, phone: null, concern: null, state: 'booked' });
  });
});
