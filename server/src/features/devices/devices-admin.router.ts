import { DeviceInputSchema, type AdminDeviceList } from '@amtsraum/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { adminDepartment, currentAdmin } from '../staff/admin-access.js';
import { addDevice, listOfficeDevices, renewDevicePairing, revokeOfficeDevice } from './devices.service.js';

const IdSchema = z.uuid();
const deviceIdOf = (req: Request) => {
  const parsed = IdSchema.safeParse(req.params.deviceId);
  if (!parsed.success) throw new AppError('route_not_found');
  return parsed.data;
};

/**
 * A department's kiosks and call displays (issue 16), below
 * `/api/admin/tenants/:tenant/departments/:department` (adminRouter's department list): list,
 * add (with a one-time pairing code), a new code, revoke. A device of another department is
 * not found: the department is in every query's `where`.
 */
export function devicesAdminRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/devices', async (req, res) => {
    const body: AdminDeviceList = { devices: await listOfficeDevices(ctxOf(deps), adminDepartment(req)) };
    res.json(body);
  });

  router.post('/devices', async (req, res) => {
    const input = parseInput(DeviceInputSchema, req.body);
    const made = await addDevice(ctxOf(deps), adminDepartment(req), input, currentAdmin(req).staff.id);
    res.status(201).set('Cache-Control', 'no-store').json(made);
  });

  router.post('/devices/:deviceId/pairing', async (req, res) => {
    const deviceId = deviceIdOf(req);
    const renewed = await renewDevicePairing(ctxOf(deps), adminDepartment(req), deviceId, currentAdmin(req).staff.id);
    res.set('Cache-Control', 'no-store').json(renewed);
  });

  router.post('/devices/:deviceId/revoke', async (req, res) => {
    const deviceId = deviceIdOf(req);
    await revokeOfficeDevice(ctxOf(deps), adminDepartment(req), deviceId, currentAdmin(req).staff.id);
    res.status(204).end();
  });

  return router;
}
