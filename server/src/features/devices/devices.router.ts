import { DeviceKindSchema, PairingCodeSchema, type DeviceKind, type DeviceView } from '@amtsraum/shared';
import { Router } from 'express';
import { z } from 'zod/mini';
import type { AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { clearCookie, cookieOptions, DEVICE_COOKIE, parseCookies } from '../../lib/cookies.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { insertAudit } from '../audit/audit.repo.js';
import { hashToken } from '../staff/auth.service.js';
import { pairDevice, type PairedDevice } from './devices.repo.js';
import { readDisplayCalls } from './devices.service.js';
import { displayStreamsOf } from './display-streams.js';
import { currentDevice, requireDevice } from './require-device.js';

/** A paired device keeps its cookie this long (browsers cap cookies near 400 days); revoking ends it sooner. */
const DEVICE_COOKIE_MAX_AGE_MS = 400 * 24 * 3600_000;

/**
 * Pairing codes are 45 bits and live 15 minutes; this keeps guessing hopeless from any one address.
 * Only the failed tries count: a town hall pairs all its devices from its one address.
 */
const PAIR_LIMIT = { max: 10, windowMs: 15 * 60_000 };

/**
 * Reads of one paired device, each route counted on its own. A page asks about itself when it
 * loads, and a display when its stream was refused; the stream reconnects at most every two
 * seconds (RETRY_MS, display-streams.ts), 300 in ten minutes. A script holding a device's cookie
 * is stopped well before its reads (each one a query) weigh on the database.
 */
export const DEVICE_READ_LIMIT = { max: 600, windowMs: 10 * 60_000 };

/** `kind`: the page asking (its code must be for that kind of device); without it, any. */
export const PairRequestSchema = z.object({ code: PairingCodeSchema, kind: z.optional(DeviceKindSchema) });

/** What a device learns about itself: enough to draw its page. */
export function deviceView(device: PairedDevice): DeviceView {
  return {
    kind: device.kind,
    label: device.label,
    tenant: { slug: device.tenantSlug, name: device.tenantName, timeZone: device.timeZone },
    department: { id: device.departmentId, slug: device.departmentSlug, name: device.departmentName },
  };
}

/**
 * Pairing a kiosk or call display (issue 16): the admin's screen shows a one-time code; typed on
 * the device, it becomes the device's httpOnly cookie. `GET /api/devices/:kind/me` tells a page
 * whether it is paired (401 `device_not_paired` when not, or no longer).
 */
export function devicesRouter(deps: AppDeps): Router {
  const router = Router();
  const byAddress = deps.limits.limiter('device-pair', PAIR_LIMIT);
  const selfReads = deps.limits.limiter('device-self-read', DEVICE_READ_LIMIT);
  const callReads = deps.limits.limiter('display-calls-read', DEVICE_READ_LIMIT);
  const streamOpens = deps.limits.limiter('display-stream-open', DEVICE_READ_LIMIT);

  router.post('/devices/pair', async (req, res) => {
    const address = requestAddressGroup(req);
    await byAddress.hit(address);
    const { code, kind } = parseInput(PairRequestSchema, req.body);
    const paired = await pairDevice(deps.database.db, { pairingCode: code, now: deps.now(), kind });
    if (!paired) throw new AppError('pairing_code_invalid');
    await byAddress.undo(address);
    await insertAudit(deps.database.db, {
      tenantId: paired.device.tenantId,
      departmentId: paired.device.departmentId,
      actorKind: 'device',
      action: 'device.paired',
      data: { deviceId: paired.device.id, kind: paired.device.kind },
      createdAt: deps.now(),
    });
    res.cookie(DEVICE_COOKIE, paired.token, cookieOptions(deps.config, DEVICE_COOKIE_MAX_AGE_MS));
    res.set('Cache-Control', 'no-store').json({ device: deviceView(paired.device) });
  });

  for (const kind of ['kiosk', 'display'] as const satisfies DeviceKind[]) {
    router.get(`/devices/${kind}/me`, requireDevice(deps, kind), async (req, res) => {
      await selfReads.hit(currentDevice(req).id);
      res.set('Cache-Control', 'no-store').json({ device: deviceView(currentDevice(req)) });
    });
  }

  // The call display (issue 16): today's calls once, and live as Server-Sent Events.
  router.get('/devices/display/calls', requireDevice(deps, 'display'), async (req, res) => {
    await callReads.hit(currentDevice(req).id);
    res.json(await readDisplayCalls({ db: deps.database.db, now: deps.now() }, currentDevice(req)));
  });
  router.get('/devices/display/calls/stream', requireDevice(deps, 'display'), async (req, res) => {
    await streamOpens.hit(currentDevice(req).id);
    const token = parseCookies(req.headers.cookie)[DEVICE_COOKIE] ?? '';
    await displayStreamsOf(deps).open(req, res, currentDevice(req), hashToken(token));
  });

  // Forgetting the pairing on this browser (the device stays listed until an admin revokes it).
  router.post('/devices/forget', (_req, res) => {
    clearCookie(res, deps.config, DEVICE_COOKIE);
    res.status(204).end();
  });

  return router;
}
