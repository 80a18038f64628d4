import { KnockRequestSchema, type DoorLive, type OfficeClock, type OwnVisitResponse } from '@amtsraum/shared';
import { Router, type Request } from 'express';
import { ctxOf, type AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { AppError } from '../../lib/errors.js';
import { officeParams } from '../../lib/params.js';
import { parseTextInput } from '../../lib/validate.js';
import { recentSightingMs } from './sightings.js';
import { touchVisits } from './visits.repo.js';
import { loadCitizenVisitSeen, loadDepartmentStateBySlugs } from './queue.service.js';
import { knock, leave } from './visits.service.js';
import { newBrowserKey, setVisitCookie, visitCookieOf, visitIdFromCookie } from './visit-cookie.js';

/**
 * Knocks count per browser (the knock key its visit cookie hands on from knock to knock: one
 * active visit per browser), so a family, a shelter or a library behind one address is not
 * locked out; the address keeps a loose limit against scripts that drop their cookies (issue 13,
 * item 4).
 */
export const KNOCK_LIMITS = {
  perBrowser: { max: 6, windowMs: 10 * 60_000 },
  perAddress: { max: 30, windowMs: 10 * 60_000 },
};

/**
 * Reads of the public door per address: a municipality's page asking every few seconds for each
 * of its visitors behind one address is far below it; a script asking as fast as it can is not.
 */
export const DOOR_READ_LIMITS = { perAddress: { max: 600, windowMs: 10 * 60_000 } };

/**
 * A browser's own visit, per visit (its signed cookie): the waiting page reads it when opened and
 * hears the rest over the live socket, so a page reloaded every second for ten minutes stays
 * below the limit of reads; a visit is left once (again after a rejoin), so a few leaves suffice.
 * A request without a visit cookie reads nothing and counts nothing.
 */
export const OWN_VISIT_LIMITS = {
  readsPerVisit: { max: 600, windowMs: 10 * 60_000 },
  leavesPerVisit: { max: 30, windowMs: 10 * 60_000 },
};

export function visitsRouter(deps: AppDeps): Router {
  const router = Router();
  const byBrowser = deps.limits.limiter('knock-browser', KNOCK_LIMITS.perBrowser);
  const byAddress = deps.limits.limiter('knock-address', KNOCK_LIMITS.perAddress);
  const doorReads = deps.limits.limiter('door-read', DOOR_READ_LIMITS.perAddress);
  const visitReads = deps.limits.limiter('own-visit-read', OWN_VISIT_LIMITS.readsPerVisit);
  const visitLeaves = deps.limits.limiter('own-visit-leave', OWN_VISIT_LIMITS.leavesPerVisit);
  const visitOf = (req: Request) => visitIdFromCookie(deps.config.sessionSecret, req.headers.cookie);

  // Public and read-only, so a municipality's own website may show the door (CORS open). Each
  // read builds the department's whole state (five statements, in the server's own thread on the
  // embedded database), so it counts per address, as the searches do.
  router.get('/tenants/:tenant/departments/:department/door', async (req, res) => {
    res.set('Access-Control-Allow-Origin', '*');
    await doorReads.hit(requestAddressGroup(req));
    const { tenantSlug, departmentSlug } = officeParams(req);
    const state = await loadDepartmentStateBySlugs(deps.database.db, tenantSlug, departmentSlug, deps.now());
    if (!state) throw new AppError('department_not_found');
    const body: { door: DoorLive } = { door: state.door };
    res.json(body);
  });

  router.post('/tenants/:tenant/departments/:department/knock', async (req, res) => {
    const { tenantSlug, departmentSlug } = officeParams(req);
    const request = parseTextInput(KnockRequestSchema, req.body);
    // Counted once the form is valid: a refused form queues nobody and costs no query, and
    // counted before, a few typos behind a town hall's one address used up everyone's knocks.
    const cookie = visitCookieOf(deps.config.sessionSecret, req.headers.cookie);
    // A browser's first knock starts its key: counted from the first, not the second.
    const browserKey = cookie?.browserKey ?? newBrowserKey();
    await byBrowser.hit(browserKey);
    await byAddress.hit(requestAddressGroup(req));
    const currentVisitId = cookie?.visitId ?? null;
    const { visit, created } = await knock(ctxOf(deps), { tenantSlug, departmentSlug, request, currentVisitId });
    if (created) setVisitCookie(res, deps.config, visit.id, browserKey);
    res.status(created ? 201 : 200).json({ visit });
  });

  // "No visit" is an ordinary answer here (a page asking whether this browser waits), not an error.
  // Asking marks the visit present, unless it was marked moments ago: written on every request, a
  // script holding one knock's cookie had the database commit a write per request, unlimited. The
  // live hub's rule (sightings.ts): a sighting is never older than 30 s, nor a quarter of the
  // grace period, when the next one is written.
  const recentMs = recentSightingMs(deps.config.visitGraceSeconds);
  router.get('/visit', async (req, res) => {
    const visitId = visitOf(req);
    if (visitId) await visitReads.hit(visitId);
    const now = deps.now();
    const found = visitId ? await loadCitizenVisitSeen(deps.database.db, visitId, now) : null;
    const seenAgo = found ? now.getTime() - found.lastSeenAt.getTime() : 0;
    // A sighting the clock now puts in the future (it jumped back) counts as old, as in the hub.
    if (visitId && found && (seenAgo < 0 || seenAgo >= recentMs)) {
      await touchVisits(deps.database.db, [visitId], now);
    }
    res.json({ visit: found?.visit ?? null, serverTime: now.toISOString() } satisfies OwnVisitResponse & OfficeClock);
  });

  router.post('/visit/leave', async (req, res) => {
    const visitId = visitOf(req);
    if (!visitId) throw new AppError('visit_not_found');
    await visitLeaves.hit(visitId);
    res.json({ visit: await leave(ctxOf(deps), visitId) });
  });

  return router;
}
