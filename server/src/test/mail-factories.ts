import type { OutboxMessage } from '../mail/outbox.js';
import { appointmentMail, type AppointmentMailData } from '../mail/templates.js';

/** Appointment e-mail data: Monday 23 November 2026, 10:30 to 10:45 in Berlin (CET, UTC+1). */
export function sampleAppointmentMail(values: Partial<AppointmentMailData> = {}): AppointmentMailData {
  return {
    appointmentId: '0b6f7a52-5f8e-4a3c-9d0e-2f7a1c3b4d5e',
    tenantName: 'Stadt Musterstadt',
    departmentName: 'Bürgeramt',
    departmentAt: 'beim Bürgeramt',
    organizer: { name: 'Bürgeramt, Stadt Musterstadt', email: 'buergeramt@musterstadt.example' },
    citizenEmail: 'erika@example.org',
    timeZone: 'Europe/Berlin',
    startsAt: new Date('2026-11-23T09:30:00Z'),
    endsAt: new Date('2026-11-23T09:45:00Z'),
    services: ['Personalausweis beantragen'],
    persons: 1,
    citizenName: 'Erika Mustermann',
    documents: ['Alter Personalausweis', 'Biometrisches Passfoto'],
    manageUrl: 'https://amtsraum.test/termin#manage-token',
    joinUrl: 'https://amtsraum.test/termin/beitreten#join-token',
    bookingUrl: 'https://amtsraum.test/musterstadt/buergeramt/termin',
    joinOpensMinutesBefore: 10,
    contact: { phone: '+49 30 1234', email: 'buergeramt@musterstadt.example' },
    ...values,
  };
}

/** A booking confirmation as the outbox takes it, to `to`, written at `now`. */
export function confirmationMessage(
  to: string,
  locale: 'de' | 'en' = 'de',
  extra: Partial<OutboxMessage> = {},
  now = new Date('2026-11-02T08:00:00Z'),
): OutboxMessage {
  return {
    kind: 'confirmation',
    to,
    ...appointmentMail('confirmation', sampleAppointmentMail(), locale, now),
    ...extra,
  };
}
