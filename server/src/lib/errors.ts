import type { ErrorCode, Problem } from '@amtsraum/shared';

/**
 * The one error type features throw. `code` is stable for clients; the user-facing title comes
 * from the message catalogue in the requester's language; `internal` is logged, never sent.
 */
export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly status: number,
    options: {
      detail?: string;
      errors?: { path: string; message: string }[];
      internal?: string;
      headers?: Record<string, string>;
      /** Extra problem members the client acts on (see ProblemSchema). */
      extra?: Pick<Problem, 'alternatives' | 'opensAt'>;
    } = {},
  ) {
    super(options.internal ?? code);
    this.name = 'AppError';
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }
  readonly extra: Pick<Problem, 'alternatives' | 'opensAt'>;
  readonly detail: string | undefined;
  readonly errors: { path: string; message: string }[] | undefined;
  readonly headers: Record<string, string>;
}

export const notFound = (code: ErrorCode = 'route_not_found') => new AppError(code, 404);
