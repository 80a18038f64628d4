import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../db/client.js';
import { departmentRevision, todayIn } from '../features/directory/directory.service.js';
import {
  findDepartmentsWithTenant,
  findDepartmentWithTenant,
  listClosures,
  listServices,
  listServicesOf,
  type ServiceRow,
} from '../features/directory/directory.repo.js';
import { consoleRows, consoleRowsOf, PRESENCE_TTL_MS } from '../features/staff/presence.repo.js';
import { stateFrom, type DepartmentSetting, type DepartmentState } from '../features/visits/queue.service.js';
import {
  findLivePrinted,
  listLivePrintsWithMean,
  listLiveVisitsOf,
  listLiveVisitsWithMean,
  recentHandling,
  recentHandlingOf,
  type RecentHandling,
  type PrintedVisit,
  type VisitWithContext,
} from '../features/visits/visits.repo.js';

/**
 * What every waiting citizen's message needs beside the queue (department and tenant, closures,
 * clerks at a console, the handling-time mean, and the revision of the department page's details,
 * read with its services), kept per department so that a queue change costs
 * the hub one read: the live visits, with the mean in the same statement (issue 14, item 2); of
 * the visits, only what differs from the rows kept from the read before is read in full (`liveRows`).
 *
 * Kept until an event with `context` says otherwise (published by whatever changes them, in any
 * process), and never past:
 * - the day's end in the tenant's time zone (closures are read from today on);
 * - the moment the oldest console row would go stale (its process may have died: nobody says so);
 * - MAX_AGE, for writers that publish nothing (a hand-made change in the database).
 * An empty queue carries no mean in its read, so it costs a second read for the mean.
 */
const MAX_AGE_MS = 5 * 60_000;

/** Departments whose last read rows are kept with their fingerprints; past it, all are dropped. */
const PRINTED_MAX = 10_000;

/** A department's visits as last kept by the caller, by visit id (see `reuse`). */
export type KeptRows = (departmentId: string) => ReadonlyMap<string, VisitWithContext> | undefined;

/**
 * `read` with every row that equals the one the caller keeps replaced by that one (issue 14,
 * item 2). A queue change's read returns the department's visits as new objects, nearly all equal
 * to those kept from the read before, and the caller keeps the new ones until the department's
 * next change. So each change left some tens of kilobytes to outlive the young generation, and
 * each of its collections, which hold up every change in flight, had them to copy. Rows are never
 * changed in place (a move makes a new one), so an equal kept row can stand for the new one.
 */
function reuse(read: PrintedVisit[], kept: ReadonlyMap<string, VisitWithContext> | undefined) {
  if (!kept || kept.size === 0) return read;
  return read.map((printed) => {
    const old = kept.get(printed.row.visit.id);
    return old && old !== printed.row && isDeepStrictEqual(old, printed.row) ? { ...printed, row: old } : printed;
  });
}

interface Kept {
  setting: Omit<DepartmentSetting, 'recent'>;
  day: string;
  until: number;
}

export class DepartmentContexts {
  private readonly kept = new Map<string, Kept>();
  /** Bumped per department by every invalidation, so a read in flight meanwhile is not kept. */
  private readonly epochs = new Map<string, number>();
  private epochAll = 0;
  /** Per department, the rows of its last read here by visit id, with their fingerprints. */
  private readonly printed = new Map<string, Map<string, PrintedVisit>>();

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

  private valid(departmentId: string, now: Date): Kept | null {
    const kept = this.kept.get(departmentId);
    return kept && now.getTime() < kept.until && kept.day === todayIn(kept.setting.found.tenant.timeZone, now)
      ? kept
      : null;
  }

  private keep(
    departmentId: string,
    epoch: string,
    found: Kept['setting']['found'],
    closures: Kept['setting']['closures'],
    services: ServiceRow[],
    rows: { staffId: string; seenAt: Date }[],
    now: Date,
  ): Kept {
    const oldestSeen = Math.min(...rows.map((row) => row.seenAt.getTime()));
    const fresh: Kept = {
      setting: {
        found,
        closures,
        atConsole: [...new Set(rows.map((row) => row.staffId))],
        // Issue 15: an open door page reads its hours, closures and services again when this moves.
        detailsRevision: departmentRevision(found.tenant, found.department, services, closures),
      },
      day: todayIn(found.tenant.timeZone, now),
      until: Math.min(now.getTime() + MAX_AGE_MS, oldestSeen + PRESENCE_TTL_MS),
    };
    if (epoch === this.epoch(departmentId)) this.kept.set(departmentId, fresh);
    return fresh;
  }

  /**
   * The states of several departments from a handful of reads whatever their number (a burst of
   * first watches spans many departments): settings not kept, live visits, handling means.
   */
  async statesOf(departmentIds: string[], now: Date, keptRows?: KeptRows): Promise<Map<string, DepartmentState>> {
    const db = this.db();
    const settings = new Map<string, Kept>();
    const missing: string[] = [];
    for (const id of departmentIds) {
      const kept = this.valid(id, now);
      if (kept) settings.set(id, kept);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const epochs = new Map(missing.map((id) => [id, this.epoch(id)]));
      const [found, rows, services] = await Promise.all([
        findDepartmentsWithTenant(db, missing),
        consoleRowsOf(db, missing, now),
        listServicesOf(db, missing),
      ]);
      const tenants = new Map(found.map((f) => [f.tenant.id, f.tenant]));
      const closures = new Map(
        await Promise.all(
          [...tenants.values()].map(
            async (tenant) => [tenant.id, await listClosures(db, tenant.id, todayIn(tenant.timeZone, now))] as const,
          ),
        ),
      );
      for (const f of found) {
        const id = f.department.id;
        const own = rows.filter((row) => row.departmentId === id);
        const offered = services.filter((service) => service.departmentId === id);
        settings.set(id, this.keep(id, epochs.get(id)!, f, closures.get(f.tenant.id) ?? [], offered, own, now));
      }
    }
    const ids = [...settings.keys()];
    const [live, samples] = await Promise.all([listLiveVisitsOf(db, ids, now), recentHandlingOf(db, ids, now)]);
    const byDepartment = new Map<string, PrintedVisit[]>(ids.map((id) => [id, []]));
    for (const printed of live) byDepartment.get(printed.row.visit.departmentId)?.push(printed);
    const states = new Map<string, DepartmentState>();
    for (const [id, kept] of settings) {
      const rows = this.remember(id, reuse(byDepartment.get(id)!, keptRows?.(id)));
      states.set(id, stateFrom({ ...kept.setting, recent: samples.get(id) ?? null }, rows, now));
    }
    return states;
  }

  private async setting(departmentId: string, now: Date): Promise<Kept | null> {
    const kept = this.valid(departmentId, now);
    if (kept) return kept;
    const epoch = this.epoch(departmentId);
    const found = await findDepartmentWithTenant(this.db(), departmentId);
    if (!found) return null;
    const [closures, rows, services] = await Promise.all([
      listClosures(this.db(), found.tenant.id, todayIn(found.tenant.timeZone, now)),
      consoleRows(this.db(), departmentId, now),
      listServices(this.db(), departmentId),
    ]);
    return this.keep(departmentId, epoch, found, closures, services, rows, now);
  }

  /** The department's state at `now`: one read of its live visits when the rest is kept. */
  async state(departmentId: string, now: Date, keptRows?: KeptRows): Promise<DepartmentState | null> {
    const kept = await this.setting(departmentId, now);
    if (!kept) return null;
    const db = this.db();
    const read = await this.liveRows(db, departmentId, now);
    const live = this.remember(departmentId, reuse(read.live, keptRows?.(departmentId)));
    const recent = read.recent === undefined ? await recentHandling(db, departmentId, now) : read.recent;
    return stateFrom({ ...kept.setting, recent }, live, now);
  }

  /** Keeps the department's rows as just read, with their fingerprints; returns the rows. */
  private remember(departmentId: string, live: PrintedVisit[]): VisitWithContext[] {
    if (this.printed.size >= PRINTED_MAX && !this.printed.has(departmentId)) this.printed.clear();
    this.printed.set(departmentId, new Map(live.map((printed) => [printed.row.visit.id, printed])));
    return live.map((printed) => printed.row);
  }

  /**
   * The department's live rows and handling mean (issue 14, item 2). With the rows of the last
   * read here kept, a queue change's read asks only for each row's id and fingerprint, then in full
   * for the rows whose fingerprint is not a kept one (a moved visit, a new one): a full row was
   * most of what a change allocated, and nearly all are as they were. Every row then is as the
   * first read found it (a kept one by its fingerprint, a new one as well); if one changed or left
   * between the two reads, the department is read in full, in one statement, as without kept rows.
   */
  private async liveRows(
    db: Db,
    departmentId: string,
    now: Date,
  ): Promise<{ live: PrintedVisit[]; recent: RecentHandling | null | undefined }> {
    const known = this.printed.get(departmentId);
    if (known) {
      const prints = await listLivePrintsWithMean(db, departmentId, now);
      const same = (id: string, fingerprint: string) => known.get(id)?.fingerprint === fingerprint;
      const differ = prints.live.filter((print) => !same(print.id, print.fingerprint)).map((print) => print.id);
      const fetched = new Map((await findLivePrinted(db, differ)).map((printed) => [printed.row.visit.id, printed]));
      const live: PrintedVisit[] = [];
      for (const print of prints.live) {
        const row = same(print.id, print.fingerprint) ? known.get(print.id) : fetched.get(print.id);
        if (row?.fingerprint !== print.fingerprint) break;
        live.push(row);
      }
      if (live.length === prints.live.length) return { live, recent: prints.recent };
    }
    return listLiveVisitsWithMean(db, departmentId, now);
  }
}
