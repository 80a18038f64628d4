import type { DeviceKind } from '@amtsraum/shared';
import type { NextFunction, Request, Response } from 'express';
import type { AppDeps } from '../../deps.js';
import { DEVICE_COOKIE, parseCookies } from '../../lib/cookies.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { AppError } from '../../lib/errors.js';
import type { RateLimiter, RateLimits } from '../../lib/rate-limit.js';
import { hashToken } from '../staff/auth.service.js';
import { findPairedDevice, touchDevice, type PairedDevice } from './devices.repo.js';

declare module 'express-serve-static-core' {
  interface Request {
    device?: PairedDevice;
  }
}

/**
 * Device cookies that name no paired device, per address group: each costs a lookup, and a script
 * making them up was answered 401 as often as it asked. Past the limit such a cookie is answered
 * 429 instead (as a staff session's made-up cookie is: staff-request-limits.ts). Only misses count:
 * a paired kiosk or display behind the same town-hall address is served as before, and a page
 * without a device cookie costs no lookup and is not counted. A revoked device asks once and shows
 * its pairing form (DevicePairing.tsx), far below this.
 */
export const DEVICE_COOKIE_MISSES = { perAddress: { max: 600, windowMs: 10 * 60_000 } };

/** Only seen-writes this far apart: a display asks every few seconds, the list needs minutes. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Lets the request through only from a paired, unrevoked device of `kind` (its httpOnly cookie);
 * the device rides on `req.device`. A revoked or unknown device gets `device_not_paired` (401), and
 * the page shows the pairing form again.
 */
export function requireDevice(deps: Pick<AppDeps, 'database' | 'now' | 'limits'>, kind: DeviceKind) {
  const misses = cookieMissesOf(deps.limits);
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = parseCookies(req.headers.cookie)[DEVICE_COOKIE];
    const device = token ? await findPairedDevice(deps.database.db, { tokenHash: hashToken(token) }) : undefined;
    if (token && !device) await misses.hit(requestAddressGroup(req));
    if (!device || device.kind !== kind) throw new AppError('device_not_paired');
    req.device = device;
    const now = deps.now();
    const seen = lastTouched.get(device.id) ?? 0;
    if (now.getTime() - seen > TOUCH_EVERY_MS) {
      lastTouched.set(device.id, now.getTime());
      await touchDevice(deps.database.db, device.id, now);
    }
    next();
  };
}

const lastTouched = new Map<string, number>();

const missLimiters = new WeakMap<RateLimits, RateLimiter>();

/** One limiter per app for every route's guard, so an address known to be over is refused by each at once. */
function cookieMissesOf(limits: RateLimits): RateLimiter {
  let limiter = missLimiters.get(limits);
  if (!limiter)
    missLimiters.set(limits, (limiter = limits.limiter('device-cookie-misses', DEVICE_COOKIE_MISSES.perAddress)));
  return limiter;
}

export function currentDevice(req: Request): PairedDevice {
  if (!req.device) throw new Error('route is not behind requireDevice');
  return req.device;
}
