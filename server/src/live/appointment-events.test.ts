import type { ServerMessage } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { bookingRequest, BOOKING_NOW, mailsTo, TUESDAY_0800, tokenFromMail } from '../test/booking-factories.js';
import { databaseKinds } from '../test/databases.js';
import { signedInClerk } from '../test/factories.js';
import type { LiveSocket } from '../test/client.js';
import { useBookingServer } from '../test/suite.js';

const TUESDAY_0900 = '2026-11-24T08:00:00.000Z';

// A booking, a cancel and a move change an appointment and nothing of the queue: the event says so
// (`appointmentId`), and the hub tells the consoles (their appointment lists reload on each message)
// without re-reading or re-sending the queue to every waiting citizen (issue 14, item 4).
describe.each(databaseKinds)('live screens around appointment changes on %s', (kind) => {
  const { client, db, office, clock } = useBookingServer(kind, BOOKING_NOW);
  const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });
  const visits = (live: LiveSocket) =>
    live.received.flatMap((m: ServerMessage) => (m.type === 'visit' ? [m.visit?.position ?? null] : []));

  it('tells consoles of a booking, a move and a cancel, and waiting citizens only of queue changes', async () => {
    const o = await office({ department: { doorOverride: 'open', doorOverrideAt: clock.now() } });
    const { browser: clerk } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id], { name: 'Anna' });
    const consoleLive = await clerk.live();
    const onDuty = consoleLive.next('console', (m) => m.snapshot.door.clerksOnDuty === 1);
    consoleLive.send({ type: 'watch-console', departmentId: o.department.id });
    await onDuty;

    const [first, second] = [client(), client()];
    const both = consoleLive.next('console', (m) => m.snapshot.queue.length === 2);
    expect((await first.post(`${o.base}/knock`, knockBody('Erste'))).status).toBe(201);
    clock.set(new Date(BOOKING_NOW.getTime() + 60_000));
    expect((await second.post(`${o.base}/knock`, knockBody('Zweite'))).status).toBe(201);
    const secondLive = await second.live();
    const placed = secondLive.next('visit', (m) => m.visit?.position === 2);
    secondLive.send({ type: 'watch-visit' });
    await Promise.all([both, placed]);
    // A pong comes after everything sent on this socket before it: nothing of the knocks is on its way.
    const pong = secondLive.next('pong');
    secondLive.send({ type: 'ping' });
    await pong;
    const before = visits(secondLive).length;

    // Each change reaches the console, whose list (read as its page reads it) shows the change.
    const dayList = async () =>
      (await clerk.get(`${o.console}?date=2026-11-24`)).json as {
        appointments: { id: string; state: string; startsAt: string }[];
      };
    const citizen = client();
    let told = consoleLive.next('console');
    const request = bookingRequest(o, TUESDAY_0800);
    const booked = await citizen.post(`${o.base}/appointments`, request);
    expect(booked.status).toBe(201);
    const id = booked.json.appointment.id as string;
    expect((await told).snapshot.queue.map((q) => q.name)).toEqual(['Erste', 'Zweite']);
    expect((await dayList()).appointments.find((a) => a.id === id)).toMatchObject({ startsAt: TUESDAY_0800 });

    const token = tokenFromMail((await mailsTo(db(), request.email))[0]!.text);
    told = consoleLive.next('console');
    expect((await citizen.post('/api/appointments/rebook', { token, startsAt: TUESDAY_0900 })).status).toBe(200);
    expect((await told).snapshot.queue).toHaveLength(2);
    expect((await dayList()).appointments.find((a) => a.id === id)).toMatchObject({ startsAt: TUESDAY_0900 });

    told = consoleLive.next('console');
    expect((await clerk.post(`${o.console}/${id}/cancel`, {})).status).toBe(200);
    expect((await told).snapshot.queue).toHaveLength(2);
    expect((await dayList()).appointments.find((a) => a.id === id)).toMatchObject({ state: 'cancelled' });

    // The queue moves: the second citizen is told their new place, and was told nothing in between.
    const movedUp = secondLive.next('visit', (m) => m.visit?.position === 1);
    const left = consoleLive.next('console', (m) => m.snapshot.queue.length === 1);
    expect((await first.post('/api/visit/leave')).status).toBe(200);
    await movedUp;
    expect((await left).snapshot.queue.map((q) => q.name)).toEqual(['Zweite']);
    expect(visits(secondLive).slice(before)).toEqual([1]);
    consoleLive.close();
    secondLive.close();
  });
});
