/*
 * The peer-to-peer transport: a mesh of RTCPeerConnections with "perfect negotiation", signalled
 * over our own WebSocket. One class on purpose, though long: the negotiation handlers, each
 * peer's senders and the local tracks share one state, and splitting it would spread a single
 * state machine over files. The pure parts live beside it (negotiation.ts, devices.ts,
 * audio-levels.ts, signalling.ts) and have their own tests.
 */
import type { CallParticipant, ClientMessage, MediaState, SignalData } from '@amtsraum/shared';
import { AudioLevels } from './audio-levels';
import { constraintFor } from './devices';
import { isOfferCollision, isPolite, needsIceRestart, sourceOfStream } from './negotiation';
import { parseCallMessage, type CallServerMessage, type SignallingChannel } from './signalling';
import {
  emptyParticipant,
  mediaStateOf,
  SnapshotStore,
  type CallErrorCode,
  type CallSnapshot,
  type CallTransport,
  type LocalMedia,
  type ParticipantView,
  type SelfInfo,
} from './transport';

/** Above this level (0…1) a participant counts as speaking. */
const SPEAKING_LEVEL = 0.06;
const SELF_KEY = '\u0000self';

/**
 * Opus and VP8 only: every browser has them, and the offer stays small. With every codec a
 * browser knows, six media sections make an offer of about 20 kB, more than a WebSocket
 * message may carry.
 */
const PREFERRED_CODECS = new Set(['audio/opus', 'video/vp8', 'video/rtx']);

function preferCodecs(transceiver: RTCRtpTransceiver) {
  const kind = transceiver.receiver.track.kind;
  const capabilities =
    typeof RTCRtpReceiver.getCapabilities === 'function' ? RTCRtpReceiver.getCapabilities(kind) : null;
  const codecs = capabilities?.codecs.filter((codec) => PREFERRED_CODECS.has(codec.mimeType.toLowerCase()));
  if (!codecs?.length || typeof transceiver.setCodecPreferences !== 'function') return;
  try {
    transceiver.setCodecPreferences(codecs);
  } catch {
    // A browser that refuses the list negotiates its defaults: larger, still correct.
  }
}

interface Peer {
  identity: string;
  pc: RTCPeerConnection;
  polite: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  settingRemoteAnswer: boolean;
  /** Our microphone, camera and screen senders; null until the first offer sets them up. */
  senders: Record<'audio' | 'camera' | 'screen', RTCRtpSender> | null;
  /** Incoming MediaStreams by id: the sender's camera (with its audio) and its screen. */
  incoming: Map<string, MediaStream>;
  disconnectedSince: number | null;
  restartTimer: ReturnType<typeof setTimeout> | null;
  everConnected: boolean;
}

export interface P2pOptions {
  visitId: string;
  self: SelfInfo;
  iceServers: RTCIceServer[];
  channel: SignallingChannel;
  /** Injected for tests and for logging; defaults to console.warn (never console.error). */
  warn?: (message: string, error?: unknown) => void;
}

/**
 * Peer-to-peer mesh: one RTCPeerConnection per other participant, signalling relayed by our
 * WebSocket. Each side sends on three transceivers of its own (microphone, camera, screen), so
 * switching devices, turning the camera off and sharing the screen are `replaceTrack` calls
 * without renegotiation. Stream ids tell the receiver which is the screen (MediaState).
 */
export class P2pTransport implements CallTransport {
  readonly kind = 'p2p' as const;
  private readonly store: SnapshotStore;
  private readonly peers = new Map<string, Peer>();
  private readonly remoteMedia = new Map<string, MediaState>();
  /** Our own camera+microphone stream and screen stream: their ids are what others see. */
  private readonly cameraStream = new MediaStream();
  private readonly screenStream = new MediaStream();
  private audioTrack: MediaStreamTrack | null = null;
  private videoTrack: MediaStreamTrack | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private audioDeviceId: string | null = null;
  private videoDeviceId: string | null = null;
  private readonly levels: AudioLevels;
  private readonly unsubscribers: (() => void)[] = [];
  private socketOpen = true;
  private joined = false;
  private disposed = false;
  private readonly warn: (message: string, error?: unknown) => void;

  constructor(private readonly options: P2pOptions) {
    this.store = new SnapshotStore(options.self);
    this.warn = options.warn ?? ((message, error) => console.warn(`[call] ${message}`, error ?? ''));
    this.levels = new AudioLevels((levels) => {
      this.onLevels(levels);
    });
  }

  getSnapshot = (): CallSnapshot => this.store.get();
  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);

  async join(local: LocalMedia): Promise<void> {
    this.audioTrack = local.audio;
    this.videoTrack = local.video;
    this.audioDeviceId = local.audioDeviceId;
    this.videoDeviceId = local.videoDeviceId;
    for (const track of [local.audio, local.video]) if (track) this.cameraStream.addTrack(track);
    this.store.updateSelf({
      camera: !!local.video,
      microphone: !!local.audio && local.audio.enabled,
      cameraStream: local.video ? new MediaStream([local.video]) : null,
    });
    if (local.audio) this.levels.watch(SELF_KEY, new MediaStream([local.audio]));

    const { channel } = this.options;
    this.unsubscribers.push(
      channel.on((raw) => {
        const message = parseCallMessage(raw, this.options.visitId);
        if (message) this.onMessage(message);
      }),
      channel.onReconnect(() => {
        if (!this.disposed) this.sendJoin();
      }),
    );
    if (channel.onStatus) {
      this.unsubscribers.push(
        channel.onStatus((open) => {
          this.socketOpen = open;
          this.refreshConnection();
        }),
      );
    }
    const networkChange = () => {
      for (const peer of this.peers.values()) peer.pc.restartIce();
    };
    window.addEventListener('online', networkChange);
    this.unsubscribers.push(() => {
      window.removeEventListener('online', networkChange);
    });
    this.sendJoin();
    return Promise.resolve();
  }

  private send(message: ClientMessage) {
    if (!this.disposed) this.options.channel.send(message);
  }

  private media(): MediaState {
    return mediaStateOf(this.store.get().self, {
      cameraStreamId: this.cameraStream.id,
      screenStreamId: this.screenStream.id,
    });
  }

  private sendJoin() {
    this.send({ type: 'call-join', visitId: this.options.visitId, media: this.media() });
  }

  private announceMedia() {
    if (this.joined) this.send({ type: 'call-media', visitId: this.options.visitId, media: this.media() });
  }

  // -- server messages -------------------------------------------------------------------------

  private onMessage(message: CallServerMessage) {
    if (this.disposed) return;
    switch (message.type) {
      case 'call-joined': {
        this.joined = true;
        this.store.updateSelf({ canShareScreen: message.self.canShareScreen });
        // After a reconnect the others see us join again and start afresh; so do we.
        for (const identity of [...this.peers.keys()]) this.closePeer(identity);
        const present = new Set(message.participants.map((p) => p.identity));
        this.store.update((s) => ({ remotes: s.remotes.filter((p) => present.has(p.identity)) }));
        for (const participant of message.participants) {
          if (participant.identity === this.options.self.identity) continue;
          this.upsertRemote(participant);
          this.createPeer(participant.identity, true);
        }
        this.refreshConnection();
        return;
      }
      case 'call-participant-joined': {
        const { participant } = message;
        if (participant.identity === this.options.self.identity) return;
        this.closePeer(participant.identity); // a reload: its old connection is gone for good
        this.upsertRemote(participant);
        this.createPeer(participant.identity, false); // the newcomer offers
        this.refreshConnection();
        return;
      }
      case 'call-participant-updated': {
        const { participant } = message;
        if (participant.identity === this.options.self.identity) {
          if (participant.canShareScreen !== undefined) {
            this.store.updateSelf({ canShareScreen: participant.canShareScreen });
            if (!participant.canShareScreen && this.screenTrack) void this.stopScreenShare();
          }
          return;
        }
        if (participant.media) this.remoteMedia.set(participant.identity, participant.media);
        this.store.updateRemote(participant.identity, {
          ...(participant.name !== undefined ? { name: participant.name } : {}),
          ...(participant.canShareScreen !== undefined ? { canShareScreen: participant.canShareScreen } : {}),
        });
        this.refreshRemoteStreams(participant.identity);
        return;
      }
      case 'call-participant-left':
        this.closePeer(message.identity);
        this.remoteMedia.delete(message.identity);
        this.store.update((s) => ({ remotes: s.remotes.filter((p) => p.identity !== message.identity) }));
        this.refreshConnection();
        return;
      case 'call-signal':
        void this.onSignal(message.from, message.data);
        return;
      case 'call-chat':
        this.store.update((s) => ({
          chat: [
            ...s.chat,
            {
              id: `${message.at}-${message.from}-${String(s.chat.length)}`,
              from: message.from,
              name: message.name,
              role: message.role,
              text: message.text,
              at: message.at,
              isSelf: message.from === this.options.self.identity,
            },
          ],
        }));
        return;
      case 'call-ended':
        this.store.update({ ended: true, connection: 'disconnected' });
        this.teardown();
        return;
      case 'call-removed':
        this.fail('removed');
        return;
      case 'call-replaced':
        this.fail('elsewhere');
        return;
      case 'error':
        // call_participant_not_found: a signal to someone who left meanwhile (their departure
        // notice came or follows): nothing to do, the call goes on.
        if (message.code === 'call_full' || message.code === 'forbidden') {
          this.fail(message.code);
        } else if (!this.joined && message.code === 'unauthorized') {
          this.fail('forbidden');
        }
        return;
    }
  }

  private fail(code: CallErrorCode) {
    this.store.update({ error: code, connection: 'disconnected' });
    this.teardown();
  }

  private upsertRemote(participant: CallParticipant) {
    this.remoteMedia.set(participant.identity, participant.media);
    const view: ParticipantView = {
      ...emptyParticipant(participant, false),
      camera: participant.media.camera,
      microphone: participant.media.microphone,
      screen: participant.media.screen,
    };
    this.store.update((s) =>
      s.remotes.some((p) => p.identity === participant.identity)
        ? { remotes: s.remotes.map((p) => (p.identity === participant.identity ? view : p)) }
        : { remotes: [...s.remotes, view] },
    );
  }

  // -- peer connections ------------------------------------------------------------------------

  /**
   * One connection per other participant, with three two-way transceivers: microphone, camera,
   * screen. The newcomer creates them and offers; the one already there waits for that offer and
   * answers with its own tracks on the same transceivers. One round trip, three media sections.
   */
  private createPeer(identity: string, offer: boolean): Peer {
    const pc = new RTCPeerConnection({ iceServers: this.options.iceServers });
    const peer: Peer = {
      identity,
      pc,
      polite: isPolite(this.options.self.identity, identity),
      makingOffer: false,
      ignoreOffer: false,
      settingRemoteAnswer: false,
      senders: null,
      incoming: new Map(),
      disconnectedSince: null,
      restartTimer: null,
      everConnected: false,
    };
    this.peers.set(identity, peer);
    if (offer) {
      const init = (stream: MediaStream): RTCRtpTransceiverInit => ({ direction: 'sendrecv', streams: [stream] });
      const transceivers = [
        pc.addTransceiver(this.audioTrack ?? 'audio', init(this.cameraStream)),
        pc.addTransceiver(this.videoTrack ?? 'video', init(this.cameraStream)),
        pc.addTransceiver(this.screenTrack ?? 'video', init(this.screenStream)),
      ] as const;
      for (const transceiver of transceivers) preferCodecs(transceiver);
      peer.senders = { audio: transceivers[0].sender, camera: transceivers[1].sender, screen: transceivers[2].sender };
    }

    const signal = (data: SignalData) => {
      if (this.peers.get(identity) !== peer) return;
      this.send({ type: 'call-signal', visitId: this.options.visitId, to: identity, data });
    };
    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        const description = pc.localDescription;
        if (description) signal({ description: { type: description.type, sdp: description.sdp } });
      } catch (error) {
        this.warn('could not make an offer', error);
      } finally {
        peer.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      signal({ candidate: candidate ? candidate.toJSON() : null } as SignalData);
    };
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? new MediaStream([track]);
      const known = peer.incoming.get(stream.id);
      if (known && !known.getTracks().includes(track)) known.addTrack(track);
      else if (!known) peer.incoming.set(stream.id, stream);
      this.refreshRemoteStreams(identity);
    };
    pc.oniceconnectionstatechange = () => {
      this.onIceState(peer);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') peer.everConnected = true;
      this.refreshConnection();
    };
    return peer;
  }

  private onIceState(peer: Peer) {
    const state = peer.pc.iceConnectionState;
    if (state === 'disconnected') peer.disconnectedSince ??= Date.now();
    else peer.disconnectedSince = null;
    if (peer.restartTimer) clearTimeout(peer.restartTimer);
    peer.restartTimer = null;
    const check = () => {
      if (this.peers.get(peer.identity) !== peer) return;
      const since = peer.disconnectedSince === null ? 0 : Date.now() - peer.disconnectedSince;
      if (needsIceRestart(peer.pc.iceConnectionState, since)) peer.pc.restartIce();
    };
    if (state === 'failed') check();
    else if (state === 'disconnected') peer.restartTimer = setTimeout(check, 2_000);
    this.refreshConnection();
  }

  private async onSignal(from: string, data: SignalData) {
    let peer = this.peers.get(from);
    if (!peer) {
      if (!this.store.get().remotes.some((p) => p.identity === from)) return;
      peer = this.createPeer(from, false);
    }
    const { pc } = peer;
    try {
      if ('description' in data) {
        const description = data.description as RTCSessionDescriptionInit;
        const collision = isOfferCollision(description.type, {
          makingOffer: peer.makingOffer,
          signalingState: pc.signalingState,
          settingRemoteAnswer: peer.settingRemoteAnswer,
        });
        peer.ignoreOffer = !peer.polite && collision;
        if (peer.ignoreOffer) return;
        peer.settingRemoteAnswer = description.type === 'answer';
        try {
          await pc.setRemoteDescription(description);
        } catch (error) {
          // An offer from a fresh connection of theirs (a reload we missed): start over with it.
          if (description.type !== 'offer') throw error;
          this.closePeer(from);
          peer = this.createPeer(from, false);
          await peer.pc.setRemoteDescription(description);
        } finally {
          peer.settingRemoteAnswer = false;
        }
        if (description.type === 'offer') {
          if (!peer.senders) await this.attachSenders(peer);
          await peer.pc.setLocalDescription();
          const answer = peer.pc.localDescription;
          if (answer) {
            this.send({
              type: 'call-signal',
              visitId: this.options.visitId,
              to: from,
              data: { description: { type: answer.type, sdp: answer.sdp } },
            });
          }
        }
      } else if ('candidate' in data) {
        try {
          if (data.candidate) await pc.addIceCandidate(data.candidate);
        } catch (error) {
          if (!peer.ignoreOffer) this.warn('ignored an ICE candidate', error);
        }
      }
    } catch (error) {
      this.warn('signalling step failed', error);
    }
  }

  /** Answering a first offer: our tracks go out on the transceivers the offer created, in order. */
  private async attachSenders(peer: Peer) {
    const transceivers = peer.pc.getTransceivers();
    const audio = transceivers.find((t) => t.receiver.track.kind === 'audio');
    const [camera, screen] = transceivers.filter((t) => t.receiver.track.kind === 'video');
    if (!audio || !camera || !screen) throw new Error('the offer lacks a media section');
    const wire = async (transceiver: RTCRtpTransceiver, track: MediaStreamTrack | null, stream: MediaStream) => {
      transceiver.direction = 'sendrecv';
      transceiver.sender.setStreams(stream);
      preferCodecs(transceiver);
      await transceiver.sender.replaceTrack(track);
    };
    await Promise.all([
      wire(audio, this.audioTrack, this.cameraStream),
      wire(camera, this.videoTrack, this.cameraStream),
      wire(screen, this.screenTrack, this.screenStream),
    ]);
    peer.senders = { audio: audio.sender, camera: camera.sender, screen: screen.sender };
  }

  private closePeer(identity: string) {
    const peer = this.peers.get(identity);
    if (!peer) return;
    this.peers.delete(identity);
    if (peer.restartTimer) clearTimeout(peer.restartTimer);
    peer.pc.onnegotiationneeded = null;
    peer.pc.onicecandidate = null;
    peer.pc.ontrack = null;
    peer.pc.oniceconnectionstatechange = null;
    peer.pc.onconnectionstatechange = null;
    peer.pc.close();
    this.levels.unwatch(identity);
    this.store.updateRemote(identity, { cameraStream: null, screenStream: null, audioStream: null, speaking: false });
  }

  /** Re-derives a remote's camera, screen and audio streams from what arrived and what it announced. */
  private refreshRemoteStreams(identity: string) {
    const peer = this.peers.get(identity);
    const media = this.remoteMedia.get(identity);
    const current = this.store.get().remotes.find((p) => p.identity === identity);
    if (!current) return;
    let cameraStream: MediaStream | null = null;
    let screenStream: MediaStream | null = null;
    const audioTracks: MediaStreamTrack[] = [];
    for (const stream of peer?.incoming.values() ?? []) {
      if (sourceOfStream(stream.id, media) === 'screen') screenStream = stream;
      else cameraStream = stream;
      audioTracks.push(...stream.getAudioTracks());
    }
    const audioChanged =
      (current.audioStream?.getAudioTracks() ?? []).map((t) => t.id).join() !== audioTracks.map((t) => t.id).join();
    const audioStream = audioChanged ? (audioTracks.length ? new MediaStream(audioTracks) : null) : current.audioStream;
    if (audioChanged) {
      if (audioStream) this.levels.watch(identity, audioStream);
      else this.levels.unwatch(identity);
    }
    this.store.updateRemote(identity, {
      cameraStream,
      screenStream,
      audioStream,
      ...(media ? { camera: media.camera, microphone: media.microphone, screen: media.screen } : {}),
    });
  }

  private onLevels(levels: Map<string, number>) {
    const snapshot = this.store.get();
    const speaking = (key: string, microphone: boolean) => microphone && (levels.get(key) ?? 0) > SPEAKING_LEVEL;
    const self = speaking(SELF_KEY, snapshot.self.microphone);
    const changed =
      self !== snapshot.self.speaking ||
      snapshot.remotes.some((p) => speaking(p.identity, p.microphone) !== p.speaking);
    if (!changed) return;
    this.store.update((s) => ({
      self: { ...s.self, speaking: self },
      remotes: s.remotes.map((p) => ({ ...p, speaking: speaking(p.identity, p.microphone) })),
    }));
  }

  private refreshConnection() {
    const snapshot = this.store.get();
    if (snapshot.ended || snapshot.error || snapshot.left) return;
    let connection: CallSnapshot['connection'];
    if (!this.socketOpen) connection = this.joined ? 'reconnecting' : 'connecting';
    else if (!this.joined) connection = 'connecting';
    else {
      const states = [...this.peers.values()].map((p) => ({ state: p.pc.connectionState, ever: p.everConnected }));
      if (states.some((s) => s.state === 'failed' || s.state === 'disconnected')) connection = 'reconnecting';
      else if (states.some((s) => s.state !== 'connected')) {
        connection = states.some((s) => s.ever) ? 'reconnecting' : 'connecting';
      } else connection = 'connected';
    }
    if (connection !== snapshot.connection) this.store.update({ connection });
  }

  // -- local media -----------------------------------------------------------------------------

  private async replaceEverywhere(kind: 'audio' | 'camera' | 'screen', track: MediaStreamTrack | null) {
    await Promise.all(
      [...this.peers.values()].map((peer) =>
        (peer.senders?.[kind].replaceTrack(track) ?? Promise.resolve()).catch((error: unknown) => {
          this.warn(`could not replace the ${kind} track`, error);
        }),
      ),
    );
  }

  private swapStreamTrack(stream: MediaStream, old: MediaStreamTrack | null, next: MediaStreamTrack | null) {
    if (old) stream.removeTrack(old);
    if (next) stream.addTrack(next);
  }

  async setCamera(on: boolean): Promise<void> {
    if (on === !!this.videoTrack) return;
    if (on) {
      const stream = await navigator.mediaDevices.getUserMedia({ video: constraintFor(this.videoDeviceId, 'video') });
      const track = stream.getVideoTracks()[0] ?? null;
      if (!track || this.disposed) return track?.stop();
      this.swapStreamTrack(this.cameraStream, null, track);
      this.videoTrack = track;
      await this.replaceEverywhere('camera', track);
      this.store.updateSelf({ camera: true, cameraStream: new MediaStream([track]) });
    } else {
      const old = this.videoTrack;
      this.videoTrack = null;
      await this.replaceEverywhere('camera', null);
      this.swapStreamTrack(this.cameraStream, old, null);
      old?.stop(); // the camera light goes off: "camera off" means off
      this.store.updateSelf({ camera: false, cameraStream: null });
    }
    this.announceMedia();
  }

  async setMicrophone(on: boolean): Promise<void> {
    if (on && !this.audioTrack) {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: constraintFor(this.audioDeviceId, 'audio') });
      const track = stream.getAudioTracks()[0] ?? null;
      if (!track || this.disposed) return track?.stop();
      this.audioTrack = track;
      this.swapStreamTrack(this.cameraStream, null, track);
      await this.replaceEverywhere('audio', track);
      this.levels.watch(SELF_KEY, new MediaStream([track]));
    }
    // Muting keeps the track: unmuting is then instant and needs no new permission.
    if (this.audioTrack) this.audioTrack.enabled = on;
    this.store.updateSelf({ microphone: on, ...(on ? {} : { speaking: false }) });
    this.announceMedia();
  }

  async switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    // A device is remembered (for the next time it is switched on) only once it opened: a failed
    // switch keeps the one in use, which the device list then shows again.
    if (kind === 'videoinput') {
      if (!this.videoTrack) {
        this.videoDeviceId = deviceId;
        return;
      }
      const stream = await navigator.mediaDevices.getUserMedia({ video: constraintFor(deviceId, 'video') });
      const track = stream.getVideoTracks()[0];
      if (!track) return;
      this.videoDeviceId = deviceId;
      const old = this.videoTrack;
      this.videoTrack = track;
      await this.replaceEverywhere('camera', track);
      this.swapStreamTrack(this.cameraStream, old, track);
      old.stop();
      this.store.updateSelf({ cameraStream: new MediaStream([track]) });
    } else {
      if (!this.audioTrack) {
        this.audioDeviceId = deviceId;
        return;
      }
      const stream = await navigator.mediaDevices.getUserMedia({ audio: constraintFor(deviceId, 'audio') });
      const track = stream.getAudioTracks()[0];
      if (!track) return;
      this.audioDeviceId = deviceId;
      const old = this.audioTrack;
      track.enabled = old.enabled;
      this.audioTrack = track;
      await this.replaceEverywhere('audio', track);
      this.swapStreamTrack(this.cameraStream, old, track);
      old.stop();
      this.levels.watch(SELF_KEY, new MediaStream([track]));
    }
  }

  async startScreenShare(): Promise<void> {
    if (this.screenTrack || !this.store.get().self.canShareScreen) return;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      // Cancelling the browser's picker is a choice, not a failure.
      if (error instanceof DOMException && error.name === 'NotAllowedError') return;
      this.store.update({ error: 'screen_failed' });
      return;
    }
    const track = stream.getVideoTracks()[0];
    if (!track || this.disposed) return stream.getTracks().forEach((t) => t.stop());
    track.contentHint = 'detail'; // text in forms must stay sharp
    track.addEventListener('ended', () => void this.stopScreenShare());
    this.screenTrack = track;
    this.swapStreamTrack(this.screenStream, null, track);
    await this.replaceEverywhere('screen', track);
    this.store.updateSelf({ screen: true, screenStream: new MediaStream([track]) });
    this.announceMedia();
  }

  async stopScreenShare(): Promise<void> {
    const track = this.screenTrack;
    if (!track) return;
    this.screenTrack = null;
    // Ended at once and said at once: the senders' replacement waits on each connection's
    // operations, and one still negotiating (someone just joined) must not keep the others
    // looking at a screen that is no longer shared.
    track.stop();
    this.store.updateSelf({ screen: false, screenStream: null });
    this.announceMedia();
    await this.replaceEverywhere('screen', null);
    this.swapStreamTrack(this.screenStream, track, null);
  }

  sendChat(text: string): void {
    const trimmed = text.trim();
    if (trimmed) this.send({ type: 'call-chat', visitId: this.options.visitId, text: trimmed.slice(0, 1_000) });
  }

  allowScreenShare(identity: string, allowed: boolean): void {
    this.send({ type: 'call-allow-screen', visitId: this.options.visitId, identity, allowed });
  }

  leave(): void {
    if (this.disposed) return;
    this.send({ type: 'call-leave', visitId: this.options.visitId });
    this.store.update({ left: true, connection: 'disconnected' });
    this.teardown();
  }

  private teardown() {
    if (this.disposed) return;
    this.disposed = true;
    for (const identity of [...this.peers.keys()]) this.closePeer(identity);
    for (const track of [this.audioTrack, this.videoTrack, this.screenTrack]) track?.stop();
    this.audioTrack = this.videoTrack = this.screenTrack = null;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.levels.dispose();
    this.store.updateSelf({ cameraStream: null, screenStream: null, camera: false, screen: false, speaking: false });
  }

  dispose(): void {
    if (!this.disposed && this.joined && !this.store.get().ended) {
      this.send({ type: 'call-leave', visitId: this.options.visitId });
    }
    this.teardown();
  }
}
