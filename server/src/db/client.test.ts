import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../test/databases.js';
import { DatabaseUnavailableError, openDatabase } from './client.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || null;

describe.skipIf(!TEST_DATABASE_URL)('a PostgreSQL user that may connect but not create the tables', () => {
  it('is told to make the user the owner, with the database’s own reason, not to check the password', async () => {
    const admin = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    const role = `amtsraum_t_${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const fresh = await createPostgresDatabase();
    try {
      await admin.unsafe(`create role "${role}" login password '${password}'`);
      const url = new URL(fresh.url);
      url.username = role;
      url.password = password;
      const failure = await openDatabase({ kind: 'postgres', url: url.toString() }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).not.toBeNull();
      const message = new DatabaseUnavailableError(url.toString(), failure).message;
      const database = url.pathname.slice(1);
      expect(message).toContain(`connected to the PostgreSQL database at ${url.hostname}:`);
      expect(message).toMatch(/\(permission denied for [^)]+\)/);
      expect(message).toContain(`ALTER DATABASE "${database}" OWNER TO "${role}"`);
      expect(message).not.toContain('Failed query');
      expect(message).not.toContain(password);
    } finally {
      await fresh.drop();
      await admin.unsafe(`drop role if exists "${role}"`);
      await admin.end();
    }
  });
});
