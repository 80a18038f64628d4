import { z } from 'zod/mini';

/** `GET /api/health`: liveness and readiness in one, for load balancers and monitoring. */
export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({ kind: z.enum(['pglite', 'postgres']), reachable: z.boolean() }),
  media: z.object({
    mode: z.enum(['p2p', 'livekit']),
    /**
     * LiveKit calls are end-to-end encrypted (LIVEKIT_E2EE): pages start the encryption worker
     * ahead of a call only then (decision 012). Always false for peer-to-peer.
     */
    e2ee: z.boolean(),
  }),
  version: z.string(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
