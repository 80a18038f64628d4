import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departments, services, staff, staffMemberships, tenants } from '../../db/schema.js';
import { verifyPassword } from '../../lib/passwords.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test/databases.js';
import { makeTenant } from '../../test/factories.js';
import { InstallationFileSchema } from './installation.schema.js';
import { applyInstallation } from './installation.service.js';

const EXAMPLE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../infra/installation.example.json',
);
const example = () => JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as { tenants: Record<string, unknown>[] };

describe.each(databaseKinds)('installation file on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.close());

  it('writes the example installation, with working new logins, and is idempotent', async () => {
    const file = InstallationFileSchema.parse(example());
    const first = await applyInstallation(database.db, file);
    expect(first.logins.map((l) => l.email).sort()).toEqual([
      'it@stadt-dormagen.example',
      'sachbearbeitung@stadt-dormagen.example',
    ]);
    const [clerk] = await database.db
      .select()
      .from(staff)
      .where(eq(staff.email, 'sachbearbeitung@stadt-dormagen.example'));
    const login = first.logins.find((l) => l.email === clerk!.email)!;
    expect(await verifyPassword(clerk!.passwordHash, login.password)).toBe(true);
    expect(
      await database.db.select().from(staffMemberships).where(eq(staffMemberships.staffId, clerk!.id)),
    ).toHaveLength(1);

    const second = await applyInstallation(database.db, file);
    expect(second.logins).toEqual([]); // passwords of existing staff stay as they are
    const [tenant] = await database.db.select().from(tenants).where(eq(tenants.slug, 'dormagen'));
    const rows = await database.db.select().from(departments).where(eq(departments.tenantId, tenant!.id));
    expect(rows).toHaveLength(1);
    expect(await database.db.select().from(services).where(eq(services.departmentId, rows[0]!.id))).toHaveLength(1);
  });

  it('rejects a malformed file before writing anything', () => {
    const bad = example();
    bad.tenants[0] = {
      ...bad.tenants[0],
      slug: 'api',
      timeZone: 'Mars/Olympus',
      staff: [{ email: 'x@y.de', name: 'X', departments: { nirgendwo: 'clerk' } }],
    };
    const result = InstallationFileSchema.safeParse(bad);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['tenants.0.slug', 'tenants.0.timeZone', 'tenants.0.staff.0.departments.nirgendwo']),
    );
  });

  it('changes nothing when a staff address belongs to another municipality', async () => {
    const other = await makeTenant(database.db);
    await database.db
      .insert(staff)
      .values({ tenantId: other.id, email: 'fremd@test.example', name: 'Fremd', passwordHash: 'x' });
    const file = example();
    file.tenants[0] = {
      ...file.tenants[0],
      slug: 'neustadt',
      staff: [{ email: 'fremd@test.example', name: 'F', departments: {} }],
    };
    await expect(applyInstallation(database.db, InstallationFileSchema.parse(file))).rejects.toThrow(
      /another municipality/,
    );
    expect(await database.db.select().from(tenants).where(eq(tenants.slug, 'neustadt'))).toEqual([]);
  });
});
