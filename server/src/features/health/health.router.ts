import type { HealthResponse } from '@amtsraum/shared';
import { Router } from 'express';
import type { AppDeps } from '../../deps.js';

/** Liveness and readiness in one: 200 when the database answers, 503 when it does not. */
export function healthRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const reachable = await deps.database.ping();
    const body: HealthResponse = {
      status: reachable ? 'ok' : 'degraded',
      database: { kind: deps.database.kind, reachable },
      media: {
        mode: deps.media.transport,
        e2ee: deps.media.transport === 'livekit' && (deps.config.media.livekit?.e2ee ?? false),
      },
      version: deps.version,
    };
    res
      .status(reachable ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(body);
  });
  return router;
}
