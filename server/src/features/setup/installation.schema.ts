import {
  ClosureSchema,
  ContactSchema,
  isValidTimeZone,
  LocaleSchema,
  LocalizedTextSchema,
  OpeningHoursSchema,
  SlugSchema,
  TenantSlugSchema,
} from '@amtsraum/shared';
import { z } from 'zod';

/**
 * The installation file an IT department writes to set up municipalities, departments,
 * services and staff without the demo seed (the admin screens come later). Parsed whole before
 * anything is written: a file with one mistake changes nothing.
 */
const ServiceInputSchema = z.object({
  slug: SlugSchema,
  name: LocalizedTextSchema,
  description: LocalizedTextSchema.optional(),
  durationMinutes: z.number().int().min(1).max(480),
  extraMinutesPerPerson: z.number().int().min(0).max(240).default(0),
  documents: z.array(LocalizedTextSchema).max(30).default([]),
  bookable: z.boolean().default(true),
  knockable: z.boolean().default(true),
});

const DepartmentInputSchema = z.object({
  slug: SlugSchema,
  name: LocalizedTextSchema,
  description: LocalizedTextSchema,
  contact: ContactSchema.default({}),
  openingHours: OpeningHoursSchema,
  queueCap: z.number().int().min(1).max(1000).default(30),
  avgHandlingMinutes: z.number().int().min(1).max(480).default(10),
  closures: z.array(ClosureSchema.extend({ reason: LocalizedTextSchema.nullable().default(null) })).default([]),
  services: z.array(ServiceInputSchema).default([]),
});

const StaffInputSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  name: z.string().trim().min(1).max(120),
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).default(['de']),
  tenantAdmin: z.boolean().default(false),
  /** Department slug → role. */
  departments: z.record(SlugSchema, z.enum(['clerk', 'admin'])).default({}),
});

const TenantInputSchema = z
  .object({
    slug: TenantSlugSchema,
    name: z.string().trim().min(1).max(200),
    timeZone: z.string().refine(isValidTimeZone, 'an IANA time zone such as Europe/Berlin').default('Europe/Berlin'),
    defaultLocale: LocaleSchema.default('de'),
    brandColor: z
      .string()
      .regex(/^#[0-9a-f]{6}$/i)
      .default('#1d4f91'),
    logoUrl: z.string().max(500).nullable().default(null),
    /** Tenant-wide closures (public holidays). */
    closures: z.array(ClosureSchema.extend({ reason: LocalizedTextSchema.nullable().default(null) })).default([]),
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
    });
  });

export const InstallationFileSchema = z.object({ tenants: z.array(TenantInputSchema).min(1) });
export type InstallationFile = z.infer<typeof InstallationFileSchema>;
