import {
  BookingInfoSchema,
  BookingResponseSchema,
  CODE_ALPHABET,
  formatBookingCode,
  ProblemSchema,
} from '@amtsraum/shared';
import { eq } from 'drizzle-orm';
import { encode } from 'uqr';
import { describe, expect, it } from 'vitest';
import { appointments, auditEvents, mailOutbox } from '../../db/schema.js';
import { birthDateHash, bookingCodeFromQr, checkInQrText } from '../../lib/check-in-codes.js';
import { QR_CID } from '../../mail/templates.js';
import { BOOKING_NOW, bookingRequest, mailsTo, TUESDAY_0800, tokenFromMail } from '../../test/booking-factories.js';
import { databaseKinds } from '../../test/databases.js';
import { signedInClerk } from '../../test/factories.js';
import { decodeBitmapPng, modulesOf } from '../../test/png.js';
import { useBookingServer } from '../../test/suite.js';
import { purgeAppointmentPersonalData } from './appointments.repo.js';

/** Issue 16, item 1: booking an on-site appointment, what it stores, and what the citizen is told. */

const LOCATION = { de: 'Rathaus, Zimmer 12\nMarkt 1, 46282 Dorsten', en: 'Town hall, room 12\nMarkt 1, 46282 Dorsten' };
const BIRTH_DATE = '1980-04-23';
const CODE = new RegExp(`^[${CODE_ALPHABET}]{8}$`);

describe.each(databaseKinds)('on-site booking on %s', (kind) => {
  const { suite, client, db, office } = useBookingServer(kind, BOOKING_NOW);
  const secret = () => suite.server.deps.config.sessionSecret;
  const hybridOffice = (channels: 'video' | 'onsite' | 'both' = 'both', location: typeof LOCATION | null = LOCATION) =>
    office({
      department: { onsiteLocation: location },
      services: [{ durationMinutes: 30, extraMinutesPerPerson: 15, channels }],
    });
  const rowsOf = (departmentId: string) =>
    db().select().from(appointments).where(eq(appointments.departmentId, departmentId));

  it('tells the booking page which channels each service offers', async () => {
    const o = await hybridOffice('both');
    const info = BookingInfoSchema.parse((await client().get(`${o.base}/booking`)).json);
    expect(info.services[0]!.channels).toBe('both');
  });

  it('books on site: the date of birth only as the keyed hash, a fresh code, where to go', async () => {
    const o = await hybridOffice('both');
    const request = bookingRequest(o, TUESDAY_0800, { channel: 'onsite', birthDate: BIRTH_DATE });
    const response = await client().post(`${o.base}/appointments`, request);
    expect(response.status).toBe(201);
    const { appointment } = BookingResponseSchema.parse(response.json);
    expect(appointment).toMatchObject({ channel: 'onsite', onsiteLocation: LOCATION });
    expect(appointment.bookingCode).toMatch(CODE);

    const [row] = await rowsOf(o.department.id);
    expect(row).toMatchObject({ channel: 'onsite', bookingCode: appointment.bookingCode, checkInFailures: 0 });
    expect(row!.birthDateHash).toBe(birthDateHash(secret(), row!.id, BIRTH_DATE));
    // The date itself is nowhere: not in the row, not in the audit trail, not in the e-mail.
    expect(JSON.stringify(row)).not.toMatch(/1980|23\.04|04-23/);
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.departmentId, o.department.id));
    expect(audit.find((a) => a.action === 'appointment.booked')!.data).toMatchObject({ channel: 'onsite' });
    expect(JSON.stringify(audit)).not.toContain('1980');
    const [mail] = await mailsTo(db(), request.email);
    expect(JSON.stringify(mail)).not.toContain(BIRTH_DATE);
  });

  it('gives every on-site booking its own code, and a video booking none', async () => {
    const o = await hybridOffice('both');
    const times = ['2026-11-24T07:00:00.000Z', '2026-11-24T07:30:00.000Z', '2026-11-24T08:00:00.000Z'];
    for (const startsAt of times.slice(0, 2)) {
      const response = await client().post(
        `${o.base}/appointments`,
        bookingRequest(o, startsAt, { channel: 'onsite', birthDate: BIRTH_DATE }),
      );
      expect(response.status).toBe(201);
    }
    // Left out, the channel is video where the service offers it.
    expect((await client().post(`${o.base}/appointments`, bookingRequest(o, times[2]!))).status).toBe(201);
    const rows = await rowsOf(o.department.id);
    const onsite = rows.filter((r) => r.channel === 'onsite');
    expect(onsite).toHaveLength(2);
    expect(new Set(onsite.map((r) => r.bookingCode)).size).toBe(2);
    expect(onsite[0]!.birthDateHash).not.toBe(onsite[1]!.birthDateHash);
    const video = rows.find((r) => r.channel === 'video')!;
    expect(video).toMatchObject({ bookingCode: null, birthDateHash: null });
  });

  it('refuses a channel the service does not offer (422), and stores nothing', async () => {
    const videoOnly = await hybridOffice('video');
    const refused = await client().post(
      `${videoOnly.base}/appointments`,
      bookingRequest(videoOnly, TUESDAY_0800, { channel: 'onsite', birthDate: BIRTH_DATE }),
    );
    expect(refused.status).toBe(422);
    expect(ProblemSchema.parse(refused.json).code).toBe('channel_not_offered');

    const onsiteOnly = await hybridOffice('onsite');
    const asVideo = await client().post(
      `${onsiteOnly.base}/appointments`,
      bookingRequest(onsiteOnly, TUESDAY_0800, { channel: 'video' }),
    );
    expect(asVideo.status).toBe(422);
    // A department without a location offers nothing on site, whatever a service says.
    const nowhere = await hybridOffice('both', null);
    const noPlace = await client().post(
      `${nowhere.base}/appointments`,
      bookingRequest(nowhere, TUESDAY_0800, { channel: 'onsite', birthDate: BIRTH_DATE }),
    );
    expect(noPlace.status).toBe(422);
    for (const o of [videoOnly, onsiteOnly, nowhere]) expect(await rowsOf(o.department.id)).toEqual([]);
  });

  it('on site only: left out, the channel is on site, and the date of birth is required', async () => {
    const o = await hybridOffice('onsite');
    const request = bookingRequest(o, TUESDAY_0800);
    const german = await client().post(`${o.base}/appointments`, request);
    expect(german.status).toBe(400);
    const problem = ProblemSchema.parse(german.json);
    expect(problem.errors).toEqual([{ path: 'birthDate', message: expect.stringContaining('Geburtsdatum') }]);
    const english = await client().request('POST', `${o.base}/appointments`, request, { 'accept-language': 'en' });
    expect(english.status).toBe(400);
    expect(ProblemSchema.parse(english.json).errors![0]!.message).toContain('date of birth');
    expect(await rowsOf(o.department.id)).toEqual([]);
  });

  it.each([
    ['in the future', '2030-01-01'],
    ['not a real day', '1980-02-30'],
    ['free text', 'gestern'],
    ['before 1900', '1899-12-31'],
  ])('refuses a date of birth %s with 400 in German and English', async (_, birthDate) => {
    const o = await hybridOffice('both');
    const request = bookingRequest(o, TUESDAY_0800, { channel: 'onsite', birthDate });
    const german = await client().post(`${o.base}/appointments`, request);
    expect(german.status).toBe(400);
    const de = ProblemSchema.parse(german.json).errors!.find((e) => e.path === 'birthDate');
    expect(de?.message).toMatch(/Geburtsdatum/);
    const english = await client().request('POST', `${o.base}/appointments`, request, { 'accept-language': 'en' });
    const en = ProblemSchema.parse(english.json).errors!.find((e) => e.path === 'birthDate');
    expect(en?.message).toMatch(/date of birth/);
    expect(await rowsOf(o.department.id)).toEqual([]);
  });

  it('lets a clerk book on site for a caller without the date of birth', async () => {
    const o = await hybridOffice('both');
    const { browser } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const response = await browser.post(o.console, {
      services: [o.services[0]!.slug],
      persons: 1,
      startsAt: TUESDAY_0800,
      name: 'Anruf Beispiel',
      language: 'de',
      channel: 'onsite',
    });
    expect(response.status).toBe(201);
    expect(response.json.appointment.channel).toBe('onsite');
    const [row] = await rowsOf(o.department.id);
    expect(row).toMatchObject({ channel: 'onsite', birthDateHash: null });
    expect(row!.bookingCode).toMatch(CODE);
  });

  it('mails where to go, the code and an inline QR code that checks in; the .ics has the place, no join link', async () => {
    const o = await hybridOffice('both');
    const request = bookingRequest(o, TUESDAY_0800, { channel: 'onsite', birthDate: BIRTH_DATE });
    const { appointment } = BookingResponseSchema.parse((await client().post(`${o.base}/appointments`, request)).json);
    const code = appointment.bookingCode!;
    const [mail] = await mailsTo(db(), request.email);
    expect(mail!.text).toContain('Rathaus, Zimmer 12, Markt 1, 46282 Dorsten');
    expect(mail!.text).toContain(formatBookingCode(code));
    expect(mail!.text).toMatch(/Terminal im Eingangsbereich/);
    expect(mail!.text).toMatch(/QR-Code .*Buchungscode und Ihr Geburtsdatum/);
    expect(mail!.text).not.toContain('/termin/beitreten');
    expect(mail!.html).toContain(`src="cid:${QR_CID}"`);

    const png = mail!.attachments.find((a) => a.contentType === 'image/png');
    expect(png).toMatchObject({ cid: QR_CID });
    const bytes = Buffer.from(png!.content, 'base64');
    const qrText = checkInQrText(secret(), code);
    const expected = encode(qrText, { ecc: 'M', border: 4 }).data;
    const image = decodeBitmapPng(bytes);
    expect(modulesOf(image.dark, image.width / expected.length)).toEqual(expected);
    expect(bookingCodeFromQr(secret(), qrText)).toBe(code);

    const ics = Buffer.from(mail!.attachments.find((a) => a.filename.endsWith('.ics'))!.content, 'base64')
      .toString('utf8')
      .replace(/\r\n /g, '');
    expect(ics).toContain('LOCATION:Rathaus\\, Zimmer 12\\, Markt 1\\, 46282 Dorsten');
    expect(ics).not.toMatch(/^URL:/m);
    expect(ics).not.toContain('beitreten');
    expect(ics).not.toContain(code);

    // The manage page says the same; the video door refuses the appointment.
    const token = tokenFromMail(mail!.text);
    const managed = await client().post('/api/appointments/manage', { token });
    expect(managed.json.appointment).toMatchObject({ channel: 'onsite', bookingCode: code, onsiteLocation: LOCATION });
    const arrived = await client().post('/api/appointments/arrive', { token });
    expect(arrived.status).toBe(409);
    expect(ProblemSchema.parse(arrived.json).code).toBe('appointment_onsite');
  });

  it('writes the English mail in English', async () => {
    const o = await hybridOffice('onsite');
    const request = bookingRequest(o, TUESDAY_0800, { birthDate: BIRTH_DATE, language: 'en' });
    expect((await client().post(`${o.base}/appointments`, request)).status).toBe(201);
    const [mail] = await mailsTo(db(), request.email);
    expect(mail!.text).toContain('Town hall, room 12, Markt 1, 46282 Dorsten');
    expect(mail!.text).toMatch(/kiosk at the entrance/);
  });

  it('purges the code, the hash and the check-in counters with the rest', async () => {
    const o = await hybridOffice('both');
    const request = bookingRequest(o, TUESDAY_0800, { channel: 'onsite', birthDate: BIRTH_DATE });
    expect((await client().post(`${o.base}/appointments`, request)).status).toBe(201);
    const [row] = await rowsOf(o.department.id);
    await db()
      .update(appointments)
      .set({ checkInFailures: 2, checkInLockedUntil: new Date('2026-11-24T07:10:00Z') })
      .where(eq(appointments.id, row!.id));
    expect(await purgeAppointmentPersonalData(db(), new Date('2026-11-25T00:00:00Z'))).toBeGreaterThanOrEqual(1);
    const [purged] = await rowsOf(o.department.id);
    expect(purged).toMatchObject({
      citizenName: '',
      email: null,
      bookingCode: null,
      birthDateHash: null,
      checkInFailures: 0,
      checkInLockedUntil: null,
      channel: 'onsite',
    });
    // Purged, the mail outbox row is not this function's; the appointment keeps no way to check in.
    expect(await db().select().from(mailOutbox).where(eq(mailOutbox.to, request.email))).toHaveLength(1);
  });
});
