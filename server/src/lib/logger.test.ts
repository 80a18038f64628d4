import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { createLogger } from './logger.js';

describe.each(databaseKinds)('the log of a failed statement on %s', (kind) => {
  it('keeps the statement and the reason, never the parameters (a citizen’s name, e-mail address)', async () => {
    const database = await createTestDatabase(kind);
    let written = '';
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          written += chunk.toString('utf8');
          done();
        },
      }),
    );
    try {
      const failure = await database.db
        .execute(sql`select * from no_such_table where name = ${'Erika Mustermann'} and email = ${'erika@example.org'}`)
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(Error);
      // Without the serializer, drizzle's error names both, in its message and as a field.
      expect(JSON.stringify({ message: (failure as Error).message, ...(failure as object) })).toContain(
        'Erika Mustermann',
      );
      logger.warn({ err: failure }, 'scheduled job failed');
      const line = JSON.parse(written) as { err: { message: string; stack: string; params?: unknown } };
      expect(line.err.message).toContain('no_such_table');
      expect(line.err.message).toContain('params: (2 not logged)');
      expect(written).not.toContain('Erika');
      expect(written).not.toContain('erika@example.org');
      expect(line.err.params).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
