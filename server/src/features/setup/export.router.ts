import { Router } from 'express';
import type { AppDeps } from '../../deps.js';
import { adminDownloadLimiter, adminTenant, currentAdmin } from '../staff/admin-access.js';
import { exportTenantAudited } from './export.service.js';

/**
 * `GET /api/admin/tenants/:tenant/export` (municipality admins): the municipality as an
 * installation file, as a download. Mounted in adminRouter's municipality tree.
 */
export function tenantExportRouter(deps: Pick<AppDeps, 'database' | 'now' | 'limits'>): Router {
  const router = Router();
  const downloads = adminDownloadLimiter(deps);
  router.get('/export', async (req, res) => {
    const tenant = adminTenant(req);
    await downloads.hit(currentAdmin(req).staff.id);
    const file = await deps.database.db.transaction((tx) =>
      exportTenantAudited(tx, tenant.slug, { staffId: currentAdmin(req).staff.id }, deps.now()),
    );
    res
      .set({
        'Cache-Control': 'no-store',
        'Content-Disposition': `attachment; filename="${tenant.slug}.installation.json"`,
      })
      .type('application/json')
      .send(`${JSON.stringify(file, null, 2)}\n`);
  });
  return router;
}
