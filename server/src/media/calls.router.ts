import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { parseCookies, STAFF_COOKIE } from '../lib/cookies.js';
import { AppError } from '../lib/errors.js';
import { resolveSession } from '../features/staff/auth.service.js';
import { inviteGuestIdFromCookie } from '../features/invites/invite-cookie.js';
import { visitIdFromCookie } from '../features/visits/visits.router.js';
import { parseInput } from '../lib/validate.js';
import { joinDetails, resolveCallGrant, setCitizenScreenShare } from './call-access.service.js';
import { livekitRooms } from './livekit.provider.js';

export function callsRouter(deps: AppDeps): Router {
  const router = Router();

  // POST, not GET: a token is minted, and the answer must never be cached or prefetched.
  const grantFor = async (req: Request) => {
    const visitId = z.uuid().safeParse(req.params.visitId);
    if (!visitId.success) throw new AppError('forbidden');
    const staffToken = parseCookies(req.headers.cookie)[STAFF_COOKIE];
    return resolveCallGrant(deps.database.db, {
      visitId: visitId.data,
      staff: await resolveSession(deps.database.db, staffToken, deps.now()),
      citizenVisitId: visitIdFromCookie(deps.config.sessionSecret, req.headers.cookie),
      inviteGuestId: inviteGuestIdFromCookie(deps.config.sessionSecret, req.headers.cookie),
      now: deps.now(),
    });
  };

  router.post('/calls/:visitId/join', async (req, res) => {
    const grant = await grantFor(req);
    res.set('Cache-Control', 'no-store').json(await joinDetails(deps.config, grant));
  });

  // LiveKit calls: the clerk's permission goes to LiveKit at once. (Peer-to-peer calls use the
  // WebSocket message `call-allow-screen`, which records the same permission.)
  router.post('/calls/:visitId/screen-share', async (req, res) => {
    const grant = await grantFor(req);
    const body = parseInput(z.object({ allowed: z.boolean() }), req.body);
    await setCitizenScreenShare(deps.database.db, grant, body.allowed);
    if (deps.config.media.mode === 'livekit' && deps.config.media.livekit) {
      await livekitRooms(deps.config.media.livekit).setScreenShare(
        grant.visitId,
        `citizen-${grant.visitId}`,
        body.allowed,
      );
    }
    res.status(204).end();
  });

  return router;
}
