import { z } from 'zod';
import { Router } from 'express';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { adminTenant, currentAdmin } from './admin-access.js';
import { resetSecondFactor } from './second-factor.js';

/** Below `/api/admin/tenants/:tenant`: a municipality admin resets a staff member's authenticator. */
export function secondFactorAdminRouter(deps: AppDeps): Router {
  return Router().post('/staff/:staffId/second-factor/reset', async (req, res) => {
    const staffId = z.uuid().safeParse(req.params.staffId);
    // Not an id names nobody of this municipality: the answer of any other such person.
    if (!staffId.success) throw new AppError('forbidden');
    const admin = currentAdmin(req);
    await resetSecondFactor(ctxOf(deps), {
      tenantId: adminTenant(req).id,
      staffId: staffId.data,
      actorStaffId: admin.staff.id,
      actorIsInstallationAdmin: admin.staff.isInstallationAdmin,
    });
    req.log.info({ staffId: staffId.data, by: admin.staff.id }, 'staff authenticator reset');
    res.status(204).end();
  });
}
