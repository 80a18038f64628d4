import { describe, expect, it, vi } from 'vitest';
import { parseCallMessage } from './signalling';
import { emptyParticipant, mediaStateOf, screenShareFocus, SnapshotStore } from './transport';

const self = { identity: 'clerk-1', name: 'Anna Schmidt', role: 'clerk' as const, canShareScreen: true };
const citizen = { identity: 'citizen-2', name: 'Max', role: 'citizen' as const, canShareScreen: false };

describe('SnapshotStore', () => {
  it('replaces the snapshot on every change and tells subscribers', () => {
    const store = new SnapshotStore(self);
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    const before = store.get();
    store.updateSelf({ camera: true });
    expect(store.get()).not.toBe(before);
    expect(store.get().self.camera).toBe(true);
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    store.update({ connection: 'connected' });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('starts end-to-end encrypted unless the transport says otherwise, with nobody undecryptable', () => {
    expect(new SnapshotStore(self).get()).toMatchObject({ encryption: 'e2ee', undecryptable: [] });
    expect(new SnapshotStore(self, 'transport').get().encryption).toBe('transport');
  });

  it('updates one remote participant only', () => {
    const store = new SnapshotStore(self);
    store.update({
      remotes: [emptyParticipant(citizen, false), emptyParticipant({ ...citizen, identity: 'x' }, false)],
    });
    store.updateRemote('citizen-2', { microphone: true });
    expect(store.get().remotes.map((p) => p.microphone)).toEqual([true, false]);
  });
});

describe('mediaStateOf', () => {
  it('announces on/off and the stream ids that tell camera from screen', () => {
    expect(
      mediaStateOf({ camera: false, microphone: true, screen: true }, { cameraStreamId: 'c', screenStreamId: 's' }),
    ).toEqual({ camera: false, microphone: true, screen: true, cameraStreamId: 'c', screenStreamId: 's' });
  });
});

describe('screenShareFocus', () => {
  it("prefers someone else's screen over one's own", () => {
    const store = new SnapshotStore(self);
    expect(screenShareFocus(store.get())).toBeNull();
    store.updateSelf({ screen: true });
    expect(screenShareFocus(store.get())?.identity).toBe('clerk-1');
    store.update({ remotes: [{ ...emptyParticipant(citizen, false), screen: true }] });
    expect(screenShareFocus(store.get())?.identity).toBe('citizen-2');
  });
});

describe('parseCallMessage', () => {
  const visitId = '7f0c1f7e-5d43-4d6b-9c0a-3f1f0d0b5a11';

  it("accepts this call's messages and ignores other calls' and other features'", () => {
    expect(parseCallMessage({ type: 'call-ended', visitId }, visitId)).toEqual({ type: 'call-ended', visitId });
    expect(parseCallMessage({ type: 'call-ended', visitId: 'other' }, visitId)).toBeNull();
    expect(parseCallMessage({ type: 'door', door: {} }, visitId)).toBeNull();
  });

  it('passes errors through, whatever call they concern', () => {
    expect(parseCallMessage({ type: 'error', code: 'call_full', message: 'full' }, visitId)).toMatchObject({
      code: 'call_full',
    });
  });
});
