import type { Db } from '../db/client.js';
import { todayIn } from '../features/directory/directory.service.js';
import { findDepartmentWithTenant, listClosures } from '../features/directory/directory.repo.js';
import { consoleRows, PRESENCE_TTL_MS } from '../features/staff/presence.repo.js';
import { stateFrom, type DepartmentSetting, type DepartmentState } from '../features/visits/queue.service.js';
import { listLiveVisitsWithMean, recentHandlingMinutes } from '../features/visits/visits.repo.js';

/**
 * What every waiting citizen's message needs beside the queue (department and tenant, closures,
 * clerks at a console, the handling-time mean), kept per department so that a queue change costs
 * the hub one read: the live visits, with the mean in the same statement (issue 14, item 2).
 *
 * Kept until an event with `context` says otherwise (published by whatever changes them, in any
 * process), and never past:
 * - the day's end in the tenant's time zone (closures are read from today on);
 * - the moment the oldest console row would go stale (its process may have died: nobody says so);
 * - MAX_AGE, for writers that publish nothing (a hand-made change in the database).
 * An empty queue carries no mean in its read, so it costs a second read for the mean.
 */
const MAX_AGE_MS = 5 * 60_000;

interface Kept {
  setting: Omit<DepartmentSetting, 'recentMean'>;
  day: string;
  until: number;
}

export class DepartmentContexts {
  private readonly kept = new Map<string, Kept>();
  /** Bumped per department by every invalidation, so a read in flight meanwhile is not kept. */
  private readonly epochs = new Map<string, number>();
  private epochAll = 0;

  constructor(private readonly db: () => Db) {}

  invalidate(departmentId: string): void {
    this.epochs.set(departmentId, (this.epochs.get(departmentId) ?? 0) + 1);
    this.kept.delete(departmentId);
  }

  invalidateAll(): void {
    this.epochAll += 1;
    this.kept.clear();
  }

  private epoch(departmentId: string): string {
    return `${String(this.epochAll)}.${String(this.epochs.get(departmentId) ?? 0)}`;
  }

  private async setting(departmentId: string, now: Date): Promise<Kept | null> {
    const kept = this.kept.get(departmentId);
    if (kept && now.getTime() < kept.until && kept.day === todayIn(kept.setting.found.tenant.timeZone, now)) {
      return kept;
    }
    const epoch = this.epoch(departmentId);
    const found = await findDepartmentWithTenant(this.db(), departmentId);
    if (!found) return null;
    const day = todayIn(found.tenant.timeZone, now);
    const [closures, rows] = await Promise.all([
      listClosures(this.db(), found.tenant.id, day),
      consoleRows(this.db(), departmentId, now),
    ]);
    const oldestSeen = Math.min(...rows.map((row) => row.seenAt.getTime()));
    const fresh: Kept = {
      setting: { found, closures, atConsole: [...new Set(rows.map((row) => row.staffId))] },
      day,
      until: Math.min(now.getTime() + MAX_AGE_MS, oldestSeen + PRESENCE_TTL_MS),
    };
    if (epoch === this.epoch(departmentId)) this.kept.set(departmentId, fresh);
    return fresh;
  }

  /** The department's state at `now`: one read of its live visits when the rest is kept. */
  async state(departmentId: string, now: Date): Promise<DepartmentState | null> {
    const kept = await this.setting(departmentId, now);
    if (!kept) return null;
    const db = this.db();
    const read = await listLiveVisitsWithMean(db, departmentId, now);
    const recentMean =
      read.recentMean === undefined ? await recentHandlingMinutes(db, departmentId, now) : read.recentMean;
    return stateFrom({ ...kept.setting, recentMean }, read.live, now);
  }
}
