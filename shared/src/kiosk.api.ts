import { z } from 'zod/mini';
import { ProblemSchema } from './errors.js';
import { BirthDateSchema } from './appointments.api.js';
import { BookingCodeSchema, CheckInQrSchema } from './hybrid.api.js';
import { LocaleSchema, LocalizedTextSchema } from './locales.js';
import { SlugSchema } from './slugs.js';

/**
 * The kiosk at a town hall's entrance (issue 16, item 2): what it shows, checking in for an on-site
 * appointment, and drawing a walk-in ticket. Every route is for a paired kiosk only.
 */

/** `POST /api/kiosk/check-in`: the scanned QR code alone, or the typed booking code with the date of birth. */
export const KioskCheckInRequestSchema = z.union([
  z.object({ qr: CheckInQrSchema, language: z.optional(LocaleSchema) }),
  z.object({ bookingCode: BookingCodeSchema, birthDate: BirthDateSchema, language: z.optional(LocaleSchema) }),
]);
export type KioskCheckInRequest = z.infer<typeof KioskCheckInRequestSchema>;

/** `POST /api/kiosk/tickets`: a walk-in ticket, optionally for one of the offered services. */
export const KioskTicketRequestSchema = z.object({
  serviceSlug: z.optional(SlugSchema),
  language: z.optional(LocaleSchema),
});
export type KioskTicketRequest = z.infer<typeof KioskTicketRequestSchema>;

/**
 * A ticket as the kiosk shows and prints it: the number, when it was drawn, and for a check-in
 * the appointment's start. Never a name or a concern: the next person at the kiosk may read it.
 */
export const KioskTicketSchema = z.object({
  kind: z.enum(['appointment', 'walk_in']),
  ticketNumber: z.number(),
  /** When the ticket was drawn (UTC instant). */
  issuedAt: z.string(),
  /** Check-ins: when the appointment starts (UTC instant). */
  appointmentStartsAt: z.nullable(z.string()),
});
export type KioskTicket = z.infer<typeof KioskTicketSchema>;
export const KioskTicketResponseSchema = z.object({ ticket: KioskTicketSchema });

/** Why walk-in tickets cannot be drawn right now, when they cannot. */
export const WALK_IN_REFUSALS = ['not_offered', 'closed', 'unattended', 'full'] as const;
export const WalkInRefusalSchema = z.enum(WALK_IN_REFUSALS);

/** `GET /api/kiosk`: what the kiosk's start screen shows. */
export const KioskStateSchema = z.object({
  department: z.object({ name: LocalizedTextSchema }),
  tenant: z.object({ name: z.string(), timeZone: z.string() }),
  walkIns: z.object({ available: z.boolean(), refusal: z.nullable(WalkInRefusalSchema) }),
  /** The services a walk-in ticket may name (on site and handled without appointment). */
  services: z.array(z.object({ slug: z.string(), name: LocalizedTextSchema })),
});
export type KioskState = z.infer<typeof KioskStateSchema>;
export const KioskStateResponseSchema = z.object({ kiosk: KioskStateSchema });

/**
 * A problem as the kiosk reads it: the check-in facts ride along only there (not in ProblemSchema,
 * which the door page carries).
 */
export const KioskProblemSchema = z.extend(ProblemSchema, {
  /** check_in_other_day, check_in_too_late: when the appointment is (UTC instant). */
  startsAt: z.optional(z.string()),
  /** check_in_other_department: where the appointment is. */
  departmentName: z.optional(LocalizedTextSchema),
});
export type KioskProblem = z.infer<typeof KioskProblemSchema>;
