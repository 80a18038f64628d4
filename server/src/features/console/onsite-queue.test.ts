import { ConsoleSnapshotSchema, CounterResponseSchema, OnsiteTicketResponseSchema } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appointments, auditEvents, visits } from '../../db/schema.js';
import { makeAppointmentOffice } from '../../test/booking-factories.js';
import type { TestClient } from '../../test/client.js';
import { settableClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { makeService, makeStaff, signedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';

// Issue 16, items 3 and 5: one queue for the virtual door and the town hall, as the clerk works it.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin: open by the factory's hours
const MINUTE = 60_000;
const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

describe.each(databaseKinds)('the one queue at the counter on %s', (kind) => {
  const settable = settableClock(NOW);
  const clock = {
    ...settable,
    advance: (ms: number) => settable.set(new Date(settable.now().getTime() + ms)),
  };
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;

  /** An open office with an on-site service, its clerk signed in, and a clock back at NOW. */
  async function office() {
    clock.reset();
    const made = await makeAppointmentOffice(db(), {
      openAt: clock.now(),
      browser: client(),
      service: { channels: 'both', knockable: true },
    });
    const clerk = made.clerkBrowser!;
    const staffPath = made.staffPath;
    const snapshot = async () => ConsoleSnapshotSchema.parse((await clerk.get(`${staffPath}/console`)).json);
    /** A second clerk of the same department, signed in. */
    const colleague = async () => (await signedInClerk(db(), client(), made.tenant.id, [made.department.id])).browser;
    return { ...made, person: made.clerk, clerk, staffPath, snapshot, colleague };
  }

  const setCounter = async (browser: TestClient, staffPath: string, counterName: string) => {
    const response = await browser.put(`${staffPath}/counter`, { counterName });
    expect(response.status).toBe(200);
  };

  async function walkInTicket(browser: TestClient, staffPath: string, body: Record<string, unknown> = {}) {
    const response = await browser.post(`${staffPath}/onsite-tickets`, body);
    expect(response.status).toBe(201);
    return OnsiteTicketResponseSchema.parse(response.json);
  }

  async function checkIn(browser: TestClient, staffPath: string, appointmentId: string) {
    const response = await browser.post(`${staffPath}/appointments/${appointmentId}/check-in`);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    return OnsiteTicketResponseSchema.parse(response.json);
  }

  const auditActions = async (visitId: string) =>
    (await db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.visitId, visitId))).map(
      (row) => row.action,
    );

  it('orders a mixed queue: due appointments first, video or on site, then by arrival; the door and positions count everyone', async () => {
    const o = await office();
    const video = client();
    expect((await video.post(`${o.base}/knock`, knockBody('Video früh'))).status).toBe(201);
    clock.advance(MINUTE);
    const walkIn = await walkInTicket(o.clerk, o.staffPath, { serviceSlug: o.service.slug });
    clock.advance(MINUTE);
    const videoLate = client();
    expect((await videoLate.post(`${o.base}/knock`, knockBody('Video spät'))).status).toBe(201);
    clock.advance(MINUTE);
    // Two appointments due now: the on-site one started earlier, the video one arrives first.
    const onsiteBooking = await o.book(new Date(NOW.getTime() - 10 * MINUTE), {
      channel: 'onsite',
      citizenName: 'Vor Ort Termin',
      minutes: 60,
    });
    // With another clerk: one clerk's appointments never overlap.
    const other = await makeStaff(db(), o.tenant.id, {
      memberships: [{ departmentId: o.department.id, role: 'clerk' }],
    });
    const videoBooking = await o.book(new Date(NOW.getTime() - 5 * MINUTE), {
      citizenName: 'Video Termin',
      minutes: 60,
      staffId: other.id,
    });
    const arriving = client();
    expect((await arriving.post('/api/appointments/arrive', { token: videoBooking.token })).status).toBe(200);
    clock.advance(MINUTE);
    const checkedIn = await checkIn(o.clerk, o.staffPath, onsiteBooking.appointment.id);

    // Numbers of the day, without gaps: the counter's walk-in drew 1, the check-in 2.
    expect([walkIn.ticketNumber, checkedIn.ticketNumber]).toEqual([1, 2]);
    const { queue, door } = await o.snapshot();
    expect(queue.map((entry) => [entry.name, entry.channel, entry.ticketNumber])).toEqual([
      ['Vor Ort Termin', 'onsite', 2],
      ['Video Termin', 'video', null],
      ['Video früh', 'video', null],
      ['', 'onsite', 1],
      ['Video spät', 'video', null],
    ]);
    expect(queue[3]).toMatchObject({ id: walkIn.visitId, kind: 'walk_in', calledAt: null, calledCounter: null });
    expect(queue[3]!.service?.slug).toBe(o.service.slug);
    expect(door.waiting).toBe(5);
    expect((await client().get(`${o.base}/door`)).json.door.waiting).toBe(5);
    // Citizens at home count the people on chairs in the town hall ahead of them.
    expect((await videoLate.get('/api/visit')).json.visit.position).toBe(5);
    expect((await video.get('/api/visit')).json.visit.position).toBe(3);
    const [appointment] = await db()
      .select({ state: appointments.state })
      .from(appointments)
      .where(eq(appointments.id, onsiteBooking.appointment.id));
    expect(appointment?.state).toBe('arrived');
    expect(await auditActions(checkedIn.visitId)).toEqual(['appointment_checked_in_at_counter']);
    expect(await auditActions(walkIn.visitId)).toEqual(['visit.ticket_at_counter']);
  });

  it('calls an on-site visit only to a counter: without one 409 counter_required and nothing changes; the counter is remembered', async () => {
    const o = await office();
    const ticket = await walkInTicket(o.clerk, o.staffPath);

    const refused = await o.clerk.post(`${o.staffPath}/admit-next`);
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('counter_required');
    expect(refused.json.title).toMatch(/Platz/);
    const [still] = await db().select().from(visits).where(eq(visits.id, ticket.visitId));
    expect(still).toMatchObject({ state: 'waiting', admittedBy: null, calledAt: null, calledCounter: null });
    expect(await auditActions(ticket.visitId)).toEqual(['visit.ticket_at_counter']);

    for (const bad of ['', '   ', 'x'.repeat(31), 'Platz\u00073']) {
      const response = await o.clerk.put(`${o.staffPath}/counter`, { counterName: bad });
      expect(response.status, bad).toBe(400);
    }
    expect(CounterResponseSchema.parse((await o.clerk.get(`${o.staffPath}/counter`)).json).counterName).toBeNull();
    await setCounter(o.clerk, o.staffPath, '  Platz 3 ');

    clock.advance(MINUTE);
    const called = await o.clerk.post(`${o.staffPath}/admit-next`);
    expect(called.status).toBe(200);
    expect(called.json.visitId).toBe(ticket.visitId);
    const { queue, active } = await o.snapshot();
    expect(queue).toEqual([]);
    expect(active[0]).toMatchObject({
      id: ticket.visitId,
      state: 'admitted',
      channel: 'onsite',
      ticketNumber: 1,
      calledCounter: 'Platz 3',
      calledAt: clock.now().toISOString(),
    });
    expect(await auditActions(ticket.visitId)).toContain('visit.admitted');

    // Remembered with the membership: a new sign-in of the same person finds it.
    expect((await o.clerk.post('/api/staff/logout')).status).toBe(204);
    expect((await o.clerk.get(`${o.staffPath}/counter`)).status).toBe(401);
    const again = client();
    const login = await again.post('/api/staff/login', { email: o.person.email, password: o.person.password });
    expect(login.status).toBe(200);
    expect(CounterResponseSchema.parse((await again.get(`${o.staffPath}/counter`)).json).counterName).toBe('Platz 3');
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorStaffId, o.person.id), eq(auditEvents.action, 'staff.counter_set')));
    expect(audit?.data).toEqual({ counterName: 'Platz 3' });
  });

  it('lets only the calling clerk recall and mark a no-show, which settles the appointment; finish serves', async () => {
    const o = await office();
    await setCounter(o.clerk, o.staffPath, 'Platz 3');
    const booking = await o.book(new Date(NOW.getTime() + 5 * MINUTE), { channel: 'onsite', minutes: 30 });
    const ticket = await checkIn(o.clerk, o.staffPath, booking.appointment.id);
    expect((await o.clerk.post(`${o.staffPath}/visits/${ticket.visitId}/admit`)).status).toBe(200);

    const colleague = await o.colleague();
    await setCounter(colleague, o.staffPath, 'Platz 4');
    for (const action of ['recall', 'no-show', 'finish']) {
      const response = await colleague.post(`${o.staffPath}/visits/${ticket.visitId}/${action}`);
      expect(response.status, action).toBe(409);
      expect(response.json.code).toBe('visit_taken');
    }

    clock.advance(2 * MINUTE);
    expect((await o.clerk.post(`${o.staffPath}/visits/${ticket.visitId}/recall`)).status).toBe(204);
    expect((await o.snapshot()).active[0]).toMatchObject({
      calledAt: clock.now().toISOString(),
      calledCounter: 'Platz 3',
    });

    expect((await o.clerk.post(`${o.staffPath}/visits/${ticket.visitId}/no-show`)).status).toBe(204);
    const [visit] = await db().select().from(visits).where(eq(visits.id, ticket.visitId));
    expect(visit?.state).toBe('no_show');
    const [appointment] = await db().select().from(appointments).where(eq(appointments.id, booking.appointment.id));
    expect(appointment?.state).toBe('no_show');
    expect(await auditActions(ticket.visitId)).toEqual(
      expect.arrayContaining(['visit.admitted', 'visit.recalled', 'visit.no_show']),
    );
    // Over: neither a second no-show nor a recall.
    expect((await o.clerk.post(`${o.staffPath}/visits/${ticket.visitId}/no-show`)).status).toBe(409);
    expect((await o.clerk.post(`${o.staffPath}/visits/${ticket.visitId}/recall`)).status).toBe(409);

    // A video visit is not called to a counter: no recall; finish as before.
    const knockByVideo = async (name: string) => {
      const knocked = await client().post(`${o.base}/knock`, knockBody(name));
      const id = knocked.json.visit.id as string;
      expect((await o.clerk.post(`${o.staffPath}/visits/${id}/admit`)).status).toBe(200);
      return id;
    };
    const videoId = await knockByVideo('Video');
    expect((await o.snapshot()).active[0]).toMatchObject({ channel: 'video', calledAt: null, calledCounter: null });
    expect((await o.clerk.post(`${o.staffPath}/visits/${videoId}/recall`)).status).toBe(409);
    expect((await o.clerk.post(`${o.staffPath}/visits/${videoId}/finish`)).status).toBe(204);

    // Let in by video and never come: a no-show, not served, also once the clerk waits in the call
    // alone; only the clerk who let them in says so, and finish then has nothing left to end.
    const absentId = await knockByVideo('Nie gekommen');
    await db().update(visits).set({ state: 'in_call' }).where(eq(visits.id, absentId)); // the clerk's join
    expect((await colleague.post(`${o.staffPath}/visits/${absentId}/no-show`)).status).toBe(409);
    expect((await o.clerk.post(`${o.staffPath}/visits/${absentId}/no-show`)).status).toBe(204);
    const [absent] = await db().select().from(visits).where(eq(visits.id, absentId));
    expect(absent).toMatchObject({ state: 'no_show', callKey: null });
    expect(await auditActions(absentId)).toEqual(expect.arrayContaining(['visit.admitted', 'visit.no_show']));
    expect((await o.clerk.post(`${o.staffPath}/visits/${absentId}/finish`)).status).toBe(409);
    expect((await o.snapshot()).active.map((entry) => entry.id)).not.toContain(absentId);
    // A video visit still waiting is not a no-show: it is declined, or it expires.
    const waiting = (await client().post(`${o.base}/knock`, knockBody('Wartet'))).json.visit.id as string;
    expect((await o.clerk.post(`${o.staffPath}/visits/${waiting}/no-show`)).status).toBe(409);
    expect((await o.clerk.post(`${o.staffPath}/visits/${waiting}/decline`, {})).status).toBe(204);

    // Served at the counter: finish ends it as done, and its appointment too.
    const walkIn = await walkInTicket(o.clerk, o.staffPath);
    expect((await o.clerk.post(`${o.staffPath}/admit-next`)).json.visitId).toBe(walkIn.visitId);
    expect((await o.clerk.post(`${o.staffPath}/visits/${walkIn.visitId}/finish`)).status).toBe(204);
    const [served] = await db().select().from(visits).where(eq(visits.id, walkIn.visitId));
    expect(served?.state).toBe('done');
  });

  it('checks an appointment in at the counter by the rules of arriving, once', async () => {
    const o = await office();
    const refuse = async (appointmentId: string, code: string, status: number) => {
      const response = await o.clerk.post(`${o.staffPath}/appointments/${appointmentId}/check-in`);
      expect(response.status, code).toBe(status);
      expect(response.json.code).toBe(code);
    };
    const onsite = { channel: 'onsite' as const, minutes: 30 };
    const cancelled = await o.book(new Date(NOW.getTime() + 5 * MINUTE), {
      ...onsite,
      minutes: 10,
      state: 'cancelled',
    });
    await refuse(cancelled.appointment.id, 'appointment_cancelled', 410);
    // Served already (a second "Ist da"): the kiosk's answer, as for one over by the clock.
    const served = await o.book(new Date(NOW.getTime() + 15 * MINUTE), { ...onsite, minutes: 5, state: 'done' });
    await refuse(served.appointment.id, 'check_in_too_late', 410);
    const tomorrow = await o.book(new Date(NOW.getTime() + 24 * 60 * MINUTE), onsite);
    await refuse(tomorrow.appointment.id, 'check_in_other_day', 409);
    const later = await o.book(new Date(NOW.getTime() + 2 * 60 * MINUTE), onsite);
    await refuse(later.appointment.id, 'check_in_too_early', 409);
    const over = await o.book(new Date(NOW.getTime() - 60 * MINUTE), onsite);
    await refuse(over.appointment.id, 'check_in_too_late', 410);
    const video = await o.book(new Date(NOW.getTime() + 40 * MINUTE), { minutes: 30 });
    await refuse(video.appointment.id, 'check_in_video_appointment', 409);
    await refuse('00000000-0000-4000-8000-000000000000', 'appointment_not_found', 404);
    await refuse('not-an-id', 'appointment_not_found', 404);

    const due = await o.book(new Date(NOW.getTime() + 20 * MINUTE), { ...onsite, minutes: 10 });
    const [first, second] = await Promise.all([
      checkIn(o.clerk, o.staffPath, due.appointment.id),
      checkIn(await o.colleague(), o.staffPath, due.appointment.id),
    ]);
    // Two clerks at once: one visit, one number, told to both.
    expect(second).toEqual(first);
    const rows = await db().select({ id: visits.id }).from(visits).where(eq(visits.appointmentId, due.appointment.id));
    expect(rows).toHaveLength(1);
    // Nothing the refusals touched entered the queue.
    expect((await o.snapshot()).queue.map((entry) => entry.id)).toEqual([first.visitId]);
    const [booked] = await db()
      .select({ state: appointments.state })
      .from(appointments)
      .where(and(eq(appointments.id, later.appointment.id)));
    expect(booked?.state).toBe('booked');

    // A walk-in's service must be the department's; bad input changes nothing.
    const badService = await o.clerk.post(`${o.staffPath}/onsite-tickets`, { serviceSlug: 'gibt-es-nicht' });
    expect(badService.status).toBe(400);
    // Nor one given by video only: nobody is served for it at the counter.
    const videoOnly = await makeService(db(), o.department.id, { channels: 'video' });
    const videoService = await o.clerk.post(`${o.staffPath}/onsite-tickets`, { serviceSlug: videoOnly.slug });
    expect(videoService.status).toBe(400);
    expect(videoService.json.code).toBe('validation_failed');
    const badConcern = await o.clerk.post(`${o.staffPath}/onsite-tickets`, { concern: 'x'.repeat(501) });
    expect(badConcern.status).toBe(400);
    expect((await o.snapshot()).queue).toHaveLength(1);
  });

  it('lets nobody else act: another department’s clerk, a citizen, nobody signed in', async () => {
    const o = await office();
    await setCounter(o.clerk, o.staffPath, 'Platz 1');
    const booking = await o.book(new Date(NOW.getTime() + 5 * MINUTE), { channel: 'onsite', minutes: 30 });
    const ticket = await walkInTicket(o.clerk, o.staffPath);
    expect((await o.clerk.post(`${o.staffPath}/admit-next`)).json.visitId).toBe(ticket.visitId);

    const other = await makeAppointmentOffice(db(), { openAt: clock.now(), browser: client() });
    const stranger = other.clerkBrowser!;
    const anonymous = client();
    const attempts = [
      ['PUT', `${o.staffPath}/counter`, { counterName: 'Platz 9' }],
      ['GET', `${o.staffPath}/counter`, undefined],
      ['POST', `${o.staffPath}/onsite-tickets`, {}],
      ['POST', `${o.staffPath}/appointments/${booking.appointment.id}/check-in`, undefined],
      ['POST', `${o.staffPath}/visits/${ticket.visitId}/recall`, undefined],
      ['POST', `${o.staffPath}/visits/${ticket.visitId}/no-show`, undefined],
    ] as const;
    for (const [method, path, body] of attempts) {
      const asStranger =
        method === 'GET' ? await stranger.get(path) : await stranger.request(method, path, body ?? undefined);
      expect(asStranger.status, `${method} ${path}`).toBe(403);
      const asAnonymous =
        method === 'GET' ? await anonymous.get(path) : await anonymous.request(method, path, body ?? undefined);
      expect(asAnonymous.status, `${method} ${path}`).toBe(401);
    }
    // Through their own department's path, another department's appointment and visit are unknown.
    const own = other.staffPath;
    expect((await stranger.post(`${own}/appointments/${booking.appointment.id}/check-in`)).status).toBe(404);
    expect((await stranger.post(`${own}/visits/${ticket.visitId}/recall`)).status).toBe(404);
    expect((await stranger.post(`${own}/visits/${ticket.visitId}/no-show`)).status).toBe(404);

    const [visit] = await db().select().from(visits).where(eq(visits.id, ticket.visitId));
    expect(visit).toMatchObject({ state: 'admitted', calledCounter: 'Platz 1' });
    const [appointment] = await db().select().from(appointments).where(eq(appointments.id, booking.appointment.id));
    expect(appointment?.state).toBe('booked');
    expect(CounterResponseSchema.parse((await o.clerk.get(`${o.staffPath}/counter`)).json).counterName).toBe('Platz 1');
  });
});
