import { StaffInviteRequestSchema, StaffUpdateRequestSchema } from '@amtsraum/shared';
import { Router } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { parseInput } from '../../lib/validate.js';
import { adminTenant, currentAdmin } from '../staff/admin-access.js';
import { inviteStaff, listStaff, resendInvitation, setStaffActive, updateStaff } from './staff-admin.service.js';

const StaffIdSchema = z.object({ staffId: z.uuid() });

/** Below `/api/admin/tenants/:tenant` (municipality admins, checked by adminRouter). */
export function staffAdminRouter(deps: AppDeps): Router {
  const router = Router();
  const db = deps.database.db;

  router.get('/staff', async (req, res) => {
    res.json(await listStaff(db, adminTenant(req)));
  });

  router.post('/staff', async (req, res) => {
    const body = parseInput(StaffInviteRequestSchema, req.body);
    const member = await inviteStaff(ctxOf(deps), adminTenant(req), currentAdmin(req).staff, body);
    req.log.info({ staffId: member.id }, 'staff invited');
    res.status(201).json({ staff: member });
  });

  router.patch('/staff/:staffId', async (req, res) => {
    const { staffId } = parseInput(StaffIdSchema, req.params);
    const body = parseInput(StaffUpdateRequestSchema, req.body);
    res.json({ staff: await updateStaff(ctxOf(deps), adminTenant(req), currentAdmin(req).staff, staffId, body) });
  });

  for (const [action, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    router.post(`/staff/:staffId/${action}`, async (req, res) => {
      const { staffId } = parseInput(StaffIdSchema, req.params);
      const member = await setStaffActive(ctxOf(deps), adminTenant(req), currentAdmin(req).staff, staffId, active);
      req.log.info({ staffId }, `staff ${action}d`);
      res.json({ staff: member });
    });
  }

  router.post('/staff/:staffId/invitation', async (req, res) => {
    const { staffId } = parseInput(StaffIdSchema, req.params);
    await resendInvitation(ctxOf(deps), adminTenant(req), currentAdmin(req).staff, staffId);
    res.status(202).json({ accepted: true });
  });

  return router;
}
