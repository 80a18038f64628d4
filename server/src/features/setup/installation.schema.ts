import {
  ClosureSchema,
  ContactSchema,
  DepartmentNameFormsSchema,
  DepartmentSlugSchema,
  isValidTimeZone,
  LocaleSchema,
  LocalizedTextSchema,
  OpeningHoursSchema,
  OpeningIntervalSchema,
  personName,
  STATE_CODES,
  WEEKDAY_KEYS,
  SlugSchema,
  TenantSlugSchema,
} from '@amtsraum/shared';
import { z } from 'zod';

/**
 * The installation file an IT department writes to set up municipalities, departments,
 * services and staff without the demo seed (the admin screens come later). Parsed whole before
 * anything is written: a file with one mistake changes nothing.
 */
export const ServiceInputSchema = z.object({
  slug: SlugSchema,
  name: LocalizedTextSchema,
  description: z.optional(LocalizedTextSchema),
  durationMinutes: z.number().int().min(1).max(480),
  extraMinutesPerPerson: z.number().int().min(0).max(240).default(0),
  documents: z.array(LocalizedTextSchema).max(30).default([]),
  bookable: z.boolean().default(true),
  knockable: z.boolean().default(true),
  /** Persons one booking of this service may bring; null: the department's limit. */
  maxPersons: z.number().int().min(1).max(20).nullable().default(null),
  /** The words citizens use for it, per language, for the search (issue 15, item 8). */
  keywords: z
    .record(
      z.string().regex(/^[a-z]{2,3}$/, 'a language code such as de'),
      z.array(z.string().trim().min(1).max(60)).max(40),
    )
    .default({}),
  /** The municipality's online application or payment for it. */
  onlineUrl: z
    .url({ protocol: /^https$/, error: 'an https address' })
    .nullable()
    .default(null),
});

/** Booking rules of a department (issue 6); what is left out takes the default shown. */
export const BookingRulesSchema = z.object({
  /** How many days ahead citizens can book. */
  horizonDays: z.number().int().min(1).max(730).default(60),
  /** The earliest slot is this many minutes from now. */
  leadMinutes: z.number().int().min(0).max(20_160).default(120),
  /** "HH:MM" (tenant zone) from which today's remaining slots can be booked; null: never the same day. */
  sameDayReleaseTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24-hour clock)')
    .nullable()
    .default(null),
  /** The join link works this many minutes before the start. */
  joinOpensMinutesBefore: z.number().int().min(0).max(240).default(10),
  /** A clerk can mark a no-show this many minutes after the start. */
  noShowGraceMinutes: z.number().int().min(0).max(240).default(10),
  maxPersons: z.number().int().min(1).max(20).default(6),
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
const WholeDaysAbsenceSchema = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    reason: z.string().trim().max(200).optional(),
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
    reason: z.string().trim().max(200).optional(),
  })
  .strict()
  .refine((absence) => Date.parse(absence.startsAt) < Date.parse(absence.endsAt), {
    message: 'an absence must end after it starts',
    path: ['endsAt'],
  });
export const AbsenceInputSchema = z.union([WholeDaysAbsenceSchema, ExactAbsenceSchema]);
export type AbsenceInput = z.infer<typeof AbsenceInputSchema>;

/** A closure as the file writes it: the reason may be left out. */
export const ClosureInputSchema = z.object({
  ...ClosureSchema.shape,
  reason: z.nullable(LocalizedTextSchema).default(null),
});

export const DepartmentInputSchema = z.object({
  slug: DepartmentSlugSchema,
  name: LocalizedTextSchema,
  /** How the name stands in a sentence: `{ "de": { "at": "beim Bürgeramt", "to": "zum Bürgeramt" } }`. */
  nameForms: z._default(DepartmentNameFormsSchema, {}),
  description: LocalizedTextSchema,
  contact: z._default(ContactSchema, {}),
  openingHours: OpeningHoursSchema,
  queueCap: z.number().int().min(1).max(1000).default(30),
  avgHandlingMinutes: z.number().int().min(1).max(480).default(10),
  /** `hours`: the door follows the opening hours (clerks may pause it); `manual`: only clerks open it. */
  doorPolicy: z.enum(['hours', 'manual']).default('hours'),
  /** Clerks may enter their own absences for this department. */
  clerksManageAbsences: z.boolean().default(false),
  closures: z.array(ClosureInputSchema).default([]),
  services: z.array(ServiceInputSchema).default([]),
  booking: BookingRulesSchema.default(BookingRulesSchema.parse({})),
});

export const StaffInputSchema = z.object({
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

const FaqSchema = z.array(z.object({ question: LocalizedTextSchema, answer: LocalizedTextSchema })).max(100);

/**
 * The municipality's legal pages and FAQ. A kind left out stays as it is (a text edited on the
 * admin screens survives an older file); `null` removes it, and the page shows its default text.
 */
export const TenantTextsInputSchema = z
  .object({
    imprint: z.optional(z.nullable(LocalizedTextSchema)),
    privacy: z.optional(z.nullable(LocalizedTextSchema)),
    accessibility: z.optional(z.nullable(LocalizedTextSchema)),
    faq: FaqSchema.nullable().optional(),
  })
  .strict();
export type TenantTextsInput = z.infer<typeof TenantTextsInputSchema>;

/** A municipality's own settings, apart from its departments and staff. */
export const TenantSettingsInputSchema = z.object({
  slug: TenantSlugSchema,
  name: z.string().trim().min(1).max(200),
  timeZone: z.string().refine(isValidTimeZone, 'an IANA time zone such as Europe/Berlin').default('Europe/Berlin'),
  defaultLocale: z._default(LocaleSchema, 'de'),
  brandColor: z
    .string()
    .regex(/^#[0-9a-f]{6}$/i)
    .default('#1d4f91'),
  logoUrl: z.string().max(500).nullable().default(null),
  /** The languages offered to citizens; German is always among them. */
  locales: z
    .array(z.string().regex(/^[a-z]{2,3}$/, 'a language code such as de or en'))
    .min(1)
    .max(30)
    .refine((list) => list.includes('de'), 'German (de) is always offered')
    .refine((list) => new Set(list).size === list.length, 'each language once')
    .default(['de', 'en']),
  /** The municipality's own contact (legal pages, accessibility feedback). */
  contact: z._default(ContactSchema, {}),
  /** The German state whose public holidays the admin screens prefill. */
  stateCode: z.enum(STATE_CODES).default('NW'),
  texts: TenantTextsInputSchema.optional(),
});
export type TenantSettingsInput = z.infer<typeof TenantSettingsInputSchema>;

const TenantInputSchema = z
  .object({
    ...TenantSettingsInputSchema.shape,
    /** Tenant-wide closures (public holidays). */
    closures: z.array(ClosureInputSchema).default([]),
    departments: z.array(DepartmentInputSchema).min(1),
    staff: z.array(StaffInputSchema).default([]),
  })
  .superRefine((tenant, ctx) => {
    const slugs = new Set(tenant.departments.map((d) => d.slug));
    if (slugs.size !== tenant.departments.length)
      ctx.addIssue({ code: 'custom', message: 'department slugs must be unique', path: ['departments'] });
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

export const InstallationFileSchema = z.object({ tenants: z.array(TenantInputSchema).min(1) });
export type InstallationFile = z.infer<typeof InstallationFileSchema>;
export type TenantInput = z.infer<typeof TenantInputSchema>;
export type DepartmentInput = z.infer<typeof DepartmentInputSchema>;
export type ServiceInput = z.infer<typeof ServiceInputSchema>;
export type StaffInput = z.infer<typeof StaffInputSchema>;
export type ClosureInput = z.infer<typeof ClosureInputSchema>;
export type WeeklyHours = z.infer<typeof WeeklyHoursSchema>;
