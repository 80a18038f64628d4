import {
  BookingRulesSchema as AdminBookingRulesSchema,
  CalendarDateSchema,
  closureDaysInOrder,
  closureFields,
  controlOrDirectionMessage,
  DepartmentFieldsSchema,
  DepartmentSlugSchema,
  FaqSchema,
  OwnFaqSchema,
  LocaleSchema,
  ONSITE_LOCATION_FIRST,
  OpeningIntervalSchema,
  OwnPageTextSchema,
  personName,
  ServiceInputSchema as AdminServiceSchema,
  SlugSchema,
  TenantSettingsFieldsSchema,
  TenantSlugSchema,
  WEEKDAY_KEYS,
} from '@amtsraum/shared';
import { z } from 'zod';

/**
 * The installation file an IT department writes to set up municipalities, departments,
 * services and staff without the demo seed. Parsed whole before anything is written: a file with
 * one mistake changes nothing.
 *
 * A municipality's settings, a department, its booking rules, closures, services and texts take
 * their fields from the admin screens' schemas (shared/), with the defaults a file may rely on:
 * a field added there reaches the file, and the file cannot say what the screens would refuse
 * (issue 15, item 9). What only the file has (slugs as keys, lists in full, staff) is here.
 */
const service = AdminServiceSchema.shape;
export const ServiceInputSchema = z.strictObject({
  ...service,
  slug: SlugSchema,
  description: z._default(service.description, null),
  extraMinutesPerPerson: z._default(service.extraMinutesPerPerson, 0),
  documents: z._default(service.documents, []),
  bookable: z._default(service.bookable, true),
  knockable: z._default(service.knockable, true),
  /** Persons one booking of this service may bring; null: the department's limit. */
  maxPersons: z._default(service.maxPersons, null),
  /** The words citizens use for it, per language, for the search (issue 15, item 8). */
  keywords: z._default(service.keywords, {}),
  /** The municipality's online application or payment for it. */
  onlineUrl: z._default(service.onlineUrl, null),
  /** `video`, `onsite` or `both` (issue 16); on site needs the department's `onsiteLocation`. */
  channels: z._default(service.channels, 'video'),
});
/** Where a list repeats a value given before it: the repeat's index and its first index. */
function repeats(values: readonly string[]): { index: number; first: number; value: string }[] {
  return values.flatMap((value, index) => {
    const first = values.indexOf(value);
    return first === index ? [] : [{ index, first, value }];
  });
}

/**
 * Names each slug of `list` given before in it, at the repeat's own place: two entries of one slug
 * would be written one over the other, the first silently lost.
 */
function refuseRepeatedSlugs(ctx: z.RefinementCtx, what: string, key: string, list: readonly { slug: string }[]) {
  for (const { index, first, value } of repeats(list.map((entry) => entry.slug)))
    ctx.addIssue({
      code: 'custom',
      message: `${what} slug "${value}" is given already at ${key}.${String(first)}`,
      path: [key, index, 'slug'],
    });
}

/**
 * Booking rules of a department (issue 6); what is left out takes the default shown. The file
 * says `maxPersons` where the screens say `maxPersonsPerBooking`, and has `clerksManageAbsences`
 * on the department itself: the names of files already written stay.
 */
const rules = AdminBookingRulesSchema.shape;
export const BookingRulesSchema = z.strictObject({
  /** How many days ahead citizens can book. */
  horizonDays: z._default(rules.horizonDays, 60),
  /** The earliest slot is this many minutes from now. */
  leadMinutes: z._default(rules.leadMinutes, 120),
  /** "HH:MM" (tenant zone) from which today's remaining slots can be booked; null: never the same day. */
  sameDayReleaseTime: z._default(rules.sameDayReleaseTime, null),
  /** The join link works this many minutes before the start. */
  joinOpensMinutesBefore: z._default(rules.joinOpensMinutesBefore, 10),
  /** A clerk can mark a no-show this many minutes after the start. */
  noShowGraceMinutes: z._default(rules.noShowGraceMinutes, 10),
  maxPersons: z._default(rules.maxPersonsPerBooking, 6),
});

/**
 * A staff member's weekly bookable hours in one department: like opening hours (weekdays left
 * out are not bookable), or "openingHours" for exactly the department's opening hours.
 */
export const WeeklyHoursSchema = z
  .object(
    Object.fromEntries(WEEKDAY_KEYS.map((key) => [key, z.array(OpeningIntervalSchema).max(6).optional()])) as Record<
      (typeof WEEKDAY_KEYS)[number],
      z.ZodOptional<z.ZodArray<typeof OpeningIntervalSchema>>
    >,
  )
  .strict();
const AvailabilityInputSchema = z.union([z.literal('openingHours'), WeeklyHoursSchema]);

/**
 * Time away (leave, training): whole days, inclusive, in the tenant's zone, or (as the admin
 * screens may enter, and the export writes them) exact instants. No appointments with them then.
 */
/**
 * An absence's reason, as the console and the clerk's page show it: without the control characters
 * and direction overrides the screens refuse (availability.router.ts parseTextInput), so a file
 * cannot store what reads reversed there. The export writes reasons as stored, which the migration
 * 0011 cleaned of what came in before the screens refused it.
 */
const absenceReason = z
  .string()
  .trim()
  .max(200)
  .superRefine((text, ctx) => {
    const message = controlOrDirectionMessage(text);
    if (message) ctx.addIssue({ code: 'custom', message });
  })
  .optional();

const WholeDaysAbsenceSchema = z
  .object({
    // The window of every date the API takes (calendar-dates.ts), as the admin screens would have it.
    from: CalendarDateSchema,
    to: CalendarDateSchema,
    reason: absenceReason,
  })
  .strict()
  .refine((absence) => absence.from <= absence.to, {
    message: 'an absence must end on or after its first day',
    path: ['to'],
  });
const ExactAbsenceSchema = z
  .object({
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    reason: absenceReason,
  })
  .strict()
  .refine((absence) => Date.parse(absence.startsAt) < Date.parse(absence.endsAt), {
    message: 'an absence must end after it starts',
    path: ['endsAt'],
  });
export const AbsenceInputSchema = z.union([WholeDaysAbsenceSchema, ExactAbsenceSchema]);
export type AbsenceInput = z.infer<typeof AbsenceInputSchema>;

/** A closure as the file writes it: the reason may be left out. */
export const ClosureInputSchema = z
  .strictObject({ ...closureFields, reason: z._default(closureFields.reason, null) })
  .check(closureDaysInOrder);

const department = DepartmentFieldsSchema.shape;
export const DepartmentInputSchema = z
  .strictObject({
    ...department,
    slug: DepartmentSlugSchema,
    /** How the name stands in a sentence: `{ "de": { "at": "beim Bürgeramt", "to": "zum Bürgeramt" } }`. */
    nameForms: z._default(department.nameForms, {}),
    contact: z._default(department.contact, {}),
    queueCap: z._default(department.queueCap, 30),
    avgHandlingMinutes: z._default(department.avgHandlingMinutes, 10),
    /** `hours`: the door follows the opening hours (clerks may pause it); `manual`: only clerks open it. */
    doorPolicy: z._default(department.doorPolicy, 'hours'),
    /** Clerks may enter their own absences for this department. */
    clerksManageAbsences: z._default(rules.clerksManageAbsences, false),
    /** Where on-site appointments take place: building, room, address, per language (issue 16). */
    onsiteLocation: z._default(department.onsiteLocation, null),
    /** The department's kiosk hands out walk-in tickets. */
    kioskWalkIns: z._default(department.kioskWalkIns, false),
    /** A booked citizen may check in at the kiosk this many minutes before the start. */
    checkInOpensMinutesBefore: z._default(department.checkInOpensMinutesBefore, 30),
    closures: z.array(ClosureInputSchema).default([]),
    services: z.array(ServiceInputSchema).default([]),
    booking: BookingRulesSchema.default(BookingRulesSchema.parse({})),
  })
  .refine((d) => d.onsiteLocation !== null || d.services.every((s) => s.channels === 'video'), {
    message: ONSITE_LOCATION_FIRST,
    path: ['onsiteLocation'],
  })
  .superRefine((d, ctx) => refuseRepeatedSlugs(ctx, 'service', 'services', d.services));

export const StaffInputSchema = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  name: personName(120, 'a name for the staff member'),
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).default(['de']),
  tenantAdmin: z.boolean().default(false),
  /** Department slug → role. */
  departments: z.record(SlugSchema, z.enum(['clerk', 'admin'])).default({}),
  /**
   * Department slug → weekly bookable hours there (one of the person's departments). The file's
   * list replaces what is stored; left out: not bookable.
   */
  availability: z.record(SlugSchema, AvailabilityInputSchema).default({}),
  /** Replaces the stored absences. */
  absences: z.array(AbsenceInputSchema).max(100).default([]),
  /**
   * The password of a NEW account, for test and demo installations whose sign-in must be known in
   * advance. Never changes an existing account's password. Left out (recommended for real staff):
   * a random password is made and printed once.
   */
  password: z.string().min(12, 'at least 12 characters').max(200).optional(),
  /** Creates and archives municipalities of the installation (issue 15). */
  installationAdmin: z.boolean().default(false),
  /**
   * The authenticator (TOTP) secret, base32, of an account that has none yet, for test
   * installations whose second factor must be known in advance. Real staff set theirs up after
   * their first sign-in.
   */
  totpSecret: z
    .string()
    .regex(/^[A-Z2-7]{16,64}$/, 'a base32 secret of 16 to 64 characters')
    .optional(),
});

/**
 * The municipality's legal pages and FAQ, as the admin screens write them. A kind left out stays
 * as it is (a text edited on the admin screens survives an older file); `null` removes it, and the
 * page shows its default text. A language left out of a page shows (and follows) the default too.
 */
export const TenantTextsInputSchema = z
  .object({
    imprint: z.optional(z.nullable(OwnPageTextSchema)),
    privacy: z.optional(z.nullable(OwnPageTextSchema)),
    accessibility: z.optional(z.nullable(OwnPageTextSchema)),
    // A list per language (as the admin screens write it), or the older one list of entries in
    // several languages, stored as a list per language.
    faq: z.optional(z.nullable(z.union([OwnFaqSchema, FaqSchema]))),
  })
  .strict();
export type TenantTextsInput = z.infer<typeof TenantTextsInputSchema>;

const settings = TenantSettingsFieldsSchema.shape;
/** A municipality's own settings, apart from its departments and staff. */
export const TenantSettingsInputSchema = z.strictObject({
  ...settings,
  slug: TenantSlugSchema,
  timeZone: z._default(settings.timeZone, 'Europe/Berlin'),
  defaultLocale: z._default(LocaleSchema, 'de'),
  brandColor: z._default(settings.brandColor, '#1d4f91'),
  logoUrl: z._default(settings.logoUrl, null),
  /**
   * The languages offered to citizens; German is always among them. Wider than the screens' list
   * (the languages the interface speaks): a file may already offer texts in Turkish, say.
   */
  locales: z
    .array(z.string().regex(/^[a-z]{2,3}$/, 'a language code such as de or en'))
    .min(1)
    .max(30)
    .refine((list) => list.includes('de'), 'German (de) is always offered')
    .refine((list) => new Set(list).size === list.length, 'each language once')
    .default(['de', 'en']),
  /** The municipality's own contact (legal pages, accessibility feedback). */
  contact: z._default(settings.contact, {}),
  /** The German state whose public holidays the admin screens prefill. */
  stateCode: z._default(settings.stateCode, 'NW'),
  texts: TenantTextsInputSchema.optional(),
});
export type TenantSettingsInput = z.infer<typeof TenantSettingsInputSchema>;

const TenantInputSchema = z
  .strictObject({
    ...TenantSettingsInputSchema.shape,
    /** Tenant-wide closures (public holidays). */
    closures: z.array(ClosureInputSchema).default([]),
    /**
     * None yet is fine: an IT provider's first installation admin may belong to a municipality
     * without offices, and a municipality created on the screens exports with none until its
     * admin adds one.
     */
    departments: z.array(DepartmentInputSchema).default([]),
    staff: z.array(StaffInputSchema).default([]),
  })
  .superRefine((tenant, ctx) => {
    const slugs = new Set(tenant.departments.map((d) => d.slug));
    refuseRepeatedSlugs(ctx, 'department', 'departments', tenant.departments);
    tenant.staff.forEach((person, index) => {
      for (const slug of Object.keys(person.departments)) {
        if (!slugs.has(slug)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown department "${slug}"`,
            path: ['staff', index, 'departments', slug],
          });
        }
      }
      for (const slug of Object.keys(person.availability)) {
        if (!(slug in person.departments)) {
          ctx.addIssue({
            code: 'custom',
            message: `bookable only in one of the person's departments (add "${slug}" to departments)`,
            path: ['staff', index, 'availability', slug],
          });
        }
      }
    });
  });

/**
 * Every object of the file names only keys it knows: a misspelt one ("departmnts", "queueCapp")
 * is refused with its place in the file, not ignored while the rest is written.
 */
export const InstallationFileSchema = z
  .strictObject({ tenants: z.array(TenantInputSchema).min(1) })
  .superRefine((file, ctx) => {
    // A municipality twice would be written twice, the second over the first; a person twice
    // (addresses are one account in the whole installation) likewise, or moved between them.
    refuseRepeatedSlugs(ctx, 'municipality', 'tenants', file.tenants);
    const people = file.tenants.flatMap((t, ti) => t.staff.map((person, si) => ({ email: person.email, ti, si })));
    for (const { index, first, value } of repeats(people.map((person) => person.email))) {
      const [at, before] = [people[index]!, people[first]!];
      ctx.addIssue({
        code: 'custom',
        message: `staff address "${value}" is given already at tenants.${String(before.ti)}.staff.${String(before.si)}`,
        path: ['tenants', at.ti, 'staff', at.si, 'email'],
      });
    }
  });
export type InstallationFile = z.infer<typeof InstallationFileSchema>;
export type TenantInput = z.infer<typeof TenantInputSchema>;
export type DepartmentInput = z.infer<typeof DepartmentInputSchema>;
export type ServiceInput = z.infer<typeof ServiceInputSchema>;
export type StaffInput = z.infer<typeof StaffInputSchema>;
export type ClosureInput = z.infer<typeof ClosureInputSchema>;
export type WeeklyHours = z.infer<typeof WeeklyHoursSchema>;
