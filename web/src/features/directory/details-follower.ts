/**
 * When an open department page reads its details again (issue 15: "a door's hours changed → the
 * door page updates"). Every door message carries the revision of the details; the page reads
 * them again only when that revision differs from the one it shows, once per revision, after a
 * random delay: a change at a door 500 citizens watch costs 500 reads spread over a few seconds,
 * not 500 at once, and a knock (no new revision) costs none.
 */
export const REREAD_SPREAD_MS = 3000;

export class DetailsFollower<T extends { revision: string }> {
  private shown: string;
  /** The live revision a read was made for: a page whose read says otherwise (the hub is a change behind) does not read again for it. */
  private asked: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private controller: AbortController | null = null;

  constructor(
    private readonly options: {
      shown: string;
      read: (signal: AbortSignal) => Promise<T>;
      onRead: (details: T) => void;
    },
  ) {
    this.shown = options.shown;
  }

  /** A door message arrived with this revision (absent: the sender could not tell). */
  seen(revision: string | undefined): void {
    if (!revision || revision === this.shown || revision === this.asked) return;
    this.asked = revision;
    this.cancel();
    this.timer = setTimeout(() => void this.read(), Math.random() * REREAD_SPREAD_MS);
  }

  stop(): void {
    this.cancel();
  }

  private async read() {
    this.timer = null;
    const controller = new AbortController();
    this.controller = controller;
    try {
      const details = await this.options.read(controller.signal);
      if (controller.signal.aborted) return;
      this.shown = details.revision;
      this.options.onRead(details);
    } catch {
      // What is shown stays; the next door message tries again.
      if (!controller.signal.aborted) this.asked = null;
    }
  }

  private cancel() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.controller?.abort();
    this.controller = null;
  }
}
