import { DeclineRequestSchema, DoorSettingSchema } from '@amtsraum/shared';
import { Router } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { currentClerk } from '../staff/require-staff.js';
import { admit, decline, finish, getConsole, setDoor } from './console.service.js';

const IdSchema = z.uuid();

/** The clerk's console and door; mounted below the staff department router (`/staff/departments/:id`). */
export function consoleRouter(deps: AppDeps): Router {
  const router = Router();
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
    res.json(await admit(ctxOf(deps), currentClerk(req), 'next'));
  });

  router.post('/visits/:visitId/admit', async (req, res) => {
    res.json(await admit(ctxOf(deps), currentClerk(req), visitIdOf(req.params.visitId)));
  });

  router.post('/visits/:visitId/decline', async (req, res) => {
    const body = parseInput(DeclineRequestSchema, req.body ?? {});
    await decline(ctxOf(deps), currentClerk(req), visitIdOf(req.params.visitId), body.note);
    res.status(204).end();
  });

  router.post('/visits/:visitId/finish', async (req, res) => {
    await finish(ctxOf(deps), currentClerk(req), visitIdOf(req.params.visitId));
    res.status(204).end();
  });

  return router;
}
