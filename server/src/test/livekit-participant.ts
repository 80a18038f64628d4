import {
  DisconnectReason,
  LocalVideoTrack,
  Room,
  RoomEvent,
  TrackPublishOptions,
  TrackKind,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
  VideoStream,
  type LocalTrackPublication,
  type RemoteTrack,
} from '@livekit/rtc-node';

export { DisconnectReason, TrackSource };

/**
 * A person in a LiveKit call, from Node: @livekit/rtc-node is LiveKit's own client (libwebrtc
 * through a prebuilt native library from npm), so joins, publications and frames are real
 * WebRTC against the real server, as a browser's would be.
 */
export interface Participant {
  room: Room;
  identity: string;
  /** Publishes a small generated video as camera or screen share; resolves once LiveKit accepted it. */
  publishVideo(source: TrackSource): Promise<LocalTrackPublication>;
  /** Counts decoded frames of `identity`'s video from `source` as they arrive. */
  framesFrom(identity: string, source: TrackSource): { count(): number };
  /** Why LiveKit ended this participant's session (resolves when it does). */
  disconnected: Promise<DisconnectReason>;
  leave(): Promise<void>;
}

const WIDTH = 64;
const HEIGHT = 48;

export async function joinLivekit(url: string, token: string): Promise<Participant> {
  const room = new Room();
  const disconnected = new Promise<DisconnectReason>((resolve) => room.once(RoomEvent.Disconnected, resolve));
  await room.connect(url, token, { autoSubscribe: true, dynacast: false });
  const timers: NodeJS.Timeout[] = [];
  const readers: ReadableStreamDefaultReader[] = [];
  const counters = new Map<string, number>();
  const key = (identity: string, source: TrackSource) => `${identity}/${String(source)}`;
  const watch = (track: RemoteTrack, source: TrackSource, identity: string) => {
    const reader = new VideoStream(track).getReader();
    readers.push(reader);
    const name = key(identity, source);
    counters.set(name, counters.get(name) ?? 0);
    void (async () => {
      while (!(await reader.read()).done) counters.set(name, (counters.get(name) ?? 0) + 1);
    })().catch(() => {});
  };
  room.on(RoomEvent.TrackSubscribed, (track, publication, participant) => {
    if (publication.kind === TrackKind.KIND_VIDEO && publication.source !== undefined) {
      watch(track, publication.source, participant.identity);
    }
  });

  return {
    room,
    identity: room.localParticipant?.identity ?? '',
    async publishVideo(source) {
      const video = new VideoSource(WIDTH, HEIGHT);
      const track = LocalVideoTrack.createVideoTrack(
        source === TrackSource.SOURCE_SCREENSHARE ? 'screen' : 'camera',
        video,
      );
      const options = new TrackPublishOptions();
      options.source = source;
      const pixels = new Uint8Array(WIDTH * HEIGHT * 4);
      let tick = 0;
      // Changing pixels at about 15 frames a second: enough for the encoder to send frames.
      timers.push(
        setInterval(() => {
          pixels.fill(tick++ % 256);
          video.captureFrame(new VideoFrame(pixels, WIDTH, HEIGHT, VideoBufferType.RGBA));
        }, 66),
      );
      return room.localParticipant!.publishTrack(track, options);
    },
    framesFrom(identity, source) {
      return { count: () => counters.get(key(identity, source)) ?? 0 };
    },
    disconnected,
    async leave() {
      for (const timer of timers) clearInterval(timer);
      for (const reader of readers) void reader.cancel().catch(() => {});
      if (room.isConnected) await room.disconnect();
    },
  };
}
