import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { requireStaff } from './require-staff.js';
import { staffAccessOf } from './staff-access.js';

const DepartmentIdSchema = z.uuid();

/**
 * Everything a clerk does in one department lives under `/staff/departments/:departmentId`. This
 * router checks it once for all of those routes, in this order: a staff session (401), an id that
 * can name a department (404 otherwise, as for an unknown one), membership in it (403). The
 * feature routers given here use paths below the department and read `currentClerk(req)`.
 */
export function staffDepartmentRouter(
  deps: Pick<AppDeps, 'database' | 'now' | 'events' | 'limits'>,
  routers: Router[],
): Router {
  // A clerk's session and membership are kept for a few seconds, dropped by every event that ends
  // them (staff-access.ts): admitting and finishing one citizen after another cost a read each.
  const signedIn = requireStaff(deps, { kept: true });
  const access = staffAccessOf(deps.events);
  const member = async (req: Request<{ departmentId: string }>, _res: Response, next: NextFunction) => {
    const departmentId = DepartmentIdSchema.safeParse(req.params.departmentId);
    if (!departmentId.success) throw new AppError('department_not_found');
    const staff = req.staff!;
    const membership = await access.membership(deps.database.db, staff.id, departmentId.data);
    if (!membership) throw new AppError('forbidden');
    req.clerk = { staff, departmentId: departmentId.data, role: membership.role };
    next();
  };
  const department = Router();
  for (const routes of routers) department.use(routes);
  return Router().use('/staff/departments/:departmentId', signedIn, member, department);
}
