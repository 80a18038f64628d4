import { KnockRequestSchema, type DoorLive } from '@amtsraum/shared';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import type { AppDeps } from '../../app.js';
import { cookieOptions, parseCookies, signValue, verifySignedValue, VISIT_COOKIE } from '../../lib/cookies.js';
import { AppError } from '../../lib/errors.js';
import { RateLimiter } from '../../lib/rate-limit.js';
import { parseInput } from '../../lib/validate.js';
import { loadCitizenVisit, loadDepartmentStateBySlugs } from './queue.service.js';
import { knock, leave, touchVisits } from './visits.service.js';

const VISIT_COOKIE_MAX_AGE_MS = 12 * 60 * 60 * 1000;
const ACTIVE = new Set(['waiting', 'admitted', 'in_call']);

/** Binds a visit to this browser (a knock, or an appointment arrival): the signed, httpOnly visit cookie. */
export function setVisitCookie(res: Response, config: Config, visitId: string): void {
  res.cookie(
    VISIT_COOKIE,
    signValue(config.sessionSecret, 'visit', visitId),
    cookieOptions(config, VISIT_COOKIE_MAX_AGE_MS),
  );
}

/** The visit id bound to this browser, if its cookie is genuine. */
export function visitIdFromCookie(secret: string, cookieHeader: string | undefined): string | null {
  return verifySignedValue(secret, 'visit', parseCookies(cookieHeader)[VISIT_COOKIE]);
}

export function visitsRouter(deps: AppDeps): Router {
  const router = Router();
  // A family behind one address may knock a few times; a script may not.
  const knocks = new RateLimiter({ max: 6, windowMs: 10 * 60_000 });
  const ctx = () => ({ db: deps.database.db, events: deps.events, now: deps.now() });
  const visitOf = (req: Request) => visitIdFromCookie(deps.config.sessionSecret, req.headers.cookie);

  // Public and read-only, so a municipality's own website may show the door (CORS open).
  router.get('/tenants/:tenant/departments/:department/door', async (req, res) => {
    const state = await loadDepartmentStateBySlugs(
      deps.database.db,
      req.params.tenant,
      req.params.department,
      deps.now(),
    );
    if (!state) throw new AppError('department_not_found');
    const body: { door: DoorLive } = { door: state.door };
    res.set('Access-Control-Allow-Origin', '*').json(body);
  });

  router.post('/tenants/:tenant/departments/:department/knock', async (req, res) => {
    knocks.hit(req.ip ?? 'unknown');
    const request = parseInput(KnockRequestSchema, req.body);

    // A second knock from a browser already in this queue returns the place it has.
    const existingId = visitOf(req);
    if (existingId) {
      const existing = await loadCitizenVisit(deps.database.db, existingId, deps.now());
      if (
        existing &&
        ACTIVE.has(existing.state) &&
        existing.tenantSlug === req.params.tenant &&
        existing.departmentSlug === req.params.department
      ) {
        res.status(200).json({ visit: existing });
        return;
      }
    }

    const visit = await knock(ctx(), { tenantSlug: req.params.tenant, departmentSlug: req.params.department, request });
    setVisitCookie(res, deps.config, visit.id);
    res.status(201).json({ visit });
  });

  // "No visit" is an ordinary answer here (a page asking whether this browser waits), not an error.
  router.get('/visit', async (req, res) => {
    const visitId = visitOf(req);
    const visit = visitId ? await loadCitizenVisit(deps.database.db, visitId, deps.now()) : null;
    if (visitId && visit) await touchVisits(deps.database.db, [visitId], deps.now());
    res.json({ visit });
  });

  router.post('/visit/leave', async (req, res) => {
    const visitId = visitOf(req);
    if (!visitId) throw new AppError('visit_not_found');
    res.json({ visit: await leave(ctx(), visitId) });
  });

  return router;
}
