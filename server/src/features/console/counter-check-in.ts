import type { OnsiteTicketResponse, StaffWalkInRequest } from '@amtsraum/shared';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { appointments, departments, services, tenants, visits } from '../../db/schema.js';
import type { Ctx } from '../../deps.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import { todayIn } from '../directory/directory.service.js';
import type { Clerk } from '../staff/require-staff.js';
import { ACTIVE, enqueueOnsite, stateIn } from '../visits/visit-states.js';

/**
 * Staff check-in for people without internet (issue 16, item 5; Dorsten's "we help you"): a clerk
 * at the counter puts a person who is there into the queue, as an on-site visit with a ticket
 * number to tell them. The same queue, the same order as every other visit.
 */

type CounterCtx = Pick<Ctx, 'db' | 'events' | 'now'>;

const MINUTE = 60_000;

async function officeOf(db: Db, departmentId: string) {
  const [row] = await db
    .select({ department: departments, tenant: tenants })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(eq(departments.id, departmentId))
    .limit(1);
  if (!row) throw new AppError('department_not_found');
  return row;
}

/**
 * "Ist da — einreihen": today's booked on-site appointment of the clerk's department, its person
 * standing at the counter, joins the queue (`arrived`). The rules of arriving hold (not
 * cancelled, not over, from `checkInOpensMinutesBefore` on, today), checked with the appointment
 * row locked so two clerks (or a clerk and the kiosk) cannot make two visits of it; the second
 * gets the first one's ticket back.
 */
export async function checkInAppointment(
  ctx: CounterCtx,
  clerk: Clerk,
  appointmentId: string,
): Promise<OnsiteTicketResponse> {
  const { department, tenant } = await officeOf(ctx.db, clerk.departmentId);
  const day = todayIn(tenant.timeZone, ctx.now);
  const result = await ctx.db.transaction(async (tx) => {
    // The department is part of the lock's query: another department's appointment is not found.
    const [appointment] = await tx
      .select()
      .from(appointments)
      .where(and(eq(appointments.id, appointmentId), eq(appointments.departmentId, clerk.departmentId)))
      .for('update');
    if (!appointment) throw new AppError('appointment_not_found');
    const [live] = await tx
      .select({ id: visits.id, ticketNumber: visits.ticketNumber })
      .from(visits)
      .where(and(eq(visits.appointmentId, appointment.id), stateIn(ACTIVE)))
      .limit(1);
    if (live?.ticketNumber) return { visitId: live.id, ticketNumber: live.ticketNumber, created: false };
    if (live) throw new AppError('conflict', { detail: 'arrived-by-video' });

    if (appointment.channel !== 'onsite') throw new AppError('check_in_video_appointment');
    if (appointment.state === 'cancelled') throw new AppError('appointment_cancelled');
    if (appointment.state === 'done' || appointment.state === 'no_show') throw new AppError('appointment_over');
    if (todayIn(tenant.timeZone, appointment.startsAt) !== day) throw new AppError('check_in_other_day');
    if (ctx.now >= appointment.endsAt) throw new AppError('check_in_too_late');
    const opensAt = new Date(appointment.startsAt.getTime() - department.checkInOpensMinutesBefore * MINUTE);
    if (ctx.now < opensAt) throw new AppError('check_in_too_early', { extra: { opensAt: opensAt.toISOString() } });

    const ticket = await enqueueOnsite(tx, {
      tenantId: appointment.tenantId,
      departmentId: appointment.departmentId,
      kind: 'appointment',
      appointmentId: appointment.id,
      citizenName: appointment.citizenName,
      concern: appointment.concern,
      serviceId: appointment.serviceIds[0] ?? null,
      language: appointment.language,
      interpreterLanguage: appointment.interpreterLanguage,
      createdAt: ctx.now,
      day,
    });
    await tx.update(appointments).set({ state: 'arrived' }).where(eq(appointments.id, appointment.id));
    await insertAudit(tx, {
      tenantId: appointment.tenantId,
      departmentId: appointment.departmentId,
      visitId: ticket.id,
      actorKind: 'staff',
      actorStaffId: clerk.staff.id,
      action: 'appointment_checked_in_at_counter',
      data: { appointmentId: appointment.id },
      createdAt: ctx.now,
    });
    return { visitId: ticket.id, ticketNumber: ticket.ticketNumber, created: true };
  });
  if (result.created) await ctx.events.publish({ departmentId: clerk.departmentId, visitId: result.visitId });
  return { visitId: result.visitId, ticketNumber: result.ticketNumber };
}

/**
 * "Person vor Ort einreihen": a walk-in ticket for someone at the counter. A clerk decides whom
 * they help, so neither the door, the kiosk's walk-in setting nor the queue cap applies.
 */
export async function drawAtCounter(
  ctx: CounterCtx,
  clerk: Clerk,
  request: StaffWalkInRequest,
): Promise<OnsiteTicketResponse> {
  const { tenant } = await officeOf(ctx.db, clerk.departmentId);
  let serviceId: string | null = null;
  if (request.serviceSlug) {
    const [service] = await ctx.db
      .select({ id: services.id })
      .from(services)
      .where(
        and(
          eq(services.departmentId, clerk.departmentId),
          eq(services.slug, request.serviceSlug),
          // As at the kiosk: a service given by video only is not one to queue for at the counter.
          inArray(services.channels, ['onsite', 'both']),
          isNull(services.archivedAt),
        ),
      )
      .limit(1);
    if (!service) throw invalidField('serviceSlug', 'no such on-site service in this department');
    serviceId = service.id;
  }
  const ticket = await ctx.db.transaction(async (tx) => {
    const drawn = await enqueueOnsite(tx, {
      tenantId: tenant.id,
      departmentId: clerk.departmentId,
      kind: 'walk_in',
      // Nobody has to give a name at the counter: the ticket number is how they are called.
      citizenName: '',
      concern: request.concern || null,
      serviceId,
      language: tenant.defaultLocale,
      createdAt: ctx.now,
      day: todayIn(tenant.timeZone, ctx.now),
    });
    await insertAudit(tx, {
      tenantId: tenant.id,
      departmentId: clerk.departmentId,
      visitId: drawn.id,
      actorKind: 'staff',
      actorStaffId: clerk.staff.id,
      action: 'visit.ticket_at_counter',
      data: {},
      createdAt: ctx.now,
    });
    return drawn;
  });
  await ctx.events.publish({ departmentId: clerk.departmentId, visitId: ticket.id });
  return { visitId: ticket.id, ticketNumber: ticket.ticketNumber };
}
