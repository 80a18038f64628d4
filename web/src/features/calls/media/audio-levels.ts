import { levelOf } from './devices';

/**
 * Loudness of several audio streams from one AudioContext, sampled a few times a second: the
 * level meter of the device check and the speaking indicator of the tiles (peer-to-peer; LiveKit
 * reports speakers itself).
 */
export class AudioLevels {
  private context: AudioContext | null = null;
  private readonly sources = new Map<string, { source: MediaStreamAudioSourceNode; analyser: AnalyserNode }>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly buffer = new Uint8Array(512);

  constructor(
    private readonly onLevels: (levels: Map<string, number>) => void,
    private readonly intervalMs = 150,
  ) {}

  watch(key: string, stream: MediaStream): void {
    this.unwatch(key);
    if (stream.getAudioTracks().length === 0) return;
    this.context ??= new AudioContext();
    if (this.context.state === 'suspended') void this.context.resume().catch(() => {});
    const source = this.context.createMediaStreamSource(stream);
    const analyser = this.context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    this.sources.set(key, { source, analyser });
    this.timer ??= setInterval(() => {
      this.sample();
    }, this.intervalMs);
  }

  unwatch(key: string): void {
    const entry = this.sources.get(key);
    if (!entry) return;
    entry.source.disconnect();
    this.sources.delete(key);
  }

  private sample(): void {
    const levels = new Map<string, number>();
    for (const [key, { analyser }] of this.sources) {
      analyser.getByteTimeDomainData(this.buffer);
      levels.set(key, levelOf(this.buffer));
    }
    this.onLevels(levels);
  }

  dispose(): void {
    for (const key of [...this.sources.keys()]) this.unwatch(key);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    void this.context?.close().catch(() => {});
    this.context = null;
  }
}
