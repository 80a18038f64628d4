/**
 * German for what `npm run setup` and `npm run export` say of an installation file's refused values
 * (the terminal speaks German unless the locale names English, cli/say.ts). The rules' messages are
 * the admin screens' English ones (shared/) and zod's own, carried as one string per issue: each is
 * said in German here by its text. Field paths, values, slugs and addresses stay as they are; a
 * message not known here is said as it is, in English.
 */

/** The rules' own messages (shared/ and installation.schema.ts). */
const EXACT: Record<string, string> = {
  'a colour as #rrggbb': 'eine Farbe als #rrggbb',
  'an IANA time zone such as Europe/Berlin': 'eine IANA-Zeitzone wie Europe/Berlin',
  'an IANA time zone like Europe/Berlin': 'eine IANA-Zeitzone wie Europe/Berlin',
  'an https address or a path on this server (starting with /)':
    'eine https-Adresse oder ein Pfad auf diesem Server (beginnend mit /)',
  'an address starting with https://': 'eine Adresse, die mit https:// beginnt',
  'German is always offered': 'Deutsch wird immer angeboten',
  'German (de) is always offered': 'Deutsch (de) wird immer angeboten',
  'each language once': 'jede Sprache nur einmal',
  'a language code such as de or en': 'ein Sprachkürzel wie de oder en',
  'a language code like de or en': 'ein Sprachkürzel wie de oder en',
  'please enter a name': 'bitte einen Namen angeben',
  'a name for the staff member': 'ein Name für die Person',
  'at least two characters': 'mindestens zwei Zeichen',
  'at least 12 characters': 'mindestens 12 Zeichen',
  'the times of one day must not overlap': 'die Zeiten eines Tages dürfen sich nicht überschneiden',
  'at least one minute': 'mindestens eine Minute',
  'at least 5 minutes': 'mindestens 5 Minuten',
  'at least one person': 'mindestens eine Person',
  'at least one day': 'mindestens ein Tag',
  'at most 120 minutes': 'höchstens 120 Minuten',
  'at most 240 minutes': 'höchstens 240 Minuten',
  'at most 480 minutes': 'höchstens 480 Minuten',
  'at most 500 people': 'höchstens 500 Personen',
  'at most 20 persons': 'höchstens 20 Personen',
  'at most 365 days': 'höchstens 365 Tage',
  'at most two weeks': 'höchstens zwei Wochen',
  'a date as YYYY-MM-DD': 'ein Datum als JJJJ-MM-TT (YYYY-MM-DD)',
  'the last day must not be before the first': 'der letzte Tag darf nicht vor dem ersten liegen',
  'a year from 2000': 'ein Jahr ab 2000',
  'a year up to 2100': 'ein Jahr bis 2100',
  'a time as HH:MM (24-hour clock)': 'eine Uhrzeit als HH:MM (24-Stunden-Uhr)',
  'a time like 08:30': 'eine Uhrzeit wie 08:30',
  'an interval must end after it starts': 'ein Zeitraum muss nach seinem Beginn enden',
  'the end must be after the start': 'das Ende muss nach dem Beginn liegen',
  'the end must not be before the start': 'das Ende darf nicht vor dem Beginn liegen',
  'ranges of one day must not overlap': 'die Zeiträume eines Tages dürfen sich nicht überschneiden',
  'lowercase letters, digits and single hyphens': 'Kleinbuchstaben, Ziffern und einzelne Bindestriche',
  'this name is reserved by the application': 'dieser Name ist von der Anwendung belegt',
  'a name must fit on one line': 'ein Name muss in eine Zeile passen',
  'a name must not contain control characters': 'ein Name darf keine Steuerzeichen enthalten',
  'a name must not contain characters that change the writing direction':
    'ein Name darf keine Zeichen enthalten, die die Schreibrichtung ändern',
  'a name must not contain invisible characters': 'ein Name darf keine unsichtbaren Zeichen enthalten',
  'a name needs visible letters or digits': 'ein Name braucht sichtbare Buchstaben oder Ziffern',
  'contains control characters': 'enthält Steuerzeichen',
  'contains characters that change the writing direction': 'enthält Zeichen, die die Schreibrichtung ändern',
  'contains invisible characters': 'enthält unsichtbare Zeichen',
  'please enter a text': 'bitte einen Text angeben',
  'digits, spaces and + ( ) / - only': 'nur Ziffern, Leerzeichen und + ( ) / -',
  'enter the on-site location on the department page first':
    'geben Sie zuerst den Ort vor Ort beim Amt an (onsiteLocation)',
  'an absence must end on or after its first day': 'eine Abwesenheit muss an oder nach ihrem ersten Tag enden',
  'an absence must end after it starts': 'eine Abwesenheit muss nach ihrem Beginn enden',
  'a base32 secret of 16 to 64 characters': 'ein Base32-Geheimnis aus 16 bis 64 Zeichen',
  'one role per department': 'eine Rolle je Amt',
  'not a valid link': 'kein gültiger Link',
  // zod's own, where no rule has a message of its own
  'Invalid email address': 'keine gültige E-Mail-Adresse',
  'Invalid URL': 'keine gültige Adresse (URL)',
  'Invalid input': 'ungültiger Wert',
  'Invalid ISO datetime': 'kein Zeitpunkt nach ISO 8601 (etwa 2026-08-03T08:00:00+02:00)',
  'Invalid ISO date': 'kein Datum als JJJJ-MM-TT (YYYY-MM-DD)',
  'Invalid string: must match pattern': 'hat nicht die verlangte Form',
};

/** zod's and the file's words for a kind of value. */
const KINDS: Record<string, string> = {
  string: 'Text',
  number: 'Zahl',
  int: 'ganze Zahl',
  boolean: 'true oder false',
  object: 'Objekt { … }',
  array: 'Liste [ … ]',
  record: 'Objekt { … }',
  null: 'null',
  undefined: 'nichts',
  nan: 'keine Zahl',
};
const kind = (name: string) => KINDS[name] ?? name;

const ORIGINS: Record<string, [string, string]> = {
  string: ['Zeichen', 'Zeichen'],
  array: ['Eintrag', 'Einträge'],
  set: ['Eintrag', 'Einträge'],
};

/** Messages with values in them: the pattern and its German. */
const PATTERNS: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^missing \(expected (.+)\)$/, (m) => `fehlt (erwartet: ${kind(m[1]!)})`],
  [/^Invalid input: expected (\w+), received (\w+)$/, (m) => `erwartet: ${kind(m[1]!)}, angegeben: ${kind(m[2]!)}`],
  [/^Invalid input: expected (.+)$/, (m) => `erwartet: ${m[1]!}`],
  [/^Invalid option: expected one of (.+)$/, (m) => `erwartet einen von ${m[1]!}`],
  [
    /^Unrecognized keys?: (.+)$/,
    (m) => `unbekanntes Feld: ${m[1]!} (Tippfehler? Felder, die es nicht gibt, werden abgelehnt)`,
  ],
  [
    /^Too small: expected (\w+) to (?:have|be) (>=?)(\d+(?:\.\d+)?)(?: (\w+))?$/,
    (m) => bound(m[1]!, m[2] === '>=' ? 'mindestens' : 'mehr als', m[3]!),
  ],
  [
    /^Too big: expected (\w+) to (?:have|be) (<=?)(\d+(?:\.\d+)?)(?: (\w+))?$/,
    (m) => bound(m[1]!, m[2] === '<=' ? 'höchstens' : 'weniger als', m[3]!),
  ],
  [/^at most (\d+) characters$/, (m) => `höchstens ${m[1]!} Zeichen`],
  [/^at least (\d+) characters$/, (m) => `mindestens ${m[1]!} Zeichen`],
  [
    /^(department|service|staff) slug "(.*)" is given already at (\S+)$/s,
    (m) => `das Kürzel "${m[2]!}" steht schon bei ${m[3]!}`,
  ],
  [/^unknown department "(.*)"$/s, (m) => `unbekanntes Amt "${m[1]!}"`],
  [
    /^bookable only in one of the person's departments \(add "(.*)" to departments\)$/s,
    (m) => `buchbar nur in einem Amt der Person (nehmen Sie "${m[1]!}" in departments auf)`,
  ],
  [/^staff address "(.*)" is given already at (\S+)$/s, (m) => `die Adresse "${m[1]!}" steht schon bei ${m[2]!}`],
  [/^only these languages: (.+)$/, (m) => `nur diese Sprachen: ${m[1]!}`],
];

function bound(origin: string, comparison: string, limit: string): string {
  const unit = ORIGINS[origin];
  if (!unit) return `${comparison} ${limit}`;
  return `${comparison} ${limit} ${limit === '1' ? unit[0] : unit[1]}`;
}

/** One refused value's message in German; as it is when it is not known here. */
export function fileIssueInGerman(message: string): string {
  const exact = EXACT[message];
  if (exact) return exact;
  for (const [pattern, german] of PATTERNS) {
    const match = pattern.exec(message);
    if (match) return german(match);
  }
  return message;
}
