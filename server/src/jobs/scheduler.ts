import type { DiskWatch } from '../lib/disk-watch.js';
import type { Logger } from '../lib/logger.js';

/** One recurring piece of housekeeping. */
export interface Job {
  /** For the log: `<area>.<what>`, e.g. `visits.expire`. */
  name: string;
  everyMs: number;
  /** Also once right at start, for what must not wait an interval after a restart. */
  atStart?: boolean;
  run(): Promise<unknown> | void;
}

/**
 * Runs every timer of a server process (jobs.ts lists them), so there is one place to see what
 * runs when, and one `stop()` that waits for the rounds in progress. A round still running is not
 * overtaken by the next; a failing round is logged and tried again at the next interval. Every job
 * is safe to run in several processes at once (each says why).
 */
export class Scheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly jobs: Job[],
    private readonly logger: Pick<Logger, 'warn'>,
    /** Told of a round's failure: one refused for lack of space makes the process unready. */
    private readonly disk?: Pick<DiskWatch, 'note'>,
  ) {}

  start(): void {
    for (const [index, job] of this.jobs.entries()) {
      let round: Promise<void> | null = null;
      const tick = () => {
        if (round || this.stopped) return;
        round = this.runOnce(job).finally(() => {
          this.running.delete(round!);
          round = null;
        });
        this.running.add(round);
      };
      if (job.atStart) tick();
      const phase = this.phaseOf(index);
      const begin = () => {
        const timer = setInterval(tick, job.everyMs);
        timer.unref();
        this.timers.push(timer);
      };
      if (phase === 0) begin();
      else {
        const first = setTimeout(() => {
          tick();
          begin();
        }, phase);
        first.unref();
        this.timers.push(first);
      }
    }
  }

  /**
   * When job `index` first runs within its interval: the jobs of one interval take turns, evenly
   * apart, instead of all starting at the same moment (the first of them after a whole interval,
   * the others sooner, none later than before). At 10,000 waiting citizens the beat's rounds
   * (sightings, doors by the clock, expiries, the purge) all starting at once held up the queue
   * changes of the next seconds on PGlite (decision 031, forty-ninth addendum).
   */
  private phaseOf(index: number): number {
    const { everyMs } = this.jobs[index]!;
    const peers = this.jobs.filter((job) => job.everyMs === everyMs);
    const turn = peers.indexOf(this.jobs[index]!);
    return turn === 0 ? 0 : (everyMs * turn) / peers.length;
  }

  private async runOnce(job: Job): Promise<void> {
    try {
      await job.run();
    } catch (error) {
      this.disk?.note(error);
      this.logger.warn({ err: error, job: job.name }, 'scheduled job failed');
    }
  }

  /** No new rounds; resolves when the rounds in progress have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer); // an interval's or a first turn's
    await Promise.all([...this.running]);
  }
}
