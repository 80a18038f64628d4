import { DeclineRequestSchema, DoorSettingSchema } from '@amtsraum/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { livekitRooms } from '../../media/livekit.provider.js';
import { currentStaff, requireStaff } from '../staff/require-staff.js';
import { admit, decline, finish, getConsole, setDoor } from './console.service.js';

const IdSchema = z.uuid();

export function consoleRouter(deps: AppDeps): Router {
  const router = Router();
  router.use('/staff/departments', requireStaff(deps));
  const rooms =
    deps.config.media.mode === 'livekit' && deps.config.media.livekit ? livekitRooms(deps.config.media.livekit) : null;

  const ctx = (req: Request) => ({
    db: deps.database.db,
    events: deps.events,
    now: deps.now(),
    staff: currentStaff(req),
  });
  // A malformed id cannot name anything: answer as for an unknown one.
  const id = (value: string | undefined, code: 'department_not_found' | 'visit_not_found') => {
    const parsed = IdSchema.safeParse(value);
    if (!parsed.success) throw new AppError(code);
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
    const visitId = id(req.params.visitId, 'visit_not_found');
    await finish(ctx(req), departmentId, visitId);
    // The call ends for everyone: close its LiveKit room (peer-to-peer calls end over the WebSocket).
    if (rooms) {
      await rooms
        .closeRoom(visitId)
        .catch((error: unknown) => req.log.warn({ err: error }, 'could not close the LiveKit room'));
    }
    res.status(204).end();
  });

  return router;
}
