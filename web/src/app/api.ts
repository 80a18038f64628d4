import { PROBLEM_CONTENT_TYPE, ProblemSchema, type ErrorCode } from '@amtsraum/shared';
import type { ZodType } from 'zod';

/** API error codes plus the two only a client can see. Each has a text in `errors:codes`. */
export type ClientErrorCode = ErrorCode | 'network_error' | 'invalid_response';

export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    /** HTTP status, or null when no response arrived. */
    readonly status: number | null,
    readonly requestId?: string,
    options?: ErrorOptions,
  ) {
    super(status === null ? code : `${code} (HTTP ${String(status)})`, options);
    this.name = 'ApiError';
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'route_not_found';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'database_unavailable';
  return 'internal_error';
}

async function problemOf(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes(PROBLEM_CONTENT_TYPE) || type.includes('json')) {
    const problem = ProblemSchema.safeParse(await response.json().catch(() => null));
    if (problem.success) return new ApiError(problem.data.code, response.status, problem.data.requestId);
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
export async function getJson<T>(path: string, schema: ZodType<T>, { signal, language }: GetOptions): Promise<T> {
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
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError('invalid_response', response.status, undefined, { cause: parsed.error });
  return parsed.data;
}
