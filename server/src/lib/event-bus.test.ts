import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test/databases.js';
import {
  createEventBus,
  type EventBus,
  type LiveEvent,
  publishRolesChanged,
  RELAY_PART_BYTES,
  ROLES_CHANGED_BATCH,
  RelayAssembler,
  relayParts,
  splitUtf8,
} from './event-bus.js';
import { createLogger } from './logger.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('relayed texts in parts (NOTIFY takes under 8,000 bytes)', () => {
  it('cuts by UTF-8 bytes, never inside a character, and puts the pieces back together exactly', () => {
    const text = `v=0\r\n${'ä€𝄞x'.repeat(3_000)}`;
    const pieces = splitUtf8(text, 1_000);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) {
      expect(bytes(piece)).toBeLessThanOrEqual(1_000);
      expect(piece).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/); // no surrogate pair split
    }
    expect(splitUtf8('', 10)).toEqual(['']);
  });

  it('heads each part so that parts of messages in any order, and a lost part, are handled', () => {
    const long = 'ü'.repeat(9_000); // 18,000 bytes
    const parts = relayParts('p1.1', 'calls', long);
    expect(parts.length).toBe(3);
    for (const part of parts) expect(bytes(part)).toBeLessThan(8_000);
    expect(RELAY_PART_BYTES).toBeLessThan(8_000 - 100);

    const assembler = new RelayAssembler();
    const other = relayParts('p2.7', 'calls', 'kurz');
    expect(assembler.take(parts[2]!)).toBeNull();
    expect(assembler.take(other[0]!)).toEqual({ topic: 'calls', text: 'kurz' });
    expect(assembler.take(parts[0]!)).toBeNull();
    expect(assembler.take(parts[1]!)).toEqual({ topic: 'calls', text: long });

    // A message whose part never comes is dropped after a while, not kept for ever.
    const lost = relayParts('p1.2', 'calls', long);
    expect(assembler.take(lost[0]!, 0)).toBeNull();
    expect(assembler.take(relayParts('p1.3', 'calls', long)[0]!, 60_000)).toBeNull();
    expect(assembler.take(lost[1]!, 60_001)).toBeNull();
    expect(assembler.take(lost[2]!, 60_002)).toBeNull();
    // Garbage is ignored.
    expect(assembler.take('no header')).toBeNull();
    expect(assembler.take('x 5/2 calls\nwrong index')).toBeNull();
  });
});

/**
 * Two buses on one database, as two processes have, on PostgreSQL; PGlite has one process, whose
 * bus is both. `first` is the database as the first bus sees it (its statements counted).
 */
async function withBuses(
  kind: (typeof databaseKinds)[number],
  database: Database,
  work: (a: EventBus, b: EventBus) => Promise<void>,
  first: Database = database,
) {
  const logger = createLogger('silent');
  const a = createEventBus(first, logger);
  const b = kind === 'postgres' ? createEventBus(database, logger) : a;
  await a.start();
  if (b !== a) await b.start();
  try {
    await work(a, b);
  } finally {
    await a.stop();
    if (b !== a) await b.stop();
  }
}

describe.each(databaseKinds)('the event bus relay on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.close());

  it('brings every text, however long, to every listener of its topic in the order relayed', async () => {
    await withBuses(kind, database, async (a, b) => {
      const seen: string[] = [];
      const other: string[] = [];
      const done = new Promise<void>((resolve) =>
        b.onRelay('calls', (text) => {
          seen.push(text);
          if (seen.length === 3) resolve();
        }),
      );
      b.onRelay('elsewhere', (text) => other.push(text));
      const long = `${'𝄞'.repeat(5_000)}Ende`;
      await Promise.all([a.relay('calls', 'eins'), a.relay('calls', long), a.relay('calls', 'drei')]);
      await done;
      expect(seen).toEqual(['eins', long, 'drei']);
      expect(other).toEqual([]);
      await expect(a.relay('Bad Topic', 'x')).rejects.toThrow();
    });
  });
});

describe.each(databaseKinds)('department events on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.close());

  // Issue 14, item 2: the publishing process's listeners (the live hub) take a department event
  // as soon as it is published, not when its NOTIFY comes back; and only once, its return skipped.
  it('reaches the publisher’s listeners before publish returns, and every listener exactly once', async () => {
    const first = { departmentId: randomUUID(), visitId: randomUUID() };
    const second = { departmentId: randomUUID(), context: true as const };
    await withBuses(kind, database, async (a, b) => {
      const onA: LiveEvent[] = [];
      const onB: LiveEvent[] = [];
      const waiters: { has: () => boolean; resolve: () => void }[] = [];
      const until = (has: () => boolean) =>
        has() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ has, resolve }));
      const listen = (list: LiveEvent[]) => (event: LiveEvent) => {
        list.push(event);
        for (const waiter of waiters.filter((w) => w.has())) waiter.resolve();
      };
      a.subscribe(listen(onA));
      if (b !== a) b.subscribe(listen(onB));
      const heard = b !== a ? onB : onA;

      await a.publish(first);
      expect(onA).toEqual([first]);
      // B hears it, and answers with an event of its own: A's listener connection gets that after
      // A's own NOTIFY (commit order), so had A taken its own event back, it would be in by then.
      await until(() => heard.length === 1);
      await b.publish(second);
      await until(() => onA.length === 2 && heard.length === 2);
      expect(onA).toEqual([first, second]);
      expect(heard).toEqual([first, second]);
    });
  });
});

describe.each(databaseKinds)('role changes of many people on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.close());

  // A municipality renamed tells everyone working there: one event per hundred, not one each, and
  // each small enough for NOTIFY (under 8,000 bytes), so every process hears every person.
  it('go out a hundred to an event, each person once, and reach another process whole', async () => {
    const people = Array.from({ length: 250 }, () => randomUUID());
    await withBuses(kind, database, async (a, b) => {
      const heard: string[][] = [];
      const marker = randomUUID();
      let all!: () => void;
      let marked!: () => void;
      const allHeard = new Promise<void>((resolve) => (all = resolve));
      const markerHeard = new Promise<void>((resolve) => (marked = resolve));
      b.subscribe((event) => {
        if ('departmentId' in event && event.departmentId === marker) marked();
        if (!('rolesChanged' in event)) return;
        heard.push(event.rolesChanged.staffIds);
        if (heard.flat().length >= people.length) all();
      });
      await publishRolesChanged(a, [...people, people[0]!, people[249]!]);
      await allHeard;
      expect(heard.map((ids) => ids.length)).toEqual([ROLES_CHANGED_BATCH, ROLES_CHANGED_BATCH, 50]);
      expect(heard.flat()).toEqual(people);
      // No one, no event: the next event heard after it is the one published next.
      await publishRolesChanged(a, []);
      await a.publish({ departmentId: marker, context: true });
      await markerHeard;
      expect(heard).toHaveLength(3);
    });
  });
});

describe.each(databaseKinds)('department events of many departments on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.close());

  // The attendance job stamping 500 doors, a municipality renamed: one statement for all their
  // events, not a NOTIFY each (3.5 s under load at 500 departments on PostgreSQL), and every
  // listener still hears every event once, in order, as if each had been published alone.
  it('go out in one statement, and reach this and another process each once, in order', async () => {
    const statements: { one: number; many: number[] } = { one: 0, many: [] };
    const counted = database.pubsub && {
      ...database,
      pubsub: {
        ...database.pubsub,
        notify: (channel: string, payload: string) => {
          statements.one += 1;
          return database.pubsub!.notify(channel, payload);
        },
        notifyAll: (channel: string, payloads: string[]) => {
          statements.many.push(payloads.length);
          return database.pubsub!.notifyAll(channel, payloads);
        },
      },
    };
    const events = Array.from({ length: 250 }, (_, i) =>
      i % 2 === 0 ? { departmentId: randomUUID(), context: true as const } : { departmentId: randomUUID() },
    );
    await withBuses(
      kind,
      database,
      async (a, b) => {
        const onA: LiveEvent[] = [];
        const onB: LiveEvent[] = [];
        let all!: () => void;
        const allHeard = new Promise<void>((resolve) => (all = resolve));
        a.subscribe((event) => onA.push(event));
        if (b !== a) {
          b.subscribe((event) => {
            onB.push(event);
            if (onB.length === events.length) all();
          });
        } else all();
        await a.publishAll(events);
        // Here before publishAll returns, as publish does.
        expect(onA).toEqual(events);
        await allHeard;
        if (b !== a) {
          expect(onB).toEqual(events);
          expect(statements).toEqual({ one: 0, many: [250] });
          // None for none; the next event heard is the one published next.
          await a.publishAll([]);
          expect(statements.many).toEqual([250]);
          const next = { departmentId: randomUUID() };
          await a.publish(next);
          await expect.poll(() => onB.length).toBe(251);
          expect(onB.at(-1)).toEqual(next);
        }
        expect(onA).toHaveLength(kind === 'postgres' ? 251 : 250);
      },
      counted ?? database,
    );
  });
});
