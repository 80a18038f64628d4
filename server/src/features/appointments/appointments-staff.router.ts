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
import { parseInput } from '../../lib/validate.js';
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

/**
 * The clerk's side of appointments: the day's list, booking for a caller, cancelling, moving and
 * no-shows. Mounted below the staff department router (`/staff/departments/:departmentId`).
 */
export function appointmentsStaffRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/appointments', async (req, res) => {
    const query = parseInput(StaffAppointmentsQuerySchema, req.query);
    res.json(await listAppointmentsForClerk(ctxOf(deps), currentClerk(req), query.date));
  });

  router.post('/appointments', async (req, res) => {
    const request = parseInput(StaffBookingRequestSchema, req.body);
    const appointment: StaffAppointment = await bookAsStaff(ctxOf(deps), currentClerk(req), request);
    res.status(201).json({ appointment });
  });

  router.post('/appointments/:appointmentId/cancel', async (req, res) => {
    const appointmentId = appointmentIdOf(req.params.appointmentId);
    const { note } = parseInput(CancelAppointmentRequestSchema, req.body ?? {});
    res.json({ appointment: await cancelAsStaff(ctxOf(deps), currentClerk(req), appointmentId, note) });
  });

  router.post('/appointments/:appointmentId/move', async (req, res) => {
    const appointmentId = appointmentIdOf(req.params.appointmentId);
    const { startsAt } = parseInput(MoveAppointmentRequestSchema, req.body);
    res.json({ appointment: await moveAsStaff(ctxOf(deps), currentClerk(req), appointmentId, new Date(startsAt)) });
  });

  router.post('/appointments/:appointmentId/no-show', async (req, res) => {
    await markAppointmentNoShow(ctxOf(deps), currentClerk(req), appointmentIdOf(req.params.appointmentId));
    res.status(204).end();
  });

  return router;
}
