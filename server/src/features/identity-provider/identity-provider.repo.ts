import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { departments, tenantIdentityProviders, tenants } from '../../db/schema.js';

export type IdentityProviderRow = typeof tenantIdentityProviders.$inferSelect;

export async function findIdentityProvider(db: Db, tenantId: string): Promise<IdentityProviderRow | undefined> {
  const [row] = await db.select().from(tenantIdentityProviders).where(eq(tenantIdentityProviders.tenantId, tenantId));
  return row;
}

/** The municipality (not archived) and its provider, if it offers one that is switched on. */
export async function findEnabledProviderBySlug(db: Db, slug: string) {
  const [row] = await db
    .select({ tenant: tenants, provider: tenantIdentityProviders })
    .from(tenants)
    .innerJoin(tenantIdentityProviders, eq(tenantIdentityProviders.tenantId, tenants.id))
    .where(and(eq(tenants.slug, slug), isNull(tenants.archivedAt), eq(tenantIdentityProviders.enabled, true)))
    .limit(1);
  return row;
}

export async function upsertIdentityProvider(
  db: Db,
  values: typeof tenantIdentityProviders.$inferInsert,
): Promise<IdentityProviderRow> {
  const { tenantId: _tenantId, ...changes } = values;
  const [row] = await db
    .insert(tenantIdentityProviders)
    .values(values)
    .onConflictDoUpdate({ target: tenantIdentityProviders.tenantId, set: changes })
    .returning();
  return row!;
}

export async function deleteIdentityProvider(db: Db, tenantId: string): Promise<boolean> {
  const deleted = await db
    .delete(tenantIdentityProviders)
    .where(eq(tenantIdentityProviders.tenantId, tenantId))
    .returning({ tenantId: tenantIdentityProviders.tenantId });
  return deleted.length > 0;
}

/** Department ids of the municipality by slug, for the slugs given (archived ones left out). */
export async function departmentIdsBySlug(db: Db, tenantId: string, slugs: string[]): Promise<Map<string, string>> {
  if (slugs.length === 0) return new Map();
  const rows = await db
    .select({ id: departments.id, slug: departments.slug })
    .from(departments)
    .where(and(eq(departments.tenantId, tenantId), inArray(departments.slug, slugs), isNull(departments.archivedAt)));
  return new Map(rows.map((row) => [row.slug, row.id]));
}
