import {
  ArchiveRequestSchema,
  ClosureCreateSchema,
  DepartmentCreateSchema,
  DepartmentUpdateSchema,
  HolidayPrefillSchema,
  TenantSettingsUpdateSchema,
} from '@amtsraum/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { adminDepartment, adminTenant, currentAdmin } from '../staff/admin-access.js';
import { addClosure, listClosuresForAdmin, prefillHolidays, removeClosure } from './closures.service.js';
import {
  archiveDepartment,
  archivePreview,
  createDepartment,
  listDepartmentsForAdmin,
  toAdminDepartment,
  updateDepartment,
} from './departments.service.js';
import { toTenantSettings, updateTenantSettings } from './tenant-settings.service.js';

const IdSchema = z.uuid();
const closureIdOf = (req: Request) => {
  const parsed = IdSchema.safeParse(req.params.closureId);
  if (!parsed.success) throw new AppError('route_not_found');
  return parsed.data;
};
const actorOf = (req: Request) => ({ actorStaffId: currentAdmin(req).staff.id });

/** Below `/admin/tenants/:tenant` (municipality admins): settings, departments, tenant-wide closures. */
export function tenantOrganisationRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/', (req, res) => {
    res.json(toTenantSettings(adminTenant(req)));
  });

  router.patch('/', async (req, res) => {
    const values = parseInput(TenantSettingsUpdateSchema, req.body);
    res.json(await updateTenantSettings(ctxOf(deps), actorOf(req), adminTenant(req), values));
  });

  router.get('/departments', async (req, res) => {
    res.json({ departments: await listDepartmentsForAdmin(ctxOf(deps), adminTenant(req)) });
  });

  router.post('/departments', async (req, res) => {
    const values = parseInput(DepartmentCreateSchema, req.body);
    res.status(201).json(await createDepartment(ctxOf(deps), actorOf(req), adminTenant(req), values));
  });

  router.get('/closures', async (req, res) => {
    res.json({ closures: await listClosuresForAdmin(ctxOf(deps), adminTenant(req), null) });
  });

  router.post('/closures', async (req, res) => {
    const values = parseInput(ClosureCreateSchema, req.body);
    res.status(201).json(await addClosure(ctxOf(deps), actorOf(req), adminTenant(req), null, values));
  });

  router.post('/closures/holidays', async (req, res) => {
    const { year, resolutions } = parseInput(HolidayPrefillSchema, req.body);
    res.json(await prefillHolidays(ctxOf(deps), actorOf(req), adminTenant(req), year, resolutions));
  });

  router.delete('/closures/:closureId', async (req, res) => {
    await removeClosure(ctxOf(deps), actorOf(req), adminTenant(req), null, closureIdOf(req));
    res.status(204).end();
  });

  return router;
}

/** Below `/admin/tenants/:tenant/departments/:department`: its settings, closures and archive. */
export function departmentOrganisationRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/', (req, res) => {
    res.json(toAdminDepartment(adminDepartment(req).department));
  });

  router.patch('/', async (req, res) => {
    const values = parseInput(DepartmentUpdateSchema, req.body);
    res.json(await updateDepartment(ctxOf(deps), actorOf(req), adminDepartment(req), values));
  });

  // The department's own closures and, read-only here, the municipality's (its public holidays).
  router.get('/closures', async (req, res) => {
    const { tenant, department } = adminDepartment(req);
    const [own, tenantWide] = await Promise.all([
      listClosuresForAdmin(ctxOf(deps), tenant, department.id),
      listClosuresForAdmin(ctxOf(deps), tenant, null),
    ]);
    res.json({ closures: own, tenantClosures: tenantWide, timeZone: tenant.timeZone });
  });

  router.post('/closures', async (req, res) => {
    const { tenant, department } = adminDepartment(req);
    const values = parseInput(ClosureCreateSchema, req.body);
    res.status(201).json(await addClosure(ctxOf(deps), actorOf(req), tenant, department.id, values));
  });

  router.delete('/closures/:closureId', async (req, res) => {
    const { tenant, department } = adminDepartment(req);
    await removeClosure(ctxOf(deps), actorOf(req), tenant, department.id, closureIdOf(req));
    res.status(204).end();
  });

  router.get('/archive-preview', async (req, res) => {
    const { tenant, department } = adminDepartment(req);
    res.json(await archivePreview(ctxOf(deps), department, tenant.timeZone));
  });

  router.post('/archive', async (req, res) => {
    const request = parseInput(ArchiveRequestSchema, req.body);
    res.json(await archiveDepartment(ctxOf(deps), actorOf(req), adminDepartment(req), request));
  });

  return router;
}
