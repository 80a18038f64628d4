import type { ConsoleSnapshot, DoorSetting } from '@amtsraum/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { departments, visits } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import type { EventBus } from '../../live/event-bus.js';
import { settleArrivals } from '../appointments/appointments.repo.js';
import { requireMembership } from '../staff/require-staff.js';
import type { StaffRow } from '../staff/staff.repo.js';
import { loadDepartmentState, toConsoleSnapshot } from '../visits/queue.service.js';
import { insertAudit, queueOrder } from '../visits/visits.repo.js';

/** The clerk's side of the door. Every action names the department and checks membership first. */

interface Ctx {
  db: Db;
  events: EventBus;
  now: Date;
  staff: StaffRow;
}

/** Every clerk action ends the same way: an audit entry (who, what, when) and a live event. */
async function recordStaffAction(
  ctx: Ctx,
  entry: {
    tenantId: string;
    departmentId: string;
    visitId?: string;
    action: string;
    data?: Record<string, string | boolean>;
  },
): Promise<void> {
  await insertAudit(ctx.db, {
    ...entry,
    actorKind: 'staff',
    actorStaffId: ctx.staff.id,
    data: entry.data ?? {},
    createdAt: ctx.now,
  });
  await ctx.events.publish({ departmentId: entry.departmentId, visitId: entry.visitId });
}

export async function getConsole(ctx: Ctx, departmentId: string): Promise<ConsoleSnapshot> {
  await requireMembership(ctx, departmentId);
  const state = await loadDepartmentState(ctx.db, departmentId, ctx.now);
  if (!state) throw new AppError('department_not_found');
  return toConsoleSnapshot(state);
}

export async function setDoor(ctx: Ctx, departmentId: string, setting: DoorSetting): Promise<void> {
  await requireMembership(ctx, departmentId);
  const [row] = await ctx.db
    .update(departments)
    .set(
      setting.state === 'auto'
        ? { doorOverride: null, doorOverrideAt: null }
        : { doorOverride: setting.state, doorOverrideAt: ctx.now },
    )
    .where(eq(departments.id, departmentId))
    .returning({ tenantId: departments.tenantId });
  if (!row) throw new AppError('department_not_found');
  await recordStaffAction(ctx, {
    tenantId: row.tenantId,
    departmentId,
    action: 'door.changed',
    data: { state: setting.state },
  });
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const {
      code,
      constraint_name: name,
      constraint: alt,
    } = e as { code?: string; constraint_name?: string; constraint?: string };
    if (code === '23505' && (name === constraint || alt === constraint)) return true;
    if (code === '23505' && typeof (e as Error).message === 'string' && (e as Error).message.includes(constraint))
      return true;
  }
  return false;
}

async function requireNotBusy(ctx: Ctx): Promise<void> {
  const [busy] = await ctx.db
    .select({ id: visits.id })
    .from(visits)
    .where(and(eq(visits.admittedBy, ctx.staff.id), inArray(visits.state, ['admitted', 'in_call'])))
    .limit(1);
  if (busy) throw new AppError('clerk_busy');
}

/** Admits one waiting visit. Of two clerks admitting the same person at once, exactly one wins. */
export async function admit(ctx: Ctx, departmentId: string, visitId: string | 'next'): Promise<{ visitId: string }> {
  await requireMembership(ctx, departmentId);
  await requireNotBusy(ctx);
  let admitted: { id: string; tenantId: string } | undefined;
  try {
    admitted = await ctx.db.transaction(async (tx) => {
      let targetId = visitId;
      if (targetId === 'next') {
        // SKIP LOCKED: two clerks pressing "next" at once take two different people.
        const [first] = await tx
          .select({ id: visits.id })
          .from(visits)
          .where(and(eq(visits.departmentId, departmentId), eq(visits.state, 'waiting')))
          .orderBy(...queueOrder(ctx.now))
          .limit(1)
          .for('update', { skipLocked: true });
        if (!first) throw new AppError('queue_empty');
        targetId = first.id;
      }
      const [row] = await tx
        .update(visits)
        .set({ state: 'admitted', admittedBy: ctx.staff.id, admittedAt: ctx.now })
        .where(and(eq(visits.id, targetId), eq(visits.departmentId, departmentId), eq(visits.state, 'waiting')))
        .returning({ id: visits.id, tenantId: visits.tenantId });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'visits_one_active_per_clerk')) throw new AppError('clerk_busy');
    throw error;
  }
  if (!admitted) throw await missingVisit(ctx, departmentId, visitId);
  await recordStaffAction(ctx, {
    tenantId: admitted.tenantId,
    departmentId,
    visitId: admitted.id,
    action: 'visit.admitted',
  });
  return { visitId: admitted.id };
}

/** Why a visit could not be acted on: gone from this department (404) or taken meanwhile (409). */
async function missingVisit(ctx: Ctx, departmentId: string, visitId: string): Promise<AppError> {
  const [row] = await ctx.db
    .select({ id: visits.id })
    .from(visits)
    .where(and(eq(visits.id, visitId), eq(visits.departmentId, departmentId)))
    .limit(1);
  return row ? new AppError('visit_taken') : new AppError('visit_not_found');
}

export async function decline(
  ctx: Ctx,
  departmentId: string,
  visitId: string,
  note: string | undefined,
): Promise<void> {
  await requireMembership(ctx, departmentId);
  const [row] = await ctx.db
    .update(visits)
    .set({ state: 'declined', endedAt: ctx.now, declineNote: note || null })
    .where(and(eq(visits.id, visitId), eq(visits.departmentId, departmentId), eq(visits.state, 'waiting')))
    .returning({ id: visits.id, tenantId: visits.tenantId, appointmentId: visits.appointmentId });
  if (!row) throw await missingVisit(ctx, departmentId, visitId);
  await settleArrivals(ctx.db, [row.appointmentId], 'not_served');
  await recordStaffAction(ctx, {
    tenantId: row.tenantId,
    departmentId,
    visitId,
    action: 'visit.declined',
    data: { withNote: Boolean(note) },
  });
}

/** The clerk finishes the visit they are in. */
export async function finish(ctx: Ctx, departmentId: string, visitId: string): Promise<void> {
  await requireMembership(ctx, departmentId);
  const [row] = await ctx.db
    .update(visits)
    .set({ state: 'done', endedAt: ctx.now })
    .where(
      and(
        eq(visits.id, visitId),
        eq(visits.departmentId, departmentId),
        eq(visits.admittedBy, ctx.staff.id),
        inArray(visits.state, ['admitted', 'in_call']),
      ),
    )
    .returning({ id: visits.id, tenantId: visits.tenantId, appointmentId: visits.appointmentId });
  if (!row) throw await missingVisit(ctx, departmentId, visitId);
  await settleArrivals(ctx.db, [row.appointmentId], 'served');
  await recordStaffAction(ctx, { tenantId: row.tenantId, departmentId, visitId, action: 'visit.finished' });
}
