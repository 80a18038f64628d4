import { AvailabilityResponseSchema, CollisionSchema, WeekViewSchema, type Collision } from '@amtsraum/shared';
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appointments, auditEvents, closures, staffAbsences, staffAvailability } from '../../db/schema.js';
import { bookingRequest, BOOKING_NOW, mailsTo, TUESDAY_0800, WEEKDAY_MORNINGS } from '../../test/booking-factories.js';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeStaff, signedInAdmin, signedInClerk } from '../../test/factories.js';
import { useBookingServer } from '../../test/suite.js';

const WEDNESDAY_0800 = '2026-11-25T07:00:00.000Z';
/** Friday 25 December 2026, 08:00 in Berlin: a public holiday in every state. */
const CHRISTMAS_0800 = '2026-12-25T07:00:00.000Z';
const TUESDAY_ONLY_AFTERNOON = [
  ...WEEKDAY_MORNINGS.filter((w) => w.weekday !== 2),
  { weekday: 2, startsAt: '13:00', endsAt: '16:00' },
];

describe.each(databaseKinds)('clerks’ availability and collisions on %s', (kind) => {
  const { clock, client, db, office } = useBookingServer(kind, BOOKING_NOW);

  /** An office with one clerk, an admin of it, and a citizen's booking on Tuesday 08:00 with that clerk. */
  async function bookedOffice(department: Parameters<typeof office>[0] = {}) {
    const o = await office(department);
    const { browser, person } = await signedInAdmin(db(), client(), o.tenant.id, {
      memberships: [{ departmentId: o.department.id, role: 'admin' }],
      now: clock.now(),
    });
    const request = bookingRequest(o, TUESDAY_0800);
    const booked = await client().post(`${o.base}/appointments`, request);
    expect(booked.status).toBe(201);
    const path = `/api/admin/tenants/${o.tenant.slug}/departments/${o.department.slug}`;
    const clerk = o.clerks[0]!;
    return {
      ...o,
      admin: browser,
      adminId: person.id,
      path,
      clerk,
      email: request.email,
      appointmentId: booked.json.appointment.id as string,
    };
  }
  const appointmentOf = async (id: string) =>
    (await db().select().from(appointments).where(eq(appointments.id, id)))[0]!;
  const kindsOf = async (email: string) => (await mailsTo(db(), email)).map((m) => m.kind);

  it('lists clerks with their hours; a change that hits no booking is applied and audited', async () => {
    const o = await bookedOffice();
    const list = AvailabilityResponseSchema.parse((await o.admin.get(`${o.path}/availability`)).json);
    expect(list.clerks.map((c) => c.staffId)).toContain(o.clerk.id);
    expect(list.clerks.find((c) => c.staffId === o.clerk.id)!.ranges).toHaveLength(5);

    const more = [...WEEKDAY_MORNINGS, { weekday: 2, startsAt: '13:00', endsAt: '16:00' }];
    const saved = await o.admin.put(`${o.path}/availability/${o.clerk.id}`, { ranges: more });
    expect(saved.status).toBe(200);
    const rows = await db().select().from(staffAvailability).where(eq(staffAvailability.staffId, o.clerk.id));
    expect(rows).toHaveLength(6);
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorStaffId, o.adminId), eq(auditEvents.action, 'availability.updated')));
    expect(audit!.data).toMatchObject({ staffId: o.clerk.id, ranges: 6, collisions: 0 });

    const bad = await o.admin.request(
      'PUT',
      `${o.path}/availability/${o.clerk.id}`,
      {
        ranges: [
          { weekday: 1, startsAt: '08:00', endsAt: '12:00' },
          { weekday: 1, startsAt: '11:00', endsAt: '13:00' },
          { weekday: 2, startsAt: '14:00', endsAt: '09:00' },
        ],
      },
      { 'accept-language': 'de' },
    );
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { message: string }) => e.message).join(' ')).toMatch(
      /überschneiden|nach dem Beginn/,
    );
    expect(await db().select().from(staffAvailability).where(eq(staffAvailability.staffId, o.clerk.id))).toHaveLength(
      6,
    );
  });

  it('lists the booking an hours change would leave outside, changes nothing without a resolution, keeps on "keep"', async () => {
    const o = await bookedOffice();
    const refused = await o.admin.put(`${o.path}/availability/${o.clerk.id}`, { ranges: TUESDAY_ONLY_AFTERNOON });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('availability_collision');
    const [collision] = refused.json.collisions.map((c: unknown) => CollisionSchema.parse(c));
    expect(collision).toMatchObject({
      appointmentId: o.appointmentId,
      startsAt: TUESDAY_0800,
      citizenName: 'Erika Mustermann',
      clerkName: o.clerk.name,
      resolvable: true,
    });
    expect(collision!.services[0]).toMatchObject({ de: expect.any(String) });
    const unchanged = await db().select().from(staffAvailability).where(eq(staffAvailability.staffId, o.clerk.id));
    expect(unchanged.find((r) => r.weekday === 2)!.startsAt).toBe('08:00');

    const kept = await o.admin.put(`${o.path}/availability/${o.clerk.id}`, {
      ranges: TUESDAY_ONLY_AFTERNOON,
      resolutions: { [o.appointmentId]: { action: 'keep' } },
    });
    expect(kept.status).toBe(200);
    expect(kept.json.resolved).toEqual([{ appointmentId: o.appointmentId, outcome: 'kept' }]);
    expect((await appointmentOf(o.appointmentId)).state).toBe('booked');
    expect(await kindsOf(o.email)).toEqual(['appointment.confirmation']);
    // A kept exception is not asked about again on the next change.
    const again = await o.admin.put(`${o.path}/availability/${o.clerk.id}`, {
      ranges: TUESDAY_ONLY_AFTERNOON.slice(1),
    });
    expect(again.status).toBe(200);
  });

  it('an absence over a booking: 409 first, then cancelled with the e-mail to the citizen', async () => {
    const o = await bookedOffice();
    const absence = { startsOn: '2026-11-24', endsOn: '2026-11-24', reason: 'Fortbildung' };
    const refused = await o.admin.post(`${o.path}/availability/${o.clerk.id}/absences`, absence);
    expect(refused.status).toBe(409);
    expect(refused.json.collisions).toHaveLength(1);
    expect(await db().select().from(staffAbsences).where(eq(staffAbsences.staffId, o.clerk.id))).toEqual([]);

    const done = await o.admin.post(`${o.path}/availability/${o.clerk.id}/absences`, {
      ...absence,
      resolutions: { [o.appointmentId]: { action: 'cancel', note: 'Krankheit' } },
    });
    expect(done.status).toBe(201);
    expect(done.json.resolved).toEqual([{ appointmentId: o.appointmentId, outcome: 'cancelled' }]);
    expect(done.json.absence).toMatchObject({
      startsAt: '2026-11-23T23:00:00.000Z',
      endsAt: '2026-11-24T23:00:00.000Z',
    });
    expect((await appointmentOf(o.appointmentId)).state).toBe('cancelled');
    expect(await kindsOf(o.email)).toEqual(['appointment.confirmation', 'appointment.cancelled']);
  });

  it('an absence over a booking, moved to the next free slot with the e-mail to the citizen', async () => {
    const o = await bookedOffice();
    const moved = await o.admin.post(`${o.path}/availability/${o.clerk.id}/absences`, {
      startsOn: '2026-11-24',
      endsOn: '2026-11-24',
      resolutions: { [o.appointmentId]: { action: 'move' } },
    });
    expect(moved.status).toBe(201);
    expect(moved.json.resolved).toEqual([
      { appointmentId: o.appointmentId, outcome: 'moved', startsAt: WEDNESDAY_0800 },
    ]);
    const row = await appointmentOf(o.appointmentId);
    expect(row).toMatchObject({ state: 'booked', startsAt: new Date(WEDNESDAY_0800) });
    expect(await kindsOf(o.email)).toEqual(['appointment.confirmation', 'appointment.moved']);
  });

  it('a move to the next free slot keeps the time when another clerk is free then, with the e-mail', async () => {
    const o = await bookedOffice({ clerks: 2 });
    const booked = await appointmentOf(o.appointmentId);
    const other = o.clerks.find((c) => c.id !== booked.staffId)!;
    const moved = await o.admin.put(`${o.path}/availability/${booked.staffId}`, {
      ranges: TUESDAY_ONLY_AFTERNOON,
      resolutions: { [o.appointmentId]: { action: 'move' } },
    });
    expect(moved.status).toBe(200);
    expect(moved.json.resolved).toEqual([{ appointmentId: o.appointmentId, outcome: 'moved', startsAt: TUESDAY_0800 }]);
    expect(await appointmentOf(o.appointmentId)).toMatchObject({
      state: 'booked',
      startsAt: new Date(TUESDAY_0800),
      staffId: other.id,
    });
    expect(await kindsOf(o.email)).toEqual(['appointment.confirmation', 'appointment.moved']);
  });

  it('all or nothing: a move without a free slot stores nothing and lists it with the slots to choose from', async () => {
    const o = await bookedOffice();
    const second = bookingRequest(o, '2026-11-24T07:30:00.000Z');
    const secondId = (await client().post(`${o.base}/appointments`, second)).json.appointment.id as string;
    // The one to the next free slot would work; the other is asked onto 09:00, which the change removes.
    const refused = await o.admin.put(`${o.path}/availability/${o.clerk.id}`, {
      ranges: TUESDAY_ONLY_AFTERNOON,
      resolutions: {
        [o.appointmentId]: { action: 'move' },
        [secondId]: { action: 'move', startsAt: '2026-11-24T08:00:00.000Z' },
      },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('availability_collision');
    const collisions = refused.json.collisions.map((c: unknown) => CollisionSchema.parse(c));
    expect(collisions.map((c: Collision) => [c.appointmentId, c.notMoved ?? false])).toEqual([
      [o.appointmentId, false],
      [secondId, true],
    ]);
    // Nothing stored: the old hours, both appointments where they were, no "moved" e-mail.
    const hours = await db().select().from(staffAvailability).where(eq(staffAvailability.staffId, o.clerk.id));
    expect(hours.find((r) => r.weekday === 2)!.startsAt).toBe('08:00');
    expect((await appointmentOf(o.appointmentId)).startsAt).toEqual(new Date(TUESDAY_0800));
    expect((await appointmentOf(secondId)).startsAt).toEqual(new Date('2026-11-24T07:30:00.000Z'));
    expect(await kindsOf(o.email)).toEqual(['appointment.confirmation']);
    expect(await kindsOf(second.email)).toEqual(['appointment.confirmation']);

    // The slots offered are those of the changed hours: Tuesday afternoon first.
    const choices = collisions[1]!.moveChoices!;
    expect(choices.length).toBeGreaterThan(1);
    expect(choices[0]).toEqual({ startsAt: '2026-11-24T12:00:00.000Z', endsAt: '2026-11-24T12:30:00.000Z' });
    // Not one the other appointment is moving into (13:00–13:30 Berlin).
    const chosen = choices.find((c: { startsAt: string }) => c.startsAt >= '2026-11-24T12:30:00.000Z')!.startsAt;
    const done = await o.admin.put(`${o.path}/availability/${o.clerk.id}`, {
      ranges: TUESDAY_ONLY_AFTERNOON,
      resolutions: { [o.appointmentId]: { action: 'move' }, [secondId]: { action: 'move', startsAt: chosen } },
    });
    expect(done.status).toBe(200);
    expect(done.json.resolved).toEqual([
      { appointmentId: o.appointmentId, outcome: 'moved', startsAt: '2026-11-24T12:00:00.000Z' },
      { appointmentId: secondId, outcome: 'moved', startsAt: chosen },
    ]);
    expect(await kindsOf(second.email)).toEqual(['appointment.confirmation', 'appointment.moved']);
  });

  it('a booking and a change that removes its time, at once: never a booking outside availability', async () => {
    for (let round = 0; round < 4; round++) {
      const o = await bookedOffice();
      const ninety = '2026-11-24T08:00:00.000Z';
      const [booking, change] = await Promise.all([
        client().post(`${o.base}/appointments`, bookingRequest(o, ninety)),
        o.admin.put(`${o.path}/availability/${o.clerk.id}`, {
          ranges: TUESDAY_ONLY_AFTERNOON,
          resolutions: { [o.appointmentId]: { action: 'keep' } },
        }),
      ]);
      if (booking.status === 201) {
        // Booked first: the change did not see a resolution for it and changed nothing.
        expect(change.status).toBe(409);
        expect(change.json.collisions.map((c: Collision) => c.appointmentId)).toContain(booking.json.appointment.id);
        const hours = await db().select().from(staffAvailability).where(eq(staffAvailability.staffId, o.clerk.id));
        expect(hours.find((r) => r.weekday === 2)!.startsAt).toBe('08:00');
      } else {
        // Changed first: the time is gone, and the booking is refused.
        expect(change.status).toBe(200);
        expect([409, 422]).toContain(booking.status);
      }
      const absent = { startsOn: '2026-11-25', endsOn: '2026-11-25' };
      const [late, absence] = await Promise.all([
        client().post(`${o.base}/appointments`, bookingRequest(o, WEDNESDAY_0800)),
        o.admin.post(`${o.path}/availability/${o.clerk.id}/absences`, absent),
      ]);
      if (late.status === 201) {
        expect(absence.status).toBe(409);
        expect(absence.json.collisions.map((c: Collision) => c.appointmentId)).toEqual([late.json.appointment.id]);
      } else {
        expect(absence.status).toBe(201);
        expect([409, 422]).toContain(late.status);
      }
    }
  });

  it('a closure over a booking is refused with the list, then added with the booking moved', async () => {
    const o = await bookedOffice();
    const closure = { from: '2026-11-24', to: '2026-11-24', reason: { de: 'Betriebsausflug', en: 'Staff outing' } };
    const refused = await o.admin.post(`${o.path}/closures`, closure);
    expect(refused.status).toBe(409);
    expect(refused.json.collisions.map((c: Collision) => c.appointmentId)).toEqual([o.appointmentId]);
    expect((await o.admin.get(`${o.path}/closures`)).json.closures).toEqual([]);

    const added = await o.admin.post(`${o.path}/closures`, {
      ...closure,
      resolutions: { [o.appointmentId]: { action: 'move' } },
    });
    expect(added.status).toBe(201);
    expect(await appointmentOf(o.appointmentId)).toMatchObject({ state: 'booked', startsAt: new Date(WEDNESDAY_0800) });
    expect(await kindsOf(o.email)).toEqual(['appointment.confirmation', 'appointment.moved']);
    // The e-mail says why, in the booking's language.
    expect((await mailsTo(db(), o.email))[1]!.text).toContain('Betriebsausflug');
    expect((await o.admin.get(`${o.path}/closures`)).json.closures).toHaveLength(1);
  });

  it('a closure’s reason reaches an English booking’s e-mail in English, and in German without an English one', async () => {
    const o = await bookedOffice();
    const english = bookingRequest(o, WEDNESDAY_0800, { language: 'en' });
    const booked = await client().post(`${o.base}/appointments`, english);
    expect(booked.status).toBe(201);
    const cancelBoth = {
      [o.appointmentId]: { action: 'cancel' },
      [booked.json.appointment.id as string]: { action: 'cancel' },
    };
    const added = await o.admin.post(`${o.path}/closures`, {
      from: '2026-11-24',
      to: '2026-11-25',
      reason: { de: 'Umzug des Amts', en: 'The office is moving' },
      resolutions: cancelBoth,
    });
    expect(added.status).toBe(201);
    const [, cancelledEn] = await mailsTo(db(), english.email);
    expect(cancelledEn!.kind).toBe('appointment.cancelled');
    expect(cancelledEn!.text).toContain('The office is moving');
    expect(cancelledEn!.text).not.toContain('Umzug');
    expect((await mailsTo(db(), o.email))[1]!.text).toContain('Umzug des Amts');

    // German only: the English booking's e-mail falls back to German.
    const later = bookingRequest(o, '2026-12-01T07:00:00.000Z', { language: 'en' });
    const laterBooked = await client().post(`${o.base}/appointments`, later);
    expect(laterBooked.status).toBe(201);
    const second = await o.admin.post(`${o.path}/closures`, {
      from: '2026-12-01',
      to: '2026-12-01',
      reason: { de: 'Personalversammlung' },
      resolutions: { [laterBooked.json.appointment.id as string]: { action: 'cancel' } },
    });
    expect(second.status).toBe(201);
    expect((await mailsTo(db(), later.email))[1]!.text).toContain('Personalversammlung');
  });

  /** The office of `bookedOffice` with a booking on Christmas Day too, and its municipality's admin signed in. */
  async function christmasOffice() {
    const o = await bookedOffice();
    const request = bookingRequest(o, CHRISTMAS_0800);
    const booked = await client().post(`${o.base}/appointments`, request);
    expect(booked.status).toBe(201);
    const { browser } = await signedInAdmin(db(), client(), o.tenant.id, {
      values: { isTenantAdmin: true },
      now: clock.now(),
    });
    const prefill = `/api/admin/tenants/${o.tenant.slug}/closures/holidays`;
    return {
      ...o,
      tenantAdmin: browser,
      prefill,
      holidayEmail: request.email,
      holidayId: booked.json.appointment.id as string,
    };
  }
  const holidayClosures = async (tenantId: string) =>
    db()
      .select()
      .from(closures)
      .where(and(eq(closures.tenantId, tenantId), isNull(closures.departmentId)));

  it('the holiday prefill over a booking is refused with the list, then added with the booking moved to the chosen slot', async () => {
    const o = await christmasOffice();
    const refused = await o.tenantAdmin.post(o.prefill, { year: 2026 });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('availability_collision');
    const collisions = refused.json.collisions.map((c: unknown) => CollisionSchema.parse(c));
    // Only the booking on the holiday; the Tuesday one is on a working day.
    expect(collisions.map((c: Collision) => c.appointmentId)).toEqual([o.holidayId]);
    expect(collisions[0]).toMatchObject({ startsAt: CHRISTMAS_0800, resolvable: true });
    expect(await holidayClosures(o.tenant.id)).toEqual([]);
    expect(await kindsOf(o.holidayEmail)).toEqual(['appointment.confirmation']);

    const chosen = collisions[0].moveChoices[1].startsAt as string;
    const added = await o.tenantAdmin.post(o.prefill, {
      year: 2026,
      resolutions: { [o.holidayId]: { action: 'move', startsAt: chosen } },
    });
    expect(added.status).toBe(200);
    expect(added.json.closures.map((c: { from: string }) => c.from)).toContain('2026-12-25');
    expect((await holidayClosures(o.tenant.id)).length).toBe(added.json.added);
    expect(await appointmentOf(o.holidayId)).toMatchObject({ state: 'booked', startsAt: new Date(chosen) });
    expect(await kindsOf(o.holidayEmail)).toEqual(['appointment.confirmation', 'appointment.moved']);
    expect((await appointmentOf(o.appointmentId)).state).toBe('booked');
    expect(await kindsOf(o.email)).toEqual(['appointment.confirmation']);
  });

  it('the holiday prefill over a booking, with the booking cancelled and the e-mail to the citizen', async () => {
    const o = await christmasOffice();
    const done = await o.tenantAdmin.post(o.prefill, {
      year: 2026,
      resolutions: { [o.holidayId]: { action: 'cancel' } },
    });
    expect(done.status).toBe(200);
    expect(done.json.closures.map((c: { from: string }) => c.from)).toContain('2026-12-25');
    expect((await appointmentOf(o.holidayId)).state).toBe('cancelled');
    expect(await kindsOf(o.holidayEmail)).toEqual(['appointment.confirmation', 'appointment.cancelled']);
    // The holiday of that day is named as the reason.
    expect((await mailsTo(db(), o.holidayEmail))[1]!.text).toContain('1. Weihnachtstag');
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, o.tenant.id), eq(auditEvents.action, 'closure.holidays_prefilled')));
    expect(audit!.data).toMatchObject({ year: 2026, collisions: 1 });
  });

  it('shows the week: hours minus absences, bookings, and the free capacity the slot search finds', async () => {
    const o = await bookedOffice();
    await o.admin.post(`${o.path}/availability/${o.clerk.id}/absences`, {
      startsOn: '2026-11-25',
      endsOn: '2026-11-25',
      startsAtTime: '10:00',
      endsAtTime: '23:00',
    });
    const response = await o.admin.get(`${o.path}/availability/week?from=2026-11-23`);
    expect(response.status).toBe(200);
    const week = WeekViewSchema.parse(response.json);
    expect(week.days.map((d) => d.date)).toEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
    ]);
    const clerkOn = (i: number) => week.days[i]!.clerks.find((c) => c.staffId === o.clerk.id)!;
    expect(clerkOn(1).ranges).toEqual([{ startsAt: TUESDAY_0800, endsAt: '2026-11-24T11:00:00.000Z' }]);
    expect(clerkOn(1).appointments).toEqual([
      expect.objectContaining({ id: o.appointmentId, startsAt: TUESDAY_0800, citizenName: 'Erika Mustermann' }),
    ]);
    expect(clerkOn(1).freeMinutes).toBe(240 - 30);
    expect(clerkOn(2).ranges).toEqual([{ startsAt: WEDNESDAY_0800, endsAt: '2026-11-25T09:00:00.000Z' }]);
    expect(clerkOn(2).freeMinutes).toBe(120);
    expect(clerkOn(5).ranges).toEqual([]);
    expect((await o.admin.get(`${o.path}/availability/week?from=23.11.2026`)).status).toBe(400);
  });

  it('refuses week and absence dates outside 2000–2100 with a field error, stores nothing', async () => {
    const o = await bookedOffice();
    const weekOf = (from: string, language?: string) =>
      o.admin.request(
        'GET',
        `${o.path}/availability/week?from=${from}`,
        undefined,
        language ? { 'accept-language': language } : {},
      );
    // 9999-12-27 ran into the year 10000 (500); 0050-01-05 was read as 1950.
    for (const [from, message] of [
      ['9999-12-27', 'Bitte ein Jahr bis 2100.'],
      ['2101-01-01', 'Bitte ein Jahr bis 2100.'],
      ['0050-01-05', 'Bitte ein Jahr ab 2000.'],
      ['1999-12-27', 'Bitte ein Jahr ab 2000.'],
    ] as const) {
      const refused = await weekOf(from);
      expect([from, refused.status, refused.json.code, refused.json.errors]).toEqual([
        from,
        400,
        'validation_failed',
        [{ path: 'from', message }],
      ]);
    }
    expect((await weekOf('9999-12-27', 'en')).json.errors).toEqual([
      { path: 'from', message: 'Please enter a year up to 2100.' },
    ]);
    // The window's last week still answers, into the next year.
    const last = WeekViewSchema.parse((await weekOf('2100-12-27')).json);
    expect(last.days.map((d) => d.date).at(-1)).toBe('2101-01-02');

    // Absences: 0050-01-05 was stored as 1950-01-05.
    const absences = `${o.path}/availability/${o.clerk.id}/absences`;
    const early = await o.admin.post(absences, { startsOn: '0050-01-05', endsOn: '2026-12-31' });
    expect([early.status, early.json.errors]).toEqual([
      400,
      [{ path: 'startsOn', message: 'Bitte ein Jahr ab 2000.' }],
    ]);
    const late = await o.admin.request(
      'POST',
      absences,
      { startsOn: '2026-12-28', endsOn: '9999-12-31' },
      { 'accept-language': 'en' },
    );
    expect([late.status, late.json.errors]).toEqual([
      400,
      [{ path: 'endsOn', message: 'Please enter a year up to 2100.' }],
    ]);
    expect(await db().select().from(staffAbsences).where(eq(staffAbsences.staffId, o.clerk.id))).toEqual([]);
  });

  it('clerks enter their own absences only where allowed, and none that hits a booking', async () => {
    const o = await bookedOffice();
    const { browser: clerk, person } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const own = `/api/staff/departments/${o.department.id}/absences`;
    expect((await clerk.get(own)).json.allowed).toBe(false);
    expect((await clerk.post(own, { startsOn: '2026-11-26', endsOn: '2026-11-26' })).status).toBe(403);
    const rules = (await o.admin.get(`${o.path}/booking-rules`)).json.rules;
    await o.admin.put(`${o.path}/booking-rules`, { ...rules, clerksManageAbsences: true });

    const added = await clerk.post(own, { startsOn: '2026-11-26', endsOn: '2026-11-27' });
    expect(added.status).toBe(201);
    const listed = (await clerk.get(own)).json;
    expect(listed).toMatchObject({ allowed: true, absences: [{ id: added.json.absence.id }] });

    // Give this clerk hours and the booking, so that an absence of theirs hits it.
    const booked = await o.admin.put(`${o.path}/availability/${person.id}`, { ranges: WEEKDAY_MORNINGS });
    expect(booked.status).toBe(200);
    await db().update(appointments).set({ staffId: person.id }).where(eq(appointments.id, o.appointmentId));
    const hit = await clerk.post(own, {
      startsOn: '2026-11-24',
      endsOn: '2026-11-24',
      resolutions: { [o.appointmentId]: { action: 'cancel' } },
    });
    expect(hit.status).toBe(409);
    expect(hit.json.collisions[0]).toMatchObject({
      appointmentId: o.appointmentId,
      citizenName: null,
      resolvable: false,
    });
    expect((await appointmentOf(o.appointmentId)).state).toBe('booked');

    expect((await clerk.request('DELETE', `${own}/${added.json.absence.id}`)).status).toBe(204);
    expect((await clerk.get(own)).json.absences).toEqual([]);
    // Another clerk's absence cannot be removed through one's own list.
    const other = await makeStaff(db(), o.tenant.id, {
      memberships: [{ departmentId: o.department.id, role: 'clerk' }],
    });
    const theirs = await o.admin.post(`${o.path}/availability/${other.id}/absences`, {
      startsOn: '2026-11-30',
      endsOn: '2026-11-30',
    });
    const notOwn = await clerk.request('DELETE', `${own}/${theirs.json.absence.id}`);
    expect([notOwn.status, notOwn.json.code]).toEqual([404, 'entry_not_found']);
  });

  it('refuses clerks, admins of another department, and staff who are not members', async () => {
    const o = await bookedOffice();
    const { browser: clerk } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    expect((await clerk.get(`${o.path}/availability`)).status).toBe(403);
    const other = await makeDepartment(db(), o.tenant.id);
    const { browser: neighbour } = await signedInAdmin(db(), client(), o.tenant.id, {
      memberships: [{ departmentId: other.id, role: 'admin' }],
      now: clock.now(),
    });
    expect(
      (
        await neighbour.post(`${o.path}/availability/${o.clerk.id}/absences`, {
          startsOn: '2026-11-26',
          endsOn: '2026-11-26',
        })
      ).status,
    ).toBe(403);
    expect((await neighbour.get(`${o.path}/availability/week?from=2026-11-23`)).status).toBe(403);
    // A clerk of the other department is no member here: not reachable through this one.
    const stranger = await makeStaff(db(), o.tenant.id, { memberships: [{ departmentId: other.id, role: 'clerk' }] });
    const notMember = await o.admin.put(`${o.path}/availability/${stranger.id}`, { ranges: [] });
    expect([notMember.status, notMember.json.code]).toEqual([404, 'entry_not_found']);
  });
});
