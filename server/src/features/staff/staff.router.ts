import { LoginRequestSchema, SecondFactorRequestSchema, SecondFactorSetupRequestSchema } from '@amtsraum/shared';
import { Router } from 'express';
import { ctxOf, type AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { clearCookie, cookieOptions, parseCookies, STAFF_COOKIE } from '../../lib/cookies.js';
import type { RateLimiter } from '../../lib/rate-limit.js';
import { parseInput } from '../../lib/validate.js';
import { describeStaff, SESSION_MAX_AGE_MS, signIn, signOut } from './auth.service.js';
import {
  DEVICE_COOKIE,
  deviceCookieOptions,
  knowsAccount,
  LEGACY_DEVICE_COOKIE,
  readKnownDevice,
  readLegacyDevice,
  rememberAccount,
} from './known-device.js';
import { currentSession, requireStaff } from './require-staff.js';
import { hasAuthenticator } from './authenticator.js';
import { confirmSecondFactor, proveSecondFactor, setupAsksPassword, startSecondFactorSetup } from './second-factor.js';

const LOGIN_WINDOW_MS = 15 * 60_000;

/**
 * Sign-outs that ended no session, per address group (a clerk's own sign-out is not counted, and
 * one without a cookie neither): a script's made-up cookies are refused after 120.
 */
export const LOGOUT_LIMITS = { perAddress: { max: 120, windowMs: 10 * 60_000 } };

export function staffRouter(deps: AppDeps): Router {
  const router = Router();
  const secret = deps.config.sessionSecret;
  // Lock the guessing, not the person (issue 11): tries from devices that never signed in to the
  // account count per address and per account; tries from the account's own device count per
  // device. A guessing run can then shut out unknown devices for a while, never the clerk's own.
  const byAddress = deps.limits.limiter('login-address', { max: 20, windowMs: LOGIN_WINDOW_MS });
  const byAccount = deps.limits.limiter('login-account', { max: 10, windowMs: LOGIN_WINDOW_MS });
  const byDevice = deps.limits.limiter('login-device', { max: 10, windowMs: LOGIN_WINDOW_MS });

  router.post('/staff/login', async (req, res) => {
    const body = parseInput(LoginRequestSchema, req.body);
    const device = readKnownDevice(secret, req.headers.cookie);
    const counted: [RateLimiter, string][] = knowsAccount(secret, device, body.email)
      ? [[byDevice, device.id]]
      : [
          [byAddress, requestAddressGroup(req)],
          [byAccount, body.email],
        ];
    // Counted before the password is checked, so parallel guesses cannot slip past the limit.
    for (const [limiter, value] of counted) await limiter.hit(value);
    const { token, staff } = await signIn(deps.database.db, { ...body, now: deps.now() });
    // A right password is no guess: it gives its count back.
    for (const [limiter, value] of counted) await limiter.undo(value);
    res.cookie(STAFF_COOKIE, token, cookieOptions(deps.config, SESSION_MAX_AGE_MS));
    res.cookie(DEVICE_COOKIE, rememberAccount(secret, device, body.email), deviceCookieOptions(deps.config));
    // The old name's cookie is removed at its own path only: a kiosk's pairing cookie of that name
    // (path /) in the same browser stays.
    if (readLegacyDevice(secret, req.headers.cookie)) {
      const { maxAge: _maxAge, ...options } = deviceCookieOptions(deps.config);
      res.clearCookie(LEGACY_DEVICE_COOKIE, options);
    }
    req.log.info({ staffId: staff.id }, 'staff signed in');
    res.json(await describeStaff(deps.database.db, staff, 'password', deps.config.sessionSecret));
  });

  // Guessing six digits: 5 tries per 15 minutes per account, whatever the device.
  const secondFactorTries = deps.limits.limiter('second-factor', { max: 5, windowMs: LOGIN_WINDOW_MS });
  router.post('/staff/second-factor', requireStaff(deps), async (req, res) => {
    const body = parseInput(SecondFactorRequestSchema, req.body);
    const session = currentSession(req);
    await secondFactorTries.hit(session.staff.id);
    await proveSecondFactor(ctxOf(deps), session, body.code);
    await secondFactorTries.undo(session.staff.id);
    req.log.info({ staffId: session.staff.id }, 'staff proved second factor');
    res.json(await describeStaff(deps.database.db, session.staff, 'totp', deps.config.sessionSecret));
  });

  // The password asked for a setup is guessed like a code: the same five tries.
  router.post('/staff/second-factor/setup', requireStaff(deps), async (req, res) => {
    const body = parseInput(SecondFactorSetupRequestSchema, req.body);
    const session = currentSession(req);
    const replacing = hasAuthenticator(deps.config.sessionSecret, session.staff);
    const checksPassword = setupAsksPassword(deps.config.sessionSecret, session);
    if (checksPassword) await secondFactorTries.hit(session.staff.id);
    const setup = await startSecondFactorSetup(ctxOf(deps), session, body.password);
    if (checksPassword) await secondFactorTries.undo(session.staff.id);
    req.log.info({ staffId: session.staff.id, replacing }, 'staff started authenticator setup');
    res.json(setup);
  });

  router.post('/staff/second-factor/confirm', requireStaff(deps), async (req, res) => {
    const body = parseInput(SecondFactorRequestSchema, req.body);
    const session = currentSession(req);
    await secondFactorTries.hit(session.staff.id);
    await confirmSecondFactor(ctxOf(deps), session, body.code);
    await secondFactorTries.undo(session.staff.id);
    req.log.info({ staffId: session.staff.id }, 'staff confirmed authenticator');
    const me = await describeStaff(deps.database.db, session.staff, 'totp', deps.config.sessionSecret);
    res.json({ staff: { ...me.staff, secondFactor: { enrolled: true, proved: true } } });
  });

  // A sign-out is never refused while its session lives: the session is ended first, whatever
  // the limit (a clerk's sign-out refused behind a town hall's one address left the session
  // alive on the desk). Only sign-outs that ended nothing count per address: one without a cookie
  // costs no query and is answered at once, one with a made-up cookie costs a delete by the
  // token's hash, as a forged cookie on any staff route costs a lookup, and is counted, so that
  // neither a script's empty sign-outs nor its made-up ones use up the clerks' real ones.
  const signOuts = deps.limits.limiter('logout-address', LOGOUT_LIMITS.perAddress);
  router.post('/staff/logout', async (req, res) => {
    clearCookie(res, deps.config, STAFF_COOKIE);
    const token = parseCookies(req.headers.cookie)[STAFF_COOKIE];
    if (token !== undefined && !(await signOut(ctxOf(deps), token))) await signOuts.hit(requestAddressGroup(req));
    res.status(204).end();
  });

  router.get('/staff/me', requireStaff(deps), async (req, res) => {
    const session = currentSession(req);
    res.json(await describeStaff(deps.database.db, session.staff, session.authMethod, deps.config.sessionSecret));
  });

  return router;
}
