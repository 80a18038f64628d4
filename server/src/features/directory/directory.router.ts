import { Router } from 'express';
import type { AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { officeParams, slugParam } from '../../lib/params.js';
import { SearchQuerySchema } from '@amtsraum/shared';
import { parseInput } from '../../lib/validate.js';
import { getDepartmentPage, getInstallation, getTenantPage } from './directory.service.js';
import { searchOffices } from './search.js';

export function directoryRouter(deps: AppDeps): Router {
  const router = Router();
  const tenantReads = deps.limits.limiter('tenant-page-read', PAGE_READ_LIMITS.perAddress);
  const departmentReads = deps.limits.limiter('department-page-read', PAGE_READ_LIMITS.perAddress);

  router.get('/tenants', async (_req, res) => {
    res.json(await getInstallation(deps.database.db));
  });

  // The office pages' own reads, counted per address as the door's are (each reads the tenant, its
  // departments or a department's services and hours from the database).
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

/**
 * Reads of a public page's data per address group, each kind of page on its own: 600 in ten
 * minutes, as the door's (visits.router.ts). A page opened (or re-read after its details changed)
 * costs one; a library's 50 public PCs behind one address may open one page a second between them
 * for ten minutes, while a script asking as fast as it can is stopped within seconds.
 */
export const PAGE_READ_LIMITS = { perAddress: { max: 600, windowMs: 10 * 60_000 } };

export const SEARCH_LIMITS = { perAddress: { max: 120, windowMs: 10 * 60_000 } };
