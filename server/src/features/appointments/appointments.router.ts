import { ManageRequestSchema, StaffAppointmentsQuerySchema, type ArriveResponseSchema } from '@amtsraum/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import { AppError } from '../../lib/errors.js';
import { RateLimiter } from '../../lib/rate-limit.js';
import { parseInput } from '../../lib/validate.js';
import { currentStaff, requireStaff } from '../staff/require-staff.js';
import { setVisitCookie } from '../visits/visits.router.js';
import { arrive, listAppointmentsForClerk, markAppointmentNoShow } from './appointments.service.js';

const IdSchema = z.uuid();

/** The appointment day: arriving through the join link, and the clerk's list and no-shows. */
export function appointmentsRouter(deps: AppDeps): Router {
  const router = Router();
  // The token carries 256 random bits, so this only keeps a script from hammering the database.
  const arrivals = new RateLimiter({ max: 30, windowMs: 10 * 60_000 });
  const signedIn = requireStaff(deps);
  const ctx = () => ({ db: deps.database.db, events: deps.events, now: deps.now() });
  const staffCtx = (req: Request) => ({ ...ctx(), staff: currentStaff(req) });
  const id = (value: unknown, code: 'department_not_found' | 'appointment_not_found') => {
    const parsed = IdSchema.safeParse(value);
    if (!parsed.success) throw new AppError(code);
    return parsed.data;
  };

  // The token comes from the e-mail link's fragment, in the body: never in a URL or a log.
  router.post('/appointments/arrive', async (req, res) => {
    arrivals.hit(req.ip ?? 'unknown');
    const { token } = parseInput(ManageRequestSchema, req.body);
    const arrival = await arrive(ctx(), token);
    setVisitCookie(res, deps.config, arrival.visitId);
    res.json(arrival satisfies z.infer<typeof ArriveResponseSchema>);
  });

  router.get('/staff/departments/:departmentId/appointments', signedIn, async (req, res) => {
    const departmentId = id(req.params.departmentId, 'department_not_found');
    const query = parseInput(StaffAppointmentsQuerySchema, req.query);
    res.json(await listAppointmentsForClerk(staffCtx(req), departmentId, query.date));
  });

  router.post('/staff/departments/:departmentId/appointments/:appointmentId/no-show', signedIn, async (req, res) => {
    const departmentId = id(req.params.departmentId, 'department_not_found');
    await markAppointmentNoShow(staffCtx(req), departmentId, id(req.params.appointmentId, 'appointment_not_found'));
    res.status(204).end();
  });

  return router;
}
