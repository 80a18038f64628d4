import type { CitizenAppointment } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { hashToken } from '../staff/auth.service.js';
import type { Clerk } from '../staff/require-staff.js';
import { findAppointmentByTokenHash, findAppointmentForStaff, type AppointmentRow } from './appointments.repo.js';
import type { Found } from './booking-ctx.js';
import { citizenView } from './views.js';

/** The manage link (`/termin#<token>`) and the clerk's way to an appointment; what changing one needs. */

export async function findByToken(db: Db, token: string) {
  // A mistyped, foreign or made-up token: one neutral answer, nothing to learn from it.
  const found = await findAppointmentByTokenHash(db, hashToken(token));
  if (!found) throw new AppError('appointment_not_found');
  return found;
}

/** `POST /api/appointments/manage`. */
export async function manageByToken(ctx: { db: Db; now: Date }, token: string): Promise<CitizenAppointment> {
  return citizenView(ctx, await findByToken(ctx.db, token));
}

/**
 * Why an appointment cannot be changed any more: a conflict with what happened meanwhile (409),
 * where the join link of such an appointment is gone for good (410, the codes' own status).
 */
export function notChangeable(appointment: AppointmentRow): AppError {
  return new AppError(appointment.state === 'cancelled' ? 'appointment_cancelled' : 'appointment_over', {
    status: 409,
  });
}

/** An appointment of the clerk's department (the membership is part of the query as well). */
export async function findForStaff(db: Db, clerk: Clerk, appointmentId: string): Promise<Found> {
  const found = await findAppointmentForStaff(db, clerk.staff.id, clerk.departmentId, appointmentId);
  if (!found) throw new AppError('appointment_not_found');
  return found;
}
