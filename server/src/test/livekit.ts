import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** LiveKit settings of a test server whose calls run over LiveKit (nothing listens at LIVEKIT_URL). */
export const LIVEKIT_ENV = {
  LIVEKIT_URL: 'wss://livekit.test',
  LIVEKIT_API_KEY: 'amtsraum-key',
  LIVEKIT_API_SECRET: 'a-livekit-secret-of-at-least-32-characters',
};

export interface RoomServiceStub {
  /** The env of a LiveKit test server that sends its RoomService calls here. */
  env: Record<string, string>;
  /** Every request so far, oldest first (a test may empty it). */
  requests: { path: string; body: string }[];
  /** Milliseconds each answer is held back (a slow LiveKit); 0 unless a test sets it. */
  delayMs: number;
  stop(): Promise<void>;
}

/**
 * For tests of our side alone (the real LiveKit server has tests of its own, media/livekit-sfu*):
 * LiveKit's RoomService (Twirp over HTTP) as a local endpoint on a free loopback port that records
 * each request and answers `{}`. It holds no rooms, so a server using it must not reconcile its
 * calls with it during a test: start it with `STUB_JOBS`.
 */
export async function startRoomService(): Promise<RoomServiceStub> {
  const requests: RoomServiceStub['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', body });
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), stub.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stub: RoomServiceStub = {
    env: { ...LIVEKIT_ENV, LIVEKIT_API_URL: apiUrl },
    requests,
    delayMs: 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return stub;
}

/** Job intervals for a server whose LiveKit is the stub: it lists no rooms, so no reconciling mid-test. */
export const STUB_JOBS = { reconcileMs: 3_600_000 };
