import { INVITE_ROLE_NAMES, isInviteRoleName } from '@amtsraum/shared';
import { buildIcs } from './ics.js';
import { qrPng } from './qr-png.js';
import {
  formatMailDateTime,
  httpUrl,
  rangeText,
  render,
  toBase64,
  type Block,
  type Locale,
  type MailAttachment,
  type RenderedMail,
} from './render.js';

/**
 * E-mail texts (issue 6): plain data in, a message out, in German ("Sie") or English. Every
 * message has a full plain-text part and an HTML part built from the same blocks (render.ts).
 */

export interface AppointmentMailData {
  appointmentId: string;
  tenantName: string;
  departmentName: string;
  /** The department as a sentence places it, in the mail's language: "beim Bürgeramt". */
  departmentAt: string;
  /** The calendar entry's organizer: the office (its contact address, else the sender's). */
  organizer: { name: string; email: string };
  /** The calendar entry's attendee: where this mail goes. */
  citizenEmail: string;
  /** IANA zone of the tenant, e.g. Europe/Berlin. */
  timeZone: string;
  startsAt: Date;
  endsAt: Date;
  /** Service names, already in the mail's language. */
  services: string[];
  persons: number;
  /** The language the citizen asked an interpreter for, already named in the mail's language. */
  interpreterLanguage?: string;
  citizenName: string;
  /** Documents to bring, already in the mail's language. */
  documents: string[];
  /** The citizen's personal page to cancel or rebook (token in the fragment). */
  manageUrl: string;
  /** Where the citizen joins the video call. */
  joinUrl: string;
  /**
   * The join link when its token only joins (decision 008, addendum): the calendar entry carries
   * it. Absent when the join link's token is the manage token (appointments booked before
   * join-only links): the entry then says where the link is.
   */
  calendarJoinUrl?: string;
  /** The department's booking page: where a cancelled appointment is booked anew. */
  bookingUrl: string;
  joinOpensMinutesBefore: number;
  contact?: { phone?: string; email?: string };
  /** A note from the office (e.g. why it was cancelled or moved). */
  note?: string;
  /**
   * On-site appointments (issue 16): where to go (already in the mail's language), the booking
   * code (`ABCD-EFGH`) and the QR code's text for the kiosk. Absent: a video appointment.
   */
  onsite?: { location: string; bookingCode: string | null; qrText: string | null };
  /**
   * iCalendar SEQUENCE: raise it with every change of the appointment, or calendars ignore the
   * update. Default: 0 for confirmation and reminder, 1 for moved and cancelled.
   */
  sequence?: number;
}

export type AppointmentMailKind = 'confirmation' | 'reminder' | 'cancelled' | 'moved';

export interface InviteMailData {
  tenantName: string;
  departmentName: string;
  /** The department as a sentence places it, in the mail's language: "beim Bürgeramt". */
  departmentAt: string;
  /** Who the invite is for, as the clerk named it (e.g. "Verdolmetschung Türkisch"). */
  label: string;
  role: 'interpreter' | 'guest';
  url: string;
  expiresAt: Date | null;
  timeZone: string;
  startsAt?: Date | null;
}

// ---------------------------------------------------------------------------------------------
// Appointments

function contactText(contact: AppointmentMailData['contact'], locale: Locale): string | null {
  const phone = contact?.phone?.trim();
  const email = contact?.email?.trim();
  if (!phone && !email) return null;
  if (locale === 'de') {
    const ways = [phone && `telefonisch unter ${phone}`, email && `per E-Mail an ${email}`].filter(Boolean);
    return `Fragen? Sie erreichen uns ${ways.join(' oder ')}.`;
  }
  const ways = [phone && `by phone on ${phone}`, email && `by e-mail at ${email}`].filter(Boolean);
  return `Questions? You can reach us ${ways.join(' or ')}.`;
}

const APPOINTMENT_TEXT = {
  de: {
    subject: {
      confirmation: (place: string, when: string) => `Terminbestätigung: ${place}, ${when}`,
      reminder: (place: string, when: string) => `Erinnerung an Ihren Termin: ${place}, ${when}`,
      moved: (place: string, when: string) => `Termin verschoben: ${place}, neu am ${when}`,
      cancelled: (place: string, when: string) => `Termin abgesagt: ${place}, ${when}`,
    },
    greeting: (name: string) => `Guten Tag ${name},`,
    intro: {
      confirmation: (place: string) =>
        `Ihr Termin ${place} ist gebucht. Das Gespräch findet als Videogespräch im Browser statt.`,
      reminder: (place: string) =>
        `wir erinnern Sie an Ihren Termin ${place}. Das Gespräch findet als Videogespräch im Browser statt.`,
      moved: (place: string) => `Ihr Termin ${place} wurde verschoben. Es gilt die neue Zeit:`,
      cancelled: (place: string) => `Ihr Termin ${place} wurde abgesagt.`,
    },
    when: 'Wann',
    services: 'Anliegen',
    persons: 'Personen',
    interpreter: 'Verdolmetschung',
    how: 'Wie',
    video: 'Videogespräch im Browser',
    note: 'Hinweis',
    documents: 'Bitte halten Sie diese Unterlagen bereit:',
    join: (minutes: number) =>
      `So nehmen Sie teil: Öffnen Sie zur Terminzeit diesen Link. Der Warteraum öffnet ${minutes} Minuten vor Beginn; ` +
      'dann können Sie Kamera und Mikrofon prüfen. Sie brauchen einen aktuellen Browser, eine Kamera und ein Mikrofon.',
    onsiteIntro: {
      confirmation: (place: string) => `Ihr Termin ${place} ist gebucht. Der Termin findet vor Ort statt.`,
      reminder: (place: string) => `wir erinnern Sie an Ihren Termin ${place}. Der Termin findet vor Ort statt.`,
    },
    onsite: 'Vor Ort',
    where: 'Wo',
    bookingCode: 'Buchungscode',
    checkIn:
      'Bitte bringen Sie den QR-Code aus dieser E-Mail oder Ihren Buchungscode und Ihr Geburtsdatum mit. ' +
      'Melden Sie sich bei Ihrer Ankunft am Terminal im Eingangsbereich an; dann werden Sie aufgerufen.',
    qrAlt: (code: string) => `QR-Code zur Anmeldung vor Ort (Buchungscode ${code})`,
    qrText: 'Den QR-Code zum Vorzeigen am Terminal finden Sie in der HTML-Ansicht dieser E-Mail.',
    qrFile: 'anmelde-qr-code.png',
    joinLabel: 'Zum Termin',
    icsJoin: 'Den Link „Zum Termin“ finden Sie in Ihrer E-Mail zu diesem Termin.',
    manage: 'Sie können den Termin nicht wahrnehmen? Über diesen Link sagen Sie ihn ab oder buchen ihn um:',
    manageLabel: 'Termin absagen oder umbuchen',
    personal: 'Diese Links gelten nur für Sie. Bitte geben Sie sie nicht weiter.',
    calendar: 'Im Anhang finden Sie den Termin für Ihren Kalender.',
    calendarCancel: 'Mit dem Anhang können Sie den Termin aus Ihrem Kalender entfernen.',
    rebook: 'Wenn Sie weiterhin einen Termin brauchen, buchen Sie bitte einen neuen.',
    rebookLabel: 'Neuen Termin buchen',
    closing: 'Mit freundlichen Grüßen',
    automatic: 'Diese E-Mail wurde automatisch erstellt. Bitte antworten Sie nicht darauf.',
    icsSummary: (department: string, tenant: string) => `Termin: ${department}, ${tenant}`,
    icsFile: { request: 'termin.ics', cancel: 'termin-abgesagt.ics' },
  },
  en: {
    subject: {
      confirmation: (place: string, when: string) => `Appointment confirmed: ${place}, ${when}`,
      reminder: (place: string, when: string) => `Reminder of your appointment: ${place}, ${when}`,
      moved: (place: string, when: string) => `Appointment moved: ${place}, now on ${when}`,
      cancelled: (place: string, when: string) => `Appointment cancelled: ${place}, ${when}`,
    },
    greeting: (name: string) => `Dear ${name},`,
    intro: {
      confirmation: (place: string) =>
        `Your appointment ${place} is booked. It takes place as a video call in your browser.`,
      reminder: (place: string) =>
        `This is a reminder of your appointment ${place}. It takes place as a video call in your browser.`,
      moved: (place: string) => `Your appointment ${place} has been moved. The new time is:`,
      cancelled: (place: string) => `Your appointment ${place} has been cancelled.`,
    },
    when: 'When',
    services: 'Concern',
    persons: 'People',
    interpreter: 'Interpreter',
    how: 'How',
    video: 'Video call in your browser',
    note: 'Note',
    documents: 'Please have these documents ready:',
    join: (minutes: number) =>
      `How to join: open this link at the time of your appointment. The waiting room opens ${minutes} minutes before the start, ` +
      'so you can check your camera and microphone. You need an up-to-date browser, a camera and a microphone.',
    onsiteIntro: {
      confirmation: (place: string) => `Your appointment ${place} is booked. It takes place on site.`,
      reminder: (place: string) => `This is a reminder of your appointment ${place}. It takes place on site.`,
    },
    onsite: 'On site',
    where: 'Where',
    bookingCode: 'Booking code',
    checkIn:
      'Please bring the QR code from this e-mail, or your booking code and your date of birth. ' +
      'Check in at the kiosk at the entrance when you arrive; you will then be called.',
    qrAlt: (code: string) => `QR code for checking in on site (booking code ${code})`,
    qrText: 'The QR code to show at the kiosk is in the HTML view of this e-mail.',
    qrFile: 'check-in-qr-code.png',
    joinLabel: 'Join the appointment',
    icsJoin: 'The link “Join the appointment” is in your e-mail about this appointment.',
    manage: 'Cannot make it? Use this link to cancel or rebook the appointment:',
    manageLabel: 'Cancel or rebook',
    personal: 'These links are personal. Please do not share them.',
    calendar: 'The attached file adds the appointment to your calendar.',
    calendarCancel: 'The attached file removes the appointment from your calendar.',
    rebook: 'If you still need an appointment, please book a new one.',
    rebookLabel: 'Book a new appointment',
    closing: 'Kind regards',
    automatic: 'This e-mail was sent automatically. Please do not reply to it.',
    icsSummary: (department: string, tenant: string) => `Appointment: ${department}, ${tenant}`,
    icsFile: { request: 'appointment.ics', cancel: 'appointment-cancelled.ics' },
  },
} as const;

/**
 * The e-mail for an appointment. Confirmation, reminder and moved carry an .ics with METHOD
 * REQUEST; cancelled carries METHOD CANCEL with the same UID, so calendars remove the entry.
 * Attachments are base64, ready for `enqueueMail`.
 */
export function appointmentMail(
  kind: AppointmentMailKind,
  data: AppointmentMailData,
  locale: Locale,
  now: Date,
): RenderedMail & { attachments: MailAttachment[] } {
  const t = APPOINTMENT_TEXT[locale];
  const { timeZone } = data;
  const place = `${data.departmentAt} (${data.tenantName})`;
  const cancelled = kind === 'cancelled';
  const subject = t.subject[kind](data.departmentName, formatMailDateTime(data.startsAt, timeZone, locale));
  const joinUrl = httpUrl(data.joinUrl);
  const manageUrl = httpUrl(data.manageUrl);
  const documents = data.documents.map((d) => d.trim()).filter(Boolean);
  const services = data.services.map((s) => s.trim()).filter(Boolean);
  const note = data.note?.trim();

  const onsite = data.onsite;
  const facts: [string, string][] = [[t.when, rangeText(data.startsAt, data.endsAt, timeZone, locale)]];
  if (services.length > 0) facts.push([t.services, services.join(', ')]);
  if (data.persons > 1) facts.push([t.persons, String(data.persons)]);
  const interpreter = data.interpreterLanguage?.trim();
  if (!cancelled && interpreter) facts.push([t.interpreter, interpreter]);
  if (!cancelled) facts.push([t.how, onsite ? t.onsite : t.video]);
  if (!cancelled && onsite) {
    facts.push([t.where, oneLine(onsite.location)]);
    if (onsite.bookingCode) facts.push([t.bookingCode, onsite.bookingCode]);
  }
  const qr = !cancelled && onsite?.qrText && onsite.bookingCode ? qrPng(onsite.qrText) : null;

  const intro = onsite && (kind === 'confirmation' || kind === 'reminder') ? t.onsiteIntro[kind] : t.intro[kind];
  const blocks: Block[] = [
    { type: 'paragraph', text: t.greeting(data.citizenName) },
    { type: 'paragraph', text: intro(place) },
    { type: 'facts', rows: facts },
  ];
  if (note) blocks.push({ type: 'paragraph', text: `${t.note}: ${note}` });
  if (cancelled) {
    blocks.push({ type: 'link', text: t.rebook, label: t.rebookLabel, url: httpUrl(data.bookingUrl) });
    blocks.push({ type: 'paragraph', text: t.calendarCancel });
  } else {
    if (documents.length > 0) blocks.push({ type: 'list', title: t.documents, items: documents });
    if (onsite) {
      blocks.push({ type: 'paragraph', text: t.checkIn });
      if (qr) {
        blocks.push({
          type: 'image',
          cid: QR_CID,
          alt: t.qrAlt(onsite.bookingCode!),
          size: qrSize(qr),
          text: t.qrText,
        });
      }
    } else {
      blocks.push({ type: 'link', text: t.join(data.joinOpensMinutesBefore), label: t.joinLabel, url: joinUrl });
    }
    blocks.push({ type: 'link', text: t.manage, label: t.manageLabel, url: manageUrl });
    blocks.push({ type: 'paragraph', text: t.personal });
    blocks.push({ type: 'paragraph', text: t.calendar });
  }
  const contact = contactText(data.contact, locale);
  if (contact) blocks.push({ type: 'paragraph', text: contact });
  blocks.push({ type: 'paragraph', text: `${t.closing}\n${data.departmentName}\n${data.tenantName}` });
  blocks.push({ type: 'paragraph', text: t.automatic });

  // Calendars are shared more often than mailboxes: the entry carries only a join-only link
  // (it joins and shows the time; it neither cancels nor moves, nor shows the citizen's data). An
  // appointment whose join link is its manage link gets no link; the entry says where it is. On
  // site it says where to go instead, and leaves out the booking code and QR code, which check in.
  const calendarJoinUrl = !cancelled && !onsite && data.calendarJoinUrl ? httpUrl(data.calendarJoinUrl) : null;
  const description = [
    services.join(', '),
    documents.length > 0 ? `${t.documents}\n${documents.map((d) => `- ${d}`).join('\n')}` : '',
    cancelled
      ? ''
      : onsite
        ? `${t.where}: ${oneLine(onsite.location)}`
        : calendarJoinUrl
          ? `${t.video}. ${t.joinLabel}: ${calendarJoinUrl}`
          : `${t.video}. ${t.icsJoin}`,
    note ? `${t.note}: ${note}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const method = cancelled ? 'CANCEL' : 'REQUEST';
  const ics = buildIcs({
    uid: `${data.appointmentId}@amtsraum`,
    start: data.startsAt,
    end: data.endsAt,
    summary: t.icsSummary(data.departmentName, data.tenantName),
    description,
    ...(cancelled ? {} : { location: onsite ? oneLine(onsite.location) : t.video }),
    ...(calendarJoinUrl ? { url: calendarJoinUrl } : {}),
    method,
    organizer: data.organizer,
    attendee: { name: data.citizenName, email: data.citizenEmail },
    sequence: data.sequence ?? (kind === 'moved' || kind === 'cancelled' ? 1 : 0),
    now,
  });

  return {
    ...render(blocks, locale, subject),
    attachments: [
      {
        filename: cancelled ? t.icsFile.cancel : t.icsFile.request,
        contentType: `text/calendar; charset=utf-8; method=${method}`,
        content: toBase64(ics),
      },
      ...(qr ? [{ filename: t.qrFile, contentType: 'image/png', content: qr.toString('base64'), cid: QR_CID }] : []),
    ],
  };
}

/** The Content-ID of the on-site QR code: the HTML part shows it inline. */
export const QR_CID = 'check-in-qr@amtsraum';

/** An address entered on several lines, as one line ("Rathaus, Zimmer 12, Markt 1"). */
function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join(', ');
}

/** A PNG's width in pixels (IHDR), shown at that size. */
function qrSize(png: Buffer): number {
  return png.readUInt32BE(16);
}

// ---------------------------------------------------------------------------------------------
// Invites

const INVITE_TEXT = {
  de: {
    subject: {
      interpreter: (at: string) => `Einladung zum Dolmetschen: Videogespräch ${at}`,
      guest: (at: string) => `Einladung zu einem Videogespräch ${at}`,
    },
    greeting: 'Guten Tag,',
    intro: {
      interpreter: (place: string) => `Sie sind eingeladen, in einem Videogespräch ${place} zu dolmetschen.`,
      guest: (place: string) => `Sie sind eingeladen, als Gast an einem Videogespräch ${place} teilzunehmen.`,
    },
    for: 'Einladung für',
    when: 'Wann',
    join:
      'Öffnen Sie den Link zur Gesprächszeit. Sie brauchen einen aktuellen Browser, eine Kamera und ein Mikrofon, ' +
      'aber kein Konto.',
    joinLabel: 'Zum Videogespräch',
    until: (when: string) => `Der Link gilt bis ${when}.`,
    untilRevoked: 'Der Link gilt, bis das Gespräch endet oder die Behörde ihn zurückzieht.',
    personal: 'Der Link ist persönlich. Bitte geben Sie ihn nicht weiter.',
    closing: 'Mit freundlichen Grüßen',
    automatic: 'Diese E-Mail wurde automatisch erstellt. Bitte antworten Sie nicht darauf.',
  },
  en: {
    subject: {
      interpreter: (at: string) => `Invitation to interpret: video call ${at}`,
      guest: (at: string) => `Invitation to a video call ${at}`,
    },
    greeting: 'Hello,',
    intro: {
      interpreter: (place: string) => `You are invited to interpret in a video call ${place}.`,
      guest: (place: string) => `You are invited to join a video call ${place} as a guest.`,
    },
    for: 'Invitation for',
    when: 'When',
    join: 'Open the link at the time of the call. You need an up-to-date browser, a camera and a microphone, but no account.',
    joinLabel: 'Join the video call',
    until: (when: string) => `The link is valid until ${when}.`,
    untilRevoked: 'The link is valid until the call ends or the office withdraws it.',
    personal: 'The link is personal. Please do not share it.',
    closing: 'Kind regards',
    automatic: 'This e-mail was sent automatically. Please do not reply to it.',
  },
} as const;

/** The e-mail that sends an interpreter or a guest their invite link. */
export function inviteMail(data: InviteMailData, locale: Locale): RenderedMail {
  const t = INVITE_TEXT[locale];
  const place = `${data.departmentAt} (${data.tenantName})`;
  // A label that is only the role's name, in whichever language the clerk wrote it ("Interpreter"
  // from an English-speaking clerk), is the role in the mail's language.
  const label = isInviteRoleName(data.role, data.label) ? INVITE_ROLE_NAMES[locale][data.role] : data.label;
  const facts: [string, string][] = [[t.for, label]];
  if (data.startsAt) facts.push([t.when, formatMailDateTime(data.startsAt, data.timeZone, locale)]);
  const blocks: Block[] = [
    { type: 'paragraph', text: t.greeting },
    { type: 'paragraph', text: t.intro[data.role](place) },
    { type: 'facts', rows: facts },
    { type: 'link', text: t.join, label: t.joinLabel, url: httpUrl(data.url) },
    {
      type: 'paragraph',
      text: `${data.expiresAt ? t.until(formatMailDateTime(data.expiresAt, data.timeZone, locale)) : t.untilRevoked} ${t.personal}`,
    },
    { type: 'paragraph', text: `${t.closing}\n${data.departmentName}\n${data.tenantName}` },
    { type: 'paragraph', text: t.automatic },
  ];
  return render(blocks, locale, t.subject[data.role](data.departmentAt));
}

// ---------------------------------------------------------------------------------------------
// Staff accounts (issue 15)

export interface StaffLinkMailData {
  purpose: 'invite' | 'reset';
  tenantName: string;
  /** The staff member's name, as the admin entered it. */
  name: string;
  /** The set-password page, the token in the fragment. */
  url: string;
  expiresAt: Date;
  timeZone: string;
}

const STAFF_LINK_TEXT = {
  de: {
    subject: {
      invite: (tenant: string) => `Ihr Zugang zum virtuellen Bürgerbüro (${tenant})`,
      reset: (tenant: string) => `Neues Passwort für das virtuelle Bürgerbüro (${tenant})`,
    },
    greeting: (name: string) => `Guten Tag ${name},`,
    intro: {
      invite: (tenant: string) =>
        `für Sie wurde ein Zugang zum virtuellen Bürgerbüro der Kommune ${tenant} angelegt. Bitte legen Sie über den folgenden Link Ihr Passwort fest.`,
      reset: (tenant: string) =>
        `für Ihren Zugang zum virtuellen Bürgerbüro der Kommune ${tenant} wurde ein neues Passwort angefordert. Über den folgenden Link legen Sie es fest. Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren: Ihr bisheriges Passwort bleibt gültig.`,
    },
    action: { invite: 'Passwort festlegen', reset: 'Neues Passwort festlegen' },
    actionLabel: 'Link',
    until: (when: string) => `Der Link gilt bis ${when} und nur einmal.`,
    personal: 'Der Link ist persönlich. Bitte geben Sie ihn nicht weiter.',
    automatic: 'Diese E-Mail wurde automatisch versandt. Bitte antworten Sie nicht darauf.',
  },
  en: {
    subject: {
      invite: (tenant: string) => `Your account for the virtual citizen office (${tenant})`,
      reset: (tenant: string) => `New password for the virtual citizen office (${tenant})`,
    },
    greeting: (name: string) => `Hello ${name},`,
    intro: {
      invite: (tenant: string) =>
        `an account for the virtual citizen office of ${tenant} has been created for you. Please set your password with the following link.`,
      reset: (tenant: string) =>
        `a new password was requested for your account at the virtual citizen office of ${tenant}. Set it with the following link. If you did not ask for this, you can ignore this e-mail: your current password stays valid.`,
    },
    action: { invite: 'Set your password', reset: 'Set a new password' },
    actionLabel: 'Link',
    until: (when: string) => `The link works once, until ${when}.`,
    personal: 'The link is personal. Please do not share it.',
    automatic: 'This e-mail was sent automatically. Please do not reply to it.',
  },
} as const;

/** The invitation to a new staff account, or a password reset: a single-use link to set a password. */
export function staffLinkMail(data: StaffLinkMailData, locale: Locale): RenderedMail {
  const t = STAFF_LINK_TEXT[locale];
  const blocks: Block[] = [
    { type: 'paragraph', text: t.greeting(data.name) },
    { type: 'paragraph', text: t.intro[data.purpose](data.tenantName) },
    { type: 'link', text: t.action[data.purpose], label: t.actionLabel, url: httpUrl(data.url) },
    {
      type: 'paragraph',
      text: `${t.until(formatMailDateTime(data.expiresAt, data.timeZone, locale))} ${t.personal}`,
    },
    { type: 'paragraph', text: t.automatic },
  ];
  return render(blocks, locale, t.subject[data.purpose](data.tenantName));
}
