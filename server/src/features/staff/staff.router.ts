import { LoginRequestSchema } from '@amtsraum/shared';
import { Router } from 'express';
import type { AppDeps } from '../../deps.js';
import { clearCookie, cookieOptions, parseCookies, STAFF_COOKIE } from '../../lib/cookies.js';
import { RateLimiter } from '../../lib/rate-limit.js';
import { parseInput } from '../../lib/validate.js';
import { describeStaff, SESSION_MAX_AGE_MS, signIn, signOut } from './auth.service.js';
import { currentStaff, requireStaff } from './require-staff.js';

export function staffRouter(deps: AppDeps): Router {
  const router = Router();
  // Per address and per account: a password-guessing run from one place or against one person.
  const byAddress = new RateLimiter({ max: 20, windowMs: 15 * 60_000 });
  const byAccount = new RateLimiter({ max: 10, windowMs: 15 * 60_000 });

  router.post('/staff/login', async (req, res) => {
    byAddress.hit(req.ip ?? 'unknown');
    const body = parseInput(LoginRequestSchema, req.body);
    byAccount.hit(body.email);
    const { token, staff } = await signIn(deps.database.db, { ...body, now: deps.now() });
    byAccount.reset(body.email);
    res.cookie(STAFF_COOKIE, token, cookieOptions(deps.config, SESSION_MAX_AGE_MS));
    req.log.info({ staffId: staff.id }, 'staff signed in');
    res.json(await describeStaff(deps.database.db, staff));
  });

  router.post('/staff/logout', async (req, res) => {
    await signOut(deps.database.db, parseCookies(req.headers.cookie)[STAFF_COOKIE]);
    clearCookie(res, deps.config, STAFF_COOKIE);
    res.status(204).end();
  });

  router.get('/staff/me', requireStaff(deps), async (req, res) => {
    res.json(await describeStaff(deps.database.db, currentStaff(req)));
  });

  return router;
}
