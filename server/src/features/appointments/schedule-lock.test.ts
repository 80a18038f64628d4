import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test/databases.js';
import { lockClerkStart, lockScheduleForBooking, lockSchedules } from './schedule-lock.js';

const NINE = new Date('2026-11-24T08:00:00.000Z');
const NINE_FIFTEEN = new Date('2026-11-24T08:15:00.000Z');

/** A transaction that takes its locks, reports that it holds them, and stays open until released. */
function holdOpen(db: Db, lock: (tx: Db) => Promise<void>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const holds = new Promise<void>((resolve) => (locked = resolve));
  const done = db.transaction(async (tx) => {
    await lock(tx);
    locked();
    await released;
  });
  return { holds, release, done };
}

describe.each(databaseKinds)('schedule locks on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database.close();
  });

  it('one transaction takes its own exclusive lock shared, and one start twice, without waiting', async () => {
    const department = randomUUID();
    const clerk = randomUUID();
    // An availability change moving its collisions: a move's locks under the change's own.
    const taken = await database.db.transaction(async (tx) => {
      await lockSchedules(tx, [department]);
      await lockScheduleForBooking(tx, department);
      await lockClerkStart(tx, clerk, NINE);
      await lockClerkStart(tx, clerk, NINE);
      return true;
    });
    expect(taken).toBe(true);
  });
});

// Waiting needs a second connection: PGlite has one, so these run on PostgreSQL only.
describe.each(databaseKinds.filter((kind) => kind === 'postgres'))(
  'schedule locks between connections on %s',
  (kind) => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase(kind);
    });
    afterAll(async () => {
      await database.close();
    });

    /** Advisory locks some transaction of this database waits for. */
    async function waitingLocks(): Promise<number> {
      const result = await database.db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted
          and database = (select oid from pg_database where datname = current_database())`,
      );
      const rows = Array.isArray(result) ? result : (result as unknown as { rows: { n: number }[] }).rows;
      return (rows as { n: number }[])[0]!.n;
    }
    async function untilWaiting(count: number): Promise<void> {
      while ((await waitingLocks()) !== count) await new Promise((resolve) => setTimeout(resolve, 10));
    }

    it('bookings of one department hold the lock side by side; a change waits for them, later bookings for the change', async () => {
      const department = randomUUID();
      const events: string[] = [];
      const first = holdOpen(database.db, (tx) => lockScheduleForBooking(tx, department));
      await first.holds;
      // Were a booking's lock exclusive, this would never be granted while the first is open.
      const second = holdOpen(database.db, (tx) => lockScheduleForBooking(tx, department));
      await second.holds;

      const change = holdOpen(database.db, (tx) => lockSchedules(tx, [department]));
      void change.holds.then(() => events.push('change holds'));
      await untilWaiting(1);
      const later = holdOpen(database.db, (tx) => lockScheduleForBooking(tx, department));
      void later.holds.then(() => events.push('later booking holds'));
      await untilWaiting(2);

      events.push('bookings end');
      first.release();
      second.release();
      await Promise.all([first.done, second.done, change.holds]);
      // The change holds the department alone: the booking that came after it still waits.
      await untilWaiting(1);
      events.push('change ends');
      change.release();
      await Promise.all([change.done, later.holds]);
      later.release();
      await later.done;
      expect(events).toEqual(['bookings end', 'change holds', 'change ends', 'later booking holds']);
    });

    it('a booking of a clerk’s start waits for another of the same start, not for one of another start', async () => {
      const clerk = randomUUID();
      const events: string[] = [];
      const first = holdOpen(database.db, (tx) => lockClerkStart(tx, clerk, NINE));
      await first.holds;
      const otherStart = holdOpen(database.db, (tx) => lockClerkStart(tx, clerk, NINE_FIFTEEN));
      await otherStart.holds;
      const sameStart = holdOpen(database.db, (tx) => lockClerkStart(tx, clerk, NINE));
      void sameStart.holds.then(() => events.push('same start holds'));
      await untilWaiting(1);
      events.push('first ends');
      first.release();
      otherStart.release();
      await Promise.all([first.done, otherStart.done, sameStart.holds]);
      sameStart.release();
      await sameStart.done;
      expect(events).toEqual(['first ends', 'same start holds']);
    });
  },
);
