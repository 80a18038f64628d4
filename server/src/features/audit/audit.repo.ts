import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { auditEvents } from '../../db/schema.js';

/**
 * The audit trail: who did what to which visit, appointment or invite, and when; never the content
 * of a concern or a conversation. Every feature writes here, inside its own transaction when it
 * has one (`db` may be a transaction handle).
 */
export type AuditEntry = typeof auditEvents.$inferInsert;

export async function insertAudit(db: Db, entry: AuditEntry): Promise<void> {
  // Every queue change writes one (issue 14): built once, not per entry. An entry that leaves its
  // time or its id to the database is built as it comes.
  if (entry.createdAt === undefined || entry.id !== undefined) {
    await auditInsert(db, entry);
    return;
  }
  await preparedInsert(db).execute({
    tenantId: entry.tenantId,
    departmentId: entry.departmentId ?? null,
    visitId: entry.visitId ?? null,
    actorKind: entry.actorKind,
    actorStaffId: entry.actorStaffId ?? null,
    action: entry.action,
    data: entry.data ?? {},
    createdAt: entry.createdAt,
  });
}

function preparedInsert(db: Db) {
  return prepared(db, 'audit_insert', () =>
    db
      .insert(auditEvents)
      .values({
        tenantId: sql.placeholder('tenantId'),
        departmentId: sql.placeholder('departmentId'),
        visitId: sql.placeholder('visitId'),
        actorKind: sql.placeholder('actorKind'),
        actorStaffId: sql.placeholder('actorStaffId'),
        action: sql.placeholder('action'),
        data: sql.placeholder('data'),
        createdAt: sql.placeholder('createdAt'),
      })
      .prepare('audit_insert'),
  );
}

/** The insert of `entry`, unsent: to send on its own (await it) or inside another statement. */
export function auditInsert(db: Db, entry: AuditEntry) {
  return db.insert(auditEvents).values(entry);
}
