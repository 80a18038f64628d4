import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../../deps.js';
import { parseCookies, STAFF_COOKIE } from '../../lib/cookies.js';
import { AppError } from '../../lib/errors.js';
import { resolveStaffSession, type StaffSession } from './auth.service.js';
import { staffAccessOf } from './staff-access.js';
import type { StaffRow } from './staff.repo.js';

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffRow;
    staffSession?: StaffSession;
    clerk?: Clerk;
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
 */
export function requireStaff(deps: Pick<AppDeps, 'database' | 'now'>): RequestHandler;
export function requireStaff(
  deps: Pick<AppDeps, 'database' | 'now' | 'events'>,
  options: { kept: true },
): RequestHandler;
export function requireStaff(
  deps: Pick<AppDeps, 'database' | 'now'> & Partial<Pick<AppDeps, 'events'>>,
  options: { kept?: true } = {},
): RequestHandler {
  const access = options.kept && deps.events ? staffAccessOf(deps.events) : null;
  return async (req: Request, _res: Response, next: NextFunction) => {
    // Checked already on this request's way (a finish passes the former clerk's route first).
    if (access && req.staffSession) return next();
    const token = parseCookies(req.headers.cookie)[STAFF_COOKIE];
    const session = access
      ? await access.session(deps.database.db, token, deps.now())
      : await resolveStaffSession(deps.database.db, token, deps.now());
    if (!session) throw new AppError('unauthorized');
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
