import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { parseCookies, STAFF_COOKIE } from '../lib/cookies.js';
import { AppError } from '../lib/errors.js';
import { resolveSession } from '../features/staff/auth.service.js';
import { visitIdFromCookie } from '../features/visits/visits.router.js';
import { joinDetails, resolveCallGrant } from './call-access.service.js';

export function callsRouter(deps: AppDeps): Router {
  const router = Router();

  // POST, not GET: a token is minted, and the answer must never be cached or prefetched.
  router.post('/calls/:visitId/join', async (req, res) => {
    const visitId = z.uuid().safeParse(req.params.visitId);
    if (!visitId.success) throw new AppError('forbidden', 403);
    const staffToken = parseCookies(req.headers.cookie)[STAFF_COOKIE];
    const grant = await resolveCallGrant(deps.database.db, {
      visitId: visitId.data,
      staff: await resolveSession(deps.database.db, staffToken, deps.now()),
      citizenVisitId: visitIdFromCookie(deps.config.sessionSecret, req.headers.cookie),
    });
    res.set('Cache-Control', 'no-store').json(await joinDetails(deps.config, grant));
  });

  return router;
}
