import { Router, type Request } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { allowCitizenScreenShare, joinCall, previewCall } from './call-access.js';
import { readCallerCookies, resolveCaller } from './caller.js';

export function callsRouter(deps: AppDeps): Router {
  const router = Router();
  const callOf = async (req: Request<{ visitId: string }>) => {
    // A malformed id names no call anyone may enter.
    const visitId = z.uuid().safeParse(req.params.visitId);
    if (!visitId.success) throw new AppError('forbidden');
    const cookies = readCallerCookies(deps.config.sessionSecret, req.headers.cookie);
    return { visitId: visitId.data, caller: await resolveCaller(deps.database.db, cookies, deps.now()) };
  };

  // POST, not GET: a token is minted, and the answer must never be cached or prefetched.
  router.post('/calls/:visitId/join', async (req, res) => {
    const { visitId, caller } = await callOf(req);
    res.set('Cache-Control', 'no-store').json(await joinCall(ctxOf(deps), caller, visitId));
  });

  // POST like the join: personal, never cached, never prefetched.
  router.post('/calls/:visitId/preview', async (req, res) => {
    const { visitId, caller } = await callOf(req);
    res.set('Cache-Control', 'no-store').json(await previewCall(ctxOf(deps), caller, visitId));
  });

  router.post('/calls/:visitId/screen-share', async (req, res) => {
    const { visitId, caller } = await callOf(req);
    const body = parseInput(z.object({ allowed: z.boolean() }), req.body);
    await allowCitizenScreenShare(ctxOf(deps), caller, visitId, body.allowed);
    res.status(204).end();
  });

  return router;
}
