/**
 * Requests for the same thing (`topic`: a slot of a department) one after the other, each waiting
 * for the one ahead of it before it goes on (issue 14, the 07:45 rush; decision 030).
 *
 * Why: at the release, a hundred citizens choose the same slot within a second. The first one's
 * booking waits in the booking line and books it; the other ninety-nine used to wait in that line
 * too, each behind every booking and search that came before it, only to be told there that the
 * slot was taken. Waiting here instead, outside the line, they hold no place in it: once the one
 * ahead has booked, the slot cache knows the slot taken and each of them is refused at once, with
 * alternatives, and the line holds one booking per slot instead of a hundred. When the one ahead
 * did not book (refused for another reason, or a slot with a second clerk free), the next one goes
 * on into the line as before, and those behind it wait for it in turn.
 *
 * A place here is bounded like a place in the line: at most `waiting` requests wait, at most
 * `waitingPerKey` of one requester (an address group), and none longer than `maxWaitMs`. A request
 * that finds no place, or has waited that long, simply goes on without waiting, as it did before
 * this existed; the line then counts the time already spent (`WorkGate.run`'s `waitedMs`). So a
 * script that fills these places only makes requests take the ordinary way.
 */
export class Followers {
  /** The last request of each topic: the next one waits for it. */
  private readonly last = new Map<string, Promise<void>>();
  private waitingCount = 0;
  private readonly waitingPer = new Map<string, number>();

  constructor(
    private readonly limits: { waiting: number; waitingPerKey: number; maxWaitMs: number },
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Requests waiting for the one ahead of them (for tests and health figures). */
  get waiting(): number {
    return this.waitingCount;
  }

  /**
   * Runs `work` of requester `key` once the request ahead of it for `topic` has settled (at once
   * when there is none, or no place to wait), and gives its result. `work` learns whether it
   * waited for one ahead (then the answer may already be known) and for how long.
   */
  async run<T>(
    topic: string,
    key: string,
    work: (after: { followed: boolean; waitedMs: number }) => Promise<T>,
  ): Promise<T> {
    const ahead = this.last.get(topic);
    let settled!: () => void;
    const mine = new Promise<void>((resolve) => (settled = resolve));
    this.last.set(topic, mine);
    const started = this.clock();
    try {
      const followed = ahead !== undefined && this.takePlace(key);
      if (followed) await this.follow(ahead, key);
      return await work({ followed, waitedMs: this.clock() - started });
    } finally {
      settled();
      if (this.last.get(topic) === mine) this.last.delete(topic);
    }
  }

  private takePlace(key: string): boolean {
    const held = this.waitingPer.get(key) ?? 0;
    if (this.waitingCount >= this.limits.waiting || held >= this.limits.waitingPerKey) return false;
    this.waitingCount += 1;
    this.waitingPer.set(key, held + 1);
    return true;
  }

  private async follow(ahead: Promise<void>, key: string) {
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.limits.maxWaitMs);
        // As the line's timers: a wait here never keeps a stopping process alive.
        timer.unref?.();
      });
      await Promise.race([ahead, deadline]);
    } finally {
      clearTimeout(timer);
      this.waitingCount -= 1;
      const held = (this.waitingPer.get(key) ?? 1) - 1;
      if (held > 0) this.waitingPer.set(key, held);
      else this.waitingPer.delete(key);
    }
  }
}
