/** How long changes are gathered before one announcement says them all. */
export const ANNOUNCE_REST_MS = 1_500;

/** What one announcement says: waiting people whose page went, and whose page came back. */
export interface LostNews {
  lost: string[];
  back: string[];
}

/**
 * Turns the console's lost citizens, as they change, into polite announcements for a screen
 * reader: the row's "Verbindung unterbrochen" was only seen, never heard. Changes are gathered for
 * a moment and said in one announcement (a network blip of several citizens is one sentence, not a
 * storm); a citizen gone and back within it is not mentioned. What the console showed when it
 * opened is the starting point, not news (the table says it). Someone no longer waiting (let in,
 * left, expired) is not said to be back.
 */
export class LostAnnouncer {
  private previous: ReadonlySet<string> | null = null;
  private current: ReadonlySet<string> = new Set();
  private waiting: ReadonlySet<string> = new Set();
  private readonly lost = new Set<string>();
  private readonly back = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly say: (news: LostNews) => void,
    private readonly restMs = ANNOUNCE_REST_MS,
  ) {}

  /**
   * The lost set as now known (`null`: not heard yet) and the ids waiting now. The same set again
   * (a queue change) adds nothing.
   */
  update(lost: ReadonlySet<string> | null, waiting: ReadonlySet<string>) {
    this.waiting = waiting;
    if (lost === null || lost === this.previous) return;
    this.current = lost;
    if (this.previous === null) {
      this.previous = lost;
      return;
    }
    for (const id of lost) {
      if (this.previous.has(id)) continue;
      if (!this.back.delete(id)) this.lost.add(id);
    }
    for (const id of this.previous) {
      if (lost.has(id)) continue;
      if (!this.lost.delete(id)) this.back.add(id);
    }
    this.previous = lost;
    if ((this.lost.size > 0 || this.back.size > 0) && this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.restMs);
    }
  }

  stop() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private flush() {
    this.timer = null;
    const lost = [...this.lost].filter((id) => this.current.has(id) && this.waiting.has(id));
    const back = [...this.back].filter((id) => !this.current.has(id) && this.waiting.has(id));
    this.lost.clear();
    this.back.clear();
    if (lost.length > 0 || back.length > 0) this.say({ lost, back });
  }
}
