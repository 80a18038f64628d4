import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * Share of time this process's event loop spent working (not waiting for I/O) above which it
 * counts as busy: requests are queueing behind one another, as in the first second of the 07:45
 * rush (issue 14).
 */
export const BUSY_LOOP_UTILIZATION = 0.8;

/**
 * Tells background work whether the event loop was busy since it last asked: its utilization
 * over that span (`performance.eventLoopUtilization`, the time the loop ran callbacks rather
 * than waited), against `threshold`. Each caller keeps its own reading, so two of them do not
 * shorten each other's span. The first question covers the time since the process started.
 */
export class LoopLoad {
  private last: EventLoopUtilization = performance.eventLoopUtilization();

  constructor(private readonly threshold = BUSY_LOOP_UTILIZATION) {}

  busy(): boolean {
    const now = performance.eventLoopUtilization();
    const span = performance.eventLoopUtilization(now, this.last);
    this.last = now;
    return span.utilization > this.threshold;
  }
}
