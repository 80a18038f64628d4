import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { sampleAppointmentMail } from '../test/mail-factories.js';
import { appointmentMail, inviteMail } from './templates.js';

const NOW = new Date('2026-11-01T08:00:00Z');

function calendarOf(mail: ReturnType<typeof appointmentMail>) {
  const [attachment] = mail.attachments;
  const ics = Buffer.from(attachment!.content, 'base64').toString('utf8');
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return { attachment: attachment!, calendar, event: new ICAL.Event(calendar.getFirstSubcomponent('vevent')!) };
}

describe('appointment e-mails', () => {
  it('confirms in German with the time in the tenant zone, documents, door, links and an .ics', () => {
    const mail = appointmentMail('confirmation', sampleAppointmentMail(), 'de', NOW);
    expect(mail.subject).toBe('Terminbestätigung: Bürgeramt, Montag, 23. November 2026, 10:30 Uhr');
    expect(mail.text).toContain('Guten Tag Erika Mustermann,');
    // "beim Bürgeramt", as the department's name forms say (issue 13: "Ihr Termin bei Bürgeramt").
    expect(mail.text).toContain('Ihr Termin beim Bürgeramt (Stadt Musterstadt) ist gebucht.');
    expect(mail.text).toContain('Montag, 23. November 2026, 10:30 bis 10:45 Uhr (MEZ)');
    expect(mail.text).toContain('Personalausweis beantragen');
    expect(mail.text).toContain('- Alter Personalausweis\n- Biometrisches Passfoto');
    expect(mail.text).toContain('Der Warteraum öffnet 10 Minuten vor Beginn');
    expect(mail.text).toContain('https://amtsraum.test/termin/beitreten#join-token');
    expect(mail.text).toContain('https://amtsraum.test/termin#manage-token');
    expect(mail.text).toContain('sagen Sie ihn ab oder buchen ihn um');
    expect(mail.text).toContain('gelten nur für Sie');
    expect(mail.text).toContain('telefonisch unter +49 30 1234');
    expect(mail.html).toContain('<html lang="de">');
    expect(mail.html).toContain('href="https://amtsraum.test/termin#manage-token"');

    const { attachment, calendar, event } = calendarOf(mail);
    expect(attachment.filename).toBe('termin.ics');
    expect(attachment.contentType).toBe('text/calendar; charset=utf-8; method=REQUEST');
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe('0b6f7a52-5f8e-4a3c-9d0e-2f7a1c3b4d5e@amtsraum');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-11-23T09:30:00.000Z');
    expect(event.summary).toBe('Termin: Bürgeramt, Stadt Musterstadt');
    expect(event.description).toContain('Biometrisches Passfoto');
    // The calendar gets no link: calendars are often shared, and the join link's token also
    // manages the appointment (cancel, move). It says where the link is instead.
    const ics = Buffer.from(attachment.content, 'base64').toString('utf8');
    expect(ics).not.toMatch(/join-token|manage-token|termin\/|^URL/m);
    expect(event.location).toBe('Videogespräch im Browser');
    expect(event.description).toContain('Den Link „Zum Termin“ finden Sie in Ihrer E-Mail zu diesem Termin.');
  });

  it('confirms in English', () => {
    const mail = appointmentMail('confirmation', sampleAppointmentMail({ persons: 2 }), 'en', NOW);
    expect(mail.subject).toBe('Appointment confirmed: Bürgeramt, Monday, 23 November 2026, 10:30');
    expect(mail.text).toContain('Dear Erika Mustermann,');
    expect(mail.text).toContain('Monday, 23 November 2026, 10:30 to 10:45 (CET)');
    expect(mail.text).toMatch(/People:\s+2/);
    expect(mail.text).toContain('The waiting room opens 10 minutes before the start');
    expect(mail.text).toContain('These links are personal');
    expect(mail.html).toContain('<html lang="en">');
    expect(calendarOf(mail).attachment.filename).toBe('appointment.ics');
  });

  // The citizen asked for an interpreter when booking: the confirmation says for which language,
  // so a wrong choice is seen before the day (and the reminder and a move repeat it).
  it('confirms the interpreter language asked for, in both parts and both languages', () => {
    const de = appointmentMail('confirmation', sampleAppointmentMail({ interpreterLanguage: 'Türkisch' }), 'de', NOW);
    expect(de.text).toMatch(/Verdolmetschung:\s+Türkisch/);
    expect(de.html).toMatch(/Verdolmetschung[\s\S]{0,200}Türkisch/);
    const en = appointmentMail('confirmation', sampleAppointmentMail({ interpreterLanguage: 'Turkish' }), 'en', NOW);
    expect(en.text).toMatch(/Interpreter:\s+Turkish/);
    expect(en.html).toMatch(/Interpreter[\s\S]{0,200}Turkish/);
    for (const kind of ['reminder', 'moved'] as const) {
      expect(appointmentMail(kind, sampleAppointmentMail({ interpreterLanguage: 'Turkish' }), 'en', NOW).text).toMatch(
        /Interpreter:\s+Turkish/,
      );
    }
    // Without one, no such line.
    expect(appointmentMail('confirmation', sampleAppointmentMail(), 'de', NOW).text).not.toContain('Verdolmetschung');
  });

  it('shows summer time in summer', () => {
    const mail = appointmentMail(
      'reminder',
      sampleAppointmentMail({ startsAt: new Date('2026-06-15T08:00:00Z'), endsAt: new Date('2026-06-15T08:15:00Z') }),
      'de',
      NOW,
    );
    expect(mail.subject).toBe('Erinnerung an Ihren Termin: Bürgeramt, Montag, 15. Juni 2026, 10:00 Uhr');
    expect(mail.text).toContain('10:00 bis 10:15 Uhr (MESZ)');
  });

  it('writes each time in its own zone and language, one e-mail after another', () => {
    // The formatters are kept between e-mails (render.ts): each zone and language its own.
    const at = (timeZone: string, locale: 'de' | 'en') =>
      appointmentMail('confirmation', sampleAppointmentMail({ timeZone }), locale, NOW).text;
    expect(at('Europe/Berlin', 'de')).toContain('Montag, 23. November 2026, 10:30 bis 10:45 Uhr (MEZ)');
    expect(at('Europe/London', 'de')).toContain('Montag, 23. November 2026, 09:30 bis 09:45 Uhr (GMT+0)');
    expect(at('Europe/London', 'en')).toContain('Monday, 23 November 2026, 09:30 to 09:45 (GMT)');
    expect(at('Europe/Berlin', 'en')).toContain('Monday, 23 November 2026, 10:30 to 10:45 (CET)');
  });

  it('moves with a REQUEST of a higher sequence, and cancels with a CANCEL of the same UID', () => {
    const moved = appointmentMail('moved', sampleAppointmentMail({ sequence: 3, note: 'Krankheitsfall' }), 'de', NOW);
    expect(moved.subject).toMatch(/^Termin verschoben: Bürgeramt, neu am Montag/);
    expect(moved.text).toContain('Hinweis: Krankheitsfall');
    expect(calendarOf(moved).event.sequence).toBe(3);

    const cancelled = appointmentMail('cancelled', sampleAppointmentMail(), 'en', NOW);
    expect(cancelled.subject).toBe('Appointment cancelled: Bürgeramt, Monday, 23 November 2026, 10:30');
    expect(cancelled.text).not.toContain('#join-token');
    // The way on: the department's booking page, not only "please book a new one".
    expect(cancelled.text).toContain('Book a new appointment: https://amtsraum.test/musterstadt/buergeramt/termin');
    expect(cancelled.html).toContain('href="https://amtsraum.test/musterstadt/buergeramt/termin"');
    expect(cancelled.text).not.toContain('documents');
    const { attachment, calendar, event } = calendarOf(cancelled);
    expect(attachment.contentType).toBe('text/calendar; charset=utf-8; method=CANCEL');
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.uid).toBe('0b6f7a52-5f8e-4a3c-9d0e-2f7a1c3b4d5e@amtsraum');
    expect(event.sequence).toBe(1);
  });

  it('escapes everything in the HTML part', () => {
    const mail = appointmentMail(
      'confirmation',
      sampleAppointmentMail({
        citizenName: '<script>alert("x")</script>',
        documents: ['A & B'],
        manageUrl: 'https://amtsraum.test/termin#"><img src=x>',
      }),
      'de',
      NOW,
    );
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.html).toContain('A &amp; B');
    // The plain-text part is plain text.
    expect(mail.text).toContain('Guten Tag <script>alert("x")</script>,');
  });

  it('names the join link as the confirmation and manage pages call it, in the HTML and the text part', () => {
    // The pages say "open the link “Zum Termin” from the e-mail"; a link called otherwise is not found.
    for (const locale of ['de', 'en'] as const) {
      const pages = JSON.parse(
        readFileSync(new URL(`../../../web/src/locales/${locale}/appointments.json`, import.meta.url), 'utf8'),
      ) as { confirmation: { join1: string }; manage: { joinLater: string } };
      const named = [pages.confirmation.join1, pages.manage.joinLater].map(
        (text) => /[„“]([^“”]+)[“”]/.exec(text)?.[1],
      );
      const mail = appointmentMail('confirmation', sampleAppointmentMail(), locale, NOW);
      for (const label of named) {
        expect(label).toBeTruthy();
        expect(mail.html).toContain(`>${label!}</a>`);
        expect(mail.text).toContain(`${label!}: https://amtsraum.test/termin/beitreten#join-token`);
      }
    }
  });

  it('refuses links that are not http(s)', () => {
    expect(() =>
      appointmentMail('confirmation', sampleAppointmentMail({ joinUrl: 'javascript:alert(1)' }), 'de', NOW),
    ).toThrow();
  });
});

describe('invite e-mails', () => {
  const base = {
    tenantName: 'Stadt Musterstadt',
    departmentName: 'Bürgeramt',
    departmentAt: 'beim Bürgeramt',
    label: 'Verdolmetschung Türkisch',
    url: 'https://amtsraum.test/einladung#invite-token',
    timeZone: 'Europe/Berlin',
  };

  it('invites an interpreter in German with the time and the expiry in the tenant zone', () => {
    const mail = inviteMail(
      {
        ...base,
        role: 'interpreter',
        startsAt: new Date('2026-11-23T09:30:00Z'),
        expiresAt: new Date('2026-11-23T11:00:00Z'),
      },
      'de',
    );
    expect(mail.subject).toBe('Einladung zum Dolmetschen: Videogespräch beim Bürgeramt');
    expect(mail.text).toContain('in einem Videogespräch beim Bürgeramt (Stadt Musterstadt) zu dolmetschen');
    expect(mail.text).toContain('Verdolmetschung Türkisch');
    expect(mail.text).toContain('Montag, 23. November 2026, 10:30 Uhr');
    expect(mail.text).toContain('Der Link gilt bis Montag, 23. November 2026, 12:00 Uhr.');
    expect(mail.text).toContain('https://amtsraum.test/einladung#invite-token');
    expect(mail.text).toContain('Der Link ist persönlich');
    expect(mail.html).toContain('href="https://amtsraum.test/einladung#invite-token"');
  });

  it('invites a guest in English, without expiry', () => {
    const mail = inviteMail(
      { ...base, departmentAt: 'at the Citizens’ Office', role: 'guest', label: 'Betreuer', expiresAt: null },
      'en',
    );
    expect(mail.subject).toBe('Invitation to a video call at the Citizens’ Office');
    expect(mail.text).toContain('as a guest');
    expect(mail.text).toContain('valid until the call ends or the office withdraws it');
    expect(mail.text).not.toContain('When:');
  });

  it('names a link labelled with its role’s name by the role in the mail’s language', () => {
    // An English-speaking clerk's link without a label ("Interpreter"), e-mailed in German.
    const german = inviteMail({ ...base, role: 'interpreter', label: 'Interpreter', expiresAt: null }, 'de');
    expect(german.text).toContain('Einladung für: Dolmetscherin/Dolmetscher');
    expect(german.text).not.toContain('Interpreter');
    const english = inviteMail({ ...base, role: 'guest', label: 'Gast', expiresAt: null }, 'en');
    expect(english.text).toContain('Invitation for: Guest');
    // Any other label is the clerk's words, as written.
    const labelled = inviteMail({ ...base, role: 'guest', label: 'Betreuer', expiresAt: null }, 'en');
    expect(labelled.text).toContain('Invitation for: Betreuer');
  });
});
