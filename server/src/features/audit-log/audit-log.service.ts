import {
  AUDIT_DETAIL_WORDS,
  type LocalizedText,
  auditActionName,
  auditDetails,
  zonedParts,
  type AuditPage,
  type AuditQuery,
  type AuditRow,
  type Locale,
} from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { findAuditChoices, findAuditPage, type AuditScope } from './audit-log.repo.js';

export type { AuditScope } from './audit-log.repo.js';

export async function listAudit(db: Db, scope: AuditScope, query: AuditQuery): Promise<AuditPage> {
  const [page, choices] = await Promise.all([findAuditPage(db, scope, query), findAuditChoices(db, scope)]);
  return { ...page, timeZone: scope.timeZone, ...choices };
}

/** Rows per query of the CSV export: the file is streamed page by page, never held whole. */
export const CSV_BATCH = 500;

const CSV_TEXT = {
  de: {
    header: ['Zeit', 'Person', 'Aktion', 'Code der Aktion', 'Amt', 'Besuch', 'Daten', 'Daten als Codes'],
    citizen: 'Bürger/in',
    invitee: 'Eingeladene Person',
    device: 'Gerät vor Ort',
    system: 'System',
    removed: 'Gelöschtes Konto',
  },
  en: {
    header: ['Time', 'Actor', 'Action', 'Action code', 'Department', 'Visit', 'Data', 'Data as codes'],
    citizen: 'Citizen',
    invitee: 'Invited person',
    device: 'On-site device',
    system: 'System',
    removed: 'Deleted account',
  },
} satisfies Record<Locale, unknown>;

/**
 * One CSV cell as German Excel reads it: always quoted, quotes doubled; a cell that Excel or
 * LibreOffice would take for a formula (= + - @, or a leading tab or carriage return) gets a
 * leading apostrophe, so a name like "=HYPERLINK(…)" stays text (OWASP "CSV injection").
 */
export function csvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${guarded.replaceAll('"', '""')}"`;
}

const pad = (n: number) => String(n).padStart(2, '0');

const languageNames = new Map<Locale, Intl.DisplayNames>();
/** A language tag's name in `locale` ("Türkisch"); the tag itself where the runtime has none. */
function languageName(tag: string, locale: Locale): string {
  let names = languageNames.get(locale);
  if (!names)
    languageNames.set(locale, (names = new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' })));
  try {
    return names.of(tag) ?? tag;
  } catch {
    return tag; // not a well-formed tag
  }
}

/**
 * A row's data in the administrator's language, as the audit page says it (shared/src/audit-details.ts):
 * "Rolle: Sachbearbeitung; Grund: Zu viele Versuche"; an id or a code without words as written, and
 * beside the words where people may need it (a department's id).
 */
function dataInWords(row: AuditRow, context: CsvContext): string {
  const { timeZone, locale, departments } = context;
  const details = auditDetails(row.data, {
    texts: AUDIT_DETAIL_WORDS[locale],
    locale,
    timeZone,
    languageName: (tag) => languageName(tag, locale),
    // Any department in the viewer's scope, as the page names it: not only the row's own.
    departmentName: (id) => {
      const name = departments.get(id);
      return name ? (name[locale] ?? name.de) : null;
    },
  });
  return details
    .map(({ label, text, code }) => {
      const value = text !== null && code !== null ? `${text} (${code})` : (text ?? code ?? '');
      return `${label}: ${value}`;
    })
    .join('; ');
}

/** What every line of one export needs: the zone, the language, the scope's departments by id. */
interface CsvContext {
  timeZone: string;
  locale: Locale;
  departments: ReadonlyMap<string, LocalizedText>;
}

function csvLine(row: AuditRow, context: CsvContext): string {
  const { timeZone, locale } = context;
  const text = CSV_TEXT[locale];
  const p = zonedParts(new Date(row.at), timeZone);
  const actor =
    row.actor.kind === 'staff'
      ? (row.actor.name ?? text.removed)
      : row.actor.kind === 'citizen'
        ? text.citizen
        : row.actor.kind === 'invitee'
          ? text.invitee
          : row.actor.kind === 'device'
            ? text.device
            : text.system;
  const department = row.department ? (row.department.name[locale] ?? row.department.name.de) : '';
  const data = Object.entries(row.data)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
  return [
    `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`,
    actor,
    // In words for people, and as its code for filters and scripts (the page's filter takes it).
    auditActionName(row.action, locale),
    row.action,
    department,
    row.visitId ?? '',
    dataInWords(row, context),
    // As stored, for filters and scripts.
    data,
  ]
    .map(csvCell)
    .join(';');
}

/**
 * Writes the CSV of `query` (every page of it, newest first) through `write`, which may wait for
 * the socket to drain and says false once the reader has gone: then no further page is read, and
 * the answer is false (else the number of rows written). UTF-8 with a byte order mark (Excel otherwise guesses Windows-1252), `;`
 * between cells as German Excel expects, CRLF line ends.
 */
export async function writeAuditCsv(
  db: Db,
  scope: AuditScope,
  query: AuditQuery,
  locale: Locale,
  write: (chunk: string) => Promise<boolean>,
): Promise<number | false> {
  const { departments } = await findAuditChoices(db, scope);
  const context: CsvContext = {
    timeZone: scope.timeZone,
    locale,
    departments: new Map(departments.map((d) => [d.id, d.name])),
  };
  if (!(await write(`\uFEFF${CSV_TEXT[locale].header.map(csvCell).join(';')}\r\n`))) return false;
  let cursor = query.cursor;
  let count = 0;
  for (;;) {
    const page = await findAuditPage(db, scope, { ...query, cursor, limit: CSV_BATCH });
    if (page.rows.length > 0) {
      if (!(await write(page.rows.map((row) => `${csvLine(row, context)}\r\n`).join('')))) return false;
      count += page.rows.length;
    }
    if (!page.next) return count;
    cursor = page.next;
  }
}
