import { Router, type ErrorRequestHandler } from 'express';
import type { AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { AppError } from '../../lib/errors.js';
import { PAGE_READ_LIMITS } from '../../lib/rate-limit.js';
import { isSlug, officeParams, slugParam } from '../../lib/params.js';
import { SearchQuerySchema } from '@amtsraum/shared';
import { parseInput } from '../../lib/validate.js';
import { getDepartmentPage, getInstallation, getTenantPage, pathExists } from './directory.service.js';
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

/**
 * For the routes below `/tenants/:tenant` (mount it there, after them): a department not found
 * where the municipality is not found either is answered `tenant_not_found`. The door, the knock,
 * the booking page and the slot search find a department by both slugs in one query and cannot
 * tell the two apart; asking here, only once nothing was found, keeps that second query off the
 * path of every request that finds its department.
 */
export function unknownTenantOverDepartment(deps: AppDeps): ErrorRequestHandler {
  return async (error: unknown, req, _res, next) => {
    if (!(error instanceof AppError) || error.code !== 'department_not_found') return next(error);
    const slug: unknown = req.params.tenant;
    let tenantFound: boolean;
    try {
      tenantFound = isSlug(slug) && (await pathExists(deps.database.db, slug));
    } catch {
      // Unasked, the department's answer stands (and a database gone since has its own answer next time).
      return next(error);
    }
    next(tenantFound ? error : new AppError('tenant_not_found'));
  };
}

export const SEARCH_LIMITS = { perAddress: { max: 120, windowMs: 10 * 60_000 } };
