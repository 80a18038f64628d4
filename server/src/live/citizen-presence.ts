import { z } from 'zod';

/**
 * Whether waiting citizens' pages are connected now, for the clerk's console: a waiting row says
 * "Verbindung unterbrochen" while its citizen's page is gone, before the grace period expires the
 * visit. Kept apart from the queue: a queue change's path (read, fan-out) does no work for it.
 *
 * The process holding a citizen's socket tells every process (the bus's relay, topic
 * `visit-presence`) when the visit's last socket there closed (`lost`) and when it was watched
 * again (`back`), a few at a time. Each process keeps what it heard and says "lost" to its
 * consoles only after LOST_AFTER_MS without a later `back`: a reconnect within a few seconds
 * does not flicker. A process that died tells nobody: every heartbeat, a process with consoles
 * open also reads its departments' waiting sightings (`last_seen_at`), and a visit nobody saw
 * for staleSightingMs (features/visits/sightings.ts) counts as lost, one seen after its `lost` (a
 * second tab elsewhere) as connected.
 */

export const PRESENCE_TOPIC = 'visit-presence';

/** How long after a citizen's page went a console says so: a reconnect within it shows nothing. */
export const LOST_AFTER_MS = 4_000;

/** Visits remembered at most (per map); past it they start over, as the hub's other caches. */
const REMEMBERED_MAX = 100_000;

/** A clock difference between processes this small is no proof of a later sighting. */
const CLOCK_SLACK_MS = 1_000;

const uuid = z.uuid();
/** What one process relays: `[visit, department, at]` gone, `[visit, at]` watched again (epoch ms). */
export const PresenceNewsSchema = z.object({
  lost: z.array(z.tuple([uuid, uuid, z.number().int().nonnegative()])).max(100_000),
  back: z.array(z.tuple([uuid, z.number().int().nonnegative()])).max(100_000),
});
export type PresenceNews = z.infer<typeof PresenceNewsSchema>;

interface Lost {
  departmentId: string;
  /** When the socket closed (wall clock of its process). */
  at: number;
  /** When to say so here (performance.now()). */
  due: number;
}

export class CitizenPresence {
  private readonly lost = new Map<string, Lost>();
  /** Last watch heard of, per visit (wall clock). */
  private readonly back = new Map<string, number>();
  /** Per department: waiting visits nobody has seen for a while (the heartbeat's read). */
  private readonly stale = new Map<string, Set<string>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  /** `changed`: the department's lost visits may have changed; its consoles are told if they did. */
  constructor(
    private readonly changed: (departmentId: string) => void,
    private readonly lostAfterMs = LOST_AFTER_MS,
  ) {}

  stop() {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** A relayed text from some process (this one included). Bad text is dropped. */
  hear(text: string) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const news = PresenceNewsSchema.safeParse(json);
    if (!news.success) return;
    const now = performance.now();
    const touched = new Set<string>();
    for (const [visitId, at] of news.data.back) {
      if ((this.back.get(visitId) ?? 0) < at) {
        if (this.back.size >= REMEMBERED_MAX) this.back.clear();
        this.back.set(visitId, at);
      }
      const lost = this.lost.get(visitId);
      if (lost && lost.at <= at) {
        this.lost.delete(visitId);
        touched.add(lost.departmentId);
      }
      for (const [departmentId, visits] of this.stale) if (visits.delete(visitId)) touched.add(departmentId);
    }
    for (const [visitId, departmentId, at] of news.data.lost) {
      if ((this.back.get(visitId) ?? 0) > at) continue; // watched again since, elsewhere
      if (this.lost.size >= REMEMBERED_MAX) this.lost.clear();
      this.lost.set(visitId, { departmentId, at, due: now + this.lostAfterMs });
      this.schedule(departmentId, this.lostAfterMs);
    }
    for (const departmentId of touched) this.changed(departmentId);
  }

  /** The department's waiting visits whose citizen is not connected now, as this process knows. */
  lostIn(departmentId: string): string[] {
    const now = performance.now();
    const ids = new Set(this.stale.get(departmentId));
    for (const [visitId, lost] of this.lost) {
      if (lost.departmentId === departmentId && lost.due <= now) ids.add(visitId);
    }
    return [...ids].sort();
  }

  /**
   * The heartbeat's read of the departments' waiting video visits and their sightings (`now` and
   * the sightings by the database's writers' clocks). Visits gone from the queue are forgotten.
   */
  checked(
    departmentIds: string[],
    rows: { id: string; departmentId: string; lastSeenAt: Date }[],
    now: Date,
    staleMs: number,
  ) {
    const byId = new Map(rows.map((row) => [row.id, row]));
    const checked = new Set(departmentIds);
    for (const [visitId, lost] of this.lost) {
      const row = byId.get(visitId);
      if (!checked.has(lost.departmentId)) {
        // Nobody here shows it: kept a while for a console opening here, then forgotten.
        if (now.getTime() - lost.at > 10 * staleMs) this.lost.delete(visitId);
        continue;
      }
      // Gone from the queue, or seen after the socket closed (a second tab, in another process).
      if (!row || row.lastSeenAt.getTime() > lost.at + CLOCK_SLACK_MS) this.lost.delete(visitId);
    }
    const unseenSince = now.getTime() - staleMs;
    for (const departmentId of departmentIds) {
      const stale = new Set<string>();
      for (const row of rows) {
        if (row.departmentId !== departmentId || row.lastSeenAt.getTime() >= unseenSince) continue;
        // Watched again since the read began (its sighting was not yet written).
        if ((this.back.get(row.id) ?? 0) >= unseenSince) continue;
        stale.add(row.id);
      }
      if (stale.size > 0) this.stale.set(departmentId, stale);
      else this.stale.delete(departmentId);
      this.changed(departmentId);
    }
    for (const departmentId of this.stale.keys()) if (!checked.has(departmentId)) this.stale.delete(departmentId);
  }

  /** Tells the department once its earliest pending `lost` is due, and again for later ones. */
  private schedule(departmentId: string, delayMs: number) {
    if (this.stopped || this.timers.has(departmentId)) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(departmentId);
        this.changed(departmentId);
        const now = performance.now();
        let next = Infinity;
        for (const lost of this.lost.values()) {
          if (lost.departmentId === departmentId && lost.due > now) next = Math.min(next, lost.due);
        }
        if (next !== Infinity) this.schedule(departmentId, next - now);
      },
      Math.max(0, delayMs) + 20,
    );
    timer.unref();
    this.timers.set(departmentId, timer);
  }
}
