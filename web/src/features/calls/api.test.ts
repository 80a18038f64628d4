import { ScreenShareRequestSchema } from '@amtsraum/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { allowScreenShare } from './api';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('allowScreenShare', () => {
  // Found by walking: over LiveKit the clerk's box for an interpreter sent nothing at all.
  it('names the participant it is for, citizen or invitee, in a body the server accepts', async () => {
    const fetchMock = vi.fn((_url: string, _init: RequestInit) => Promise.resolve(new Response(null, { status: 204 })));
    vi.stubGlobal('fetch', fetchMock);
    const visitId = '7f0c1f7e-5d43-4d6b-9c0a-3f1f0d0b5a11';
    const invitee = 'invitee-0b6f5a34-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    await allowScreenShare(visitId, invitee, true);
    await allowScreenShare(visitId, `citizen-${visitId}`, false);
    expect(fetchMock.mock.calls.map(([url, init]) => [url, init.method, JSON.parse(String(init.body))])).toEqual([
      [`/api/calls/${visitId}/screen-share`, 'POST', { allowed: true, identity: invitee }],
      [`/api/calls/${visitId}/screen-share`, 'POST', { allowed: false, identity: `citizen-${visitId}` }],
    ]);
    for (const [, init] of fetchMock.mock.calls) {
      expect(ScreenShareRequestSchema.safeParse(JSON.parse(String(init.body))).success).toBe(true);
    }
  });
});
