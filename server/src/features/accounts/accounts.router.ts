import {
  ChangePasswordRequestSchema,
  CheckStaffLinkRequestSchema,
  PasswordResetRequestSchema,
  ProfileSchema,
  SetPasswordRequestSchema,
} from '@amtsraum/shared';
import { Router } from 'express';
import { ctxOf, type AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { cookieOptions, STAFF_COOKIE } from '../../lib/cookies.js';
import { parseInput } from '../../lib/validate.js';
import { describeStaff, SESSION_MAX_AGE_MS } from '../staff/auth.service.js';
import { currentSession, requireStaff } from '../staff/require-staff.js';
import {
  changeOwnPassword,
  checkPasswordLink,
  requestPasswordReset,
  setPasswordWithToken,
  updateProfile,
} from './passwords.service.js';

const HOUR_MS = 60 * 60_000;

/** A staff member's own account: set a password from a link, ask for a reset, the profile. */
export function accountsRouter(deps: AppDeps): Router {
  const router = Router();
  // Mail bombing and address probing: a few resets per address an hour, and per sender address.
  const resetsPerEmail = deps.limits.limiter('password-reset-email', { max: 3, windowMs: HOUR_MS });
  const resetsPerAddress = deps.limits.limiter('password-reset-address', { max: 10, windowMs: HOUR_MS });
  const passwordChanges = deps.limits.limiter('password-change', { max: 5, windowMs: HOUR_MS / 4 });
  // Each try looks its token up: tries with a link that is not (or no longer) valid count per
  // address. A link that works gives its count back, so a town hall's clerks setting their
  // passwords one after another from one address are not held up.
  const passwordLinks = deps.limits.limiter('password-link-address', { max: 30, windowMs: HOUR_MS / 6 });

  router.post('/staff/password', async (req, res) => {
    await passwordLinks.hit(requestAddressGroup(req));
    const body = parseInput(SetPasswordRequestSchema, req.body);
    const { sessionToken, staff } = await setPasswordWithToken(ctxOf(deps), body);
    await passwordLinks.undo(requestAddressGroup(req));
    res.cookie(STAFF_COOKIE, sessionToken, cookieOptions(deps.config, SESSION_MAX_AGE_MS));
    req.log.info({ staffId: staff.id }, 'staff set a password from a link');
    res.json(await describeStaff(deps.database.db, staff, 'password', deps.config.sessionSecret));
  });

  // The page asks when it opens, so a dead link is said before anyone types a password twice.
  // The same count as setting the password, so checking gives a guesser no extra tries; a body
  // refused by its shape looks nothing up and is not counted.
  router.post('/staff/password/check', async (req, res) => {
    const body = parseInput(CheckStaffLinkRequestSchema, req.body);
    await passwordLinks.hit(requestAddressGroup(req));
    await checkPasswordLink(ctxOf(deps), body.token);
    await passwordLinks.undo(requestAddressGroup(req));
    res.set('Cache-Control', 'no-store').status(204).end();
  });

  // Answered before anything is looked up or written: for an account that exists the link and its
  // mail are written, for an unknown address nothing, and an answer sent after the writes came
  // later for real accounts, which told them apart (no account enumeration, by time either).
  router.post('/staff/password-reset', async (req, res) => {
    const body = parseInput(PasswordResetRequestSchema, req.body);
    await resetsPerAddress.hit(requestAddressGroup(req));
    await resetsPerEmail.hit(body.email);
    const ctx = ctxOf(deps);
    deps.afterAnswer.run(res, 'password reset', () => requestPasswordReset(ctx, body.email));
    res.status(202).json({ accepted: true });
  });

  router.get('/staff/profile', requireStaff(deps), (req, res) => {
    const { staff } = currentSession(req);
    res.json({ name: staff.name, languages: staff.languages });
  });

  router.put('/staff/profile', requireStaff(deps), async (req, res) => {
    const body = parseInput(ProfileSchema, req.body);
    res.json(await updateProfile(ctxOf(deps), currentSession(req).staff, body));
  });

  router.post('/staff/profile/password', requireStaff(deps), async (req, res) => {
    const body = parseInput(ChangePasswordRequestSchema, req.body);
    const session = currentSession(req);
    await passwordChanges.hit(session.staff.id);
    await changeOwnPassword(ctxOf(deps), session, body);
    await passwordChanges.undo(session.staff.id);
    res.status(204).end();
  });

  return router;
}
