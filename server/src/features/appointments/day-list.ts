import { dayRange, parseCivilDate, type StaffAppointmentsResponse } from '@amtsraum/shared';
import type { Ctx } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { findDepartmentWithTenant } from '../directory/directory.repo.js';
import { todayIn } from '../directory/directory.service.js';
import type { Clerk } from '../staff/require-staff.js';
import { findServicesByIds, listDepartmentAppointments } from './appointments.repo.js';
import { staffAppointmentView } from './views.js';

/** A day's appointments of the clerk's department (tenant zone; default today), for the console beside the walk-in queue. */
export async function listAppointmentsForClerk(
  ctx: Pick<Ctx, 'db' | 'now'>,
  clerk: Clerk,
  date: string | undefined,
): Promise<StaffAppointmentsResponse> {
  const found = await findDepartmentWithTenant(ctx.db, clerk.departmentId);
  if (!found) throw new AppError('department_not_found');
  const { timeZone } = found.tenant;
  const day = date ?? todayIn(timeZone, ctx.now);
  const civil = parseCivilDate(day);
  const { from, to } = dayRange(civil, civil, timeZone);

  const rows = await listDepartmentAppointments(ctx.db, {
    departmentId: clerk.departmentId,
    staffId: clerk.staff.id,
    from,
    to,
  });
  const serviceRows = await findServicesByIds(ctx.db, [...new Set(rows.flatMap((r) => r.appointment.serviceIds))]);
  const serviceById = new Map(serviceRows.map((service) => [service.id, service]));

  const list = rows.map(({ appointment, clerkName, noShowGraceMinutes, visitId }) =>
    staffAppointmentView(appointment, {
      services: appointment.serviceIds.flatMap((id) => serviceById.get(id) ?? []),
      clerkName,
      visitId,
      noShowGraceMinutes,
    }),
  );
  return { date: day, timeZone, appointments: list, serverTime: ctx.now.toISOString() };
}
