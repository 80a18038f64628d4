/**
 * What the wall clock said some real time ago. The wall clock jumps (NTP corrects a drifted host,
 * a virtual machine moves); `performance.now()` does not. A sweep that asks "who was last seen
 * before grace seconds ago?" must count those seconds in real time, or a jump forward by an hour
 * drops every waiting citizen at once (issue 11). Samples taken at each sweep pair the two clocks.
 */
export class ElapsedClock {
  private readonly samples: { mono: number; wall: number }[] = [];

  constructor(
    private readonly wallNow: () => Date,
    private readonly monoNow: () => number = () => performance.now(),
    /** Samples older than this are of no more use. */
    private readonly keepMs = 3_600_000,
  ) {}

  /** Notes the wall time now; call it on every sweep. */
  sample(): void {
    const mono = this.monoNow();
    this.samples.push({ mono, wall: this.wallNow().getTime() });
    while (this.samples.length > 2 && this.samples[1]!.mono < mono - this.keepMs) this.samples.shift();
  }

  /** Real milliseconds since the first sample (since the process started to sweep). */
  runningMs(): number {
    const first = this.samples[0];
    return first ? this.monoNow() - first.mono : 0;
  }

  /**
   * The wall time of `ms` real milliseconds ago, never later than the wall clock now says minus
   * `ms`: read from the last sample at or before then, moved on by the real time since it. A jump
   * forward after that sample is not counted; a jump between the sample and then makes the answer
   * earlier (a slower, never a hastier, expiry).
   */
  wallAgo(ms: number): Date {
    const now = this.wallNow().getTime();
    const target = this.monoNow() - ms;
    let best: { mono: number; wall: number } | undefined;
    for (const sample of this.samples) {
      if (sample.mono <= target) best = sample;
      else break;
    }
    const fromSample = best ? best.wall + (target - best.mono) : Number.POSITIVE_INFINITY;
    return new Date(Math.min(now - ms, fromSample));
  }
}
