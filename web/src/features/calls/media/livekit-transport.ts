import { CallRoleSchema } from '@amtsraum/shared';
import {
  ConnectionState as LkConnectionState,
  DisconnectReason,
  ExternalE2EEKeyProvider,
  isE2EESupported,
  Room,
  RoomEvent,
  Track,
  type Participant,
  type RoomOptions,
  type TextStreamReader,
} from 'livekit-client';
import { allowScreenShare } from '../api';
import {
  SnapshotStore,
  type CallSnapshot,
  type CallTransport,
  type ConnectionState,
  type LocalMedia,
  type ParticipantView,
  type SelfInfo,
} from './transport';

const CHAT_TOPIC = 'lk.chat';
/** TrackSource.SCREEN_SHARE in LiveKit's protocol. */
const SCREEN_SHARE_SOURCE = 3;

export interface LivekitOptions {
  visitId: string;
  self: SelfInfo;
  url: string;
  token: string;
  /** The call's end-to-end key from our server; null when the installation runs without. */
  e2eeKey: string | null;
}

/**
 * livekit-client (2.23) throws from its handler of the worker's messages when the worker reports
 * the encryption status of a participant who has just left (say, removed by the clerk): "couldn't
 * set encryption status, participant not found". Uncaught, it is a page error, yet nothing is
 * wrong: the participant is gone. The handler is set as `worker.onmessage`; this catches that one
 * error only and lets every other one through.
 */
function quietLateEncryptionStatus(worker: Worker): void {
  const property = Object.getOwnPropertyDescriptor(Worker.prototype, 'onmessage');
  const set = property?.set;
  if (!set) return;
  Object.defineProperty(worker, 'onmessage', {
    configurable: true,
    get: () => property.get?.call(worker) as unknown,
    set(handler: ((event: MessageEvent) => void) | null) {
      set.call(
        worker,
        handler &&
          ((event: MessageEvent) => {
            try {
              handler.call(worker, event);
            } catch (error) {
              const late = error instanceof TypeError && error.message.startsWith("couldn't set encryption status");
              if (!late) throw error;
            }
          }),
      );
    },
  });
}

function encryptionWorker(): Worker {
  const worker = new Worker(new URL('livekit-client/e2ee-worker', import.meta.url), { type: 'module' });
  quietLateEncryptionStatus(worker);
  return worker;
}

/**
 * A worker started before the call, while a LiveKit call is near (`warmUpLivekit`): its ~100 kB of
 * code is fetched and evaluated while people wait, not after the admit (issue 14). It holds no
 * key until a call takes it; one at most, and the call that takes it terminates it.
 */
let spareWorker: Worker | null = null;

/** Gets the encryption worker ready ahead of a call, where the browser can encrypt at all. */
export function warmUpLivekit(): void {
  if (spareWorker || !isE2EESupported()) return;
  spareWorker = encryptionWorker();
}

/**
 * End-to-end encryption as livekit-client does it: frames are encrypted in a worker before they
 * leave the browser (Vite bundles the worker from the package, same origin, so the CSP's
 * script-src 'self' covers it), with a key LiveKit never sees.
 */
function encryptionFor(key: string | null): {
  options: RoomOptions['encryption'];
  setKey: () => Promise<void>;
  worker: Worker | null;
} {
  if (!key) return { options: undefined, setKey: () => Promise.resolve(), worker: null };
  const keyProvider = new ExternalE2EEKeyProvider();
  const worker = spareWorker ?? encryptionWorker();
  spareWorker = null;
  return { options: { keyProvider, worker }, setKey: () => keyProvider.setKey(key), worker };
}

/**
 * How a visit's call publishes and receives (issue 14: admit → first frame, on machines with two
 * cores). A call is a handful of people: the clerk, the citizen, perhaps an interpreter or a guest.
 * - One video layer, no simulcast: the camera is encoded (and encrypted, frame by frame, in the
 *   worker) once instead of three times, and the first key frame the other side needs is that
 *   one layer's. Simulcast serves rooms where subscribers need different sizes; here everyone
 *   sees everyone large.
 * - No dynacast: with one layer it could only pause the camera while nobody watches, and resuming
 *   it costs the newcomer a round trip to the publisher before the first frame.
 * - No adaptive stream: it picks layers from the size of elements given to LiveKit's `attach`,
 *   which our tiles do not use (they take the MediaStreamTrack), so it held every subscriber on
 *   the lowest layer; with one layer there is nothing to pick.
 */
const CALL_ROOM_OPTIONS = {
  adaptiveStream: false,
  dynacast: false,
  publishDefaults: { simulcast: false },
} satisfies RoomOptions;

/** LiveKit's connection states in the call UI's words. */
export function connectionOf(state: LkConnectionState): ConnectionState {
  switch (state) {
    case LkConnectionState.Connected:
      return 'connected';
    case LkConnectionState.Connecting:
      return 'connecting';
    case LkConnectionState.Reconnecting:
    case LkConnectionState.SignalReconnecting:
      return 'reconnecting';
    default:
      return 'disconnected';
  }
}

/** The role the server wrote into the token's metadata; `guest` if it cannot be read. */
export function roleFromMetadata(metadata: string | undefined): ParticipantView['role'] {
  try {
    const parsed = CallRoleSchema.safeParse((JSON.parse(metadata ?? '{}') as { role?: unknown }).role);
    return parsed.success ? parsed.data : 'guest';
  } catch {
    return 'guest';
  }
}

/**
 * The call over a LiveKit SFU. The token's grants decide what may be published; this class only
 * maps the Room's state onto the one call UI. Rebuilding the view from the Room on every event
 * keeps the mapping in one place.
 */
export class LivekitTransport implements CallTransport {
  readonly kind = 'livekit' as const;
  private readonly store: SnapshotStore;
  private readonly room: Room;
  private readonly encryption: ReturnType<typeof encryptionFor> | null;
  /** Stable MediaStream per track, so video elements are not reset on every event. */
  private readonly streams = new WeakMap<MediaStreamTrack, MediaStream>();
  private disposed = false;

  constructor(private readonly options: LivekitOptions) {
    this.store = new SnapshotStore(options.self, options.e2eeKey ? 'e2ee' : 'transport');
    // Without support no worker is started: join() says so and stays out of the call.
    this.encryption = options.e2eeKey && !isE2EESupported() ? null : encryptionFor(options.e2eeKey);
    this.room = new Room({ ...CALL_ROOM_OPTIONS, encryption: this.encryption?.options });
  }

  getSnapshot = (): CallSnapshot => this.store.get();
  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);

  async join(local: LocalMedia): Promise<void> {
    const { room } = this;
    if (!this.encryption) {
      // An old browser cannot encrypt: better no call than one the office must not hold.
      for (const track of [local.audio, local.video]) track?.stop();
      this.store.update({ error: 'e2ee_unsupported', connection: 'disconnected' });
      return;
    }
    const sync = () => {
      this.sync();
    };
    for (const event of [
      RoomEvent.ParticipantConnected,
      RoomEvent.ParticipantDisconnected,
      RoomEvent.TrackSubscribed,
      RoomEvent.TrackUnsubscribed,
      // A track the other side stops (a shared screen): LiveKit says "unsubscribed" while the
      // publication still holds the track, and drops it only before this one.
      RoomEvent.TrackUnpublished,
      RoomEvent.TrackMuted,
      RoomEvent.TrackUnmuted,
      RoomEvent.LocalTrackPublished,
      RoomEvent.LocalTrackUnpublished,
      RoomEvent.ActiveSpeakersChanged,
      RoomEvent.ParticipantPermissionsChanged,
      RoomEvent.ParticipantMetadataChanged,
      RoomEvent.ParticipantNameChanged,
      RoomEvent.ConnectionStateChanged,
    ] as const) {
      room.on(event, sync);
    }
    room.on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
      if (reason === DisconnectReason.ROOM_DELETED) this.store.update({ ended: true, connection: 'disconnected' });
      else if (reason === DisconnectReason.PARTICIPANT_REMOVED) this.store.update({ error: 'removed' });
      // The same person joined on another tab or device: the room goes on there.
      else if (reason === DisconnectReason.DUPLICATE_IDENTITY) this.store.update({ error: 'elsewhere' });
      this.sync();
    });
    // The one sign of a key mismatch: frames from this participant do not decrypt. (LiveKit's
    // encryption status event reports "encrypted" for everyone all the same.)
    room.on(RoomEvent.EncryptionError, (_error: Error, participant?: Participant) => {
      const identity = participant?.identity;
      if (!identity || identity === room.localParticipant.identity) return;
      this.store.update((s) =>
        s.undecryptable.includes(identity) ? {} : { undecryptable: [...s.undecryptable, identity] },
      );
    });
    room.on(RoomEvent.ParticipantDisconnected, (participant: Participant) => {
      // Back with another key, perhaps: judged afresh.
      this.store.update((s) => ({ undecryptable: s.undecryptable.filter((id) => id !== participant.identity) }));
    });
    room.registerTextStreamHandler(CHAT_TOPIC, (reader: TextStreamReader, from: { identity: string }) => {
      void reader.readAll().then((text) => {
        this.addChat(from.identity, text);
      });
    });

    // The chosen devices, for turning camera or microphone on again later. Said before anything
    // is published: afterwards LiveKit would open both devices again and restart the published
    // tracks, holding back the first frames by a device start (issue 14).
    if (local.audioDeviceId) await room.switchActiveDevice('audioinput', local.audioDeviceId);
    if (local.videoDeviceId) await room.switchActiveDevice('videoinput', local.videoDeviceId);
    await this.encryption.setKey();
    if (this.encryption.options) await room.setE2EEEnabled(true);
    await room.connect(this.options.url, this.options.token);
    // Both at once, as LiveKit's own enableCameraAndMicrophone does: the picture need not wait for
    // the microphone's publication round trip (issue 14: admit → first frame).
    const audio = local.audio;
    await Promise.all([
      audio &&
        (async () => {
          await room.localParticipant.publishTrack(audio, { source: Track.Source.Microphone });
          if (!audio.enabled) await room.localParticipant.setMicrophoneEnabled(false);
        })(),
      local.video && room.localParticipant.publishTrack(local.video, { source: Track.Source.Camera }),
    ]);
    this.sync();
  }

  private streamOf(track: MediaStreamTrack | undefined): MediaStream | null {
    if (!track) return null;
    let stream = this.streams.get(track);
    if (!stream) this.streams.set(track, (stream = new MediaStream([track])));
    return stream;
  }

  private viewOf(participant: Participant, isSelf: boolean): ParticipantView {
    const publication = (source: Track.Source) => {
      const found = participant.getTrackPublication(source);
      return found && !found.isMuted ? found : undefined;
    };
    const camera = publication(Track.Source.Camera);
    const microphone = publication(Track.Source.Microphone);
    const screen = publication(Track.Source.ScreenShare);
    const canShare = isSelf
      ? (participant.permissions?.canPublishSources.includes(SCREEN_SHARE_SOURCE) ?? this.options.self.canShareScreen)
      : (participant.permissions?.canPublishSources.includes(SCREEN_SHARE_SOURCE) ?? false);
    return {
      identity: participant.identity,
      name: participant.name ?? participant.identity,
      role: isSelf ? this.options.self.role : roleFromMetadata(participant.metadata),
      isSelf,
      canShareScreen: canShare,
      camera: !!camera,
      microphone: !!microphone,
      screen: !!screen,
      speaking: participant.isSpeaking,
      cameraStream: this.streamOf(camera?.track?.mediaStreamTrack),
      screenStream: this.streamOf(screen?.track?.mediaStreamTrack),
      audioStream: isSelf ? null : this.streamOf(microphone?.track?.mediaStreamTrack),
    };
  }

  private sync() {
    const { room } = this;
    this.store.update((s) => ({
      connection: s.ended ? 'disconnected' : connectionOf(room.state),
      self: this.viewOf(room.localParticipant, true),
      remotes: [...room.remoteParticipants.values()].map((p) => this.viewOf(p, false)),
    }));
  }

  private addChat(from: string, text: string) {
    const isSelf = from === this.room.localParticipant.identity;
    const participant = isSelf ? this.room.localParticipant : this.room.getParticipantByIdentity(from);
    const at = new Date().toISOString();
    this.store.update((s) => ({
      chat: [
        ...s.chat,
        {
          id: `${at}-${from}-${String(s.chat.length)}`,
          from,
          name: participant?.name ?? from,
          role: isSelf ? this.options.self.role : participant ? roleFromMetadata(participant.metadata) : null,
          text,
          at,
          isSelf,
        },
      ],
    }));
  }

  async setCamera(on: boolean): Promise<void> {
    await this.room.localParticipant.setCameraEnabled(on);
    this.sync();
  }

  async setMicrophone(on: boolean): Promise<void> {
    await this.room.localParticipant.setMicrophoneEnabled(on);
    this.sync();
  }

  async switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    await this.room.switchActiveDevice(kind, deviceId);
    this.sync();
  }

  async startScreenShare(): Promise<void> {
    await this.room.localParticipant.setScreenShareEnabled(true, { audio: false, contentHint: 'detail' });
    this.sync();
  }

  async stopScreenShare(): Promise<void> {
    await this.room.localParticipant.setScreenShareEnabled(false);
    this.sync();
  }

  sendChat(text: string): void {
    const trimmed = text.trim().slice(0, 1_000);
    if (!trimmed) return;
    void this.room.localParticipant.sendText(trimmed, { topic: CHAT_TOPIC }).then(() => {
      this.addChat(this.room.localParticipant.identity, trimmed);
    });
  }

  /** The grant lives in LiveKit: the server changes it (UpdateParticipant); the Room reports it back. */
  allowScreenShare(identity: string, allowed: boolean): void {
    void allowScreenShare(this.options.visitId, identity, allowed).catch(() => {
      this.store.update({ error: 'signalling_failed' });
    });
  }

  leave(): void {
    this.store.update({ left: true, connection: 'disconnected' });
    this.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.room.unregisterTextStreamHandler(CHAT_TOPIC);
    void this.room.disconnect(true).finally(() => {
      // The encryption worker holds the key: it goes with the call.
      this.encryption?.worker?.terminate();
    });
  }
}
