import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { visits } from '../../db/schema.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeTenant } from '../../test/factories.js';
import {
  listLivePrintsWithMean,
  listLiveVisitsWithMean,
  recentHandlingMinutes,
  recentHandlingMinutesOf,
} from './visits.repo.js';

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

  async function departmentWith(minutes: number[], options: { daysAgo?: number; waiting?: boolean } = {}) {
    const db = database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id);
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
    if (options.waiting) {
      rows.push({ ...rows[0]!, state: 'waiting' as never, citizenName: 'Wartend', admittedAt: null!, endedAt: null! });
    }
    if (rows.length) await db.insert(visits).values(rows);
    return department.id;
  }

  it('averages the last finished visits, each counted between 1 and 120 minutes, and needs three', async () => {
    const db = database.db;
    const plain = await departmentWith([10, 20, 30]);
    const clamped = await departmentWith([0.25, 300, 20]); // 1, 120 and 20 minutes
    const few = await departmentWith([10, 20]);
    const old = await departmentWith([10, 20, 30], { daysAgo: 31 });
    expect(await recentHandlingMinutes(db, plain, NOW)).toBeCloseTo(20);
    expect(await recentHandlingMinutes(db, clamped, NOW)).toBeCloseTo(47);
    expect(await recentHandlingMinutes(db, few, NOW)).toBeNull();
    expect(await recentHandlingMinutes(db, old, NOW)).toBeNull();

    const all = await recentHandlingMinutesOf(db, [plain, clamped, few, old], NOW);
    expect(all.get(plain)).toBeCloseTo(20);
    expect(all.get(clamped)).toBeCloseTo(47);
    expect(all.get(few)).toBeNull();
    expect(all.get(old)).toBeNull();
  });

  it('counts only the last 30 finished visits', async () => {
    // The 30 most recent take 10 minutes, the 31st took 120: it does not count.
    const department = await departmentWith([...Array.from({ length: 30 }, () => 10), 120]);
    expect(await recentHandlingMinutes(database.db, department, NOW)).toBeCloseTo(10);
  });

  it('gives the same mean beside the live visits, and none without a live visit to carry it', async () => {
    const db = database.db;
    const waiting = await departmentWith([10, 20, 30], { waiting: true });
    const read = await listLiveVisitsWithMean(db, waiting, NOW);
    expect(read.live.map((v) => v.row.visit.citizenName)).toEqual(['Wartend']);
    expect(read.recentMean).toBeCloseTo(20);
    // The read of ids and fingerprints alone carries the same.
    const prints = await listLivePrintsWithMean(db, waiting, NOW);
    expect(prints.live).toEqual(read.live.map((v) => ({ id: v.row.visit.id, fingerprint: v.fingerprint })));
    expect(prints.recentMean).toBeCloseTo(20);
    const empty = await departmentWith([10, 20, 30]);
    expect(await listLiveVisitsWithMean(db, empty, NOW)).toEqual({ live: [], recentMean: undefined });
    expect(await listLivePrintsWithMean(db, empty, NOW)).toEqual({ live: [], recentMean: undefined });
    const fewWaiting = await departmentWith([10], { waiting: true });
    expect((await listLiveVisitsWithMean(db, fewWaiting, NOW)).recentMean).toBeNull();
  });
});
