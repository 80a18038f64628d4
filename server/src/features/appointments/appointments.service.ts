import { dayRange, parseCivilDate, type StaffAppointmentsResponse } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import type { EventBus } from '../../live/event-bus.js';
import { todayIn } from '../directory/directory.service.js';
import { hashToken } from '../staff/auth.service.js';
import { requireMembership } from '../staff/require-staff.js';
import type { StaffRow } from '../staff/staff.repo.js';
import { findDepartmentWithTenant, insertAudit } from '../visits/visits.repo.js';
import { staffAppointmentView } from '../booking/booking.service.js';
import { findAppointmentByTokenHash, findAppointmentForStaff, findServicesByIds } from '../booking/booking.repo.js';
import {
  findLiveArrival,
  insertArrivalVisit,
  listDepartmentAppointments,
  lockAppointment,
  markNoShow,
  setAppointmentState,
} from './appointments.repo.js';

/**
 * The appointment day (issue 6): the citizen comes in through the join link and waits as an
 * appointment visit; clerks see the day's appointments and mark no-shows.
 */

interface Ctx {
  db: Db;
  events: EventBus;
  now: Date;
}

const MINUTE_MS = 60_000;

export interface Arrival {
  visitId: string;
  tenantSlug: string;
  departmentSlug: string;
}

/**
 * The citizen arrives through the join link (`/termin/beitreten#<token>`). From
 * `joinOpensMinutesBefore` before the start until the end, this puts them into the department's
 * queue as an appointment visit. Neither the door nor the walk-in cap applies: the time was
 * promised. A second device, or a reload, gets the same visit back, never a second one.
 */
export async function arrive(ctx: Ctx, token: string): Promise<Arrival> {
  const found = await findAppointmentByTokenHash(ctx.db, hashToken(token));
  // A mistyped or foreign token and a purged one look the same: nothing to tell apart.
  if (!found) throw new AppError('appointment_not_found');
  const { department, tenant } = found;
  const answer = (visitId: string): Arrival => ({
    visitId,
    tenantSlug: tenant.slug,
    departmentSlug: department.slug,
  });

  const result = await ctx.db.transaction(async (tx) => {
    const appointment = await lockAppointment(tx, found.appointment.id);
    if (!appointment) throw new AppError('appointment_not_found');
    // Checked first: a reload in the middle of a call that runs over its end must still work.
    const live = await findLiveArrival(tx, appointment.id);
    if (live) return { visitId: live.id, created: false };

    if (appointment.state === 'cancelled') throw new AppError('appointment_cancelled');
    if (appointment.state === 'done' || appointment.state === 'no_show') throw new AppError('appointment_over');
    const opensAt = new Date(appointment.startsAt.getTime() - department.joinOpensMinutesBefore * MINUTE_MS);
    if (ctx.now < opensAt) {
      throw new AppError('appointment_not_open_yet', { extra: { opensAt: opensAt.toISOString() } });
    }
    if (ctx.now >= appointment.endsAt) throw new AppError('appointment_over');

    const visitId = await insertArrivalVisit(tx, appointment, ctx.now);
    await setAppointmentState(tx, appointment.id, 'arrived');
    await insertAudit(tx, {
      tenantId: appointment.tenantId,
      departmentId: appointment.departmentId,
      visitId,
      actorKind: 'citizen',
      action: 'appointment_arrived',
      data: {
        appointmentId: appointment.id,
        minutesBeforeStart: Math.round((+appointment.startsAt - +ctx.now) / MINUTE_MS),
      },
      createdAt: ctx.now,
    });
    return { visitId, created: true };
  });

  if (result.created) await ctx.events.publish({ departmentId: department.id, visitId: result.visitId });
  return answer(result.visitId);
}

interface StaffCtx extends Ctx {
  staff: StaffRow;
}

/** A day's appointments of a department (tenant zone; default today), for the console beside the walk-in queue. */
export async function listAppointmentsForClerk(
  ctx: StaffCtx,
  departmentId: string,
  date: string | undefined,
): Promise<StaffAppointmentsResponse> {
  await requireMembership(ctx, departmentId);
  const found = await findDepartmentWithTenant(ctx.db, departmentId);
  if (!found) throw new AppError('department_not_found');
  const { timeZone } = found.tenant;
  const day = date ?? todayIn(timeZone, ctx.now);
  const civil = parseCivilDate(day);
  const { from, to } = dayRange(civil, civil, timeZone);

  const rows = await listDepartmentAppointments(ctx.db, { departmentId, staffId: ctx.staff.id, from, to });
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
  return { date: day, timeZone, appointments: list };
}

/** A clerk marks an appointment nobody came to: from start + grace, and only while it is booked. */
export async function markAppointmentNoShow(ctx: StaffCtx, departmentId: string, appointmentId: string): Promise<void> {
  await requireMembership(ctx, departmentId);
  const marked = await markNoShow(ctx.db, { departmentId, appointmentId, staffId: ctx.staff.id, now: ctx.now });
  if (!marked) {
    const found = await findAppointmentForStaff(ctx.db, ctx.staff.id, departmentId, appointmentId);
    if (!found) throw new AppError('appointment_not_found');
    const from = new Date(found.appointment.startsAt.getTime() + found.department.noShowGraceMinutes * MINUTE_MS);
    throw new AppError('conflict', {
      detail:
        found.appointment.state !== 'booked'
          ? `state=${found.appointment.state}`
          : `no-show-from=${from.toISOString()}`,
    });
  }
  await insertAudit(ctx.db, {
    tenantId: marked.tenantId,
    departmentId,
    actorKind: 'staff',
    actorStaffId: ctx.staff.id,
    action: 'appointment_no_show',
    data: { appointmentId },
    createdAt: ctx.now,
  });
  await ctx.events.publish({ departmentId });
}
