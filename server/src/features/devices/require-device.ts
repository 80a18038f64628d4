import type { DeviceKind } from '@amtsraum/shared';
import type { NextFunction, Request, Response } from 'express';
import type { AppDeps } from '../../deps.js';
import { DEVICE_COOKIE, parseCookies } from '../../lib/cookies.js';
import { AppError } from '../../lib/errors.js';
import { hashToken } from '../staff/auth.service.js';
import { findPairedDevice, touchDevice, type PairedDevice } from './devices.repo.js';

declare module 'express-serve-static-core' {
  interface Request {
    device?: PairedDevice;
  }
}

/** Only seen-writes this far apart: a display asks every few seconds, the list needs minutes. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Lets the request through only from a paired, unrevoked device of `kind` (its httpOnly cookie);
 * the device rides on `req.device`. A revoked or unknown device gets `device_not_paired` (401), and
 * the page shows the pairing form again.
 */
export function requireDevice(deps: Pick<AppDeps, 'database' | 'now'>, kind: DeviceKind) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = parseCookies(req.headers.cookie)[DEVICE_COOKIE];
    const device = token ? await findPairedDevice(deps.database.db, { tokenHash: hashToken(token) }) : undefined;
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

export function currentDevice(req: Request): PairedDevice {
  if (!req.device) throw new Error('route is not behind requireDevice');
  return req.device;
}
