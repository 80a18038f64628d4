import { CounterRequestSchema } from '@amtsraum/shared';
import { Router } from 'express';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { insertAudit } from '../audit/audit.repo.js';
import { findDepartmentWithTenant } from '../directory/directory.repo.js';
import { currentClerk } from './require-staff.js';
import { findCounterName, setCounterName } from './staff.repo.js';

/** A clerk renames their counter now and then; more is a script. */
export const COUNTER_NAME_LIMITS = { perStaff: { max: 20, windowMs: 60_000 } };

/**
 * The clerk's counter in one department ("Platz 3", issue 16): where on-site visits they call are
 * sent. Kept with the membership, so it is remembered across sign-ins. Mounted below the staff
 * department router (`/staff/departments/:id`), which has checked the membership.
 */
export function counterRouter(deps: AppDeps): Router {
  const router = Router();
  const changes = deps.limits.limiter('counter-name', COUNTER_NAME_LIMITS.perStaff);

  router.get('/counter', async (req, res) => {
    const clerk = currentClerk(req);
    res.json({ counterName: await findCounterName(deps.database.db, clerk.staff.id, clerk.departmentId) });
  });

  router.put('/counter', async (req, res) => {
    const clerk = currentClerk(req);
    const { counterName } = parseInput(CounterRequestSchema, req.body);
    await changes.hit(clerk.staff.id);
    const ctx = ctxOf(deps);
    if (!(await setCounterName(ctx.db, clerk.staff.id, clerk.departmentId, counterName))) {
      throw new AppError('forbidden');
    }
    const found = await findDepartmentWithTenant(ctx.db, clerk.departmentId);
    if (found) {
      await insertAudit(ctx.db, {
        tenantId: found.tenant.id,
        departmentId: clerk.departmentId,
        actorKind: 'staff',
        actorStaffId: clerk.staff.id,
        action: 'staff.counter_set',
        // The counter's name is the office's, not a person's: it is called aloud in the hall.
        data: { counterName },
        createdAt: ctx.now,
      });
    }
    res.json({ counterName });
  });

  return router;
}
