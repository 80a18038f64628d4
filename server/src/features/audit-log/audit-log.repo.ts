import {
  AuditActorKindSchema,
  dayRange,
  parseCivilDate,
  visibleAuditData,
  type AuditQuery,
  type AuditRow,
} from '@amtsraum/shared';
import { and, asc, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditEvents, departments, staff, staffMemberships } from '../../db/schema.js';

/**
 * Reading the audit trail for the viewer. The scope (a municipality, or one department of it) is
 * part of every query's `where`: a department admin's filter cannot reach past their department.
 */
export interface AuditScope {
  tenantId: string;
  timeZone: string;
  /** A department admin's view: this department only (rows without a department are not theirs). */
  departmentId?: string;
}

/** Microseconds, as PostgreSQL keeps them: a cursor with milliseconds would skip or repeat rows. */
const createdAtText = sql<string>`to_char(${auditEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function conditions(scope: AuditScope, query: AuditQuery): SQL[] {
  const where: SQL[] = [eq(auditEvents.tenantId, scope.tenantId)];
  if (scope.departmentId) where.push(eq(auditEvents.departmentId, scope.departmentId));
  if (query.department) where.push(eq(auditEvents.departmentId, query.department));
  if (query.actor) where.push(eq(auditEvents.actorStaffId, query.actor));
  if (query.visit) where.push(eq(auditEvents.visitId, query.visit));
  if (query.action) {
    const prefix = query.action;
    const starts = (text: string) => sql`left(${auditEvents.action}, ${text.length}) = ${text}`;
    // Older actions are written with an underscore (`appointment_arrived`, `invite_used`): the
    // group `appointment.` finds them too.
    where.push(prefix.endsWith('.') ? or(starts(prefix), starts(`${prefix.slice(0, -1)}_`))! : starts(prefix));
  }
  if (query.from)
    where.push(
      gte(auditEvents.createdAt, dayRange(parseCivilDate(query.from), parseCivilDate(query.from), scope.timeZone).from),
    );
  if (query.to)
    where.push(
      lt(auditEvents.createdAt, dayRange(parseCivilDate(query.to), parseCivilDate(query.to), scope.timeZone).to),
    );
  if (query.cursor) {
    const [at, id] = query.cursor.split('~') as [string, string];
    where.push(sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (${at}::timestamptz, ${id}::uuid)`);
  }
  return where;
}

/** One page, newest first, in (created_at, id) order; `next` continues after its last row. */
export async function findAuditPage(
  db: Db,
  scope: AuditScope,
  query: AuditQuery,
): Promise<{ rows: AuditRow[]; next: string | null }> {
  const found = await db
    .select({
      id: auditEvents.id,
      createdAt: auditEvents.createdAt,
      createdAtText,
      actorKind: auditEvents.actorKind,
      actorStaffId: auditEvents.actorStaffId,
      actorName: staff.name,
      action: auditEvents.action,
      departmentId: departments.id,
      departmentSlug: departments.slug,
      departmentName: departments.name,
      visitId: auditEvents.visitId,
      data: auditEvents.data,
    })
    .from(auditEvents)
    .leftJoin(staff, eq(staff.id, auditEvents.actorStaffId))
    .leftJoin(departments, eq(departments.id, auditEvents.departmentId))
    .where(and(...conditions(scope, query)))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(query.limit + 1);
  const page = found.slice(0, query.limit);
  const last = page.at(-1);
  return {
    rows: page.map((row) => ({
      id: row.id,
      at: row.createdAt.toISOString(),
      actor: {
        kind: AuditActorKindSchema.options.find((kind) => kind === row.actorKind) ?? 'system',
        staffId: row.actorStaffId,
        name: row.actorName,
      },
      action: row.action,
      department:
        row.departmentId && row.departmentSlug && row.departmentName
          ? { id: row.departmentId, slug: row.departmentSlug, name: row.departmentName }
          : null,
      visitId: row.visitId,
      data: visibleAuditData(row.data),
    })),
    next: found.length > query.limit && last ? `${last.createdAtText}~${last.id}` : null,
  };
}

/** What the filter form offers: the departments in view and their staff. */
export async function findAuditChoices(db: Db, scope: AuditScope) {
  const [departmentRows, staffRows] = await Promise.all([
    db
      .select({ id: departments.id, slug: departments.slug, name: departments.name })
      .from(departments)
      .where(
        and(
          eq(departments.tenantId, scope.tenantId),
          scope.departmentId ? eq(departments.id, scope.departmentId) : undefined,
        ),
      )
      .orderBy(asc(departments.sortOrder), asc(departments.slug)),
    db
      .select({ id: staff.id, name: staff.name })
      .from(staff)
      .where(
        and(
          eq(staff.tenantId, scope.tenantId),
          scope.departmentId
            ? sql`exists (select 1 from ${staffMemberships} where ${staffMemberships.staffId} = ${staff.id}
                and ${staffMemberships.departmentId} = ${scope.departmentId})`
            : undefined,
        ),
      )
      .orderBy(asc(staff.name)),
  ]);
  return { departments: departmentRows, staff: staffRows };
}
