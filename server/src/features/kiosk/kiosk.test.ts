import {
  KioskProblemSchema as ProblemSchema,
  KioskStateResponseSchema,
  KioskTicketResponseSchema,
  type ErrorCode,
} from '@amtsraum/shared';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_SESSION_SECRET } from '../../config.js';
import { appointments, auditEvents, departments, visits } from '../../db/schema.js';
import { birthDateHash, checkInQrText, newBookingCode } from '../../lib/check-in-codes.js';
import { settableClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeOffice, makeService, makeStaff } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { createDevice, revokeDevice } from '../devices/devices.repo.js';
import { KIOSK_LIMITS } from './kiosk.router.js';
import { hashToken } from '../staff/auth.service.js';

// Monday 23 November 2026, 10:00 in Berlin: open by the factory's office hours.
const NOW = new Date('2026-11-23T09:00:00Z');
const BIRTH_DATE = '1980-04-12';
const SECRET = DEVELOPMENT_SESSION_SECRET;

describe.each(databaseKinds)('the kiosk on %s', (kind) => {
  const clock = settableClock(NOW);
  const suite = useTestServer(kind, { now: clock.now });
  const db = () => suite.db();

  /** A department (walk-ins at the kiosk on unless told) with a kiosk paired through the real route. */
  async function office(values: Partial<typeof departments.$inferInsert> = {}) {
    clock.reset();
    const made = await makeOffice(db(), { department: { kioskWalkIns: true, ...values } });
    const admin = await makeStaff(db(), made.tenant.id, {
      memberships: [{ departmentId: made.department.id, role: 'admin' }],
    });
    const kiosk = await pairedDevice(made.tenant.id, made.department.id, admin.id, 'kiosk');
    return { ...made, admin, kiosk: kiosk.browser, kioskId: kiosk.id };
  }

  async function pairedDevice(
    tenantId: string,
    departmentId: string,
    staffId: string,
    deviceKind: 'kiosk' | 'display',
  ) {
    const made = await createDevice(db(), {
      tenantId,
      departmentId,
      kind: deviceKind,
      label: `Gerät ${deviceKind}`,
      createdBy: staffId,
      now: clock.now(),
    });
    const browser = suite.client();
    const paired = await browser.post('/api/devices/pair', { code: made.pairingCode });
    expect(paired.status).toBe(200);
    return { browser, id: made.id };
  }

  /** An on-site appointment, made directly in the database as the booking (another feature) will. */
  async function appointment(
    where: { tenantId: string; departmentId: string; staffId?: string },
    values: Partial<typeof appointments.$inferInsert> = {},
  ) {
    const id = values.id ?? crypto.randomUUID();
    // A clerk of its own: a clerk's appointments may not overlap.
    const clerk = await makeStaff(db(), where.tenantId);
    const bookingCode = newBookingCode();
    const startsAt = values.startsAt ?? new Date(NOW.getTime() + 10 * 60_000);
    const [row] = await db()
      .insert(appointments)
      .values({
        id,
        tenantId: where.tenantId,
        departmentId: where.departmentId,
        staffId: clerk.id,
        serviceIds: [],
        startsAt,
        endsAt: new Date(startsAt.getTime() + 30 * 60_000),
        citizenName: 'Erika Mustermann',
        language: 'de',
        concern: 'Personalausweis',
        manageTokenHash: hashToken(randomBytes(16).toString('hex')),
        channel: 'onsite',
        bookingCode,
        birthDateHash: birthDateHash(SECRET, id, BIRTH_DATE),
        ...values,
      })
      .returning();
    return { row: row!, bookingCode, qr: checkInQrText(SECRET, bookingCode) };
  }

  const problem = (response: { status: number; json: unknown }, code: ErrorCode, status?: number) => {
    if (status !== undefined) expect(response.status).toBe(status);
    const parsed = ProblemSchema.parse(response.json);
    expect(parsed.code).toBe(code);
    // What the kiosk acts on is typed (opensAt, startsAt, …); no refusal carries a token in `detail`.
    expect(parsed.detail).toBeUndefined();
    return parsed;
  };

  const onsiteVisits = (departmentId: string) =>
    db()
      .select()
      .from(visits)
      .where(and(eq(visits.departmentId, departmentId), eq(visits.channel, 'onsite')));

  it('shows the department and its walk-in services, and whether tickets can be drawn', async () => {
    const { kiosk, department } = await office();
    await makeService(db(), department.id, { channels: 'both', slug: 'ausweis-k' });
    await makeService(db(), department.id, { channels: 'video', slug: 'nur-video' });
    await makeService(db(), department.id, { channels: 'onsite', knockable: false, slug: 'nur-termin' });
    const response = await kiosk.get('/api/kiosk');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { kiosk: state } = KioskStateResponseSchema.parse(response.json);
    expect(state.department.name.de).toBe('Testamt');
    expect(state.walkIns).toEqual({ available: true, refusal: null });
    expect(state.services.map((s) => s.slug)).toEqual(['ausweis-k']);

    await db().update(departments).set({ kioskWalkIns: false }).where(eq(departments.id, department.id));
    expect((await kiosk.get('/api/kiosk')).json.kiosk.walkIns).toEqual({ available: false, refusal: 'not_offered' });
    await db()
      .update(departments)
      .set({ kioskWalkIns: true, doorOverride: 'closed', doorOverrideAt: NOW })
      .where(eq(departments.id, department.id));
    expect((await kiosk.get('/api/kiosk')).json.kiosk.walkIns).toEqual({ available: false, refusal: 'closed' });
  });

  it('checks in by the QR code alone: a ticket, the appointment arrived, audited; a second check-in gets the same ticket', async () => {
    const { kiosk, tenant, department, admin, kioskId } = await office();
    const { row, qr } = await appointment({ tenantId: tenant.id, departmentId: department.id, staffId: admin.id });
    const response = await kiosk.post('/api/kiosk/check-in', { qr });
    expect(response.status).toBe(200);
    const { ticket } = KioskTicketResponseSchema.parse(response.json);
    expect(ticket).toMatchObject({
      kind: 'appointment',
      ticketNumber: 1,
      appointmentStartsAt: row.startsAt.toISOString(),
    });
    expect(JSON.stringify(response.json)).not.toContain('Mustermann');

    const [visit] = await onsiteVisits(department.id);
    expect(visit).toMatchObject({
      state: 'waiting',
      kind: 'appointment',
      appointmentId: row.id,
      citizenName: 'Erika Mustermann',
      ticketNumber: 1,
      ticketDay: '2026-11-23',
    });
    const [stored] = await db().select().from(appointments).where(eq(appointments.id, row.id));
    expect(stored!.state).toBe('arrived');
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.visitId, visit!.id));
    expect(audit.map((a) => [a.action, a.actorKind, a.data.deviceId, a.data.method])).toEqual([
      ['appointment_arrived', 'device', kioskId, 'qr'],
    ]);
    expect(JSON.stringify(audit)).not.toContain('Mustermann');

    const again = await kiosk.post('/api/kiosk/check-in', { qr });
    expect(again.status).toBe(200);
    expect(again.json.ticket.ticketNumber).toBe(1);
    expect(await onsiteVisits(department.id)).toHaveLength(1);
  });

  it('checks in by booking code and date of birth, in any spelling of the code', async () => {
    const { kiosk, tenant, department, admin } = await office();
    const { bookingCode } = await appointment({ tenantId: tenant.id, departmentId: department.id, staffId: admin.id });
    const typed = `${bookingCode.slice(0, 4).toLowerCase()}-${bookingCode.slice(4)}`;
    const response = await kiosk.post('/api/kiosk/check-in', { bookingCode: typed, birthDate: BIRTH_DATE });
    expect(response.status).toBe(200);
    expect(response.json.ticket.ticketNumber).toBe(1);
  });

  it('refuses a code it does not know and a QR code it did not make, with check_in_not_found', async () => {
    const { kiosk, tenant, department, admin } = await office();
    const { bookingCode } = await appointment({ tenantId: tenant.id, departmentId: department.id, staffId: admin.id });
    problem(
      await kiosk.post('/api/kiosk/check-in', { bookingCode: 'AAAAAAAA', birthDate: BIRTH_DATE }),
      'check_in_not_found',
      404,
    );
    const forged = checkInQrText('another installation’s secret of some length', bookingCode);
    problem(await kiosk.post('/api/kiosk/check-in', { qr: forged }), 'check_in_not_found', 404);
    expect(await onsiteVisits(department.id)).toHaveLength(0);
  });

  it('knows only its own municipality’s typed codes: another’s are not found, and no wrong date counts on them', async () => {
    const { kiosk } = await office();
    const elsewhere = await office();
    const { row, bookingCode, qr } = await appointment({
      tenantId: elsewhere.tenant.id,
      departmentId: elsewhere.department.id,
    });
    for (let i = 0; i < 4; i++) {
      problem(
        await kiosk.post('/api/kiosk/check-in', { bookingCode, birthDate: '1990-01-01' }),
        'check_in_not_found',
        404,
      );
    }
    problem(await kiosk.post('/api/kiosk/check-in', { bookingCode, birthDate: BIRTH_DATE }), 'check_in_not_found', 404);
    // Its QR code (which nobody can guess) is told where to go.
    problem(await kiosk.post('/api/kiosk/check-in', { qr }), 'check_in_other_department', 409);
    const [after] = await db().select().from(appointments).where(eq(appointments.id, row.id));
    expect([after?.checkInFailures, after?.checkInLockedUntil]).toEqual([0, null]);
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.tenantId, elsewhere.tenant.id));
    expect(audit.map((entry) => entry.action)).not.toContain('appointment.check_in_failed');
    // Its own kiosk still checks it in.
    expect((await elsewhere.kiosk.post('/api/kiosk/check-in', { bookingCode, birthDate: BIRTH_DATE })).status).toBe(
      200,
    );
  });

  it('tells a video appointment, another department, another day, too early, too late and cancelled apart', async () => {
    const { kiosk, tenant, department, admin } = await office({ checkInOpensMinutesBefore: 30 });
    const where = { tenantId: tenant.id, departmentId: department.id, staffId: admin.id };
    const post = (qr: string) => kiosk.post('/api/kiosk/check-in', { qr });

    const video = await appointment(where, { channel: 'video' });
    problem(await post(video.qr), 'check_in_video_appointment', 409);

    const neighbour = await makeDepartment(db(), tenant.id, { name: { de: 'Standesamt', en: 'Registry office' } });
    const elsewhere = await appointment({ ...where, departmentId: neighbour.id });
    expect(problem(await post(elsewhere.qr), 'check_in_other_department', 409).departmentName).toEqual({
      de: 'Standesamt',
      en: 'Registry office',
    });
    const otherTown = await makeOffice(db());
    const farAway = await appointment({
      ...where,
      tenantId: otherTown.tenant.id,
      departmentId: otherTown.department.id,
    });
    problem(await post(farAway.qr), 'check_in_other_department', 409);

    const tomorrow = await appointment(where, { startsAt: new Date('2026-11-24T08:00:00Z') });
    expect(problem(await post(tomorrow.qr), 'check_in_other_day', 409).startsAt).toBe('2026-11-24T08:00:00.000Z');

    const later = await appointment(where, { startsAt: new Date('2026-11-23T10:00:00Z') });
    expect(problem(await post(later.qr), 'check_in_too_early', 409).opensAt).toBe('2026-11-23T09:30:00.000Z');
    clock.set('2026-11-23T09:30:00Z');
    expect((await post(later.qr)).status).toBe(200);

    clock.reset();
    const over = await appointment(where, { startsAt: new Date('2026-11-23T08:00:00Z') });
    expect(problem(await post(over.qr), 'check_in_too_late', 410).startsAt).toBe('2026-11-23T08:00:00.000Z');

    const cancelled = await appointment(where, { state: 'cancelled', cancelledAt: NOW });
    problem(await post(cancelled.qr), 'appointment_cancelled');

    // Only the one that was due made a visit.
    expect(await onsiteVisits(department.id)).toHaveLength(1);
  });

  it('locks typed check-in after three wrong dates of birth in a row, for ten minutes; a right one resets the count', async () => {
    const { kiosk, tenant, department, admin } = await office();
    const made = await appointment({ tenantId: tenant.id, departmentId: department.id, staffId: admin.id });
    const tryDate = (birthDate: string) =>
      kiosk.post('/api/kiosk/check-in', { bookingCode: made.bookingCode, birthDate });

    // Two wrong, then the right one on another day's appointment: the count starts again.
    const other = await appointment(
      { tenantId: tenant.id, departmentId: department.id, staffId: admin.id },
      { startsAt: new Date('2026-11-25T08:00:00Z') },
    );
    const tryOther = (birthDate: string) =>
      kiosk.post('/api/kiosk/check-in', { bookingCode: other.bookingCode, birthDate });
    problem(await tryOther('1980-01-01'), 'check_in_wrong_birth_date', 400);
    problem(await tryOther('1980-01-02'), 'check_in_wrong_birth_date', 400);
    problem(await tryOther(BIRTH_DATE), 'check_in_other_day', 409);
    problem(await tryOther('1980-01-03'), 'check_in_wrong_birth_date', 400);
    problem(await tryOther('1980-01-04'), 'check_in_wrong_birth_date', 400);

    problem(await tryDate('1980-01-01'), 'check_in_wrong_birth_date', 400);
    problem(await tryDate('1980-01-02'), 'check_in_wrong_birth_date', 400);
    const third = await tryDate('1980-01-03');
    problem(third, 'check_in_locked', 429);
    expect(third.headers.get('retry-after')).toBe('600');
    // Locked: even the right date is refused, and nothing is queued.
    const locked = await tryDate(BIRTH_DATE);
    problem(locked, 'check_in_locked', 429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await onsiteVisits(department.id)).toHaveLength(0);
    const [stored] = await db().select().from(appointments).where(eq(appointments.id, made.row.id));
    expect(stored!.checkInLockedUntil?.toISOString()).toBe('2026-11-23T09:10:00.000Z');
    const lockAudit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.departmentId, department.id), eq(auditEvents.action, 'appointment.check_in_locked')));
    expect(lockAudit).toHaveLength(1);
    const failedAudit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.departmentId, department.id), eq(auditEvents.action, 'appointment.check_in_failed')));
    expect(failedAudit.filter((a) => a.data.appointmentId === made.row.id)).toHaveLength(2);
    expect(JSON.stringify(lockAudit)).not.toContain(BIRTH_DATE);

    // Ten minutes later the right date checks in, and the count is gone.
    clock.set('2026-11-23T09:10:00Z');
    expect((await tryDate(BIRTH_DATE)).status).toBe(200);
    const [after] = await db().select().from(appointments).where(eq(appointments.id, made.row.id));
    expect(after).toMatchObject({ checkInFailures: 0, checkInLockedUntil: null, state: 'arrived' });
  });

  it('locks again after three more wrong dates once a lock has run out, each lock twice as long as the last', async () => {
    const { kiosk, tenant, department, admin } = await office();
    const made = await appointment({ tenantId: tenant.id, departmentId: department.id, staffId: admin.id });
    const tryDate = (birthDate: string) =>
      kiosk.post('/api/kiosk/check-in', { bookingCode: made.bookingCode, birthDate });
    const rounds = [
      { at: '2026-11-23T09:00:00Z', minutes: 10 },
      { at: '2026-11-23T09:10:00Z', minutes: 20 },
      { at: '2026-11-23T09:30:00Z', minutes: 40 },
    ];
    for (const [round, { at, minutes }] of rounds.entries()) {
      clock.set(at);
      problem(await tryDate(`1980-0${String(round + 1)}-01`), 'check_in_wrong_birth_date', 400);
      problem(await tryDate(`1980-0${String(round + 1)}-02`), 'check_in_wrong_birth_date', 400);
      const third = await tryDate(`1980-0${String(round + 1)}-03`);
      expect([round, third.status, third.json.code]).toEqual([round, 429, 'check_in_locked']);
      expect(third.headers.get('retry-after')).toBe(String(minutes * 60));
      problem(await tryDate(BIRTH_DATE), 'check_in_locked', 429);
    }
    // Still locked a minute before the third lock ends: trying early earns nothing.
    clock.set('2026-11-23T10:09:00Z');
    problem(await tryDate(BIRTH_DATE), 'check_in_locked', 429);
    expect(await onsiteVisits(department.id)).toHaveLength(0);
    const locks = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.departmentId, department.id), eq(auditEvents.action, 'appointment.check_in_locked')));
    expect(locks.map((lock) => lock.data.minutes)).toEqual([10, 20, 40]);
    // The right date once the lock ends is taken (the appointment itself is over by then), and the
    // count is gone.
    clock.set('2026-11-23T10:10:00Z');
    problem(await tryDate(BIRTH_DATE), 'check_in_too_late', 410);
    const [after] = await db().select().from(appointments).where(eq(appointments.id, made.row.id));
    expect(after).toMatchObject({ checkInFailures: 0, checkInLockedUntil: null });
  });

  it('never locks for longer than a day, however many tries came before', async () => {
    const { kiosk, tenant, department, admin } = await office();
    const made = await appointment(
      { tenantId: tenant.id, departmentId: department.id, staffId: admin.id },
      { checkInFailures: 3 * 40 + 2 },
    );
    const wrong = await kiosk.post('/api/kiosk/check-in', { bookingCode: made.bookingCode, birthDate: '1980-01-01' });
    problem(wrong, 'check_in_locked', 429);
    expect(wrong.headers.get('retry-after')).toBe(String(24 * 60 * 60));
  });

  it('lets the QR code in while typed tries are locked (the QR code cannot be guessed)', async () => {
    const { kiosk, tenant, department, admin } = await office();
    const made = await appointment(
      { tenantId: tenant.id, departmentId: department.id, staffId: admin.id },
      { checkInLockedUntil: new Date(NOW.getTime() + 5 * 60_000) },
    );
    problem(
      await kiosk.post('/api/kiosk/check-in', { bookingCode: made.bookingCode, birthDate: BIRTH_DATE }),
      'check_in_locked',
      429,
    );
    expect((await kiosk.post('/api/kiosk/check-in', { qr: made.qr })).status).toBe(200);
  });

  it('rejects malformed input with field errors and changes nothing', async () => {
    const { kiosk, department } = await office();
    for (const body of [
      {},
      { qr: 'https://example.org' },
      { bookingCode: 'ABC', birthDate: BIRTH_DATE },
      { bookingCode: 'ACDEFGHJ', birthDate: '1980-02-30' },
      { bookingCode: 'ACDEFGHJ', birthDate: '12.04.1980' },
      { bookingCode: 'ACDEFGHJ' },
    ]) {
      const response = await kiosk.post('/api/kiosk/check-in', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json.code).toBe('validation_failed');
    }
    const english = await kiosk.request(
      'POST',
      '/api/kiosk/tickets',
      { serviceSlug: 'NOPE NOPE' },
      { 'accept-language': 'en' },
    );
    expect(english.status).toBe(400);
    expect(english.json.title).toBe('Some of the details are not valid.');
    expect(await onsiteVisits(department.id)).toHaveLength(0);
  });

  it('draws walk-in tickets without a name, for an offered service or none; audited', async () => {
    const { kiosk, department, kioskId } = await office();
    const service = await makeService(db(), department.id, { channels: 'onsite' });
    const videoOnly = await makeService(db(), department.id, { channels: 'video' });
    const first = await kiosk.post('/api/kiosk/tickets', { serviceSlug: service.slug, language: 'en' });
    expect(first.status).toBe(201);
    expect(KioskTicketResponseSchema.parse(first.json).ticket).toMatchObject({
      kind: 'walk_in',
      ticketNumber: 1,
      appointmentStartsAt: null,
    });
    expect((await kiosk.post('/api/kiosk/tickets', {})).json.ticket.ticketNumber).toBe(2);
    problem(await kiosk.post('/api/kiosk/tickets', { serviceSlug: videoOnly.slug }), 'validation_failed', 400);

    const rows = await onsiteVisits(department.id);
    expect(rows.map((r) => [r.kind, r.citizenName, r.ticketNumber, r.serviceId, r.language]).sort()).toEqual([
      ['walk_in', '', 1, service.id, 'en'],
      ['walk_in', '', 2, null, 'de'],
    ]);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.departmentId, department.id), eq(auditEvents.action, 'visit.ticket_drawn')));
    expect(audit.map((a) => a.data.deviceId)).toEqual([kioskId, kioskId]);
  });

  it('refuses walk-in tickets when the kiosk does not hand them out, the door is closed or the queue full', async () => {
    const off = await office({ kioskWalkIns: false });
    problem(await off.kiosk.post('/api/kiosk/tickets', {}), 'walk_ins_not_offered', 409);

    const closed = await office({ doorOverride: 'closed', doorOverrideAt: NOW });
    problem(await closed.kiosk.post('/api/kiosk/tickets', {}), 'door_closed', 409);

    const small = await office({ queueCap: 2 });
    const drawn = await Promise.all(Array.from({ length: 5 }, () => small.kiosk.post('/api/kiosk/tickets', {})));
    expect(drawn.filter((r) => r.status === 201)).toHaveLength(2);
    for (const refused of drawn.filter((r) => r.status !== 201)) problem(refused, 'queue_full', 409);
    expect((await small.kiosk.get('/api/kiosk')).json.kiosk.walkIns).toEqual({ available: false, refusal: 'full' });
    for (const made of [off, closed]) expect(await onsiteVisits(made.department.id)).toHaveLength(0);
  });

  it('numbers 20 concurrent tickets exactly 1 to 20, and starts again at 1 the next day', async () => {
    const { kiosk, department } = await office({ queueCap: 100 });
    const drawn = await Promise.all(Array.from({ length: 20 }, () => kiosk.post('/api/kiosk/tickets', {})));
    expect(drawn.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 201));
    const numbers = drawn.map((r) => r.json.ticket.ticketNumber as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const stored = (await onsiteVisits(department.id)).map((v) => v.ticketNumber).sort((a, b) => a! - b!);
    expect(stored).toEqual(numbers);

    // Tuesday 24 November, 09:00 in Berlin.
    clock.set('2026-11-24T08:00:00Z');
    const next = await kiosk.post('/api/kiosk/tickets', {});
    expect(next.json.ticket.ticketNumber).toBe(1);
    const [tuesday] = await db()
      .select()
      .from(visits)
      .where(and(eq(visits.departmentId, department.id), eq(visits.ticketDay, '2026-11-24')));
    expect(tuesday!.ticketNumber).toBe(1);
  });

  it('lets nothing through for nobody, a revoked kiosk, or a display', async () => {
    const { kiosk, tenant, department, admin, kioskId } = await office();
    const made = await appointment({ tenantId: tenant.id, departmentId: department.id, staffId: admin.id });
    const display = await pairedDevice(tenant.id, department.id, admin.id, 'display');
    const nobody = suite.client();
    for (const browser of [nobody, display.browser]) {
      problem(await browser.get('/api/kiosk'), 'device_not_paired', 401);
      problem(await browser.post('/api/kiosk/check-in', { qr: made.qr }), 'device_not_paired', 401);
      problem(await browser.post('/api/kiosk/tickets', {}), 'device_not_paired', 401);
    }
    expect((await kiosk.get('/api/kiosk')).status).toBe(200);
    await revokeDevice(db(), { deviceId: kioskId, departmentId: department.id, now: NOW });
    problem(await kiosk.get('/api/kiosk'), 'device_not_paired', 401);
    problem(await kiosk.post('/api/kiosk/check-in', { qr: made.qr }), 'device_not_paired', 401);
    problem(await kiosk.post('/api/kiosk/tickets', {}), 'device_not_paired', 401);
    expect(await onsiteVisits(department.id)).toHaveLength(0);
    const [stored] = await db().select().from(appointments).where(eq(appointments.id, made.row.id));
    expect(stored!.state).toBe('booked');
  });

  it('limits reads of the start screen per kiosk', async () => {
    const { kiosk, kioskId, tenant, department, admin } = await office();
    const other = await pairedDevice(tenant.id, department.id, admin.id, 'kiosk');
    const limiter = suite.server.deps.limits.limiter('kiosk-state-device', KIOSK_LIMITS.stateReadsPerDevice);
    await Promise.all(Array.from({ length: KIOSK_LIMITS.stateReadsPerDevice.max }, () => limiter.hit(kioskId)));
    const refused = await kiosk.get('/api/kiosk');
    problem(refused, 'rate_limited', 429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await other.browser.get('/api/kiosk')).status).toBe(200);
  });

  it('has limits per kiosk and per booking code', async () => {
    const { kiosk, tenant, department, admin } = await office();
    const made = await appointment({ tenantId: tenant.id, departmentId: department.id, staffId: admin.id });
    // Wrong dates lock after three; the code's own limit ends guessing from many kiosks after ten.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await kiosk.post('/api/kiosk/check-in', {
        bookingCode: made.bookingCode,
        birthDate: '1970-01-01',
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 400 || s === 429)).toBe(true);
    expect(statuses[10]).toBe(429);
    const last = await kiosk.post('/api/kiosk/check-in', { bookingCode: made.bookingCode, birthDate: '1970-01-01' });
    expect(last.json.code).toBe('rate_limited');
  });
});
