import { randomBytes } from 'node:crypto';
import type { LocalizedText, OpeningHours } from '@amtsraum/shared';
import type { Db } from '../db/client.js';
import { closures, departments, services, staff, staffMemberships, tenants } from '../db/schema.js';
import { DEVELOPMENT_SESSION_SECRET } from '../config.js';
import { hashPassword } from '../lib/passwords.js';
import { seal, TOTP_PURPOSE } from '../lib/secret-box.js';
import { newTotpSecret, totpCode, totpStep } from '../lib/totp.js';
import type { TestClient } from './client.js';

/** Factories: each test makes the rows it needs, with unique slugs, and gets them back. */

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const text = (de: string): LocalizedText => ({ de, en: `${de} (en)` });

export const OFFICE_HOURS: OpeningHours = {
  mon: [{ from: '08:00', to: '12:00' }],
  tue: [
    { from: '08:00', to: '12:00' },
    { from: '14:00', to: '18:00' },
  ],
  wed: [{ from: '08:00', to: '12:00' }],
  thu: [{ from: '08:00', to: '12:00' }],
  fri: [{ from: '08:00', to: '12:00' }],
  sat: [],
  sun: [],
};

export async function makeTenant(db: Db, values: Partial<typeof tenants.$inferInsert> = {}) {
  const [row] = await db
    .insert(tenants)
    .values({ slug: unique('stadt'), name: 'Teststadt', ...values })
    .returning();
  return row!;
}

export async function makeDepartment(db: Db, tenantId: string, values: Partial<typeof departments.$inferInsert> = {}) {
  const [row] = await db
    .insert(departments)
    .values({
      tenantId,
      slug: unique('amt'),
      name: text('Testamt'),
      description: text('Ein Amt für Tests'),
      openingHours: OFFICE_HOURS,
      ...values,
    })
    .returning();
  return row!;
}

export interface OfficeOptions {
  tenant?: Partial<typeof tenants.$inferInsert>;
  department?: Partial<typeof departments.$inferInsert>;
  /** The door opened by a clerk's setting on this instant's day: tests that move the clock stay open. */
  openAt?: Date;
}

/**
 * A municipality with one department, and the department's public API path (`base`) and staff
 * API path (`staffPath`). Without `openAt` the door follows `OFFICE_HOURS`.
 */
export async function makeOffice(db: Db, options: OfficeOptions = {}) {
  const tenant = await makeTenant(db, options.tenant);
  const department = await makeDepartment(db, tenant.id, {
    ...(options.openAt ? { doorOverride: 'open' as const, doorOverrideAt: options.openAt } : {}),
    ...options.department,
  });
  return {
    tenant,
    department,
    base: `/api/tenants/${tenant.slug}/departments/${department.slug}`,
    staffPath: `/api/staff/departments/${department.id}`,
  };
}

export async function makeService(db: Db, departmentId: string, values: Partial<typeof services.$inferInsert> = {}) {
  const [row] = await db
    .insert(services)
    .values({ departmentId, slug: unique('dienst'), name: text('Testdienst'), durationMinutes: 15, ...values })
    .returning();
  return row!;
}

export async function makeClosure(db: Db, values: typeof closures.$inferInsert) {
  const [row] = await db.insert(closures).values(values).returning();
  return row!;
}

export async function makeStaff(
  db: Db,
  tenantId: string,
  options: {
    memberships?: { departmentId: string; role: 'clerk' | 'admin' }[];
    password?: string;
    name?: string;
    values?: Partial<typeof staff.$inferInsert>;
  } = {},
) {
  const password = options.password ?? randomBytes(9).toString('base64url');
  const [row] = await db
    .insert(staff)
    .values({
      tenantId,
      email: `${unique('person')}@test.example`,
      name: options.name ?? 'Test Person',
      passwordHash: await hashPassword(password),
      languages: ['de'],
      ...options.values,
    })
    .returning();
  if (options.memberships?.length) {
    await db.insert(staffMemberships).values(options.memberships.map((m) => ({ staffId: row!.id, ...m })));
  }
  return { ...row!, password };
}

/**
 * A new staff member of `tenantId` with the clerk role in `departmentIds`, signed in on `browser`
 * (the session cookie is in its jar). Throws when the sign-in does not succeed.
 */
export async function signedInClerk(
  db: Db,
  browser: TestClient,
  tenantId: string,
  departmentIds: string[],
  options: { name?: string } = {},
) {
  const person = await makeStaff(db, tenantId, {
    name: options.name,
    memberships: departmentIds.map((departmentId) => ({ departmentId, role: 'clerk' as const })),
  });
  const response = await browser.post('/api/staff/login', { email: person.email, password: person.password });
  if (response.status !== 200) throw new Error(`sign-in failed with HTTP ${response.status}`);
  return { browser, person };
}

/**
 * A staff member signed in on `browser` with a second factor proved, as every admin route needs:
 * an authenticator is set up (its secret returned as `totpSecret`) and the session stepped up with
 * a code, through the real routes. Roles come from `options` (`values.isTenantAdmin`, memberships…).
 */
export async function signedInAdmin(
  db: Db,
  browser: TestClient,
  tenantId: string,
  /** `secret`: the server's SESSION_SECRET when the test set one. */
  options: Parameters<typeof makeStaff>[2] & { now?: Date; secret?: string } = {},
) {
  const totpSecret = newTotpSecret();
  const person = await makeStaff(db, tenantId, {
    ...options,
    values: {
      totpSecretSealed: seal(options.secret ?? DEVELOPMENT_SESSION_SECRET, TOTP_PURPOSE, totpSecret),
      totpConfirmedAt: new Date(),
      ...options.values,
    },
  });
  const login = await browser.post('/api/staff/login', { email: person.email, password: person.password });
  if (login.status !== 200) throw new Error(`sign-in failed with HTTP ${login.status}`);
  const code = totpCode(totpSecret, totpStep(options.now ?? new Date()));
  const proved = await browser.post('/api/staff/second-factor', { code });
  if (proved.status !== 200) throw new Error(`second factor failed with HTTP ${proved.status}`);
  return { browser, person: { ...person, totpSecret } };
}
