import type { HealthLiveResponse, HealthResponse } from '@amtsraum/shared';
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps.js';

/**
 * How long one answer of the database stands for every health request. Monitoring asks every few
 * seconds; a script asking as fast as it can must not turn into as many statements, each taking
 * one of the pool's connections from the citizens' requests (on PGlite, the one thread).
 */
export const HEALTH_PING_REUSE_MS = 1_000;

/**
 * Three answers for three kinds of asker (infra/README.md):
 * - `GET /api/health/live`: liveness. The process answers; the database is not asked, so a
 *   Kubernetes liveness probe (or Docker's healthcheck) never restarts a process that is only
 *   waiting for its database, which it reconnects to by itself.
 * - `GET /api/health/ready`: readiness. 200 when the database answers, 503 when it does not;
 *   beside it, what the IT staff should change (`warnings`), which does not make the app unready.
 * - `GET /api/health`: the readiness answer, as before both existed (monitoring and pages use it).
 */
export function healthRouter(deps: AppDeps): Router {
  const router = Router();
  // One ping at a time, its answer shared by the requests of the next second (also while it
  // runs: a database that hangs is asked once, not once per request piling up).
  let last: { at: number; reachable: Promise<boolean> } | null = null;
  const reachable = () => {
    const now = performance.now();
    if (!last || now - last.at >= HEALTH_PING_REUSE_MS) last = { at: now, reachable: deps.database.ping() };
    return last.reachable;
  };
  const ready = async (_req: Request, res: Response) => {
    const database = await reachable();
    const body: HealthResponse = {
      status: database ? 'ok' : 'degraded',
      database: { kind: deps.database.kind, reachable: database },
      media: {
        mode: deps.media.transport,
        e2ee: deps.media.transport === 'livekit' && (deps.config.media.livekit?.e2ee ?? false),
      },
      version: deps.version,
      warnings: deps.warnings.list(),
    };
    res
      .status(database ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(body);
  };
  router.get('/health', ready);
  router.get('/health/ready', ready);
  router.get('/health/live', (_req, res) => {
    const body: HealthLiveResponse = { status: 'ok' };
    res.status(200).set('Cache-Control', 'no-store').json(body);
  });
  return router;
}
