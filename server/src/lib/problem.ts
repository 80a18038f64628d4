import { isStaffApiPath, negotiateLocale, PROBLEM_CONTENT_TYPE, type Problem } from '@amtsraum/shared';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { allowedMethods } from './allowed-methods.js';
import { isDiskFullError, type DiskWatch } from './disk-watch.js';
import { AppError } from './errors.js';
import { BODY_ERROR_CODES } from './json-body.js';
import { errorTitle, FIELD_MESSAGES } from './messages.js';

/** Writes an RFC 9457 problem response in the requester's language. */
export function sendProblem(req: Request, res: Response, error: AppError): void {
  const locale = negotiateLocale(req.get('accept-language'));
  const body: Problem = {
    type: `about:blank#${error.code}`,
    title:
      error.title?.[locale] ??
      errorTitle(error.code, locale, {
        retryAfterSeconds: Number(error.headers['Retry-After']) || undefined,
        staff: isStaffApiPath(req.originalUrl),
      }),
    status: error.status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(error.errors
      ? {
          errors: error.errors.map(({ path, message, localized }) => ({
            path,
            message: localized?.[locale] ?? FIELD_MESSAGES[message]?.[locale] ?? message,
          })),
        }
      : {}),
    ...error.extra,
    ...(typeof req.id === 'string' ? { requestId: req.id } : {}),
  };
  res
    .status(error.status)
    .set(error.headers)
    .set('Content-Language', locale)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(body));
}

/**
 * No route of `router` took the request: 405 with `Allow` when its address is served there with
 * other methods, else 404. `req.path` is relative to the router the caller runs in.
 */
export function notRouted(req: Request, router: { stack?: unknown }): AppError {
  const allowed = allowedMethods(router.stack, req.path, req.method);
  return allowed.length > 0
    ? new AppError('method_not_allowed', { headers: { Allow: allowed.join(', ') } })
    : new AppError('route_not_found');
}

/** The last handler of `router`: whatever reaches it was not routed (see `notRouted`). */
export function notFoundIn(router: { stack?: unknown }): RequestHandler {
  return (req, _res, next) => {
    next(notRouted(req, router));
  };
}

interface HttpError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

/** Maps body-parser's error types, and what is wrong with the URL itself, to our stable codes. */
function fromHttpError(error: HttpError): AppError | null {
  // The API's own reader names its errors itself (json-body.ts); this is for a route's own reader.
  const known = error.type ? BODY_ERROR_CODES[error.type] : undefined;
  if (known) return new AppError(known);
  const status = error.status ?? error.statusCode ?? 500;
  // serve-static on a file that is there: a part past its end (a download resumed after the file
  // changed), or a condition it no longer meets. Once "this address does not exist", for a file that does.
  if (status === 416) return new AppError('range_not_satisfiable');
  if (status === 412) return new AppError('precondition_failed');
  // The router's "Failed to decode param" (a path like /%ff), and serve-static refusing a path that
  // cannot be decoded or leaves its folder (/assets/%2e%2e/…): an address that names nothing.
  if (status === 404 || (status >= 400 && status < 500 && error.expose !== false)) {
    return new AppError('route_not_found');
  }
  return null;
}

/**
 * serve-static sets the file's caching headers (Cache-Control public with max-age, ETag,
 * Last-Modified) before it finds a range past the end (416) or a failed condition (412): the
 * error answer must not be cached or revalidated as if it were the file.
 */
function withoutFileCaching(res: Response): void {
  res.removeHeader('ETag');
  res.removeHeader('Last-Modified');
  res.setHeader('Cache-Control', 'no-store');
}

/** What a client that hung up leaves behind: `res.sendFile`'s "Request aborted", a reset, a body cut off. */
const HANG_UP_CODES = new Set(['ECONNABORTED', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

function hangUpCode(error: unknown): string | null {
  if (typeof error !== 'object' || !error) return null;
  const { code, type } = error as { code?: unknown; type?: unknown };
  if (type === 'request.aborted') return 'request.aborted';
  return typeof code === 'string' && HANG_UP_CODES.has(code) ? code : null;
}

/**
 * The one error middleware. `databaseReachable` is asked only about errors nothing else explains:
 * while the database is down or restarting, those get 503 `database_unavailable` with a
 * Retry-After (and one short warning each) instead of a 500 with a stack in the log. A write
 * refused for lack of space is told to `disk` (readiness goes unready until writes succeed).
 */
export function errorHandler(
  databaseReachable: () => Promise<boolean> = async () => true,
  disk: Pick<DiskWatch, 'note'> = { note: isDiskFullError },
): ErrorRequestHandler {
  return async (error: unknown, req, res, next) => {
    // The client hung up (a browser leaving a page while its assets load): nobody to answer, and
    // its hanging up is no fault of the server's, so no error with a stack. A fault of ours that
    // meets a closed connection is still one.
    if (res.destroyed || req.socket.destroyed) {
      const code = hangUpCode(error);
      if (code) req.log.debug({ code }, 'client hung up before the answer');
      else if (!(error instanceof AppError && error.status < 500)) req.log.error({ err: error }, 'unexpected error');
      return;
    }
    if (res.headersSent) {
      next(error);
      return;
    }
    const fromHttp = !(error instanceof AppError) && typeof error === 'object' && error !== null;
    const appError = error instanceof AppError ? error : (fromHttp && fromHttpError(error as HttpError)) || null;
    if (appError && fromHttp) withoutFileCaching(res);
    if (appError) {
      if (appError.status >= 500) req.log.error({ err: error }, 'request failed');
      sendProblem(req, res, appError);
      return;
    }
    // The database's disk is full (SQLSTATE 53100): said as what it is, in one line without a
    // stack; the person is asked to try again, as while the database is away, not told of a fault.
    if (disk.note(error)) {
      req.log.error(
        { code: 'database_disk_full' },
        "request failed: the database's disk is full, nothing can be saved until space is freed " +
          "(with the embedded database: DATA_DIR's disk; with PostgreSQL: its server's)",
      );
      sendProblem(req, res, new AppError('database_unavailable', { headers: { 'Retry-After': '30' } }));
      return;
    }
    if (!(await databaseReachable().catch(() => false))) {
      req.log.warn({ code: 'database_unavailable' }, 'request failed: database unavailable');
      sendProblem(req, res, new AppError('database_unavailable', { headers: { 'Retry-After': '5' } }));
      return;
    }
    req.log.error({ err: error }, 'unexpected error');
    sendProblem(req, res, new AppError('internal_error'));
  };
}
