import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appointments, invites, staffAbsences, visits } from '../db/schema.js';
import { bookingRequest, BOOKING_NOW, mailsTo, makeBookingOffice, TUESDAY_0800 } from '../test/booking-factories.js';
import { databaseKinds } from '../test/databases.js';
import { makeTenant, signedInAdmin, signedInClerk } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';

/**
 * Free text one person writes and another reads (a citizen's concern in the console and the
 * mails, a clerk's decline or cancel note on the citizen's page and in the mail) cannot reorder
 * itself ("Trojan Source": a note that reads differently from what was stored) or carry C1
 * control characters. Each is refused at its field, in the requester's language, and nothing
 * changes; the marks that only nudge punctuation between scripts stay allowed.
 */
const SPOOFS = {
  override: 'Bitte überweisen an \u202eDE12 3456\u202c',
  isolate: 'Termin \u2067bitte absagen\u2069',
  c1: 'Anliegen\u009b31m',
  // "Zalgo": marks stacked on letters paint over the lines above and below (the queue's other rows).
  stacked: `Ausweis ${'a\u0301\u0316\u0302\u0317\u0303\u0318\u0304\u0319'.repeat(3)}`,
};
const SAID = {
  override: [
    'Bitte ohne Zeichen, die die Schreibrichtung umkehren.',
    'Please leave out characters that change the writing direction.',
  ],
  isolate: [
    'Bitte ohne Zeichen, die die Schreibrichtung umkehren.',
    'Please leave out characters that change the writing direction.',
  ],
  c1: ['Bitte ohne Steuerzeichen.', 'Please leave out control characters.'],
  stacked: [
    'Bitte ohne so viele Akzente übereinander auf einem Buchstaben: sie verdecken andere Zeilen.',
    'Please leave out stacks of accents on one letter: they cover other lines.',
  ],
};
/** Arabic with a Latin word, marked with a right-to-left mark as pasted text often is. */
const MARKED = 'موعد \u200fPass\u200f بعد الظهر';

describe.each(databaseKinds)('free text others read on %s', (kind) => {
  const suite = useTestServer(kind, { now: () => BOOKING_NOW });
  const { db, client } = suite;

  const office = () =>
    makeBookingOffice(db(), { department: { doorOverride: 'open', doorOverrideAt: BOOKING_NOW, queueCap: 100 } });

  const knock = (base: string, concern: string, locale = 'de') =>
    client().request(
      'POST',
      `${base}/knock`,
      { name: 'Kim', concern, language: locale, consent: true },
      { 'accept-language': locale },
    );

  it('refuses such concerns at the door, in German by default and in English on request', async () => {
    const o = await office();
    for (const [problem, concern] of Object.entries(SPOOFS)) {
      const de = await client().post(`${o.base}/knock`, { name: 'Kim', concern, language: 'de', consent: true });
      const en = await knock(o.base, concern, 'en');
      expect([problem, de.status, en.status]).toEqual([problem, 400, 400]);
      expect([de.json.errors, en.json.errors]).toEqual([
        [{ path: 'concern', message: SAID[problem as keyof typeof SAID][0] }],
        [{ path: 'concern', message: SAID[problem as keyof typeof SAID][1] }],
      ]);
    }
    const [{ waiting } = { waiting: -1 }] = await db()
      .select({ waiting: count() })
      .from(visits)
      .where(eq(visits.departmentId, o.department.id));
    expect(waiting).toBe(0);
    expect((await knock(o.base, MARKED)).status).toBe(201);
  });

  it('refuses them as the concern of a booking, by citizens and by clerks', async () => {
    const o = await office();
    const { browser } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    for (const concern of Object.values(SPOOFS)) {
      const citizen = await client().post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800, { concern }));
      expect([concern, citizen.status, citizen.json.errors]).toEqual([
        concern,
        400,
        [expect.objectContaining({ path: 'concern' })],
      ]);
      const staff = await browser.post(o.console, {
        ...bookingRequest(o, TUESDAY_0800, { concern }),
        consent: undefined,
      });
      expect([concern, staff.status, staff.json.errors?.[0].path]).toEqual([concern, 400, 'concern']);
    }
    const [{ booked } = { booked: -1 }] = await db()
      .select({ booked: count() })
      .from(appointments)
      .where(eq(appointments.departmentId, o.department.id));
    expect(booked).toBe(0);
  });

  it("refuses them in a clerk's decline note and cancel note, and the visit and the appointment stay", async () => {
    const o = await office();
    const { browser } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const knocked = await knock(o.base, 'Test');
    const visitId = knocked.json.visit.id as string;
    const staff = `/api/staff/departments/${o.department.id}`;
    const booked = await client().post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800));
    expect(booked.status).toBe(201);
    const appointmentId = booked.json.appointment.id as string;
    for (const [problem, note] of Object.entries(SPOOFS)) {
      const declined = await browser.post(`${staff}/visits/${visitId}/decline`, { note });
      expect([problem, declined.status, declined.json.errors]).toEqual([
        problem,
        400,
        [{ path: 'note', message: SAID[problem as keyof typeof SAID][0] }],
      ]);
      const cancelled = await browser.post(`${o.console}/${appointmentId}/cancel`, { note });
      expect([problem, cancelled.status, cancelled.json.errors?.[0].path]).toEqual([problem, 400, 'note']);
    }
    const [visit] = await db().select().from(visits).where(eq(visits.id, visitId));
    expect([visit?.state, visit?.declineNote]).toEqual(['waiting', null]);
    const [appointment] = await db().select().from(appointments).where(eq(appointments.id, appointmentId));
    expect(appointment?.cancelledAt ?? null).toBeNull();
    expect((await browser.post(`${staff}/visits/${visitId}/decline`, { note: MARKED })).status).toBe(204);
  });

  it('refuses them in a walk-in ticket a clerk draws and in an absence an admin enters', async () => {
    const o = await office();
    const { browser } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const { browser: admin } = await signedInAdmin(db(), client(), o.tenant.id, {
      memberships: [{ departmentId: o.department.id, role: 'admin' }],
      now: BOOKING_NOW,
    });
    const clerk = o.clerks[0]!;
    const department = `/api/admin/tenants/${o.tenant.slug}/departments/${o.department.slug}`;
    const staff = `/api/staff/departments/${o.department.id}`;
    for (const [problem, text] of Object.entries(SPOOFS)) {
      const walkIn = await browser.post(`${staff}/onsite-tickets`, { concern: text });
      expect([problem, walkIn.status, walkIn.json.errors?.[0].path]).toEqual([problem, 400, 'concern']);
      const absence = await admin.post(`${department}/availability/${clerk.id}/absences`, {
        startsOn: '2026-11-24',
        endsOn: '2026-11-24',
        reason: text,
      });
      expect([problem, absence.status, absence.json.errors?.[0].path]).toEqual([problem, 400, 'reason']);
    }
    expect(await db().select().from(visits).where(eq(visits.departmentId, o.department.id))).toEqual([]);
    expect(await db().select().from(staffAbsences).where(eq(staffAbsences.staffId, clerk.id))).toEqual([]);
  });

  it('refuses them in accessibility feedback to the municipality, and sends no mail', async () => {
    const email = `kontakt-${Date.now()}@rathaus.test.example`;
    const tenant = await makeTenant(db(), { name: 'Stadt Richtungsheim', contact: { email } });
    for (const [problem, message] of Object.entries(SPOOFS)) {
      const refused = await client().post(`/api/tenants/${tenant.slug}/accessibility-feedback`, { message });
      expect([problem, refused.status, refused.json.errors]).toEqual([
        problem,
        400,
        [{ path: 'message', message: SAID[problem as keyof typeof SAID][0] }],
      ]);
    }
    expect(await mailsTo(db(), email)).toEqual([]);
  });

  it('keeps refusing them, and C1 controls, in invite labels and the names invitees give', async () => {
    const o = await office();
    const { browser } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    const knocked = await knock(o.base, 'Test');
    const visitId = knocked.json.visit.id as string;
    expect((await browser.post(`/api/staff/departments/${o.department.id}/visits/${visitId}/admit`)).status).toBe(200);
    const path = `/api/staff/departments/${o.department.id}/visits/${visitId}/invites`;
    for (const label of ['Dolmetscher \u202eníaS', 'Dolmetscher\u0085\u009bTürkisch']) {
      const response = await browser.post(path, { role: 'guest', label });
      expect([label, response.status, response.json.errors?.[0].path]).toEqual([label, 400, 'label']);
    }
    expect(await db().select().from(invites).where(eq(invites.visitId, visitId))).toEqual([]);
  });
});
