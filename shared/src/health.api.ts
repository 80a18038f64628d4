import { z } from 'zod/mini';

/**
 * What the installation's IT staff should change; none of it makes the app unready. Each is
 * noticed from requests and logged once (server/src/lib/installation-warnings.ts).
 * `forwarded_without_trust_proxy`: requests come through a reverse proxy but TRUST_PROXY is not
 * set, so every citizen counts as the proxy's address for the per-address limits.
 * `public_base_url_differs`: pages of this installation are opened at another address than
 * PUBLIC_BASE_URL, so citizens' changes and live updates from there are refused.
 */
export const INSTALLATION_WARNINGS = ['forwarded_without_trust_proxy', 'public_base_url_differs'] as const;
export type InstallationWarning = (typeof INSTALLATION_WARNINGS)[number];

/**
 * `GET /api/health/ready` (and `GET /api/health`, its older name): readiness, for load balancers
 * and monitoring. 200 with status `ok` when the database answers with this release's schema, 503
 * `degraded` when it does not answer or its schema is missing or another release's.
 */
export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({
    kind: z.enum(['pglite', 'postgres']),
    reachable: z.boolean(),
    /**
     * When it answers: whether it holds the schema this release migrated it to (`current`), none
     * (`missing`: dropped and created again under the running app), an older one (`behind`) or a
     * newer release's (`newer`). Anything but `current` is not ready.
     */
    schema: z.optional(z.enum(['current', 'missing', 'behind', 'newer'])),
    /**
     * True while writes fail for lack of space on the database's disk (a request's write was
     * refused, and the database has not taken one since): not ready. Absent otherwise.
     */
    diskFull: z.optional(z.literal(true)),
    /** While `diskFull`: what it means and what to do, in words for the IT staff. */
    reason: z.optional(z.string()),
  }),
  media: z.object({
    mode: z.enum(['p2p', 'livekit']),
    /**
     * LiveKit calls are end-to-end encrypted (LIVEKIT_E2EE): pages start the encryption worker
     * ahead of a call only then (decision 012). Always false for peer-to-peer.
     */
    e2ee: z.boolean(),
  }),
  version: z.string(),
  /** INSTALLATION_WARNINGS noticed since the process started, in that order. */
  warnings: z.array(z.enum(INSTALLATION_WARNINGS)),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/**
 * `GET /api/health/live`: liveness. 200 whenever the process answers at all; the database is not
 * asked, so a probe that restarts on failure does not restart a process waiting for its database.
 */
export const HealthLiveResponseSchema = z.object({ status: z.literal('ok') });
export type HealthLiveResponse = z.infer<typeof HealthLiveResponseSchema>;
