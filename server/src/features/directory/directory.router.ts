import { Router } from 'express';
import type { AppDeps } from '../../deps.js';
import { officeParams, slugParam } from '../../lib/params.js';
import { getDepartmentPage, getInstallation, getTenantPage } from './directory.service.js';

export function directoryRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/tenants', async (_req, res) => {
    res.json(await getInstallation(deps.database.db));
  });

  router.get('/tenants/:tenant', async (req, res) => {
    const tenantSlug = slugParam(req.params.tenant, 'tenant_not_found');
    res.json(await getTenantPage(deps.database.db, { tenantSlug, now: deps.now() }));
  });

  router.get('/tenants/:tenant/departments/:department', async (req, res) => {
    res.json(await getDepartmentPage(deps.database.db, { ...officeParams(req), now: deps.now() }));
  });

  return router;
}
