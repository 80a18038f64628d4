import { z } from 'zod/mini';
import { CounterNameSchema } from './hybrid.api.js';
import { SlugSchema } from './slugs.js';
import { plainText } from './visits.api.js';

/**
 * The clerk's side of the hybrid office (issue 16, items 3 and 5): the counter a clerk calls
 * on-site visits to, and checking people in at the counter for those without internet.
 */

/** `PUT /api/staff/departments/:id/counter`. */
export const CounterRequestSchema = z.object({ counterName: CounterNameSchema });
export type CounterRequest = z.infer<typeof CounterRequestSchema>;
/** `GET|PUT /api/staff/departments/:id/counter`: this clerk's counter in the department, null until set. */
export const CounterResponseSchema = z.object({ counterName: z.nullable(z.string()) });

/**
 * `POST /api/staff/departments/:id/onsite-tickets`: a walk-in ticket for someone standing at the
 * counter. Everything is optional: the clerk may know no more than "a person".
 */
export const StaffWalkInRequestSchema = z.object({
  serviceSlug: z.optional(SlugSchema),
  concern: z.optional(plainText(500)),
});
export type StaffWalkInRequest = z.infer<typeof StaffWalkInRequestSchema>;

/** The answer of a staff check-in or walk-in ticket: the number to tell the person. */
export const OnsiteTicketResponseSchema = z.object({
  visitId: z.uuid(),
  ticketNumber: z.int().check(z.positive()),
});
export type OnsiteTicketResponse = z.infer<typeof OnsiteTicketResponseSchema>;
