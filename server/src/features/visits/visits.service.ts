import type { CitizenVisit, KnockRequest } from '@amtsraum/shared';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { departments, services, visits } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import type { EventBus } from '../../live/event-bus.js';
import { purgeAppointmentPersonalData, settleArrivals } from '../appointments/appointments.repo.js';
import { loadCitizenVisit, loadDepartmentStateBySlugs } from './queue.service.js';
import { insertAudit } from './visits.repo.js';

/** The citizen's side of the door: knocking, leaving, and being dropped after the grace period. */

interface Ctx {
  db: Db;
  events: EventBus;
  now: Date;
}

export async function knock(
  ctx: Ctx,
  options: { tenantSlug: string; departmentSlug: string; request: KnockRequest },
): Promise<CitizenVisit> {
  const state = await loadDepartmentStateBySlugs(ctx.db, options.tenantSlug, options.departmentSlug, ctx.now);
  if (!state) throw new AppError('department_not_found');
  const { department, tenant } = state;
  const closed = () =>
    new AppError('door_closed', {
      detail: state.door.nextOpening ? `next-opening=${state.door.nextOpening}` : undefined,
    });
  if (state.door.state !== 'open') throw closed();

  let serviceId: string | null = null;
  if (options.request.serviceSlug) {
    const [service] = await ctx.db
      .select({ id: services.id })
      .from(services)
      .where(
        and(
          eq(services.departmentId, department.id),
          eq(services.slug, options.request.serviceSlug),
          eq(services.knockable, true),
        ),
      )
      .limit(1);
    if (!service) {
      throw new AppError('validation_failed', {
        errors: [{ path: 'serviceSlug', message: 'this service cannot be handled by knocking here' }],
      });
    }
    serviceId = service.id;
  }

  const visitId = await ctx.db.transaction(async (tx) => {
    // The department row lock makes "count, then insert" atomic: the cap holds under a knock rush.
    await tx.select({ id: departments.id }).from(departments).where(eq(departments.id, department.id)).for('update');
    const [waiting] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(visits)
      .where(and(eq(visits.departmentId, department.id), eq(visits.state, 'waiting')));
    if ((waiting?.n ?? 0) >= department.queueCap) {
      throw new AppError('queue_full', {
        detail: state.door.nextOpening ? `next-opening=${state.door.nextOpening}` : undefined,
      });
    }
    const [row] = await tx
      .insert(visits)
      .values({
        tenantId: tenant.id,
        departmentId: department.id,
        citizenName: options.request.name,
        concern: options.request.concern || null,
        serviceId,
        language: options.request.language,
        interpreterLanguage: options.request.interpreterLanguage ?? null,
        createdAt: ctx.now,
        lastSeenAt: ctx.now,
      })
      .returning({ id: visits.id });
    if (!row) throw new Error('insert returned nothing');
    await insertAudit(tx, {
      tenantId: tenant.id,
      departmentId: department.id,
      visitId: row.id,
      actorKind: 'citizen',
      action: 'visit.knocked',
      data: { language: options.request.language, interpreter: options.request.interpreterLanguage ?? null },
      createdAt: ctx.now,
    });
    return row.id;
  });

  await ctx.events.publish({ departmentId: department.id, visitId });
  const view = await loadCitizenVisit(ctx.db, visitId, ctx.now);
  if (!view) throw new Error('visit vanished after knock');
  return view;
}

/** The citizen leaves the queue (or an admission they no longer want). */
export async function leave(ctx: Ctx, visitId: string): Promise<CitizenVisit> {
  const [row] = await ctx.db
    .update(visits)
    .set({ state: 'left', endedAt: ctx.now })
    .where(and(eq(visits.id, visitId), inArray(visits.state, ['waiting', 'admitted'])))
    .returning();
  if (row) {
    await settleArrivals(ctx.db, [row.appointmentId], 'not_served');
    await insertAudit(ctx.db, {
      tenantId: row.tenantId,
      departmentId: row.departmentId,
      visitId: row.id,
      actorKind: 'citizen',
      action: 'visit.left',
      createdAt: ctx.now,
    });
    await ctx.events.publish({ departmentId: row.departmentId, visitId: row.id });
  }
  const view = await loadCitizenVisit(ctx.db, visitId, ctx.now);
  if (!view) throw new AppError('visit_not_found');
  return view;
}

/** Marks the citizen's page as present; a waiting visit unseen for the grace period expires. */
export async function touchVisits(db: Db, visitIds: string[], now: Date): Promise<void> {
  if (visitIds.length === 0) return;
  await db
    .update(visits)
    .set({ lastSeenAt: now })
    .where(and(inArray(visits.id, visitIds), inArray(visits.state, ['waiting', 'admitted', 'in_call'])));
}

/**
 * Drops waiting citizens gone longer than the grace period. Safe in several processes at once:
 * the conditional update hands each visit to exactly one of them.
 */
export async function expireAbsentVisits(ctx: Ctx, graceSeconds: number): Promise<number> {
  const cutoff = new Date(ctx.now.getTime() - graceSeconds * 1000);
  const expired = await ctx.db
    .update(visits)
    .set({ state: 'expired', endedAt: ctx.now })
    .where(and(eq(visits.state, 'waiting'), lt(visits.lastSeenAt, cutoff)))
    .returning({
      id: visits.id,
      departmentId: visits.departmentId,
      tenantId: visits.tenantId,
      appointmentId: visits.appointmentId,
    });
  await settleArrivals(
    ctx.db,
    expired.map((row) => row.appointmentId),
    'not_served',
  );
  for (const row of expired) {
    await insertAudit(ctx.db, {
      tenantId: row.tenantId,
      departmentId: row.departmentId,
      visitId: row.id,
      actorKind: 'system',
      action: 'visit.expired',
      data: { graceSeconds },
      createdAt: ctx.now,
    });
  }
  for (const departmentId of new Set(expired.map((row) => row.departmentId))) {
    await ctx.events.publish({ departmentId });
  }
  return expired.length;
}

/**
 * Personal data of citizens (name, concern, clerk's note; for appointments also e-mail and phone)
 * is kept only for the retention period after a visit or appointment ended; the rows stay,
 * anonymous, for statistics and the audit trail. Returns how many rows were purged.
 */
export async function purgePersonalData(db: Db, retentionDays: number, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600_000);
  const purged = await db
    .update(visits)
    .set({ citizenName: '', concern: null, declineNote: null })
    .where(and(lt(visits.endedAt, cutoff), sql`${visits.citizenName} <> ''`))
    .returning({ id: visits.id });
  return purged.length + (await purgeAppointmentPersonalData(db, cutoff));
}
