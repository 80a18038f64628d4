import type { Ctx } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { noShowTooEarlyTitles } from '../../lib/messages.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { Clerk } from '../staff/require-staff.js';
import { findAppointmentForStaff, markNoShow } from './appointments.repo.js';
import { MINUTE } from './booking-ctx.js';

/** A clerk marks an appointment nobody came to: from start + grace, and only while it is booked. */
export async function markAppointmentNoShow(
  ctx: Pick<Ctx, 'db' | 'events' | 'now'>,
  clerk: Clerk,
  appointmentId: string,
): Promise<void> {
  const { departmentId } = clerk;
  const marked = await markNoShow(ctx.db, { departmentId, appointmentId, staffId: clerk.staff.id, now: ctx.now });
  if (!marked) {
    const found = await findAppointmentForStaff(ctx.db, clerk.staff.id, departmentId, appointmentId);
    if (!found) throw new AppError('appointment_not_found');
    // Changed meanwhile (arrived, cancelled, marked): reloading shows it.
    if (found.appointment.state !== 'booked') {
      throw new AppError('conflict', { internal: `appointment ${found.appointment.state}` });
    }
    // Too early: reloading would not help, so it has words of its own, and when it can be marked.
    const from = new Date(found.appointment.startsAt.getTime() + found.department.noShowGraceMinutes * MINUTE);
    throw new AppError('no_show_too_early', {
      extra: { opensAt: from.toISOString() },
      title: noShowTooEarlyTitles(from, found.tenant.timeZone),
    });
  }
  await insertAudit(ctx.db, {
    tenantId: marked.tenantId,
    departmentId,
    actorKind: 'staff',
    actorStaffId: clerk.staff.id,
    action: 'appointment_no_show',
    data: { appointmentId },
    createdAt: ctx.now,
  });
  await ctx.events.publish({ departmentId });
}
