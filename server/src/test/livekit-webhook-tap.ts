import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedWebhook {
  body: string;
  authorization: string;
  event: { event?: string; room?: { name?: string }; participant?: { identity?: string }; id?: string };
}

/**
 * Stands between a real LiveKit server and the app under test: LiveKit sends its webhooks here,
 * the tap keeps each request exactly as sent and passes it on to the app, or, while `swallow` is
 * set, answers 200 itself so the app never sees it (as if the app had been down).
 */
export interface WebhookTap {
  url: string;
  captured: CapturedWebhook[];
  swallow: boolean;
  /** The first captured webhook (past or coming) that matches. */
  next(match: (webhook: CapturedWebhook) => boolean, timeoutMs?: number): Promise<CapturedWebhook>;
  stop(): Promise<void>;
}

export async function startWebhookTap(target: () => string): Promise<WebhookTap> {
  let waiters: { match: (webhook: CapturedWebhook) => boolean; resolve: (webhook: CapturedWebhook) => void }[] = [];
  const tap: WebhookTap = {
    url: '',
    captured: [],
    swallow: false,
    next(match, timeoutMs = 15_000) {
      const seen = tap.captured.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const done = (webhook: CapturedWebhook) => {
          clearTimeout(timer);
          resolve(webhook);
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter.resolve !== done);
          reject(new Error(`no matching webhook from LiveKit within ${String(timeoutMs)} ms`));
        }, timeoutMs);
        waiters.push({ match, resolve: done });
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const webhook: CapturedWebhook = {
        body,
        authorization: req.headers.authorization ?? '',
        event: JSON.parse(body) as CapturedWebhook['event'],
      };
      const forward = !tap.swallow;
      tap.captured.push(webhook);
      waiters = waiters.filter((waiter) => {
        if (!waiter.match(webhook)) return true;
        waiter.resolve(webhook);
        return false;
      });
      if (!forward) {
        res.writeHead(200).end();
        return;
      }
      fetch(target(), {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '', authorization: webhook.authorization },
        body,
      }).then(
        (response) => res.writeHead(response.status).end(),
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tap.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/livekit-webhook`;
  return tap;
}
