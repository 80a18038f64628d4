import type { Db } from '../../db/client.js';
import { auditEvents } from '../../db/schema.js';

/**
 * The audit trail: who did what to which visit, appointment or invite, and when; never the content
 * of a concern or a conversation. Every feature writes here, inside its own transaction when it
 * has one (`db` may be a transaction handle).
 */
export type AuditEntry = typeof auditEvents.$inferInsert;

export async function insertAudit(db: Db, entry: AuditEntry): Promise<void> {
  await auditInsert(db, entry);
}

/** The insert of `entry`, unsent: to send on its own (await it) or inside another statement. */
export function auditInsert(db: Db, entry: AuditEntry) {
  return db.insert(auditEvents).values(entry);
}
