import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { visits } from '../../db/schema.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeTenant } from '../../test/factories.js';
import { DepartmentContexts } from '../../live/department-context.js';
import { loadDepartmentState } from './queue.service.js';
import { listLivePrintsWithMean, listLiveVisitsWithMean, recentHandling, recentHandlingOf } from './visits.repo.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const MINUTE = 60_000;

/**
 * The handling-time mean behind every wait estimate, read three ways (one department, several at
 * once for a burst of first watches, and beside the live visits for a queue change): one rule.
 */
describe.each(databaseKinds)('the recent handling time on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.close());

  async function departmentWith(
    minutes: number[],
    options: { daysAgo?: number; waiting?: boolean; configured?: number } = {},
  ) {
    const db = database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id, { avgHandlingMinutes: options.configured ?? 10 });
    const ended = NOW.getTime() - (options.daysAgo ?? 0) * 24 * 60 * MINUTE - MINUTE;
    const rows = minutes.map((m, i) => ({
      tenantId: tenant.id,
      departmentId: department.id,
      state: 'done' as const,
      citizenName: `Erledigt ${String(i)}`,
      language: 'de',
      admittedAt: new Date(ended - i * MINUTE - m * MINUTE),
      endedAt: new Date(ended - i * MINUTE),
    }));
    if (rows.length) await db.insert(visits).values(rows);
    if (options.waiting) {
      await db.insert(visits).values({
        tenantId: tenant.id,
        departmentId: department.id,
        state: 'waiting',
        citizenName: 'Wartend',
        language: 'de',
      });
    }
    return department.id;
  }

  const sample = (visits: number, minutes: number) => ({ visits, minutes: expect.closeTo(minutes, 5) as number });

  it('counts the last finished visits, each between 1 and 120 minutes, and only those of 30 days', async () => {
    const db = database.db;
    const plain = await departmentWith([10, 20, 30]);
    const clamped = await departmentWith([0.25, 300, 20]); // 1, 120 and 20 minutes
    const one = await departmentWith([10]);
    const old = await departmentWith([10, 20, 30], { daysAgo: 31 });
    expect(await recentHandling(db, plain, NOW)).toEqual(sample(3, 60));
    expect(await recentHandling(db, clamped, NOW)).toEqual(sample(3, 141));
    expect(await recentHandling(db, one, NOW)).toEqual(sample(1, 10));
    expect(await recentHandling(db, old, NOW)).toBeNull();

    const all = await recentHandlingOf(db, [plain, clamped, one, old], NOW);
    expect(all.get(plain)).toEqual(sample(3, 60));
    expect(all.get(clamped)).toEqual(sample(3, 141));
    expect(all.get(one)).toEqual(sample(1, 10));
    expect(all.get(old)).toBeNull();
  });

  it('counts only the last 30 finished visits', async () => {
    // The 30 most recent take 10 minutes, the 31st took 120: it does not count.
    const department = await departmentWith([...Array.from({ length: 30 }, () => 10), 120]);
    expect(await recentHandling(database.db, department, NOW)).toEqual(sample(30, 300));
  });

  it('gives the same sample beside the live visits, and none without a live visit to carry it', async () => {
    const db = database.db;
    const waiting = await departmentWith([10, 20, 30], { waiting: true });
    const read = await listLiveVisitsWithMean(db, waiting, NOW);
    expect(read.live.map((v) => v.row.visit.citizenName)).toEqual(['Wartend']);
    expect(read.recent).toEqual(sample(3, 60));
    // The read of ids and fingerprints alone carries the same.
    const prints = await listLivePrintsWithMean(db, waiting, NOW);
    expect(prints.live).toEqual(read.live.map((v) => ({ id: v.row.visit.id, fingerprint: v.fingerprint })));
    expect(prints.recent).toEqual(sample(3, 60));
    const empty = await departmentWith([10, 20, 30]);
    expect(await listLiveVisitsWithMean(db, empty, NOW)).toEqual({ live: [], recent: undefined });
    expect(await listLivePrintsWithMean(db, empty, NOW)).toEqual({ live: [], recent: undefined });
    const none = await departmentWith([], { waiting: true });
    expect((await listLiveVisitsWithMean(db, none, NOW)).recent).toBeNull();
  });

  /**
   * The wait estimate for the first in line (nobody on duty counts as one clerk, busy) with
   * finished visits of `minutes` and a configured average of `configured`, by every path that
   * computes it: a page's read, the hub's read per queue change, and its batch for first watches.
   */
  async function estimatesWith(minutes: number[], configured: number) {
    const db = database.db;
    const department = await departmentWith(minutes, { configured, waiting: true });
    const page = (await loadDepartmentState(db, department, NOW))!.estimateFor(1);
    const hub = (await new DepartmentContexts(() => db).state(department, NOW))!.estimateFor(1);
    const batch = (await new DepartmentContexts(() => db).statesOf([department], NOW)).get(department)!.estimateFor(1);
    return [page, hub, batch];
  }

  it('keeps the estimate near the configured average after three short calls', async () => {
    // Three 1-minute calls against 12 minutes configured: (3 + 10 × 12) / 13 ≈ 9.5 minutes.
    expect(await estimatesWith([1, 1, 1], 12)).toEqual([9, 9, 9]);
    // Three very long ones alike: (360 + 120) / 13 ≈ 37, not 120.
    expect(await estimatesWith([120, 120, 120], 12)).toEqual([37, 37, 37]);
  });

  it('follows many consistent short calls most of the way', async () => {
    // Thirty 1-minute calls: (30 + 10 × 12) / 40 = 3.75 minutes.
    expect(
      await estimatesWith(
        Array.from({ length: 30 }, () => 1),
        12,
      ),
    ).toEqual([4, 4, 4]);
    // Thirty calls of the configured length leave it where it is.
    expect(
      await estimatesWith(
        Array.from({ length: 30 }, () => 12),
        12,
      ),
    ).toEqual([12, 12, 12]);
  });

  it('uses the configured average while no visit has finished', async () => {
    expect(await estimatesWith([], 12)).toEqual([12, 12, 12]);
  });
});
