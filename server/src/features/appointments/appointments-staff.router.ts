import {
  CancelAppointmentRequestSchema,
  MoveAppointmentRequestSchema,
  StaffAppointmentsQuerySchema,
  StaffBookingRequestSchema,
  type StaffAppointment,
} from '@amtsraum/shared';
import { Router } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { parseInput, parseTextInput } from '../../lib/validate.js';
import { currentClerk } from '../staff/require-staff.js';
import { bookAsStaff } from './book.js';
import { cancelAsStaff } from './cancel.js';
import { listAppointmentsForClerk } from './day-list.js';
import { moveAsStaff } from './move.js';
import { markAppointmentNoShow } from './no-show.js';

const IdSchema = z.uuid();

// A malformed id cannot name anything: answer as for an unknown one.
const appointmentIdOf = (value: unknown) => {
  const parsed = IdSchema.safeParse(value);
  if (!parsed.success) throw new AppError('appointment_not_found');
  return parsed.data;
};

const HOUR = 60 * 60_000;

/**
 * A clerk's booking, cancelling and moving each send the citizen an e-mail from the town hall's
 * mail server, to whatever address the clerk typed: a clerk's session (a password is enough for
 * the console) or a script left running cannot send mail without end, to strangers or to one
 * person over and over, as invite links cannot (INVITE_MAIL_LIMITS). A phone desk's busiest hour
 * has a few dozen such changes; the same caller is booked a few times a day at most, and anyone
 * past that is booked without an e-mail address (no mail goes out). Counted before the work, so
 * parallel requests cannot slip past; a booking refused gives its recipient's count back.
 */
export const STAFF_APPOINTMENT_LIMITS = {
  mailingChangesPerClerk: { max: 120, windowMs: HOUR },
  bookingsPerEmail: { max: 5, windowMs: 24 * HOUR, code: 'booking_limit_reached' as const },
};

/**
 * The clerk's side of appointments: the day's list, booking for a caller, cancelling, moving and
 * no-shows. Mounted below the staff department router (`/staff/departments/:departmentId`).
 */
export function appointmentsStaffRouter(deps: AppDeps): Router {
  const router = Router();
  const mailingChanges = deps.limits.limiter('staff-appointment-mail', STAFF_APPOINTMENT_LIMITS.mailingChangesPerClerk);
  const bookingsPerEmail = deps.limits.limiter('staff-booking-email', STAFF_APPOINTMENT_LIMITS.bookingsPerEmail);

  router.get('/appointments', async (req, res) => {
    const query = parseInput(StaffAppointmentsQuerySchema, req.query);
    res.json(await listAppointmentsForClerk(ctxOf(deps), currentClerk(req), query.date));
  });

  router.post('/appointments', async (req, res) => {
    const clerk = currentClerk(req);
    await mailingChanges.hit(clerk.staff.id);
    const request = parseTextInput(StaffBookingRequestSchema, req.body);
    const email = request.email;
    // Without an address nothing is mailed, and nothing counts against one.
    if (email) await bookingsPerEmail.hit(email);
    let appointment: StaffAppointment;
    try {
      appointment = await bookAsStaff(ctxOf(deps), clerk, request);
    } catch (error) {
      // Only bookings made count against the address (a taken slot costs the caller nothing).
      if (email) {
        await bookingsPerEmail.undo(email).catch((undoFailed: unknown) => {
          req.log.warn({ err: undoFailed }, 'could not give back a refused booking’s count');
        });
      }
      throw error;
    }
    res.status(201).json({ appointment });
  });

  router.post('/appointments/:appointmentId/cancel', async (req, res) => {
    const clerk = currentClerk(req);
    await mailingChanges.hit(clerk.staff.id);
    const appointmentId = appointmentIdOf(req.params.appointmentId);
    const { note } = parseTextInput(CancelAppointmentRequestSchema, req.body ?? {});
    res.json({ appointment: await cancelAsStaff(ctxOf(deps), clerk, appointmentId, note) });
  });

  router.post('/appointments/:appointmentId/move', async (req, res) => {
    const clerk = currentClerk(req);
    await mailingChanges.hit(clerk.staff.id);
    const appointmentId = appointmentIdOf(req.params.appointmentId);
    const { startsAt } = parseInput(MoveAppointmentRequestSchema, req.body);
    res.json({ appointment: await moveAsStaff(ctxOf(deps), clerk, appointmentId, new Date(startsAt)) });
  });

  router.post('/appointments/:appointmentId/no-show', async (req, res) => {
    await markAppointmentNoShow(ctxOf(deps), currentClerk(req), appointmentIdOf(req.params.appointmentId));
    res.status(204).end();
  });

  return router;
}
