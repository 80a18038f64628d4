import type { CitizenAppointment, StaffAppointment } from '@amtsraum/shared';
import { AppError } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { Clerk } from '../staff/require-staff.js';
import { queueAppointmentMail } from './appointment-mail.js';
import {
  findAppointment,
  findAppointmentWithContext,
  updateBookedAppointment,
  type AppointmentRow,
} from './appointments.repo.js';
import { auditActor, type Actor, type BookingCtx, type Found } from './booking-ctx.js';
import { findByToken, findForStaff, notChangeable } from './manage.js';
import { citizenMayChange, citizenView, toStaffAppointment } from './views.js';

/**
 * Cancels a booked appointment (state → cancelled, its slot free again), with audit entry and
 * e-mail in one transaction. Cancelling a cancelled appointment again changes nothing.
 */
async function cancel(
  ctx: BookingCtx,
  found: Found,
  options: { actor: Actor; note?: string; onlyBeforeStart: boolean },
): Promise<AppointmentRow> {
  const { appointment, department, tenant } = found;
  if (appointment.state === 'cancelled') return appointment;
  const cancelled = await ctx.db.transaction(async (tx) => {
    const row = await updateBookedAppointment(
      tx,
      appointment.id,
      { state: 'cancelled', cancelledAt: ctx.now },
      { startsAfter: options.onlyBeforeStart ? ctx.now : undefined },
    );
    if (!row) return null;
    await insertAudit(tx, {
      tenantId: tenant.id,
      departmentId: department.id,
      ...auditActor(options.actor),
      action: 'appointment.cancelled',
      data: { appointmentId: row.id, withNote: Boolean(options.note) },
      createdAt: ctx.now,
    });
    await queueAppointmentMail(tx, {
      ...ctx,
      kind: 'cancelled',
      appointment: row,
      tenant,
      department,
      note: options.note,
    });
    return row;
  });
  if (!cancelled) {
    // Changed meanwhile: cancelled by someone else (fine), or started, arrived, over.
    const now = await findAppointment(ctx.db, appointment.id);
    if (now?.state === 'cancelled') return now;
    throw notChangeable(now ?? appointment);
  }
  ctx.slotCache?.clear('schedules');
  // Only the appointment changed: the live hub tells consoles, not every waiting citizen.
  await ctx.events.publish({ departmentId: department.id, appointmentId: cancelled.id });
  return cancelled;
}

/** `POST /api/appointments/cancel`: only while booked and before the start; twice is fine. */
export async function cancelByToken(ctx: BookingCtx, token: string): Promise<CitizenAppointment> {
  const found = await findByToken(ctx.db, token);
  if (found.appointment.state !== 'cancelled' && !citizenMayChange(found.appointment, ctx.now)) {
    throw notChangeable(found.appointment);
  }
  const appointment = await cancel(ctx, found, { actor: { kind: 'citizen' }, onlyBeforeStart: true });
  return citizenView(ctx, found, appointment);
}

/** `POST /api/staff/departments/:departmentId/appointments/:appointmentId/cancel`, with an optional note for the e-mail. */
export async function cancelAsStaff(
  ctx: BookingCtx,
  clerk: Clerk,
  appointmentId: string,
  note: string | undefined,
): Promise<StaffAppointment> {
  const found = await findForStaff(ctx.db, clerk, appointmentId);
  if (found.appointment.state !== 'booked' && found.appointment.state !== 'cancelled') {
    throw notChangeable(found.appointment);
  }
  const appointment = await cancel(ctx, found, {
    actor: { kind: 'staff', staffId: clerk.staff.id },
    note: note || undefined,
    onlyBeforeStart: false,
  });
  return toStaffAppointment(ctx.db, { appointment, department: found.department });
}

/**
 * An admin cancels a booked appointment of a department they administer (archiving the
 * department, issue 15): the same path as a clerk's cancel, so the citizen gets the e-mail.
 * False when it is not (or no longer) booked in that department.
 */
export async function cancelForDepartment(
  ctx: BookingCtx,
  options: { departmentId: string; appointmentId: string; staffId: string; note?: string },
): Promise<boolean> {
  const found = await findAppointmentWithContext(ctx.db, options.appointmentId);
  if (!found || found.department.id !== options.departmentId || found.appointment.state !== 'booked') return false;
  const row = await cancel(ctx, found, {
    actor: { kind: 'staff', staffId: options.staffId },
    note: options.note || undefined,
    onlyBeforeStart: false,
  }).catch((error: unknown) => {
    // Arrived or started meanwhile: not cancelled, and the caller counts it so.
    if (error instanceof AppError) return null;
    throw error;
  });
  return row?.state === 'cancelled';
}

/** An admin resolving a collision of an availability change (issue 15); the citizen gets the e-mail. */
export function cancelForAdmin(
  ctx: BookingCtx,
  found: Found,
  staffId: string,
  note: string | undefined,
): Promise<AppointmentRow> {
  if (found.appointment.state !== 'booked' && found.appointment.state !== 'cancelled') {
    throw notChangeable(found.appointment);
  }
  return cancel(ctx, found, { actor: { kind: 'staff', staffId }, note, onlyBeforeStart: false });
}
