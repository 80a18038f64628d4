import {
  UpdateFaqRequestSchema,
  UpdatePageTextRequestSchema,
  type AccessibilityFeedbackRequest,
  type AccessibilityFeedbackResponse,
  type AdminTenantText,
  type AdminTenantTextsResponse,
  type FaqEntry,
  type PageText,
  type TenantTextKind,
  type TenantTextResponse,
} from '@amtsraum/shared';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { enqueueMail } from '../../mail/outbox.js';
import { insertAudit } from '../audit/audit.repo.js';
import { findTenantBySlug, type TenantRow } from '../directory/directory.repo.js';
import { toTenantSummary } from '../directory/directory.service.js';
import { defaultFaq, defaultPageText, defaultTextFacts } from './default-texts.js';
import { findTenantText, listTenantTexts, type TenantTextRow } from './legal.repo.js';
import { writeTenantText } from './write-texts.js';

/**
 * The municipality's own pages (issue 15, item 7): what its admin wrote, or else a default built
 * from the installation's configuration; and the accessibility feedback that goes to its contact.
 */

export interface LegalContext {
  db: Db;
  config: Pick<Config, 'retentionDays' | 'media' | 'installation'>;
  now: Date;
}

/**
 * Where accessibility feedback of a municipality goes: its own contact address, or else the
 * installation operator's (INSTALLATION_CONTACT_EMAIL), who passes it on; null when neither is set.
 */
export function feedbackTarget(
  config: Pick<Config, 'installation'>,
  tenant: Pick<TenantRow, 'contact'>,
): { recipient: 'municipality' | 'installation'; email: string } | null {
  if (tenant.contact.email) return { recipient: 'municipality', email: tenant.contact.email };
  if (config.installation.contactEmail) return { recipient: 'installation', email: config.installation.contactEmail };
  return null;
}

function factsFor(ctx: LegalContext, tenant: TenantRow) {
  return defaultTextFacts(ctx.config, tenant, feedbackTarget(ctx.config, tenant)?.email ?? null);
}

function defaultsOf(ctx: LegalContext, tenant: TenantRow, kind: TenantTextKind) {
  const facts = factsFor(ctx, tenant);
  return kind === 'faq' ? { text: null, faq: defaultFaq(facts) } : { text: defaultPageText(kind, facts), faq: null };
}

function writtenOf(row: TenantTextRow) {
  return row.kind === 'faq' ? { text: null, faq: row.body as FaqEntry[] } : { text: row.body as PageText, faq: null };
}

async function requirePublicTenant(db: Db, slug: string): Promise<TenantRow> {
  const tenant = await findTenantBySlug(db, slug);
  if (!tenant || tenant.archivedAt) throw new AppError('tenant_not_found');
  return tenant;
}

export async function getTenantText(
  ctx: LegalContext,
  options: { tenantSlug: string; kind: TenantTextKind },
): Promise<TenantTextResponse> {
  const tenant = await requirePublicTenant(ctx.db, options.tenantSlug);
  const row = await findTenantText(ctx.db, tenant.id, options.kind);
  return {
    tenant: toTenantSummary(tenant),
    contact: tenant.contact,
    kind: options.kind,
    isDefault: !row,
    updatedAt: row?.updatedAt.toISOString() ?? null,
    ...(row ? writtenOf(row) : defaultsOf(ctx, tenant, options.kind)),
    feedback: options.kind === 'accessibility' ? feedbackTarget(ctx.config, tenant) : null,
  };
}

export async function listTextsForAdmin(ctx: LegalContext, tenant: TenantRow): Promise<AdminTenantTextsResponse> {
  const rows = await listTenantTexts(ctx.db, tenant.id);
  const texts = (['imprint', 'privacy', 'accessibility', 'faq'] as const).map((kind): AdminTenantText => {
    const row = rows.find((r) => r.kind === kind);
    const defaults = defaultsOf(ctx, tenant, kind);
    return {
      kind,
      isDefault: !row,
      updatedAt: row?.updatedAt.toISOString() ?? null,
      ...(row ? writtenOf(row) : defaults),
      defaultText: defaults.text,
      defaultFaq: defaults.faq,
    };
  });
  return { locales: tenant.locales, texts };
}

/** Only the municipality's languages; an empty field of a language other than German is dropped. */
function offeredOnly(text: Record<string, string>, locales: string[], path: string): PageText {
  const kept: Record<string, string> = {};
  for (const [language, value] of Object.entries(text)) {
    if (language !== 'de' && !locales.includes(language)) {
      throw invalidField(`${path}.${language}`, 'this municipality does not offer this language');
    }
    if (value !== '') kept[language] = value;
  }
  return kept as PageText;
}

export async function updateTenantText(
  ctx: LegalContext,
  options: { tenant: TenantRow; staffId: string; kind: TenantTextKind; input: unknown },
): Promise<void> {
  const { tenant, kind } = options;
  let body: PageText | FaqEntry[];
  if (kind === 'faq') {
    const { faq } = parseInput(UpdateFaqRequestSchema, options.input);
    body = faq.map((entry, index) => ({
      question: offeredOnly(entry.question, tenant.locales, `faq.${index}.question`),
      answer: offeredOnly(entry.answer, tenant.locales, `faq.${index}.answer`),
    }));
  } else {
    const { text } = parseInput(UpdatePageTextRequestSchema, options.input);
    body = offeredOnly(text, tenant.locales, 'text');
  }
  await ctx.db.transaction(async (tx) => {
    await writeTenantText(tx, { tenantId: tenant.id, kind }, body, { staffId: options.staffId, now: ctx.now });
    await insertAudit(tx, {
      tenantId: tenant.id,
      actorKind: 'staff',
      actorStaffId: options.staffId,
      action: 'texts.updated',
      data: { kind, reset: false },
    });
  });
}

export async function resetTenantText(
  ctx: LegalContext,
  options: { tenant: TenantRow; staffId: string; kind: TenantTextKind },
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const target = { tenantId: options.tenant.id, kind: options.kind };
    if (!(await writeTenantText(tx, target, null, { staffId: options.staffId }))) return;
    await insertAudit(tx, {
      tenantId: options.tenant.id,
      actorKind: 'staff',
      actorStaffId: options.staffId,
      action: 'texts.updated',
      data: { kind: options.kind, reset: true },
    });
  });
}

/**
 * A citizen's report of a barrier, by e-mail through the outbox to the municipality's contact
 * (or the operator's). Its content goes into the mail only: never into a log or the audit trail.
 */
export async function sendAccessibilityFeedback(
  ctx: LegalContext,
  options: { tenantSlug: string; input: AccessibilityFeedbackRequest },
): Promise<AccessibilityFeedbackResponse> {
  const tenant = await requirePublicTenant(ctx.db, options.tenantSlug);
  const target = feedbackTarget(ctx.config, tenant);
  // The page says so and shows no form (feedback: null); a new error code would cost the door
  // page's first download its last bytes (issue 14), so an API client gets 409 with the reason.
  if (!target) throw new AppError('conflict', { extra: { reason: 'no_feedback_address' } });
  const { name, email, page, message } = options.input;
  const lines = [
    `Rückmeldung zur Barrierefreiheit des virtuellen Bürgerbüros von ${tenant.name}`,
    target.recipient === 'installation'
      ? `(An den Betreiber der Installation, weil ${tenant.name} keine Kontaktadresse eingetragen hat: bitte weiterleiten.)`
      : '',
    '',
    `Name: ${name || '–'}`,
    `E-Mail: ${email || '–'}`,
    `Betroffene Seite: ${page || '–'}`,
    '',
    message,
  ];
  await enqueueMail(ctx.db, {
    tenantId: tenant.id,
    kind: 'accessibility_feedback',
    to: target.email,
    subject: `Rückmeldung zur Barrierefreiheit – ${tenant.name}`.replace(/[\r\n]+/g, ' ').slice(0, 300),
    text: lines.filter((line, index) => index !== 1 || line !== '').join('\n'),
  });
  return { recipient: target.recipient };
}
