import type { CallRoleName, MediaState } from '@amtsraum/shared';

/**
 * The one call UI talks to a call through this interface only. Two transports implement it:
 * peer-to-peer (our WebSocket relays the signalling) and LiveKit (an SFU). DESIGN.md, "Media:
 * one call UI, two transports". Plain TypeScript: React subscribes through `useCall`.
 */

export type TrackSource = 'camera' | 'screen' | 'microphone';

/** `connecting` until the first join is confirmed; `reconnecting` while signalling or media are down. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** Why a call could not go on; each has a text in `call:errors`. */
export type CallErrorCode =
  | 'call_full'
  | 'forbidden'
  | 'removed'
  | 'elsewhere'
  | 'media_failed'
  | 'signalling_failed'
  | 'screen_failed'
  | 'e2ee_unsupported';

/**
 * How picture and sound are protected. `e2ee`: only the people in the call can decrypt them
 * (peer-to-peer media by WebRTC itself, LiveKit calls by livekit-client's end-to-end encryption);
 * `transport`: encrypted on the way, but the media server decrypts them (LiveKit without it).
 */
export type Encryption = 'e2ee' | 'transport';

export interface ParticipantView {
  identity: string;
  name: string;
  role: CallRoleName;
  isSelf: boolean;
  canShareScreen: boolean;
  camera: boolean;
  microphone: boolean;
  screen: boolean;
  speaking: boolean;
  /** Video of the camera; for remote participants the element stays black while `camera` is off. */
  cameraStream: MediaStream | null;
  screenStream: MediaStream | null;
  /** Remote audio only; own audio is never played back. */
  audioStream: MediaStream | null;
}

export interface ChatEntry {
  id: string;
  from: string;
  name: string;
  /** The sender's (null: gone before their message was read), to name them as their tile does. */
  role: CallRoleName | null;
  text: string;
  /** ISO instant from the server. */
  at: string;
  isSelf: boolean;
}

export interface CallSnapshot {
  connection: ConnectionState;
  self: ParticipantView;
  /** Everybody else, in the order they joined. */
  remotes: ParticipantView[];
  chat: ChatEntry[];
  encryption: Encryption;
  /** Remote participants whose media cannot be decrypted here: their key and ours differ. */
  undecryptable: string[];
  /** The clerk finished the visit: the call is over for everyone. */
  ended: boolean;
  /** This participant left (or was never let in). */
  left: boolean;
  error: CallErrorCode | null;
}

/** Tracks chosen in the device check, handed over so the camera is not opened twice. */
export interface LocalMedia {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  audioDeviceId: string | null;
  videoDeviceId: string | null;
}

export interface CallTransport {
  readonly kind: 'p2p' | 'livekit';
  join(local: LocalMedia): Promise<void>;
  leave(): void;
  setCamera(on: boolean): Promise<void>;
  setMicrophone(on: boolean): Promise<void>;
  switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void>;
  startScreenShare(): Promise<void>;
  stopScreenShare(): Promise<void>;
  sendChat(text: string): void;
  /** Clerk only: lets a participant share their screen, or stops them. */
  allowScreenShare(identity: string, allowed: boolean): void;
  getSnapshot(): CallSnapshot;
  /** Called after every change of the snapshot; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Stops every track and connection; the transport is unusable afterwards. */
  dispose(): void;
}

export interface SelfInfo {
  identity: string;
  name: string;
  role: CallRoleName;
  canShareScreen: boolean;
}

export function emptyParticipant(info: SelfInfo, isSelf: boolean): ParticipantView {
  return {
    ...info,
    isSelf,
    camera: false,
    microphone: false,
    screen: false,
    speaking: false,
    cameraStream: null,
    screenStream: null,
    audioStream: null,
  };
}

/**
 * Keeps a snapshot and tells subscribers when it changes. Transports replace the snapshot
 * (never mutate it), so React's useSyncExternalStore sees each change.
 */
export class SnapshotStore {
  private snapshot: CallSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(self: SelfInfo, encryption: Encryption = 'e2ee') {
    this.snapshot = {
      connection: 'connecting',
      self: emptyParticipant(self, true),
      remotes: [],
      chat: [],
      encryption,
      undecryptable: [],
      ended: false,
      left: false,
      error: null,
    };
  }

  get = (): CallSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  update(change: Partial<CallSnapshot> | ((current: CallSnapshot) => Partial<CallSnapshot>)): void {
    const patch = typeof change === 'function' ? change(this.snapshot) : change;
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  updateSelf(patch: Partial<ParticipantView>): void {
    this.update((s) => ({ self: { ...s.self, ...patch } }));
  }

  updateRemote(identity: string, patch: Partial<ParticipantView>): void {
    this.update((s) => ({ remotes: s.remotes.map((p) => (p.identity === identity ? { ...p, ...patch } : p)) }));
  }
}

/** The media state a participant announces, from what it publishes. */
export function mediaStateOf(
  view: Pick<ParticipantView, 'camera' | 'microphone' | 'screen'>,
  ids: { cameraStreamId: string | null; screenStreamId: string | null },
): MediaState {
  return {
    camera: view.camera,
    microphone: view.microphone,
    screen: view.screen,
    cameraStreamId: ids.cameraStreamId,
    screenStreamId: ids.screenStreamId,
  };
}

/** Whose screen to show large: the first remote sharing, else one's own share. */
export function screenShareFocus(snapshot: CallSnapshot): ParticipantView | null {
  return snapshot.remotes.find((p) => p.screen) ?? (snapshot.self.screen ? snapshot.self : null);
}
