import type { TenantTextKind } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { tenantTexts } from '../../db/schema.js';

export type TenantTextRow = typeof tenantTexts.$inferSelect;

/** The texts a municipality has written (kinds never written have no row). */
export async function listTenantTexts(db: Db, tenantId: string): Promise<TenantTextRow[]> {
  return db.select().from(tenantTexts).where(eq(tenantTexts.tenantId, tenantId));
}

export async function findTenantText(
  db: Db,
  tenantId: string,
  kind: TenantTextKind,
): Promise<TenantTextRow | undefined> {
  const [row] = await db
    .select()
    .from(tenantTexts)
    .where(and(eq(tenantTexts.tenantId, tenantId), eq(tenantTexts.kind, kind)))
    .limit(1);
  return row;
}
