import { faqListsOf, type FaqEntry, type OwnFaq, type OwnPageText, type TenantTextKind } from '@amtsraum/shared';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { tenantTexts } from '../../db/schema.js';

/**
 * The one way a municipality's legal page or FAQ is written (issue 15, item 9): the admin screens
 * and the installation file (whose texts derive from the shared OwnPageTextSchema and OwnFaqSchema,
 * or FaqSchema's older form, stored as a list per language).
 * `null` removes the text (the page shows its default again); so does a page without a language
 * written (empty fields are left out: such a language shows the default). A text written again unchanged keeps
 * when and by whom it was last changed: applying the same file twice changes nothing. Whether a
 * row was removed or written is returned; never audits (the caller knows who acted).
 */
export async function writeTenantText(
  db: Db,
  target: { tenantId: string; kind: TenantTextKind },
  given: OwnPageText | OwnFaq | FaqEntry[] | null,
  by: { staffId: string | null; now?: Date },
): Promise<boolean> {
  const body =
    given === null
      ? null
      : Array.isArray(given)
        ? writtenLanguages(faqListsOf(given))
        : target.kind === 'faq'
          ? writtenLanguages(given as OwnFaq)
          : writtenLanguages(given as OwnPageText);
  const scope = and(eq(tenantTexts.tenantId, target.tenantId), eq(tenantTexts.kind, target.kind));
  if (body === null) {
    const rows = await db.delete(tenantTexts).where(scope).returning({ kind: tenantTexts.kind });
    return rows.length > 0;
  }
  const unchanged = sql`${tenantTexts.body} = excluded.body`;
  const rows = await db
    .insert(tenantTexts)
    .values({ ...target, body, updatedBy: by.staffId, ...(by.now ? { updatedAt: by.now } : {}) })
    .onConflictDoUpdate({
      target: [tenantTexts.tenantId, tenantTexts.kind],
      set: {
        body,
        updatedAt: sql`case when ${unchanged} then ${tenantTexts.updatedAt} else excluded.updated_at end`,
        updatedBy: sql`case when ${unchanged} then ${tenantTexts.updatedBy} else excluded.updated_by end`,
      },
    })
    .returning({ kind: tenantTexts.kind });
  return rows.length > 0;
}

/** The languages written: a page's non-empty texts, or the FAQ's lists (an empty list is written). */
function writtenLanguages<T>(text: Record<string, T | undefined>): Record<string, T> | null {
  const written = Object.entries(text).filter(([, value]) => value !== undefined && value !== '');
  return written.length > 0 ? (Object.fromEntries(written) as Record<string, T>) : null;
}
