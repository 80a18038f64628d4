import { DeclineRequestSchema, DoorSettingSchema } from '@amtsraum/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { currentStaff, requireStaff } from '../staff/require-staff.js';
import { admit, decline, finish, getConsole, setDoor } from './console.service.js';

const IdSchema = z.uuid();

export function consoleRouter(deps: AppDeps): Router {
  const router = Router();
  router.use('/staff/departments', requireStaff(deps));

  const ctx = (req: Request) => ({
    db: deps.database.db,
    events: deps.events,
    now: deps.now(),
    staff: currentStaff(req),
  });
  // A malformed id cannot name anything: answer as for an unknown one.
  const id = (value: string | undefined, code: 'department_not_found' | 'visit_not_found') => {
    const parsed = IdSchema.safeParse(value);
    if (!parsed.success) throw new AppError(code, 404);
    return parsed.data;
  };

  router.get('/staff/departments/:departmentId/console', async (req, res) => {
    res.json(await getConsole(ctx(req), id(req.params.departmentId, 'department_not_found')));
  });

  router.put('/staff/departments/:departmentId/door', async (req, res) => {
    const departmentId = id(req.params.departmentId, 'department_not_found');
    await setDoor(ctx(req), departmentId, parseInput(DoorSettingSchema, req.body));
    res.json(await getConsole(ctx(req), departmentId));
  });

  router.post('/staff/departments/:departmentId/admit-next', async (req, res) => {
    res.json(await admit(ctx(req), id(req.params.departmentId, 'department_not_found'), 'next'));
  });

  router.post('/staff/departments/:departmentId/visits/:visitId/admit', async (req, res) => {
    const departmentId = id(req.params.departmentId, 'department_not_found');
    res.json(await admit(ctx(req), departmentId, id(req.params.visitId, 'visit_not_found')));
  });

  router.post('/staff/departments/:departmentId/visits/:visitId/decline', async (req, res) => {
    const departmentId = id(req.params.departmentId, 'department_not_found');
    const body = parseInput(DeclineRequestSchema, req.body ?? {});
    await decline(ctx(req), departmentId, id(req.params.visitId, 'visit_not_found'), body.note);
    res.status(204).end();
  });

  router.post('/staff/departments/:departmentId/visits/:visitId/finish', async (req, res) => {
    const departmentId = id(req.params.departmentId, 'department_not_found');
    await finish(ctx(req), departmentId, id(req.params.visitId, 'visit_not_found'));
    res.status(204).end();
  });

  return router;
}
