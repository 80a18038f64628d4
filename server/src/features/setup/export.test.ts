import { randomBytes } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEvents,
  closures,
  departments,
  services,
  staff,
  staffAbsences,
  staffAvailability,
  staffMemberships,
  tenantIdentityProviders,
  tenantTexts,
  tenants,
} from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test/databases.js';
import { signedInAdmin, signedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { exportedFileProblems, exportTenant } from './export.service.js';
import { InstallationFileSchema } from './installation.schema.js';
import { applyInstallation } from './installation.service.js';

const SECRET = 'export-test-secret-of-at-least-32-characters';
const HOURS = {
  mon: [{ from: '08:00', to: '12:00' }],
  tue: [
    { from: '08:00', to: '12:00' },
    { from: '14:00', to: '18:00' },
  ],
  wed: [],
  thu: [{ from: '08:00', to: '12:00' }],
  fri: [{ from: '08:00', to: '12:00' }],
  sat: [],
  sun: [],
};

/** A municipality that uses every field the file can say. */
function fullFile(slug: string) {
  const mail = (name: string) => `${name}.${slug}@test.example`;
  return {
    tenants: [
      {
        slug,
        name: 'Stadt Rundreise',
        timeZone: 'Europe/Berlin',
        defaultLocale: 'de',
        brandColor: '#225588',
        logoUrl: null,
        locales: ['de', 'en', 'tr'],
        contact: { phone: '+49 2133 1234', email: `rathaus.${slug}@test.example`, address: 'Markt 1' },
        stateCode: 'BY',
        texts: {
          imprint: { de: 'Impressum der Stadt', en: 'Imprint of the town' },
          privacy: { de: 'Datenschutz' },
          faq: [{ question: { de: 'Brauche ich eine Kamera?' }, answer: { de: 'Nein, Ton genügt.' } }],
        },
        closures: [{ from: '2026-12-25', to: '2026-12-26', reason: { de: 'Weihnachten' } }],
        departments: [
          {
            slug: 'buergeramt',
            name: { de: 'Bürgeramt', en: 'Citizens’ office' },
            nameForms: { de: { at: 'beim Bürgeramt', to: 'zum Bürgeramt' } },
            description: { de: 'Ausweise und Meldewesen' },
            contact: { room: 'E.12' },
            openingHours: HOURS,
            queueCap: 12,
            avgHandlingMinutes: 9,
            doorPolicy: 'manual',
            clerksManageAbsences: true,
            closures: [{ from: '2026-12-31', to: '2026-12-31' }],
            booking: { horizonDays: 30, leadMinutes: 60, sameDayReleaseTime: '07:45', maxPersons: 4 },
            services: [
              {
                slug: 'personalausweis',
                name: { de: 'Personalausweis', en: 'Identity card' },
                description: { de: 'Beantragen' },
                durationMinutes: 20,
                extraMinutesPerPerson: 10,
                documents: [{ de: 'Foto' }],
                maxPersons: 3,
              },
              { slug: 'meldebescheinigung', name: { de: 'Meldebescheinigung' }, durationMinutes: 10, bookable: false },
            ],
          },
          {
            slug: 'fundbuero',
            name: { de: 'Fundbüro' },
            description: { de: 'Verloren und gefunden' },
            openingHours: HOURS,
          },
        ],
        staff: [
          {
            email: mail('leitung'),
            name: 'Lea Leitung',
            languages: ['de', 'en'],
            tenantAdmin: true,
            departments: { buergeramt: 'admin' },
            totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
            password: 'ein-sehr-geheimes-passwort',
          },
          {
            email: mail('sachbearbeitung'),
            name: 'Sam Sachbearbeitung',
            languages: ['de', 'tr'],
            departments: { buergeramt: 'clerk', fundbuero: 'clerk' },
            availability: {
              buergeramt: 'openingHours',
              fundbuero: { wed: [{ from: '09:00', to: '11:30' }] },
            },
            absences: [
              { from: '2026-12-28', to: '2026-12-30', reason: 'Urlaub' },
              { startsAt: '2026-12-07T12:00:00.000Z', endsAt: '2026-12-07T15:30:00.000Z' },
            ],
          },
        ],
      },
    ],
  };
}

/** Every stored row of the municipality's configuration, ids and times included. */
async function snapshot(db: Db, slug: string) {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  const departmentRows = await db
    .select()
    .from(departments)
    .where(eq(departments.tenantId, tenant!.id))
    .orderBy(asc(departments.id));
  const departmentIds = departmentRows.map((d) => d.id);
  const staffRows = await db.select().from(staff).where(eq(staff.tenantId, tenant!.id)).orderBy(asc(staff.id));
  const staffIds = staffRows.map((s) => s.id);
  return {
    tenant,
    departmentRows,
    staffRows,
    services: await db
      .select()
      .from(services)
      .where(inArray(services.departmentId, departmentIds))
      .orderBy(asc(services.id)),
    closures: await db.select().from(closures).where(eq(closures.tenantId, tenant!.id)).orderBy(asc(closures.id)),
    texts: await db
      .select()
      .from(tenantTexts)
      .where(eq(tenantTexts.tenantId, tenant!.id))
      .orderBy(asc(tenantTexts.kind)),
    memberships: await db
      .select()
      .from(staffMemberships)
      .where(inArray(staffMemberships.staffId, staffIds))
      .orderBy(asc(staffMemberships.staffId), asc(staffMemberships.departmentId)),
    availability: await db
      .select()
      .from(staffAvailability)
      .where(inArray(staffAvailability.staffId, staffIds))
      .orderBy(asc(staffAvailability.id)),
    absences: await db
      .select()
      .from(staffAbsences)
      .where(inArray(staffAbsences.staffId, staffIds))
      .orderBy(asc(staffAbsences.id)),
  };
}

describe.each(databaseKinds)('installation export on %s', (kind) => {
  let original: TestDatabase;
  let fresh: TestDatabase;
  beforeAll(async () => {
    [original, fresh] = await Promise.all([createTestDatabase(kind), createTestDatabase(kind)]);
  });
  afterAll(async () => {
    await Promise.all([original?.close(), fresh?.close()]);
  });

  it('round-trips: set up from a file, exported, applied to a fresh database, exported again', async () => {
    const slug = `rundreise-${randomBytes(3).toString('hex')}`;
    await applyInstallation(original.db, InstallationFileSchema.parse(fullFile(slug)), { secret: SECRET });
    const first = await exportTenant(original.db, slug);
    expect(first).not.toBeNull();
    // The export is a valid installation file, with what the file said.
    const parsed = InstallationFileSchema.parse(first);
    const exported = parsed.tenants[0]!;
    expect(exported.locales).toEqual(['de', 'en', 'tr']);
    expect(exported.stateCode).toBe('BY');
    // The file's FAQ (one list of entries, the older form) comes back as a list per language.
    expect(exported.texts?.faq).toEqual({
      de: [{ question: 'Brauche ich eine Kamera?', answer: 'Nein, Ton genügt.' }],
    });
    expect(exported.texts?.accessibility).toBeUndefined();
    expect(exported.departments[0]!.doorPolicy).toBe('manual');
    expect(exported.departments[0]!.clerksManageAbsences).toBe(true);
    expect(exported.departments[0]!.services.map((s) => s.maxPersons)).toEqual([3, null]);
    const clerk = exported.staff.find((s) => s.email.startsWith('sachbearbeitung'))!;
    expect(clerk.availability).toEqual({
      buergeramt: { mon: HOURS.mon, tue: HOURS.tue, thu: HOURS.thu, fri: HOURS.fri },
      fundbuero: { wed: [{ from: '09:00', to: '11:30' }] },
    });
    expect(clerk.absences).toEqual([
      { startsAt: '2026-12-07T12:00:00.000Z', endsAt: '2026-12-07T15:30:00.000Z' },
      { from: '2026-12-28', to: '2026-12-30', reason: 'Urlaub' },
    ]);
    // Never a password, a second factor's secret or a hash.
    const text = JSON.stringify(first);
    expect(text).not.toMatch(/password|totp|argon|secret/i);

    const created = await applyInstallation(fresh.db, parsed);
    // New accounts on the fresh installation get passwords of their own, printed once.
    expect(created.logins.map((login) => login.email).sort()).toEqual(exported.staff.map((s) => s.email).sort());
    const second = await exportTenant(fresh.db, slug);
    expect(JSON.stringify(second, null, 2)).toBe(JSON.stringify(first, null, 2));
  });

  it('sets up and exports a municipality without departments yet, as an installation admin’s own', async () => {
    const slug = `kreis-it-${randomBytes(3).toString('hex')}`;
    const file = {
      tenants: [
        {
          slug,
          name: 'Kreis-IT',
          staff: [
            { email: `ines.${slug}@test.example`, name: 'Ines Admin', installationAdmin: true, tenantAdmin: true },
          ],
        },
      ],
    };
    const created = await applyInstallation(original.db, InstallationFileSchema.parse(file));
    expect(created.logins.map((login) => login.email)).toEqual([`ines.${slug}@test.example`]);
    const exported = await exportTenant(original.db, slug);
    expect(exportedFileProblems(exported!)).toEqual([]);
    const again = await applyInstallation(fresh.db, InstallationFileSchema.parse(exported));
    expect(again.logins).toHaveLength(1);
    expect(JSON.stringify(await exportTenant(fresh.db, slug))).toBe(JSON.stringify(exported));
  });

  it('names the values saved before today’s rules that setup would refuse, and exports them unchanged', async () => {
    const slug = `rundreise-${randomBytes(3).toString('hex')}`;
    await applyInstallation(original.db, InstallationFileSchema.parse(fullFile(slug)), { secret: SECRET });
    expect(exportedFileProblems((await exportTenant(original.db, slug))!)).toEqual([]);
    // Saved when contact details had no rules (before the twenty-ninth session).
    const [tenant] = await original.db.select().from(tenants).where(eq(tenants.slug, slug));
    await original.db
      .update(departments)
      .set({ contact: { phone: 'Zentrale: 0123 456', room: 'Zimmer \u202e12' } })
      .where(and(eq(departments.tenantId, tenant!.id), eq(departments.slug, 'buergeramt')));
    const file = (await exportTenant(original.db, slug))!;
    const exported = file.tenants[0] as { departments: { slug: string; contact: unknown }[] };
    const at = exported.departments.findIndex((department) => department.slug === 'buergeramt');
    expect(exported.departments[at]!.contact).toEqual({ phone: 'Zentrale: 0123 456', room: 'Zimmer \u202e12' });
    expect(exportedFileProblems(file)).toEqual([
      `tenants.0.departments.${String(at)}.contact.phone: digits, spaces and + ( ) / - only`,
      `tenants.0.departments.${String(at)}.contact.room: contains characters that change the writing direction`,
    ]);
  });

  it('applied to the database it came from, the export changes nothing', async () => {
    const slug = `rundreise-${randomBytes(3).toString('hex')}`;
    await applyInstallation(original.db, InstallationFileSchema.parse(fullFile(slug)), { secret: SECRET });
    const before = await snapshot(original.db, slug);
    const again = await applyInstallation(
      original.db,
      InstallationFileSchema.parse(await exportTenant(original.db, slug)),
    );
    expect(again.logins).toEqual([]);
    expect(await snapshot(original.db, slug)).toEqual(before);
  });

  it('leaves out archived departments and services, deactivated staff and the identity provider’s secret', async () => {
    const slug = `rundreise-${randomBytes(3).toString('hex')}`;
    await applyInstallation(original.db, InstallationFileSchema.parse(fullFile(slug)), { secret: SECRET });
    const [tenant] = await original.db.select().from(tenants).where(eq(tenants.slug, slug));
    await original.db
      .update(departments)
      .set({ archivedAt: new Date() })
      .where(and(eq(departments.tenantId, tenant!.id), eq(departments.slug, 'fundbuero')));
    const [buergeramt] = await original.db
      .select()
      .from(departments)
      .where(and(eq(departments.tenantId, tenant!.id), eq(departments.slug, 'buergeramt')));
    await original.db
      .update(services)
      .set({ archivedAt: new Date() })
      .where(and(eq(services.departmentId, buergeramt!.id), eq(services.slug, 'meldebescheinigung')));
    await original.db
      .update(staff)
      .set({ active: false })
      .where(eq(staff.email, `leitung.${slug}@test.example`));
    await original.db.insert(tenantIdentityProviders).values({
      tenantId: tenant!.id,
      issuer: 'https://login.example',
      clientId: 'amtsraum',
      clientSecretSealed: 'sealed-client-secret-value',
      label: { de: 'Rathaus-Konto' },
    });
    const file = (await exportTenant(original.db, slug))!;
    const exported = InstallationFileSchema.parse(file).tenants[0]!;
    expect(exported.departments.map((d) => d.slug)).toEqual(['buergeramt']);
    expect(exported.departments[0]!.services.map((s) => s.slug)).toEqual(['personalausweis']);
    expect(exported.staff.map((s) => s.name)).toEqual(['Sam Sachbearbeitung']);
    // The clerk's hours in the archived department go with it.
    expect(Object.keys(exported.staff[0]!.availability)).toEqual(['buergeramt']);
    expect(JSON.stringify(file)).not.toContain('sealed-client-secret-value');
    expect(await exportTenant(original.db, 'gibt-es-nicht')).toBeNull();
  });
});

describe.each(databaseKinds)('export route on %s', (kind) => {
  const { client, db } = useTestServer(kind);

  it('gives a municipality admin the file, audited, and refuses everyone else', async () => {
    const slug = `rundreise-${randomBytes(3).toString('hex')}`;
    await applyInstallation(db(), InstallationFileSchema.parse(withoutTotp(fullFile(slug))));
    const [tenant] = await db().select().from(tenants).where(eq(tenants.slug, slug));
    const [buergeramt] = await db()
      .select()
      .from(departments)
      .where(and(eq(departments.tenantId, tenant!.id), eq(departments.slug, 'buergeramt')));
    const { browser, person } = await signedInAdmin(db(), client(), tenant!.id, { values: { isTenantAdmin: true } });

    const response = await browser.get(`/api/admin/tenants/${slug}/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${slug}.installation.json"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.json).toEqual(await exportTenant(db(), slug));
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.tenantId, tenant!.id));
    expect(audit).toMatchObject({
      action: 'tenant.exported',
      actorKind: 'staff',
      actorStaffId: person.id,
      data: { departments: 2, people: 3, via: 'admin' },
    });

    const { browser: departmentAdmin } = await signedInAdmin(db(), client(), tenant!.id, {
      memberships: [{ departmentId: buergeramt!.id, role: 'admin' }],
    });
    expect((await departmentAdmin.get(`/api/admin/tenants/${slug}/export`)).status).toBe(403);
    const { browser: clerk } = await signedInClerk(db(), client(), tenant!.id, [buergeramt!.id]);
    expect((await clerk.get(`/api/admin/tenants/${slug}/export`)).status).toBe(403);
    const [elsewhere] = await db()
      .insert(tenants)
      .values({ slug: `anderswo-${randomBytes(3).toString('hex')}`, name: 'Anderswo' })
      .returning();
    const { browser: stranger } = await signedInAdmin(db(), client(), elsewhere!.id, {
      values: { isTenantAdmin: true },
    });
    expect((await stranger.get(`/api/admin/tenants/${slug}/export`)).status).toBe(403);
    expect((await client().get(`/api/admin/tenants/${slug}/export`)).status).toBe(401);
  });
});

describe.each(databaseKinds)('round trip of changes made on the admin screens on %s', (kind) => {
  const { client, db } = useTestServer(kind);
  let fresh: TestDatabase;
  beforeAll(async () => {
    fresh = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await fresh?.close();
  });

  it('exports what the admin changed, and a fresh installation set up from it exports the same', async () => {
    const slug = `rundreise-${randomBytes(3).toString('hex')}`;
    await applyInstallation(db(), InstallationFileSchema.parse(withoutTotp(fullFile(slug))));
    const [tenant] = await db().select().from(tenants).where(eq(tenants.slug, slug));
    const [buergeramt] = await db()
      .select()
      .from(departments)
      .where(and(eq(departments.tenantId, tenant!.id), eq(departments.slug, 'buergeramt')));
    const [clerk] = await db()
      .select()
      .from(staff)
      .where(eq(staff.email, `sachbearbeitung.${slug}@test.example`));
    const { browser } = await signedInAdmin(db(), client(), tenant!.id, {
      values: { isTenantAdmin: true },
      memberships: [{ departmentId: buergeramt!.id, role: 'admin' }],
    });
    const admin = `/api/admin/tenants/${slug}`;
    const department = `${admin}/departments/buergeramt`;
    const changes = [
      await browser.request('PATCH', department, {
        description: { de: 'Ausweise, Pässe und Meldewesen', en: 'Identity cards and registration' },
        queueCap: 25,
        openingHours: { ...HOURS, wed: [{ from: '13:00', to: '17:00' }] },
      }),
      await browser.put(`${department}/booking-rules`, {
        horizonDays: 45,
        leadMinutes: 30,
        sameDayReleaseTime: null,
        joinOpensMinutesBefore: 15,
        noShowGraceMinutes: 5,
        maxPersonsPerBooking: 5,
        clerksManageAbsences: false,
      }),
      await browser.post(`${department}/services`, {
        slug: 'fuehrungszeugnis',
        name: { de: 'Führungszeugnis', en: 'Certificate of good conduct' },
        description: null,
        durationMinutes: 15,
        extraMinutesPerPerson: 0,
        documents: [{ de: 'Personalausweis' }],
        bookable: true,
        knockable: false,
        maxPersons: 1,
        keywords: { de: ['polizeiliches Führungszeugnis'] },
        onlineUrl: 'https://www.bundesjustizamt.de/fuehrungszeugnis',
      }),
      await browser.put(`${department}/availability/${clerk!.id}`, {
        ranges: [{ weekday: 3, startsAt: '13:00', endsAt: '16:00' }],
      }),
      await browser.post(`${department}/closures`, {
        from: '2027-02-15',
        to: '2027-02-16',
        reason: { de: 'Umzug', en: 'Moving' },
      }),
      await browser.post(`${admin}/closures`, { from: '2027-01-01', to: '2027-01-01', reason: null }),
      // Longer than any text of a department or service may be: a legal page may be that long.
      await browser.put(`${admin}/texts/accessibility`, {
        text: { de: `Erklärung zur Barrierefreiheit.\n\n${'Diese Seite ist barrierefrei. '.repeat(100)}` },
      }),
    ];
    expect(changes.map((response) => response.status)).toEqual([200, 200, 201, 200, 201, 201, 204]);

    const first = await browser.get(`${admin}/export`);
    expect(first.status).toBe(200);
    const exported = InstallationFileSchema.parse(first.json).tenants[0]!;
    const office = exported.departments.find((d) => d.slug === 'buergeramt')!;
    expect(office).toMatchObject({
      description: { de: 'Ausweise, Pässe und Meldewesen', en: 'Identity cards and registration' },
      queueCap: 25,
      booking: { horizonDays: 45, leadMinutes: 30, sameDayReleaseTime: null, maxPersons: 5 },
      clerksManageAbsences: false,
    });
    expect(office.openingHours.wed).toEqual([{ from: '13:00', to: '17:00' }]);
    expect(office.services.map((s) => s.slug)).toEqual(['personalausweis', 'meldebescheinigung', 'fuehrungszeugnis']);
    expect(office.closures).toContainEqual({
      from: '2027-02-15',
      to: '2027-02-16',
      reason: { de: 'Umzug', en: 'Moving' },
    });
    expect(exported.closures).toContainEqual({ from: '2027-01-01', to: '2027-01-01', reason: null });
    expect(exported.texts?.accessibility?.de?.length).toBeGreaterThan(2000);
    const person = exported.staff.find((s) => s.email === clerk!.email)!;
    expect(person.availability.buergeramt).toEqual({ wed: [{ from: '13:00', to: '16:00' }] });

    await applyInstallation(fresh.db, InstallationFileSchema.parse(first.json));
    const second = await exportTenant(fresh.db, slug);
    expect(JSON.stringify(second, null, 2)).toBe(JSON.stringify(first.json, null, 2));
  });
});

function withoutTotp(file: ReturnType<typeof fullFile>) {
  for (const person of file.tenants[0]!.staff) delete (person as { totpSecret?: string }).totpSecret;
  return file;
}
