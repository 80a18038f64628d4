import {
  UpdateFaqRequestSchema,
  UpdatePageTextRequestSchema,
  type AccessibilityFeedbackRequest,
  type AccessibilityFeedbackResponse,
  type AdminTenantText,
  type AdminTenantTextsResponse,
  faqListsOf,
  type FaqEntry,
  type FaqItem,
  type OwnFaq,
  type OwnPageText,
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

/**
 * The languages of a page the municipality wrote itself. A language stored as the default's very
 * text counts as the default (an earlier editor saved the defaults of languages nobody touched).
 */
function ownLanguages(body: Record<string, string>, defaults: Record<string, string> | null): Record<string, string> {
  return Object.fromEntries(
    Object.entries(body).filter(([language, text]) => text.trim() !== '' && !isDefaultText(text, defaults, language)),
  );
}

const sameText = (text: string, other: string) => text.replace(/\r\n?/g, '\n').trim() === other.trim();

const isDefaultText = (text: string, defaults: Record<string, string> | null, language: string) =>
  defaults?.[language] !== undefined && sameText(text, defaults[language]);

/** Whether an FAQ list is the language's default list, question for question. */
function isDefaultFaq(list: readonly FaqItem[], defaults: Record<string, FaqItem[]>, language: string): boolean {
  const given = defaults[language];
  return (
    given !== undefined &&
    given.length === list.length &&
    list.every((item, i) => sameText(item.question, given[i]!.question) && sameText(item.answer, given[i]!.answer))
  );
}

/**
 * The FAQ lists the municipality wrote itself. A row of the older form (one list of entries in
 * several languages) is read as a list per language; a language's list that is the default's
 * counts as the default (the older editor saved the default entries of languages nobody touched).
 */
function ownFaqLists(body: unknown, defaults: Record<string, FaqItem[]>): Record<string, FaqItem[]> {
  const lists = Array.isArray(body) ? faqListsOf(body as FaqEntry[]) : (body as Record<string, FaqItem[]>);
  return Object.fromEntries(
    Object.entries(lists).filter(([language, list]) => !isDefaultFaq(list, defaults, language)),
  );
}

/** A page as citizens see it: per language the municipality's text, else the default's. */
function shownOf(ctx: LegalContext, tenant: TenantRow, kind: TenantTextKind, row: TenantTextRow | undefined) {
  const defaults = defaultsOf(ctx, tenant, kind);
  if (kind === 'faq') {
    const own = row ? ownFaqLists(row.body, defaults.faq!) : {};
    const isDefault = Object.keys(own).length === 0;
    return { isDefault, text: null, faq: { ...defaults.faq, ...own }, ownFaq: isDefault ? null : own, defaults };
  }
  const own = row ? ownLanguages(row.body as Record<string, string>, defaults.text) : {};
  const isDefault = Object.keys(own).length === 0;
  return {
    isDefault,
    text: { ...defaults.text, ...own } as PageText,
    faq: null,
    own: isDefault ? null : own,
    defaults,
  };
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
  const shown = shownOf(ctx, tenant, options.kind, row);
  return {
    tenant: toTenantSummary(tenant),
    contact: tenant.contact,
    kind: options.kind,
    isDefault: shown.isDefault,
    updatedAt: shown.isDefault ? null : (row?.updatedAt.toISOString() ?? null),
    text: shown.text,
    faq: shown.faq,
    feedback: options.kind === 'accessibility' ? feedbackTarget(ctx.config, tenant) : null,
  };
}

export async function listTextsForAdmin(ctx: LegalContext, tenant: TenantRow): Promise<AdminTenantTextsResponse> {
  const rows = await listTenantTexts(ctx.db, tenant.id);
  const texts = (['imprint', 'privacy', 'accessibility', 'faq'] as const).map((kind): AdminTenantText => {
    const row = rows.find((r) => r.kind === kind);
    const shown = shownOf(ctx, tenant, kind, row);
    return {
      kind,
      isDefault: shown.isDefault,
      updatedAt: shown.isDefault ? null : (row?.updatedAt.toISOString() ?? null),
      text: kind === 'faq' ? null : (shown.own ?? null),
      faq: kind === 'faq' ? (shown.ownFaq ?? null) : null,
      defaultText: shown.defaults.text,
      defaultFaq: shown.defaults.faq,
    };
  });
  return { locales: tenant.locales, texts };
}

/**
 * Only the municipality's languages; an empty field of a language other than German is dropped,
 * and so is a text that is the language's default word for word (`defaults`): what it did not
 * write goes on following the default, however a client sent it.
 */
function offeredOnly(
  text: Record<string, string>,
  locales: string[],
  path: string,
  defaults: Record<string, string> | null = null,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [language, value] of Object.entries(text)) {
    if (language !== 'de' && !locales.includes(language)) {
      throw invalidField(`${path}.${language}`, 'this municipality does not offer this language');
    }
    if (value !== '' && !isDefaultText(value, defaults, language)) kept[language] = value;
  }
  return kept;
}

export async function updateTenantText(
  ctx: LegalContext,
  options: { tenant: TenantRow; staffId: string; kind: TenantTextKind; input: unknown },
): Promise<void> {
  const { tenant, kind } = options;
  let body: OwnPageText | OwnFaq | null;
  if (kind === 'faq') {
    const { faq } = parseInput(UpdateFaqRequestSchema, options.input);
    const defaults = defaultsOf(ctx, tenant, kind).faq!;
    const own: Record<string, FaqItem[]> = {};
    for (const [language, list] of Object.entries(faq)) {
      if (list === undefined) continue;
      if (language !== 'de' && !tenant.locales.includes(language)) {
        throw invalidField(`faq.${language}`, 'this municipality does not offer this language');
      }
      // Sent as the default's list: the language goes on following the default.
      if (!isDefaultFaq(list, defaults, language)) own[language] = list;
    }
    body = Object.keys(own).length > 0 ? own : null;
  } else {
    const { text } = parseInput(UpdatePageTextRequestSchema, options.input);
    const own = offeredOnly(text, tenant.locales, 'text', defaultsOf(ctx, tenant, kind).text);
    // Nothing of its own left: the page is the default again, as after a reset.
    body = Object.keys(own).length > 0 ? own : null;
  }
  await ctx.db.transaction(async (tx) => {
    const target = { tenantId: tenant.id, kind };
    const changed = await writeTenantText(tx, target, body, { staffId: options.staffId, now: ctx.now });
    if (body === null && !changed) return;
    await insertAudit(tx, {
      tenantId: tenant.id,
      actorKind: 'staff',
      actorStaffId: options.staffId,
      action: 'texts.updated',
      data: { kind, reset: body === null },
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
