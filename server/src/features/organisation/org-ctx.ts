import type { Ctx } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { insertAudit } from '../audit/audit.repo.js';

/**
 * What the administration services work with. Plain functions over `ctx` and validated values, so
 * that the admin routes and (later) the installation file go through the same rules (issue 15,
 * item 9). `actorStaffId` null: the installation file or another system path.
 */
export type OrgCtx = Pick<Ctx, 'db' | 'events' | 'now' | 'config'>;

export interface OrgActor {
  actorStaffId: string | null;
}

/** An admin's change, audited inside its transaction: ids and changed field names only. */
export async function auditChange(
  db: Db,
  ctx: Pick<OrgCtx, 'now'>,
  actor: OrgActor,
  entry: {
    tenantId: string;
    departmentId?: string | null;
    action: string;
    data: Record<string, string | number | boolean | null>;
  },
): Promise<void> {
  await insertAudit(db, {
    tenantId: entry.tenantId,
    departmentId: entry.departmentId ?? null,
    actorKind: actor.actorStaffId ? 'staff' : 'system',
    actorStaffId: actor.actorStaffId,
    action: entry.action,
    data: entry.data,
    createdAt: ctx.now,
  });
}

/** Citizens' pages of these departments read their settings again (hours, closures, door). */
export async function announce(ctx: Pick<OrgCtx, 'events'>, departmentIds: string[]): Promise<void> {
  await ctx.events.publishAll(departmentIds.map((departmentId) => ({ departmentId, context: true })));
}

/** The names of the fields whose value differs, for the audit entry. */
export function changedFields<T extends object>(before: T, after: Partial<T>): string[] {
  return (Object.keys(after) as (keyof T)[])
    .filter((key) => after[key] !== undefined && JSON.stringify(after[key]) !== JSON.stringify(before[key]))
    .map(String);
}
