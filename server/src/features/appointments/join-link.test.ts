import { JoinViewResponseSchema, ProblemSchema } from '@amtsraum/shared';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appointments } from '../../db/schema.js';
import {
  BOOKING_NOW,
  TUESDAY_0800,
  bookingRequest,
  joinTokenFromMail,
  mailsTo,
  makeAppointment,
  tokenFromMail,
} from '../../test/booking-factories.js';
import { databaseKinds } from '../../test/databases.js';
import { useBookingServer } from '../../test/suite.js';
import { loadAppointmentMailData } from './appointment-mail.js';

/** The calendar attachment of an outbox row, as text. */
function icsOf(mail: { attachments: unknown }): string {
  const [ics] = mail.attachments as { filename: string; content: string }[];
  return Buffer.from(ics!.content, 'base64')
    .toString('utf8')
    .replace(/\r\n[ \t]/g, '');
}

describe.each(databaseKinds)('the join-only link on %s', (kind) => {
  const { suite, clock, client, db, office } = useBookingServer(kind, BOOKING_NOW);

  /** A citizen books Tuesday 08:00; the tokens of the two links of the confirmation. */
  async function book() {
    const o = await office({ department: { joinOpensMinutesBefore: 10 } });
    const request = bookingRequest(o, TUESDAY_0800, { name: 'Erika Mustermann', concern: 'Neuer Reisepass' });
    const response = await client().post(`${o.base}/appointments`, request);
    expect(response.status).toBe(201);
    const [mail] = await mailsTo(db(), request.email);
    return {
      o,
      email: request.email,
      mail: mail!,
      appointmentId: response.json.appointment.id as string,
      manageToken: tokenFromMail(mail!.text),
      joinToken: joinTokenFromMail(mail!.text),
    };
  }

  const post = (path: string, body: unknown) => client().post(`/api/appointments/${path}`, body);

  it('the calendar entry carries the join-only link, never the manage link', async () => {
    const { mail, joinToken, manageToken } = await book();
    const ics = icsOf(mail);
    expect(ics).toContain(`URL:http://amtsraum.test/termin/beitreten#${joinToken}`);
    expect(ics).toContain(`Zum Termin: http://amtsraum.test/termin/beitreten#${joinToken}`);
    expect(ics).not.toContain(manageToken);
  });

  it('shows the time and the office, not the person, and says that it does not manage', async () => {
    const { o, email, joinToken, manageToken } = await book();

    const byJoin = await post('join-view', { token: joinToken });
    expect(byJoin.status).toBe(200);
    const view = JoinViewResponseSchema.parse(byJoin.json).appointment;
    expect(view).toMatchObject({
      state: 'booked',
      startsAt: TUESDAY_0800,
      channel: 'video',
      tenantSlug: o.tenant.slug,
      departmentSlug: o.department.slug,
      timeZone: 'Europe/Berlin',
      joinOpensAt: '2026-11-24T06:50:00.000Z',
      manages: false,
    });
    expect(JSON.stringify(byJoin.json)).not.toMatch(/Erika|Mustermann|Reisepass/);
    expect(JSON.stringify(byJoin.json)).not.toContain(email);

    const byManage = JoinViewResponseSchema.parse((await post('join-view', { token: manageToken })).json);
    expect(byManage.appointment.manages).toBe(true);
    // The office's clock, for the page to time its retry on (not the phone's, which may be off).
    expect(byManage.serverTime).toBe(BOOKING_NOW.toISOString());
  });

  it('neither reads, cancels nor moves the appointment: those answer as for an unknown link', async () => {
    const { appointmentId, joinToken } = await book();
    for (const [path, body] of [
      ['manage', { token: joinToken }],
      ['cancel', { token: joinToken }],
      ['rebook', { token: joinToken, startsAt: '2026-11-24T07:15:00.000Z' }],
    ] as const) {
      const response = await post(path, body);
      expect(response.status, path).toBe(404);
      expect(ProblemSchema.parse(response.json).code).toBe('appointment_not_found');
    }
    const [row] = await db().select().from(appointments).where(eq(appointments.id, appointmentId));
    expect(row).toMatchObject({ state: 'booked', startsAt: new Date(TUESDAY_0800) });
  });

  it('joins: from the door’s opening it puts the citizen into the queue, as the manage token does', async () => {
    const { joinToken, manageToken } = await book();
    const early = await post('arrive', { token: joinToken });
    expect(early.status).toBe(409);
    expect(ProblemSchema.parse(early.json).code).toBe('appointment_not_open_yet');

    clock.set('2026-11-24T06:55:00Z');
    const arrived = await post('arrive', { token: joinToken });
    expect(arrived.status).toBe(200);
    // The same visit either way: a second device with the other link gets the place back.
    const again = await post('arrive', { token: manageToken });
    expect(again.status).toBe(200);
    expect(again.json.visitId).toBe(arrived.json.visitId);
  });

  /** An appointment inserted as bookings were made before join-only tokens: a manage link only. */
  async function bookedBeforeJoinLinks(linkSecret = suite.server.deps.config.sessionSecret) {
    const o = await office();
    const { appointment, token } = await makeAppointment(db(), {
      tenantId: o.tenant.id,
      departmentId: o.department.id,
      staffId: o.clerks[0]!.id,
      serviceIds: [o.services[0]!.id],
      startsAt: new Date(TUESDAY_0800),
      linkSecret,
    });
    expect(appointment.joinTokenHash).toBeNull();
    return { o, appointment, manageToken: token };
  }

  const joinHashOf = async (id: string) =>
    (await db().select().from(appointments).where(eq(appointments.id, id)))[0]!.joinTokenHash;

  it('an appointment booked before join-only links gets one with its next e-mail, and its manage link keeps working', async () => {
    const { appointment, manageToken } = await bookedBeforeJoinLinks();
    const loaded = await loadAppointmentMailData(db(), suite.server.deps.config, appointment.id);
    const joinUrl = loaded!.data.joinUrl;
    const joinToken = joinUrl.split('#')[1]!;
    expect(joinUrl).toMatch(/^http:\/\/amtsraum\.test\/termin\/beitreten#/);
    expect(joinToken).not.toBe(manageToken);
    expect(loaded!.data.calendarJoinUrl).toBe(joinUrl);
    expect(await joinHashOf(appointment.id)).not.toBeNull();

    // The new link only joins; the one sent before still manages.
    const byJoin = JoinViewResponseSchema.parse((await post('join-view', { token: joinToken })).json);
    expect(byJoin.appointment.manages).toBe(false);
    expect((await post('manage', { token: joinToken })).status).toBe(404);
    expect((await post('manage', { token: manageToken })).status).toBe(200);
    // A second e-mail carries the same link.
    const again = await loadAppointmentMailData(db(), suite.server.deps.config, appointment.id);
    expect(again!.data.joinUrl).toBe(joinUrl);
  });

  it('moving such an appointment sends the join-only link in the e-mail and its calendar entry', async () => {
    const { appointment, manageToken } = await bookedBeforeJoinLinks();
    const moved = await post('rebook', { token: manageToken, startsAt: '2026-11-24T07:15:00.000Z' });
    expect(moved.status).toBe(200);
    const mail = (await mailsTo(db(), appointment.email!)).find((row) => row.kind === 'appointment.moved');
    const joinToken = joinTokenFromMail(mail!.text);
    expect(joinToken).not.toBe(manageToken);
    expect(icsOf(mail!)).toContain(`URL:http://amtsraum.test/termin/beitreten#${joinToken}`);
    expect(icsOf(mail!)).not.toContain(manageToken);
  });

  it('after a SESSION_SECRET change such an appointment gets none, and its calendar has no link', async () => {
    const { appointment, manageToken } = await bookedBeforeJoinLinks('ein anderes Geheimnis von früher, lang genug');
    const loaded = await loadAppointmentMailData(db(), suite.server.deps.config, appointment.id);
    expect(loaded!.linksValid).toBe(false);
    expect(loaded!.data.calendarJoinUrl).toBeUndefined();
    expect(await joinHashOf(appointment.id)).toBeNull();
    const view = JoinViewResponseSchema.parse((await post('join-view', { token: manageToken })).json);
    expect(view.appointment.manages).toBe(true);
  });

  it('refuses a malformed token as invalid and an unknown one as not found, as the manage page does', async () => {
    const malformed = await post('join-view', { token: 'kurz' });
    expect(malformed.status).toBe(400);
    expect(ProblemSchema.parse(malformed.json).code).toBe('validation_failed');
    const unknown = await post('join-view', { token: 'A'.repeat(43) });
    expect(unknown.status).toBe(404);
  });
});
