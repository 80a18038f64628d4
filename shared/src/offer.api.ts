import { z } from 'zod/mini';
import { LocalizedNameSchema, LocalizedTextInputSchema, officeText } from './office-text.js';
import { CalendarDateSchema } from './calendar-dates.js';
import { ServiceChannelsSchema } from './hybrid.api.js';
import { LocalizedTextSchema } from './locales.js';
import { SlugSchema } from './slugs.js';
import { IsoInstantSchema, plainText } from './visits.api.js';

/**
 * What a department admin offers and when (issue 15, items 2 and 3): services, booking rules,
 * clerks' weekly hours and absences, the week view, and the collisions a change would cause with
 * booked appointments. Paths are below `/api/admin/tenants/:tenant/departments/:department`.
 */

const IdSchema = z.uuid();
const ClockSchema = z.string().check(z.regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time like 08:30'));
/** Dates of answers (the week view's days); requests take CalendarDateSchema. */
const DateSchema = z.iso.date();

/** Keywords per language: the words citizens use ("Führungszeugnis", "Ummeldung"). */
export const KeywordsSchema = z.record(
  z.string().check(z.regex(/^[a-z]{2,3}$/)),
  z.array(officeText(60).check(z.minLength(1))).check(z.maxLength(40)),
);

// A pattern rather than z.url(): every zod/mini check used anywhere lands in the door page's
// first chunk (issue 14), and this one is all a link needs.
export const OnlineUrlSchema = z
  .string()
  .check(
    z.maxLength(500),
    z.regex(/^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)+(:\d{1,5})?([/?#][^\s]*)?$/i, 'an address starting with https://'),
  );

// The hybrid office's two rules between a department's on-site location and its services (issue 16);
// in this file rather than hybrid.api.ts, so that the door page's first download does not carry them.
/** Said when a service would offer on site before its department says where (issue 16). */
export const ONSITE_LOCATION_FIRST = 'enter the on-site location on the department page first';
/** Said when the location would go while services still offer on site. */
export const ONSITE_LOCATION_IN_USE = 'services still offer on site: switch them to video first';

/** A service as the admin writes it (`POST …/services`, `PUT …/services/:serviceId`). */
export const ServiceInputSchema = z.object({
  name: LocalizedNameSchema,
  description: z.nullable(LocalizedTextInputSchema),
  durationMinutes: z.int().check(z.gte(5, 'at least 5 minutes'), z.lte(480, 'at most 480 minutes')),
  extraMinutesPerPerson: z.int().check(z.gte(0), z.lte(240, 'at most 240 minutes')),
  /** One line each: the web form takes one document a line. */
  documents: z.array(LocalizedNameSchema).check(z.maxLength(20)),
  bookable: z.boolean(),
  knockable: z.boolean(),
  maxPersons: z.nullable(z.int().check(z.gte(1, 'at least one person'), z.lte(20, 'at most 20 persons'))),
  keywords: KeywordsSchema,
  onlineUrl: z.nullable(OnlineUrlSchema),
  /**
   * Video, on site or both (issue 16). Left out: unchanged (a new service: video). On site needs
   * the department's on-site location first.
   */
  channels: z.optional(ServiceChannelsSchema),
});
export type ServiceInput = z.infer<typeof ServiceInputSchema>;

/** Creating names the service's address once; it stays (links and bookings use it). */
export const CreateServiceSchema = z.extend(ServiceInputSchema, { slug: SlugSchema });
export type CreateService = z.infer<typeof CreateServiceSchema>;

export const AdminServiceSchema = z.extend(ServiceInputSchema, {
  channels: ServiceChannelsSchema,
  id: IdSchema,
  slug: z.string(),
  archivedAt: z.nullable(IsoInstantSchema),
  sortOrder: z.int(),
});
export type AdminService = z.infer<typeof AdminServiceSchema>;

/** `GET …/services`: every service, archived ones last, with the languages the municipality offers. */
export const AdminServicesResponseSchema = z.object({
  locales: z.array(z.string()),
  departmentMaxPersons: z.int(),
  /** Whether the department says where on site is: services may offer on site only then (issue 16). */
  onsiteReady: z.optional(z.boolean()),
  services: z.array(AdminServiceSchema),
});
export type AdminServicesResponse = z.infer<typeof AdminServicesResponseSchema>;

/** `PUT …/services/order`: the ids of the department's services in their new order. */
export const ServiceOrderSchema = z.object({ ids: z.array(IdSchema).check(z.minLength(1), z.maxLength(200)) });

/** `GET`/`PUT …/booking-rules` */
export const BookingRulesSchema = z.object({
  horizonDays: z.int().check(z.gte(1, 'at least one day'), z.lte(365, 'at most 365 days')),
  leadMinutes: z.int().check(z.gte(0), z.lte(20_160, 'at most two weeks')),
  /** Null: citizens never book today's slots. */
  sameDayReleaseTime: z.nullable(ClockSchema),
  joinOpensMinutesBefore: z.int().check(z.gte(0), z.lte(120, 'at most 120 minutes')),
  noShowGraceMinutes: z.int().check(z.gte(0), z.lte(120, 'at most 120 minutes')),
  maxPersonsPerBooking: z.int().check(z.gte(1, 'at least one person'), z.lte(20, 'at most 20 persons')),
  /** Clerks may enter their own absences. */
  clerksManageAbsences: z.boolean(),
});
export type BookingRules = z.infer<typeof BookingRulesSchema>;

/** A weekly range of bookable hours: ISO weekday (1 = Monday), wall clock of the municipality. */
export const WeeklyRangeSchema = z
  .object({ weekday: z.int().check(z.gte(1), z.lte(7)), startsAt: ClockSchema, endsAt: ClockSchema })
  .check(
    z.refine((range) => range.startsAt < range.endsAt, {
      message: 'the end must be after the start',
      path: ['endsAt'],
    }),
  );
export type WeeklyRange = z.infer<typeof WeeklyRangeSchema>;

/** How the admin resolves one booked appointment a change would leave outside availability. */
export const ResolutionSchema = z.discriminatedUnion('action', [
  /** To `startsAt`, or when left out to the next free slot after the change. The citizen gets an e-mail. */
  z.object({ action: z.literal('move'), startsAt: z.optional(IsoInstantSchema) }),
  z.object({ action: z.literal('cancel'), note: z.optional(plainText(300)) }),
  /** Stays as an exception outside the hours. */
  z.object({ action: z.literal('keep') }),
]);
export type Resolution = z.infer<typeof ResolutionSchema>;

const ResolutionsSchema = z.optional(z.record(IdSchema, ResolutionSchema));

/** `PUT …/availability/:staffId`: the clerk's weekly hours in this department, replacing the old ones. */
export const HoursChangeSchema = z.object({
  ranges: z.array(WeeklyRangeSchema).check(
    z.maxLength(70),
    z.refine((ranges) => !overlapping(ranges), 'ranges of one day must not overlap'),
  ),
  resolutions: ResolutionsSchema,
});
export type HoursChange = z.infer<typeof HoursChangeSchema>;

function overlapping(ranges: WeeklyRange[]): boolean {
  const sorted = [...ranges].sort((a, b) => a.weekday - b.weekday || (a.startsAt < b.startsAt ? -1 : 1));
  return sorted.some((range, i) => {
    const next = sorted[i + 1];
    return next !== undefined && next.weekday === range.weekday && next.startsAt < range.endsAt;
  });
}

/**
 * An absence as entered: whole days from `startsOn` to `endsOn` (municipality's dates), or from
 * `startsAtTime` on the first day and until `endsAtTime` on the last.
 */
export const AbsenceInputSchema = z
  .object({
    startsOn: CalendarDateSchema,
    endsOn: CalendarDateSchema,
    startsAtTime: z.optional(ClockSchema),
    endsAtTime: z.optional(ClockSchema),
    reason: z.optional(plainText(120)),
    resolutions: ResolutionsSchema,
  })
  .check(
    z.refine((a) => a.startsOn <= a.endsOn, { message: 'the end must not be before the start', path: ['endsOn'] }),
    z.refine((a) => a.startsOn !== a.endsOn || !a.startsAtTime || !a.endsAtTime || a.startsAtTime < a.endsAtTime, {
      message: 'the end must be after the start',
      path: ['endsAtTime'],
    }),
  );
export type AbsenceInput = z.infer<typeof AbsenceInputSchema>;

export const AbsenceSchema = z.object({
  id: IdSchema,
  startsAt: IsoInstantSchema,
  endsAt: IsoInstantSchema,
  reason: z.nullable(z.string()),
});
export type Absence = z.infer<typeof AbsenceSchema>;

export const ClerkAvailabilitySchema = z.object({
  staffId: IdSchema,
  name: z.string(),
  ranges: z.array(WeeklyRangeSchema),
  /** Absences not yet over. */
  absences: z.array(AbsenceSchema),
});
export type ClerkAvailability = z.infer<typeof ClerkAvailabilitySchema>;

/** `GET …/availability` */
export const AvailabilityResponseSchema = z.object({
  timeZone: z.string(),
  clerks: z.array(ClerkAvailabilitySchema),
});
export type AvailabilityResponse = z.infer<typeof AvailabilityResponseSchema>;

/** A booked appointment a change would leave outside the clerk's availability. */
export const CollisionSchema = z.object({
  appointmentId: IdSchema,
  startsAt: IsoInstantSchema,
  endsAt: IsoInstantSchema,
  departmentSlug: z.string(),
  services: z.array(LocalizedTextSchema),
  clerkName: z.string(),
  /** Only for an appointment of a department the requester administers. */
  citizenName: z.nullable(z.string()),
  /** Whether the requester may move or cancel it (else only keep). */
  resolvable: z.boolean(),
  /**
   * The next free slots of its length after the change (from its own time on, else from now),
   * for the admin to move it to; only where `resolvable`.
   */
  moveChoices: z.optional(z.array(z.object({ startsAt: IsoInstantSchema, endsAt: IsoInstantSchema }))),
  /**
   * True when the move asked for found no free slot (or not the one chosen). Nothing of the change
   * was stored: the admin chooses again for it (issue 15, all or nothing).
   */
  notMoved: z.optional(z.boolean()),
});
export type Collision = z.infer<typeof CollisionSchema>;

/** What happened to each collision resolved with the change. */
export const ResolvedSchema = z.object({
  appointmentId: IdSchema,
  outcome: z.enum(['moved', 'cancelled', 'kept', 'not_moved']),
  startsAt: z.optional(IsoInstantSchema),
});
export type Resolved = z.infer<typeof ResolvedSchema>;

export const ChangeResultSchema = z.object({ resolved: z.array(ResolvedSchema) });

/** `from` within 2000–2100 (calendar-dates.ts): a week from 9999-12-27 would end in year 10000. */
export const WeekQuerySchema = z.object({ from: CalendarDateSchema });

export const WeekAppointmentSchema = z.object({
  id: IdSchema,
  startsAt: IsoInstantSchema,
  endsAt: IsoInstantSchema,
  services: z.array(LocalizedTextSchema),
  citizenName: z.string(),
});

/** `GET …/availability/week?from=YYYY-MM-DD`: seven days from `from`. */
export const WeekViewSchema = z.object({
  timeZone: z.string(),
  days: z.array(
    z.object({
      date: DateSchema,
      /** A closure or holiday: nothing is bookable. */
      closed: z.boolean(),
      clerks: z.array(
        z.object({
          staffId: IdSchema,
          name: z.string(),
          /** Bookable hours that day minus absences and closures. */
          ranges: z.array(z.object({ startsAt: IsoInstantSchema, endsAt: IsoInstantSchema })),
          /** Free quarter hours still bookable (by staff, from now on, within the horizon), in minutes. */
          freeMinutes: z.int(),
          appointments: z.array(WeekAppointmentSchema),
        }),
      ),
    }),
  ),
});
export type WeekView = z.infer<typeof WeekViewSchema>;

/** `GET /api/staff/departments/:departmentId/absences`: the clerk's own absences not yet over. */
export const OwnAbsencesSchema = z.object({
  timeZone: z.string(),
  allowed: z.boolean(),
  absences: z.array(AbsenceSchema),
});
export type OwnAbsences = z.infer<typeof OwnAbsencesSchema>;
