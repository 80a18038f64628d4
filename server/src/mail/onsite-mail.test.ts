import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { sampleAppointmentMail } from '../test/mail-factories.js';
import { decodeBitmapPng } from '../test/png.js';
import { appointmentMail, QR_CID } from './templates.js';

/** The on-site wording of every appointment e-mail (issue 16): where to go, the code, the kiosk. */

const NOW = new Date('2026-11-01T08:00:00Z');
const ONSITE = {
  location: 'Rathaus, Zimmer 12\nMarkt 1, 12345 Musterstadt',
  bookingCode: 'ACDE-FGHJ',
  qrText: 'AMTSRAUM1:ACDEFGHJ.abcdefghijklmnopqrstuv',
};

function icsOf(mail: ReturnType<typeof appointmentMail>) {
  const attachment = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!;
  const text = Buffer.from(attachment.content, 'base64').toString('utf8');
  return { text, event: new ICAL.Event(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!) };
}

describe('on-site appointment e-mails', () => {
  it('reminds in German of the place, the code and the kiosk, with the QR code and no join link', () => {
    const mail = appointmentMail('reminder', { ...sampleAppointmentMail(), onsite: ONSITE }, 'de', NOW);
    expect(mail.text).toContain('Der Termin findet vor Ort statt.');
    expect(mail.text).toMatch(/Wo:\s+Rathaus, Zimmer 12, Markt 1, 12345 Musterstadt/);
    expect(mail.text).toMatch(/Buchungscode:\s+ACDE-FGHJ/);
    expect(mail.text).toContain('Melden Sie sich bei Ihrer Ankunft am Terminal im Eingangsbereich an');
    expect(mail.text).not.toContain('beitreten');
    expect(mail.text).not.toContain('Videogespräch im Browser');
    expect(mail.html).toContain(
      `<img src="cid:${QR_CID}" alt="QR-Code zur Anmeldung vor Ort (Buchungscode ACDE-FGHJ)"`,
    );
    const png = mail.attachments.find((a) => a.cid === QR_CID)!;
    expect(png.contentType).toBe('image/png');
    expect(decodeBitmapPng(Buffer.from(png.content, 'base64')).width).toBeGreaterThan(100);

    const { event, text } = icsOf(mail);
    expect(event.location).toBe('Rathaus, Zimmer 12, Markt 1, 12345 Musterstadt');
    expect(text).not.toMatch(/^URL:/m);
    expect(event.description).not.toContain('ACDE');
  });

  it('says the same in English', () => {
    const mail = appointmentMail('confirmation', { ...sampleAppointmentMail(), onsite: ONSITE }, 'en', NOW);
    expect(mail.text).toContain('It takes place on site.');
    expect(mail.text).toMatch(/Booking code:\s+ACDE-FGHJ/);
    expect(mail.text).toContain('Check in at the kiosk at the entrance');
  });

  it('cancels without place, code or QR code', () => {
    const mail = appointmentMail('cancelled', { ...sampleAppointmentMail(), onsite: ONSITE }, 'de', NOW);
    expect(mail.text).not.toContain('ACDE-FGHJ');
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['text/calendar; charset=utf-8; method=CANCEL']);
  });
});
