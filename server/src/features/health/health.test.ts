import { HealthResponseSchema } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { LIVEKIT_ENV, STUB_JOBS } from '../../test/livekit.js';
import { createTestDatabase } from '../../test/databases.js';
import { startTestServer } from '../../test/server.js';

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
