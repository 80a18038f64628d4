// One file on purpose, though over 400 lines: its tests share one running server per database
// (useBookingServer), and a second file would start two more on a machine where tests compete
// for two cores. manage.test.ts holds the manage link and the clerk's side.
import { randomBytes } from 'node:crypto';
import { BookingInfoSchema, BookingResponseSchema, ProblemSchema, SlotsResponseSchema } from '@amtsraum/shared';
import { and, eq, ne } from 'drizzle-orm';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { appointments, auditEvents, mailOutbox } from '../../db/schema.js';
import type { LiveEvent } from '../../lib/event-bus.js';
import {
  bookingRequest,
  citizenEmail,
  makeAbsence,
  makeAppointment,
  BOOKING_NOW,
  TUESDAY_0800,
  mailsTo,
  joinTokenFromMail,
  tokenFromMail,
} from '../../test/booking-factories.js';
import { BOOKING_LINE } from '../../lib/work-gate.js';
import { databaseKinds } from '../../test/databases.js';
import { eventually } from '../../test/eventually.js';
import { makeClosure, makeService } from '../../test/factories.js';
import { useBookingServer } from '../../test/suite.js';
import { hashToken } from '../staff/auth.service.js';
import { appointmentJoinToken, appointmentToken } from './appointment-mail.js';
import { BOOKING_LIMITS } from './appointments.router.js';

describe.each(databaseKinds)('booking on %s', (kind) => {
  const { suite, clock, client, db, office } = useBookingServer(kind, BOOKING_NOW);
  type Office = Awaited<ReturnType<typeof office>>;

  const booking = bookingRequest;
  const slotsOf = async (o: Office, query: string) => {
    const response = await client().get(`${o.base}/slots?${query}`);
    expect(response.status).toBe(200);
    return SlotsResponseSchema.parse(response.json);
  };
  /** Takes every place of the booking line, as a rush would, until the test lets go. */
  const holdEveryPlace = () => {
    const gate = suite.server.deps.bookingGate;
    let release!: () => void;
    const busy = new Promise<void>((resolve) => (release = resolve));
    const holders = Array.from({ length: suite.server.deps.config.bookingConcurrency }, (_, i) =>
      gate.run('booking', `holder ${i}`, () => busy),
    );
    onTestFinished(() => release());
    return {
      gate,
      releaseAll: async () => {
        release();
        await Promise.all(holders);
      },
    };
  };
  const liveAppointments = (departmentId: string) =>
    db()
      .select()
      .from(appointments)
      .where(and(eq(appointments.departmentId, departmentId), ne(appointments.state, 'cancelled')));

  it('describes the booking page: bookable services, persons, horizon, time zone', async () => {
    const o = await office({ department: { joinOpensMinutesBefore: 5 } });
    await makeService(db(), o.department.id, {
      bookable: false,
      slug: `nur-klopfen-${randomBytes(3).toString('hex')}`,
    });
    const response = await client().get(`${o.base}/booking`);
    expect(response.status).toBe(200);
    const info = BookingInfoSchema.parse(response.json);
    expect(info).toMatchObject({
      tenantSlug: o.tenant.slug,
      departmentSlug: o.department.slug,
      timeZone: 'Europe/Berlin',
      maxPersons: 4,
      horizonDays: 60,
      joinOpensMinutesBefore: 5,
      // The office's clock, for the calendar's "today" on a phone whose clock is off.
      serverTime: BOOKING_NOW.toISOString(),
    });
    expect(info.services.map((s) => s.slug)).toEqual([o.services[0]!.slug]);
    expect(info.services[0]).toMatchObject({ durationMinutes: 30, extraMinutesPerPerson: 15 });
    expect((await client().get(`/api/tenants/${o.tenant.slug}/departments/nirgends/booking`)).status).toBe(404);
  });

  it('lists free slots in the tenant zone, per day, with the next free day', async () => {
    const o = await office();
    const week = await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-23&days=7`);
    expect(week.timeZone).toBe('Europe/Berlin');
    expect(week.durationMinutes).toBe(30);
    expect(week.days.map((d) => [d.date, d.slots.length])).toEqual([
      ['2026-11-23', 0], // today: not released yet at 07:00
      ['2026-11-24', 15], // 08:00 … 11:30
      ['2026-11-25', 15],
      ['2026-11-26', 15],
      ['2026-11-27', 15],
      ['2026-11-28', 0],
      ['2026-11-29', 0],
    ]);
    expect(week.days[1]!.slots[0]).toEqual({ startsAt: TUESDAY_0800, endsAt: '2026-11-24T07:30:00.000Z' });
    expect(week.days[1]!.slots.at(-1)!.startsAt).toBe('2026-11-24T10:30:00.000Z');
    expect(week.nextFreeDate).toBe('2026-11-30');

    // Default range: today and six more days.
    const byDefault = await slotsOf(o, `services=${o.services[0]!.slug}`);
    expect(byDefault.days.map((d) => d.date)).toEqual(week.days.map((d) => d.date));

    // Far outside the horizon: empty days, and still the next free day.
    const past = await slotsOf(o, `services=${o.services[0]!.slug}&from=2000-01-01&days=2`);
    expect(past.days).toEqual([
      { date: '2000-01-01', slots: [], status: 'none', releasesAt: null, reason: null },
      { date: '2000-01-02', slots: [], status: 'none', releasesAt: null, reason: null },
    ]);
    expect(past.nextFreeDate).toBe('2026-11-24');
    const future = await slotsOf(o, `services=${o.services[0]!.slug}&from=2027-06-01&days=1`);
    expect([future.days[0]!.slots, future.nextFreeDate]).toEqual([[], null]);

    // A weekend asks for the next free day.
    const weekend = await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-28&days=2`);
    expect(weekend.nextFreeDate).toBe('2026-11-30');
  });

  it('sums the duration over services and persons', async () => {
    const o = await office({
      services: [
        { durationMinutes: 30, extraMinutesPerPerson: 15 },
        { durationMinutes: 20, extraMinutesPerPerson: 0 },
      ],
    });
    const slugs = o.services.map((s) => s.slug).join(',');
    const result = await slotsOf(o, `services=${slugs}&persons=3&from=2026-11-24&days=1`);
    // (30 + 15 × 2) + (20 + 0) = 80 minutes, on a 15-minute grid in 08:00–12:00.
    expect(result.durationMinutes).toBe(80);
    expect(result.days[0]!.slots.map((s) => s.startsAt).at(-1)).toBe('2026-11-24T09:30:00.000Z'); // 10:30–11:50
  });

  it('leaves out holidays, department closures, absences and booked times; releases today at 07:30', async () => {
    const o = await office();
    const other = await office();
    await makeClosure(db(), {
      tenantId: o.tenant.id,
      departmentId: null,
      startsOn: '2026-11-25',
      endsOn: '2026-11-25',
    });
    await makeClosure(db(), {
      tenantId: o.tenant.id,
      departmentId: o.department.id,
      startsOn: '2026-11-26',
      endsOn: '2026-11-26',
    });
    // Another department's closure does not matter here.
    await makeClosure(db(), {
      tenantId: other.tenant.id,
      departmentId: other.department.id,
      startsOn: '2026-11-27',
      endsOn: '2026-11-27',
    });
    const clerk = o.clerks[0]!;
    await makeAbsence(db(), clerk.id, new Date('2026-11-27T07:00:00Z'), new Date('2026-11-27T09:00:00Z'));
    await makeAppointment(db(), {
      tenantId: o.tenant.id,
      departmentId: o.department.id,
      staffId: clerk.id,
      serviceIds: [o.services[0]!.id],
      startsAt: new Date('2026-11-24T08:00:00Z'),
      minutes: 60,
    });
    // A cancelled appointment frees its time again.
    await makeAppointment(db(), {
      tenantId: o.tenant.id,
      departmentId: o.department.id,
      staffId: clerk.id,
      serviceIds: [o.services[0]!.id],
      startsAt: new Date('2026-11-24T10:00:00Z'),
      minutes: 30,
      state: 'cancelled',
    });
    const result = await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-24&days=4`);
    const times = (date: string) =>
      result.days.find((d) => d.date === date)!.slots.map((s) => s.startsAt.slice(11, 16));
    // Booked 09:00–10:00 Berlin: 08:45, 09:00, 09:15, 09:30 cannot fit.
    expect(times('2026-11-24')).toEqual([
      '07:00',
      '07:15',
      '07:30',
      '09:00',
      '09:15',
      '09:30',
      '09:45',
      '10:00',
      '10:15',
      '10:30',
    ]);
    expect(times('2026-11-25')).toEqual([]);
    expect(times('2026-11-26')).toEqual([]);
    expect(times('2026-11-27')[0]).toBe('09:00'); // absent 08:00–10:00 Berlin
    // Closed days say so rather than "booked up" (issue 13).
    const status = (r: typeof result, date: string) => r.days.find((d) => d.date === date)!.status;
    expect([status(result, '2026-11-25'), status(result, '2026-11-26'), status(result, '2026-11-24')]).toEqual([
      'closed',
      'closed',
      'free',
    ]);
    // Today before the release: "from 07:30", with the instant.
    const early = await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-23&days=1`);
    expect(early.days[0]).toMatchObject({ status: 'not_released', releasesAt: '2026-11-23T06:30:00.000Z', slots: [] });

    clock.set('2026-11-23T06:40:00Z'); // 07:40: released, with 15 minutes' notice
    const today = await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-23&days=1`);
    expect(today.days[0]!.slots[0]!.startsAt).toBe('2026-11-23T07:00:00.000Z');
    clock.set('2026-11-23T09:20:00Z'); // 10:20: from 10:35 on
    const later = await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-23&days=1`);
    expect(later.days[0]!.slots.map((s) => s.startsAt.slice(11, 16))).toEqual(['09:45', '10:00', '10:15', '10:30']);
  });

  it("says why a day is closed: a holiday's name, a closure's reason, the department's own first", async () => {
    const o = await office();
    const holiday = { de: 'Buß- und Bettag', en: 'Day of Prayer and Repentance' };
    await makeClosure(db(), {
      tenantId: o.tenant.id,
      departmentId: null,
      startsOn: '2026-11-24',
      endsOn: '2026-11-25',
      reason: holiday,
    });
    // The department's own closure over the holiday's second day: its reason is the one shown.
    await makeClosure(db(), {
      tenantId: o.tenant.id,
      departmentId: o.department.id,
      startsOn: '2026-11-25',
      endsOn: '2026-11-26',
      reason: { de: 'Betriebsausflug' },
    });
    await makeClosure(db(), {
      tenantId: o.tenant.id,
      departmentId: o.department.id,
      startsOn: '2026-11-27',
      endsOn: '2026-11-27',
    });
    const result = await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-24&days=6`);
    expect(result.days.map((d) => [d.date, d.status, d.reason])).toEqual([
      ['2026-11-24', 'closed', holiday],
      ['2026-11-25', 'closed', { de: 'Betriebsausflug' }],
      ['2026-11-26', 'closed', { de: 'Betriebsausflug' }],
      ['2026-11-27', 'closed', null], // a closure without a reason
      ['2026-11-28', 'closed', null], // Saturday: nobody's hours
      ['2026-11-29', 'closed', null],
    ]);
    // Asked again (from the cache), the same.
    const again = await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-24&days=1`);
    expect(again.days[0]!.reason).toEqual(holiday);
  });

  it('finds the next free day weeks after the days asked for, past a long absence', async () => {
    const o = await office();
    // Away from Tuesday to Saturday two weeks later: the next free day is Monday 14 December,
    // beyond the week the search reads after the days asked for.
    await makeAbsence(db(), o.clerks[0]!.id, new Date('2026-11-23T23:00:00Z'), new Date('2026-12-12T12:00:00Z'));
    const service = `services=${o.services[0]!.slug}`;
    const start = await slotsOf(o, `${service}&from=2026-11-24&days=2`);
    expect(start.days.map((d) => d.slots.length)).toEqual([0, 0]);
    expect(start.nextFreeDate).toBe('2026-12-14');
    const later = await slotsOf(o, `${service}&from=2026-12-01&days=3`);
    expect(later.nextFreeDate).toBe('2026-12-14');
    const after = await slotsOf(o, `${service}&from=2026-12-10&days=4`);
    expect(after.days.map((d) => d.slots.length)).toEqual([0, 0, 0, 0]);
    expect(after.nextFreeDate).toBe('2026-12-14');
    const found = await slotsOf(o, `${service}&from=2026-12-14&days=1`);
    expect(found.days[0]!.slots.length).toBe(15); // 08:00 … 11:30
  });

  it('refuses bad slot queries with a validation error', async () => {
    const o = await office();
    const closed = await makeService(db(), o.department.id, { bookable: false });
    for (const query of [
      'services=',
      'services=gibt-es-nicht',
      `services=${closed.slug}`,
      `services=${o.services[0]!.slug}&persons=5`,
      `services=${o.services[0]!.slug}&persons=0`,
      `services=${o.services[0]!.slug}&from=23.11.2026`,
      `services=${o.services[0]!.slug}&days=32`,
      // Number() reads these as 3, 10, 0 and 2: a link that did not write a number gets none.
      `services=${o.services[0]!.slug}&persons=0x3`,
      `services=${o.services[0]!.slug}&days=1e1`,
      `services=${o.services[0]!.slug}&days=`,
      `services=${o.services[0]!.slug}&persons=1&persons=2`,
    ]) {
      const response = await client().get(`${o.base}/slots?${query}`);
      expect([query, response.status, response.json.code]).toEqual([query, 400, 'validation_failed']);
    }
  });

  it('refuses a first day outside 2000–2100 naming `from`, in German and in English when asked', async () => {
    const o = await office();
    const service = `services=${o.services[0]!.slug}`;
    const errorsOf = async (query: string, language?: string) => {
      const headers: Record<string, string> = language ? { 'accept-language': language } : {};
      const response = await client().request('GET', `${o.base}/slots?${service}&${query}`, undefined, headers);
      return [query, response.status, response.json.code, response.json.errors];
    };
    // 0001 was read as 1901, 0100 answered as "100-01-01", 9999-12-31 ran into "10000-01-01".
    for (const from of ['0001-01-01', '0050-01-05', '0100-01-01', '1999-12-31']) {
      expect(await errorsOf(`from=${from}`)).toEqual([
        `from=${from}`,
        400,
        'validation_failed',
        [{ path: 'from', message: 'Bitte ein Jahr ab 2000.' }],
      ]);
    }
    for (const from of ['2101-01-01', '9999-12-31']) {
      expect(await errorsOf(`from=${from}`, 'en')).toEqual([
        `from=${from}`,
        400,
        'validation_failed',
        [{ path: 'from', message: 'Please enter a year up to 2100.' }],
      ]);
    }
    // The window's last day, and a month from it: the answer keeps its own schema.
    const last = await slotsOf(o, `${service}&from=2100-12-31&days=31`);
    expect([last.days[0]!.date, last.days.at(-1)!.date]).toEqual(['2100-12-31', '2101-01-30']);
  });

  it('answers a bad `services` parameter with one clear error on `services`', async () => {
    const o = await office();
    const errorsOf = async (query: string, language?: string) => {
      const headers: Record<string, string> = language ? { 'accept-language': language } : {};
      const response = await client().request('GET', `${o.base}/slots?${query}`, undefined, headers);
      return [query, response.status, response.json.errors];
    };
    const notHere = [{ path: 'services', message: 'Diese Leistung kann hier nicht gebucht werden.' }];
    // Not a slug: was "Mindestens 2 Zeichen." and "Nur Kleinbuchstaben…" on `services.0`.
    for (const query of [
      'services=X',
      'services=Personalausweis%20beantragen',
      `services=${o.services[0]!.slug},A_b`,
    ]) {
      expect(await errorsOf(query)).toEqual([query, 400, notHere]);
    }
    expect(await errorsOf('services=X', 'en')).toEqual([
      'services=X',
      400,
      [{ path: 'services', message: 'This service cannot be booked here.' }],
    ]);
    // Not one text (a repeated parameter), or none at all.
    const choose = [{ path: 'services', message: 'Bitte wählen Sie eine Leistung.' }];
    for (const query of ['services=ab&services=cd', 'days=1', 'services=,']) {
      expect(await errorsOf(query)).toEqual([query, 400, choose]);
    }
    expect(await errorsOf('services=a,b,c,d,e,f')).toEqual([
      'services=a,b,c,d,e,f',
      400,
      [{ path: 'services', message: 'Höchstens 5 Einträge.' }],
    ]);
  });

  it('books a slot: the e-mail carries the only copy of the token, in the booking language', async () => {
    const o = await office();
    const events: LiveEvent[] = [];
    const unsubscribe = suite.server.deps.events.subscribe((event) => events.push(event));
    const body = booking(o, TUESDAY_0800, {
      language: 'en',
      interpreterLanguage: 'tr',
      phone: '+49 30 1234',
      concern: 'Neuer Reisepass',
      persons: 2,
    });
    const response = await client().post(`${o.base}/appointments`, body);
    expect(response.status).toBe(201);
    const { appointment } = BookingResponseSchema.parse(response.json);
    expect(appointment).toMatchObject({
      state: 'booked',
      tenantSlug: o.tenant.slug,
      departmentSlug: o.department.slug,
      timeZone: 'Europe/Berlin',
      startsAt: TUESDAY_0800,
      endsAt: '2026-11-24T07:45:00.000Z', // 30 + 15 for the second person
      persons: 2,
      name: 'Erika Mustermann',
      email: body.email,
      language: 'en',
      interpreterLanguage: 'tr',
      joinOpensAt: '2026-11-24T06:50:00.000Z',
      canCancel: true,
      documents: [{ de: 'Personalausweis', en: 'Identity card' }],
    });

    const [row] = await db().select().from(appointments).where(eq(appointments.id, appointment.id));
    expect(row).toMatchObject({ staffId: o.clerks[0]!.id, phone: '+49 30 1234', concern: 'Neuer Reisepass' });

    const mails = await mailsTo(db(), body.email);
    expect(mails.map((m) => m.kind)).toEqual(['appointment.confirmation']);
    expect(mails[0]!.subject).toMatch(/^Appointment confirmed/);
    expect(mails[0]!.tenantId).toBe(o.tenant.id);
    // The interpreter asked for, named in the mail's language, in the text and the HTML part.
    expect(mails[0]!.text).toMatch(/Interpreter:\s+Turkish/);
    expect(mails[0]!.html).toContain('Turkish');
    const token = tokenFromMail(mails[0]!.text);
    const joinToken = joinTokenFromMail(mails[0]!.text);
    expect(mails[0]!.text).toContain(`http://amtsraum.test/termin/beitreten#${joinToken}`);
    expect(mails[0]!.text).toContain(`http://amtsraum.test/termin#${token}`);
    // Two tokens: the join link's only joins (decision 008, addendum), so neither leads to the other.
    expect(joinToken).not.toBe(token);
    // Stored only as their hashes, never in the answer.
    expect(row!.manageTokenHash).toBe(hashToken(token));
    expect(row!.joinTokenHash).toBe(hashToken(joinToken));
    expect(token).toBe(appointmentToken(suite.server.deps.config.sessionSecret, appointment.id));
    expect(joinToken).toBe(appointmentJoinToken(suite.server.deps.config.sessionSecret, appointment.id));
    expect(JSON.stringify(response.json)).not.toContain(token);
    expect(JSON.stringify(response.json)).not.toContain(joinToken);

    const audit = await db().select().from(auditEvents).where(eq(auditEvents.departmentId, o.department.id));
    expect(audit).toMatchObject([{ action: 'appointment.booked', actorKind: 'citizen', actorStaffId: null }]);
    expect(audit[0]!.data).toMatchObject({ appointmentId: appointment.id, persons: 2 });
    expect(JSON.stringify(audit[0]!.data)).not.toMatch(/Erika|@|Reisepass|\+49/);

    await expect
      .poll(() => events.some((event) => 'departmentId' in event && event.departmentId === o.department.id))
      .toBe(true);
    unsubscribe();

    // The slot is gone from the list.
    const after = await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-24&days=1`);
    expect(after.days[0]!.slots[0]!.startsAt).toBe('2026-11-24T07:45:00.000Z');
  });

  it('writes the e-mail in German for German and for languages it does not write in', async () => {
    const o = await office();
    for (const [language, start] of [
      ['de', '2026-11-24T08:00:00.000Z'],
      ['ar', '2026-11-24T09:00:00.000Z'],
    ] as const) {
      const body = booking(o, start, { language, ...(language === 'ar' ? { interpreterLanguage: 'ar' } : {}) });
      expect((await client().post(`${o.base}/appointments`, body)).status).toBe(201);
      const [mail] = await mailsTo(db(), body.email);
      expect(mail!.subject).toMatch(/^Terminbestätigung: Testamt, /);
      if (language === 'ar') expect(mail!.text).toMatch(/Verdolmetschung:\s+Arabisch/);
      else expect(mail!.text).not.toContain('Verdolmetschung');
    }
  });

  it('lets exactly one of 20 simultaneous bookings of one slot with one clerk succeed', async () => {
    const o = await office();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800))),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const lost of results.filter((r) => r.status === 409)) {
      const problem = ProblemSchema.parse(lost.json);
      expect(problem.code).toBe('slot_taken');
      expect(problem.alternatives).toEqual([
        { startsAt: '2026-11-24T07:30:00.000Z', endsAt: '2026-11-24T08:00:00.000Z' },
        { startsAt: '2026-11-24T07:45:00.000Z', endsAt: '2026-11-24T08:15:00.000Z' },
        { startsAt: '2026-11-24T08:00:00.000Z', endsAt: '2026-11-24T08:30:00.000Z' },
      ]);
    }
    expect(await liveAppointments(o.department.id)).toHaveLength(1);
    // Only the winner was told so by e-mail.
    const queued = await db().select().from(mailOutbox).where(eq(mailOutbox.tenantId, o.tenant.id));
    expect(queued).toHaveLength(1);
  });

  it('lets exactly two of 20 simultaneous bookings succeed with two clerks, one each', async () => {
    const o = await office({ clerks: 2 });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800))),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409 && r.json.code === 'slot_taken')).toHaveLength(18);
    const rows = await liveAppointments(o.department.id);
    expect(rows.map((r) => r.staffId).sort()).toEqual(o.clerks.map((c) => c.id).sort());
  });

  it('gives the clerk with fewer bookings that day the next one', async () => {
    const o = await office({ clerks: 2 });
    const [first, second] = o.clerks;
    await makeAppointment(db(), {
      tenantId: o.tenant.id,
      departmentId: o.department.id,
      staffId: first!.id < second!.id ? first!.id : second!.id,
      serviceIds: [o.services[0]!.id],
      startsAt: new Date('2026-11-24T10:00:00Z'),
      minutes: 30,
    });
    const response = await client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800));
    expect(response.status).toBe(201);
    const [row] = await db().select().from(appointments).where(eq(appointments.id, response.json.appointment.id));
    expect(row!.staffId).toBe(first!.id < second!.id ? second!.id : first!.id);
  });

  it('refuses times that never were free slots with 422 slot_unavailable, and changes nothing', async () => {
    const o = await office();
    await makeClosure(db(), {
      tenantId: o.tenant.id,
      departmentId: null,
      startsOn: '2026-12-24',
      endsOn: '2026-12-26',
    });
    const cases: [string, string][] = [
      ['the past', '2026-11-20T08:00:00.000Z'],
      ['earlier today', '2026-11-23T05:00:00.000Z'],
      ['today, released only at 07:30', '2026-11-23T09:00:00.000Z'],
      ['past the horizon', '2027-01-25T08:00:00.000Z'], // Monday, 63 days ahead
      ['outside the hours', '2026-11-24T12:00:00.000Z'], // 13:00 Berlin
      ['ending after the hours', '2026-11-24T10:45:00.000Z'], // 11:45–12:15
      ['off the grid', '2026-11-24T07:05:00.000Z'],
      ['a Saturday', '2026-11-28T08:00:00.000Z'],
      ['a holiday', '2026-12-24T08:00:00.000Z'],
      ['with seconds', '2026-11-24T07:00:30.000Z'],
    ];
    for (const [why, startsAt] of cases) {
      const response = await client().post(`${o.base}/appointments`, booking(o, startsAt));
      expect([why, response.status, response.json.code]).toEqual([why, 422, 'slot_unavailable']);
    }
    // Within the lead time on the next morning: at 23:30 Monday with 10 hours' lead.
    const early = await office({ department: { bookingLeadMinutes: 600 } });
    clock.set('2026-11-23T22:30:00Z');
    const tooSoon = await client().post(`${early.base}/appointments`, booking(early, '2026-11-24T08:00:00.000Z'));
    expect(tooSoon.json.code).toBe('slot_unavailable');
    expect((await client().post(`${early.base}/appointments`, booking(early, '2026-11-24T08:30:00.000Z'))).status).toBe(
      201,
    );

    expect(await liveAppointments(o.department.id)).toEqual([]);
    expect(await db().select().from(mailOutbox).where(eq(mailOutbox.tenantId, o.tenant.id))).toEqual([]);
  });

  it('refuses an absent clerk’s time as never free', async () => {
    const o = await office();
    await makeAbsence(db(), o.clerks[0]!.id, new Date('2026-11-24T00:00:00Z'), new Date('2026-11-25T00:00:00Z'));
    const response = await client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800));
    expect(response.json.code).toBe('slot_unavailable');
  });

  it('refuses malformed and impossible requests with validation errors naming the field', async () => {
    const o = await office();
    const closed = await makeService(db(), o.department.id, { bookable: false });
    const elsewhere = await office();
    const cases: [string, Record<string, unknown>, string][] = [
      ['malformed e-mail', { email: 'kein-at-zeichen' }, 'email'],
      ['too many persons for the department', { persons: 5 }, 'persons'],
      ['too many persons at all', { persons: 21 }, 'persons'],
      ['no persons', { persons: 0 }, 'persons'],
      ['unknown service', { services: ['gibt-es-nicht'] }, 'services'],
      ['service not bookable', { services: [closed.slug] }, 'services'],
      ['another department’s service', { services: [elsewhere.services[0]!.slug] }, 'services'],
      ['no service', { services: [] }, 'services'],
      ['no consent', { consent: false }, 'consent'],
      ['no name', { name: '  ' }, 'name'],
      ['not an instant', { startsAt: 'Dienstag um acht' }, 'startsAt'],
      ['bad phone', { phone: 'call me maybe' }, 'phone'],
      ['bad language', { language: 'deutsch' }, 'language'],
    ];
    for (const [why, change, path] of cases) {
      const response = await client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800, change));
      expect([why, response.status, response.json.code]).toEqual([why, 400, 'validation_failed']);
      expect(response.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const nowhere = await client().post(
      `/api/tenants/${o.tenant.slug}/departments/nirgends/appointments`,
      booking(o, TUESDAY_0800),
    );
    expect([nowhere.status, nowhere.json.code]).toEqual([404, 'department_not_found']);
    expect(await liveAppointments(o.department.id)).toEqual([]);
  });

  it('words the department’s persons limit and a missing consent in German, and in English when asked', async () => {
    const o = await office();
    const messages = async (change: Record<string, unknown>, language?: string) => {
      const asker = client();
      const headers: Record<string, string> = language ? { 'accept-language': language } : {};
      const answers = [
        await asker.request('POST', `${o.base}/appointments`, booking(o, TUESDAY_0800, change), headers),
        ...('persons' in change
          ? [
              await asker.request(
                'GET',
                `${o.base}/slots?services=${o.services[0]!.slug}&persons=${String(change.persons)}`,
                undefined,
                headers,
              ),
            ]
          : []),
      ];
      return answers.map((answer) => (answer.json.errors as { message: string }[]).map((e) => e.message));
    };
    // The test office takes 4 persons.
    expect(await messages({ persons: 5 })).toEqual([
      ['Höchstens 4 Personen pro Termin.'],
      ['Höchstens 4 Personen pro Termin.'],
    ]);
    expect(await messages({ persons: 5 }, 'en')).toEqual([
      ['At most 4 persons per appointment.'],
      ['At most 4 persons per appointment.'],
    ]);
    expect(await messages({ consent: false })).toEqual([['Bitte stimmen Sie dem Datenschutzhinweis zu.']]);
    expect(await messages({ consent: undefined }, 'en-GB')).toEqual([['Please agree to the privacy notice.']]);
  });

  it('limits slot searches per client address with 429 and Retry-After; bad queries count too', async () => {
    const o = await office();
    const flood = client();
    for (let i = 0; i < BOOKING_LIMITS.slots.max; i++) {
      const response = await flood.get(`${o.base}/slots?services=`);
      expect(response.status).toBe(400);
    }
    // Over the limit: 429 even for a good query, whose answer is not sent.
    for (let i = 0; i < 2; i++) {
      const limited = await flood.get(`${o.base}/slots?services=${o.services[0]!.slug}&days=1`);
      expect([limited.status, limited.json.code]).toEqual([429, 'rate_limited']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.json.days).toBeUndefined();
    }
    // Another address searches as before.
    expect((await slotsOf(o, `services=${o.services[0]!.slug}&days=1`)).days).toHaveLength(1);
  });

  it('limits booking floods per client address and per e-mail address with 429 and Retry-After', async () => {
    const o = await office();
    const flood = client();
    const statuses: number[] = [];
    for (let i = 0; i <= BOOKING_LIMITS.perAddress.max; i++) {
      // Never-free times: nothing is booked, but every try counts.
      statuses.push((await flood.post(`${o.base}/appointments`, booking(o, '2026-11-28T08:00:00.000Z'))).status);
    }
    expect(statuses.slice(0, -1).every((s) => s === 422)).toBe(true);
    const limited = await flood.post(`${o.base}/appointments`, booking(o, TUESDAY_0800));
    expect(limited.status).toBe(429);
    expect(limited.json.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const address = citizenEmail();
    // Refused bookings cost the e-mail address nothing: a stranger cannot use it up with bad tries.
    for (let i = 0; i < BOOKING_LIMITS.perEmail.max + 1; i++) {
      const response = await client().post(
        `${o.base}/appointments`,
        booking(o, '2026-11-28T08:00:00.000Z', { email: address }),
      );
      expect(response.status).toBe(422);
    }
    expect(await liveAppointments(o.department.id)).toEqual([]);
    // Bookings made count, the same address in other letters as the same address.
    for (let i = 0; i < BOOKING_LIMITS.perEmail.max; i++) {
      const [free] = (await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-24&days=1`)).days[0]!.slots;
      const email = i % 2 === 0 ? address : address.toUpperCase();
      const made = await client().post(`${o.base}/appointments`, booking(o, free!.startsAt, { email }));
      expect(made.status).toBe(201);
    }
    const [free] = (await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-24&days=1`)).days[0]!.slots;
    const again = await client().post(`${o.base}/appointments`, booking(o, free!.startsAt, { email: address }));
    expect(again.status).toBe(429);
    expect(again.json.code).toBe('booking_limit_reached');
    expect(again.json.title).toBe(
      'Mit dieser E-Mail-Adresse wurden heute schon mehrere Termine gebucht. Bitte versuchen Sie es morgen wieder oder wenden Sie sich direkt an das Amt.',
    );
    expect(again.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await liveAppointments(o.department.id)).toHaveLength(BOOKING_LIMITS.perEmail.max);
  });

  it('lets searches and bookings wait in line while the server is busy: bookings first, a few per address', async () => {
    const o = await office();
    const gate = suite.server.deps.bookingGate;
    const tuesday = `${o.base}/slots?services=${o.services[0]!.slug}&from=2026-11-24&days=1`;
    // Every place taken, as in a rush.
    const releases: (() => void)[] = [];
    const holders = Array.from({ length: suite.server.deps.config.bookingConcurrency }, (_, i) =>
      gate.run('search', `holder ${i}`, () => new Promise<void>((resolve) => releases.push(resolve))),
    );
    onTestFinished(() => releases.forEach((release) => release()));
    const searcher = client();
    const searched = searcher.get(tuesday);
    const booked = client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800));
    await eventually(() => gate.waiting === 2 || undefined, 'the search and the booking in line');
    // One address holds a few places; more of its requests are refused at once, not kept waiting.
    const more = Array.from({ length: BOOKING_LINE.waitingPerKey - 1 }, () => searcher.get(tuesday));
    await eventually(() => gate.waiting === BOOKING_LINE.waitingPerKey + 1 || undefined, 'the address’s places');
    const refused = await searcher.get(tuesday);
    expect([refused.status, refused.json.code]).toEqual([429, 'rate_limited']);
    expect(refused.headers.get('retry-after')).toBe(String(BOOKING_LINE.retryAfterSeconds));
    expect(gate.waiting).toBe(BOOKING_LINE.waitingPerKey + 1);
    expect(await liveAppointments(o.department.id)).toEqual([]);

    // One place comes free: the booking takes it, ahead of the searches that came before it, and
    // the searches follow one by one in that place, each seeing the booked time taken.
    releases[0]!();
    expect((await booked).status).toBe(201);
    for (const answer of await Promise.all([searched, ...more])) {
      expect(answer.status).toBe(200);
      const slots = SlotsResponseSchema.parse(answer.json).days[0]!.slots;
      expect(slots.map((slot) => slot.startsAt)).not.toContain(TUESDAY_0800);
      expect(slots).toHaveLength(13); // 15 before, less 08:00 and 08:15
    }
    for (const release of releases) release();
    await Promise.all(holders);
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });

  it('refuses a time the slot cache knows taken at once, without waiting in line', async () => {
    const o = await office();
    expect((await client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800))).status).toBe(201);
    // A first refusal in line reads what its alternatives need; the cache keeps it, as in a rush.
    expect((await client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800))).status).toBe(409);
    const { gate, releaseAll } = holdEveryPlace();
    // Every place taken: the refusal comes all the same, with alternatives, and nothing waits.
    const taken = await client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800));
    expect([taken.status, taken.json.code]).toEqual([409, 'slot_taken']);
    expect(taken.json.alternatives.length).toBeGreaterThan(0);
    expect(gate.waiting).toBe(0);
    await releaseAll();
    expect(await liveAppointments(o.department.id)).toHaveLength(1);
  });

  it('lets bookings of a slot already on its way wait for it outside the line, and refuses them at once once it is made', async () => {
    const o = await office();
    const TUESDAY_0830 = '2026-11-24T07:30:00.000Z';
    // As in a rush: the office is known, and a first refusal has read what alternatives need.
    expect((await client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800))).status).toBe(201);
    expect((await client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800))).status).toBe(409);
    const { gate, releaseAll } = holdEveryPlace();
    const followers = suite.server.deps.slotFollowers;
    const intoLine = vi.spyOn(gate, 'run');
    onTestFinished(() => intoLine.mockRestore());
    const first = client().post(`${o.base}/appointments`, booking(o, TUESDAY_0830));
    await eventually(() => gate.waiting === 1 || undefined, 'the first booking in line');
    // Two more citizens choose the same time: they wait for the first, not in the line.
    const others = [client(), client()].map((other) => other.post(`${o.base}/appointments`, booking(o, TUESDAY_0830)));
    await eventually(() => followers.waiting === 2 || undefined, 'the others waiting for the first');
    expect(gate.waiting).toBe(1);
    await releaseAll();
    expect((await first).status).toBe(201);
    for (const answer of await Promise.all(others)) {
      expect([answer.status, answer.json.code]).toEqual([409, 'slot_taken']);
      expect(answer.json.alternatives.length).toBeGreaterThan(0);
    }
    // Only the first booking ever went into the line.
    expect(intoLine.mock.calls.filter(([lane]) => lane === 'booking')).toHaveLength(1);
    expect(followers.waiting).toBe(0);
    expect(await liveAppointments(o.department.id)).toHaveLength(2);
  });

  it('lets the next booking of a slot go on into the line when the one ahead of it was refused', async () => {
    const o = await office({ clerks: 2 });
    const booked = booking(o, TUESDAY_0800);
    expect((await client().post(`${o.base}/appointments`, booked)).status).toBe(201);
    await slotsOf(o, `services=${o.services[0]!.slug}&from=2026-11-24&days=1`);
    const { gate, releaseAll } = holdEveryPlace();
    const followers = suite.server.deps.slotFollowers;
    // The same person again (refused: already booked), and someone else behind them.
    const again = client().post(`${o.base}/appointments`, { ...booking(o, TUESDAY_0800), email: booked.email });
    await eventually(() => gate.waiting === 1 || undefined, 'the second try in line');
    const next = client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800));
    await eventually(() => followers.waiting === 1 || undefined, 'the next citizen waiting for it');
    await releaseAll();
    expect((await again).json.code).toBe('already_booked');
    expect((await next).status).toBe(201);
    expect(await liveAppointments(o.department.id)).toHaveLength(2);
  });

  it('refuses with 503 office_busy in the citizen’s language when the line is full, and books nothing for one who left it', async () => {
    const o = await office();
    const { gate, releaseAll } = holdEveryPlace();
    // A citizen who gives up while in line (closes the tab): their booking is never made.
    const leaving = new AbortController();
    const left = fetch(`${suite.server.url}${o.base}/appointments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.250.0.1' },
      body: JSON.stringify(booking(o, TUESDAY_0800)),
      signal: leaving.signal,
    }).catch(() => 'left');
    await eventually(() => gate.waiting === 1 || undefined, 'the booking in line');
    leaving.abort();
    expect(await left).toBe('left');
    // The line full (the rest of its places taken here directly, as thousands of citizens would).
    const waiting = Array.from({ length: BOOKING_LINE.waiting - 1 }, (_, i) =>
      gate.run('search', `citizen ${i}`, () => Promise.resolve()),
    );
    expect(gate.waiting).toBe(BOOKING_LINE.waiting);
    for (const language of ['de', 'en']) {
      const full = await client().request('POST', `${o.base}/appointments`, booking(o, TUESDAY_0800), {
        'accept-language': language,
      });
      expect(ProblemSchema.parse(full.json)).toMatchObject({ status: 503, code: 'office_busy' });
      expect(full.headers.get('retry-after')).toBe(String(BOOKING_LINE.retryAfterSeconds));
      expect(full.json.title).toBe(
        language === 'de'
          ? 'Gerade möchten sehr viele Menschen gleichzeitig einen Termin. Bitte versuchen Sie es in wenigen Sekunden noch einmal; Ihre Angaben bleiben erhalten.'
          : 'A great many people want an appointment right now. Please try again in a few seconds; what you entered is kept.',
      );
    }
    await Promise.all([releaseAll(), ...waiting]);
    await eventually(() => (gate.active === 0 && gate.waiting === 0) || undefined, 'the line empty');
    expect(await liveAppointments(o.department.id)).toEqual([]);
    // And the same time is still free for the next citizen.
    expect((await client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800))).status).toBe(201);
  });

  it('refuses a second booking of the same person at the same time, sent again or at once, in any letters', async () => {
    const o = await office({ clerks: 3 });
    const first = booking(o, TUESDAY_0800);
    expect((await client().post(`${o.base}/appointments`, first)).status).toBe(201);
    for (const email of [first.email, first.email.toUpperCase()]) {
      // The same time, and a time that overlaps it (15 minutes later, 30 minutes long).
      for (const startsAt of [TUESDAY_0800, '2026-11-24T07:15:00.000Z']) {
        const twice = await client().post(`${o.base}/appointments`, { ...first, email, startsAt });
        expect(twice.status).toBe(409);
        expect(twice.json.code).toBe('already_booked');
        expect(twice.json.title).toBe(
          'Für diese E-Mail-Adresse ist zu dieser Zeit schon ein Termin gebucht. Die Bestätigung finden Sie in Ihrem Postfach.',
        );
      }
    }
    expect(await liveAppointments(o.department.id)).toHaveLength(1);
    expect(await mailsTo(db(), first.email)).toHaveLength(1);
    // Sent at once: one of them books.
    const second = booking(o, '2026-11-24T08:00:00.000Z');
    const both = await Promise.all([0, 1].map(() => client().post(`${o.base}/appointments`, second)));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.status === 409)!.json.code).toBe('already_booked');
    expect(await liveAppointments(o.department.id)).toHaveLength(2);
    // A time after it, and someone else at the same time, are booked as ever.
    expect(
      (await client().post(`${o.base}/appointments`, { ...first, startsAt: '2026-11-24T07:30:00.000Z' })).status,
    ).toBe(201);
    expect((await client().post(`${o.base}/appointments`, booking(o, TUESDAY_0800))).status).toBe(201);
  });
});
