import {
  addDays,
  formatCivilDate,
  startOfDay,
  WEEKDAY_KEYS,
  zonedParts,
  type CivilDate,
  type LocalizedText,
} from '@amtsraum/shared';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  closures,
  departments,
  services,
  staff,
  staffAbsences,
  staffAvailability,
  staffMemberships,
  tenantTexts,
  tenants,
} from '../../db/schema.js';
import { insertAudit } from '../audit/audit.repo.js';
import { fileIssueInGerman } from './file-issues-de.js';
import { InstallationFileSchema, type AbsenceInput, type WeeklyHours } from './installation.schema.js';

/**
 * A municipality written as an installation file (issue 15, item 9), which `npm run setup` (or
 * `applyInstallation`) reads back to the same configuration. Never in it: passwords, second-factor
 * secrets, the identity provider's client secret, citizens' data, and what is archived or
 * deactivated (the file creates and updates; archiving has its own rules on the admin screens).
 * Lists come in a fixed order, so two exports of the same configuration are equal byte for byte.
 */
export interface ExportedFile {
  tenants: [Record<string, unknown>];
}

const civil = (instant: Date, timeZone: string): CivilDate => {
  const p = zonedParts(instant, timeZone);
  return { year: p.year, month: p.month, day: p.day };
};

/** Whole days in the municipality's zone when the span is exactly that, else the exact instants. */
function absenceOf(row: { startsAt: Date; endsAt: Date; reason: string | null }, timeZone: string): AbsenceInput {
  const first = civil(row.startsAt, timeZone);
  const end = civil(row.endsAt, timeZone);
  const reason = row.reason ? { reason: row.reason } : {};
  if (+startOfDay(first, timeZone) === +row.startsAt && +startOfDay(end, timeZone) === +row.endsAt) {
    return { from: formatCivilDate(first), to: formatCivilDate(addDays(end, -1)), ...reason };
  }
  return { startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString(), ...reason };
}

const closureOf = (row: { startsOn: string; endsOn: string; reason: LocalizedText | null }) => ({
  from: row.startsOn,
  to: row.endsOn,
  reason: row.reason,
});

/** The installation file of municipality `slug` (archived ones too: the installation admin may keep a copy); null if none. */
export async function exportTenant(db: Db, slug: string): Promise<ExportedFile | null> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  if (!tenant) return null;
  const zone = tenant.timeZone;

  const departmentRows = await db
    .select()
    .from(departments)
    .where(and(eq(departments.tenantId, tenant.id), isNull(departments.archivedAt)))
    .orderBy(asc(departments.sortOrder), asc(departments.slug));
  const departmentIds = departmentRows.map((d) => d.id);
  const slugOf = new Map(departmentRows.map((d) => [d.id, d.slug]));
  const none = ['00000000-0000-0000-0000-000000000000'];
  const ids = departmentIds.length > 0 ? departmentIds : none;

  const [serviceRows, closureRows, textRows, staffRows] = await Promise.all([
    db
      .select()
      .from(services)
      .where(and(inArray(services.departmentId, ids), isNull(services.archivedAt)))
      .orderBy(asc(services.sortOrder), asc(services.slug)),
    db
      .select()
      .from(closures)
      .where(eq(closures.tenantId, tenant.id))
      .orderBy(asc(closures.startsOn), asc(closures.endsOn), asc(closures.id)),
    db.select().from(tenantTexts).where(eq(tenantTexts.tenantId, tenant.id)),
    db
      .select({
        id: staff.id,
        email: staff.email,
        name: staff.name,
        languages: staff.languages,
        isTenantAdmin: staff.isTenantAdmin,
        isInstallationAdmin: staff.isInstallationAdmin,
      })
      .from(staff)
      .where(and(eq(staff.tenantId, tenant.id), eq(staff.active, true)))
      .orderBy(asc(staff.email)),
  ]);
  const staffIds = staffRows.length > 0 ? staffRows.map((s) => s.id) : none;
  const [membershipRows, availabilityRows, absenceRows] = await Promise.all([
    db.select().from(staffMemberships).where(inArray(staffMemberships.staffId, staffIds)),
    db
      .select()
      .from(staffAvailability)
      .where(inArray(staffAvailability.staffId, staffIds))
      .orderBy(asc(staffAvailability.weekday), asc(staffAvailability.startsAt), asc(staffAvailability.endsAt)),
    db
      .select()
      .from(staffAbsences)
      .where(inArray(staffAbsences.staffId, staffIds))
      .orderBy(asc(staffAbsences.startsAt), asc(staffAbsences.endsAt), asc(staffAbsences.id)),
  ]);

  const texts: Record<string, unknown> = {};
  for (const kind of ['imprint', 'privacy', 'accessibility', 'faq'] as const) {
    const row = textRows.find((t) => t.kind === kind);
    if (row) texts[kind] = row.body;
  }

  const people = staffRows.map((person) => {
    const roles = Object.fromEntries(
      membershipRows
        .filter((m) => m.staffId === person.id && slugOf.has(m.departmentId))
        .map((m) => [slugOf.get(m.departmentId)!, m.role] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    const availability: Record<string, WeeklyHours> = {};
    for (const window of availabilityRows) {
      const departmentSlug = slugOf.get(window.departmentId);
      if (window.staffId !== person.id || !departmentSlug || !(departmentSlug in roles)) continue;
      const day = WEEKDAY_KEYS[window.weekday - 1]!;
      const weekly = (availability[departmentSlug] ??= {});
      (weekly[day] ??= []).push({ from: window.startsAt, to: window.endsAt });
    }
    return {
      email: person.email,
      name: person.name,
      languages: person.languages,
      tenantAdmin: person.isTenantAdmin,
      ...(person.isInstallationAdmin ? { installationAdmin: true } : {}),
      departments: roles,
      availability: Object.fromEntries(Object.entries(availability).sort(([a], [b]) => a.localeCompare(b))),
      absences: absenceRows.filter((a) => a.staffId === person.id).map((a) => absenceOf(a, zone)),
    };
  });

  return {
    tenants: [
      {
        slug: tenant.slug,
        name: tenant.name,
        timeZone: zone,
        defaultLocale: tenant.defaultLocale,
        brandColor: tenant.brandColor,
        logoUrl: tenant.logoUrl,
        locales: tenant.locales,
        contact: tenant.contact,
        stateCode: tenant.stateCode,
        texts,
        closures: closureRows.filter((c) => c.departmentId === null).map(closureOf),
        departments: departmentRows.map((d) => ({
          slug: d.slug,
          name: d.name,
          nameForms: d.nameForms,
          description: d.description,
          contact: d.contact,
          openingHours: d.openingHours,
          queueCap: d.queueCap,
          avgHandlingMinutes: d.avgHandlingMinutes,
          doorPolicy: d.doorPolicy,
          clerksManageAbsences: d.clerksManageAbsences,
          ...(d.onsiteLocation ? { onsiteLocation: d.onsiteLocation } : {}),
          kioskWalkIns: d.kioskWalkIns,
          checkInOpensMinutesBefore: d.checkInOpensMinutesBefore,
          booking: {
            horizonDays: d.bookingHorizonDays,
            leadMinutes: d.bookingLeadMinutes,
            sameDayReleaseTime: d.sameDayReleaseTime,
            joinOpensMinutesBefore: d.joinOpensMinutesBefore,
            noShowGraceMinutes: d.noShowGraceMinutes,
            maxPersons: d.maxPersonsPerBooking,
          },
          closures: closureRows.filter((c) => c.departmentId === d.id).map(closureOf),
          services: serviceRows
            .filter((s) => s.departmentId === d.id)
            .map((s) => ({
              slug: s.slug,
              name: s.name,
              ...(s.description ? { description: s.description } : {}),
              durationMinutes: s.durationMinutes,
              extraMinutesPerPerson: s.extraMinutesPerPerson,
              documents: s.documents,
              bookable: s.bookable,
              knockable: s.knockable,
              maxPersons: s.maxPersons,
              ...(Object.keys(s.keywords).length > 0 ? { keywords: s.keywords } : {}),
              ...(s.onlineUrl ? { onlineUrl: s.onlineUrl } : {}),
              channels: s.channels,
            })),
        })),
        staff: people,
      },
    ],
  };
}

/**
 * What `npm run setup` would refuse in `file`, one line per value (`path: rule`), as it says it:
 * values saved before a rule came in (a phone number with words in it, a name with a character
 * that reverses it). The export keeps them as they are; the lines say what to correct, in the
 * admin pages or in the file, before the file sets anything up. Empty when it would load.
 */
export function exportedFileProblems(file: ExportedFile, language: 'de' | 'en' = 'en'): string[] {
  const parsed = InstallationFileSchema.safeParse(file);
  return parsed.success ? [] : describeFileIssues(parsed.error.issues, language);
}

/**
 * An installation file's refused values, one line each, as `npm run setup` and `npm run export` print
 * them, in the terminal's language (file-issues-de.ts): the field's path as in the file, then the rule.
 */
export function describeFileIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  language: 'de' | 'en' = 'en',
): string[] {
  return issues.map((issue) => {
    // zod says a missing field as "Invalid input: expected string, received undefined".
    const missing = /^Invalid input: expected (.+), received undefined$/.exec(issue.message);
    const message = missing ? `missing (expected ${missing[1] ?? 'a value'})` : issue.message;
    const where = issue.path.map(String).join('.') || (language === 'de' ? '(Datei)' : '(file)');
    return `${where}: ${language === 'de' ? fileIssueInGerman(message) : message}`;
  });
}

/** The largest installation file setup reads: a big city's export is well under 1 MB. */
export const INSTALLATION_FILE_MAX_BYTES = 20 * 1024 * 1024;

/**
 * An installation file's bytes as text, or what is wrong with them. Windows editors save UTF-8
 * with a byte order mark (read as if it were not there) or in their "ANSI" code page, whose
 * umlauts would otherwise enter the database as "B\uFFFDrgeramt": such a file is refused with the
 * line of its first wrong character.
 */
export function decodeInstallationFile(
  bytes: Uint8Array,
  language: 'de' | 'en' = 'en',
): { text: string } | { problem: string } {
  const de = language === 'de';
  const tooLarge = installationFileSizeProblem(bytes.length, language);
  if (tooLarge) return { problem: tooLarge };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return {
      problem: de
        ? 'die Datei ist als UTF-16 ("Unicode") gespeichert; speichern Sie sie als UTF-8'
        : 'the file is saved as UTF-16 ("Unicode"); save it as UTF-8',
    };
  }
  try {
    // A leading byte order mark is dropped (ignoreBOM: false); a wrong byte throws.
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const before = text.slice(0, Math.max(0, text.indexOf('\uFFFD')));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return {
      problem: de
        ? `die Datei ist kein UTF-8 (Zeile ${String(line)}, Spalte ${String(column)}; als "ANSI" oder Windows-1252 gespeichert?); speichern Sie sie als UTF-8`
        : `the file is not UTF-8 (line ${String(line)}, column ${String(column)}; saved as "ANSI" or Windows-1252?); save it as UTF-8`,
    };
  }
}

/** Said before a file is read, so a wrong path (a disk image, a log) is not read whole into memory. */
export function installationFileSizeProblem(size: number, language: 'de' | 'en' = 'en'): string | null {
  if (size <= INSTALLATION_FILE_MAX_BYTES) return null;
  if (language === 'de') {
    return `die Datei hat ${formatMegabytes(size).replace('.', ',')}; eine Installationsdatei hat höchstens ${formatMegabytes(INSTALLATION_FILE_MAX_BYTES).replace('.', ',')}`;
  }
  return `the file has ${formatMegabytes(size)}; an installation file has at most ${formatMegabytes(INSTALLATION_FILE_MAX_BYTES)}`;
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A file that is no JSON, said with the line and column of the mistake (Node 20's JSON.parse
 * names only a character position), and a hint when it looks like YAML, which setup does not read.
 */
export function describeJsonSyntaxError(text: string, error: unknown, language: 'de' | 'en' = 'en'): string {
  const english = describeJsonSyntaxErrorInEnglish(text, error);
  if (language === 'en') return english;
  // JavaScript's own words for the mistake stay (they name the character); the rest is German.
  return english
    .replace(/\(line (\d+),? column (\d+)\)/, '(Zeile $1, Spalte $2)')
    .replace(/^the file is empty$/, 'die Datei ist leer')
    .replace(
      /; it looks like YAML, but the installation file is JSON$/,
      '; sie sieht nach YAML aus, die Installationsdatei ist aber JSON',
    );
}

function describeJsonSyntaxErrorInEnglish(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/\(line \d+ column \d+\)/.test(message)) return message;
  const position = /at position (\d+)/.exec(message);
  let where = '';
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    where = ` (line ${String(line)}, column ${String(column)})`;
  } else if (text.trim() === '') {
    return 'the file is empty';
  }
  const yaml = /^\s*[\w-]+\s*:/.test(text) ? '; it looks like YAML, but the installation file is JSON' : '';
  return `${message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*$/s, '')}${where}${yaml}`;
}

/** The export, audited as `tenant.exported` (by a staff member, or by the system for the CLI). */
export async function exportTenantAudited(
  db: Db,
  slug: string,
  actor: { staffId: string } | 'system',
  now: Date,
): Promise<ExportedFile | null> {
  const file = await exportTenant(db, slug);
  if (!file) return null;
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  const exported = file.tenants[0] as { departments: unknown[]; staff: unknown[] };
  await insertAudit(db, {
    tenantId: tenant!.id,
    ...(actor === 'system' ? { actorKind: 'system' } : { actorKind: 'staff', actorStaffId: actor.staffId }),
    action: 'tenant.exported',
    data: {
      departments: exported.departments.length,
      people: exported.staff.length,
      via: actor === 'system' ? 'cli' : 'admin',
    },
    createdAt: now,
  });
  return file;
}
