import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase, databaseKinds } from '../test/databases.js';
import { rowsOf } from './client.js';
import { createPgliteForDrizzle } from './pglite-client.js';

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

/** A copy of the migrations folder that ends with `lastTag`: the schema of an older release. */
function migrationsUpTo(lastTag: string): { folder: string; remove: () => void } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-migrations-'));
  fs.cpSync(MIGRATIONS, folder, { recursive: true });
  const journalPath = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((entry) => entry.tag === lastTag);
  expect(last).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, last + 1);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  return { folder, remove: () => fs.rmSync(folder, { recursive: true, force: true }) };
}

/** Appointments as the release before 0010 kept them: a conversation language and no e-mail language. */
const OLDER_ROWS = sql.raw(`
  with tenant as (
    insert into tenants (slug, name) values ('altstadt', 'Altstadt') returning id
  ), department as (
    insert into departments (tenant_id, slug, name, description, opening_hours)
    select id, 'buergeramt', '{"de":"Bürgeramt"}', '{"de":""}', '{}' from tenant returning id, tenant_id
  ), clerk as (
    insert into staff (tenant_id, email, name) select id, 'clerk@altstadt.example', 'Clerk' from tenant returning id
  )
  insert into appointments
    (tenant_id, department_id, staff_id, service_ids, starts_at, ends_at, citizen_name, language, manage_token_hash)
  select department.tenant_id, department.id, clerk.id, '{}', start, start + interval '30 minutes', 'Citizen', language,
         'hash-' || language
  from department, clerk,
       (values ('de', timestamptz '2026-12-07 08:00Z'), ('en', timestamptz '2026-12-07 09:00Z'),
               ('uk', timestamptz '2026-12-07 10:00Z')) as older (language, start)
`);

const MAIL_LOCALES = sql`select language, mail_locale from appointments order by language`;

// Decision 008, addendum: an appointment keeps its e-mail language. Those booked before the column
// existed keep the language their e-mails had: the conversation language where it was German or
// English, else German.
describe.each(databaseKinds)('migration 0010 on %s', (kind) => {
  it('gives appointments booked before it the e-mail language their e-mails had', async () => {
    const older = migrationsUpTo('0009_join_link');
    try {
      if (kind === 'pglite') {
        const { client, forDrizzle } = await createPgliteForDrizzle(undefined, { extensions: { btree_gist } });
        try {
          const db = drizzlePglite({ client: forDrizzle });
          await migratePglite(db, { migrationsFolder: older.folder });
          await db.execute(OLDER_ROWS);
          await migratePglite(db, { migrationsFolder: MIGRATIONS });
          expect(rowsOf(await db.execute(MAIL_LOCALES))).toEqual([
            { language: 'de', mail_locale: 'de' },
            { language: 'en', mail_locale: 'en' },
            { language: 'uk', mail_locale: 'de' },
          ]);
        } finally {
          await client.close();
        }
        return;
      }
      const fresh = await createPostgresDatabase();
      const client = postgres(fresh.url, { max: 1, onnotice: () => {} });
      try {
        const db = drizzlePostgres({ client });
        await migratePostgres(db, { migrationsFolder: older.folder });
        await db.execute(OLDER_ROWS);
        await migratePostgres(db, { migrationsFolder: MIGRATIONS });
        expect(rowsOf(await db.execute(MAIL_LOCALES))).toEqual([
          { language: 'de', mail_locale: 'de' },
          { language: 'en', mail_locale: 'en' },
          { language: 'uk', mail_locale: 'de' },
        ]);
      } finally {
        await client.end();
        await fresh.drop();
      }
    } finally {
      older.remove();
    }
  }, 60_000);
});
