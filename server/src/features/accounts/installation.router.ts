import { TenantCreateRequestSchema, TenantSlugSchema } from '@amtsraum/shared';
import { Router } from 'express';
import { z } from 'zod';
import { ctxOf, type AppDeps } from '../../deps.js';
import { parseInput } from '../../lib/validate.js';
import { currentAdmin } from '../staff/admin-access.js';
import { createMunicipality, listMunicipalities, setMunicipalityArchived } from './municipalities.service.js';

const TenantIdSchema = z.object({ tenantId: z.uuid() });

/** Below `/api/admin/installation` (installation admins, checked by adminRouter). */
export function municipalitiesRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/tenants', async (_req, res) => {
    res.json({ tenants: await listMunicipalities(deps.database.db) });
  });

  router.post('/tenants', async (req, res) => {
    const body = parseInput(TenantCreateRequestSchema, req.body);
    parseInput(z.object({ slug: TenantSlugSchema }), { slug: body.slug });
    const tenant = await createMunicipality(ctxOf(deps), currentAdmin(req).staff, body);
    req.log.info({ tenantId: tenant.id }, 'municipality created');
    res.status(201).json({ tenant });
  });

  for (const [action, archived] of [
    ['archive', true],
    ['unarchive', false],
  ] as const) {
    router.post(`/tenants/:tenantId/${action}`, async (req, res) => {
      const { tenantId } = parseInput(TenantIdSchema, req.params);
      res.json({ tenant: await setMunicipalityArchived(ctxOf(deps), currentAdmin(req).staff, tenantId, archived) });
    });
  }

  return router;
}
