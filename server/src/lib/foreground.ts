import type { NextFunction, Request, Response } from 'express';

/** Methods that only read: their requests do not make the rounds wait (nor the call display's event stream). */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** How long a round over many waits for the requests in progress, at most, before its next chunk. */
export const FOREGROUND_WAIT_MS = 50;

/**
 * The requests of this process that change something, counted while they are under way, so that
 * the live hub's rounds over many (pings to every socket, sightings of every citizen, a refresh of
 * every department after a job's round or a resync) let them pass between two chunks. A queue
 * change that arrived while such a round was under way waited behind one chunk per statement it
 * made: at 10,000 waiting citizens a leave was told 80 to 320 ms late instead of 5 (issue 14,
 * item 2). A round never waits longer than `maxWaitMs` for its next chunk, so a stream of changes,
 * or a client that keeps a request's body from arriving, slows it down but cannot stop it.
 */
export class Foreground {
  private active = 0;
  private idle: (() => void)[] = [];
  /** Rounds waiting now for the requests under way to end (tests watch it). */
  waiting = 0;

  constructor(private readonly maxWaitMs = FOREGROUND_WAIT_MS) {}

  /** Requests under way now. */
  get underWay(): number {
    return this.active;
  }

  /** Express middleware: counts each changing request from its arrival until its answer ends or its connection closes. */
  readonly middleware = (req: Request, res: Response, next: NextFunction) => {
    if (READS.has(req.method)) return next();
    this.active++;
    let ended = false;
    res.once('close', () => {
      if (ended) return;
      ended = true;
      this.active--;
      if (this.active === 0) this.wakeIdle();
    });
    next();
  };

  /** Counts `work` as a changing request while it runs: the live hub's refresh of one department after a change. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      if (this.active === 0) this.wakeIdle();
    }
  }

  /**
   * A turn of the event loop, then, while a changing request is under way, until none is or
   * `maxWaitMs` has passed: called by a round before each chunk after its first (the live hub's
   * refresh of many also before its first while a change is under way).
   */
  async yieldTo(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.active === 0) return;
    this.waiting++;
    let timer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    try {
      await new Promise<void>((resolve) => {
        wake = resolve;
        this.idle.push(resolve);
        timer = setTimeout(resolve, this.maxWaitMs);
      });
    } finally {
      clearTimeout(timer);
      // Gone from the list when the wait timed out (requests under way for ever must not grow it).
      this.idle = this.idle.filter((resolve) => resolve !== wake);
      this.waiting--;
    }
  }

  private wakeIdle() {
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }
}
