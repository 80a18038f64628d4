import { z } from 'zod/mini';
import { calendarDate } from './calendar-dates.js';
import { LocalizedTextSchema, LocaleSchema } from './locales.js';
import { queryWholeNumber } from './query-numbers.js';
import { IsoInstantSchema } from './visits.api.js';

/**
 * The audit log viewer (issue 15, item 6): who did what and when, for a municipality's admins
 * (`GET /api/admin/tenants/:tenant/audit`) and a department's admins
 * (`GET /api/admin/tenants/:tenant/departments/:department/audit`), with the CSV export of the same
 * filter at `…/audit.csv`. Audit rows never hold conversation content; the viewer shows besides
 * only the data keys listed in `AUDIT_DATA_KEYS`, so a key some feature adds by mistake stays out.
 */

/** Page size of the viewer: 50 by default, at most 200. */
export const AUDIT_PAGE_MAX = 200;

/**
 * The data keys the viewer shows (ids, counts, flags, field names, codes); every other key is left
 * out. Every key a server feature writes is here, each with a label in German and English
 * (`labels` in AUDIT_DETAIL_WORDS, shared/src/audit-details.ts): server/src/features/audit/audit-data-keys.test.ts
 * reads the server's audit writes and fails on a key missing here.
 */
export const AUDIT_DATA_KEYS = [
  'appointmentId',
  'inviteId',
  /** A link withdrawn because the clerk made a new one in its place (invites.service.ts `replacing`). */
  'replacedBy',
  'guestId',
  'serviceId',
  'staffId',
  'departmentId',
  'closureId',
  'absenceId',
  'deviceId',
  'visitId',
  'tenantId',
  'role',
  'roles',
  'lobby',
  'multiUse',
  'persons',
  'services',
  'service',
  'language',
  'interpreter',
  'channel',
  'from',
  'to',
  'sameClerk',
  'withNote',
  'minutesBeforeStart',
  'holdMinutes',
  'minutes',
  'graceSeconds',
  'state',
  'fields',
  'count',
  'kind',
  'method',
  'reason',
  'active',
  'departments',
  'people',
  'via',
  'isTenantAdmin',
  'own',
  'ranges',
  'collisions',
  'added',
  'waiting',
  'appointments',
  'year',
  'stateCode',
  'ticketNumber',
  'counter',
  'counterName',
  'reset',
  'departmentArchived',
  'created',
  'linked',
  'rolesFromProvider',
  'rolesLost',
] as const;
export type AuditDataKey = (typeof AUDIT_DATA_KEYS)[number];

/**
 * The keys whose value is one of a known set of codes, and the set: the viewer says each code in
 * words (`values.<key>` of AUDIT_DETAIL_WORDS in both languages; web/src/features/audit/audit-details.test.ts
 * checks every code has them). A code not listed still shows, as written. Written out rather than
 * imported from the schemas that own them, so the viewer's chunk depends on no other API module
 * (each dependency costs every page's entry a few bytes); audit.api.test.ts checks they match.
 */
export const AUDIT_DATA_CODES = {
  /** A door set by a clerk. */
  state: ['open', 'paused', 'closed', 'auto'],
  /** A staff member's role in a department, or an invitation's. */
  role: ['clerk', 'admin', 'interpreter', 'guest'],
  /** An on-site device, or a municipality's page. */
  kind: ['kiosk', 'display', 'imprint', 'privacy', 'accessibility', 'faq'],
  /** How someone signed in, or how a visitor checked in at the kiosk. */
  method: ['oidc', 'password', 'qr', 'code'],
  /** Why a sign-in through the town hall's provider was refused. */
  reason: [
    'expired',
    'failed',
    'unreachable',
    'unmapped',
    'no_account',
    'deactivated',
    'installation_admin',
    'unavailable',
    'too_many_tries',
  ],
  /** Video or on site. */
  channel: ['video', 'onsite'],
  /** The state whose holidays were taken as closures. */
  stateCode: ['BW', 'BY', 'BE', 'BB', 'HB', 'HH', 'HE', 'MV', 'NI', 'NW', 'RP', 'SL', 'SN', 'ST', 'SH', 'TH'],
  /** Where an export was started. */
  via: ['cli', 'admin'],
} as const satisfies Partial<Record<AuditDataKey, readonly string[]>>;
export type AuditCodedKey = keyof typeof AUDIT_DATA_CODES;

const CURSOR = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z~[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Query of the viewer and of the CSV export; empty text fields count as left out (a form sends them). */
const blankAsMissing = <T extends z.ZodMiniType>(schema: T) =>
  z.optional(
    z.pipe(
      z.transform((value: unknown) => (value === '' ? undefined : value)),
      z.optional(schema),
    ),
  );

export const AuditQuerySchema = /* @__PURE__ */ z
  .object({
    /** First and last day (inclusive), in the municipality's time zone. */
    from: /* @__PURE__ */ blankAsMissing(calendarDate('a date as YYYY-MM-DD')),
    to: /* @__PURE__ */ blankAsMissing(calendarDate('a date as YYYY-MM-DD')),
    /** An action or the start of one: `visit.` finds every visit action. */
    action: /* @__PURE__ */ blankAsMissing(
      z.string().check(z.regex(/^[a-z][a-z0-9_.]{0,59}$/, 'an action such as visit. or staff.')),
    ),
    /** A staff member's id: what they did. */
    actor: /* @__PURE__ */ blankAsMissing(z.uuid('a staff id')),
    /** A department's id (municipality admins; a department's own log is that department). */
    department: /* @__PURE__ */ blankAsMissing(z.uuid('a department id')),
    visit: /* @__PURE__ */ blankAsMissing(z.uuid('a visit id')),
    /** Where the previous page ended (its `next`). */
    cursor: /* @__PURE__ */ blankAsMissing(z.string().check(z.regex(CURSOR, 'a cursor from the previous page'))),
    limit: /* @__PURE__ */ z._default(
      /* @__PURE__ */ queryWholeNumber(1, AUDIT_PAGE_MAX, `at most ${AUDIT_PAGE_MAX} rows`),
      50,
    ),
    /** Language of the CSV's header and actor names (default: the browser's). */
    lang: /* @__PURE__ */ blankAsMissing(LocaleSchema),
  })
  .check(
    z.refine((query) => !query.from || !query.to || query.from <= query.to, {
      message: 'the last day must not be before the first',
      path: ['to'],
    }),
  );
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** Who acted: `device` is an office's kiosk or call display (issue 16), e.g. a check-in at the kiosk. */
export const AuditActorKindSchema = z.enum(['staff', 'citizen', 'invitee', 'device', 'system']);
export type AuditActorKind = z.infer<typeof AuditActorKindSchema>;

export const AuditDataValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const AuditRowSchema = z.object({
  id: z.uuid(),
  at: IsoInstantSchema,
  actor: z.object({
    kind: AuditActorKindSchema,
    staffId: z.nullable(z.uuid()),
    /** The staff member's name; null for citizens, invitees, the system, and deleted staff. */
    name: z.nullable(z.string()),
  }),
  action: z.string(),
  department: z.nullable(z.object({ id: z.uuid(), slug: z.string(), name: LocalizedTextSchema })),
  visitId: z.nullable(z.uuid()),
  /** Only the keys of `AUDIT_DATA_KEYS`; lists of names are joined with ", ". */
  data: z.record(z.string(), AuditDataValueSchema),
});
export type AuditRow = z.infer<typeof AuditRowSchema>;

export const AuditPageSchema = z.object({
  rows: z.array(AuditRowSchema),
  /** The cursor of the next page; null on the last one. */
  next: z.nullable(z.string()),
  timeZone: z.string(),
  /** What the filter form offers: the departments and staff in view. */
  departments: z.array(z.object({ id: z.uuid(), slug: z.string(), name: LocalizedTextSchema })),
  staff: z.array(z.object({ id: z.uuid(), name: z.string() })),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;

/** Keeps what the viewer may show of a row's data: listed keys, short values, lists joined. */
export function visibleAuditData(data: unknown): Record<string, string | number | boolean | null> {
  const shown: Record<string, string | number | boolean | null> = {};
  if (!data || typeof data !== 'object') return shown;
  for (const key of AUDIT_DATA_KEYS) {
    const value = (data as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (Array.isArray(value))
      shown[key] = value
        .filter((item) => typeof item === 'string')
        .join(', ')
        .slice(0, 500);
    else if (typeof value === 'string') shown[key] = value.slice(0, 200);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) shown[key] = value;
  }
  return shown;
}
