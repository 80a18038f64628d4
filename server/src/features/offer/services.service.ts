import {
  ONSITE_LOCATION_FIRST,
  type AdminService,
  type AdminServicesResponse,
  type CreateService,
  type ServiceInput,
} from '@amtsraum/shared';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Ctx } from '../../deps.js';
import { services } from '../../db/schema.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { DepartmentRow, ServiceRow, TenantRow } from '../directory/directory.repo.js';
import { writeService } from './write-service.js';

/**
 * A department's services as its admin keeps them (issue 15, item 2). Plain functions over `ctx`
 * and validated values, so that the installation file can call them as the screens do. Archiving
 * keeps the row (existing bookings name it); an archived service is no longer bookable nor offered
 * at the knock.
 */

export type OfferCtx = Pick<Ctx, 'db' | 'events' | 'now'>;
/** Who changes it, for the audit trail; null: the installation file. */
export type ActorId = string | null;

import type { OfficeScope } from '../directory/directory.repo.js';
export type { OfficeScope };

export function toAdminService(row: ServiceRow): AdminService {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description ?? null,
    durationMinutes: row.durationMinutes,
    extraMinutesPerPerson: row.extraMinutesPerPerson,
    documents: row.documents,
    bookable: row.bookable,
    knockable: row.knockable,
    maxPersons: row.maxPersons,
    keywords: row.keywords as Record<string, string[]>,
    onlineUrl: row.onlineUrl,
    channels: row.channels,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    sortOrder: row.sortOrder,
  };
}

export async function listAdminServices(db: Db, office: OfficeScope): Promise<AdminServicesResponse> {
  const rows = await db
    .select()
    .from(services)
    .where(eq(services.departmentId, office.department.id))
    .orderBy(sql`${services.archivedAt} is not null`, asc(services.sortOrder), asc(services.slug));
  return {
    locales: office.tenant.locales,
    departmentMaxPersons: office.department.maxPersonsPerBooking,
    onsiteReady: office.department.onsiteLocation !== null,
    services: rows.map(toAdminService),
  };
}

/** Texts only in the languages the municipality offers: a text in another would never be shown. */
function checkLanguages(tenant: TenantRow, input: ServiceInput): void {
  const offered = new Set(tenant.locales);
  const check = (path: string, keys: string[]) => {
    const stray = keys.find((key) => !offered.has(key));
    if (stray) throw invalidField(`${path}.${stray}`, 'a language the municipality does not offer');
  };
  check('name', Object.keys(input.name));
  if (input.description) check('description', Object.keys(input.description));
  input.documents.forEach((document, i) => check(`documents.${i}`, Object.keys(document)));
  check('keywords', Object.keys(input.keywords));
  if (!input.bookable && !input.knockable) {
    throw invalidField('bookable', 'a service must be bookable or offered at the knock');
  }
  if (input.maxPersons !== null && input.maxPersons > 20) throw invalidField('maxPersons', 'at most 20 persons');
}

/** On site needs somewhere to go: the department's on-site location comes first (issue 16). */
export function checkOnsiteLocation(department: Pick<DepartmentRow, 'onsiteLocation'>, input: ServiceInput): void {
  if (input.channels && input.channels !== 'video' && !department.onsiteLocation) {
    throw invalidField('channels', ONSITE_LOCATION_FIRST);
  }
}

/** Names of the fields that differ, for the audit entry (names only, never the texts). */
function changedFields(before: ServiceRow, input: ServiceInput): string {
  return (Object.keys(input) as (keyof ServiceInput)[])
    .filter((key) => JSON.stringify(before[key] ?? null) !== JSON.stringify(input[key] ?? null))
    .join(',');
}

/** Tells the department's live pages and the slot caches that its offer changed. */
export async function announceOffer(ctx: Pick<Ctx, 'events'>, departmentId: string): Promise<void> {
  await ctx.events.publish({ departmentId, context: true });
}

export async function createService(
  ctx: OfferCtx,
  office: OfficeScope,
  input: CreateService,
  actor: ActorId,
): Promise<AdminService> {
  checkLanguages(office.tenant, input);
  checkOnsiteLocation(office.department, input);
  const { slug, ...values } = input;
  const row = await ctx.db.transaction(async (tx) => {
    const [last] = await tx
      .select({ max: sql<number | null>`max(${services.sortOrder})` })
      .from(services)
      .where(eq(services.departmentId, office.department.id));
    const created = await writeService(tx, { departmentId: office.department.id, slug, ifTaken: 'refuse' }, values, {
      sortOrder: (last?.max ?? -1) + 1,
      createdAt: ctx.now,
    });
    if (!created) throw invalidField('slug', 'another service already has this address');
    await insertAudit(tx, {
      tenantId: office.tenant.id,
      departmentId: office.department.id,
      actorKind: actor ? 'staff' : 'system',
      actorStaffId: actor,
      action: 'service.created',
      data: { serviceId: created.id },
      createdAt: ctx.now,
    });
    return created;
  });
  await announceOffer(ctx, office.department.id);
  return toAdminService(row);
}

async function findService(db: Db, departmentId: string, serviceId: string): Promise<ServiceRow> {
  const [row] = await db
    .select()
    .from(services)
    .where(and(eq(services.id, serviceId), eq(services.departmentId, departmentId)))
    .limit(1);
  if (!row) throw new AppError('entry_not_found', { internal: 'service not in this department' });
  return row;
}

export async function updateService(
  ctx: OfferCtx,
  office: OfficeScope,
  serviceId: string,
  input: ServiceInput,
  actor: ActorId,
): Promise<AdminService> {
  checkLanguages(office.tenant, input);
  checkOnsiteLocation(office.department, input);
  const row = await ctx.db.transaction(async (tx) => {
    const before = await findService(tx, office.department.id, serviceId);
    const updated = await writeService(tx, { departmentId: office.department.id, id: serviceId }, input);
    await insertAudit(tx, {
      tenantId: office.tenant.id,
      departmentId: office.department.id,
      actorKind: actor ? 'staff' : 'system',
      actorStaffId: actor,
      action: 'service.updated',
      data: { serviceId, fields: changedFields(before, input) },
      createdAt: ctx.now,
    });
    return updated!;
  });
  await announceOffer(ctx, office.department.id);
  return toAdminService(row);
}

/** Archives (or with `archived: false` restores) a service; bookings made stay as they are. */
export async function setServiceArchived(
  ctx: OfferCtx,
  office: OfficeScope,
  serviceId: string,
  archived: boolean,
  actor: ActorId,
): Promise<AdminService> {
  const row = await ctx.db.transaction(async (tx) => {
    const before = await findService(tx, office.department.id, serviceId);
    if (Boolean(before.archivedAt) === archived) return before;
    const [updated] = await tx
      .update(services)
      .set({ archivedAt: archived ? ctx.now : null })
      .where(and(eq(services.id, serviceId), eq(services.departmentId, office.department.id)))
      .returning();
    await insertAudit(tx, {
      tenantId: office.tenant.id,
      departmentId: office.department.id,
      actorKind: actor ? 'staff' : 'system',
      actorStaffId: actor,
      action: archived ? 'service.archived' : 'service.restored',
      data: { serviceId },
      createdAt: ctx.now,
    });
    return updated!;
  });
  await announceOffer(ctx, office.department.id);
  return toAdminService(row);
}

/** Puts the department's services in the order of `ids`, which must name each of them once. */
export async function reorderServices(
  ctx: OfferCtx,
  office: OfficeScope,
  ids: string[],
  actor: ActorId,
): Promise<AdminServicesResponse> {
  await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: services.id })
      .from(services)
      .where(eq(services.departmentId, office.department.id));
    const known = new Set(rows.map((row) => row.id));
    if (new Set(ids).size !== ids.length || ids.length !== known.size || ids.some((id) => !known.has(id))) {
      throw invalidField('ids', "the list must name each of the department's services once");
    }
    for (const [sortOrder, id] of ids.entries()) {
      await tx
        .update(services)
        .set({ sortOrder })
        .where(and(eq(services.id, id), eq(services.departmentId, office.department.id)));
    }
    await insertAudit(tx, {
      tenantId: office.tenant.id,
      departmentId: office.department.id,
      actorKind: actor ? 'staff' : 'system',
      actorStaffId: actor,
      action: 'service.reordered',
      data: { services: ids.length },
      createdAt: ctx.now,
    });
  });
  await announceOffer(ctx, office.department.id);
  return listAdminServices(ctx.db, office);
}
