import { Router, type Request } from 'express';
import { ScreenShareRequestSchema, type CallStatus } from '@amtsraum/shared';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { allowScreenShare, callStatus, joinCall, previewCall } from './call-access.js';
import { readCallerCookies, resolveCaller } from './caller.js';

/**
 * Per address, a minute. A page joins a few times per call (a retry, a reload), and asks for the
 * status while its media connection is lost, at most every 15 s after the first few seconds
 * (useCall.ts). A town hall's clerks share one address: room for many pages at once. A script in a
 * loop is stopped before it makes LiveKit open rooms or the database read grants at its pace.
 */
export const CALL_REQUEST_LIMIT = { max: 120, windowMs: 60_000 };

export function callsRouter(deps: AppDeps): Router {
  const router = Router();
  const requests = deps.limits.limiter('call-requests', CALL_REQUEST_LIMIT);
  const statusChecks = deps.limits.limiter('call-status', CALL_REQUEST_LIMIT);
  const callOf = async (req: Request<{ visitId: string }>) => {
    // A malformed id names no call anyone may enter.
    const visitId = z.uuid().safeParse(req.params.visitId);
    if (!visitId.success) throw new AppError('forbidden');
    const cookies = readCallerCookies(deps.config.sessionSecret, req.headers.cookie);
    return { visitId: visitId.data, caller: await resolveCaller(deps.database.db, cookies, deps.now()) };
  };

  // POST, not GET: a token is minted, and the answer must never be cached or prefetched.
  router.post('/calls/:visitId/join', async (req, res) => {
    await requests.hit(requestAddressGroup(req));
    const { visitId, caller } = await callOf(req);
    res.set('Cache-Control', 'no-store').json(await joinCall(ctxOf(deps), caller, visitId));
  });

  // The answer for a call the caller may not enter is `ended`, whatever the reason: not theirs,
  // unknown, over, or a name no call can have. One answer for all, so that it tells nobody which
  // ids exist, and a page asking with a broken link hears the same as with an old one.
  router.get('/calls/:visitId/status', async (req, res) => {
    await statusChecks.hit(requestAddressGroup(req));
    res.set('Cache-Control', 'no-store');
    if (!z.uuid().safeParse(req.params.visitId).success) return void res.json({ status: 'ended' } satisfies CallStatus);
    const { visitId, caller } = await callOf(req);
    res.json(await callStatus(ctxOf(deps), caller, visitId));
  });

  // POST like the join: personal, never cached, never prefetched.
  router.post('/calls/:visitId/preview', async (req, res) => {
    await requests.hit(requestAddressGroup(req));
    const { visitId, caller } = await callOf(req);
    res.set('Cache-Control', 'no-store').json(await previewCall(ctxOf(deps), caller, visitId));
  });

  router.post('/calls/:visitId/screen-share', async (req, res) => {
    await requests.hit(requestAddressGroup(req));
    const { visitId, caller } = await callOf(req);
    await allowScreenShare(ctxOf(deps), caller, visitId, parseInput(ScreenShareRequestSchema, req.body));
    res.status(204).end();
  });

  return router;
}
