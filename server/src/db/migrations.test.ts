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

/**
 * Free text as the releases before 0011 could store it: direction overrides and isolates, C1 and
 * C0 controls, beside text that keeps its marks (U+200E, U+200F, U+061C), line breaks and NEL.
 */
const TEXTS_BEFORE_0011 = sql.raw(`
  with tenant as (
    insert into tenants (slug, name) values ('richtung', 'Richtung') returning id
  ), department as (
    insert into departments (tenant_id, slug, name, description, opening_hours)
    select id, 'buergeramt', '{"de":"Bürgeramt"}', '{"de":""}', '{}' from tenant returning id, tenant_id
  ), clerk as (
    insert into staff (tenant_id, email, name) select id, 'clerk@richtung.example', 'Clerk' from tenant returning id
  ), walk_ins as (
    insert into visits (tenant_id, department_id, citizen_name, language, concern, decline_note)
    select department.tenant_id, department.id, 'Citizen ' || n, 'de', concern, note
    from department, (values
      (1, 'Ausweis \u202everloren\u202c', 'Bitte\u2066 morgen\u2069 wieder\u0086'),
      (2, 'مرحبا\u200f. \u200eok\u061c', 'Zeile 1\nZeile\u00852\tx'),
      (3, null, null)
    ) as texts (n, concern, note)
  ), absences as (
    insert into staff_absences (staff_id, starts_at, ends_at, reason)
    select clerk.id, timestamptz '2026-12-07 08:00Z' + n * interval '1 day',
           timestamptz '2026-12-07 09:00Z' + n * interval '1 day', reason
    from clerk, (values (1, 'Urlaub\u0007'), (2, '\u202e'), (3, 'Fortbildung\u200f')) as texts (n, reason)
  ), mails as (
    insert into mail_outbox (kind, "to", subject, text, html)
    values ('cancellation', 'citizen@richtung.example', 'Absage', 'Hinweis: \u202edlrow\u202c', '<p>\u2067x\u2069</p>')
  )
  insert into appointments
    (tenant_id, department_id, staff_id, service_ids, starts_at, ends_at, citizen_name, language, manage_token_hash, concern)
  select department.tenant_id, department.id, clerk.id, '{}', timestamptz '2026-12-07 08:00Z',
         timestamptz '2026-12-07 08:30Z', 'Citizen', 'de', 'hash-richtung', 'Termin \u202bA\u202c'
  from department, clerk
`);

const TEXTS = sql.raw(`
  select 'visit' as "table", concern as a, decline_note as b from visits
  union all select 'appointment', concern, null from appointments
  union all select 'absence', reason, null from staff_absences
  union all select 'mail', text, html from mail_outbox
  order by 1, 2 nulls last
`);

const CLEANED = [
  { table: 'absence', a: 'Fortbildung\u200f', b: null },
  { table: 'absence', a: 'Urlaub', b: null },
  { table: 'absence', a: null, b: null },
  { table: 'appointment', a: 'Termin A', b: null },
  { table: 'mail', a: 'Hinweis: dlrow', b: '<p>x</p>' },
  { table: 'visit', a: 'Ausweis verloren', b: 'Bitte morgen wieder' },
  { table: 'visit', a: 'مرحبا\u200f. \u200eok\u061c', b: 'Zeile 1\nZeile\u00852\tx' },
  { table: 'visit', a: null, b: null },
];

// Stored before the server refused them, these characters still showed concerns, notes, reasons
// and e-mails reversed in the console, on the citizen's page and in mail programs.
describe.each(databaseKinds)('migration 0011 on %s', (kind) => {
  it('removes direction overrides, isolates and control characters from stored free text, keeping the marks', async () => {
    const older = migrationsUpTo('0010_mail_locale');
    try {
      if (kind === 'pglite') {
        const { client, forDrizzle } = await createPgliteForDrizzle(undefined, { extensions: { btree_gist } });
        try {
          const db = drizzlePglite({ client: forDrizzle });
          await migratePglite(db, { migrationsFolder: older.folder });
          await db.execute(TEXTS_BEFORE_0011);
          await migratePglite(db, { migrationsFolder: MIGRATIONS });
          expect(rowsOf(await db.execute(TEXTS))).toEqual(CLEANED);
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
        await db.execute(TEXTS_BEFORE_0011);
        await migratePostgres(db, { migrationsFolder: MIGRATIONS });
        expect(rowsOf(await db.execute(TEXTS))).toEqual(CLEANED);
      } finally {
        await client.end();
        await fresh.drop();
      }
    } finally {
      older.remove();
    }
  }, 60_000);
});
