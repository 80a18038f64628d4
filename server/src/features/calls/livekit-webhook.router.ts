import express, { Router } from 'express';
import { ctxOf, type AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { namingBodyErrors } from '../../lib/json-body.js';
import type { MediaEvent } from '../../deps.js';
import { onMediaEvent } from './media-events.js';

/**
 * LiveKit tells us who is in which room. Only signed events count (a forged one gets 401); without
 * a media server that sends webhooks there is no such endpoint (404).
 */
export function livekitWebhookRouter(deps: AppDeps): Router {
  const router = Router();
  router.post(
    '/media/livekit/webhook',
    namingBodyErrors(express.text({ type: ['application/webhook+json', 'application/json'], limit: '64kb' })),
    async (req, res) => {
      const webhook = deps.media.webhook;
      if (!webhook) throw new AppError('route_not_found');
      let event: MediaEvent | null;
      try {
        event = await webhook.receive(typeof req.body === 'string' ? req.body : '', req.get('authorization'));
      } catch {
        throw new AppError('unauthorized');
      }
      if (event) await onMediaEvent(ctxOf(deps), event);
      res.status(204).end();
    },
  );
  return router;
}
