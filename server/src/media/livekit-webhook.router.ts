import express, { Router } from 'express';
import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '../app.js';
import { visits } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { receiveLivekitWebhook } from './livekit.provider.js';

const ROOM = /^visit-([0-9a-f-]{36})$/;

/**
 * LiveKit tells us who is in which room. Only signed events count (a forged one gets 401); the
 * first participant to arrive turns an admitted visit into "in call".
 */
export function livekitWebhookRouter(deps: AppDeps): Router {
  const router = Router();
  router.post(
    '/media/livekit/webhook',
    express.text({ type: ['application/webhook+json', 'application/json'], limit: '64kb' }),
    async (req, res) => {
      const settings = deps.config.media.livekit;
      if (!settings) throw new AppError('route_not_found');
      let event;
      try {
        event = await receiveLivekitWebhook(
          settings,
          typeof req.body === 'string' ? req.body : '',
          req.get('authorization'),
        );
      } catch {
        throw new AppError('unauthorized');
      }
      const visitId = ROOM.exec(event.room?.name ?? '')?.[1];
      if (visitId && event.event === 'participant_joined') {
        const [row] = await deps.database.db
          .update(visits)
          .set({ state: 'in_call' })
          .where(and(eq(visits.id, visitId), eq(visits.state, 'admitted')))
          .returning({ departmentId: visits.departmentId });
        if (row) await deps.events.publish({ departmentId: row.departmentId, visitId });
      }
      res.status(204).end();
    },
  );
  return router;
}
