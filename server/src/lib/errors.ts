import { ERROR_STATUS, type BusyWith, type ErrorCode, type Locale, type Problem } from '@amtsraum/shared';

/** One field's failure: `message` as the schema words it, `localized` in each interface language. */
export interface FieldError {
  path: string;
  message: string;
  localized?: Record<Locale, string>;
}

/**
 * Extra problem members the client acts on: those of ProblemSchema, and those only one kind of
 * page reads and parses itself, so that the door page's first chunk does not carry them (issue
 * 14): the collisions of an availability change (offer.api.ts CollisionSchema, the admin pages),
 * and the kiosk's check-in facts (issue 16).
 */
export type ProblemExtra = Pick<Problem, 'alternatives' | 'opensAt' | 'caller' | 'reason'> & {
  collisions?: unknown[];
  /** check_in_other_day, check_in_too_late: when the appointment is (UTC instant); read by the kiosk only. */
  startsAt?: string;
  /** check_in_other_department: where the appointment is (LocalizedText); read by the kiosk only. */
  departmentName?: Record<string, string>;
  /** clerk_busy at an admit: where the clerk's conversation is (AdmitProblemSchema); read by the console only. */
  busyWith?: BusyWith;
  /**
   * An invite link's refusal (InviteProblemSchema): its municipality, for the legal links of the
   * page saying so; only to whoever holds that very link. Read by the invitation page only.
   */
  tenantSlug?: string;
};

/**
 * The one error type features throw. `code` is stable for clients and decides the HTTP status
 * (`ERROR_STATUS` in shared/); the user-facing title comes from the message catalogue in the
 * requester's language; `internal` is logged, never sent.
 *
 * `detail` goes out (the problem's `detail`, the live socket's error message): a plain English
 * sentence for a developer, or nothing. Never a token a client would parse, an internal identifier,
 * a row's state, a query or a stack: what a client acts on is a typed member of ProblemSchema
 * (`extra`), what only we need is `internal`.
 */
export class AppError extends Error {
  readonly status: number;
  readonly extra: ProblemExtra;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly title: Record<Locale, string> | undefined;

  constructor(
    public readonly code: ErrorCode,
    options: {
      /** A plain English sentence for developers; see above. */
      detail?: string;
      errors?: FieldError[];
      internal?: string;
      headers?: Record<string, string>;
      /** Extra problem members the client acts on (see ProblemSchema). */
      extra?: ProblemExtra;
      /** Only where one code means two things to HTTP (say why at the throw site). */
      status?: number;
      /** The title in each interface language where it names this case's facts (a time); else the catalogue's. */
      title?: Record<Locale, string>;
    } = {},
  ) {
    super(options.internal ?? code);
    this.name = 'AppError';
    this.status = options.status ?? ERROR_STATUS[code];
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
    this.title = options.title;
  }
}

/** 400 validation_failed for one field, as `parseInput` reports a schema failure. */
export const invalidField = (path: string, message: string, localized?: Record<Locale, string>) =>
  new AppError('validation_failed', { errors: [{ path, message, ...(localized ? { localized } : {}) }] });
