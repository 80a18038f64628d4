import type { IdentityProvider, IdentityProviderInputSchema, IdentityProviderSettings } from '@amtsraum/shared';
import type { z } from 'zod/mini';
import type { Ctx } from '../../deps.js';
import type { Config } from '../../config.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { CLIENT_SECRET_PURPOSE, seal } from '../../lib/secret-box.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { TenantRow } from '../directory/directory.repo.js';
import {
  deleteIdentityProvider,
  departmentIdsBySlug,
  findIdentityProvider,
  upsertIdentityProvider,
  type IdentityProviderRow,
} from './identity-provider.repo.js';
import { checkIssuerAtSave, PolicyRefused } from './oidc-policy.js';

type Input = z.output<typeof IdentityProviderInputSchema>;

/** Where the provider sends people back: registered there as the client's redirect URI. */
export function redirectUri(config: Config, tenantSlug: string): string {
  const base = config.publicBaseUrl.href.endsWith('/') ? config.publicBaseUrl.href : `${config.publicBaseUrl.href}/`;
  return new URL(`api/auth/oidc/${encodeURIComponent(tenantSlug)}/callback`, base).href;
}

/**
 * The issuer as the installation's policy allows it (decision 026): https and public addresses,
 * unless the installation allows internal providers; only listed hosts when it lists any. The
 * provider's answers carry who may administer the municipality, and the server fetches from it.
 */
async function checkIssuer(config: Config, issuer: string): Promise<void> {
  try {
    await checkIssuerAtSave(config.oidcPolicy, issuer);
  } catch (error) {
    if (!(error instanceof PolicyRefused)) throw error;
    throw error.problem === 'https'
      ? invalidField('issuer', 'the issuer must be an https address')
      : invalidField('issuer', 'this installation does not allow this issuer');
  }
}

export function describeProvider(config: Config, tenant: TenantRow, row: IdentityProviderRow): IdentityProvider {
  return {
    issuer: row.issuer,
    clientId: row.clientId,
    hasClientSecret: row.clientSecretSealed !== null,
    label: row.label,
    scopes: row.scopes,
    roleClaim: row.roleClaim,
    roleMapping: row.roleMapping,
    provisionAccounts: row.provisionAccounts,
    enabled: row.enabled,
    redirectUri: redirectUri(config, tenant.slug),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The settings, or null before the first save; the redirect URI in both cases (security.api.ts). */
export async function getIdentityProvider(
  ctx: Pick<Ctx, 'db' | 'config'>,
  tenant: TenantRow,
): Promise<IdentityProviderSettings> {
  const row = await findIdentityProvider(ctx.db, tenant.id);
  return {
    redirectUri: redirectUri(ctx.config, tenant.slug),
    provider: row ? describeProvider(ctx.config, tenant, row) : null,
  };
}

const FIELDS = [
  'issuer',
  'clientId',
  'label',
  'scopes',
  'roleClaim',
  'roleMapping',
  'provisionAccounts',
  'enabled',
] as const;

/** Saves the municipality's provider; a left-out client secret keeps the stored one. Audited by field names. */
export async function saveIdentityProvider(
  ctx: Pick<Ctx, 'db' | 'config' | 'now'>,
  options: { tenant: TenantRow; actorStaffId: string; input: Input },
): Promise<IdentityProvider> {
  const { tenant, input } = options;
  await checkIssuer(ctx.config, input.issuer);
  const slugs = [...new Set(input.roleMapping.flatMap((rule) => (rule.department ? [rule.department] : [])))];
  const known = await departmentIdsBySlug(ctx.db, tenant.id, slugs);
  const unknown = input.roleMapping.findIndex((rule) => rule.department !== undefined && !known.has(rule.department));
  if (unknown >= 0) {
    throw invalidField(
      `roleMapping.${String(unknown)}.department`,
      'this department does not exist in the municipality',
    );
  }
  return ctx.db.transaction(async (tx) => {
    const before = await findIdentityProvider(tx, tenant.id);
    const issuer = input.issuer.replace(/\/+$/, '');
    const row = await upsertIdentityProvider(tx, {
      tenantId: tenant.id,
      issuer,
      clientId: input.clientId,
      ...(input.clientSecret === undefined
        ? {}
        : {
            clientSecretSealed:
              input.clientSecret === null
                ? null
                : seal(ctx.config.sessionSecret, CLIENT_SECRET_PURPOSE, input.clientSecret),
          }),
      label: input.label,
      scopes: input.scopes,
      roleClaim: input.roleClaim,
      roleMapping: input.roleMapping,
      provisionAccounts: input.provisionAccounts,
      enabled: input.enabled,
      updatedAt: ctx.now,
    });
    const changed: string[] = before
      ? FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(row[field]))
      : [...FIELDS];
    if (input.clientSecret !== undefined) changed.push('clientSecret');
    await insertAudit(tx, {
      tenantId: tenant.id,
      actorKind: 'staff',
      actorStaffId: options.actorStaffId,
      action: before ? 'identity_provider.updated' : 'identity_provider.created',
      data: { fields: changed.join(',') },
    });
    return describeProvider(ctx.config, tenant, row);
  });
}

export async function removeIdentityProvider(
  ctx: Pick<Ctx, 'db'>,
  options: { tenant: TenantRow; actorStaffId: string },
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (!(await deleteIdentityProvider(tx, options.tenant.id))) {
      throw new AppError('route_not_found', { internal: 'no identity provider configured' });
    }
    await insertAudit(tx, {
      tenantId: options.tenant.id,
      actorKind: 'staff',
      actorStaffId: options.actorStaffId,
      action: 'identity_provider.deleted',
      data: {},
    });
  });
}
