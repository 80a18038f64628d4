import { KioskCheckInRequestSchema, KioskTicketRequestSchema } from '@amtsraum/shared';
import { Router } from 'express';
import { ctxOf, type AppDeps } from '../../deps.js';
import { parseInput } from '../../lib/validate.js';
import { currentDevice, requireDevice } from '../devices/require-device.js';
import { checkIn, drawTicket, kioskState } from './kiosk.service.js';

/**
 * A kiosk serves one entrance, so its limits are those of a busy morning, not of one person: they
 * stop a tampered or scripted tablet. A booking code's typed tries are limited on their own (beside
 * the lock after three wrong dates of birth), so one code cannot be tried from many kiosks.
 */
export const KIOSK_LIMITS = {
  checkInPerDevice: { max: 60, windowMs: 10 * 60_000 },
  checkInPerBookingCode: { max: 10, windowMs: 10 * 60_000 },
  ticketsPerDevice: { max: 120, windowMs: 10 * 60_000 },
  /** The start screen reads once a minute and after each check-in or ticket. */
  stateReadsPerDevice: { max: 600, windowMs: 10 * 60_000 },
};

/** The kiosk's routes (issue 16, item 2), for a paired kiosk only (`device_not_paired` otherwise). */
export function kioskRouter(deps: AppDeps): Router {
  const router = Router();
  const kiosk = requireDevice(deps, 'kiosk');
  const checkInsByDevice = deps.limits.limiter('kiosk-check-in-device', KIOSK_LIMITS.checkInPerDevice);
  const checkInsByCode = deps.limits.limiter('kiosk-check-in-code', KIOSK_LIMITS.checkInPerBookingCode);
  const ticketsByDevice = deps.limits.limiter('kiosk-ticket-device', KIOSK_LIMITS.ticketsPerDevice);
  const stateReadsByDevice = deps.limits.limiter('kiosk-state-device', KIOSK_LIMITS.stateReadsPerDevice);

  router.get('/kiosk', kiosk, async (req, res) => {
    const device = currentDevice(req);
    await stateReadsByDevice.hit(device.id);
    const state = await kioskState(ctxOf(deps), device);
    res.set('Cache-Control', 'no-store').json({ kiosk: state });
  });

  router.post('/kiosk/check-in', kiosk, async (req, res) => {
    const device = currentDevice(req);
    await checkInsByDevice.hit(device.id);
    const request = parseInput(KioskCheckInRequestSchema, req.body);
    if ('bookingCode' in request) await checkInsByCode.hit(request.bookingCode);
    const ticket = await checkIn(ctxOf(deps), device, request);
    res.set('Cache-Control', 'no-store').json({ ticket });
  });

  router.post('/kiosk/tickets', kiosk, async (req, res) => {
    const device = currentDevice(req);
    await ticketsByDevice.hit(device.id);
    const request = parseInput(KioskTicketRequestSchema, req.body ?? {});
    const ticket = await drawTicket(ctxOf(deps), device, request);
    res.status(201).set('Cache-Control', 'no-store').json({ ticket });
  });

  return router;
}
