import type { HealthResponse } from '@amtsraum/shared';
import { Router } from 'express';
import type { AppDeps } from '../../deps.js';

/**
 * How long one answer of the database stands for every health request. Monitoring asks every few
 * seconds; a script asking as fast as it can must not turn into as many statements, each taking
 * one of the pool's connections from the citizens' requests (on PGlite, the one thread).
 */
export const HEALTH_PING_REUSE_MS = 1_000;

/**
 * Liveness and readiness in one: 200 when the database answers, 503 when it does not. Beside it,
 * what the IT staff should change (`warnings`), which does not make the app unready.
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
  router.get('/health', async (_req, res) => {
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
  });
  return router;
}
