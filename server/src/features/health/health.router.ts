import type { HealthLiveResponse, HealthResponse } from '@amtsraum/shared';
import { Router, type Request, type Response } from 'express';
import type { SchemaState } from '../../db/client.js';
import type { AppDeps } from '../../deps.js';
import { DISK_FULL_REASON } from '../../lib/disk-watch.js';

/** What the IT staff read in the log when the database answers but its schema is not this release's. */
const SCHEMA_REASONS: Record<Exclude<SchemaState, 'current'>, string> = {
  missing:
    'the database answers but holds no Amtsraum tables (was it dropped and created again, or emptied?). ' +
    'Restart the app to create them, or restore the database from a backup',
  behind:
    'the database schema is older than this release expects (restored from a backup taken before an update?). ' +
    'Restart the app to bring it up to date',
  newer:
    'the database was updated by a newer Amtsraum release. Run that release, or restore the backup taken before the update',
};

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
 * - `GET /api/health/ready`: readiness. 200 when the database answers and holds the schema this
 *   release migrated it to; 503 when it does not answer, or answers without it (dropped and
 *   created again under the running app: `select 1` works, every query fails). Said once in the
 *   log, as one warning line. Beside it, what the IT staff should change (`warnings`), which does
 *   not make the app unready.
 *   Also 503 from the moment a write failed for lack of space on the database's disk (reads
 *   still work, so the schema probe alone said ready while no knock could be saved) until the
 *   database takes a write that needs new room again (`DiskWatch`: a request's, the live hub's,
 *   the mail worker's or a job's write).
 * - `GET /api/health`: the readiness answer, as before both existed (monitoring and pages use it).
 */
export function healthRouter(deps: AppDeps): Router {
  const router = Router();
  // One probe at a time, its answer shared by the requests of the next second (also while it
  // runs: a database that hangs is asked once, not once per request piling up).
  let last: { at: number; state: Promise<SchemaState | 'unreachable' | 'disk_full'>; disk: number } | null = null;
  // What the log said last: a schema gone wrong is said once (one line), and its return once.
  let told: SchemaState = 'current';
  const tell = (state: SchemaState) => {
    if (state === told) return;
    told = state;
    if (state === 'current')
      deps.logger.info({ schema: state }, 'readiness: the database schema is as this release expects again; ready');
    else deps.logger.warn({ schema: state }, `readiness: not ready, ${SCHEMA_REASONS[state]}`);
  };
  const probe = () => {
    const now = performance.now();
    // A write refused for lack of space since the last answer: the next one says so at once.
    if (!last || now - last.at >= HEALTH_PING_REUSE_MS || last.disk !== deps.disk.generation) {
      const state = deps.database
        .schemaState()
        .then(async (answer): Promise<SchemaState | 'unreachable' | 'disk_full'> =>
          answer === 'current' && (await deps.disk.stillFull(deps.database)) ? 'disk_full' : answer,
        );
      void state.then((answer) => answer !== 'unreachable' && answer !== 'disk_full' && tell(answer));
      last = { at: now, state, disk: deps.disk.generation };
    }
    return last.state;
  };
  const ready = async (_req: Request, res: Response) => {
    const state = await probe();
    const ok = state === 'current';
    const body: HealthResponse = {
      status: ok ? 'ok' : 'degraded',
      database: {
        kind: deps.database.kind,
        reachable: state !== 'unreachable',
        ...(state === 'unreachable' ? {} : { schema: state === 'disk_full' ? 'current' : state }),
        ...(state === 'disk_full' ? { diskFull: true, reason: DISK_FULL_REASON } : {}),
      },
      media: {
        mode: deps.media.transport,
        e2ee: deps.media.transport === 'livekit' && (deps.config.media.livekit?.e2ee ?? false),
      },
      version: deps.version,
      warnings: deps.warnings.list(),
    };
    res
      .status(ok ? 200 : 503)
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
