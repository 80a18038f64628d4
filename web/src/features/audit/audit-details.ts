import { AUDIT_DATA_CODES, intlLocale, type AuditRow } from '@amtsraum/shared';
import { formatCivilDate, formatMinutes } from '../../ui/format';

/** The `details` texts of the `audit` namespace: labels of data keys and words for known codes. */
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
