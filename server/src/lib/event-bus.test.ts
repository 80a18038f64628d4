import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test/databases.js';
import { createEventBus, RELAY_PART_BYTES, RelayAssembler, relayParts, splitUtf8 } from './event-bus.js';
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

describe.each(databaseKinds)('the event bus relay on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.close());

  it('brings every text, however long, to every listener of its topic in the order relayed', async () => {
    const logger = createLogger('silent');
    // On PostgreSQL two buses on one database, as two processes have; PGlite has one process.
    const a = createEventBus(database, logger);
    const b = kind === 'postgres' ? createEventBus(database, logger) : a;
    await a.start();
    if (b !== a) await b.start();
    try {
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
    } finally {
      await a.stop();
      if (b !== a) await b.stop();
    }
  });
});
