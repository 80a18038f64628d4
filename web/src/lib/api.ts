import { isStaffApiPath, PROBLEM_CONTENT_TYPE, ProblemSchema, type ErrorCode } from '@amtsraum/shared';
import { safeParse, type core } from 'zod/mini';

/** API error codes plus the two only a client can see. Each has a text in `errors:codes`. */
export type ClientErrorCode = ErrorCode | 'network_error' | 'invalid_response';

/** What a problem says beyond its code: its typed members (ProblemSchema) and a retry delay. */
export interface ProblemExtras {
  fieldErrors?: { path: string; message: string }[];
  /** Seconds, from a 429's Retry-After header. */
  retryAfter?: number;
  /** slot_taken: free slots to offer instead. */
  alternatives?: { startsAt: string; endsAt: string }[];
  /** When it opens (UTC instant); for which codes, see ProblemSchema. */
  opensAt?: string;
  /** forbidden by a call: whether the caller is staff (the way back the refusal offers). */
  caller?: 'staff' | 'public';
  /** Why, where one code has a reason (ProblemSchema): `lock_out`, `no_feedback_address`. */
  reason?: 'lock_out' | 'no_feedback_address';
  /** The answer of a staff or admin route: codes citizens meet too are said in staff's words. */
  forStaff?: boolean;
  /**
   * The server's own words for the problem, in the interface's language (sent as Accept-Language):
   * said when the page's words for it could not be downloaded, instead of their key.
   */
  title?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    /** HTTP status, or null when no response arrived. */
    readonly status: number | null,
    readonly requestId?: string,
    options?: ErrorOptions,
    readonly extras: ProblemExtras = {},
  ) {
    super(status === null ? code : `${code} (HTTP ${String(status)})`, options);
    this.name = 'ApiError';
  }

  /** The next opening time a 409 door_closed / queue_full carries as `opensAt`. */
  get nextOpening(): Date | null {
    const date = new Date(this.extras.opensAt ?? NaN);
    return Number.isNaN(date.getTime()) ? null : date;
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'route_not_found';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'database_unavailable';
  return 'internal_error';
}

/** A failed response as an ApiError: the problem's stable `code` and extras, or one for its status. */
export async function problemOf(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes(PROBLEM_CONTENT_TYPE) || type.includes('json')) {
    const problem = ProblemSchema.safeParse(await response.json().catch(() => null));
    if (problem.success) {
      const { code, requestId, errors, alternatives, opensAt, caller, reason, title } = problem.data;
      const retryAfter = Number(response.headers.get('retry-after'));
      const forStaff = response.url !== '' && isStaffApiPath(new URL(response.url).pathname);
      return new ApiError(code, response.status, requestId, undefined, {
        ...(forStaff ? { forStaff } : {}),
        ...(errors ? { fieldErrors: errors } : {}),
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
        ...(alternatives ? { alternatives } : {}),
        ...(opensAt ? { opensAt } : {}),
        ...(caller ? { caller } : {}),
        ...(reason ? { reason } : {}),
        title,
      });
    }
  }
  return new ApiError(codeForStatus(response.status), response.status);
}

export interface GetOptions {
  signal?: AbortSignal;
  /** Sent as Accept-Language, so the server's own texts (problem titles) match the interface. */
  language: string;
}

/**
 * GETs `path` and parses the body with `schema`. Rejects with an ApiError carrying the
 * problem's stable `code`, or with the AbortError when `signal` aborts.
 */
export async function getJson<T>(path: string, schema: core.$ZodType<T>, { signal, language }: GetOptions): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      headers: { Accept: `application/json, ${PROBLEM_CONTENT_TYPE}`, 'Accept-Language': language },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('network_error', null, undefined, { cause: error });
  }
  if (!response.ok) throw await problemOf(response);
  const body: unknown = await response.json().catch(() => undefined);
  const parsed = safeParse(schema, body);
  if (!parsed.success) throw new ApiError('invalid_response', response.status, undefined, { cause: parsed.error });
  return parsed.data;
}

export interface SendOptions {
  language: string;
  signal?: AbortSignal;
}

/**
 * Sends `body` (if any) as JSON and returns the answer whatever its status; a network failure is
 * `network_error`. For callers that read a failed answer's own fields first (lib/collisions.ts),
 * then leave the rest to `problemOf`.
 */
export async function request(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body: unknown,
  { language, signal }: SendOptions,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        Accept: `application/json, ${PROBLEM_CONTENT_TYPE}`,
        'Accept-Language': language,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('network_error', null, undefined, { cause: error });
  }
  return response;
}

/** Sends `body` as JSON and parses the answer with `schema`. Errors as for `getJson`. */
export async function sendJson<T>(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body: unknown,
  schema: core.$ZodType<T>,
  options: SendOptions,
): Promise<T> {
  const response = await request(method, path, body, options);
  if (!response.ok) throw await problemOf(response);
  const parsed = safeParse(schema, await response.json().catch(() => undefined));
  if (!parsed.success) throw new ApiError('invalid_response', response.status, undefined, { cause: parsed.error });
  return parsed.data;
}

/** Sends `body` (if any) as JSON to an endpoint that answers 204. */
export async function sendForNothing(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body: unknown,
  options: SendOptions,
): Promise<void> {
  const response = await request(method, path, body, options);
  if (!response.ok) throw await problemOf(response);
}

/** Any thrown value as an ApiError, so callers can translate by code. */
export function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('invalid_response', null, undefined, { cause: error });
}
