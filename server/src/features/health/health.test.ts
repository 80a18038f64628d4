import { HealthResponseSchema } from '@amtsraum/shared';
import { describe, expect, it, vi } from 'vitest';
import { LIVEKIT_ENV, STUB_JOBS } from '../../test/livekit.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { startTestServer } from '../../test/server.js';
import { HEALTH_PING_REUSE_MS } from './health.router.js';

// Pages start LiveKit's encryption worker ahead of a call only where calls are end-to-end
// encrypted (decision 012); the public health answer tells them, as it tells the transport.
describe('the health answer’s media', () => {
  const mediaOf = async (env: Record<string, string>) => {
    const server = await startTestServer(await createTestDatabase('pglite'), { env, jobs: STUB_JOBS });
    try {
      const response = await fetch(`${server.url}/api/health`);
      return HealthResponseSchema.parse(await response.json()).media;
    } finally {
      await server.stop();
    }
  };

  it('says whether LiveKit calls are end-to-end encrypted, and never for peer-to-peer', async () => {
    expect(await mediaOf({ MEDIA_MODE: 'livekit', ...LIVEKIT_ENV })).toEqual({ mode: 'livekit', e2ee: true });
    expect(await mediaOf({ MEDIA_MODE: 'livekit', ...LIVEKIT_ENV, LIVEKIT_E2EE: 'false' })).toEqual({
      mode: 'livekit',
      e2ee: false,
    });
    expect(await mediaOf({ MEDIA_MODE: 'p2p', ...LIVEKIT_ENV })).toEqual({ mode: 'p2p', e2ee: false });
  }, 120_000);
});

describe.each(databaseKinds)('the health answer on %s', (kind) => {
  it('asks the database once for a flood of health requests, and once while it hangs', async () => {
    const server = await startTestServer(await createTestDatabase(kind), { jobs: STUB_JOBS });
    try {
      const { database } = server;
      const real = database.ping.bind(database);
      let pings = 0;
      database.ping = (timeoutMs?: number) => {
        pings++;
        return real(timeoutMs);
      };
      const flood = async () => {
        const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(`${server.url}/api/health`)));
        return Promise.all(answers.map(async (answer) => HealthResponseSchema.parse(await answer.json()).status));
      };
      expect(await flood()).toEqual(Array<string>(50).fill('ok'));
      expect(pings).toBe(1);

      // Later than the answer stands for: asked again. A database that hangs is asked once, and
      // everybody hears "degraded" once it gives up.
      await new Promise((resolve) => setTimeout(resolve, HEALTH_PING_REUSE_MS + 50));
      let giveUp = (_reachable: boolean) => {};
      database.ping = () => {
        pings++;
        return new Promise<boolean>((resolve) => (giveUp = resolve));
      };
      const waiting = Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}/api/health`)));
      await vi.waitFor(() => expect(pings).toBe(2));
      await new Promise((resolve) => setTimeout(resolve, 100)); // all 20 in, none asking again
      giveUp(false);
      const answers = await waiting;
      expect(answers.map((answer) => answer.status)).toEqual(Array<number>(20).fill(503));
      expect(pings).toBe(2);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
