import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appointments, invites, visits } from '../db/schema.js';
import { InstallationFileSchema } from '../features/setup/installation.schema.js';
import { bookingRequest, BOOKING_NOW, makeBookingOffice, TUESDAY_0800 } from '../test/booking-factories.js';
import { databaseKinds } from '../test/databases.js';
import { signedInClerk } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';

/**
 * Issue 11, item 7: names and labels that others read (the console, the call, the invite list)
 * cannot be empty to the eye, span lines, or flip the text around them. Each entry point refuses
 * them with a message in the requester's language and changes nothing.
 */
const SPOOFS = {
  invisible: '\u200b\u200b\u200b',
  lineBreak: 'Anna\r\nStatus: hereingebeten',
  direction: 'Anna \u202eenilrednI',
  // "Zalgo": marks stacked on a letter paint over the rows above and below (the queue's other names).
  stackedMarks: `A${'\u0301\u0316\u0302\u0317\u0303\u0318'.repeat(4)}nna`,
};
const SAID = {
  invisible: ['Ein Name darf keine unsichtbaren Zeichen enthalten.', 'A name must not contain invisible characters.'],
  lineBreak: [
    'Ein Name muss in eine Zeile passen (ohne Zeilenumbruch).',
    'A name must fit on one line (no line breaks).',
  ],
  direction: [
    'Ein Name darf keine Zeichen enthalten, die die Schreibrichtung umkehren.',
    'A name must not contain characters that change the writing direction.',
  ],
  stackedMarks: [
    'Bitte ohne so viele Akzente übereinander auf einem Buchstaben: sie verdecken andere Zeilen.',
    'Please leave out stacks of accents on one letter: they cover other lines.',
  ],
};

describe.each(databaseKinds)('names and labels on %s', (kind) => {
  const suite = useTestServer(kind, { now: () => BOOKING_NOW });
  const { db, client } = suite;

  const office = () =>
    makeBookingOffice(db(), { department: { doorOverride: 'open', doorOverrideAt: BOOKING_NOW, queueCap: 100 } });

  it('refuses spoofing names at the door, in German by default and in English on request', async () => {
    const o = await office();
    for (const [problem, name] of Object.entries(SPOOFS)) {
      const de = await client().post(`${o.base}/knock`, { name, concern: 'Test', language: 'de', consent: true });
      expect([problem, de.status]).toEqual([problem, 400]);
      expect(de.json.errors[0].path).toBe('name');
      expect(de.headers.get('content-language')).toBe('de');
      const en = await client().request(
        'POST',
        `${o.base}/knock`,
        { name, concern: 'Test', language: 'en', consent: true },
        { 'accept-language': 'en' },
      );
      expect(en.status).toBe(400);
      expect([de.json.errors[0].message, en.json.errors[0].message]).toEqual(SAID[problem as keyof typeof SAID]);
    }
    const [{ waiting } = { waiting: -1 }] = await db()
      .select({ waiting: count() })
      .from(visits)
      .where(eq(visits.departmentId, o.department.id));
    expect(waiting).toBe(0);
    // An ordinary name with a joiner, as Persian writes it, comes in.
    const ok = await client().post(`${o.base}/knock`, {
      name: 'می\u200cترا',
      concern: 'Test',
      language: 'fa',
      consent: true,
    });
    expect(ok.status).toBe(201);
    // Names whose writing puts several marks on one letter come in: Vietnamese decomposed (NFD),
    // Hebrew with vowel points and a cantillation mark, Burmese and Tibetan syllables.
    for (const [language, name] of [
      ['vi', 'Nguye\u0302\u0303n Thi\u0323'],
      ['he', '\u05e9\u05bc\u05b8\u05bd\u05a5\u05dc\u05d5\u05b9\u05dd'],
      ['my', 'မြှောင့်'],
      ['bo', 'བསྒྲུབས'],
    ]) {
      const response = await client().post(`${o.base}/knock`, { name, concern: 'Test', language, consent: true });
      expect([name, response.status]).toEqual([name, 201]);
    }
  });

  it('refuses them in bookings, by citizens and by clerks', async () => {
    const o = await office();
    const { browser } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    for (const name of Object.values(SPOOFS)) {
      const citizen = await client().post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800, { name }));
      expect([name, citizen.status, citizen.json.errors?.[0].path]).toEqual([name, 400, 'name']);
      const staff = await browser.post(o.console, { ...bookingRequest(o, TUESDAY_0800, { name }), consent: undefined });
      expect([name, staff.status, staff.json.errors?.[0].path]).toEqual([name, 400, 'name']);
    }
    const [{ booked } = { booked: -1 }] = await db()
      .select({ booked: count() })
      .from(appointments)
      .where(eq(appointments.departmentId, o.department.id));
    expect(booked).toBe(0);
  });

  it('refuses them as invite labels and as the names invitees give', async () => {
    const o = await office();
    const { browser } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const citizen = client();
    const knocked = await citizen.post(`${o.base}/knock`, {
      name: 'Kim',
      concern: 'Test',
      language: 'de',
      consent: true,
    });
    const visitId = knocked.json.visit.id as string;
    expect((await browser.post(`/api/staff/departments/${o.department.id}/visits/${visitId}/admit`)).status).toBe(200);
    const path = `/api/staff/departments/${o.department.id}/visits/${visitId}/invites`;
    for (const label of Object.values(SPOOFS)) {
      const response = await browser.post(path, { role: 'guest', label });
      expect([label, response.status, response.json.errors?.[0].path]).toEqual([label, 400, 'label']);
    }
    const [{ made } = { made: -1 }] = await db()
      .select({ made: count() })
      .from(invites)
      .where(eq(invites.visitId, visitId));
    expect(made).toBe(0);

    const created = await browser.post(path, { role: 'guest', label: 'Begleitung' });
    expect(created.status).toBe(201);
    const token = new URL(created.json.url as string).hash.slice(1);
    for (const [problem, name] of Object.entries(SPOOFS)) {
      const response = await client().post('/api/invites/redeem', { token, name });
      expect([name, response.status, response.json.errors?.[0].path]).toEqual([name, 400, 'name']);
      expect(response.json.errors[0].message).toBe(SAID[problem as keyof typeof SAID][0]);
    }
    // No name at all is fine: the label stands in.
    expect((await client().post('/api/invites/redeem', { token, name: '  ' })).status).toBe(200);
  });

  it('refuses them as staff names in the installation file', () => {
    for (const name of Object.values(SPOOFS)) {
      const result = InstallationFileSchema.safeParse({
        tenants: [{ slug: 'teststadt', name: 'Teststadt', departments: [], staff: [{ email: 'a@b.de', name }] }],
      });
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('tenants.0.staff.0.name');
    }
  });
});
