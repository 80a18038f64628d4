import { AuditQuerySchema, negotiateLocale } from '@amtsraum/shared';
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps.js';
import { downloadWriter } from '../../lib/download-writer.js';
import { parseInput } from '../../lib/validate.js';
import { adminDepartment, adminDownloadLimiter, adminTenant, currentAdmin } from '../staff/admin-access.js';
import { listAudit, writeAuditCsv, type AuditScope } from './audit-log.service.js';

/**
 * The audit log viewer's routes, in two trees of adminRouter: `/audit` and `/audit.csv` below a
 * municipality (its admins: every department and the municipality's own rows) and below a
 * department (its admins: that department only). The scope comes from the guard, never the query.
 */
function auditRoutes(
  deps: Pick<AppDeps, 'database' | 'limits'>,
  scopeOf: (req: Request) => AuditScope & { name: string },
): Router {
  const db = deps.database.db;
  const router = Router();
  const downloads = adminDownloadLimiter(deps);

  router.get('/audit', async (req, res) => {
    const query = parseInput(AuditQuerySchema, req.query);
    res.set('Cache-Control', 'no-store').json(await listAudit(db, scopeOf(req), query));
  });

  router.get('/audit.csv', async (req, res: Response) => {
    const query = parseInput(AuditQuerySchema, req.query);
    await downloads.hit(currentAdmin(req).staff.id);
    const scope = scopeOf(req);
    const locale = query.lang ?? negotiateLocale(req.get('accept-language'));
    res.status(200).set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-${scope.name}.csv"`,
      'Cache-Control': 'no-store',
    });
    // A download cut off midway stops reading pages for it.
    if ((await writeAuditCsv(db, scope, query, locale, downloadWriter(res))) !== false) res.end();
  });
  return router;
}

export function tenantAuditRouter(deps: Pick<AppDeps, 'database' | 'limits'>): Router {
  return auditRoutes(deps, (req) => {
    const tenant = adminTenant(req);
    return { tenantId: tenant.id, timeZone: tenant.timeZone, name: tenant.slug };
  });
}

export function departmentAuditRouter(deps: Pick<AppDeps, 'database' | 'limits'>): Router {
  return auditRoutes(deps, (req) => {
    const { tenant, department } = adminDepartment(req);
    return {
      tenantId: tenant.id,
      timeZone: tenant.timeZone,
      departmentId: department.id,
      name: `${tenant.slug}-${department.slug}`,
    };
  });
}
