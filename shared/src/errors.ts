import { z } from 'zod/mini';

/**
 * Stable error codes of the HTTP and WebSocket API. Clients translate by code; the server also
 * sends a title in the requester's language for clients that do not.
 */
export const ERROR_CODES = [
  'route_not_found',
  'entry_not_found',
  'method_not_allowed',
  'method_not_implemented',
  'range_not_satisfiable',
  'precondition_failed',
  'tenant_not_found',
  'department_not_found',
  'invalid_json',
  'payload_too_large',
  'headers_too_large',
  'unsupported_media_type',
  'validation_failed',
  'rate_limited',
  'unauthorized',
  'forbidden',
  'conflict',
  'door_closed',
  'door_unattended',
  'queue_full',
  'already_waiting',
  'visit_not_found',
  'visit_taken',
  'queue_empty',
  'queue_only_lost',
  'clerk_busy',
  'invalid_credentials',
  'second_factor_required',
  'second_factor_invalid',
  'link_invalid',
  'link_expired',
  'origin_not_allowed',
  'call_full',
  'slot_taken',
  'booking_limit_reached',
  'already_booked',
  'availability_collision',
  'slot_unavailable',
  'appointment_not_found',
  'appointment_not_open_yet',
  'appointment_over',
  'appointment_cancelled',
  'invite_invalid',
  'invite_expired',
  'invite_revoked',
  'invite_removed',
  'invite_used_up',
  'invite_call_ended',
  'invite_call_not_started',
  'invite_waiting',
  'device_not_paired',
  'pairing_code_invalid',
  'check_in_not_found',
  'check_in_wrong_birth_date',
  'check_in_locked',
  'check_in_too_early',
  'check_in_too_late',
  'check_in_other_day',
  'check_in_other_department',
  'check_in_video_appointment',
  'walk_ins_not_offered',
  'channel_not_offered',
  'counter_required',
  'appointment_onsite',
  'database_unavailable',
  'office_busy',
  'media_unavailable',
  'internal_error',
  'no_show_too_early',
  'staff_already_active',
  'email_taken',
  'call_participant_not_found',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/**
 * An error code as clients read it from an answer: a string, typed as a code of the list, not
 * checked against it. The server sends only codes of the list (its throw sites are typed) and
 * clients look their texts up by code, so the check would only put the whole list into every
 * page's first download (issue 14: the door page's budget). The list is checked where it is
 * written: the server's types and the locale test (every code has a text).
 */
export const SentErrorCodeSchema = z.custom<ErrorCode>((value) => typeof value === 'string');

/**
 * The HTTP status of each error code, written once: the server's throw sites name the code only,
 * and a client may read the status a code comes with.
 */
export const ERROR_STATUS = {
  route_not_found: 404,
  entry_not_found: 404,
  method_not_allowed: 405,
  // A request method the server does not know at all (PROPFIND is known to Node, BREW is not).
  method_not_implemented: 501,
  // A file asked for in part (Range) beyond its end, or on a condition (If-Match) it no longer meets.
  range_not_satisfiable: 416,
  precondition_failed: 412,
  tenant_not_found: 404,
  department_not_found: 404,
  invalid_json: 400,
  payload_too_large: 413,
  // The request's headers (its address with the query string, its cookies) over Node's 16 kB.
  headers_too_large: 431,
  unsupported_media_type: 415,
  validation_failed: 400,
  rate_limited: 429,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  door_closed: 409,
  door_unattended: 409,
  queue_full: 409,
  already_waiting: 409,
  visit_not_found: 404,
  visit_taken: 409,
  queue_empty: 409,
  // "Next" takes only a connected person; everyone waiting has lost their connection.
  queue_only_lost: 409,
  clerk_busy: 409,
  invalid_credentials: 401,
  // Signed in, but this needs the second factor (or the identity provider) first.
  second_factor_required: 403,
  second_factor_invalid: 401,
  // A staff member's single-use link (invitation, password reset): unknown or used, or too old.
  link_invalid: 404,
  link_expired: 410,
  origin_not_allowed: 403,
  call_full: 409,
  slot_taken: 409,
  // Bookings per e-mail address and day (only bookings made count).
  booking_limit_reached: 429,
  // The same e-mail address already has an appointment at this time in this department.
  already_booked: 409,
  // A change of hours or an absence would leave booked appointments outside availability.
  availability_collision: 409,
  slot_unavailable: 422,
  appointment_not_found: 404,
  appointment_not_open_yet: 409,
  // Gone for good for the join link; a change asked of an appointment that moved on meanwhile is
  // a conflict instead (409, the one status given at its throw site).
  appointment_over: 410,
  appointment_cancelled: 410,
  invite_invalid: 404,
  invite_expired: 410,
  invite_revoked: 410,
  invite_removed: 410,
  invite_used_up: 410,
  invite_call_ended: 410,
  invite_call_not_started: 409,
  invite_waiting: 409,
  // The hybrid office (issue 16): devices, check-in, tickets, counters.
  device_not_paired: 401,
  pairing_code_invalid: 404,
  check_in_not_found: 404,
  check_in_wrong_birth_date: 400,
  check_in_locked: 429,
  check_in_too_early: 409,
  check_in_too_late: 410,
  check_in_other_day: 409,
  check_in_other_department: 409,
  check_in_video_appointment: 409,
  walk_ins_not_offered: 409,
  channel_not_offered: 422,
  counter_required: 409,
  // An on-site appointment opened through the video join link: it is checked in at the kiosk.
  appointment_onsite: 409,
  database_unavailable: 503,
  // Too many at once want the same kind of work (the 07:45 rush): nothing changed, asking again works.
  office_busy: 503,
  // The media server (LiveKit) cannot be reached: nothing changed, asking again later works.
  media_unavailable: 503,
  internal_error: 500,
  // A no-show marked before the appointment's start plus the department's grace: nothing to reload.
  no_show_too_early: 409,
  // An invitation asked for an account that already has a password: there is nobody to invite.
  staff_already_active: 409,
  // Another account of the installation has this e-mail address (the field error says where).
  email_taken: 409,
  // A peer-to-peer call signal named nobody of the sender's call (they left meanwhile, or never were).
  call_participant_not_found: 404,
} as const satisfies Record<ErrorCode, number>;

/**
 * Codes a citizen and a clerk both meet, with words for each: the citizen's ("check the link from
 * your e-mail", "you can knock again") misled clerks acting on another department's visit. Which
 * words a reader gets follows the route: answers of the staff and admin API are worded for staff.
 */
export const STAFF_WORDED_CODES = [
  'visit_not_found',
  'appointment_not_found',
  'invite_invalid',
  // A clerk booking for a caller: "try again tomorrow or contact the office" spoke to the caller.
  'booking_limit_reached',
] as const;
export type StaffWordedCode = (typeof STAFF_WORDED_CODES)[number];

export const isStaffWordedCode = (code: string): code is StaffWordedCode =>
  (STAFF_WORDED_CODES as readonly string[]).includes(code);

/** Whether an API path (no origin) is of the staff or admin API, whose readers are staff. */
export const isStaffApiPath = (path: string): boolean => /^\/api\/(staff|admin)\//.test(path);

/**
 * How long a 429 asks to wait, in the words a refusal uses: none up to about a minute and a half
 * ("wait a moment" is true then), else whole minutes (rounded up) below two hours, else hours.
 * Server titles and web texts both say it from the Retry-After, so they name the same wait (the
 * accessibility feedback's hour was once announced as "a moment").
 */
export function retryWait(retryAfterSeconds: number): { unit: 'minutes' | 'hours'; count: number } | null {
  if (!(retryAfterSeconds > 90)) return null;
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return minutes < 120 ? { unit: 'minutes', count: minutes } : { unit: 'hours', count: Math.round(minutes / 60) };
}

/**
 * RFC 9457 problem details, as every error response of the API carries them. A client acts on
 * `code` and the typed members below, never on `detail`.
 */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  code: SentErrorCodeSchema,
  /**
   * For a developer's eyes: a plain English sentence, never parsed, never an internal identifier,
   * state, query or stack (server/src/lib/errors.ts). Most answers have none; `title` is the
   * requester's language.
   */
  detail: z.optional(z.string()),
  /** For validation failures: which field, and why, in the requester's language. */
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  /** slot_taken: the next free slots to offer instead. */
  alternatives: z.optional(z.array(z.object({ startsAt: z.string(), endsAt: z.string() }))),
  /**
   * When it opens (UTC instant). appointment_not_open_yet, invite_call_not_started: the call;
   * door_closed, queue_full: the door's next opening, absent when none is planned;
   * no_show_too_early: from when the no-show can be marked.
   */
  opensAt: z.optional(z.string()),
  /**
   * forbidden by a call (join, preview, screen sharing): whether the caller is signed in as staff,
   * so the refusal offers the way back to their offices, or to the start for everybody else.
   */
  caller: z.optional(z.enum(['staff', 'public'])),
  /**
   * Why, where one code has a reason a client acts on. forbidden `lock_out`: the change would shut
   * the admin out (their own account, municipality or authenticator) or the installation's admin
   * (deactivated or their authenticator reset by a municipality admin), said in `errors`; it is not
   * a right lost meanwhile. conflict `no_feedback_address`: the municipality has no address for
   * accessibility feedback (its page shows no form).
   */
  reason: z.optional(z.enum(['lock_out', 'no_feedback_address'])),
  requestId: z.optional(z.string()),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
