import { AccessibilityFeedbackRequestSchema, TenantTextKindSchema, type InstallationLegal } from '@amtsraum/shared';
import { Router, type Request } from 'express';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { slugParam } from '../../lib/params.js';
import { parseInput } from '../../lib/validate.js';
import { adminTenant, currentAdmin } from '../staff/admin-access.js';
import {
  getTenantText,
  listTextsForAdmin,
  resetTenantText,
  sendAccessibilityFeedback,
  updateTenantText,
  type LegalContext,
} from './legal.service.js';

/** Feedback messages per client address: a person reports a few barriers, a script many. */
export const FEEDBACK_LIMITS = { perAddress: { max: 5, windowMs: 60 * 60_000 } };

const ctxOf = (deps: AppDeps): LegalContext => ({ db: deps.database.db, config: deps.config, now: deps.now() });

function kindParam(value: unknown) {
  const parsed = TenantTextKindSchema.safeParse(value);
  if (!parsed.success) throw new AppError('route_not_found');
  return parsed.data;
}

/** The municipality's legal pages and FAQ, the accessibility feedback, and the operator's links. */
export function legalRouter(deps: AppDeps): Router {
  const router = Router();
  const feedbackByAddress = deps.limits.limiter('accessibility-feedback', FEEDBACK_LIMITS.perAddress);

  router.get('/installation/legal', (_req, res) => {
    const { imprintUrl, privacyUrl, accessibilityUrl } = deps.config.installation;
    res.json({ imprintUrl, privacyUrl, accessibilityUrl } satisfies InstallationLegal);
  });

  router.get('/tenants/:tenant/texts/:kind', async (req, res) => {
    const tenantSlug = slugParam(req.params.tenant, 'tenant_not_found');
    res.json(await getTenantText(ctxOf(deps), { tenantSlug, kind: kindParam(req.params.kind) }));
  });

  router.post('/tenants/:tenant/accessibility-feedback', async (req: Request<{ tenant: string }>, res) => {
    const tenantSlug = slugParam(req.params.tenant, 'tenant_not_found');
    await feedbackByAddress.hit(req.ip ?? 'unknown');
    const input = parseInput(AccessibilityFeedbackRequestSchema, req.body);
    res.status(202).json(await sendAccessibilityFeedback(ctxOf(deps), { tenantSlug, input }));
  });

  return router;
}

/** `/api/admin/tenants/:tenant/texts`: the municipality admin edits its pages (in adminRouter's `tenant` list). */
export function legalAdminRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/texts', async (req, res) => {
    res.json(await listTextsForAdmin(ctxOf(deps), adminTenant(req)));
  });

  router.put('/texts/:kind', async (req: Request<{ kind: string }>, res) => {
    const kind = kindParam(req.params.kind);
    await updateTenantText(ctxOf(deps), {
      tenant: adminTenant(req),
      staffId: currentAdmin(req).staff.id,
      kind,
      input: req.body,
    });
    res.status(204).end();
  });

  router.delete('/texts/:kind', async (req: Request<{ kind: string }>, res) => {
    const kind = kindParam(req.params.kind);
    await resetTenantText(ctxOf(deps), { tenant: adminTenant(req), staffId: currentAdmin(req).staff.id, kind });
    res.status(204).end();
  });

  return router;
}
