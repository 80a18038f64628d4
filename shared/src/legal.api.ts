import { z } from 'zod/mini';
import { localizedOptional, localizedWith, officeText, TEXT_REQUIRED_MESSAGE } from './office-text.js';
import { ContactSchema, DepartmentSummarySchema, DoorStatusSchema, TenantSummarySchema } from './directory.api.js';
import { LocalizedTextSchema } from './locales.js';
import { SlugSchema } from './slugs.js';

/**
 * The municipality's own pages (issue 15, item 7 and the FAQ of item 8): Impressum,
 * Datenschutzerklärung, Erklärung zur Barrierefreiheit and the FAQ about the virtual office; the
 * accessibility feedback form; and the search for the right office (item 8).
 */

export const TENANT_TEXT_KINDS = ['imprint', 'privacy', 'accessibility', 'faq'] as const;
export const TenantTextKindSchema = z.enum(TENANT_TEXT_KINDS);
export type TenantTextKind = z.infer<typeof TenantTextKindSchema>;

/** The page of each kind, in PAGES (shared/src/pages.ts). */
export const TENANT_TEXT_PAGES = {
  imprint: 'imprint',
  privacy: 'privacy',
  accessibility: 'accessibility',
  faq: 'faq',
} as const satisfies Record<TenantTextKind, string>;

export const LEGAL_TEXT_MAX_LENGTH = 20_000;
export const FAQ_MAX_ENTRIES = 50;

/**
 * A page's text per language: plain text, paragraphs separated by an empty line; web addresses
 * and e-mail addresses become links when shown. Never HTML. German is required.
 */
export const PageTextSchema = /* @__PURE__ */ legalText(LEGAL_TEXT_MAX_LENGTH);
export type PageText = z.infer<typeof PageTextSchema>;

/**
 * A text of the municipality's own pages by officeText's rules (nothing hidden, nothing
 * reordering it), German required. Other languages may be sent empty: the text screen sends
 * every offered language, filled in or not.
 */
function legalText(max: number) {
  return localizedWith(officeText(max, TEXT_REQUIRED_MESSAGE), officeText(max));
}

/**
 * What a municipality wrote itself for a page, per language: every language optional, empty as
 * good as left out. A language it did not write shows the default text, and follows the
 * default's changes (the retention days in the privacy text, say) until someone writes it.
 */
export const OwnPageTextSchema = /* @__PURE__ */ localizedOptional(officeText(LEGAL_TEXT_MAX_LENGTH));
export type OwnPageText = z.infer<typeof OwnPageTextSchema>;

/**
 * An FAQ entry with its question and answer in several languages: how the FAQ was stored before
 * each language had its own list, still read from older installation files and rows.
 */
export const FaqEntrySchema = z.object({
  question: legalText(300),
  answer: legalText(4000),
});
export type FaqEntry = z.infer<typeof FaqEntrySchema>;

export const FaqSchema = z.array(FaqEntrySchema).check(z.maxLength(FAQ_MAX_ENTRIES));

/** A question and its answer in one language. */
export const FaqItemSchema = z.object({
  question: officeText(300, TEXT_REQUIRED_MESSAGE),
  answer: officeText(4000, TEXT_REQUIRED_MESSAGE),
});
export type FaqItem = z.infer<typeof FaqItemSchema>;

export const FaqListSchema = z.array(FaqItemSchema).check(z.maxLength(FAQ_MAX_ENTRIES));

/**
 * The FAQ a municipality wrote itself, a list per language, every language optional: a language
 * it did not write shows the default FAQ of that language, and follows its changes (the retention
 * days in an answer, say) until someone writes it, as a page's text does (OwnPageTextSchema).
 * An empty list is a language written as having no questions.
 */
export const OwnFaqSchema = /* @__PURE__ */ localizedOptional(FaqListSchema);
export type OwnFaq = z.infer<typeof OwnFaqSchema>;

/** The FAQ's list of each language, as read back (leniently, like texts). */
const FaqListsLooseSchema = z.record(z.string(), z.array(z.object({ question: z.string(), answer: z.string() })));

/**
 * The old form (one list of entries, each in several languages) as a list per language: a
 * language an entry does not have leaves that entry out of the language's list.
 */
export function faqListsOf(entries: readonly FaqEntry[]): Record<string, FaqItem[]> {
  const lists: Record<string, FaqItem[]> = {};
  for (const entry of entries) {
    for (const [language, question] of Object.entries(entry.question)) {
      const answer = entry.answer[language];
      if (question && answer) (lists[language] ??= []).push({ question, answer });
    }
  }
  return lists;
}

/** Where accessibility feedback goes: the municipality's contact, or else the installation operator. */
export const FeedbackRecipientSchema = z.enum(['municipality', 'installation']);
export type FeedbackRecipient = z.infer<typeof FeedbackRecipientSchema>;

/** `GET /api/tenants/:tenant/texts/:kind`: the page as written, or its default. */
export const TenantTextResponseSchema = z.object({
  tenant: TenantSummarySchema,
  /** The municipality's contact, for the Impressum and where feedback goes. */
  contact: ContactSchema,
  kind: TenantTextKindSchema,
  /** Not written by the municipality yet: the text is Amtsraum's default. */
  isDefault: z.boolean(),
  updatedAt: z.nullable(z.iso.datetime({ offset: true })),
  /** For imprint, privacy, accessibility. */
  text: z.nullable(LocalizedTextSchemaLoose()),
  /** For the FAQ: the list of each language (the municipality's, or else the default's). */
  faq: z.nullable(FaqListsLooseSchema),
  /** For accessibility: where the feedback form's messages go (null: nowhere configured). */
  feedback: z.nullable(z.object({ recipient: FeedbackRecipientSchema, email: z.string() })),
});
export type TenantTextResponse = z.infer<typeof TenantTextResponseSchema>;

// Responses are read leniently (a text longer than LocalizedTextSchema's 2000 characters).
function LocalizedTextSchemaLoose() {
  return z.catchall(z.object({ de: z.string() }), z.string());
}

export const ACCESSIBILITY_FEEDBACK_MAX_LENGTH = 4000;

/** `POST /api/tenants/:tenant/accessibility-feedback`. */
export const AccessibilityFeedbackRequestSchema = z.object({
  name: z.optional(z.string().check(z.trim(), z.maxLength(120))),
  email: z.optional(z.union([z.email(), z.literal('')])),
  message: z.string().check(z.trim(), z.minLength(1), z.maxLength(ACCESSIBILITY_FEEDBACK_MAX_LENGTH)),
  /** The page the feedback is about (an address or a description). */
  page: z.optional(z.string().check(z.trim(), z.maxLength(500))),
});
export type AccessibilityFeedbackRequest = z.infer<typeof AccessibilityFeedbackRequestSchema>;

export const AccessibilityFeedbackResponseSchema = z.object({
  recipient: FeedbackRecipientSchema,
});
export type AccessibilityFeedbackResponse = z.infer<typeof AccessibilityFeedbackResponseSchema>;

/**
 * `GET /api/admin/tenants/:tenant/texts`: every kind, as written and as the default. For the
 * pages, `text` holds only the languages the municipality wrote itself (null: none); the others
 * show `defaultText`. So for the FAQ: `faq` holds the lists of the languages the municipality
 * wrote itself (null: none), the others show `defaultFaq`'s.
 */
export const AdminTenantTextSchema = z.object({
  kind: TenantTextKindSchema,
  isDefault: z.boolean(),
  updatedAt: z.nullable(z.iso.datetime({ offset: true })),
  text: z.nullable(z.record(z.string(), z.string())),
  faq: z.nullable(FaqListsLooseSchema),
  defaultText: z.nullable(LocalizedTextSchemaLoose()),
  defaultFaq: z.nullable(FaqListsLooseSchema),
});
export type AdminTenantText = z.infer<typeof AdminTenantTextSchema>;

export const AdminTenantTextsResponseSchema = z.object({
  /** The languages the municipality offers: one field per language. */
  locales: z.array(z.string()),
  texts: z.array(AdminTenantTextSchema),
});
export type AdminTenantTextsResponse = z.infer<typeof AdminTenantTextsResponseSchema>;

/**
 * `PUT /api/admin/tenants/:tenant/texts/:kind` for imprint, privacy, accessibility: the languages
 * the municipality writes itself, each replacing what it wrote before. A language left out, sent
 * empty or sent as the unchanged default text shows (and follows) the default.
 */
export const UpdatePageTextRequestSchema = z.object({ text: OwnPageTextSchema });
/**
 * `PUT /api/admin/tenants/:tenant/texts/faq`: the lists of the languages the municipality writes
 * itself, each replacing what it wrote before. A language left out, or sent as the unchanged
 * default list, shows (and follows) the default.
 */
export const UpdateFaqRequestSchema = z.object({ faq: OwnFaqSchema });

export const SEARCH_QUERY_MAX_LENGTH = 100;

/** `GET /api/search?q=…&tenant=…`. */
export const SearchQuerySchema = z.object({
  q: z.string().check(z.trim(), z.minLength(2), z.maxLength(SEARCH_QUERY_MAX_LENGTH)),
  tenant: z.optional(SlugSchema),
});
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

export const SearchServiceSchema = z.object({
  slug: z.string(),
  name: LocalizedTextSchema,
  bookable: z.boolean(),
  knockable: z.boolean(),
  onlineUrl: z.nullable(z.string()),
});
export type SearchService = z.infer<typeof SearchServiceSchema>;

export const SearchResultSchema = z.object({
  tenant: z.object({ slug: z.string(), name: z.string(), timeZone: z.string() }),
  department: z.object({
    slug: DepartmentSummarySchema.shape.slug,
    name: LocalizedTextSchema,
    door: DoorStatusSchema,
    phone: z.nullable(z.string()),
  }),
  /** The department's services that matched (empty when the department's name matched). */
  services: z.array(SearchServiceSchema),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const SearchResponseSchema = z.object({
  results: z.array(SearchResultSchema),
});
export type SearchResponse = z.infer<typeof SearchResponseSchema>;
