import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../../deps.js';
import { parseCookies, STAFF_COOKIE } from '../../lib/cookies.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { AppError } from '../../lib/errors.js';
import { resolveStaffSession, type StaffSession } from './auth.service.js';
import { staffAccessOf } from './staff-access.js';
import { staffRequestLimitsOf } from './staff-request-limits.js';
import type { StaffRow } from './staff.repo.js';

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffRow;
    staffSession?: StaffSession;
    clerk?: Clerk;
    /** The request was counted against its staff member's limit (staff-request-limits.ts). */
    staffCounted?: boolean;
  }
}

/** A signed-in staff member acting in one of their departments (checked by `staffDepartmentRouter`). */
export interface Clerk {
  staff: StaffRow;
  departmentId: string;
  role: 'clerk' | 'admin';
}

/**
 * Lets the request through only with a valid staff session; the staff row rides on `req.staff`.
 * `kept`: the session may come from the process's staff access cache (staff-access.ts), for the
 * department routes a clerk calls one after another; every other route reads it each time.
 * Every request counts once against its staff member's limit, and a session cookie that names no
 * session against its address (staff-request-limits.ts); over either, 429.
 */
export function requireStaff(deps: Pick<AppDeps, 'database' | 'now' | 'limits'>): RequestHandler;
export function requireStaff(
  deps: Pick<AppDeps, 'database' | 'now' | 'limits' | 'events'>,
  options: { kept: true },
): RequestHandler;
export function requireStaff(
  deps: Pick<AppDeps, 'database' | 'now' | 'limits'> & Partial<Pick<AppDeps, 'events'>>,
  options: { kept?: true } = {},
): RequestHandler {
  const access = options.kept && deps.events ? staffAccessOf(deps.events) : null;
  const limits = staffRequestLimitsOf(deps.limits);
  return async (req: Request, _res: Response, next: NextFunction) => {
    // Checked already on this request's way (a finish passes the former clerk's route first).
    if (access && req.staffSession) return next();
    const token = parseCookies(req.headers.cookie)[STAFF_COOKIE];
    const session = access
      ? await access.session(deps.database.db, token, deps.now())
      : await resolveStaffSession(deps.database.db, token, deps.now());
    if (!session) {
      // Only the misses are refused: a valid session from the same address (a town hall's) passes.
      if (token !== undefined) await limits.sessionMisses.hit(requestAddressGroup(req));
      throw new AppError('unauthorized');
    }
    if (!req.staffCounted) {
      req.staffCounted = true;
      await limits.perStaff.hit(session.staff.id);
    }
    req.staff = session.staff;
    req.staffSession = session;
    next();
  };
}

export function currentStaff(req: Request): StaffRow {
  if (!req.staff) throw new AppError('unauthorized');
  return req.staff;
}

export function currentSession(req: Request): StaffSession {
  if (!req.staffSession) throw new AppError('unauthorized');
  return req.staffSession;
}

/** The clerk of a route below `staffDepartmentRouter`; anywhere else a programming error. */
export function currentClerk(req: Request): Clerk {
  if (!req.clerk) throw new Error('route is not mounted below staffDepartmentRouter');
  return req.clerk;
}
