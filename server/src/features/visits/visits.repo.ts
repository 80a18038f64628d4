import { and, asc, count, countDistinct, desc, eq, gt, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import {
  appointments,
  auditEvents,
  consolePresence,
  departments,
  services,
  staff,
  tenants,
  visits,
} from '../../db/schema.js';

export type VisitRow = typeof visits.$inferSelect;
export const OPEN_STATES = ['admitted', 'in_call'] as const;

const admitter = alias(staff, 'admitter');

/** A visit with what the screens need beside it: its service and who admitted it. */
const visitColumns = {
  visit: visits,
  serviceSlug: services.slug,
  serviceName: services.name,
  serviceDocuments: services.documents,
  admitterName: admitter.name,
  appointmentStartsAt: appointments.startsAt,
  appointmentPersons: appointments.persons,
};

export type VisitWithContext = {
  visit: VisitRow;
  serviceSlug: string | null;
  serviceName: (typeof services.$inferSelect)['name'] | null;
  serviceDocuments: (typeof services.$inferSelect)['documents'] | null;
  admitterName: string | null;
  appointmentStartsAt: Date | null;
  appointmentPersons: number | null;
};

/**
 * Queue order (issue 6): appointment arrivals whose booked start has come go first, by that start;
 * then everybody else (walk-ins, and arrivals early for their time) by (priority desc, created_at,
 * id). The one order for the console, the citizen's position and "admit next".
 */
export function queueOrder(now: Date): SQL[] {
  const dueStart = sql`(select due.starts_at from ${appointments} due where due.id = ${visits.appointmentId} and due.starts_at <= ${now.toISOString()}::timestamptz)`;
  return [sql`${dueStart} asc nulls last`, desc(visits.priority), asc(visits.createdAt), asc(visits.id)];
}

/** Visits with their service, admitting clerk and appointment joined: the rows every screen reads. */
function selectWithContext(db: Db) {
  return db
    .select(visitColumns)
    .from(visits)
    .leftJoin(services, eq(services.id, visits.serviceId))
    .leftJoin(admitter, eq(admitter.id, visits.admittedBy))
    .leftJoin(appointments, eq(appointments.id, visits.appointmentId));
}

/** Waiting, admitted and in-call visits of a department, in queue order at `now`. */
export async function listLiveVisits(db: Db, departmentId: string, now: Date): Promise<VisitWithContext[]> {
  return selectWithContext(db)
    .where(and(eq(visits.departmentId, departmentId), inArray(visits.state, ['waiting', 'admitted', 'in_call'])))
    .orderBy(...queueOrder(now));
}

export async function findVisitWithContext(db: Db, visitId: string): Promise<VisitWithContext | undefined> {
  const [row] = await selectWithContext(db).where(eq(visits.id, visitId)).limit(1);
  return row;
}

export async function findVisitsWithContext(db: Db, visitIds: string[]): Promise<VisitWithContext[]> {
  if (visitIds.length === 0) return [];
  return selectWithContext(db).where(inArray(visits.id, visitIds));
}

export async function findDepartmentWithTenant(db: Db, departmentId: string) {
  const [row] = await db
    .select({ department: departments, tenant: tenants })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(eq(departments.id, departmentId))
    .limit(1);
  return row;
}

export async function findDepartmentBySlugs(db: Db, tenantSlug: string, departmentSlug: string) {
  const [row] = await db
    .select({ department: departments, tenant: tenants })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(and(eq(tenants.slug, tenantSlug), eq(departments.slug, departmentSlug)))
    .limit(1);
  return row;
}

/** Mean minutes from admission to the end of the department's last 30 finished visits (30 days). */
export async function recentHandlingMinutes(db: Db, departmentId: string, now: Date): Promise<number | null> {
  const since = new Date(now.getTime() - 30 * 24 * 3600_000);
  const recent = db
    .select({ seconds: sql<number>`extract(epoch from ${visits.endedAt} - ${visits.admittedAt})`.as('seconds') })
    .from(visits)
    .where(
      and(
        eq(visits.departmentId, departmentId),
        eq(visits.state, 'done'),
        isNotNull(visits.admittedAt),
        gt(visits.endedAt, since),
      ),
    )
    .orderBy(desc(visits.endedAt))
    .limit(30)
    .as('recent');
  const [row] = await db
    .select({ mean: sql<string | null>`avg(least(greatest(${recent.seconds}, 60), 7200))`, n: count() })
    .from(recent);
  if (!row || row.n < 3 || row.mean === null) return null;
  return Number(row.mean) / 60;
}

export const PRESENCE_TTL_MS = 90_000;

export async function countClerksOnDuty(db: Db, departmentId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: countDistinct(consolePresence.staffId) })
    .from(consolePresence)
    .where(
      and(
        eq(consolePresence.departmentId, departmentId),
        gt(consolePresence.seenAt, new Date(now.getTime() - PRESENCE_TTL_MS)),
      ),
    );
  return row?.n ?? 0;
}

export async function countWaiting(db: Db, departmentId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(visits)
    .where(and(eq(visits.departmentId, departmentId), eq(visits.state, 'waiting')));
  return row?.n ?? 0;
}

export async function insertAudit(db: Db, values: typeof auditEvents.$inferInsert): Promise<void> {
  await db.insert(auditEvents).values(values);
}
