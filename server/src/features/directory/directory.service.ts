import {
  addDays,
  formatCivilDate,
  LocaleSchema,
  openingStatus,
  startOfDay,
  zonedParts,
  type BookableService,
  type Closure,
  type DepartmentResponse,
  type DepartmentSummary,
  type DoorStatus,
  type InstallationResponse,
  type TenantResponse,
  type TenantSummary,
} from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { revisionOf } from '../../lib/revision.js';
import {
  closuresFor,
  findDepartment,
  findTenantBySlug,
  listClosures,
  listDepartments,
  listServices,
  listTenants,
  type ClosureRow,
  type DepartmentRow,
  type ServiceRow,
  type TenantRow,
} from './directory.repo.js';

/** The public directory: municipalities, their departments, doors and services. */

export function toTenantSummary(row: TenantRow): TenantSummary {
  return {
    slug: row.slug,
    name: row.name,
    timeZone: row.timeZone,
    defaultLocale: LocaleSchema.safeParse(row.defaultLocale).data ?? 'de',
    brandColor: row.brandColor,
    logoUrl: row.logoUrl,
  };
}

/** A service as public pages show it (the booking page without the bookable/knockable flags). */
export function toBookableService(row: ServiceRow): BookableService {
  return {
    slug: row.slug,
    name: row.name,
    description: row.description ?? null,
    durationMinutes: row.durationMinutes,
    extraMinutesPerPerson: row.extraMinutesPerPerson,
    documents: row.documents,
    onlineUrl: row.onlineUrl,
    maxPersons: row.maxPersons,
    channels: row.channels,
  };
}

export function toClosure(row: ClosureRow): Closure {
  return { from: row.startsOn, to: row.endsOn, reason: row.reason ?? null };
}

/**
 * A clerk's door setting holds for the day it was made (in the tenant's zone); the next morning
 * the opening hours rule again, so a door left open at night does not stay open.
 */
export function activeDoorOverride(department: DepartmentRow, timeZone: string, now: Date) {
  if (!department.doorOverride || !department.doorOverrideAt) return null;
  const setOn = formatCivilDate(zonedParts(department.doorOverrideAt, timeZone));
  return setOn === formatCivilDate(zonedParts(now, timeZone)) ? department.doorOverride : null;
}

/**
 * How long nobody may be on duty before an open door stops taking knocks: a clerk reloading the
 * console, or walking from a call back to the queue, is not "gone". See
 * docs/decisions/017-a-door-nobody-attends.md.
 */
export const UNATTENDED_GRACE_MS = 60_000;

/**
 * Whether nobody has been on duty for longer than the grace period, by the attendance job's stamp
 * (`unattended_since`). `onDutyNow`, when the caller counted it, overrides a stamp not yet cleared:
 * a clerk who just opened the console attends the door at once.
 */
export function isUnattended(department: DepartmentRow, now: Date, onDutyNow?: number): boolean {
  if (onDutyNow !== undefined && onDutyNow > 0) return false;
  const since = department.unattendedSince;
  return since !== null && now.getTime() - since.getTime() >= UNATTENDED_GRACE_MS;
}

/**
 * The door as a citizen meets it: a clerk's setting for today wins over the opening hours (or, with
 * `doorPolicy` 'manual', over a door closed until a clerk opens it); a door
 * not closed says when nobody is on duty (`onDutyNow`: clerks counted just now, if known).
 */
export function doorStatus(
  department: DepartmentRow,
  closureRows: ClosureRow[],
  timeZone: string,
  now: Date,
  onDutyNow?: number,
): DoorStatus {
  const closureList = closureRows.map(toClosure);
  const hours = openingStatus(department.openingHours, closureList, now, timeZone);
  const override = activeDoorOverride(department, timeZone, now);
  // `manual` (issue 15): closed unless a clerk opened it today; an archived department is closed
  // for good, also to pages that were open when it was archived.
  const byPolicy = department.doorPolicy === 'manual' ? 'closed' : hours.openNow ? 'open' : 'closed';
  const state = department.archivedAt ? 'closed' : (override ?? byPolicy);
  // A manual door opens when a clerk opens it: no time to promise.
  const promises = department.doorPolicy !== 'manual' && !department.archivedAt;
  let nextOpening = promises ? hours.nextOpening : null;
  const today = formatCivilDate(zonedParts(now, timeZone));
  const opensLaterToday =
    hours.nextOpening !== null && formatCivilDate(zonedParts(hours.nextOpening, timeZone)) === today;
  if (override === 'closed' && promises && (hours.openNow || opensLaterToday)) {
    // Closed by a clerk for the rest of today: the next opening is on a later day.
    const tomorrow = startOfDay(addDays(zonedParts(now, timeZone), 1), timeZone);
    const later = openingStatus(department.openingHours, closureList, tomorrow, timeZone);
    nextOpening = later.openNow ? tomorrow : later.nextOpening;
  }
  return {
    state,
    openByHours: hours.openNow,
    closesAt: state === 'open' ? (hours.closesAt?.toISOString() ?? null) : null,
    nextOpening: state === 'open' ? null : (nextOpening?.toISOString() ?? null),
    unattended: state !== 'closed' && isUnattended(department, now, onDutyNow),
  };
}

function toDepartmentSummary(
  row: DepartmentRow,
  closureRows: ClosureRow[],
  timeZone: string,
  now: Date,
): DepartmentSummary {
  return {
    slug: row.slug,
    name: row.name,
    nameForms: row.nameForms,
    description: row.description,
    door: doorStatus(row, closuresFor(closureRows, row.id), timeZone, now),
  };
}

export function todayIn(timeZone: string, now: Date): string {
  return formatCivilDate(zonedParts(now, timeZone));
}

export async function getInstallation(db: Db): Promise<InstallationResponse> {
  return { tenants: (await listTenants(db)).map(toTenantSummary) };
}

async function requireTenant(db: Db, slug: string): Promise<TenantRow> {
  const tenant = await findTenantBySlug(db, slug);
  if (!tenant) throw new AppError('tenant_not_found');
  return tenant;
}

export async function getTenantPage(db: Db, options: { tenantSlug: string; now: Date }): Promise<TenantResponse> {
  const tenant = await requireTenant(db, options.tenantSlug);
  const [departmentRows, closureRows] = await Promise.all([
    listDepartments(db, tenant.id),
    listClosures(db, tenant.id, todayIn(tenant.timeZone, options.now)),
  ]);
  return {
    tenant: toTenantSummary(tenant),
    departments: departmentRows.map((row) => toDepartmentSummary(row, closureRows, tenant.timeZone, options.now)),
  };
}

export async function getDepartmentPage(
  db: Db,
  options: { tenantSlug: string; departmentSlug: string; now: Date },
): Promise<DepartmentResponse> {
  const tenant = await requireTenant(db, options.tenantSlug);
  const department = await findDepartment(db, tenant.id, options.departmentSlug);
  if (!department) throw new AppError('department_not_found');
  const [serviceRows, closureRows] = await Promise.all([
    listServices(db, department.id),
    listClosures(db, tenant.id, todayIn(tenant.timeZone, options.now)),
  ]);
  const details = departmentDetails(tenant, department, serviceRows, closureRows);
  return {
    tenant: details.tenant,
    department: {
      ...details.department,
      door: doorStatus(department, closuresFor(closureRows, department.id), tenant.timeZone, options.now),
    },
    revision: revisionOf(details),
  };
}

/**
 * Everything the department page shows except its door, which changes by the minute and is
 * pushed on its own. `closureRows`: the tenant's closures from today on.
 */
function departmentDetails(
  tenant: TenantRow,
  department: DepartmentRow,
  serviceRows: ServiceRow[],
  closureRows: ClosureRow[],
) {
  return {
    tenant: toTenantSummary(tenant),
    department: {
      slug: department.slug,
      name: department.name,
      nameForms: department.nameForms,
      description: department.description,
      contact: department.contact,
      openingHours: department.openingHours,
      closures: closuresFor(closureRows, department.id).map(toClosure),
      services: serviceRows.map((service) => ({
        ...toBookableService(service),
        bookable: service.bookable,
        knockable: service.knockable,
      })),
      onsiteLocation: department.onsiteLocation ?? null,
    },
  };
}

/**
 * The revision of what the department page shows beside its door (`DepartmentResponse.revision`):
 * the live hub sends it with every door message, and an open page reads its details again only when
 * it differs. The same rows give the same revision in every process.
 */
export function departmentRevision(
  tenant: TenantRow,
  department: DepartmentRow,
  serviceRows: ServiceRow[],
  closureRows: ClosureRow[],
): string {
  return revisionOf(departmentDetails(tenant, department, serviceRows, closureRows));
}

/** Whether `/<tenant>` or `/<tenant>/<department>` names something, for the page's HTTP status. */
export async function pathExists(db: Db, tenantSlug: string, departmentSlug?: string): Promise<boolean> {
  const tenant = await findTenantBySlug(db, tenantSlug);
  if (!tenant) return false;
  if (departmentSlug === undefined) return true;
  return (await findDepartment(db, tenant.id, departmentSlug)) !== undefined;
}
