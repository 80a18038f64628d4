/**
 * iCalendar (RFC 5545) for appointment e-mails: one VEVENT, times in UTC, lines folded at 75
 * octets with CRLF ends. METHOD REQUEST adds or updates the event in the citizen's calendar;
 * CANCEL with the same UID and a higher SEQUENCE removes it (RFC 5546). Both methods (and PUBLISH
 * too) require an ORGANIZER in RFC 5546 (3.2.2, 3.2.5); REQUEST also one ATTENDEE or more. Issue 13
 * found REQUEST without either, which strict calendars refuse.
 */
export interface IcsPerson {
  /** Shown by calendars (CN). */
  name: string;
  email: string;
}

export interface IcsEvent {
  /** Stable across confirmation, move and cancellation, so calendars update the one entry. */
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  location?: string;
  /** An http(s) address (URI value, not escaped). */
  url?: string;
  method?: 'REQUEST' | 'CANCEL';
  /** Who holds the appointment: the office. */
  organizer: IcsPerson;
  /** Who comes: the citizen, already accepted (they booked it), no reply asked for. */
  attendee: IcsPerson;
  /** Grows with every change of the appointment; calendars ignore updates with a lower one. */
  sequence?: number;
  /** DTSTAMP: when this version was made. */
  now: Date;
}

const PRODID = '-//Amtsraum//Amtsraum Termine//DE';
const MAX_OCTETS = 75;

/** `YYYYMMDDTHHMMSSZ`. */
export function icsUtc(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new Error('invalid date for iCalendar');
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** TEXT value escaping (RFC 5545 3.3.11); other control characters are dropped. */
export function escapeIcsText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n')
    .replace(/[\u0000-\u001f\u007f]/g, ''); // eslint-disable-line no-control-regex
}

/**
 * Folds a content line to at most 75 octets per line (RFC 5545 3.1); a continuation line
 * starts with one space, which counts. Never splits a UTF-8 character.
 */
export function foldIcsLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_OCTETS) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

/** A quoted parameter value (RFC 5545 3.2): no DQUOTE or control characters inside. */
function quotedParam(value: string): string {
  return `"${value.replace(/["\u0000-\u001f\u007f]/g, '')}"`; // eslint-disable-line no-control-regex
}

function mailto(email: string): string {
  if (!/^[^\s@<>"]+@[^\s@<>"]+$/.test(email)) throw new Error('iCalendar address must be an e-mail address');
  return `mailto:${email}`;
}

function uriValue(url: string): string {
  if (!/^https?:\/\/[^\s"<>\\]+$/.test(url)) throw new Error('iCalendar URL must be an http(s) address');
  return url;
}

/** Builds a calendar with one event. */
export function buildIcs(event: IcsEvent): string {
  const method = event.method ?? 'REQUEST';
  const cancelled = method === 'CANCEL';
  if (!(event.end.getTime() > event.start.getTime())) throw new Error('iCalendar event must end after it starts');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${escapeIcsText(event.uid)}`,
    `DTSTAMP:${icsUtc(event.now)}`,
    `DTSTART:${icsUtc(event.start)}`,
    `DTEND:${icsUtc(event.end)}`,
    `SEQUENCE:${Math.max(0, Math.trunc(event.sequence ?? 0))}`,
    `ORGANIZER;CN=${quotedParam(event.organizer.name)}:${mailto(event.organizer.email)}`,
    `ATTENDEE;CN=${quotedParam(event.attendee.name)};ROLE=REQ-PARTICIPANT${
      cancelled ? '' : ';PARTSTAT=ACCEPTED'
    };RSVP=FALSE:${mailto(event.attendee.email)}`,
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    `SUMMARY:${escapeIcsText(event.summary)}`,
    `DESCRIPTION:${escapeIcsText(event.description)}`,
    ...(event.location ? [`LOCATION:${escapeIcsText(event.location)}`] : []),
    ...(event.url ? [`URL:${uriValue(event.url)}`] : []),
    'TRANSP:OPAQUE',
    ...(cancelled
      ? []
      : [
          'BEGIN:VALARM',
          'ACTION:DISPLAY',
          `DESCRIPTION:${escapeIcsText(event.summary)}`,
          'TRIGGER:-PT15M',
          'END:VALARM',
        ]),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldIcsLine).join('\r\n') + '\r\n';
}
