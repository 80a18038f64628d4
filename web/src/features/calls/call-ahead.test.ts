import type { CallJoinResponse } from '@amtsraum/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  adoptCallAhead,
  callAheadFor,
  preloadClerkCall,
  previewCallAhead,
  startCallAhead,
  type CallAheadDeps,
} from './call-ahead';
import type { CallTransport, LocalMedia } from './media/transport';
import { claimPreparedCall, registerPreparation } from './prepared-call';

const VISIT = '0b6f0c1e-5a43-4c39-9d0a-2f7a1c3e9b11';
const OTHER = '7d2e4b8a-1c5f-4e6a-b3d9-8f0a2c4e6b13';
const WAITING = '3c9a1e5f-7b2d-4f8e-a6c1-0d4e8b2f6a15';
const grant = { transport: 'p2p', visitId: VISIT } as unknown as CallJoinResponse;

// No media devices in Node: tracks are stand-ins with what the hand-over uses.
function localMedia() {
  const track = (kind: 'audio' | 'video') => ({ kind, readyState: 'live', stop: vi.fn() });
  return { audio: track('audio'), video: track('video'), audioDeviceId: null, videoDeviceId: 'cam-1' };
}

function prepare() {
  const local = localMedia();
  registerPreparation({ isReady: () => true, release: () => local as unknown as LocalMedia });
  return local;
}

function fakes(overrides: Partial<CallAheadDeps> = {}) {
  const transport = { join: vi.fn(() => Promise.resolve()), dispose: vi.fn() };
  const channel = { close: vi.fn() };
  const deps = {
    ask: vi.fn(() => Promise.resolve(grant)),
    claimDevices: claimPreparedCall,
    build: vi.fn(() =>
      Promise.resolve({ transport: transport as unknown as CallTransport, channel: channel as never }),
    ),
    ...overrides,
  } satisfies CallAheadDeps;
  return { deps, transport, channel };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(async () => {
  for (const visitId of [VISIT, OTHER, WAITING]) {
    const call = callAheadFor(visitId);
    if (call) adoptCallAhead(call);
    await claimPreparedCall(visitId);
  }
  vi.useRealTimers();
});

describe('the call started ahead', () => {
  it('starts nothing when no devices are prepared: the call page goes the usual way', () => {
    const { deps } = fakes();
    expect(startCallAhead(VISIT, { deps })).toBe(false);
    expect(deps.ask).not.toHaveBeenCalled();
    expect(callAheadFor(VISIT)).toBeNull();
  });

  it('asks for the grant, builds the transport from it and joins with the prepared devices at once', async () => {
    const local = prepare();
    const { deps, transport, channel } = fakes();
    expect(startCallAhead(VISIT, { deps })).toBe(true);
    expect(deps.ask).toHaveBeenCalledWith(VISIT);
    expect(callAheadFor(OTHER)).toBeNull();

    const call = await callAheadFor(VISIT)!;
    expect(deps.build).toHaveBeenCalledWith(VISIT, grant);
    expect(transport.join).toHaveBeenCalledWith(local);
    expect(call.grant).toBe(grant);
    expect(call.channel).toBe(channel);
    await expect(call.joined).resolves.toBeUndefined();

    // React may look twice before the page shows the call; once adopted, it is the page's.
    expect(callAheadFor(VISIT)).not.toBeNull();
    adoptCallAhead(callAheadFor(VISIT)!);
    expect(callAheadFor(VISIT)).toBeNull();
    expect(transport.dispose).not.toHaveBeenCalled();
  });

  it('turns the camera off when the grant is refused, and keeps the refusal for the page', async () => {
    const local = prepare();
    const refusal = Object.assign(new Error('forbidden'), { code: 'forbidden' });
    const { deps } = fakes({ ask: () => Promise.reject(refusal) });
    startCallAhead(VISIT, { deps });
    await settle(); // no unhandled rejection meanwhile
    await expect(callAheadFor(VISIT)!).rejects.toBe(refusal);
    expect(local.video.stop).toHaveBeenCalled();
    expect(local.audio.stop).toHaveBeenCalled();
    expect(deps.build).not.toHaveBeenCalled();
  });

  it('turns the camera off when joining fails, and says so through `joined`', async () => {
    const local = prepare();
    const failure = new Error('could not connect');
    const { deps, transport } = fakes();
    transport.join.mockImplementation(() => Promise.reject(failure));
    startCallAhead(VISIT, { deps });
    const call = await callAheadFor(VISIT)!;
    await expect(call.joined).rejects.toBe(failure);
    expect(local.video.stop).toHaveBeenCalled();
  });

  it('leaves the call and closes its channel when no page adopts it', async () => {
    vi.useFakeTimers();
    prepare();
    const { deps, transport, channel } = fakes();
    startCallAhead(VISIT, { deps });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(callAheadFor(VISIT)).toBeNull();
    expect(transport.dispose).toHaveBeenCalled();
    expect(channel.close).toHaveBeenCalled();
  });

  it('a newer visit let in replaces a call nobody adopted', async () => {
    prepare();
    const first = fakes();
    startCallAhead(VISIT, { deps: first.deps });
    await callAheadFor(VISIT);
    prepare();
    const second = fakes();
    startCallAhead(OTHER, { deps: second.deps });
    await settle();
    expect(first.transport.dispose).toHaveBeenCalled();
    expect(callAheadFor(VISIT)).toBeNull();
    expect(callAheadFor(OTHER)).not.toBeNull();
  });

  it('takes the grant previewed while waiting (peer-to-peer): no request when let in', async () => {
    const previewed = { ...grant, visitId: WAITING } as CallJoinResponse;
    const ask = vi.fn(() => Promise.resolve({ transport: 'p2p' as const, grant: previewed as never }));
    previewCallAhead(WAITING, ask);
    previewCallAhead(WAITING, ask); // asked once however often the page renders
    expect(ask).toHaveBeenCalledTimes(1);
    prepare();
    const { deps } = fakes();
    startCallAhead(WAITING, { deps });
    const call = await callAheadFor(WAITING)!;
    expect(call.grant).toBe(previewed);
    expect(deps.ask).not.toHaveBeenCalled();
    expect(deps.build).toHaveBeenCalledWith(WAITING, previewed);
  });

  it("takes the grant that came with the clerk's admit: no request, and only for that visit", async () => {
    prepare();
    const { deps } = fakes();
    startCallAhead(VISIT, { deps, granted: grant });
    const call = await callAheadFor(VISIT)!;
    expect(call.grant).toBe(grant);
    expect(deps.ask).not.toHaveBeenCalled();
    expect(deps.build).toHaveBeenCalledWith(VISIT, grant);
    adoptCallAhead(callAheadFor(VISIT)!);

    prepare();
    const other = fakes();
    startCallAhead(OTHER, { deps: other.deps, granted: grant }); // the grant names VISIT
    await callAheadFor(OTHER);
    expect(other.deps.ask).toHaveBeenCalledWith(OTHER);
  });

  it('asks for the grant after the admit when the preview has none (LiveKit), failed, or is for another visit', async () => {
    const livekit = { transport: 'livekit' as const };
    for (const answer of [() => Promise.resolve(livekit), () => Promise.reject(new Error('offline'))]) {
      previewCallAhead(OTHER, () => Promise.resolve(livekit)); // forget the last
      previewCallAhead(WAITING, answer);
      await settle();
      prepare();
      const { deps } = fakes();
      startCallAhead(WAITING, { deps });
      await callAheadFor(WAITING);
      expect(deps.ask).toHaveBeenCalledWith(WAITING);
      adoptCallAhead(callAheadFor(WAITING)!);
    }
    prepare();
    const { deps } = fakes();
    startCallAhead(VISIT, { deps }); // the preview is WAITING's
    await callAheadFor(VISIT);
    expect(deps.ask).toHaveBeenCalledWith(VISIT);
  });
});

describe("the clerk's LiveKit preload", () => {
  it('asks for the transport once while it is known, and again after asking failed', async () => {
    const failing = vi.fn(() => Promise.reject(new Error('offline')));
    preloadClerkCall(failing);
    await settle();
    const asking = vi.fn(() => Promise.resolve({ mode: 'p2p' as const, e2ee: false }));
    preloadClerkCall(asking); // the failure is forgotten: asked again
    preloadClerkCall(asking); // a console rendering again asks nothing more
    await settle();
    preloadClerkCall(asking);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(asking).toHaveBeenCalledTimes(1);
  });
});
