import { dayRange, parseCivilDate, weeklyWindows } from '@amtsraum/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { staff, staffAbsences, staffAvailability, staffMemberships } from '../../db/schema.js';
import { listDifference } from '../../lib/list-difference.js';
import type { AbsenceInput, StaffInput, WeeklyHours } from './installation.schema.js';

/**
 * The writers of staff, their bookable hours and absences, for the installation file and the demo
 * seed, and for the staff and availability services. Like the writers of municipalities,
 * departments and closures (organisation/write-organisation.ts), services (offer/write-service.ts)
 * and texts (legal/write-texts.ts), each takes parsed values, matches by the natural key (e-mail),
 * writes inside the caller's transaction and neither audits nor announces (issue 15, item 9).
 */

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
  const { remove, add } = listDifference(
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
  const stored = await tx
    .select({
      id: staffAvailability.id,
      departmentId: staffAvailability.departmentId,
      weekday: staffAvailability.weekday,
      startsAt: staffAvailability.startsAt,
      endsAt: staffAvailability.endsAt,
    })
    .from(staffAvailability)
    .where(eq(staffAvailability.staffId, staffId));
  const wanted = [...hours].flatMap(([departmentId, weekly]) =>
    weeklyWindows(weekly).map((window) => ({ departmentId, ...window })),
  );
  const { remove, add } = listDifference(
    stored,
    wanted,
    (w) => `${w.departmentId}:${w.weekday}:${w.startsAt}-${w.endsAt}`,
  );
  if (remove.length > 0) await tx.delete(staffAvailability).where(inArray(staffAvailability.id, remove));
  if (add.length > 0) await tx.insert(staffAvailability).values(add.map((w) => ({ staffId, ...w })));
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
  const { remove, add } = listDifference(
    stored,
    wanted,
    (a) => `${a.startsAt.toISOString()}/${a.endsAt.toISOString()}/${a.reason ?? ''}`,
  );
  if (remove.length > 0) await tx.delete(staffAbsences).where(inArray(staffAbsences.id, remove));
  if (add.length > 0) await tx.insert(staffAbsences).values(add.map((a) => ({ staffId, ...a })));
}
