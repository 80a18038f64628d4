import {
  dayRange,
  formatCivilDate,
  parseCivilDate,
  StateCodeSchema,
  zonedParts,
  type AdminClosure,
  type ClosureCreate,
  type HolidayPrefillResult,
  type LocalizedText,
  type Resolution,
} from '@amtsraum/shared';
import { AppError } from '../../lib/errors.js';
import { bookedAppointments } from '../availability/availability.repo.js';
import { changeSchedules } from '../availability/availability.service.js';
import type { ClosureRow, TenantRow } from '../directory/directory.repo.js';
import { stateHolidays } from './holidays.js';
import { announce, auditChange, type OrgActor, type OrgCtx } from './org-ctx.js';
import { deleteScopedClosure, listScopedClosures, liveDepartmentIds, lockTenant } from './organisation.repo.js';
import { addClosures } from './write-organisation.js';

type Resolutions = Record<string, Resolution>;

/**
 * Days closed, for the whole municipality (`departmentId` null: public holidays, every
 * department) or for one department. Tenant-wide changes reach every department's page.
 */

export function toAdminClosure(row: ClosureRow): AdminClosure {
  return { id: row.id, from: row.startsOn, to: row.endsOn, reason: row.reason ?? null, departmentId: row.departmentId };
}

const reach = async (ctx: OrgCtx, tenantId: string, departmentId: string | null) =>
  departmentId ? [departmentId] : liveDepartmentIds(ctx.db, tenantId);

export async function listClosuresForAdmin(
  ctx: Pick<OrgCtx, 'db'>,
  tenant: TenantRow,
  departmentId: string | null,
): Promise<AdminClosure[]> {
  return (await listScopedClosures(ctx.db, tenant.id, departmentId)).map(toAdminClosure);
}

/**
 * Adds a closure. Booked appointments on its days are not left silently on a closed day (issue 15:
 * changes never break a booking): as for a clerk's hours, the closure is refused with 409
 * `availability_collision` and their list unless `values.resolutions` says for each whether to
 * move, cancel (the citizen gets the e-mail) or keep it; all or nothing, under the schedule lock
 * of every department it closes (availability.service.ts `changeSchedules`).
 */
export async function addClosure(
  ctx: OrgCtx,
  actor: OrgActor,
  tenant: TenantRow,
  departmentId: string | null,
  values: ClosureCreate,
): Promise<AdminClosure> {
  const closed = await reach(ctx, tenant.id, departmentId);
  const days = dayRange(parseCivilDate(values.from), parseCivilDate(values.to), tenant.timeZone);
  const { value: row } = await changeSchedules(ctx, {
    departmentIds: closed,
    // The route let this admin close these departments: they administer them.
    changer: {
      staffId: actor.actorStaffId ?? '',
      administered: new Set(closed),
      mayResolve: actor.actorStaffId !== null,
    },
    resolutions: values.resolutions,
    reasonFor: () => values.reason,
    hits: (tx) => bookedAppointments(tx, ctx.now, { departmentIds: closed, startingIn: [days] }),
    write: async (tx, hits) => {
      const [inserted] = await addClosures(tx, tenant.id, departmentId, [values]);
      await auditChange(tx, ctx, actor, {
        tenantId: tenant.id,
        departmentId,
        action: 'closure.added',
        data: { closureId: inserted!.id, from: values.from, to: values.to, collisions: hits.length },
      });
      return inserted!;
    },
  });
  await announce(ctx, closed);
  return toAdminClosure(row);
}

/** Removes a closure of this scope; another scope's (or another municipality's) is not found. */
export async function removeClosure(
  ctx: OrgCtx,
  actor: OrgActor,
  tenant: TenantRow,
  departmentId: string | null,
  closureId: string,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await deleteScopedClosure(tx, tenant.id, departmentId, closureId);
    if (!row) throw new AppError('entry_not_found');
    await auditChange(tx, ctx, actor, {
      tenantId: tenant.id,
      departmentId,
      action: 'closure.removed',
      data: { closureId, from: row.startsOn, to: row.endsOn },
    });
  });
  await announce(ctx, await reach(ctx, tenant.id, departmentId));
}

/**
 * Adds the public holidays of `year` in the municipality's state as tenant-wide closures. A day
 * already covered by a tenant-wide closure is left alone, so prefilling twice adds nothing and
 * a holiday the admin removed on purpose comes back only when they prefill again. Booked
 * appointments on the holidays added are handled as for one closure (`addClosure`): 409 with
 * their list unless `resolutions` says for each whether to move, cancel or keep it; all or nothing.
 */
export async function prefillHolidays(
  ctx: OrgCtx,
  actor: OrgActor,
  tenant: TenantRow,
  year: number,
  resolutions?: Resolutions,
): Promise<HolidayPrefillResult> {
  const state = StateCodeSchema.safeParse(tenant.stateCode).data ?? 'NW';
  const closed = await reach(ctx, tenant.id, null);
  // The holidays not yet closed, read under the locks (in `hits`) and written in `write`.
  let missing: { day: string; name: LocalizedText }[] = [];
  const { value: added } = await changeSchedules(ctx, {
    departmentIds: closed,
    changer: {
      staffId: actor.actorStaffId ?? '',
      administered: new Set(closed),
      mayResolve: actor.actorStaffId !== null,
    },
    resolutions,
    // The holiday of the appointment's day, in the municipality's time zone.
    reasonFor: (appointment) =>
      missing.find(({ day }) => day === formatCivilDate(zonedParts(appointment.startsAt, tenant.timeZone)))?.name ??
      null,
    hits: async (tx) => {
      await lockTenant(tx, tenant.id);
      const existing = await listScopedClosures(tx, tenant.id, null);
      const covered = (day: string) => existing.some((c) => c.startsOn <= day && day <= c.endsOn);
      missing = stateHolidays(state, year)
        .map((holiday) => ({ day: formatCivilDate(holiday.date), name: holiday.name }))
        .filter(({ day }) => !covered(day));
      const days = missing.map(({ day }) => dayRange(parseCivilDate(day), parseCivilDate(day), tenant.timeZone));
      return bookedAppointments(tx, ctx.now, { departmentIds: closed, startingIn: days });
    },
    write: async (tx, hits) => {
      const rows = await addClosures(
        tx,
        tenant.id,
        null,
        missing.map(({ day, name }) => ({ from: day, to: day, reason: name })),
      );
      if (rows.length > 0) {
        await auditChange(tx, ctx, actor, {
          tenantId: tenant.id,
          action: 'closure.holidays_prefilled',
          data: { year, stateCode: state, added: rows.length, collisions: hits.length },
        });
      }
      return rows;
    },
  });
  if (added.length > 0) await announce(ctx, closed);
  return { added: added.length, closures: added.map(toAdminClosure) };
}
