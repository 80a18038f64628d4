import {
  DoorPolicySchema,
  ONSITE_LOCATION_IN_USE,
  WEEKDAY_KEYS,
  type AdminDepartment,
  type ArchivePreview,
  type ArchiveRequest,
  type ArchiveResult,
  type DepartmentCreate,
  type DepartmentUpdate,
  type OpeningHours,
} from '@amtsraum/shared';
import { AppError } from '../../lib/errors.js';
import { publishRolesChanged } from '../../lib/event-bus.js';
import { cancelForDepartment } from '../appointments/cancel.js';
import type { DepartmentRow, TenantRow } from '../directory/directory.repo.js';
import { decline } from '../visits/visit-states.js';
import { announce, auditChange, changedFields, type OrgActor, type OrgCtx } from './org-ctx.js';
import {
  listTenantDepartments,
  lockDepartment,
  markDepartmentArchived,
  memberStaffIds,
  countOnsiteServices,
  nextSortOrder,
  openAppointments,
  waitingVisitIds,
} from './organisation.repo.js';
import { writeDepartment } from './write-organisation.js';

export function toAdminDepartment(row: DepartmentRow): AdminDepartment {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    nameForms: row.nameForms,
    contact: row.contact,
    openingHours: row.openingHours,
    doorPolicy: DoorPolicySchema.safeParse(row.doorPolicy).data ?? 'hours',
    queueCap: row.queueCap,
    avgHandlingMinutes: row.avgHandlingMinutes,
    onsiteLocation: row.onsiteLocation ?? null,
    kioskWalkIns: row.kioskWalkIns,
    checkInOpensMinutesBefore: row.checkInOpensMinutesBefore,
    archivedAt: row.archivedAt?.toISOString() ?? null,
  };
}

/** A new department has no hours until its admin enters them: its door stays closed. */
const NO_HOURS = Object.fromEntries(WEEKDAY_KEYS.map((day) => [day, []])) as unknown as OpeningHours;

/** Every department of the municipality, archived ones too (marked), for its admin. */
export async function listDepartmentsForAdmin(ctx: Pick<OrgCtx, 'db'>, tenant: TenantRow): Promise<AdminDepartment[]> {
  return (await listTenantDepartments(ctx.db, tenant.id)).map(toAdminDepartment);
}

/** Creates a department (`department.created`); 409 with the field when the slug is taken. */
export async function createDepartment(
  ctx: OrgCtx,
  actor: OrgActor,
  tenant: TenantRow,
  values: DepartmentCreate,
): Promise<AdminDepartment> {
  const row = await ctx.db.transaction(async (tx) => {
    const { slug, ...fields } = values;
    const inserted = await writeDepartment(
      tx,
      { tenantId: tenant.id, slug, ifTaken: 'refuse' },
      {
        ...fields,
        description: values.description ?? { de: values.name.de },
        nameForms: values.nameForms ?? {},
        contact: values.contact ?? {},
        openingHours: values.openingHours ?? NO_HOURS,
        doorPolicy: values.doorPolicy ?? 'hours',
      },
      { sortOrder: await nextSortOrder(tx, tenant.id) },
    );
    if (!inserted) return null;
    await auditChange(tx, ctx, actor, {
      tenantId: tenant.id,
      departmentId: inserted.id,
      action: 'department.created',
      data: { departmentId: inserted.id },
    });
    return inserted;
  });
  if (!row) {
    // An archived department keeps its slug: its old links must not lead somewhere new.
    throw new AppError('conflict', { errors: [{ path: 'slug', message: 'this address is already taken' }] });
  }
  return toAdminDepartment(row);
}

/** Changes what `values` gives (`department.updated` with the field names); the door page hears of it. */
export async function updateDepartment(
  ctx: OrgCtx,
  actor: OrgActor,
  found: { tenant: TenantRow; department: DepartmentRow },
  values: DepartmentUpdate,
): Promise<AdminDepartment> {
  const { tenant, department } = found;
  if (department.archivedAt) throw new AppError('conflict', { internal: 'department archived' });
  const fields = changedFields(toAdminDepartment(department), values);
  if (fields.length === 0) return toAdminDepartment(department);
  const row = await ctx.db.transaction(async (tx) => {
    // On-site services need somewhere to send people: the location stays until they are video only.
    if (values.onsiteLocation === null && (await countOnsiteServices(tx, department.id)) > 0) {
      throw new AppError('validation_failed', {
        errors: [{ path: 'onsiteLocation', message: ONSITE_LOCATION_IN_USE }],
      });
    }
    const updated = await writeDepartment(tx, { tenantId: tenant.id, id: department.id }, values);
    if (!updated) throw new AppError('conflict', { internal: 'department archived' });
    await auditChange(tx, ctx, actor, {
      tenantId: tenant.id,
      departmentId: department.id,
      action: 'department.updated',
      data: { departmentId: department.id, fields: fields.join(',') },
    });
    return updated;
  });
  await announce(ctx, [department.id]);
  if (fields.includes('name')) await tellMembers(ctx, department.id);
  return toAdminDepartment(row);
}

/**
 * The staff homes of the department's members show its name, or lose it when it is archived: each
 * is told its offices changed (`rolesChanged`, whose key covers the names) and loads them again.
 */
async function tellMembers(ctx: OrgCtx, departmentId: string): Promise<void> {
  await publishRolesChanged(ctx.events, await memberStaffIds(ctx.db, departmentId));
}

export async function archivePreview(
  ctx: Pick<OrgCtx, 'db' | 'now'>,
  department: DepartmentRow,
  timeZone: string,
): Promise<ArchivePreview> {
  const [waiting, booked] = await Promise.all([
    waitingVisitIds(ctx.db, department.id),
    openAppointments(ctx.db, department.id, ctx.now),
  ]);
  return {
    waiting: waiting.length,
    appointments: booked.map((a) => ({ id: a.id, startsAt: a.startsAt.toISOString() })),
    affected: waiting.length + booked.length,
    timeZone,
  };
}

/** What the waiting citizens read when the admin wrote nothing. */
const DEFAULT_NOTE =
  'Dieses Amt bietet den virtuellen Besuch nicht mehr an. This office no longer offers virtual visits.';

/**
 * Archives a department (issue 15: nobody vanishes silently). The admin confirms how many
 * citizens it affects, as the preview showed; a different number now (someone knocked or booked
 * meanwhile) refuses with 409 and changes nothing. Once archived, no knock or booking gets in
 * (the directory no longer finds it); then each waiting visit is declined through the visit
 * transitions with the note the citizen sees, and each booked appointment still to come is
 * cancelled through the appointments' cancel path, which sends the citizen the e-mail.
 */
export async function archiveDepartment(
  ctx: OrgCtx,
  actor: OrgActor & { actorStaffId: string },
  found: { tenant: TenantRow; department: DepartmentRow },
  request: ArchiveRequest,
): Promise<ArchiveResult> {
  const { tenant, department } = found;
  await ctx.db.transaction(async (tx) => {
    const locked = await lockDepartment(tx, department.id);
    if (!locked || locked.archivedAt) throw new AppError('conflict', { internal: 'department archived' });
    const preview = await archivePreview({ db: tx, now: ctx.now }, locked, tenant.timeZone);
    if (preview.affected !== request.confirmAffected) {
      throw new AppError('conflict', {
        internal: `${preview.affected} affected, ${request.confirmAffected} confirmed`,
        errors: [{ path: 'confirmAffected', message: `${preview.affected} citizens are affected now` }],
      });
    }
    await markDepartmentArchived(tx, tenant.id, department.id, ctx.now);
    await auditChange(tx, ctx, actor, {
      tenantId: tenant.id,
      departmentId: department.id,
      action: 'department.archived',
      data: { departmentId: department.id, waiting: preview.waiting, appointments: preview.appointments.length },
    });
  });
  // Its members first: the hub checks their roles before it tells anyone of the office, so an open
  // console hears that it closed, not the office's news (which its page would answer with requests
  // now refused).
  await tellMembers(ctx, department.id);
  await announce(ctx, [department.id]);

  const note = request.note || DEFAULT_NOTE;
  let declined = 0;
  for (const visitId of await waitingVisitIds(ctx.db, department.id)) {
    const row = await decline(ctx.db, { departmentId: department.id, visitId, note, now: ctx.now });
    if (!row) continue;
    declined++;
    await ctx.events.publish({
      departmentId: department.id,
      visitId,
      moved: { to: 'declined', at: ctx.now.toISOString() },
    });
    await auditChange(ctx.db, ctx, actor, {
      tenantId: tenant.id,
      departmentId: department.id,
      action: 'visit.declined',
      data: { visitId, withNote: true, departmentArchived: true },
    });
  }
  let cancelled = 0;
  for (const appointment of await openAppointments(ctx.db, department.id, ctx.now)) {
    const done = await cancelForDepartment(ctx, {
      departmentId: department.id,
      appointmentId: appointment.id,
      staffId: actor.actorStaffId,
      note: request.note,
    });
    if (done) cancelled++;
  }
  return { declined, cancelled };
}
