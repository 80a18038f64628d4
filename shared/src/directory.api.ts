import { z } from 'zod/mini';
import { DepartmentNameFormsSchema } from './department-names.js';
import { LocaleSchema, LocalizedTextSchema } from './locales.js';
import { ClosureSchema, OpeningHoursSchema } from './opening-hours.js';

/** Response schemas of the public directory: municipalities, their departments and services. */

const IsoInstantSchema = z.iso.datetime({ offset: true });

export const TenantSummarySchema = z.object({
  slug: z.string(),
  name: z.string(),
  timeZone: z.string(),
  defaultLocale: LocaleSchema,
  brandColor: z.string().check(z.regex(/^#[0-9a-f]{6}$/i)),
  logoUrl: z.nullable(z.string()),
});
export type TenantSummary = z.infer<typeof TenantSummarySchema>;

export const DOOR_STATES = ['open', 'paused', 'closed'] as const;
export const DoorStateSchema = z.enum(DOOR_STATES);
export type DoorState = z.infer<typeof DoorStateSchema>;

export const DoorStatusSchema = z.object({
  /** What a citizen meets at the door now: the clerks' setting, or else the opening hours. */
  state: DoorStateSchema,
  /** Whether the opening hours alone say "open" right now. */
  openByHours: z.boolean(),
  closesAt: z.nullable(IsoInstantSchema),
  nextOpening: z.nullable(IsoInstantSchema),
  /**
   * Not closed, but nobody on duty for a while (no clerk's console open, nobody being served):
   * knocking waits until somebody is back (issue 13). See docs/decisions/017-a-door-nobody-attends.md.
   */
  unattended: z.boolean(),
});
export type DoorStatus = z.infer<typeof DoorStatusSchema>;

export const DepartmentSummarySchema = z.object({
  slug: z.string(),
  name: LocalizedTextSchema,
  /** How the name stands in a sentence ("beim Bürgeramt"); may be empty. */
  nameForms: DepartmentNameFormsSchema,
  description: LocalizedTextSchema,
  door: DoorStatusSchema,
});
export type DepartmentSummary = z.infer<typeof DepartmentSummarySchema>;

export const ContactSchema = z.object({
  phone: z.optional(z.string().check(z.maxLength(60))),
  email: z.optional(z.email()),
  address: z.optional(z.string().check(z.maxLength(300))),
  room: z.optional(z.string().check(z.maxLength(120))),
});
export type Contact = z.infer<typeof ContactSchema>;

export const ServiceSchema = z.object({
  slug: z.string(),
  name: LocalizedTextSchema,
  description: z.nullable(LocalizedTextSchema),
  durationMinutes: z.int().check(z.positive()),
  extraMinutesPerPerson: z.int().check(z.nonnegative()),
  documents: z.array(LocalizedTextSchema),
  bookable: z.boolean(),
  knockable: z.boolean(),
  /**
   * Video, on site or both (issue 16; ServiceChannelsSchema in hybrid.api.ts, spelled out here so
   * that the door page does not load that file); left out by older servers: video.
   */
  channels: z.optional(z.enum(['video', 'onsite', 'both'])),
  /** The municipality's online application or payment for it (https), opened on its own site. */
  onlineUrl: z.optional(z.nullable(z.string())),
  /** Persons one booking may bring, when the service limits it below the department. */
  maxPersons: z.optional(z.nullable(z.number())),
});
export type Service = z.infer<typeof ServiceSchema>;

export const InstallationResponseSchema = z.object({
  tenants: z.array(TenantSummarySchema),
});
export type InstallationResponse = z.infer<typeof InstallationResponseSchema>;

export const TenantResponseSchema = z.object({
  tenant: TenantSummarySchema,
  departments: z.array(DepartmentSummarySchema),
});
export type TenantResponse = z.infer<typeof TenantResponseSchema>;

export const DepartmentResponseSchema = z.object({
  tenant: TenantSummarySchema,
  department: z.extend(DepartmentSummarySchema, {
    contact: ContactSchema,
    openingHours: OpeningHoursSchema,
    /** Closures from today on, soonest first. */
    closures: z.array(ClosureSchema),
    services: z.array(ServiceSchema),
    /** Where on-site services are given (room, address; issue 16); null or left out: nowhere. */
    onsiteLocation: z.optional(z.nullable(LocalizedTextSchema)),
  }),
  /**
   * Names this state of everything above except the door; the live door message carries the
   * current one, so an open page knows when to read the rest again.
   */
  revision: z.string(),
});
export type DepartmentResponse = z.infer<typeof DepartmentResponseSchema>;
