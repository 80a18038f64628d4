import { loudestLevelOf, windowFor } from './devices';

/** Loudness is that of the loudest stretch this long within each sampling interval. */
const BLOCK_SECONDS = 0.01;

/**
 * Loudness of several audio streams from one AudioContext, sampled a few times a second: the
 * level meter of the device check and the speaking indicator of the tiles (peer-to-peer; LiveKit
 * reports speakers itself). Each sample covers the whole interval since the last one, so a short
 * sound is never missed between two samples.
 */
export class AudioLevels {
  private context: AudioContext | null = null;
  private readonly sources = new Map<string, { source: MediaStreamAudioSourceNode; analyser: AnalyserNode }>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private buffer = new Float32Array(0);

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
    analyser.fftSize = windowFor(this.context.sampleRate, this.intervalMs);
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
    const block = (this.context?.sampleRate ?? 48_000) * BLOCK_SECONDS;
    for (const [key, { analyser }] of this.sources) {
      if (this.buffer.length !== analyser.fftSize) this.buffer = new Float32Array(analyser.fftSize);
      analyser.getFloatTimeDomainData(this.buffer);
      levels.set(key, loudestLevelOf(this.buffer, block));
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
