import { createHmac } from 'node:crypto';
import type { SQLWrapper } from 'drizzle-orm';
import { departmentPhrase, formatBookingCode, mailLocale, pageUrl, pickLocalized, type Locale } from '@amtsraum/shared';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { checkInQrText } from '../../lib/check-in-codes.js';
import { enqueueMail } from '../../mail/outbox.js';
import { languageName } from '../../mail/render.js';
import { appointmentMail, type AppointmentMailData } from '../../mail/templates.js';
import { hashToken } from '../staff/auth.service.js';
import {
  findAppointmentWithContext,
  findServicesByIds,
  setMissingJoinTokenHash,
  type AppointmentRow,
  type DepartmentRow,
  type ServiceRow,
  type TenantRow,
} from './appointments.repo.js';

/**
 * The manage/join token of an appointment: 32 bytes, base64url (43 characters, what
 * ManageTokenSchema accepts). Only its SHA-256 is stored (`manage_token_hash`); the token itself
 * travels only in e-mail links, in the URL fragment.
 *
 * It is HMAC-SHA256(SESSION_SECRET, appointment id) rather than 32 fresh random bytes because the
 * reminder e-mail, sent a day later, must carry the same links as the confirmation (and the
 * calendar entry made from it), and the schema keeps only the hash. Without the server's secret
 * the token cannot be derived from the (random, v4) id. Changing SESSION_SECRET leaves existing
 * links working (they are looked up by hash) but makes later reminders of existing bookings
 * carry links that do not match (`loadAppointmentMailData` says so with `linksValid: false`).
 */
export function appointmentToken(secret: string, appointmentId: string): string {
  return createHmac('sha256', secret).update(`amtsraum:appointment-link:${appointmentId}`).digest('base64url');
}

/**
 * The join-only token of an appointment (decision 008, addendum): derived and stored (as
 * `join_token_hash`) like the manage token, under its own label, so neither leads to the other.
 * It joins the call and shows the time, and so may travel in the calendar entry; it neither
 * manages the appointment nor shows the citizen's personal data.
 */
export function appointmentJoinToken(secret: string, appointmentId: string): string {
  return createHmac('sha256', secret).update(`amtsraum:appointment-join:${appointmentId}`).digest('base64url');
}

/**
 * The token of the e-mail's join link: the join-only token where the appointment has one that
 * still matches (booked since it existed, SESSION_SECRET unchanged), else the manage token, which
 * joins too. `joinOnly` says which.
 */
export function joinLinkToken(
  secret: string,
  appointment: Pick<AppointmentRow, 'id' | 'joinTokenHash'>,
): { token: string; joinOnly: boolean } {
  const joinToken = appointmentJoinToken(secret, appointment.id);
  if (appointment.joinTokenHash !== null && hashToken(joinToken) === appointment.joinTokenHash) {
    return { token: joinToken, joinOnly: true };
  }
  return { token: appointmentToken(secret, appointment.id), joinOnly: false };
}

/**
 * An appointment booked before join-only tokens existed gets one when the next e-mail about it is
 * written (its reminder, a move), if SESSION_SECRET still matches its manage link: from then on its
 * e-mails and calendar entries carry the join-only link, and the links already sent keep working.
 * The row as it is afterwards (unchanged when it had a token or the secret has changed).
 */
export async function withJoinToken(db: Db, secret: string, appointment: AppointmentRow): Promise<AppointmentRow> {
  if (appointment.joinTokenHash !== null) return appointment;
  if (hashToken(appointmentToken(secret, appointment.id)) !== appointment.manageTokenHash) return appointment;
  // Given one meanwhile by another process's e-mail, the row keeps that one: the same token, derived
  // the same way.
  const joinTokenHash = hashToken(appointmentJoinToken(secret, appointment.id));
  await setMissingJoinTokenHash(db, appointment.id, joinTokenHash);
  return { ...appointment, joinTokenHash };
}

type LinkConfig = Pick<Config, 'publicBaseUrl' | 'sessionSecret' | 'mail'>;

/** The address part of a sender like `Bürgerbüro Musterstadt <no-reply@example.de>`. */
function addressOf(sender: string): string {
  return /<([^>]+)>/.exec(sender)?.[1]?.trim() ?? sender.trim();
}

/**
 * The manage page (`…/termin#<token>`) and the join page (`…/termin/beitreten#<token>`), under the
 * public base URL; the join page with the join-only token where there is one, which the calendar
 * entry may then carry (`calendarJoinUrl`).
 */
export function appointmentUrls(
  config: Pick<Config, 'publicBaseUrl' | 'sessionSecret'>,
  appointment: Pick<AppointmentRow, 'id' | 'joinTokenHash'>,
): { manageUrl: string; joinUrl: string; calendarJoinUrl?: string } {
  const join = joinLinkToken(config.sessionSecret, appointment);
  const joinUrl = pageUrl(config.publicBaseUrl, 'joinAppointment', [], join.token);
  return {
    manageUrl: pageUrl(
      config.publicBaseUrl,
      'manageAppointment',
      [],
      appointmentToken(config.sessionSecret, appointment.id),
    ),
    joinUrl,
    ...(join.joinOnly ? { calendarJoinUrl: joinUrl } : {}),
  };
}

/** Everything `appointmentMail` needs, from the rows, in `locale`. */
export function appointmentMailData(options: {
  config: LinkConfig;
  appointment: AppointmentRow;
  tenant: TenantRow;
  department: DepartmentRow;
  /** The appointment's services, in its order. */
  services: ServiceRow[];
  locale: Locale;
  /** A clerk's note (cancellation). */
  note?: string;
  /** iCalendar SEQUENCE; see `mailSequence`. */
  sequence?: number;
}): AppointmentMailData {
  const { appointment, tenant, department, locale } = options;
  const documents = new Set<string>();
  for (const service of options.services) {
    for (const document of service.documents) documents.add(pickLocalized(document, locale));
  }
  const contact = department.contact;
  return {
    appointmentId: appointment.id,
    tenantName: tenant.name,
    departmentName: pickLocalized(department.name, locale),
    departmentAt: departmentPhrase(department, locale, 'at'),
    organizer: {
      name: `${pickLocalized(department.name, locale)}, ${tenant.name}`,
      email: department.contact.email ?? addressOf(options.config.mail.from),
    },
    citizenEmail: appointment.email ?? addressOf(options.config.mail.from),
    timeZone: tenant.timeZone,
    startsAt: appointment.startsAt,
    endsAt: appointment.endsAt,
    services: options.services.map((service) => pickLocalized(service.name, locale)),
    persons: appointment.persons,
    ...(appointment.interpreterLanguage
      ? { interpreterLanguage: languageName(appointment.interpreterLanguage, locale) }
      : {}),
    citizenName: appointment.citizenName,
    documents: [...documents],
    ...appointmentUrls(options.config, appointment),
    bookingUrl: pageUrl(options.config.publicBaseUrl, 'booking', [
      { tenant: tenant.slug, department: department.slug },
    ]),
    joinOpensMinutesBefore: department.joinOpensMinutesBefore,
    ...(contact.phone || contact.email ? { contact: { phone: contact.phone, email: contact.email } } : {}),
    ...(options.note ? { note: options.note } : {}),
    ...(options.sequence !== undefined ? { sequence: options.sequence } : {}),
    ...(appointment.channel === 'onsite'
      ? {
          onsite: {
            location: department.onsiteLocation ? pickLocalized(department.onsiteLocation, locale) : '',
            bookingCode: appointment.bookingCode ? formatBookingCode(appointment.bookingCode) : null,
            qrText: appointment.bookingCode
              ? checkInQrText(options.config.sessionSecret, appointment.bookingCode)
              : null,
          },
        }
      : {}),
  };
}

/**
 * iCalendar SEQUENCE for a change of the appointment made at `now`: the seconds since it was
 * booked. It only ever grows, which is all calendars need, and needs no counter column.
 */
export function mailSequence(appointment: Pick<AppointmentRow, 'createdAt'>, now: Date): number {
  return Math.max(1, Math.floor((now.getTime() - appointment.createdAt.getTime()) / 1000));
}

export type AppointmentMailKind = 'confirmation' | 'cancelled' | 'moved';

/**
 * Queues the citizen's e-mail about an appointment (nothing when there is no address). Call it
 * inside the transaction that made the change, so that the change and its e-mail commit together.
 */
export async function queueAppointmentMail(
  db: Db,
  options: {
    config: LinkConfig;
    kind: AppointmentMailKind;
    appointment: AppointmentRow;
    tenant: TenantRow;
    department: DepartmentRow;
    /** The appointment's services, in its order; read when not given. */
    services?: ServiceRow[];
    now: Date;
    note?: string;
    /** Sent in the same statement as the e-mail's row (`enqueueMail`), and also without an e-mail. */
    alongside?: SQLWrapper & PromiseLike<unknown>;
  },
): Promise<void> {
  const { kind, now } = options;
  const to = options.appointment.email;
  if (!to) {
    await options.alongside;
    return;
  }
  const appointment =
    kind === 'cancelled'
      ? options.appointment
      : await withJoinToken(db, options.config.sessionSecret, options.appointment);
  const locale = mailLocale(appointment.mailLocale);
  const sequence = kind === 'confirmation' ? 0 : mailSequence(appointment, now);
  const services = options.services ?? (await findServicesByIds(db, appointment.serviceIds));
  const data = appointmentMailData({ ...options, appointment, services, locale, sequence });
  const message = appointmentMail(kind, data, locale, now);
  await enqueueMail(
    db,
    {
      tenantId: appointment.tenantId,
      kind: `appointment.${kind}`,
      dedupeKey: `appointment:${appointment.id}:${kind}${kind === 'moved' ? `:${sequence}` : ''}`,
      to,
      ...message,
    },
    { alongside: options.alongside },
  );
}

/**
 * For mails sent later (the reminder): the mail data of an appointment by id, with its locale and
 * address; null when the appointment is gone. `linksValid` is false when the links derived now
 * would not open the appointment (SESSION_SECRET changed since the booking, or a row not made by
 * `bookAppointment`).
 */
export async function loadAppointmentMailData(
  db: Db,
  config: LinkConfig,
  appointmentId: string,
  options: { note?: string; sequence?: number } = {},
): Promise<{
  data: AppointmentMailData;
  locale: Locale;
  to: string | null;
  tenantId: string;
  linksValid: boolean;
} | null> {
  const context = await findAppointmentWithContext(db, appointmentId);
  if (!context) return null;
  const found = { ...context, appointment: await withJoinToken(db, config.sessionSecret, context.appointment) };
  const locale = mailLocale(found.appointment.mailLocale);
  const services = await findServicesByIds(db, found.appointment.serviceIds);
  return {
    data: appointmentMailData({ config, ...found, services, locale, ...options }),
    locale,
    to: found.appointment.email,
    tenantId: found.appointment.tenantId,
    linksValid: hashToken(appointmentToken(config.sessionSecret, appointmentId)) === found.appointment.manageTokenHash,
  };
}
