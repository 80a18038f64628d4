import {
  BookingRequestSchema,
  CancelAppointmentRequestSchema,
  ManageRequestSchema,
  MoveAppointmentRequestSchema,
  RebookRequestSchema,
  SlotQuerySchema,
  StaffBookingRequestSchema,
  type BookingInfo,
  type CitizenAppointment,
  type SlotsResponse,
  type StaffAppointment,
} from '@amtsraum/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import { AppError } from '../../lib/errors.js';
import { RateLimiter } from '../../lib/rate-limit.js';
import { parseInput } from '../../lib/validate.js';
import { currentStaff, requireStaff } from '../staff/require-staff.js';
import {
  bookAsCitizen,
  bookAsStaff,
  cancelAsStaff,
  cancelByToken,
  findSlots,
  getBookingInfo,
  manageByToken,
  moveAsStaff,
  rebookByToken,
} from './booking.service.js';

const IdSchema = z.uuid();
const HOUR = 3600_000;

/** Booking limits; exported so tests name the numbers they probe. */
export const BOOKING_LIMITS = {
  /** Bookings per client address: a family or an office behind one address books a few, a script many. */
  perAddress: { max: 10, windowMs: HOUR },
  /** Bookings per e-mail address: one person rarely needs more than a handful a day. */
  perEmail: { max: 5, windowMs: 24 * HOUR },
  /** Manage-link requests per address: 256-bit tokens cannot be guessed; this spares the database. */
  manage: { max: 60, windowMs: 10 * 60_000 },
  /** Slot searches per address. */
  slots: { max: 300, windowMs: 10 * 60_000 },
};

/**
 * Reserved appointments (issue 6): the public booking page, the manage link from the e-mail, and
 * the clerk's booking, cancelling and moving. Tokens travel in POST bodies only, never in URLs.
 */
export function bookingRouter(deps: AppDeps): Router {
  const router = Router();
  const signedIn = requireStaff(deps);
  const byAddress = new RateLimiter(BOOKING_LIMITS.perAddress);
  const byEmail = new RateLimiter(BOOKING_LIMITS.perEmail);
  const manage = new RateLimiter(BOOKING_LIMITS.manage);
  const searches = new RateLimiter(BOOKING_LIMITS.slots);

  const ctx = () => ({ db: deps.database.db, events: deps.events, now: deps.now(), config: deps.config });
  const staffCtx = (req: Request) => ({ ...ctx(), staff: currentStaff(req) });
  const address = (req: Request) => req.ip ?? 'unknown';
  // A malformed id cannot name anything: answer as for an unknown one.
  const id = (value: unknown, code: 'department_not_found' | 'appointment_not_found') => {
    const parsed = IdSchema.safeParse(value);
    if (!parsed.success) throw new AppError(code);
    return parsed.data;
  };

  router.get('/tenants/:tenant/departments/:department/booking', async (req, res) => {
    const info: BookingInfo = await getBookingInfo(deps.database.db, req.params.tenant, req.params.department);
    res.json(info);
  });

  router.get('/tenants/:tenant/departments/:department/slots', async (req, res) => {
    searches.hit(address(req));
    const query = parseInput(SlotQuerySchema, req.query);
    const slots: SlotsResponse = await findSlots(ctx(), {
      tenantSlug: req.params.tenant,
      departmentSlug: req.params.department,
      query,
    });
    res.json(slots);
  });

  router.post('/tenants/:tenant/departments/:department/appointments', async (req, res) => {
    byAddress.hit(address(req));
    const request = parseInput(BookingRequestSchema, req.body);
    byEmail.hit(request.email);
    const appointment: CitizenAppointment = await bookAsCitizen(ctx(), {
      tenantSlug: req.params.tenant,
      departmentSlug: req.params.department,
      request,
    });
    res.status(201).json({ appointment });
  });

  router.post('/appointments/manage', async (req, res) => {
    manage.hit(address(req));
    const { token } = parseInput(ManageRequestSchema, req.body);
    res.json({ appointment: await manageByToken(ctx(), token) });
  });

  router.post('/appointments/cancel', async (req, res) => {
    manage.hit(address(req));
    const { token } = parseInput(ManageRequestSchema, req.body);
    res.json({ appointment: await cancelByToken(ctx(), token) });
  });

  router.post('/appointments/rebook', async (req, res) => {
    manage.hit(address(req));
    const { token, startsAt } = parseInput(RebookRequestSchema, req.body);
    res.json({ appointment: await rebookByToken(ctx(), token, new Date(startsAt)) });
  });

  router.post('/staff/departments/:departmentId/appointments', signedIn, async (req, res) => {
    const departmentId = id(req.params.departmentId, 'department_not_found');
    const request = parseInput(StaffBookingRequestSchema, req.body);
    const appointment: StaffAppointment = await bookAsStaff(staffCtx(req), departmentId, request);
    res.status(201).json({ appointment });
  });

  router.post('/staff/departments/:departmentId/appointments/:appointmentId/cancel', signedIn, async (req, res) => {
    const departmentId = id(req.params.departmentId, 'department_not_found');
    const appointmentId = id(req.params.appointmentId, 'appointment_not_found');
    const { note } = parseInput(CancelAppointmentRequestSchema, req.body ?? {});
    res.json({ appointment: await cancelAsStaff(staffCtx(req), departmentId, appointmentId, note) });
  });

  router.post('/staff/departments/:departmentId/appointments/:appointmentId/move', signedIn, async (req, res) => {
    const departmentId = id(req.params.departmentId, 'department_not_found');
    const appointmentId = id(req.params.appointmentId, 'appointment_not_found');
    const { startsAt } = parseInput(MoveAppointmentRequestSchema, req.body);
    res.json({ appointment: await moveAsStaff(staffCtx(req), departmentId, appointmentId, new Date(startsAt)) });
  });

  return router;
}
