import { DeclineRequestSchema, DoorSettingSchema, StaffWalkInRequestSchema } from '@amtsraum/shared';
import { Router } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { parseInput, parseTextInput } from '../../lib/validate.js';
import { currentClerk, requireStaff } from '../staff/require-staff.js';
import { staffAccessOf } from '../staff/staff-access.js';
import { admit, decline, finish, finishOwnVisit, getConsole, noShow, recall, setDoor } from './console.service.js';
import { checkInAppointment, drawAtCounter } from './counter-check-in.js';
import { staleSightingMs } from '../visits/sightings.js';

/**
 * On-site actions per clerk (issue 16): a clerk at a counter checks people in and calls them by
 * hand, a few a minute; a script with a stolen session would draw tickets in bulk.
 */
export const COUNTER_ACTION_LIMITS = { perStaff: { max: 60, windowMs: 60_000 } };

const IdSchema = z.uuid();

/** The clerk's console and door; mounted below the staff department router (`/staff/departments/:id`). */
export function consoleRouter(deps: AppDeps): Router {
  const router = Router();
  const counterActions = deps.limits.limiter('counter-actions', COUNTER_ACTION_LIMITS.perStaff);
  // A malformed id cannot name anything: answer as for an unknown one.
  const visitIdOf = (value: string | undefined) => {
    const parsed = IdSchema.safeParse(value);
    if (!parsed.success) throw new AppError('visit_not_found');
    return parsed.data;
  };

  router.get('/console', async (req, res) => {
    res.json(await getConsole(ctxOf(deps), currentClerk(req)));
  });

  router.put('/door', async (req, res) => {
    const clerk = currentClerk(req);
    await setDoor(ctxOf(deps), clerk, parseInput(DoorSettingSchema, req.body));
    res.json(await getConsole(ctxOf(deps), clerk));
  });

  router.post('/admit-next', async (req, res) => {
    // no-store: the answer carries the clerk's call grant (a LiveKit token, like the join's).
    const clerk = currentClerk(req);
    // Passed over: those the hub heard lost, and those no process has seen for a while (the one
    // holding their socket died, and only a process with this console open reads the sightings).
    const ctx = ctxOf(deps);
    const seenSince = new Date(ctx.now.getTime() - staleSightingMs(deps.config.visitGraceSeconds));
    res
      .set('Cache-Control', 'no-store')
      .json(await admit(ctx, clerk, 'next', { lost: deps.lostCitizens(clerk.departmentId), seenSince }));
  });

  router.post('/visits/:visitId/admit', async (req, res) => {
    res
      .set('Cache-Control', 'no-store')
      .json(await admit(ctxOf(deps), currentClerk(req), visitIdOf(req.params.visitId)));
  });

  router.post('/visits/:visitId/decline', async (req, res) => {
    const body = parseTextInput(DeclineRequestSchema, req.body ?? {});
    await decline(ctxOf(deps), currentClerk(req), visitIdOf(req.params.visitId), body.note);
    res.status(204).end();
  });

  router.post('/visits/:visitId/finish', async (req, res) => {
    await finish(ctxOf(deps), currentClerk(req), visitIdOf(req.params.visitId));
    res.status(204).end();
  });

  router.post('/visits/:visitId/recall', async (req, res) => {
    const clerk = currentClerk(req);
    await counterActions.hit(clerk.staff.id);
    await recall(ctxOf(deps), clerk, visitIdOf(req.params.visitId));
    res.status(204).end();
  });

  router.post('/visits/:visitId/no-show', async (req, res) => {
    const clerk = currentClerk(req);
    await counterActions.hit(clerk.staff.id);
    await noShow(ctxOf(deps), clerk, visitIdOf(req.params.visitId));
    res.status(204).end();
  });

  router.post('/appointments/:appointmentId/check-in', async (req, res) => {
    const clerk = currentClerk(req);
    const appointmentId = IdSchema.safeParse(req.params.appointmentId);
    if (!appointmentId.success) throw new AppError('appointment_not_found');
    await counterActions.hit(clerk.staff.id);
    res.json(await checkInAppointment(ctxOf(deps), clerk, appointmentId.data));
  });

  router.post('/onsite-tickets', async (req, res) => {
    const clerk = currentClerk(req);
    const body = parseTextInput(StaffWalkInRequestSchema, req.body ?? {});
    await counterActions.hit(clerk.staff.id);
    res.status(201).json(await drawAtCounter(ctxOf(deps), clerk, body));
  });

  return router;
}

const FinishParamsSchema = z.object({ departmentId: z.uuid(), visitId: z.uuid() });

/**
 * Mounted before the staff department router. A clerk whose role in the department is taken away
 * during a conversation may still end that conversation: the citizen is not cut off mid-sentence,
 * and the call ends the ordinary way, with its audit entry and the citizen's closing page. Nothing
 * else passes: no admit, no door, and only the visit this clerk let in (the finish query checks
 * it). Members, and anything malformed, go on to the department router as before.
 */
export function formerClerkRouter(deps: AppDeps): Router {
  const router = Router();
  // The session and membership as the department router checks them next (kept, staff-access.ts).
  const access = staffAccessOf(deps.events);
  router.post(
    '/staff/departments/:departmentId/visits/:visitId/finish',
    requireStaff(deps, { kept: true }),
    async (req, res, next) => {
      const params = FinishParamsSchema.safeParse(req.params);
      const staff = req.staff!;
      if (!params.success || (await access.membership(deps.database.db, staff.id, params.data.departmentId))) {
        return next();
      }
      const clerk = { staff, departmentId: params.data.departmentId, role: 'clerk' as const };
      if (!(await finishOwnVisit(ctxOf(deps), clerk, params.data.visitId))) throw new AppError('forbidden');
      req.log.info({ visitId: params.data.visitId }, 'visit finished by a clerk no longer in its department');
      res.status(204).end();
    },
  );
  return router;
}
