import type { FaqEntry, PageText, TenantTextKind } from '@amtsraum/shared';
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

export async function upsertTenantText(
  db: Db,
  values: { tenantId: string; kind: TenantTextKind; body: PageText | FaqEntry[]; updatedBy: string; now: Date },
): Promise<void> {
  const set = { body: values.body, updatedBy: values.updatedBy, updatedAt: values.now };
  await db
    .insert(tenantTexts)
    .values({ tenantId: values.tenantId, kind: values.kind, ...set })
    .onConflictDoUpdate({ target: [tenantTexts.tenantId, tenantTexts.kind], set });
}

/** Back to the default; whether there was a text to remove. */
export async function deleteTenantText(db: Db, tenantId: string, kind: TenantTextKind): Promise<boolean> {
  const rows = await db
    .delete(tenantTexts)
    .where(and(eq(tenantTexts.tenantId, tenantId), eq(tenantTexts.kind, kind)))
    .returning({ kind: tenantTexts.kind });
  return rows.length > 0;
}
