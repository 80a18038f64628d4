import { dayRange, parseCivilDate, weeklyWindows } from '@amtsraum/shared';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
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
import type {
  AbsenceInput,
  ClosureInput,
  DepartmentInput,
  ServiceInput,
  StaffInput,
  TenantSettingsInput,
  TenantTextsInput,
  WeeklyHours,
} from './installation.schema.js';

/**
 * One writer per entity (issue 15, item 9: one path for data). The installation file, the demo
 * seed and the export's round trip go through these, and the admin screens can too: each takes
 * values already parsed with the entity's schema (installation.schema.ts), matches by the natural
 * key (slug, e-mail), writes inside the caller's transaction and returns the row's id. None of
 * them audits or announces: the caller knows who acted and which departments to tell.
 */

type TenantValues = Omit<TenantSettingsInput, 'slug' | 'texts'>;

/** Creates or updates a municipality by slug; its archived flag is never touched. */
export async function upsertTenant(
  tx: Db,
  slug: string,
  input: TenantValues,
): Promise<{ id: string; timeZone: string }> {
  const values = {
    name: input.name,
    timeZone: input.timeZone,
    defaultLocale: input.defaultLocale,
    brandColor: input.brandColor,
    logoUrl: input.logoUrl,
    locales: input.locales,
    contact: input.contact,
    stateCode: input.stateCode,
  };
  const [row] = await tx
    .insert(tenants)
    .values({ slug, ...values })
    .onConflictDoUpdate({ target: tenants.slug, set: values })
    .returning({ id: tenants.id, timeZone: tenants.timeZone });
  if (!row) throw new Error(`could not write tenant ${slug}`);
  return row;
}

/** Writes the legal pages and FAQ named in `texts`; `null` removes one, a kind left out stays. */
export async function upsertTexts(tx: Db, tenantId: string, texts: TenantTextsInput): Promise<void> {
  for (const kind of ['imprint', 'privacy', 'accessibility', 'faq'] as const) {
    const body = texts[kind];
    if (body === undefined) continue;
    if (body === null) {
      await tx.delete(tenantTexts).where(and(eq(tenantTexts.tenantId, tenantId), eq(tenantTexts.kind, kind)));
      continue;
    }
    // Unchanged text keeps its `updated_at`: applying the same file twice changes nothing.
    await tx
      .insert(tenantTexts)
      .values({ tenantId, kind, body })
      .onConflictDoUpdate({
        target: [tenantTexts.tenantId, tenantTexts.kind],
        set: {
          body,
          updatedAt: sql`case when ${tenantTexts.body} = excluded.body then ${tenantTexts.updatedAt} else now() end`,
        },
      });
  }
}

type DepartmentValues = Omit<DepartmentInput, 'slug' | 'closures' | 'services'>;

/** Creates or updates a department by (municipality, slug); archived flag and door state untouched. */
export async function upsertDepartment(
  tx: Db,
  tenantId: string,
  slug: string,
  input: DepartmentValues,
  sortOrder: number,
): Promise<string> {
  const values = {
    name: input.name,
    nameForms: input.nameForms,
    description: input.description,
    contact: input.contact,
    openingHours: input.openingHours,
    queueCap: input.queueCap,
    avgHandlingMinutes: input.avgHandlingMinutes,
    bookingHorizonDays: input.booking.horizonDays,
    bookingLeadMinutes: input.booking.leadMinutes,
    sameDayReleaseTime: input.booking.sameDayReleaseTime,
    joinOpensMinutesBefore: input.booking.joinOpensMinutesBefore,
    noShowGraceMinutes: input.booking.noShowGraceMinutes,
    maxPersonsPerBooking: input.booking.maxPersons,
    doorPolicy: input.doorPolicy,
    clerksManageAbsences: input.clerksManageAbsences,
    sortOrder,
  };
  const [row] = await tx
    .insert(departments)
    .values({ tenantId, slug, ...values })
    .onConflictDoUpdate({ target: [departments.tenantId, departments.slug], set: values })
    .returning({ id: departments.id });
  if (!row) throw new Error(`could not write department ${slug}`);
  return row.id;
}

/**
 * Replaces the closures of a department, or (departmentId null) the municipality-wide ones
 * (public holidays): the list given is the whole list.
 */
export async function replaceClosures(
  tx: Db,
  tenantId: string,
  departmentId: string | null,
  list: readonly ClosureInput[],
): Promise<void> {
  const stored = await tx
    .select({ id: closures.id, from: closures.startsOn, to: closures.endsOn, reason: closures.reason })
    .from(closures)
    .where(
      departmentId
        ? eq(closures.departmentId, departmentId)
        : and(eq(closures.tenantId, tenantId), isNull(closures.departmentId)),
    );
  const { remove, add } = difference(stored, list, (c) => JSON.stringify([c.from, c.to, sortedKeys(c.reason)]));
  if (remove.length > 0) await tx.delete(closures).where(inArray(closures.id, remove));
  if (add.length > 0) {
    await tx
      .insert(closures)
      .values(add.map((c) => ({ tenantId, departmentId, startsOn: c.from, endsOn: c.to, reason: c.reason })));
  }
}

/** Creates or updates a service by (department, slug); archived flag untouched. */
export async function upsertService(
  tx: Db,
  departmentId: string,
  input: ServiceInput & { keywords?: Partial<Record<string, string[]>>; onlineUrl?: string | null },
  sortOrder: number,
): Promise<string> {
  const values = {
    name: input.name,
    description: input.description ?? null,
    durationMinutes: input.durationMinutes,
    extraMinutesPerPerson: input.extraMinutesPerPerson,
    documents: input.documents,
    bookable: input.bookable,
    knockable: input.knockable,
    maxPersons: input.maxPersons,
    // Written here once the file's service block has them (the legal engineer's keywords/onlineUrl).
    ...(input.keywords !== undefined ? { keywords: input.keywords } : {}),
    ...(input.onlineUrl !== undefined ? { onlineUrl: input.onlineUrl } : {}),
    sortOrder,
  };
  const [row] = await tx
    .insert(services)
    .values({ departmentId, slug: input.slug, ...values })
    .onConflictDoUpdate({ target: [services.departmentId, services.slug], set: values })
    .returning({ id: services.id });
  if (!row) throw new Error(`could not write service ${input.slug}`);
  return row.id;
}

type StaffValues = Pick<StaffInput, 'email' | 'name' | 'languages' | 'tenantAdmin' | 'installationAdmin'>;

/**
 * Creates or updates a staff account by e-mail, with its roles (department id → role, the whole
 * list). A new account gets `passwordHash` (null: it signs in through an invitation or the
 * identity provider); an existing one keeps its password, second factor and active flag.
 */
export async function upsertStaff(
  tx: Db,
  tenantId: string,
  input: StaffValues,
  roles: ReadonlyMap<string, 'clerk' | 'admin'>,
  newPasswordHash: () => Promise<string | null>,
): Promise<{ id: string; created: boolean }> {
  const [existing] = await tx
    .select({ id: staff.id, tenantId: staff.tenantId })
    .from(staff)
    .where(eq(staff.email, input.email));
  if (existing && existing.tenantId !== tenantId) {
    throw new Error(`${input.email} already belongs to another municipality`);
  }
  const values = {
    name: input.name,
    languages: input.languages,
    isTenantAdmin: input.tenantAdmin,
    isInstallationAdmin: input.installationAdmin,
  };
  let id = existing?.id;
  if (id) {
    await tx.update(staff).set(values).where(eq(staff.id, id));
  } else {
    const [row] = await tx
      .insert(staff)
      .values({ tenantId, email: input.email, passwordHash: await newPasswordHash(), ...values })
      .returning({ id: staff.id });
    id = row!.id;
  }
  const stored = await tx
    .select({ departmentId: staffMemberships.departmentId, role: staffMemberships.role })
    .from(staffMemberships)
    .where(eq(staffMemberships.staffId, id));
  const wanted = [...roles].map(([departmentId, role]) => ({ departmentId, role }));
  const { remove, add } = difference(
    stored.map((m) => ({ ...m, id: m.departmentId })),
    wanted,
    (m) => `${m.departmentId}:${m.role}`,
  );
  if (remove.length > 0) {
    await tx
      .delete(staffMemberships)
      .where(and(eq(staffMemberships.staffId, id), inArray(staffMemberships.departmentId, remove)));
  }
  if (add.length > 0) await tx.insert(staffMemberships).values(add.map((m) => ({ staffId: id!, ...m })));
  return { id, created: !existing };
}

/** Replaces a person's weekly bookable hours: department id → weekly hours (the whole list). */
export async function replaceAvailability(
  tx: Db,
  staffId: string,
  hours: ReadonlyMap<string, WeeklyHours>,
): Promise<void> {
  const wanted = [...hours].flatMap(([departmentId, weekly]) =>
    weeklyWindows(weekly).map((window) => ({ departmentId, ...window })),
  );
  await writeWindows(tx, staffId, wanted, null);
}

/**
 * Replaces a person's weekly hours in one department only (the admin screen's change of one
 * clerk's hours); their hours elsewhere stay.
 */
export async function replaceDepartmentAvailability(
  tx: Db,
  staffId: string,
  departmentId: string,
  ranges: readonly { weekday: number; startsAt: string; endsAt: string }[],
): Promise<void> {
  const wanted = ranges.map(({ weekday, startsAt, endsAt }) => ({ departmentId, weekday, startsAt, endsAt }));
  await writeWindows(tx, staffId, wanted, departmentId);
}

async function writeWindows(
  tx: Db,
  staffId: string,
  wanted: { departmentId: string; weekday: number; startsAt: string; endsAt: string }[],
  onlyDepartmentId: string | null,
): Promise<void> {
  const stored = await tx
    .select({
      id: staffAvailability.id,
      departmentId: staffAvailability.departmentId,
      weekday: staffAvailability.weekday,
      startsAt: staffAvailability.startsAt,
      endsAt: staffAvailability.endsAt,
    })
    .from(staffAvailability)
    .where(
      and(
        eq(staffAvailability.staffId, staffId),
        onlyDepartmentId === null ? undefined : eq(staffAvailability.departmentId, onlyDepartmentId),
      ),
    );
  const { remove, add } = difference(stored, wanted, (w) => `${w.departmentId}:${w.weekday}:${w.startsAt}-${w.endsAt}`);
  if (remove.length > 0) await tx.delete(staffAvailability).where(inArray(staffAvailability.id, remove));
  if (add.length > 0) await tx.insert(staffAvailability).values(add.map((w) => ({ staffId, ...w })));
}

/** Adds one absence of a person (an admin screen's entry); returns the row. */
export async function insertAbsence(
  tx: Db,
  staffId: string,
  absence: { startsAt: Date; endsAt: Date; reason: string | null; createdAt?: Date },
) {
  const [row] = await tx
    .insert(staffAbsences)
    .values({ staffId, ...absence })
    .returning();
  return row!;
}

/** Removes one absence of this person; false when they have none with that id. */
export async function deleteAbsence(tx: Db, staffId: string, absenceId: string): Promise<boolean> {
  const rows = await tx
    .delete(staffAbsences)
    .where(and(eq(staffAbsences.id, absenceId), eq(staffAbsences.staffId, staffId)))
    .returning({ id: staffAbsences.id });
  return rows.length > 0;
}

/** Replaces a person's absences (the whole list); whole days are read in `timeZone`. */
export async function replaceAbsences(
  tx: Db,
  staffId: string,
  list: readonly AbsenceInput[],
  timeZone: string,
): Promise<void> {
  const stored = await tx
    .select({
      id: staffAbsences.id,
      startsAt: staffAbsences.startsAt,
      endsAt: staffAbsences.endsAt,
      reason: staffAbsences.reason,
    })
    .from(staffAbsences)
    .where(eq(staffAbsences.staffId, staffId));
  const wanted = list.map((absence) => {
    const span =
      'from' in absence
        ? dayRange(parseCivilDate(absence.from), parseCivilDate(absence.to), timeZone)
        : { from: new Date(absence.startsAt), to: new Date(absence.endsAt) };
    return { startsAt: span.from, endsAt: span.to, reason: absence.reason ?? null };
  });
  const { remove, add } = difference(
    stored,
    wanted,
    (a) => `${a.startsAt.toISOString()}/${a.endsAt.toISOString()}/${a.reason ?? ''}`,
  );
  if (remove.length > 0) await tx.delete(staffAbsences).where(inArray(staffAbsences.id, remove));
  for (const absence of add) await insertAbsence(tx, staffId, absence);
}

/**
 * What to delete (ids of stored rows not wanted) and what to insert (wanted rows not stored), by
 * `key`: a list written again unchanged keeps its rows, ids and creation times.
 */
function difference<S extends { id: string }, W>(
  stored: readonly S[],
  wanted: readonly W[],
  key: (row: S | W) => string,
): { remove: string[]; add: W[] } {
  const left = new Map<string, string[]>();
  for (const row of stored) left.set(key(row), [...(left.get(key(row)) ?? []), row.id]);
  const add: W[] = [];
  for (const row of wanted) {
    const ids = left.get(key(row));
    if (ids && ids.length > 0) ids.shift();
    else add.push(row);
  }
  return { remove: [...left.values()].flat(), add };
}

/** JSON with object keys in order, so `{de, en}` and `{en, de}` (jsonb reorders) compare equal. */
function sortedKeys(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, (value as Record<string, unknown>)[k]]),
  );
}
