import type { CitizenVisit, KnockRequest } from '@amtsraum/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { departments, services, visits } from '../../db/schema.js';
import type { Ctx } from '../../deps.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import { loadCitizenVisit, loadDepartmentStateBySlugs } from './queue.service.js';
import { clampFutureSightings } from './visits.repo.js';
import { enqueue, expireAbsent, isActive, leave as leaveVisit, stateIn, WAITING } from './visit-states.js';

/** The citizen's side of the door: knocking, leaving, and being dropped after the grace period. */

type VisitsCtx = Pick<Ctx, 'db' | 'events' | 'now'>;

/**
 * A knock. From a browser already in this department's queue (or call), the place it has is
 * answered again (`created: false`) instead of a second place; from one waiting elsewhere, refused.
 */
export async function knock(
  ctx: VisitsCtx,
  options: { tenantSlug: string; departmentSlug: string; request: KnockRequest; currentVisitId: string | null },
): Promise<{ visit: CitizenVisit; created: boolean }> {
  if (options.currentVisitId) {
    const existing = await loadCitizenVisit(ctx.db, options.currentVisitId, ctx.now);
    if (existing && isActive(existing.state)) {
      if (existing.tenantSlug === options.tenantSlug && existing.departmentSlug === options.departmentSlug) {
        return { visit: existing, created: false };
      }
      // One active visit per browser: a knock elsewhere would replace its cookie and leave the
      // first place in a queue nobody watches, a ghost the clerk there calls in vain.
      throw new AppError('already_waiting', {
        internal: `already waiting at ${existing.tenantSlug}/${existing.departmentSlug}`,
      });
    }
  }

  const state = await loadDepartmentStateBySlugs(ctx.db, options.tenantSlug, options.departmentSlug, ctx.now);
  if (!state) throw new AppError('department_not_found');
  const { department, tenant } = state;
  const opens = state.door.nextOpening ? { extra: { opensAt: state.door.nextOpening } } : {};
  if (state.door.state !== 'open') throw new AppError('door_closed', opens);
  if (state.door.unattended) throw new AppError('door_unattended');

  const serviceId = options.request.serviceSlug
    ? await knockableService(ctx.db, department.id, options.request.serviceSlug)
    : null;

  const visitId = await ctx.db.transaction(async (tx) => {
    // The department row lock makes "count, then insert" atomic: the cap holds under a knock rush.
    await tx.select({ id: departments.id }).from(departments).where(eq(departments.id, department.id)).for('update');
    const [waiting] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(visits)
      .where(and(eq(visits.departmentId, department.id), stateIn(WAITING)));
    if ((waiting?.n ?? 0) >= department.queueCap) throw new AppError('queue_full', opens);
    const id = await enqueue(tx, {
      tenantId: tenant.id,
      departmentId: department.id,
      citizenName: options.request.name,
      concern: options.request.concern || null,
      serviceId,
      language: options.request.language,
      interpreterLanguage: options.request.interpreterLanguage ?? null,
      createdAt: ctx.now,
    });
    await insertAudit(tx, {
      tenantId: tenant.id,
      departmentId: department.id,
      visitId: id,
      actorKind: 'citizen',
      action: 'visit.knocked',
      data: { language: options.request.language, interpreter: options.request.interpreterLanguage ?? null },
      createdAt: ctx.now,
    });
    return id;
  });

  await ctx.events.publish({ departmentId: department.id, visitId });
  const visit = await loadCitizenVisit(ctx.db, visitId, ctx.now);
  if (!visit) throw new Error('visit vanished after knock');
  return { visit, created: true };
}

async function knockableService(db: Db, departmentId: string, slug: string): Promise<string> {
  const [service] = await db
    .select({ id: services.id })
    .from(services)
    .where(
      and(
        eq(services.departmentId, departmentId),
        eq(services.slug, slug),
        eq(services.knockable, true),
        isNull(services.archivedAt),
      ),
    )
    .limit(1);
  if (!service) throw invalidField('serviceSlug', 'this service cannot be handled by knocking here');
  return service.id;
}

/** The citizen leaves the queue (or an admission they no longer want). */
export async function leave(ctx: VisitsCtx, visitId: string): Promise<CitizenVisit> {
  await givePlaceUp(ctx, visitId);
  const view = await loadCitizenVisit(ctx.db, visitId, ctx.now);
  if (!view) throw new AppError('visit_not_found');
  return view;
}

/** The citizen leaves `visitId` if it still waits (or was admitted): those behind move up. */
export async function givePlaceUp(ctx: VisitsCtx, visitId: string): Promise<void> {
  const row = await leaveVisit(ctx.db, { visitId, now: ctx.now });
  if (row) {
    // Those behind move up first; the record of it follows.
    await ctx.events.publish({
      departmentId: row.departmentId,
      visitId: row.id,
      moved: { to: 'left', at: ctx.now.toISOString() },
    });
    await insertAudit(ctx.db, {
      tenantId: row.tenantId,
      departmentId: row.departmentId,
      visitId: row.id,
      actorKind: 'citizen',
      action: 'visit.left',
      createdAt: ctx.now,
    });
  }
}

/**
 * Drops waiting citizens gone longer than the grace period; returns how many. `cutoff` is the wall
 * time of grace seconds ago counted in real time (lib/elapsed-clock.ts), so a clock that jumps
 * forward drops nobody early; sightings the clock now calls more than the grace period in the
 * future (it jumped back) count as now, so nobody waits on for the size of the jump.
 */
export async function expireAbsentVisits(
  ctx: VisitsCtx,
  graceSeconds: number,
  cutoff: Date = new Date(ctx.now.getTime() - graceSeconds * 1000),
): Promise<number> {
  await clampFutureSightings(ctx.db, ctx.now, new Date(ctx.now.getTime() + graceSeconds * 1000));
  const expired = await expireAbsent(ctx.db, { cutoff, now: ctx.now });
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
  await ctx.events.publishAll(
    [...new Set(expired.map((row) => row.departmentId))].map((departmentId) => ({ departmentId })),
  );
  return expired.length;
}
