import { Router } from 'express';
import type { AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { PAGE_READ_LIMITS } from '../../lib/rate-limit.js';
import { officeParams, slugParam } from '../../lib/params.js';
import { SearchQuerySchema } from '@amtsraum/shared';
import { parseInput } from '../../lib/validate.js';
import { getDepartmentPage, getInstallation, getTenantPage } from './directory.service.js';
import { searchOffices } from './search.js';

export function directoryRouter(deps: AppDeps): Router {
  const router = Router();
  const installationReads = deps.limits.limiter('installation-page-read', PAGE_READ_LIMITS.perAddress);
  const tenantReads = deps.limits.limiter('tenant-page-read', PAGE_READ_LIMITS.perAddress);
  const departmentReads = deps.limits.limiter('department-page-read', PAGE_READ_LIMITS.perAddress);

  // The public pages' own reads, counted per address as the door's are (each reads municipalities,
  // departments, or a department's services and hours from the database).
  router.get('/tenants', async (req, res) => {
    await installationReads.hit(requestAddressGroup(req));
    res.json(await getInstallation(deps.database.db));
  });

  router.get('/tenants/:tenant', async (req, res) => {
    await tenantReads.hit(requestAddressGroup(req));
    const tenantSlug = slugParam(req.params.tenant, 'tenant_not_found');
    res.json(await getTenantPage(deps.database.db, { tenantSlug, now: deps.now() }));
  });

  router.get('/tenants/:tenant/departments/:department', async (req, res) => {
    await departmentReads.hit(requestAddressGroup(req));
    res.json(await getDepartmentPage(deps.database.db, { ...officeParams(req), now: deps.now() }));
  });

  // Finding the right office (issue 15, item 8). Counted per address: each search reads every
  // service of the installation. The query is never logged (pino-http logs paths only).
  const searches = deps.limits.limiter('office-search', SEARCH_LIMITS.perAddress);
  router.get('/search', async (req, res) => {
    await searches.hit(requestAddressGroup(req));
    const query = parseInput(SearchQuerySchema, req.query);
    res.json(await searchOffices(deps.database.db, { query, now: deps.now() }));
  });

  return router;
}

export const SEARCH_LIMITS = { perAddress: { max: 120, windowMs: 10 * 60_000 } };
