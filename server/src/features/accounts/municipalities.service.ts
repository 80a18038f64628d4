import { TAKEN_MESSAGES, type InstallationTenant, type TenantCreateRequest } from '@amtsraum/shared';
import { asc, count, eq, isNotNull, isNull, and } from 'drizzle-orm';
import type { Ctx } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { departments, staff, tenants } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { TenantRow } from '../directory/directory.repo.js';
import { writeTenant } from '../organisation/write-organisation.js';
import { endSessions } from '../staff/auth.service.js';
import type { StaffRow } from '../staff/staff.repo.js';
import { createInvitedStaff, LOCK_OUT, lockOut } from './staff-admin.service.js';

/**
 * The installation admin's municipalities (issue 15): a regional IT provider creates one with its
 * first admin, who is invited by e-mail, and archives one that leaves (no pages, no sign-in; the
 * data stays). Audited in the municipality concerned.
 */

const slugTaken = () => new AppError('conflict', { errors: [{ path: 'slug', message: TAKEN_MESSAGES.slug }] });

function toView(row: TenantRow, staffCount: number): InstallationTenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timeZone: row.timeZone,
    stateCode: row.stateCode,
    defaultLocale: row.defaultLocale,
    archived: row.archivedAt !== null,
    staffCount,
  };
}

async function staffCounts(db: Db) {
  const rows = await db
    .select({ tenantId: staff.tenantId, n: count() })
    .from(staff)
    .where(eq(staff.active, true))
    .groupBy(staff.tenantId);
  return new Map(rows.map((row) => [row.tenantId, row.n]));
}

export async function listMunicipalities(db: Db): Promise<InstallationTenant[]> {
  const rows = await db.select().from(tenants).orderBy(asc(tenants.name));
  const counts = await staffCounts(db);
  return rows.map((row) => toView(row, counts.get(row.id) ?? 0));
}

export async function createMunicipality(
  ctx: Pick<Ctx, 'db' | 'config' | 'now'>,
  actor: StaffRow,
  request: TenantCreateRequest,
): Promise<InstallationTenant> {
  const tenant = await ctx.db.transaction(async (tx) => {
    const row = await writeTenant(
      tx,
      { slug: request.slug, ifTaken: 'refuse' },
      {
        name: request.name,
        timeZone: request.timeZone,
        stateCode: request.stateCode,
        defaultLocale: request.defaultLocale,
      },
    );
    // Taken, archived municipalities included: their old links must not lead somewhere new.
    if (!row) throw slugTaken();
    await insertAudit(tx, {
      tenantId: row.id,
      actorKind: 'staff',
      actorStaffId: actor.id,
      action: 'tenant.created',
      data: { tenantId: row.id },
    });
    await createInvitedStaff(ctx, tx, {
      tenant: row,
      actor,
      request: { ...request.admin, languages: [request.defaultLocale], isTenantAdmin: true, roles: [] },
      emailPath: 'admin.email',
    });
    return row;
  });
  return toView(tenant, 1);
}

/**
 * Archives or restores a municipality. Archiving ends every session of its staff at once (their
 * consoles close) and tells the live hubs, whose door pages re-read and find nothing. The acting
 * admin's own municipality cannot be archived: they would lock themself out.
 */
export async function setMunicipalityArchived(
  ctx: Pick<Ctx, 'db' | 'events' | 'now'>,
  actor: StaffRow,
  tenantId: string,
  archived: boolean,
): Promise<InstallationTenant> {
  if (archived && tenantId === actor.tenantId) throw lockOut('tenantId', LOCK_OUT.municipality);
  const row = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(tenants)
      .set({ archivedAt: archived ? ctx.now : null })
      .where(and(eq(tenants.id, tenantId), archived ? isNull(tenants.archivedAt) : isNotNull(tenants.archivedAt)))
      .returning();
    if (!updated) {
      const [current] = await tx.select().from(tenants).where(eq(tenants.id, tenantId)).limit(1);
      if (!current) throw new AppError('tenant_not_found');
      return current;
    }
    await insertAudit(tx, {
      tenantId,
      actorKind: 'staff',
      actorStaffId: actor.id,
      action: archived ? 'tenant.archived' : 'tenant.unarchived',
      data: { tenantId },
    });
    return updated;
  });
  if (archived) {
    const people = await ctx.db.select({ id: staff.id }).from(staff).where(eq(staff.tenantId, tenantId));
    for (const person of people) await endSessions(ctx, { staffId: person.id });
  }
  const departmentRows = await ctx.db
    .select({ id: departments.id })
    .from(departments)
    .where(eq(departments.tenantId, tenantId));
  await ctx.events.publishAll(departmentRows.map(({ id }) => ({ departmentId: id, context: true })));
  return toView(row, (await staffCounts(ctx.db)).get(row.id) ?? 0);
}
