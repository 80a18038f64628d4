import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db/client.js';
import { visits } from '../db/schema.js';
import type * as VisitsRepo from '../features/visits/visits.repo.js';
import { touchVisits, type VisitWithContext } from '../features/visits/visits.repo.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { makeOffice } from '../test/factories.js';
import { DepartmentContexts } from './department-context.js';

// Issue 14, item 2: the hub keeps each department's last read until the department's next change.
// A read returns every visit as a new object, nearly all equal to those kept; keeping the equal
// ones kept lets the read's copies die young, so the young generation's collections, which hold up
// every change in flight, have less to copy. Here: equal rows are the kept objects, changed and new
// rows are the read's, on one department's read and on the read of many at once.

const NOW = new Date('2026-11-23T09:00:00Z'); // Monday, 10:00 in Berlin

/** Run once right after the next read of ids and fingerprints: a change between the two reads. */
const hold: { afterNextPrints: (() => Promise<void>) | null } = { afterNextPrints: null };
vi.mock('../features/visits/visits.repo.js', async (importOriginal) => {
  const real = await importOriginal<typeof VisitsRepo>();
  return {
    ...real,
    listLivePrintsWithMean: async (...args: Parameters<typeof real.listLivePrintsWithMean>) => {
      const read = await real.listLivePrintsWithMean(...args);
      const then = hold.afterNextPrints;
      hold.afterNextPrints = null;
      if (then) await then();
      return read;
    },
  };
});

describe.each(databaseKinds)('a department read keeping equal rows on %s', (kind) => {
  let database: Database;
  let contexts: DepartmentContexts;
  const statements: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind, { onQuery: (query) => statements.push(query) });
    contexts = new DepartmentContexts(() => database.db);
  }, 180_000);

  /** The reads of visits `work` costs: 'full' (every column), 'prints' (ids and fingerprints), 'rows' (by id). */
  async function visitReads(work: () => Promise<unknown>) {
    const from = statements.length;
    await work();
    return statements
      .slice(from)
      .filter((query) => /^select .* from "visits"/s.test(query))
      .map((query) =>
        /"visits"\."id" = any\(/.test(query) ? 'rows' : /^select "visits"\."id", md5\(/.test(query) ? 'prints' : 'full',
      );
  }
  afterAll(() => database.close());

  const byId = (rows: VisitWithContext[]) => new Map(rows.map((row) => [row.visit.id, row]));

  async function waitingIn(names: string[]) {
    const office = await makeOffice(database.db, { openAt: NOW });
    const rows = await database.db
      .insert(visits)
      .values(
        names.map((citizenName, i) => ({
          tenantId: office.tenant.id,
          departmentId: office.department.id,
          state: 'waiting' as const,
          citizenName,
          concern: 'Anliegen',
          language: 'de',
          createdAt: new Date(NOW.getTime() - 60_000 + i * 1_000),
          lastSeenAt: NOW,
        })),
      )
      .returning({ id: visits.id });
    return { ...office, ids: rows.map((row) => row.id) };
  }

  it('gives back the kept object for every row that did not change, the read’s for the others', async () => {
    const { department, ids } = await waitingIn(['Anna', 'Ben', 'Cem']);
    const first = (await contexts.state(department.id, NOW))!;
    expect(first.live.map((row) => row.visit.citizenName)).toEqual(['Anna', 'Ben', 'Cem']);
    const kept = byId(first.live);

    // Nothing changed: every row is the kept one.
    const same = (await contexts.state(department.id, NOW, () => kept))!;
    same.live.forEach((row, i) => expect(row).toBe(first.live[i]));

    // Ben's visit changed, and a fourth citizen came: those two are the read's, equal to nothing kept.
    await database.db.update(visits).set({ citizenName: 'Ben B.' }).where(eq(visits.id, ids[1]!));
    await database.db.insert(visits).values({
      tenantId: first.tenant.id,
      departmentId: department.id,
      state: 'waiting',
      citizenName: 'Dana',
      concern: 'Anliegen',
      language: 'de',
      createdAt: NOW,
      lastSeenAt: NOW,
    });
    const changed = (await contexts.state(department.id, NOW, () => kept))!;
    expect(changed.live.map((row) => row.visit.citizenName)).toEqual(['Anna', 'Ben B.', 'Cem', 'Dana']);
    expect(changed.live[0]).toBe(first.live[0]);
    expect(changed.live[1]).not.toBe(first.live[1]);
    expect(changed.live[2]).toBe(first.live[2]);
    expect(kept.has(changed.live[3]!.visit.id)).toBe(false);
    // The positions and the door are of the read: four waiting.
    expect(changed.door.waiting).toBe(4);
    expect(changed.positions.get(changed.live[3]!.visit.id)).toBe(4);

    // A row kept from before that is now different by a time alone is not taken for equal.
    await database.db
      .update(visits)
      .set({ admittedAt: new Date(NOW.getTime() + 5_000) })
      .where(eq(visits.id, ids[0]!));
    const later = (await contexts.state(department.id, NOW, () => byId(changed.live)))!;
    expect(later.live[0]).not.toBe(changed.live[0]);
    expect(later.live[0]!.visit.admittedAt).toEqual(new Date(NOW.getTime() + 5_000));
    expect(later.live[2]).toBe(first.live[2]);
  });

  it('does the same for many departments read at once, each with its own kept rows', async () => {
    const one = await waitingIn(['Erik', 'Fatma']);
    const two = await waitingIn(['Gül']);
    const first = await contexts.statesOf([one.department.id, two.department.id], NOW);
    const kept = new Map([...first].map(([id, state]) => [id, byId(state!.live)]));
    await database.db.update(visits).set({ concern: 'Führerschein' }).where(eq(visits.id, one.ids[1]!));

    const again = await contexts.statesOf([one.department.id, two.department.id], NOW, (id) => kept.get(id));
    const oneBefore = first.get(one.department.id)!.live;
    const oneNow = again.get(one.department.id)!.live;
    expect(oneNow[0]).toBe(oneBefore[0]);
    expect(oneNow[1]).not.toBe(oneBefore[1]);
    expect(oneNow[1]!.visit.concern).toBe('Führerschein');
    expect(again.get(two.department.id)!.live[0]).toBe(first.get(two.department.id)!.live[0]);
  });

  it('reads only ids and fingerprints when rows are kept, in full only those that differ', async () => {
    const { department, ids } = await waitingIn(['Hans', 'Ida', 'Jan']);
    let state = await contexts.state(department.id, NOW); // the first read: in full
    const rows = () => state!.live.map((row) => [row.visit.citizenName, row.visit.state]);
    expect(await visitReads(async () => (state = await contexts.state(department.id, NOW)))).toEqual(['prints']);
    // The heartbeat's sighting of every citizen (every 30 s) changes no fingerprint: still prints alone.
    await touchVisits(database.db, ids, new Date(NOW.getTime() + 30_000));
    expect(await visitReads(async () => (state = await contexts.state(department.id, NOW)))).toEqual(['prints']);
    expect(rows()).toEqual([
      ['Hans', 'waiting'],
      ['Ida', 'waiting'],
      ['Jan', 'waiting'],
    ]);

    // Ida is admitted, Hans leaves: one row read in full, and the order is the database's (by arrival).
    await database.db.update(visits).set({ state: 'admitted', admittedAt: NOW }).where(eq(visits.id, ids[1]!));
    await database.db.update(visits).set({ state: 'left', endedAt: NOW }).where(eq(visits.id, ids[0]!));
    expect(await visitReads(async () => (state = await contexts.state(department.id, NOW)))).toEqual([
      'prints',
      'rows',
    ]);
    expect(rows()).toEqual([
      ['Ida', 'admitted'],
      ['Jan', 'waiting'],
    ]);
    expect(state!.door.waiting).toBe(1);

    // Ida's row changes again between the two reads: the row read in full is not the one the
    // fingerprints were read of, so the department is read in full, in one statement.
    await database.db.update(visits).set({ concern: 'Reisepass' }).where(eq(visits.id, ids[1]!));
    hold.afterNextPrints = async () => {
      await database.db.update(visits).set({ citizenName: 'Ida I.' }).where(eq(visits.id, ids[1]!));
    };
    expect(await visitReads(async () => (state = await contexts.state(department.id, NOW)))).toEqual([
      'prints',
      'rows',
      'full',
    ]);
    expect(rows()).toEqual([
      ['Ida I.', 'admitted'],
      ['Jan', 'waiting'],
    ]);
    expect(state!.live[0]!.visit.concern).toBe('Reisepass');
    expect(await visitReads(async () => (state = await contexts.state(department.id, NOW)))).toEqual(['prints']);
  });
});
