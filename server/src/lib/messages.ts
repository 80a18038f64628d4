import {
  BIRTH_DATE_MESSAGES,
  INTL_LOCALE,
  CONSENT_MESSAGE,
  DIRECTION_TEXT_MESSAGE,
  INVISIBLE_TEXT_MESSAGE,
  ONE_LINE_MESSAGE,
  ONSITE_LOCATION_FIRST,
  ONSITE_LOCATION_IN_USE,
  PERSON_NAME_MESSAGES,
  STACKED_MARKS_MESSAGE,
  isStaffWordedCode,
  retryWait,
  TAKEN_MESSAGES,
  TEXT_REQUIRED_MESSAGE,
  UNKNOWN_LOCALE_MESSAGE,
  type ErrorCode,
  type Locale,
  type StaffWordedCode,
} from '@amtsraum/shared';
import { BROKEN_TEXT_MESSAGE } from './json-body.js';

/**
 * Titles of API errors in each interface language. The web client translates by `code` itself;
 * these serve API users (a municipality's website, scripts) and anyone reading a raw response.
 */
export const ERROR_TITLES: Record<ErrorCode, Record<Locale, string>> = {
  route_not_found: { de: 'Diese Adresse gibt es nicht.', en: 'This address does not exist.' },
  entry_not_found: {
    de: 'Diesen Eintrag gibt es nicht oder nicht mehr. Vielleicht hat ihn gerade jemand anderes entfernt; bitte laden Sie die Seite neu.',
    en: 'This entry does not exist or no longer exists. Someone may have just removed it; please reload the page.',
  },
  method_not_allowed: {
    de: 'Diese Adresse gibt es, aber nicht für diese Art von Anfrage.',
    en: 'This address exists, but not for this kind of request.',
  },
  method_not_implemented: {
    de: 'Diese Art von Anfrage kennt der Server nicht.',
    en: 'The server does not know this kind of request.',
  },
  range_not_satisfiable: {
    de: 'Der angefragte Teil dieser Datei liegt außerhalb der Datei.',
    en: 'The requested part of this file lies outside it.',
  },
  precondition_failed: {
    de: 'Diese Datei hat sich inzwischen geändert. Bitte laden Sie die Seite neu.',
    en: 'This file has changed in the meantime. Please reload the page.',
  },
  tenant_not_found: { de: 'Diese Kommune gibt es hier nicht.', en: 'This municipality does not exist here.' },
  department_not_found: { de: 'Dieses Amt gibt es hier nicht.', en: 'This department does not exist here.' },
  invalid_json: {
    de: 'Der Inhalt der Anfrage ist nicht lesbar oder kein gültiges JSON.',
    en: 'The request body cannot be read or is not valid JSON.',
  },
  payload_too_large: { de: 'Die Anfrage ist zu groß.', en: 'The request is too large.' },
  headers_too_large: {
    de: 'Die Adresse oder die Cookies dieser Anfrage sind zu lang. Bitte kürzen Sie die Adresse oder löschen Sie die Cookies dieser Seite.',
    en: 'The address or the cookies of this request are too long. Please shorten the address or delete this site’s cookies.',
  },
  unsupported_media_type: {
    de: 'Dieses Datenformat wird nicht angenommen.',
    en: 'This content type is not accepted.',
  },
  validation_failed: {
    de: 'Einige Angaben sind nicht gültig.',
    en: 'Some of the details are not valid.',
  },
  rate_limited: {
    de: 'Zu viele Anfragen. Bitte warten Sie einen Moment.',
    en: 'Too many requests. Please wait a moment.',
  },
  unauthorized: { de: 'Bitte melden Sie sich an.', en: 'Please sign in.' },
  forbidden: { de: 'Dafür fehlt Ihnen die Berechtigung.', en: 'You are not allowed to do this.' },
  conflict: {
    de: 'Das hat sich gerade geändert. Bitte laden Sie neu.',
    en: 'This has just changed. Please reload.',
  },
  door_closed: {
    de: 'Die Tür ist gerade nicht geöffnet. Sie können später anklopfen oder einen Termin buchen.',
    en: 'The door is not open right now. You can knock later or book an appointment.',
  },
  door_unattended: {
    de: 'Gerade ist niemand im Dienst, der Sie hereinbitten könnte. Bitte versuchen Sie es später oder buchen Sie einen Termin.',
    en: 'Nobody is on duty to let you in right now. Please try later or book an appointment.',
  },
  already_waiting: {
    de: 'Sie warten bereits in einem anderen Amt. Bitte verlassen Sie zuerst diese Warteschlange, dann können Sie hier anklopfen.',
    en: 'You are already waiting at another department. Please leave that queue first, then you can knock here.',
  },
  queue_full: {
    de: 'Die Warteschlange ist gerade voll. Bitte versuchen Sie es später noch einmal oder buchen Sie einen Termin.',
    en: 'The queue is full right now. Please try again later or book an appointment.',
  },
  visit_not_found: {
    de: 'Wir finden Ihren Besuch nicht (mehr). Sie können erneut anklopfen.',
    en: 'We cannot find your visit (any more). You can knock again.',
  },
  visit_taken: {
    de: 'Diese Person wurde gerade von jemand anderem hereingebeten oder hat den Warteraum verlassen.',
    en: 'This person was just let in by someone else or has left the waiting room.',
  },
  queue_empty: { de: 'Im Warteraum wartet gerade niemand.', en: 'Nobody is waiting right now.' },
  queue_only_lost: {
    de: 'Alle Wartenden haben gerade keine Verbindung. Sie können eine Person in ihrer Zeile trotzdem hereinlassen.',
    en: 'Everyone waiting has lost their connection just now. You can still let a person in from their row.',
  },
  clerk_busy: {
    de: 'Bitte schließen Sie zuerst Ihr aktuelles Gespräch ab.',
    en: 'Please finish your current conversation first.',
  },
  invalid_credentials: {
    de: 'E-Mail-Adresse oder Passwort stimmen nicht.',
    en: 'The e-mail address or password is not correct.',
  },
  second_factor_required: {
    de: 'Für die Verwaltung brauchen Sie einen zweiten Faktor: Bestätigen Sie Ihre Anmeldung mit dem Code Ihrer Authenticator-App, oder richten Sie zuerst eine ein.',
    en: 'Administration needs a second factor: confirm your sign-in with the code from your authenticator app, or set one up first.',
  },
  second_factor_invalid: {
    de: 'Dieser Code stimmt nicht oder wurde schon benutzt. Bitte nehmen Sie den aktuellen Code.',
    en: 'This code is wrong or was already used. Please enter the current code.',
  },
  link_invalid: {
    de: 'Dieser Link ist ungültig oder wurde schon benutzt.',
    en: 'This link is not valid or has already been used.',
  },
  availability_collision: {
    de: 'Diese Änderung trifft gebuchte Termine. Bitte entscheiden Sie für jeden: verlegen, absagen oder behalten.',
    en: 'This change hits booked appointments. Please decide for each: move, cancel or keep.',
  },
  link_expired: {
    de: 'Dieser Link ist abgelaufen. Bitte fordern Sie einen neuen an.',
    en: 'This link has expired. Please ask for a new one.',
  },
  origin_not_allowed: {
    de: 'Diese Anfrage kommt von einer fremden Seite und wurde abgelehnt.',
    en: 'This request comes from another site and was refused.',
  },
  call_full: {
    de: 'Dieses Gespräch ist bereits voll besetzt.',
    en: 'This call already has as many participants as it can take.',
  },
  slot_taken: {
    de: 'Dieser Termin wurde gerade vergeben. Bitte wählen Sie einen anderen.',
    en: 'This slot was just taken. Please choose another one.',
  },
  booking_limit_reached: {
    de: 'Mit dieser E-Mail-Adresse wurden heute schon mehrere Termine gebucht. Bitte versuchen Sie es morgen wieder oder wenden Sie sich direkt an das Amt.',
    en: 'Several appointments have already been booked with this e-mail address today. Please try again tomorrow or contact the office directly.',
  },
  already_booked: {
    de: 'Für diese E-Mail-Adresse ist zu dieser Zeit schon ein Termin gebucht. Die Bestätigung finden Sie in Ihrem Postfach.',
    en: 'An appointment at this time is already booked for this e-mail address. You will find the confirmation in your inbox.',
  },
  slot_unavailable: {
    de: 'Dieser Termin kann nicht gebucht werden. Bitte wählen Sie einen freien Termin aus der Liste.',
    en: 'This time cannot be booked. Please choose a free slot from the list.',
  },
  appointment_not_found: {
    de: 'Dieser Termin wurde nicht gefunden. Bitte prüfen Sie den Link aus Ihrer E-Mail.',
    en: 'This appointment was not found. Please check the link from your e-mail.',
  },
  appointment_not_open_yet: {
    de: 'Der Warteraum für Ihren Termin öffnet erst kurz vor dem Termin.',
    en: 'The waiting room for your appointment opens shortly before it starts.',
  },
  appointment_over: {
    de: 'Dieser Termin ist bereits vorbei.',
    en: 'This appointment is already over.',
  },
  appointment_cancelled: {
    de: 'Dieser Termin wurde abgesagt.',
    en: 'This appointment was cancelled.',
  },
  invite_invalid: {
    de: 'Dieser Einladungslink ist ungültig. Bitte bitten Sie um einen neuen Link.',
    en: 'This invitation link is not valid. Please ask for a new link.',
  },
  invite_expired: {
    de: 'Dieser Einladungslink ist abgelaufen.',
    en: 'This invitation link has expired.',
  },
  invite_revoked: {
    de: 'Diese Einladung wurde zurückgezogen.',
    en: 'This invitation was withdrawn.',
  },
  invite_removed: {
    de: 'Sie wurden aus dem Gespräch entfernt; mit diesem Link können Sie nicht zurückkommen.',
    en: 'You were removed from the call; this link does not let you back in.',
  },
  invite_used_up: {
    de: 'Dieser Einladungslink wurde bereits verwendet.',
    en: 'This invitation link has already been used.',
  },
  invite_call_ended: {
    de: 'Das Gespräch zu dieser Einladung ist beendet.',
    en: 'The call for this invitation has ended.',
  },
  invite_call_not_started: {
    de: 'Das Gespräch hat noch nicht begonnen.',
    en: 'The call has not started yet.',
  },
  invite_waiting: {
    de: 'Bitte warten Sie – Sie werden gleich hereingelassen.',
    en: 'Please wait – you will be let in shortly.',
  },
  device_not_paired: {
    de: 'Dieses Gerät ist nicht (mehr) gekoppelt. Bitte wenden Sie sich an das Personal.',
    en: 'This device is not (or no longer) paired. Please ask the staff.',
  },
  pairing_code_invalid: {
    de: 'Dieser Kopplungscode stimmt nicht oder ist abgelaufen. Bitte lassen Sie in der Verwaltung einen neuen erzeugen.',
    en: 'This pairing code is wrong or has expired. Please create a new one in the administration.',
  },
  check_in_not_found: {
    de: 'Zu diesem Buchungscode finden wir keinen Termin vor Ort. Bitte prüfen Sie den Code aus Ihrer Bestätigung oder fragen Sie am Empfang.',
    en: 'We find no on-site appointment for this booking code. Please check the code in your confirmation or ask at the desk.',
  },
  check_in_wrong_birth_date: {
    de: 'Das Geburtsdatum passt nicht zu diesem Termin. Bitte versuchen Sie es noch einmal.',
    en: 'The date of birth does not match this appointment. Please try again.',
  },
  check_in_locked: {
    de: 'Zu viele falsche Versuche. Die Anmeldung mit dem Buchungscode ist für diesen Termin vorerst gesperrt. Bitte fragen Sie am Empfang.',
    en: 'Too many wrong tries. Check-in with the booking code is locked for this appointment for now. Please ask at the desk.',
  },
  check_in_too_early: {
    de: 'Sie sind zu früh. Die Anmeldung für Ihren Termin öffnet kurz vorher.',
    en: 'You are early. Check-in for your appointment opens shortly before it.',
  },
  check_in_too_late: {
    de: 'Ihr Termin ist bereits vorbei. Bitte fragen Sie am Empfang oder buchen Sie einen neuen Termin.',
    en: 'Your appointment is already over. Please ask at the desk or book a new appointment.',
  },
  check_in_other_day: {
    de: 'Ihr Termin ist an einem anderen Tag.',
    en: 'Your appointment is on another day.',
  },
  check_in_other_department: {
    de: 'Ihr Termin ist bei einem anderen Amt.',
    en: 'Your appointment is with another department.',
  },
  check_in_video_appointment: {
    de: 'Dieser Termin ist ein Videotermin. Sie nehmen über den Link in Ihrer E-Mail teil.',
    en: 'This is a video appointment. You join it through the link in your e-mail.',
  },
  walk_ins_not_offered: {
    de: 'Hier gibt es gerade keine Wartenummern. Bitte fragen Sie am Empfang.',
    en: 'No waiting tickets are handed out here right now. Please ask at the desk.',
  },
  channel_not_offered: {
    de: 'Diese Leistung wird so nicht angeboten. Bitte wählen Sie Video oder vor Ort, wie angeboten.',
    en: 'This service is not offered this way. Please choose video or on site, as offered.',
  },
  counter_required: {
    de: 'Bitte geben Sie zuerst Ihren Platz an (zum Beispiel „Platz 3“), damit Personen vor Ort wissen, wohin sie gehen.',
    en: 'Please set your counter first (for example "Desk 3"), so that people on site know where to go.',
  },
  appointment_onsite: {
    de: 'Dieser Termin findet vor Ort statt, nicht per Video. Bitte melden Sie sich zur Terminzeit am Terminal im Eingangsbereich an.',
    en: 'This appointment takes place on site, not by video. Please check in at the kiosk at the entrance at the time of your appointment.',
  },
  database_unavailable: {
    de: 'Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
    en: 'The service is unavailable right now. Please try again shortly.',
  },
  office_busy: {
    de: 'Gerade möchten sehr viele Menschen gleichzeitig einen Termin. Bitte versuchen Sie es in wenigen Sekunden noch einmal; Ihre Angaben bleiben erhalten.',
    en: 'A great many people want an appointment right now. Please try again in a few seconds; what you entered is kept.',
  },
  media_unavailable: {
    de: 'Die Videoverbindung kann gerade nicht aufgebaut werden. Ihr Platz bleibt erhalten: Bitte versuchen Sie es in einem Moment noch einmal.',
    en: 'The video connection cannot be set up right now. You keep your place: please try again in a moment.',
  },
  internal_error: {
    de: 'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es noch einmal.',
    en: 'An unexpected error occurred. Please try again.',
  },
  no_show_too_early: {
    de: 'Dieser Termin hat noch nicht begonnen. Als nicht erschienen markieren können Sie ihn erst einige Minuten nach Terminbeginn (wie für das Amt eingestellt).',
    en: 'This appointment has not begun yet. You can mark it a no-show only some minutes after it starts (as set for the department).',
  },
  staff_already_active: {
    de: 'Dieses Konto ist bereits aktiv: Die Person hat ein Passwort, es gibt nichts einzuladen. Hat sie es vergessen, kann sie auf der Anmeldeseite ein neues anfordern.',
    en: 'This account is already active: the person has a password, so there is nothing to invite. If they forgot it, they can ask for a new one on the sign-in page.',
  },
  email_taken: {
    de: 'Unter dieser E-Mail-Adresse gibt es schon ein Konto.',
    en: 'There is already an account with this email address.',
  },
  call_participant_not_found: {
    de: 'Diese Person ist nicht (mehr) in diesem Gespräch.',
    en: 'This person is not (or no longer) in this call.',
  },
};

/** Titles of codes both citizens and staff meet, as staff read them (STAFF_WORDED_CODES). */
export const STAFF_TITLES: Record<StaffWordedCode, Record<Locale, string>> = {
  visit_not_found: {
    de: 'Diesen Besuch gibt es in diesem Amt nicht (mehr).',
    en: 'This visit does not exist in this department (any more).',
  },
  appointment_not_found: {
    de: 'Diesen Termin gibt es in diesem Amt nicht (mehr).',
    en: 'This appointment does not exist in this department (any more).',
  },
  invite_invalid: {
    de: 'Diese Einladung gibt es in diesem Amt nicht (mehr).',
    en: 'This invitation does not exist in this department (any more).',
  },
  booking_limit_reached: {
    de: 'Für diese E-Mail-Adresse wurden heute schon so viele Termine gebucht, wie an einem Tag möglich sind. Buchen Sie den Termin ohne E-Mail-Adresse (die Person bekommt dann keine Bestätigung per E-Mail) oder fragen Sie nach einer anderen Adresse.',
    en: 'As many appointments as one day allows have already been booked for this e-mail address today. Book without an e-mail address (the person then gets no confirmation by e-mail) or ask for another address.',
  },
};

const WAIT_UNITS = {
  minutes: { de: ['Minute', 'Minuten'], en: ['minute', 'minutes'] },
  hours: { de: ['Stunde', 'Stunden'], en: ['hour', 'hours'] },
} as const satisfies Record<string, Record<Locale, readonly [string, string]>>;
const RATE_LIMITED_FOR: Record<Locale, (wait: string) => string> = {
  de: (wait) => `Zu viele Anfragen. Bitte versuchen Sie es in etwa ${wait} erneut.`,
  en: (wait) => `Too many requests. Please try again in about ${wait}.`,
};

/**
 * The title of an error in `locale`; for `staff` (a staff or admin route), in staff's words where
 * the citizen's would mislead (STAFF_TITLES). A `rate_limited` refusal with a wait longer than about a
 * minute says how long, from its Retry-After: "wait a moment" before an hour's wait (the
 * accessibility feedback's limit) sent people back to a form that refused them again.
 */
const INVALID_LIVE_MESSAGE: Record<Locale, string> = {
  de: 'Diese Nachricht hat nicht die erwartete Form und wurde nicht verarbeitet.',
  en: 'This message does not have the expected form and was not processed.',
};

/** The message of a live socket's error: the code's title, and one for a message of the wrong form. */
export function liveErrorMessage(code: ErrorCode | 'invalid_message', locale: Locale): string {
  if (code === 'invalid_message') return INVALID_LIVE_MESSAGE[locale];
  return errorTitle(code, locale);
}

export function errorTitle(
  code: ErrorCode,
  locale: Locale,
  options: { retryAfterSeconds?: number | undefined; staff?: boolean } = {},
): string {
  const { retryAfterSeconds, staff = false } = options;
  if (staff && isStaffWordedCode(code)) return STAFF_TITLES[code][locale];
  const wait = code === 'rate_limited' && retryAfterSeconds !== undefined ? retryWait(retryAfterSeconds) : null;
  if (!wait) return ERROR_TITLES[code][locale];
  const unit = WAIT_UNITS[wait.unit][locale][wait.count === 1 ? 0 : 1];
  return RATE_LIMITED_FOR[locale](`${String(wait.count)} ${unit}`);
}

const NO_SHOW_FROM: Record<Locale, (time: string, date: string) => string> = {
  de: (time, date) =>
    `Dieser Termin hat noch nicht begonnen. Als nicht erschienen markieren können Sie ihn ab ${time} Uhr am ${date} (einige Minuten nach Terminbeginn, wie für das Amt eingestellt).`,
  en: (time, date) =>
    `This appointment has not begun yet. You can mark it a no-show from ${time} on ${date} (some minutes after it starts, as set for the department).`,
};

/**
 * The titles of a `no_show_too_early` refusal that say from when the no-show can be marked
 * (`opensAt`), on the municipality's clock: the clerk pressed too early and should not have to guess.
 */
export function noShowTooEarlyTitles(opensAt: Date, timeZone: string): Record<Locale, string> {
  const say = (locale: Locale) => {
    const intl = INTL_LOCALE[locale];
    const time = new Intl.DateTimeFormat(intl, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const date = new Intl.DateTimeFormat(intl, {
      timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    return NO_SHOW_FROM[locale](time.format(opensAt), date.format(opensAt));
  };
  return { de: say('de'), en: say('en') };
}

/**
 * Field messages of validation failures, in each interface language, keyed by the wording of the
 * shared schemas. Messages not listed here go out as the schemas word them.
 */
export const FIELD_MESSAGES: Record<string, Record<Locale, string>> = {
  [CONSENT_MESSAGE]: {
    de: 'Bitte stimmen Sie dem Datenschutzhinweis zu.',
    en: 'Please agree to the privacy notice.',
  },
  [TAKEN_MESSAGES.email]: {
    de: 'Unter dieser E-Mail-Adresse gibt es schon ein Konto.',
    en: 'There is already an account with this email address.',
  },
  [TAKEN_MESSAGES.slug]: {
    de: 'Diese Adresse hat schon eine andere Kommune.',
    en: 'Another municipality already has this address.',
  },
  [PERSON_NAME_MESSAGES.lineBreak]: {
    de: 'Ein Name muss in eine Zeile passen (ohne Zeilenumbruch).',
    en: 'A name must fit on one line (no line breaks).',
  },
  [PERSON_NAME_MESSAGES.control]: {
    de: 'Ein Name darf keine Steuerzeichen enthalten.',
    en: 'A name must not contain control characters.',
  },
  [PERSON_NAME_MESSAGES.direction]: {
    de: 'Ein Name darf keine Zeichen enthalten, die die Schreibrichtung umkehren.',
    en: 'A name must not contain characters that change the writing direction.',
  },
  [PERSON_NAME_MESSAGES.invisible]: {
    de: 'Ein Name darf keine unsichtbaren Zeichen enthalten.',
    en: 'A name must not contain invisible characters.',
  },
  [STACKED_MARKS_MESSAGE]: {
    de: 'Bitte ohne so viele Akzente übereinander auf einem Buchstaben: sie verdecken andere Zeilen.',
    en: 'Please leave out stacks of accents on one letter: they cover other lines.',
  },
  [PERSON_NAME_MESSAGES.noVisible]: {
    de: 'Ein Name braucht sichtbare Buchstaben oder Ziffern.',
    en: 'A name needs visible letters or digits.',
  },
  [ONE_LINE_MESSAGE]: {
    de: 'Bitte nur eine Zeile, ohne Steuerzeichen.',
    en: 'One line only, without control characters.',
  },
  // Checks the services make themselves (issue 15): worded in English there, said in both here.
  'this municipality does not offer this language': {
    de: 'Diese Sprache bietet die Kommune nicht an.',
    en: 'The municipality does not offer this language.',
  },
  'this address is already taken': {
    de: 'Diese Adresse ist schon vergeben.',
    en: 'This address is already taken.',
  },
  'a department of this municipality': {
    de: 'Bitte nur Ämter dieser Kommune wählen.',
    en: 'Please choose departments of this municipality only.',
  },
  'the current password is not correct': {
    de: 'Das bisherige Passwort stimmt nicht.',
    en: 'The current password is not correct.',
  },
  'not for your own account: an admin cannot lock themself out': {
    de: 'Nicht für Ihr eigenes Konto: Sie würden sich selbst aussperren.',
    en: 'Not for your own account: you would lock yourself out.',
  },
  'not for your own account: replace your own authenticator on your security page': {
    de: 'Nicht für Ihr eigenes Konto: Eine neue Authenticator-App richten Sie selbst unter „Sicherheit“ ein, mit Ihrem Passwort.',
    en: 'Not for your own account: set up a new authenticator app yourself under “Security”, with your password.',
  },
  'not for this account: it administers the installation, and only an installation admin may do that': {
    de: 'Nicht für dieses Konto: Es verwaltet die ganze Installation. Das darf nur die Administration der Installation.',
    en: 'Not for this account: it administers the whole installation. Only an installation admin may do that.',
  },
  'not for your own municipality: an admin cannot lock themself out': {
    de: 'Nicht für Ihre eigene Kommune: Sie würden sich selbst aussperren.',
    en: 'Not for your own municipality: you would lock yourself out.',
  },
  'must be in the future': {
    de: 'Bitte einen Zeitpunkt in der Zukunft angeben.',
    en: 'Please choose a time in the future.',
  },
  'no such on-site service in this department': {
    de: 'Diese Leistung wird in diesem Amt nicht vor Ort angeboten.',
    en: 'This service is not offered on site in this department.',
  },
  'this service has no walk-in tickets here': {
    de: 'Für diese Leistung gibt es hier keine Wartenummern.',
    en: 'There are no waiting tickets for this service here.',
  },
  'this service cannot be booked here': {
    de: 'Diese Leistung kann hier nicht gebucht werden.',
    en: 'This service cannot be booked here.',
  },
  'this service cannot be handled by knocking here': {
    de: 'Diese Leistung wird hier nicht beim Anklopfen angeboten.',
    en: 'This service is not offered at the knock here.',
  },
  // Wordings of the shared schemas (issue 15: every refusal in the user's language).
  'a language code like de, en, tr, ar, uk': {
    de: 'Bitte ein Sprachkürzel wie de, en, tr, ar, uk angeben.',
    en: 'Please enter a language code like de, en, tr, ar, uk.',
  },
  'a language code like de or en': {
    de: 'Bitte ein Sprachkürzel wie de oder en angeben.',
    en: 'Please enter a language code like de or en.',
  },
  'please enter your current password': {
    de: 'Bitte geben Sie Ihr bisheriges Passwort ein.',
    en: 'Please enter your current password.',
  },
  'one role per department': { de: 'Bitte nur eine Rolle je Amt.', en: 'One role per department only.' },
  'a whole number in digits': {
    de: 'Bitte eine ganze Zahl aus Ziffern angeben.',
    en: 'Please give a whole number in digits.',
  },
  'lowercase letters, digits and single hyphens': {
    de: 'Nur Kleinbuchstaben, Ziffern und einzelne Bindestriche.',
    en: 'Lowercase letters, digits and single hyphens only.',
  },
  'an IANA time zone like Europe/Berlin': {
    de: 'Bitte eine Zeitzone wie Europe/Berlin angeben.',
    en: 'Please enter a time zone like Europe/Berlin.',
  },
  'an IANA time zone such as Europe/Berlin': {
    de: 'Bitte eine Zeitzone wie Europe/Berlin angeben.',
    en: 'Please enter a time zone such as Europe/Berlin.',
  },
  'please choose a service': { de: 'Bitte wählen Sie eine Leistung.', en: 'Please choose a service.' },
  'digits, spaces and + ( ) / - only': {
    de: 'Nur Ziffern, Leerzeichen und + ( ) / -.',
    en: 'Digits, spaces and + ( ) / - only.',
  },
  'not a valid link': { de: 'Dieser Link ist nicht gültig.', en: 'This link is not valid.' },
  'a time as HH:MM (24-hour clock)': {
    de: 'Bitte eine Uhrzeit wie 08:30 angeben (24 Stunden).',
    en: 'Please enter a time as HH:MM (24-hour clock).',
  },
  'an interval must end after it starts': {
    de: 'Ein Zeitraum muss nach seinem Beginn enden.',
    en: 'An interval must end after it starts.',
  },
  'an https address or a path on this server (starting with /)': {
    de: 'Bitte eine https-Adresse oder einen Pfad auf diesem Server (beginnend mit /) angeben.',
    en: 'Please enter an https address or a path on this server (starting with /).',
  },
  'a colour as #rrggbb': { de: 'Bitte eine Farbe wie #1a5fb4 angeben.', en: 'Please enter a colour like #1a5fb4.' },
  'German is always offered': { de: 'Deutsch wird immer angeboten.', en: 'German is always offered.' },
  'each language once': { de: 'Jede Sprache nur einmal.', en: 'Each language once only.' },
  'at least two characters': { de: 'Mindestens zwei Zeichen.', en: 'At least two characters.' },
  'the times of one day must not overlap': {
    de: 'Die Zeiten eines Tages dürfen sich nicht überschneiden.',
    en: 'The times of one day must not overlap.',
  },
  "this name is reserved for the municipality's own pages": {
    de: 'Dieser Name ist für die eigenen Seiten der Kommune reserviert.',
    en: "This name is reserved for the municipality's own pages.",
  },
  'this name is reserved by the application': {
    de: 'Dieser Name ist von der Anwendung reserviert.',
    en: 'This name is reserved by the application.',
  },
  'at least one minute': { de: 'Mindestens eine Minute.', en: 'At least one minute.' },
  'at most 500 people': { de: 'Höchstens 500 Personen.', en: 'At most 500 people.' },
  'a year from 2000': { de: 'Bitte ein Jahr ab 2000.', en: 'Please enter a year from 2000.' },
  'a year up to 2100': { de: 'Bitte ein Jahr bis 2100.', en: 'Please enter a year up to 2100.' },
  'contains control characters': { de: 'Bitte ohne Steuerzeichen.', en: 'Please leave out control characters.' },
  [BROKEN_TEXT_MESSAGE]: {
    de: 'Dieser Text enthält ein unvollständiges Zeichen. Bitte geben Sie ihn noch einmal ein.',
    en: 'This text contains a broken character. Please enter it again.',
  },
  [INVISIBLE_TEXT_MESSAGE]: { de: 'Bitte ohne unsichtbare Zeichen.', en: 'Please leave out invisible characters.' },
  // Names and texts admins write (shared office-text.ts: officeText, localizedWith).
  [DIRECTION_TEXT_MESSAGE]: {
    de: 'Bitte ohne Zeichen, die die Schreibrichtung umkehren.',
    en: 'Please leave out characters that change the writing direction.',
  },
  [TEXT_REQUIRED_MESSAGE]: { de: 'Bitte geben Sie einen Text ein.', en: 'Please enter a text.' },
  [UNKNOWN_LOCALE_MESSAGE]: {
    de: 'Texte gibt es nur in den Sprachen der Anwendung (de, en).',
    en: 'Texts exist only in the languages of the application (de, en).',
  },
  'please name the device': {
    de: 'Bitte geben Sie dem Gerät einen Namen.',
    en: 'Please give the device a name.',
  },
  'please name your counter': {
    de: 'Bitte geben Sie Ihrem Platz einen Namen.',
    en: 'Please name your counter.',
  },
  'please describe your concern or choose a service': {
    de: 'Bitte beschreiben Sie Ihr Anliegen oder wählen Sie eine Leistung.',
    en: 'Please describe your concern or choose a service.',
  },
  // Issue 15, services, booking rules and availability (offer.api.ts).
  'an address starting with https://': {
    de: 'Bitte eine Adresse angeben, die mit https:// beginnt.',
    en: 'Please enter an address starting with https://.',
  },
  'at least 5 minutes': { de: 'Mindestens 5 Minuten.', en: 'At least 5 minutes.' },
  'at most 480 minutes': { de: 'Höchstens 480 Minuten.', en: 'At most 480 minutes.' },
  'at most 240 minutes': { de: 'Höchstens 240 Minuten.', en: 'At most 240 minutes.' },
  // The hybrid office (issue 16).
  [BIRTH_DATE_MESSAGES.format]: {
    de: 'Bitte geben Sie Ihr Geburtsdatum als Datum an (Tag, Monat, Jahr).',
    en: 'Please enter your date of birth as a date (day, month, year).',
  },
  [BIRTH_DATE_MESSAGES.real]: {
    de: 'Bitte geben Sie ein gültiges Geburtsdatum in der Vergangenheit an.',
    en: 'Please enter a valid date of birth in the past.',
  },
  [BIRTH_DATE_MESSAGES.required]: {
    de: 'Für einen Termin vor Ort brauchen wir Ihr Geburtsdatum: Sie geben es bei der Anmeldung am Terminal noch einmal ein.',
    en: 'An on-site appointment needs your date of birth: you enter it again when you check in at the kiosk.',
  },
  [ONSITE_LOCATION_FIRST]: {
    de: 'Bitte tragen Sie zuerst auf der Seite des Amtes ein, wo Termine vor Ort stattfinden (Gebäude, Raum, Adresse).',
    en: 'Please first enter on the department page where on-site appointments take place (building, room, address).',
  },
  [ONSITE_LOCATION_IN_USE]: {
    de: 'Leistungen bieten noch Termine vor Ort an. Stellen Sie diese zuerst auf „nur Video“ um.',
    en: 'Services still offer on-site appointments. Switch them to video only first.',
  },
  'at most 120 minutes': { de: 'Höchstens 120 Minuten.', en: 'At most 120 minutes.' },
  'at least one person': { de: 'Mindestens eine Person.', en: 'At least one person.' },
  'at most 20 persons': { de: 'Höchstens 20 Personen.', en: 'At most 20 persons.' },
  'at least one day': { de: 'Mindestens ein Tag.', en: 'At least one day.' },
  'at most 365 days': { de: 'Höchstens 365 Tage.', en: 'At most 365 days.' },
  'at most two weeks': { de: 'Höchstens zwei Wochen.', en: 'At most two weeks.' },
  'a time like 08:30': { de: 'Bitte eine Uhrzeit wie 08:30 angeben.', en: 'Please enter a time like 08:30.' },
  'the end must be after the start': {
    de: 'Das Ende muss nach dem Beginn liegen.',
    en: 'The end must be after the start.',
  },
  'the end must not be before the start': {
    de: 'Das Ende darf nicht vor dem Beginn liegen.',
    en: 'The end must not be before the start.',
  },
  'ranges of one day must not overlap': {
    de: 'Die Zeiten eines Tages dürfen sich nicht überschneiden.',
    en: 'The ranges of one day must not overlap.',
  },
  'a language the municipality does not offer': {
    de: 'Diese Sprache bietet die Kommune nicht an.',
    en: 'The municipality does not offer this language.',
  },
  'a service must be bookable or offered at the knock': {
    de: 'Eine Leistung muss buchbar sein oder beim Anklopfen angeboten werden.',
    en: 'A service must be bookable or offered at the knock.',
  },
  'an absence must not be over already': {
    de: 'Eine Abwesenheit darf nicht schon vorbei sein.',
    en: 'An absence must not be over already.',
  },
  'another service already has this address': {
    de: 'Eine andere Leistung hat schon diese Adresse.',
    en: 'Another service already has this address.',
  },
  "the list must name each of the department's services once": {
    de: 'Die Liste muss jede Leistung des Amts genau einmal nennen.',
    en: "The list must name each of the department's services once.",
  },
  'please enter a name (a first name or pseudonym is fine)': {
    de: 'Bitte geben Sie einen Namen ein (ein Vorname oder ein Pseudonym genügt).',
    en: 'Please enter a name (a first name or pseudonym is fine).',
  },
  'please enter your name': { de: 'Bitte geben Sie Ihren Namen ein.', en: 'Please enter your name.' },
  'please enter a name': { de: 'Bitte geben Sie einen Namen ein.', en: 'Please enter a name.' },
  // Second factor and identity provider (issue 15, security.api.ts).
  'please enter the six digits from your authenticator app': {
    de: 'Bitte geben Sie die sechs Ziffern aus Ihrer Authenticator-App ein.',
    en: 'Please enter the six digits from your authenticator app.',
  },
  'please enter your password': { de: 'Bitte geben Sie Ihr Passwort ein.', en: 'Please enter your password.' },
  'please enter the value of the claim (e.g. the group name)': {
    de: 'Bitte geben Sie den Wert des Claims ein (z. B. den Gruppennamen).',
    en: 'Please enter the value of the claim (e.g. the group name).',
  },
  'a rule gives municipality admin, or a department and a role': {
    de: 'Eine Regel vergibt entweder Kommunen-Administration oder ein Amt mit einer Rolle.',
    en: 'A rule gives either municipality administration or a department with a role.',
  },
  'please enter the issuer URL of the identity provider (https://…)': {
    de: 'Bitte geben Sie die Issuer-URL des Identitätsanbieters ein (https://…).',
    en: 'Please enter the issuer URL of the identity provider (https://…).',
  },
  'the issuer must be an https address': {
    de: 'Der Issuer muss eine https-Adresse sein.',
    en: 'The issuer must be an https address.',
  },
  'this installation does not allow this issuer': {
    de: 'Diese Issuer-URL ist in dieser Installation nicht freigegeben.',
    en: 'This issuer URL is not allowed in this installation.',
  },
  'please enter the client id': { de: 'Bitte geben Sie die Client-ID ein.', en: 'Please enter the client id.' },
  'scopes are separated by single spaces': {
    de: 'Scopes werden durch einzelne Leerzeichen getrennt.',
    en: 'Scopes are separated by single spaces.',
  },
  'the scopes must include openid': {
    de: 'Die Scopes müssen openid enthalten.',
    en: 'The scopes must include openid.',
  },
  'this department does not exist in the municipality': {
    de: 'Dieses Amt gibt es in der Kommune nicht.',
    en: 'This department does not exist in the municipality.',
  },
  'please enter a label, e.g. "Dolmetscherin Türkisch"': {
    de: 'Bitte geben Sie eine Bezeichnung ein, z. B. „Dolmetscherin Türkisch“.',
    en: 'Please enter a label, e.g. “Turkish interpreter”.',
  },
  // The audit log viewer's filter (shared/src/audit.api.ts).
  'a date as YYYY-MM-DD': { de: 'Bitte ein Datum angeben (TT.MM.JJJJ).', en: 'Please enter a date.' },
  'an action such as visit. or staff.': {
    de: 'Eine Aktion wie „visit.“ oder „staff.“ (Kleinbuchstaben, Punkt, Unterstrich).',
    en: 'An action such as “visit.” or “staff.” (lowercase letters, dots, underscores).',
  },
  'a staff id': { de: 'Bitte eine Person aus der Liste wählen.', en: 'Please choose a person from the list.' },
  'a department id': { de: 'Bitte ein Amt aus der Liste wählen.', en: 'Please choose a department from the list.' },
  'a visit id': {
    de: 'Eine Besuchs-ID hat die Form 0a1b2c3d-…-… (36 Zeichen).',
    en: 'A visit id looks like 0a1b2c3d-…-… (36 characters).',
  },
  'a cursor from the previous page': {
    de: 'Die Seite ist nicht mehr gültig; bitte neu laden.',
    en: 'This page is no longer valid; please reload.',
  },
  'the last day must not be before the first': {
    de: 'Der letzte Tag darf nicht vor dem ersten liegen.',
    en: 'The last day must not be before the first.',
  },
};

/** What a schema's own check reports about one field (a zod issue, as far as we read it). */
export interface FieldIssue {
  code: string;
  message: string;
  origin?: string;
  format?: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
}

const both = (de: string, en: string): Record<Locale, string> => ({ de, en });
const EXPECTED: Record<string, Record<Locale, string>> = {
  string: both('ein Text', 'a text'),
  number: both('eine Zahl', 'a number'),
  int: both('eine ganze Zahl', 'a whole number'),
  boolean: both('ja oder nein', 'yes or no'),
  array: both('eine Liste', 'a list'),
  object: both('eine Gruppe von Angaben', 'a group of entries'),
};

/**
 * A field message in each interface language for a check the schemas word in English only (zod's
 * own wording, "Too big: expected string to have <=120 characters"): nobody reads English by
 * default (issue 15). Messages of FIELD_MESSAGES keep their own, more specific translation.
 */
export function fieldIssueMessages(issue: FieldIssue): Record<Locale, string> {
  const known = FIELD_MESSAGES[issue.message];
  if (known) return known;
  const n = issue.maximum ?? issue.minimum;
  const count = typeof n === 'bigint' ? n.toString() : n !== undefined ? n.toLocaleString('de-DE') : '';
  const countEn = typeof n === 'bigint' ? n.toString() : n !== undefined ? n.toLocaleString('en-GB') : '';
  const lengthy = issue.origin === 'string';
  const listy = issue.origin === 'array' || issue.origin === 'set';
  switch (issue.code) {
    case 'invalid_type': {
      if (/received undefined/.test(issue.message))
        return both('Bitte füllen Sie dieses Feld aus.', 'Please fill in this field.');
      const expected = EXPECTED[issue.expected ?? ''];
      return expected
        ? both(`Hier wird ${expected.de} erwartet.`, `This must be ${expected.en}.`)
        : both('Dieser Wert ist hier nicht gültig.', 'This value is not valid here.');
    }
    case 'too_big':
      if (lengthy) return both(`Höchstens ${count} Zeichen.`, `At most ${countEn} characters.`);
      if (listy) return both(`Höchstens ${count} Einträge.`, `At most ${countEn} entries.`);
      return issue.inclusive === false
        ? both(`Der Wert muss kleiner als ${count} sein.`, `The value must be less than ${countEn}.`)
        : both(`Höchstens ${count}.`, `At most ${countEn}.`);
    case 'too_small':
      if (lengthy && Number(n) <= 1) return both('Bitte füllen Sie dieses Feld aus.', 'Please fill in this field.');
      if (lengthy) return both(`Mindestens ${count} Zeichen.`, `At least ${countEn} characters.`);
      if (listy && Number(n) === 1) return both('Mindestens ein Eintrag.', 'At least one entry.');
      if (listy) return both(`Mindestens ${count} Einträge.`, `At least ${countEn} entries.`);
      return issue.inclusive === false
        ? both(`Der Wert muss größer als ${count} sein.`, `The value must be greater than ${countEn}.`)
        : both(`Mindestens ${count}.`, `At least ${countEn}.`);
    case 'invalid_format':
      if (issue.format === 'email')
        return both('Bitte geben Sie eine gültige E-Mail-Adresse an.', 'Please enter a valid email address.');
      if (issue.format === 'date')
        return both('Bitte geben Sie ein gültiges Datum an (JJJJ-MM-TT).', 'Please enter a valid date (YYYY-MM-DD).');
      if (issue.format === 'uuid' || issue.format === 'guid')
        return both('Diese Kennung ist nicht gültig.', 'This identifier is not valid.');
      return both('Das Format stimmt nicht.', 'The format is not right.');
    case 'invalid_value':
      return both('Dieser Wert ist nicht zulässig.', 'This value is not allowed.');
    case 'unrecognized_keys':
      return both('Dieses Feld ist unbekannt.', 'This field is unknown.');
    default:
      return both('Dieser Wert ist nicht gültig.', 'This value is not valid.');
  }
}
