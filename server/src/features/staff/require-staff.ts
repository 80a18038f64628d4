import type { NextFunction, Request, Response } from 'express';
import type { AppDeps } from '../../app.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { parseCookies, STAFF_COOKIE } from '../../lib/cookies.js';
import { resolveSession } from './auth.service.js';
import { findMembership, type StaffRow } from './staff.repo.js';

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffRow;
  }
}

/** Lets the request through only with a valid staff session; the staff row rides on `req.staff`. */
export function requireStaff(deps: AppDeps) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = parseCookies(req.headers.cookie)[STAFF_COOKIE];
    const row = await resolveSession(deps.database.db, token, deps.now());
    if (!row) throw new AppError('unauthorized');
    req.staff = row;
    next();
  };
}

export function currentStaff(req: Request): StaffRow {
  if (!req.staff) throw new AppError('unauthorized');
  return req.staff;
}

/** 403 forbidden unless the signed-in staff member belongs to `departmentId`. */
export async function requireMembership(ctx: { db: Db; staff: StaffRow }, departmentId: string): Promise<void> {
  if (!(await findMembership(ctx.db, ctx.staff.id, departmentId))) throw new AppError('forbidden');
}
