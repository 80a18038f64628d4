import { z } from 'zod/mini';
import { personName } from './person-name-schema.js';
import { phoneNumber } from './office-text.js';
import { CalendarDateSchema } from './calendar-dates.js';
import { DepartmentNameFormsSchema } from './department-names.js';
import { ChannelSchema } from './channels.js';
import { queryWholeNumber } from './query-numbers.js';
import { ServiceSchema } from './directory.api.js';
import { LocaleSchema, LocalizedTextSchema } from './locales.js';
import { SlugSchema } from './slugs.js';
import { utcTime } from './time-zone.js';
import { CONSENT_MESSAGE, IsoInstantSchema, LanguageTagSchema, plainText } from './visits.api.js';

/**
 * Reserved video appointments: booking without an account, the manage link from the e-mail,
 * arriving at the time, and the clerk's side. Times cross the wire as UTC instants; pages show
 * them in the tenant's time zone (`timeZone` is always sent along).
 */

const ServiceSlugsSchema = z.array(SlugSchema).check(z.minLength(1, 'please choose a service'), z.maxLength(5));

/** What the server says of a slug no bookable service has (slot-search.ts resolveServices). */
const NOT_BOOKABLE_HERE = 'this service cannot be booked here';
const isSlug = (text: string) => z.safeParse(SlugSchema, text).success;

/**
 * `services=a,b` of the slot search: one error on `services` for whatever is wrong with it. A
 * part that cannot be a slug names no service here either, so it is said as of an unknown one,
 * not as a slug's own checks ("at least 2 characters" and "lowercase letters…" on `services.0`).
 * Anything but one text (a repeated parameter, or none) asks to choose a service.
 */
const SlugListSchema = z.pipe(
  z.pipe(
    z.string('please choose a service').check(z.maxLength(400)),
    z.transform((text) => text.split(',').filter(Boolean)),
  ),
  z.array(z.string()).check(
    z.minLength(1, 'please choose a service'),
    z.maxLength(5),
    z.refine((slugs) => slugs.length > 5 || slugs.every(isSlug), NOT_BOOKABLE_HERE),
  ),
);

/** Dates of answers: any real date (a month of slots may run past the window of calendar-dates.ts). */
const DateTextSchema = z.iso.date();

// The date of birth lives here, not in hybrid.api.ts: only booking pages parse it, and the door page's
// first download stays without it (issue 14).
/** Field messages of the date of birth, translated by the server's FIELD_MESSAGES. */
export const BIRTH_DATE_MESSAGES = {
  format: 'a date of birth like 1980-04-23',
  real: 'a real date of birth in the past',
  required: 'on-site appointments need the date of birth for the check-in',
} as const;

/** A real calendar date (no 31 April) from 1900 until yesterday, as `YYYY-MM-DD`. */
export function isPastBirthDate(text: string, now: Date = new Date()): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(utcTime(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && year >= 1900 && text < now.toISOString().slice(0, 10);
}

/**
 * The date of birth of an on-site booking (issue 16): asked once, kept only as a keyed hash bound
 * to the appointment (server lib/check-in-codes.ts), typed again at the kiosk.
 */
export const BirthDateSchema = z.string().check(
  z.trim(),
  z.regex(/^\d{4}-\d{2}-\d{2}$/, BIRTH_DATE_MESSAGES.format),
  z.refine((text) => isPastBirthDate(text), BIRTH_DATE_MESSAGES.real),
);

/** A bookable service as the booking page shows it: the department page's, without the flags. */
export const BookableServiceSchema = z.omit(ServiceSchema, { bookable: true, knockable: true });
export type BookableService = z.infer<typeof BookableServiceSchema>;

/**
 * `GET /api/tenants/:tenant/departments/:department/booking`. `serverTime`: the office's clock when
 * it answered, so the calendar's "today" is the office's, not that of a phone whose clock is off.
 */
export const BookingInfoSchema = z.object({
  tenantSlug: z.string(),
  departmentSlug: z.string(),
  departmentName: LocalizedTextSchema,
  departmentNameForms: DepartmentNameFormsSchema,
  timeZone: z.string(),
  services: z.array(BookableServiceSchema),
  maxPersons: z.int().check(z.positive()),
  horizonDays: z.int().check(z.positive()),
  joinOpensMinutesBefore: z.int().check(z.nonnegative()),
  /** Where on-site appointments take place (issue 16); null: none offered. */
  onsiteLocation: z.optional(z.nullable(LocalizedTextSchema)),
  serverTime: IsoInstantSchema,
});
export type BookingInfo = z.infer<typeof BookingInfoSchema>;

/** `GET …/slots?services=a,b&persons=2&from=2026-11-23&days=7` */
export const SlotQuerySchema = /* @__PURE__ */ z.object({
  services: SlugListSchema,
  persons: /* @__PURE__ */ z._default(/* @__PURE__ */ queryWholeNumber(1, 20, 'at most 20 persons'), 1),
  /** First day (tenant zone); default today. Within 2000–2100 (calendar-dates.ts). */
  from: /* @__PURE__ */ z.optional(CalendarDateSchema),
  days: /* @__PURE__ */ z._default(/* @__PURE__ */ queryWholeNumber(1, 31), 7),
});
export type SlotQuery = z.infer<typeof SlotQuerySchema>;

export const SlotSchema = z.object({ startsAt: IsoInstantSchema, endsAt: IsoInstantSchema });
export type Slot = z.infer<typeof SlotSchema>;

/**
 * Why a day looks as it does, so the calendar says "geschlossen" or "Termine für heute ab 07:45"
 * instead of "ausgebucht" (issue 13): `free` (slots to choose), `closed` (a closure, a holiday, or
 * nobody's hours that weekday), `not_released` (today, before the release time in `releasesAt`),
 * `not_same_day` (today is not bookable online), `full` (every slot taken), `none` (no slot left:
 * the day's hours are past, too soon, outside the horizon, or everyone away).
 */
export const SLOT_DAY_STATUSES = ['free', 'closed', 'not_released', 'not_same_day', 'full', 'none'] as const;
export const SlotDayStatusSchema = z.enum(SLOT_DAY_STATUSES);
export type SlotDayStatus = z.infer<typeof SlotDayStatusSchema>;

export const SlotsResponseSchema = z.object({
  timeZone: z.string(),
  durationMinutes: z.int().check(z.positive()),
  /** One entry per day asked for (tenant zone), also days without free slots. */
  days: z.array(
    z.object({
      date: DateTextSchema,
      slots: z.array(SlotSchema),
      status: SlotDayStatusSchema,
      /** `not_released`: when today's slots open. */
      releasesAt: z.nullable(IsoInstantSchema),
      /** `closed` by a closure or a public holiday: its reason or the holiday's name, if it has one. */
      reason: z.nullable(LocalizedTextSchema),
    }),
  ),
  /** The first day after the range with a free slot, to offer "next free day". */
  nextFreeDate: z.nullable(DateTextSchema),
});
export type SlotsResponse = z.infer<typeof SlotsResponseSchema>;

// Pure: only the server parses bookings; pages that read appointments leave these (and the
// name rules) out of their download.
const BookingFieldsSchema = /* @__PURE__ */ z.object({
  services: ServiceSlugsSchema,
  persons: z.int().check(z.gte(1, 'at least one person'), z.lte(20, 'at most 20 persons')),
  startsAt: IsoInstantSchema,
  name: /* @__PURE__ */ personName(80, 'please enter your name'),
  phone: z.optional(phoneNumber(40)),
  language: LanguageTagSchema,
  interpreterLanguage: z.optional(LanguageTagSchema),
  concern: z.optional(plainText(500)),
  /** Video or on site, as the services offer (issue 16); left out: the one they offer, video when both. */
  channel: z.optional(ChannelSchema),
  /** On site: the date of birth asked again at the kiosk (required from citizens, optional for staff). */
  birthDate: z.optional(BirthDateSchema),
});

const EmailSchema = z.pipe(
  z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254)),
  z.email('please enter a valid e-mail address'),
);

/** `POST /api/tenants/:tenant/departments/:department/appointments` (a citizen books). */
export const BookingRequestSchema = /* @__PURE__ */ z.extend(BookingFieldsSchema, {
  email: EmailSchema,
  consent: z.literal(true, CONSENT_MESSAGE),
});
export type BookingRequest = z.infer<typeof BookingRequestSchema>;

/** `POST /api/staff/departments/:departmentId/appointments` (a clerk books for someone who phoned in). */
export const StaffBookingRequestSchema = /* @__PURE__ */ z.extend(BookingFieldsSchema, {
  email: z.optional(EmailSchema),
});
export type StaffBookingRequest = z.infer<typeof StaffBookingRequestSchema>;

export const APPOINTMENT_STATES = ['booked', 'cancelled', 'arrived', 'done', 'no_show'] as const;
export const AppointmentStateSchema = z.enum(APPOINTMENT_STATES);

/** What every view of an appointment shows. */
const AppointmentBaseSchema = z.object({
  id: z.uuid(),
  state: AppointmentStateSchema,
  startsAt: IsoInstantSchema,
  endsAt: IsoInstantSchema,
  services: z.array(z.object({ slug: z.string(), name: LocalizedTextSchema })),
  persons: z.int().check(z.positive()),
  name: z.string(),
  email: z.nullable(z.string()),
  language: z.string(),
  interpreterLanguage: z.nullable(z.string()),
  channel: ChannelSchema,
});

/** What the citizen sees of their appointment (manage page, booking confirmation). */
export const CitizenAppointmentSchema = z.extend(AppointmentBaseSchema, {
  tenantSlug: z.string(),
  tenantName: z.string(),
  departmentSlug: z.string(),
  departmentName: LocalizedTextSchema,
  departmentNameForms: DepartmentNameFormsSchema,
  timeZone: z.string(),
  documents: z.array(LocalizedTextSchema),
  /** The join link works from this instant (the door opens a few minutes before). */
  joinOpensAt: IsoInstantSchema,
  canCancel: z.boolean(),
  /** On site (issue 16): where to go, and the code to check in with at the kiosk (`ABCD-EFGH` unformatted). */
  onsiteLocation: z.optional(z.nullable(LocalizedTextSchema)),
  bookingCode: z.optional(z.nullable(z.string())),
});
export type CitizenAppointment = z.infer<typeof CitizenAppointmentSchema>;

/** `POST …/appointments` answer. The manage token goes only into the e-mail, never into this answer. */
export const BookingResponseSchema = z.object({ appointment: CitizenAppointmentSchema });

/**
 * The manage or join-only token from the e-mail link's fragment (`/termin#<token>`), sent in a
 * POST body: `POST /api/appointments/manage` (read), `/cancel`, `/rebook` (with `startsAt`) take
 * the manage token; `/arrive` and `/join-view` either.
 */
export const ManageTokenSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'not a valid link'));
export const ManageRequestSchema = z.object({ token: ManageTokenSchema });
export const RebookRequestSchema = z.object({ token: ManageTokenSchema, startsAt: IsoInstantSchema });
/**
 * `serverTime`: the office's clock when it answered. A citizen's phone may be minutes or hours off;
 * the page decides "open" and "over" on the office's clock, not the phone's.
 */
export const ManageResponseSchema = z.object({ appointment: CitizenAppointmentSchema, serverTime: IsoInstantSchema });

/**
 * `POST /api/appointments/join-view` (body `{ token }`): what the join page shows while the door is
 * not open, or after the appointment: the time and the office, never the citizen's data. The token
 * is the join-only token of the calendar entry or the manage token; `manages` says which, and only
 * then does the page lead on to the manage page.
 */
export const JoinViewSchema = z.object({
  state: AppointmentStateSchema,
  startsAt: IsoInstantSchema,
  endsAt: IsoInstantSchema,
  channel: ChannelSchema,
  tenantSlug: z.string(),
  tenantName: z.string(),
  departmentSlug: z.string(),
  departmentName: LocalizedTextSchema,
  timeZone: z.string(),
  joinOpensAt: IsoInstantSchema,
  manages: z.boolean(),
});
export type JoinView = z.infer<typeof JoinViewSchema>;
/** `serverTime`: the office's clock when it answered (as in `ManageResponseSchema`). */
export const JoinViewResponseSchema = z.object({ appointment: JoinViewSchema, serverTime: IsoInstantSchema });

/** `POST /api/appointments/arrive`: the visit cookie is set; the page goes to the waiting room. */
export const ArriveResponseSchema = z.object({
  visitId: z.uuid(),
  tenantSlug: z.string(),
  departmentSlug: z.string(),
});

/** An appointment as clerks see it in the console (`GET /api/staff/departments/:departmentId/appointments?date=`). */
export const StaffAppointmentSchema = z.extend(AppointmentBaseSchema, {
  phone: z.nullable(z.string()),
  concern: z.nullable(z.string()),
  clerk: z.object({ id: z.uuid(), name: z.string() }),
  /** The arrival's visit, once the citizen has come through the join link. */
  visitId: z.nullable(z.uuid()),
  /** No-show can be marked from this instant (start + grace). */
  noShowFrom: IsoInstantSchema,
  /** Video or on site (issue 16): an on-site one is checked in at the kiosk or by a clerk. */
  channel: ChannelSchema,
  /** The language of the citizen's e-mails (a cancellation's note goes into one). */
  mailLocale: LocaleSchema,
});
export type StaffAppointment = z.infer<typeof StaffAppointmentSchema>;

/**
 * `serverTime`: the office's clock when it answered. The console's "today" and the calendar of a
 * move go by it, not by the clerk's computer, whose clock may be a day off.
 */
export const StaffAppointmentsResponseSchema = z.object({
  date: DateTextSchema,
  timeZone: z.string(),
  appointments: z.array(StaffAppointmentSchema),
  serverTime: IsoInstantSchema,
});
export type StaffAppointmentsResponse = z.infer<typeof StaffAppointmentsResponseSchema>;

export const StaffAppointmentsQuerySchema = z.object({ date: z.optional(CalendarDateSchema) });
export const MoveAppointmentRequestSchema = z.object({ startsAt: IsoInstantSchema });
export const CancelAppointmentRequestSchema = z.object({ note: z.optional(plainText(300)) });
