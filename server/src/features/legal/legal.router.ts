import {
  ACCESSIBILITY_FEEDBACK_MAX_LENGTH,
  AccessibilityFeedbackRequestSchema,
  isOneLine,
  ONE_LINE_MESSAGE,
  PERSON_NAME_MESSAGES,
  personNameProblem,
  plainText,
  TenantTextKindSchema,
  type InstallationLegal,
} from '@amtsraum/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { AppError } from '../../lib/errors.js';
import { slugParam } from '../../lib/params.js';
import { PAGE_READ_LIMITS } from '../../lib/rate-limit.js';
import { parseInput, parseTextInput } from '../../lib/validate.js';
import { adminTenant, currentAdmin } from '../staff/admin-access.js';
import {
  getTenantText,
  listTextsForAdmin,
  resetTenantText,
  sendAccessibilityFeedback,
  updateTenantText,
  type LegalContext,
} from './legal.service.js';

/**
 * Feedback messages per client address: a person reports a few barriers, a script many. And per
 * municipality: each one is a mail from the installation's server to the town hall's contact (or
 * the operator's), with text anyone may choose; a municipality gets a few a month. Without it, a
 * script with many addresses (an IPv6 network has millions) filled that mailbox, and the mail
 * server's reputation went with it.
 */
export const FEEDBACK_LIMITS = {
  perAddress: { max: 5, windowMs: 60 * 60_000 },
  perMunicipality: { max: 20, windowMs: 60 * 60_000 },
};

/**
 * Name and page of a feedback go into the mail: one line each, like every name (person-name.ts).
 * Checked here rather than in the shared schema, whose bytes the door page would carry (issue 14).
 */
const FeedbackLinesSchema = z.object({
  name: z
    .string()
    .trim()
    .superRefine((text, ctx) => {
      const problem = text === '' ? null : personNameProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: PERSON_NAME_MESSAGES[problem] });
    })
    .optional(),
  page: z.string().refine(isOneLine, ONE_LINE_MESSAGE).optional(),
  // The message's text by the rules of a citizen's concern: a NUL byte in it made the outbox's
  // insert fail with a 500, and control or hidden characters have no place in a mail either.
  message: plainText(ACCESSIBILITY_FEEDBACK_MAX_LENGTH),
});

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
  const feedbackByMunicipality = deps.limits.limiter(
    'accessibility-feedback-municipality',
    FEEDBACK_LIMITS.perMunicipality,
  );

  router.get('/installation/legal', (_req, res) => {
    const { imprintUrl, privacyUrl, accessibilityUrl } = deps.config.installation;
    res.json({ imprintUrl, privacyUrl, accessibilityUrl } satisfies InstallationLegal);
  });

  // A page's read like the office pages' (directory.router.ts): one query per request.
  const textReads = deps.limits.limiter('tenant-text-read', PAGE_READ_LIMITS.perAddress);
  router.get('/tenants/:tenant/texts/:kind', async (req, res) => {
    await textReads.hit(requestAddressGroup(req));
    const tenantSlug = slugParam(req.params.tenant, 'tenant_not_found');
    res.json(await getTenantText(ctxOf(deps), { tenantSlug, kind: kindParam(req.params.kind) }));
  });

  router.post('/tenants/:tenant/accessibility-feedback', async (req: Request<{ tenant: string }>, res) => {
    const tenantSlug = slugParam(req.params.tenant, 'tenant_not_found');
    const input = parseTextInput(AccessibilityFeedbackRequestSchema, req.body);
    parseInput(FeedbackLinesSchema, input);
    // Counted once the form is valid: a refused form sends no mail, and counted before, five
    // empty tries behind a library's or a town hall's one address kept everyone there from
    // sending real feedback for an hour.
    await feedbackByAddress.hit(requestAddressGroup(req));
    await feedbackByMunicipality.hit(tenantSlug);
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
