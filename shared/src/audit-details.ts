import { formatMinutes, intlLocale, type Locale } from './locales.js';
import { parseCivilDate } from './time-zone.js';
import { AUDIT_DATA_CODES, type AuditRow } from './audit.api.js';

/**
 * An audit row's data in words, in German and English: for the audit log page and the CSV export
 * (issue 15), which IT staff read in a spreadsheet. One home for both, as the actions' names have
 * in audit-actions.ts: the server ships no web locale files. Codes the words do not know, and ids,
 * stay as written.
 */

/** Labels of data keys and words for known codes, in one language. */
export interface DetailTexts {
  yes: string;
  no: string;
  none: string;
  labels: Record<string, string>;
  values: Record<string, Record<string, string>>;
  fields: Record<string, string>;
}

/** What a row's details are said with: the viewer's language and the municipality's time zone. */
export interface DetailContext {
  texts: DetailTexts;
  locale: string;
  timeZone: string;
  /** A conversation language's name ("Türkisch"); the tag itself when it has none. */
  languageName: (tag: string) => string;
  /** A department's name, from the departments the page shows; null when not among them. */
  departmentName: (id: string) => string | null;
}

/**
 * One line of a row's details: a label in the viewer's language, the value in words where the
 * code is known, and the code as written where people may need it (ids, for IT staff; a code
 * the page has no words for). A key without a label keeps its own name: nothing the API sends
 * goes unseen (issue 15: the log says what happened, the viewer does not decide it).
 */
export interface AuditDetail {
  key: string;
  label: string;
  text: string | null;
  code: string | null;
}

/** Keys whose values are one of a known set of codes (shared `AUDIT_DATA_CODES`): words in `values.<key>`. */
const isCoded = (key: string) => Object.prototype.hasOwnProperty.call(AUDIT_DATA_CODES, key);
/** Keys whose values are comma-separated codes. */
const LISTS: Record<string, (texts: DetailTexts) => Record<string, string>> = {
  fields: (texts) => texts.fields,
  roles: (texts) => texts.values.role ?? {},
};
const MINUTES = new Set(['minutesBeforeStart', 'holdMinutes', 'minutes']);
/** Numbers read as names, without a thousands separator: the year 2026, ticket 1024. */
const NUMBERS_AS_NAMES = new Set(['year', 'ticketNumber']);
/** Words someone wrote (a counter's name as called aloud), shown as text rather than as a code. */
const WORDS = new Set(['counter', 'counterName']);
const CIVIL_DATE = /^\d{4}-\d\d-\d\d$/;
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/;

const has = (record: Record<string, string> | undefined, key: string): record is Record<string, string> =>
  record !== undefined && Object.prototype.hasOwnProperty.call(record, key);

/** "Donnerstag, 24. Dezember 2026" for a civil date (no zone). */
function formatCivilDate(text: string, locale: string): string {
  const { year, month, day } = parseCivilDate(text);
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** The details of one audit row, in the order the API sent them. */
export function auditDetails(data: AuditRow['data'], context: DetailContext): AuditDetail[] {
  return Object.entries(data).map(([key, value]) => {
    const label = has(context.texts.labels, key) ? context.texts.labels[key]! : key;
    return { key, label, ...describe(key, value, context) };
  });
}

function describe(
  key: string,
  value: AuditRow['data'][string],
  context: DetailContext,
): Pick<AuditDetail, 'text' | 'code'> {
  const { texts, locale, timeZone } = context;
  if (value === null) return { text: texts.none, code: null };
  if (typeof value === 'boolean') return { text: value ? texts.yes : texts.no, code: null };
  if (typeof value === 'number') {
    if (MINUTES.has(key)) {
      const minutes = formatMinutes(Math.abs(value), locale);
      return { text: value < 0 ? `−${minutes}` : minutes, code: null };
    }
    if (NUMBERS_AS_NAMES.has(key)) return { text: String(value), code: null };
    return { text: new Intl.NumberFormat(intlLocale(locale)).format(value), code: null };
  }
  if (key === 'departmentId') return { text: context.departmentName(value), code: value };
  if (/Id$/.test(key)) return { text: null, code: value };
  if (key === 'language' || key === 'interpreter') {
    const name = context.languageName(value);
    return name === value ? { text: null, code: value } : { text: name, code: null };
  }
  if (WORDS.has(key)) return { text: value, code: null };
  if (isCoded(key)) {
    const words = texts.values[key];
    return has(words, value) ? { text: words[value]!, code: null } : { text: null, code: value };
  }
  const list = LISTS[key];
  if (list) {
    const words = list(texts);
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    return { text: items.map((item) => (has(words, item) ? words[item]! : item)).join(', '), code: null };
  }
  if ((key === 'from' || key === 'to') && CIVIL_DATE.test(value)) {
    return { text: formatCivilDate(value, locale), code: null };
  }
  if (INSTANT.test(value)) {
    const when = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone });
    return { text: when.format(new Date(value)), code: null };
  }
  return { text: null, code: value };
}

/** The words of `auditDetails` per language: a key's label, a code's words, a changed setting's name. */
export const AUDIT_DETAIL_WORDS: Record<Locale, DetailTexts> = {
  de: {
    yes: 'ja',
    no: 'nein',
    none: 'keine',
    labels: {
      appointmentId: 'Termin (ID)',
      inviteId: 'Einladung (ID)',
      replacedBy: 'Ersetzt durch Einladung (ID)',
      guestId: 'Eingeladene Person (ID)',
      serviceId: 'Leistung (ID)',
      staffId: 'Konto (ID)',
      departmentId: 'Amt',
      closureId: 'Schließzeit (ID)',
      role: 'Rolle',
      roles: 'Rollen',
      lobby: 'Wartet auf Einlass',
      multiUse: 'Mehrfach nutzbar',
      persons: 'Personen',
      services: 'Anzahl Leistungen',
      language: 'Sprache',
      interpreter: 'Dolmetschen',
      from: 'Von',
      to: 'Bis',
      sameClerk: 'Gleiche Sachbearbeitung',
      withNote: 'Mit Nachricht',
      minutesBeforeStart: 'Vor Beginn',
      holdMinutes: 'Platz gehalten',
      state: 'Tür',
      fields: 'Geänderte Angaben',
      count: 'Anzahl',
      kind: 'Art',
      method: 'Verfahren',
      active: 'Aktiv',
      departments: 'Anzahl Ämter',
      people: 'Anzahl Konten',
      via: 'Ausgelöst über',
      absenceId: 'Abwesenheit (ID)',
      deviceId: 'Gerät (ID)',
      visitId: 'Besuch (ID)',
      tenantId: 'Kommune (ID)',
      service: 'Mit Leistung',
      channel: 'Video oder vor Ort',
      minutes: 'Gesperrt für',
      graceSeconds: 'Abwesend länger als (Sekunden)',
      reason: 'Grund',
      isTenantAdmin: 'Verwaltung der Kommune',
      own: 'Selbst eingetragen',
      ranges: 'Anzahl Zeitfenster',
      collisions: 'Betroffene Termine',
      added: 'Hinzugefügt',
      waiting: 'Wartende',
      appointments: 'Offene Termine',
      year: 'Jahr',
      stateCode: 'Bundesland',
      ticketNumber: 'Wartenummer',
      counter: 'Schalter',
      counterName: 'Schalter',
      reset: 'Auf die Vorlage zurückgesetzt',
      departmentArchived: 'Amt archiviert',
      created: 'Konto angelegt',
      linked: 'Konto verknüpft',
      rolesFromProvider: 'Rollen vom Anmeldedienst',
      rolesLost: 'Rollen entzogen',
    },
    values: {
      state: {
        open: 'Geöffnet',
        paused: 'Pause',
        closed: 'Geschlossen',
        auto: 'Nach Öffnungszeiten',
      },
      role: {
        clerk: 'Sachbearbeitung',
        admin: 'Verwaltung des Amts',
        interpreter: 'Dolmetscherin/Dolmetscher',
        guest: 'Gast',
      },
      kind: {
        kiosk: 'Kiosk',
        display: 'Aufrufanzeige',
        imprint: 'Impressum',
        privacy: 'Datenschutzerklärung',
        accessibility: 'Erklärung zur Barrierefreiheit',
        faq: 'Häufige Fragen',
      },
      method: {
        oidc: 'Identitätsanbieter der Kommune',
        password: 'Passwort',
        qr: 'QR-Code',
        code: 'Buchungscode',
      },
      via: {
        cli: 'Kommandozeile (IT)',
        admin: 'Verwaltungsseite',
      },
      reason: {
        expired: 'Abgelaufen oder in einem anderen Browser begonnen',
        failed: 'Vom Anmeldedienst abgelehnt',
        unreachable: 'Anmeldedienst nicht erreichbar',
        unmapped: 'Keine Rolle in dieser Kommune',
        no_account: 'Kein Konto in dieser Kommune',
        deactivated: 'Konto deaktiviert',
        installation_admin: 'Konto der Installations-Administration: nur mit Passwort und Authenticator',
        unavailable: 'Anmeldung über den Anmeldedienst nicht angeboten',
        too_many_tries: 'Zu viele Versuche',
      },
      channel: {
        video: 'Video',
        onsite: 'Vor Ort',
      },
      stateCode: {
        BW: 'Baden-Württemberg',
        BY: 'Bayern',
        BE: 'Berlin',
        BB: 'Brandenburg',
        HB: 'Bremen',
        HH: 'Hamburg',
        HE: 'Hessen',
        MV: 'Mecklenburg-Vorpommern',
        NI: 'Niedersachsen',
        NW: 'Nordrhein-Westfalen',
        RP: 'Rheinland-Pfalz',
        SL: 'Saarland',
        SN: 'Sachsen',
        ST: 'Sachsen-Anhalt',
        SH: 'Schleswig-Holstein',
        TH: 'Thüringen',
      },
    },
    fields: {
      name: 'Name',
      description: 'Beschreibung',
      nameForms: 'Namensformen',
      contact: 'Kontakt',
      openingHours: 'Öffnungszeiten',
      doorPolicy: 'Türregeln',
      queueCap: 'Höchstzahl Wartender',
      avgHandlingMinutes: 'Durchschnittliche Bearbeitungszeit',
      onsiteLocation: 'Ort vor Ort',
      kioskWalkIns: 'Wartenummern am Kiosk',
      checkInOpensMinutesBefore: 'Anmeldung vor Ort ab',
      durationMinutes: 'Dauer',
      extraMinutesPerPerson: 'Zusätzliche Minuten je Person',
      documents: 'Mitzubringende Unterlagen',
      bookable: 'Buchbar',
      knockable: 'Per Anklopfen',
      maxPersons: 'Höchstzahl Personen',
      keywords: 'Suchbegriffe',
      onlineUrl: 'Online-Dienst',
      channels: 'Video oder vor Ort',
      horizonDays: 'Buchbar im Voraus',
      leadMinutes: 'Vorlaufzeit',
      sameDayReleaseTime: 'Freigabe für heute',
      joinOpensMinutesBefore: 'Beitritt ab',
      noShowGraceMinutes: 'Wartezeit bis „nicht erschienen“',
      maxPersonsPerBooking: 'Personen je Buchung',
      clerksManageAbsences: 'Abwesenheiten durch Sachbearbeitung',
      languages: 'Sprachen',
      isTenantAdmin: 'Verwaltung der Kommune',
      roles: 'Rollen',
      slug: 'Adresse',
      logoUrl: 'Logo',
      brandColor: 'Farbe',
      timeZone: 'Zeitzone',
      locales: 'Sprachen der Seiten',
      stateCode: 'Bundesland',
      issuer: 'Issuer-URL',
      clientId: 'Client-ID',
      clientSecret: 'Client-Secret',
      label: 'Name auf der Schaltfläche',
      scopes: 'Scopes',
      roleClaim: 'Claim mit den Gruppen',
      roleMapping: 'Zuordnung der Gruppen zu Rollen',
      provisionAccounts: 'Konten bei der Anmeldung anlegen',
      enabled: 'Anmeldung über den Identity Provider eingeschaltet',
      active: 'Aktiv',
    },
  },
  en: {
    yes: 'yes',
    no: 'no',
    none: 'none',
    labels: {
      appointmentId: 'Appointment (ID)',
      inviteId: 'Invitation (ID)',
      replacedBy: 'Replaced by invitation (ID)',
      guestId: 'Invited person (ID)',
      serviceId: 'Service (ID)',
      staffId: 'Account (ID)',
      departmentId: 'Department',
      closureId: 'Closure (ID)',
      role: 'Role',
      roles: 'Roles',
      lobby: 'Waits to be let in',
      multiUse: 'Usable more than once',
      persons: 'Persons',
      services: 'Number of services',
      language: 'Language',
      interpreter: 'Interpreting',
      from: 'From',
      to: 'To',
      sameClerk: 'Same clerk',
      withNote: 'With a message',
      minutesBeforeStart: 'Before the start',
      holdMinutes: 'Place held',
      state: 'Door',
      fields: 'Changed settings',
      count: 'Number',
      kind: 'Kind',
      method: 'Method',
      active: 'Active',
      departments: 'Number of departments',
      people: 'Number of accounts',
      via: 'Started from',
      absenceId: 'Absence (ID)',
      deviceId: 'Device (ID)',
      visitId: 'Visit (ID)',
      tenantId: 'Municipality (ID)',
      service: 'Service chosen',
      channel: 'Video or on site',
      minutes: 'Locked for',
      graceSeconds: 'Away longer than (seconds)',
      reason: 'Reason',
      isTenantAdmin: 'Municipality admin',
      own: 'Entered by themselves',
      ranges: 'Number of time ranges',
      collisions: 'Appointments affected',
      added: 'Added',
      waiting: 'People waiting',
      appointments: 'Open appointments',
      year: 'Year',
      stateCode: 'State',
      ticketNumber: 'Ticket number',
      counter: 'Counter',
      counterName: 'Counter',
      reset: 'Reset to the default',
      departmentArchived: 'Department archived',
      created: 'Account created',
      linked: 'Account linked',
      rolesFromProvider: 'Roles from the sign-in service',
      rolesLost: 'Roles taken away',
    },
    values: {
      state: {
        open: 'Open',
        paused: 'Break',
        closed: 'Closed',
        auto: 'By opening hours',
      },
      role: {
        clerk: 'Clerk',
        admin: 'Department admin',
        interpreter: 'Interpreter',
        guest: 'Guest',
      },
      kind: {
        kiosk: 'Kiosk',
        display: 'Call display',
        imprint: 'Imprint',
        privacy: 'Privacy statement',
        accessibility: 'Accessibility statement',
        faq: 'Frequently asked questions',
      },
      method: {
        oidc: "The municipality's identity provider",
        password: 'Password',
        qr: 'QR code',
        code: 'Booking code',
      },
      via: {
        cli: 'Command line (IT)',
        admin: 'Admin page',
      },
      reason: {
        expired: 'Expired or started in another browser',
        failed: 'Refused by the sign-in service',
        unreachable: 'Sign-in service not reachable',
        unmapped: 'No role in this municipality',
        no_account: 'No account in this municipality',
        deactivated: 'Account deactivated',
        installation_admin: "The installation's admin account: password and authenticator only",
        unavailable: 'Sign-in through the service not offered',
        too_many_tries: 'Too many tries',
      },
      channel: {
        video: 'Video',
        onsite: 'On site',
      },
      stateCode: {
        BW: 'Baden-Württemberg',
        BY: 'Bavaria',
        BE: 'Berlin',
        BB: 'Brandenburg',
        HB: 'Bremen',
        HH: 'Hamburg',
        HE: 'Hesse',
        MV: 'Mecklenburg-Western Pomerania',
        NI: 'Lower Saxony',
        NW: 'North Rhine-Westphalia',
        RP: 'Rhineland-Palatinate',
        SL: 'Saarland',
        SN: 'Saxony',
        ST: 'Saxony-Anhalt',
        SH: 'Schleswig-Holstein',
        TH: 'Thuringia',
      },
    },
    fields: {
      name: 'Name',
      description: 'Description',
      nameForms: 'Name forms',
      contact: 'Contact',
      openingHours: 'Opening hours',
      doorPolicy: 'Door rules',
      queueCap: 'Most people waiting',
      avgHandlingMinutes: 'Average handling time',
      onsiteLocation: 'On-site location',
      kioskWalkIns: 'Tickets at the kiosk',
      checkInOpensMinutesBefore: 'On-site check-in from',
      durationMinutes: 'Duration',
      extraMinutesPerPerson: 'Extra minutes per person',
      documents: 'Documents to bring',
      bookable: 'Bookable',
      knockable: 'By knocking',
      maxPersons: 'Most persons',
      keywords: 'Search words',
      onlineUrl: 'Online service',
      channels: 'Video or on site',
      horizonDays: 'Bookable ahead',
      leadMinutes: 'Lead time',
      sameDayReleaseTime: 'Release for today',
      joinOpensMinutesBefore: 'Joining from',
      noShowGraceMinutes: 'Wait before "did not show up"',
      maxPersonsPerBooking: 'Persons per booking',
      clerksManageAbsences: 'Absences by clerks',
      languages: 'Languages',
      isTenantAdmin: 'Municipality admin',
      roles: 'Roles',
      slug: 'Address',
      logoUrl: 'Logo',
      brandColor: 'Colour',
      timeZone: 'Time zone',
      locales: 'Languages of the pages',
      stateCode: 'Federal state',
      issuer: 'Issuer URL',
      clientId: 'Client ID',
      clientSecret: 'Client secret',
      label: 'Name on the button',
      scopes: 'Scopes',
      roleClaim: 'Claim with the groups',
      roleMapping: 'Groups mapped to roles',
      provisionAccounts: 'Create accounts at sign-in',
      enabled: 'Sign-in through the identity provider switched on',
      active: 'Active',
    },
  },
};
