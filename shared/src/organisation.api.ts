import { z } from 'zod/mini';
import { personName } from './person-name-schema.js';
import { LocalizedNameSchema, LocalizedTextInputSchema, officeText, phoneNumber } from './office-text.js';
import { calendarDate } from './calendar-dates.js';
import { DepartmentNameFormsSchema } from './department-names.js';
import { ContactSchema } from './directory.api.js';
import { LocaleSchema, LocalizedTextSchema } from './locales.js';
import { ResolutionSchema } from './offer.api.js';
import { OpeningHoursSchema, WEEKDAY_KEYS, type OpeningHours, type WeekdayKey } from './opening-hours.js';
import { SlugSchema } from './slugs.js';
import { isValidTimeZone } from './time-zone.js';

/**
 * Administration of a municipality and its departments (issue 15):
 * `/api/admin/tenants/:tenant` (settings, departments, tenant-wide closures) and
 * `/api/admin/tenants/:tenant/departments/:department` (a department's settings, closures, archive).
 */

/** The sixteen German states, by the codes of ISO 3166-2:DE: whose public holidays are prefilled. */
export const STATE_CODES = [
  'BW',
  'BY',
  'BE',
  'BB',
  'HB',
  'HH',
  'HE',
  'MV',
  'NI',
  'NW',
  'RP',
  'SL',
  'SN',
  'ST',
  'SH',
  'TH',
] as const;
export const StateCodeSchema = z.enum(STATE_CODES);
export type StateCode = z.infer<typeof StateCodeSchema>;

/** An IANA zone such as Europe/Berlin (what the runtime knows), not an offset. */
export const TimeZoneSchema = z.string().check(
  z.maxLength(64),
  z.refine(
    (zone) => /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$|^UTC$/.test(zone) && isValidTimeZone(zone),
    'an IANA time zone such as Europe/Berlin',
  ),
);

/** A logo on our own server (`/logos/x.svg`) or elsewhere over https. */
export const LogoUrlSchema = z.string().check(
  z.trim(),
  z.maxLength(500),
  z.refine(
    (url) => (/^\/[^/\\]/.test(url) && !/\s/.test(url)) || /^https:\/\/[^\s/]+(\/\S*)?$/.test(url),
    'an https address or a path on this server (starting with /)',
  ),
);

export const BrandColorSchema = z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb'));

/** The languages offered: German always among them, each once. */
export const OfferedLocalesSchema = z.array(LocaleSchema).check(
  z.minLength(1),
  z.refine((list) => list.includes('de'), 'German is always offered'),
  z.refine((list) => new Set(list).size === list.length, 'each language once'),
);

/**
 * Contact details as an admin writes them, for citizens to read and call: the office's text rules
 * (office-text.ts), and a phone number as citizens give theirs, which the page's call link
 * (`tel:`, its digits) can dial.
 */
export const ContactInputSchema = z.object({
  phone: z.optional(phoneNumber(60)),
  email: z.optional(z.email()),
  address: z.optional(officeText(300)),
  room: z.optional(officeText(120)),
});

export const TenantSettingsSchema = z.object({
  slug: z.string(),
  name: z.string(),
  logoUrl: z.nullable(z.string()),
  brandColor: z.string(),
  timeZone: z.string(),
  locales: z.array(LocaleSchema),
  contact: ContactSchema,
  stateCode: StateCodeSchema,
});
export type TenantSettings = z.infer<typeof TenantSettingsSchema>;

/**
 * A municipality's name, as its admin and the installation admin write it: a name by a person's
 * rules (person-name.ts), since it heads every page and mail, and two characters at least.
 */
export const TenantNameSchema = personName(120, 'please enter a name').check(z.minLength(2, 'at least two characters'));

/**
 * A municipality's settings as written: by its admin (partly, `TenantSettingsUpdateSchema`) and by
 * the installation file (whole, server/src/features/setup/installation.schema.ts derives from
 * these fields), so that a field added here reaches both (issue 15, item 9).
 */
export const TenantSettingsFieldsSchema = z.object({
  name: TenantNameSchema,
  logoUrl: z.nullable(LogoUrlSchema),
  brandColor: BrandColorSchema,
  timeZone: TimeZoneSchema,
  locales: OfferedLocalesSchema,
  contact: ContactInputSchema,
  stateCode: StateCodeSchema,
});
export type TenantSettingsFields = z.infer<typeof TenantSettingsFieldsSchema>;

/** `PATCH /api/admin/tenants/:tenant`: what is given changes, the rest stays. */
export const TenantSettingsUpdateSchema = z.partial(TenantSettingsFieldsSchema);
export type TenantSettingsUpdate = z.infer<typeof TenantSettingsUpdateSchema>;

/** What can be wrong with one time of an opening range, as the hours editor names it. */
export type OpeningRangeProblem = 'empty' | 'order' | 'overlap';

/**
 * The rule of an admin's opening hours, for the form (as the admin types and saves) and the
 * server alike: each range has both times (HH:MM), ends after it starts, and overlaps no other
 * range of its day. Each problem names the time it is about: an empty or malformed time itself,
 * the end of a range that ends too early, the start of a range that begins inside an earlier one
 * (`other`: that range's index).
 */
export function openingHoursProblems(
  hours: Record<WeekdayKey, readonly { from: string; to: string }[]>,
): { day: WeekdayKey; index: number; time: 'from' | 'to'; problem: OpeningRangeProblem; other?: number }[] {
  const found: ReturnType<typeof openingHoursProblems> = [];
  const isTime = (value: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
  for (const day of WEEKDAY_KEYS) {
    const ranges = hours[day] ?? [];
    ranges.forEach((range, index) => {
      if (!isTime(range.from)) found.push({ day, index, time: 'from', problem: 'empty' });
      if (!isTime(range.to)) found.push({ day, index, time: 'to', problem: 'empty' });
      if (isTime(range.from) && isTime(range.to) && range.from >= range.to)
        found.push({ day, index, time: 'to', problem: 'order' });
    });
    const usable = ranges
      .map((range, index) => ({ ...range, index }))
      .filter((range) => isTime(range.from) && isTime(range.to) && range.from < range.to)
      .sort((a, b) => a.from.localeCompare(b.from) || a.index - b.index);
    for (let i = 1; i < usable.length; i++) {
      const earlier = usable.slice(0, i).find((range) => usable[i]!.from < range.to);
      if (earlier) found.push({ day, index: usable[i]!.index, time: 'from', problem: 'overlap', other: earlier.index });
    }
  }
  return found;
}

/**
 * Opening hours as an admin enters them: the ranges of one day must not overlap
 * (openingHoursProblems; the times themselves are OpeningHoursSchema's). A day's overlap is
 * named by the day's path, as before the form checked it itself.
 */
export const AdminOpeningHoursSchema = OpeningHoursSchema.check(
  z.superRefine((hours: OpeningHours, ctx) => {
    const days = new Set(
      openingHoursProblems(hours)
        .filter((p) => p.problem === 'overlap')
        .map((p) => p.day),
    );
    for (const day of days) {
      ctx.issues.push({ code: 'custom', input: hours, path: [day], message: 'the times of one day must not overlap' });
    }
  }),
);

export const DOOR_POLICIES = ['hours', 'manual'] as const;
export const DoorPolicySchema = z.enum(DOOR_POLICIES);
export type DoorPolicy = z.infer<typeof DoorPolicySchema>;

/**
 * Second path segments the municipality's own pages use (`/<tenant>/impressum`, issue 15): a
 * department slug may not take one of them, because `/<tenant>/<department>` shares the space.
 */
export const DEPARTMENT_RESERVED_SLUGS = [
  'admin',
  'api',
  'staff',
  'impressum',
  'imprint',
  'datenschutz',
  'privacy',
  'barrierefreiheit',
  'accessibility',
  'fragen',
  'faq',
  'suche',
  'search',
  'hilfe',
  'help',
  'termin',
  'wait',
] as const;

export const DepartmentSlugSchema = SlugSchema.check(
  z.refine(
    (slug) => !(DEPARTMENT_RESERVED_SLUGS as readonly string[]).includes(slug),
    "this name is reserved for the municipality's own pages",
  ),
);

const HandlingMinutesSchema = z.int().check(z.gte(1, 'at least one minute'), z.lte(240, 'at most 240 minutes'));
const QueueCapSchema = z.int().check(z.gte(1, 'at least one person'), z.lte(500, 'at most 500 people'));

/**
 * A department's own settings, as its admin writes them and as the installation file does (which
 * derives its department from these fields: one list for both, issue 15, item 9).
 */
export const DepartmentFieldsSchema = z.object({
  /** One line: it goes into the subject of every booking mail. */
  name: LocalizedNameSchema,
  description: LocalizedTextInputSchema,
  nameForms: DepartmentNameFormsSchema,
  contact: ContactInputSchema,
  openingHours: AdminOpeningHoursSchema,
  doorPolicy: DoorPolicySchema,
  queueCap: QueueCapSchema,
  avgHandlingMinutes: HandlingMinutesSchema,
  /**
   * The hybrid office (issue 16): where on-site appointments take place (building, room, address;
   * null: no on-site service yet), whether the kiosk hands out walk-in tickets, and how early a
   * booked citizen may check in there.
   */
  onsiteLocation: z.nullable(LocalizedTextInputSchema),
  kioskWalkIns: z.boolean(),
  checkInOpensMinutesBefore: z.int().check(z.gte(0), z.lte(240, 'at most 240 minutes')),
});
export type DepartmentFields = z.infer<typeof DepartmentFieldsSchema>;

/** `PATCH …/departments/:department`: what is given changes. */
export const DepartmentUpdateSchema = z.partial(DepartmentFieldsSchema);
export type DepartmentUpdate = z.infer<typeof DepartmentUpdateSchema>;

/** `POST /api/admin/tenants/:tenant/departments`: a slug and a name; the rest has defaults. */
export const DepartmentCreateSchema = z.extend(z.partial(DepartmentFieldsSchema), {
  slug: DepartmentSlugSchema,
  name: LocalizedNameSchema,
});
export type DepartmentCreate = z.infer<typeof DepartmentCreateSchema>;

export const AdminDepartmentSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: LocalizedTextSchema,
  description: LocalizedTextSchema,
  nameForms: DepartmentNameFormsSchema,
  contact: ContactSchema,
  openingHours: OpeningHoursSchema,
  doorPolicy: DoorPolicySchema,
  queueCap: z.int(),
  avgHandlingMinutes: z.int(),
  onsiteLocation: z.nullable(LocalizedTextSchema),
  kioskWalkIns: z.boolean(),
  checkInOpensMinutesBefore: z.int(),
  archivedAt: z.nullable(z.string()),
});
export type AdminDepartment = z.infer<typeof AdminDepartmentSchema>;

export const AdminDepartmentListSchema = z.object({ departments: z.array(AdminDepartmentSchema) });
export type AdminDepartmentList = z.infer<typeof AdminDepartmentListSchema>;

/** `GET …/departments/:department/archive-preview`: who archiving would affect. */
export const ArchivePreviewSchema = z.object({
  /** Citizens waiting at the door now: their visits end, declined with the note. */
  waiting: z.int(),
  /** Booked appointments still to come: cancelled, each citizen gets the e-mail. */
  appointments: z.array(z.object({ id: z.uuid(), startsAt: z.string() })),
  /** `waiting` plus the appointments: what the archive request must confirm. */
  affected: z.int(),
  /** The municipality's time zone, in which the appointments' times are said. */
  timeZone: z.string(),
});
export type ArchivePreview = z.infer<typeof ArchivePreviewSchema>;

/** `POST …/departments/:department/archive`. */
export const ArchiveRequestSchema = z.object({
  /** The `affected` number of the preview the admin saw: a different number now refuses. */
  confirmAffected: z.int().check(z.nonnegative()),
  /** What the waiting citizens and the cancellation e-mails say (optional). */
  note: z.optional(officeText(500)),
});
export type ArchiveRequest = z.infer<typeof ArchiveRequestSchema>;

export const ArchiveResultSchema = z.object({ declined: z.int(), cancelled: z.int() });
export type ArchiveResult = z.infer<typeof ArchiveResultSchema>;

const CivilDateSchema = calendarDate('a date as YYYY-MM-DD');

/** Days closed, inclusive: the fields of a closure as the admin and the installation file write it. */
export const closureFields = {
  from: CivilDateSchema,
  to: CivilDateSchema,
  reason: z.nullable(LocalizedTextInputSchema),
};

/** The check every closure passes, wherever it is written. */
export const closureDaysInOrder = z.refine<{ from: string; to: string }>((c) => c.to >= c.from, {
  message: 'the last day must not be before the first',
  path: ['to'],
});

/** `POST …/closures` (tenant-wide or a department's): days closed, inclusive. */
export const ClosureCreateSchema = z
  .object({
    ...closureFields,
    /** Booked appointments on those days, each moved, cancelled or kept (as for a clerk's hours). */
    resolutions: z.optional(z.record(z.uuid(), ResolutionSchema)),
  })
  .check(closureDaysInOrder);
export type ClosureCreate = z.infer<typeof ClosureCreateSchema>;

export const AdminClosureSchema = z.object({
  id: z.uuid(),
  from: z.string(),
  to: z.string(),
  reason: z.nullable(LocalizedTextSchema),
  /** Null: every department of the municipality (a public holiday). */
  departmentId: z.nullable(z.uuid()),
});
export type AdminClosure = z.infer<typeof AdminClosureSchema>;

export const AdminClosureListSchema = z.object({ closures: z.array(AdminClosureSchema) });
export type AdminClosureList = z.infer<typeof AdminClosureListSchema>;

/** `GET …/departments/:department/closures`: its own, and the municipality's (read-only there). */
export const DepartmentClosureListSchema = z.object({
  closures: z.array(AdminClosureSchema),
  tenantClosures: z.array(AdminClosureSchema),
  /** The municipality's time zone: the times of the booked appointments a closure would hit. */
  timeZone: z.string(),
});
export type DepartmentClosureList = z.infer<typeof DepartmentClosureListSchema>;

/** `POST /api/admin/tenants/:tenant/closures/holidays`: the state's public holidays of `year`. */
export const HolidayPrefillSchema = z.object({
  year: z.int().check(z.gte(2000, 'a year from 2000'), z.lte(2100, 'a year up to 2100')),
  /** Booked appointments on the holidays added, each moved, cancelled or kept (as for one closure). */
  resolutions: z.optional(z.record(z.uuid(), ResolutionSchema)),
});
export type HolidayPrefill = z.infer<typeof HolidayPrefillSchema>;

export const HolidayPrefillResultSchema = z.object({ added: z.int(), closures: z.array(AdminClosureSchema) });
export type HolidayPrefillResult = z.infer<typeof HolidayPrefillResultSchema>;
