import type { OnsiteTicketResponse, StaffWalkInRequest } from '@amtsraum/shared';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { services } from '../../db/schema.js';
import type { Ctx } from '../../deps.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { checkInOnsite, lockAppointment } from '../appointments/index.js';
import { insertAudit } from '../audit/audit.repo.js';
import { findDepartmentWithTenant } from '../directory/directory.repo.js';
import { todayIn } from '../directory/directory.service.js';
import type { Clerk } from '../staff/require-staff.js';
import { enqueueOnsite } from '../visits/visit-states.js';

/**
 * Staff check-in for people without internet (issue 16, item 5; Dorsten's "we help you"): a clerk
 * at the counter puts a person who is there into the queue, as an on-site visit with a ticket
 * number to tell them. The same queue, the same order as every other visit.
 */

type CounterCtx = Pick<Ctx, 'db' | 'events' | 'now'>;

async function officeOf(db: Db, departmentId: string) {
  const row = await findDepartmentWithTenant(db, departmentId);
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
  const result = await ctx.db.transaction(async (tx) => {
    // The department is part of the lock's query: another department's appointment is not found.
    const appointment = await lockAppointment(tx, appointmentId, clerk.departmentId);
    if (!appointment) throw new AppError('appointment_not_found');
    if (appointment.channel !== 'onsite') throw new AppError('check_in_video_appointment');
    const arrival = await checkInOnsite(tx, appointment, {
      actor: { kind: 'staff', staffId: clerk.staff.id },
      timeZone: tenant.timeZone,
      opensMinutesBefore: department.checkInOpensMinutesBefore,
      now: ctx.now,
    });
    if ('refusal' in arrival) throw arrival.refusal;
    return arrival;
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
