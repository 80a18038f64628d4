import { StateCodeSchema, LocaleSchema, type TenantSettings, type TenantSettingsUpdate } from '@amtsraum/shared';
import { AppError } from '../../lib/errors.js';
import { publishRolesChanged } from '../../lib/event-bus.js';
import type { TenantRow } from '../directory/directory.repo.js';
import { announce, auditChange, changedFields, type OrgActor, type OrgCtx } from './org-ctx.js';
import { liveDepartmentIds, tenantMemberStaffIds } from './organisation.repo.js';
import { writeTenant } from './write-organisation.js';

/** A municipality's settings as its admin edits them. */
export function toTenantSettings(row: TenantRow): TenantSettings {
  return {
    slug: row.slug,
    name: row.name,
    logoUrl: row.logoUrl,
    brandColor: row.brandColor,
    timeZone: row.timeZone,
    locales: row.locales.flatMap((code) => LocaleSchema.safeParse(code).data ?? []),
    contact: row.contact,
    stateCode: StateCodeSchema.safeParse(row.stateCode).data ?? 'NW',
  };
}

/**
 * Changes what `values` gives; every department's page hears of it (name, logo, colour and time
 * zone show there), and a new name reaches the staff homes of everyone working in one of its
 * offices (each office is listed with its municipality's name). Audited as `tenant.updated` with
 * the changed field names.
 */
export async function updateTenantSettings(
  ctx: OrgCtx,
  actor: OrgActor,
  tenant: TenantRow,
  values: TenantSettingsUpdate,
): Promise<TenantSettings> {
  const fields = changedFields(toTenantSettings(tenant), values);
  if (fields.length === 0) return toTenantSettings(tenant);
  const updated = await ctx.db.transaction(async (tx) => {
    const row = await writeTenant(tx, { id: tenant.id }, values);
    if (!row) throw new AppError('tenant_not_found');
    await auditChange(tx, ctx, actor, {
      tenantId: tenant.id,
      action: 'tenant.updated',
      data: { tenantId: tenant.id, fields: fields.join(',') },
    });
    return row;
  });
  await announce(ctx, await liveDepartmentIds(ctx.db, tenant.id));
  if (fields.includes('name')) await publishRolesChanged(ctx.events, await tenantMemberStaffIds(ctx.db, tenant.id));
  return toTenantSettings(updated);
}
