import { z } from 'zod/mini';
import { StaffAppointmentSchema } from './appointments.api.js';
import { CallJoinResponseSchema } from './calls.api.js';
import { ChannelSchema } from './channels.js';
import { ProblemSchema } from './errors.js';
import { LocalizedTextSchema } from './locales.js';

// Answers to clerks' actions in the console that no other file describes yet; the web client
// parses them, and the server may use them to type its answers.

/** `POST /api/staff/departments/:departmentId/visits/:visitId/admit` and `…/admit-next`. */
/** `channel`: an on-site visit was called to the clerk's counter, a video one let into the call (issue 16). */
/**
 * `call`: for a video visit, the admitting clerk's own join answer (`POST /api/calls/:visitId/join`),
 * so that their side of the call starts without another request (issue 14); absent when it could
 * not be had at once (the page then asks as before).
 */
export const AdmitResponseSchema = z.object({
  visitId: z.uuid(),
  channel: ChannelSchema,
  call: z.optional(CallJoinResponseSchema),
});
export type AdmitResponse = z.infer<typeof AdmitResponseSchema>;

/**
 * Where the clerk's conversation is that refused an admit (`clerk_busy`): its office by name, and
 * whether the clerk is still a member there (a link to its console works then; else the console
 * offers to end the conversation from where the clerk is, as a former clerk may). The citizen's
 * name (or on-site ticket) is the clerk's own visit's, so that nothing is ended unseen.
 */
export const BusyWithSchema = z.object({
  departmentId: z.uuid(),
  departmentName: LocalizedTextSchema,
  visitId: z.uuid(),
  name: z.string(),
  ticketNumber: z.nullable(z.int()),
  member: z.boolean(),
});
export type BusyWith = z.infer<typeof BusyWithSchema>;

/** A refused admit as the console reads it: `busyWith` rides along only here, not in ProblemSchema (the door page's). */
export const AdmitProblemSchema = z.extend(ProblemSchema, { busyWith: z.optional(BusyWithSchema) });

/** A clerk's booking, move or cancellation of an appointment: the appointment as it is now. */
export const StaffAppointmentResponseSchema = z.object({ appointment: StaffAppointmentSchema });
export type StaffAppointmentResponse = z.infer<typeof StaffAppointmentResponseSchema>;
