import { describe, expect, it, vi } from 'vitest';
import type { MediaSetup } from './api';

// LiveKit's encryption worker is started ahead of a call only where the installation's LiveKit
// calls are end-to-end encrypted (decision 012): elsewhere no call would take it, and it would sit
// idle. The transport module stands in for livekit-client here (Node has no Worker): what counts
// is whether the preload starts the worker.
const transport = vi.hoisted(() => ({ warmUps: 0 }));
vi.mock('./media/livekit-transport', () => ({
  warmUpLivekit: () => {
    transport.warmUps += 1;
  },
}));

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));
/** The preload's idle wait and its import of the transport are behind it when this returns. */
async function settle() {
  await turn();
  await import('./media/livekit-transport');
  await turn();
}
const setup = (media: MediaSetup) => () => Promise.resolve(media);
const VISIT = '3c9a1e5f-7b2d-4f8e-a6c1-0d4e8b2f6a15';

/** call-ahead.ts afresh: what it asked of the installation is kept per page. */
async function freshCallAhead() {
  vi.resetModules();
  transport.warmUps = 0;
  return import('./call-ahead');
}

describe('the LiveKit preload and the encryption worker', () => {
  it("starts the clerk's spare worker only where LiveKit calls are encrypted", async () => {
    let callAhead = await freshCallAhead();
    callAhead.preloadClerkCall(setup({ mode: 'livekit', e2ee: true }));
    await settle();
    expect(transport.warmUps).toBe(1);

    callAhead = await freshCallAhead();
    callAhead.preloadClerkCall(setup({ mode: 'livekit', e2ee: false }));
    await settle();
    expect(transport.warmUps).toBe(0);

    callAhead = await freshCallAhead();
    callAhead.preloadClerkCall(setup({ mode: 'p2p', e2ee: false }));
    await settle();
    expect(transport.warmUps).toBe(0);
  });

  it("starts the waiting citizen's spare worker only where LiveKit calls are encrypted, and none when unknown", async () => {
    const livekit = () => Promise.resolve({ transport: 'livekit' as const });
    let callAhead = await freshCallAhead();
    callAhead.previewCallAhead(VISIT, livekit, setup({ mode: 'livekit', e2ee: true }));
    await settle();
    expect(transport.warmUps).toBe(1);

    callAhead = await freshCallAhead();
    callAhead.previewCallAhead(VISIT, livekit, setup({ mode: 'livekit', e2ee: false }));
    await settle();
    expect(transport.warmUps).toBe(0);

    callAhead = await freshCallAhead();
    callAhead.previewCallAhead(VISIT, livekit, () => Promise.reject(new Error('offline')));
    await settle();
    expect(transport.warmUps).toBe(0);
  });
});
