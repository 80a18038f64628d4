import fs from 'node:fs';
import { StaffMeSchema } from '@amtsraum/shared';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  departments,
  services,
  staff,
  staffAbsences,
  staffAvailability,
  staffMemberships,
  tenantTexts,
  tenants,
} from '../../db/schema.js';
import { openDatabase } from '../../db/client.js';
import { createEventBus } from '../../lib/event-bus.js';
import { createLogger } from '../../lib/logger.js';
import { verifyPassword } from '../../lib/passwords.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test/databases.js';
import { makeTenant } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import {
  decodeInstallationFile,
  describeFileIssues,
  describeJsonSyntaxError,
  INSTALLATION_FILE_MAX_BYTES,
} from './export.service.js';
import { InstallationFileSchema } from './installation.schema.js';
import { announceInstallation, applyInstallation } from './installation.service.js';
import { TOTP_PURPOSE, unseal } from '../../lib/secret-box.js';

const SECRET = 'installation-test-secret-of-32-characters';

const EXAMPLE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../infra/installation.example.json',
);
const example = () => JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as { tenants: Record<string, unknown>[] };
const E2E = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../tests/e2e/installation.e2e.json');

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
  it('writes booking rules, bookable hours and absences, and replaces them from the file on the next run', async () => {
    const file = InstallationFileSchema.parse(example());
    await applyInstallation(database.db, file);
    await applyInstallation(database.db, file);
    const [department] = await database.db.select().from(departments).where(eq(departments.slug, 'buergerbuero'));
    expect(department).toMatchObject({
      bookingHorizonDays: 60,
      bookingLeadMinutes: 120,
      sameDayReleaseTime: '07:45',
      joinOpensMinutesBefore: 10,
      noShowGraceMinutes: 10,
      maxPersonsPerBooking: 6,
      nameForms: { de: { at: 'beim Bürgerbüro', to: 'zum Bürgerbüro' }, en: expect.any(Object) },
    });
    const person = async (email: string) =>
      (await database.db.select().from(staff).where(eq(staff.email, email)))[0]!.id;
    const hoursOf = async (staffId: string) =>
      (await database.db.select().from(staffAvailability).where(eq(staffAvailability.staffId, staffId)))
        .map((row) => `${row.weekday} ${row.startsAt}-${row.endsAt}`)
        .sort();
    const clerk = await person('sachbearbeitung@stadt-dormagen.example');
    expect(await hoursOf(clerk)).toEqual(['1 08:00-12:30', '2 08:00-12:30', '2 14:00-18:00', '4 08:00-12:30']);
    // "openingHours": the department's opening hours, as they are.
    expect(await hoursOf(await person('it@stadt-dormagen.example'))).toEqual([
      '1 08:00-12:30',
      '2 08:00-12:30',
      '2 14:00-18:00',
      '3 08:00-12:30',
      '4 08:00-12:30',
      '5 08:00-12:00',
    ]);
    const absences = await database.db.select().from(staffAbsences).where(eq(staffAbsences.staffId, clerk));
    expect(absences).toHaveLength(1);
    // Whole days in Berlin (summer time): from the first day's midnight to the midnight after the last.
    expect(absences[0]).toMatchObject({
      startsAt: new Date('2026-08-02T22:00:00Z'),
      endsAt: new Date('2026-08-14T22:00:00Z'),
      reason: 'Urlaub',
    });

    const changed = example();
    const tenant = changed.tenants[0] as { staff: Record<string, unknown>[] };
    tenant.staff[0] = { ...tenant.staff[0], availability: {}, absences: [] };
    await applyInstallation(database.db, InstallationFileSchema.parse(changed));
    expect(await hoursOf(clerk)).toEqual([]);
    expect(await database.db.select().from(staffAbsences).where(eq(staffAbsences.staffId, clerk))).toEqual([]);
  });

  it('takes the browser tests’ installation: bookable around the clock, with known passwords and authenticators', async () => {
    const file = InstallationFileSchema.parse(JSON.parse(fs.readFileSync(E2E, 'utf8')));
    await expect(applyInstallation(database.db, file)).rejects.toThrow(
      /totpSecret needs the installation's SESSION_SECRET/,
    );
    const first = await applyInstallation(database.db, file, { secret: SECRET });
    expect(first.logins.map((login) => [login.email, login.password])).toEqual([
      ['clara.klein@testhausen.example', 'testhausen-e2e-passwort'],
      ['amelie.admin@testhausen.example', 'testhausen-e2e-passwort'],
      ['ines.it@testhausen.example', 'testhausen-e2e-passwort'],
      // The clerks of the on-site office (issue 16): three, so that all the bookings of one run
      // fit into its last slot of a day (tests/e2e/berlin-day.ts, TODAY_SLOT_MARGIN).
      ['otto.ort@testhausen.example', 'testhausen-e2e-passwort'],
      ['olga.ort@testhausen.example', 'testhausen-e2e-passwort'],
      ['oskar.ort@testhausen.example', 'testhausen-e2e-passwort'],
    ]);
    const [amelie] = await database.db.select().from(staff).where(eq(staff.email, 'amelie.admin@testhausen.example'));
    expect(amelie).toMatchObject({ isTenantAdmin: true, isInstallationAdmin: false });
    expect(amelie!.totpSecretSealed).not.toContain('JBSWY3DP');
    expect(unseal(SECRET, TOTP_PURPOSE, amelie!.totpSecretSealed!)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    const [ines] = await database.db.select().from(staff).where(eq(staff.email, 'ines.it@testhausen.example'));
    expect(ines).toMatchObject({ isTenantAdmin: false, isInstallationAdmin: true });
    const [clara] = await database.db.select().from(staff).where(eq(staff.email, 'clara.klein@testhausen.example'));
    expect(await verifyPassword(clara!.passwordHash, 'testhausen-e2e-passwort')).toBe(true);
    const [tenant] = await database.db.select().from(tenants).where(eq(tenants.slug, 'testhausen'));
    const [department] = await database.db
      .select()
      .from(departments)
      .where(and(eq(departments.tenantId, tenant!.id), eq(departments.slug, 'termine')));
    expect(department).toMatchObject({
      slug: 'termine',
      bookingLeadMinutes: 0,
      sameDayReleaseTime: '00:00',
      joinOpensMinutesBefore: 60,
    });
    const [service] = await database.db.select().from(services).where(eq(services.departmentId, department!.id));
    expect(service).toMatchObject({ slug: 'beratung', durationMinutes: 15, bookable: true });
    expect(service!.documents).toHaveLength(2);
    // The on-site office offers its service both ways, with the place to go (issue 16).
    const [onsite] = await database.db
      .select()
      .from(departments)
      .where(and(eq(departments.tenantId, tenant!.id), eq(departments.slug, 'vor-ort')));
    expect(onsite!.onsiteLocation?.de).toContain('Zimmer 12');
    // Check-in opens 4 hours ahead there: the browser specs book several on-site slots in one run,
    // and each must still be checked in today at once.
    expect(onsite!.checkInOpensMinutesBefore).toBe(240);
    const [both] = await database.db.select().from(services).where(eq(services.departmentId, onsite!.id));
    expect(both).toMatchObject({ slug: 'ausweis', channels: 'both' });
    const hours = await database.db.select().from(staffAvailability).where(eq(staffAvailability.staffId, clara!.id));
    expect(hours.map((h) => [h.weekday, h.startsAt, h.endsAt]).sort()).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((weekday) => [weekday, '00:00', '23:59']),
    );

    // Again: nothing new, and the password stays (even if the file's were changed meanwhile).
    const again = InstallationFileSchema.parse(JSON.parse(fs.readFileSync(E2E, 'utf8')));
    again.tenants[0]!.staff[0]!.password = 'ein-ganz-anderes-passwort';
    expect((await applyInstallation(database.db, again, { secret: SECRET })).logins).toEqual([]);
    const [still] = await database.db.select().from(staff).where(eq(staff.id, clara!.id));
    expect(await verifyPassword(still!.passwordHash, 'testhausen-e2e-passwort')).toBe(true);
  });

  it('rejects bookable hours outside the person’s departments, bad times, short passwords and reversed absences', () => {
    const bad = example();
    const tenant = bad.tenants[0] as { staff: Record<string, unknown>[]; departments: Record<string, unknown>[] };
    tenant.departments[0] = { ...tenant.departments[0], booking: { sameDayReleaseTime: '7:45', maxPersons: 0 } };
    tenant.staff[0] = {
      ...tenant.staff[0],
      availability: { anderswo: 'openingHours', buergerbuero: { mon: [{ from: '08:00', to: '24:00' }], feiertag: [] } },
      absences: [{ from: '2026-08-14', to: '2026-08-03' }],
      password: 'kurz',
    };
    const result = InstallationFileSchema.safeParse(bad);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'tenants.0.departments.0.booking.sameDayReleaseTime',
        'tenants.0.departments.0.booking.maxPersons',
        'tenants.0.staff.0.availability.buergerbuero.mon.0.to',
        'tenants.0.staff.0.absences.0.to',
        'tenants.0.staff.0.password',
      ]),
    );
  });

  it('writes the settings the admin screens manage: languages, contact, state, texts, door policy, persons', async () => {
    const file = example();
    const tenantInput = file.tenants[0] as Record<string, unknown>;
    tenantInput.slug = 'dormagen-texte';
    (file.tenants[0]!.staff as { email: string }[]).forEach((person) => {
      person.email = person.email.replace('@', '.texte@');
    });
    await applyInstallation(database.db, InstallationFileSchema.parse(file));
    const [tenant] = await database.db.select().from(tenants).where(eq(tenants.slug, 'dormagen-texte'));
    expect(tenant).toMatchObject({ locales: ['de', 'en', 'tr'], stateCode: 'NW' });
    expect(tenant!.contact.email).toBe('info@stadt-dormagen.example');
    const texts = () =>
      database.db.select().from(tenantTexts).where(eq(tenantTexts.tenantId, tenant!.id)).orderBy(tenantTexts.kind);
    expect((await texts()).map((t) => t.kind)).toEqual(['imprint', 'faq']);
    const [department] = await database.db.select().from(departments).where(eq(departments.tenantId, tenant!.id));
    expect(department).toMatchObject({ doorPolicy: 'hours', clerksManageAbsences: true });
    const [service] = await database.db.select().from(services).where(eq(services.departmentId, department!.id));
    expect(service!.maxPersons).toBe(4);

    // A kind left out stays (edited on the screens, say); null removes it.
    tenantInput.texts = { privacy: { de: 'Datenschutz' }, faq: null };
    await applyInstallation(database.db, InstallationFileSchema.parse(file));
    expect((await texts()).map((t) => t.kind)).toEqual(['imprint', 'privacy']);

    const bad = example();
    Object.assign(bad.tenants[0]!, { locales: ['en'], stateCode: 'XX', texts: { impressum: { de: 'x' } } });
    const result = InstallationFileSchema.safeParse(bad);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(
      expect.arrayContaining(['tenants.0.locales', 'tenants.0.stateCode', 'tenants.0.texts']),
    );
  });
});

describe.each(databaseKinds)('the installation file beside running servers on %s', (kind) => {
  const suite = useTestServer(kind);

  it('closes the console of a department the file takes away from a clerk, in the running server', async () => {
    const file = example();
    const first = await applyInstallation(suite.db(), InstallationFileSchema.parse(file));
    const email = 'sachbearbeitung@stadt-dormagen.example';
    const clerk = suite.client();
    const password = first.logins.find((login) => login.email === email)!.password;
    expect((await clerk.post('/api/staff/login', { email, password })).status).toBe(200);
    const [department] = await suite.db().select().from(departments).where(eq(departments.slug, 'buergerbuero'));
    const live = await clerk.live();
    const watching = live.next('console', (m) => m.snapshot.department.id === department!.id);
    live.send({ type: 'watch-console', departmentId: department!.id });
    await watching;

    // Written again unchanged, the file takes nothing away.
    expect((await applyInstallation(suite.db(), InstallationFileSchema.parse(file))).rolesLost).toEqual([]);

    const people = file.tenants[0]!.staff as Record<string, unknown>[];
    people[0] = { ...people[0], departments: {}, availability: {} };
    const closed = live.next('console-closed');
    const result = await applyInstallation(suite.db(), InstallationFileSchema.parse(file));
    const [person] = await suite.db().select().from(staff).where(eq(staff.email, email));
    expect(result.rolesLost).toEqual([person!.id]);

    // What `npm run setup` does next: on PostgreSQL its own connection and bus tell the servers
    // (LISTEN/NOTIFY); the embedded database is the server's own, so there its bus stands in.
    if (kind === 'postgres') {
      const command = await openDatabase({ kind: 'postgres', url: suite.server.database.url!, maxConnections: 2 });
      try {
        await announceInstallation(command.db, createEventBus(command, createLogger('silent')), result);
      } finally {
        await command.close();
      }
    } else {
      await announceInstallation(suite.db(), suite.server.deps.events, result);
    }
    expect(await closed).toEqual({ type: 'console-closed', departmentId: department!.id, reason: 'not_a_member' });
    live.close();
  });

  it('tells an open staff home when the file renames its office or municipality, and not when it changes nothing there', async () => {
    // A municipality and people of its own: the test above wrote the example's already.
    const file = example();
    const written = file.tenants[0] as { slug: string; staff: { email: string }[] };
    written.slug = 'dormagen-neu';
    for (const person of written.staff) person.email = person.email.replace('@', '.neu@');
    const first = await applyInstallation(suite.db(), InstallationFileSchema.parse(file));
    const email = 'sachbearbeitung.neu@stadt-dormagen.example';
    const clerk = suite.client();
    const password = first.logins.find((login) => login.email === email)!.password;
    expect((await clerk.post('/api/staff/login', { email, password })).status).toBe(200);
    const me = async () => StaffMeSchema.parse((await clerk.get('/api/staff/me')).json).staff;
    const live = await clerk.live();
    // Watched with a key the page does not have: the hub answers once it holds the roles' key.
    const held = live.next('roles-changed');
    live.send({ type: 'watch-roles', known: 'as-loaded-long-ago' });
    await held;
    const told = () => live.received.filter((m) => m.type === 'roles-changed').length;
    // As `npm run setup` does it (the test above: on PostgreSQL through a bus of its own).
    const apply = async () => {
      const result = await applyInstallation(suite.db(), InstallationFileSchema.parse(file));
      await announceInstallation(suite.db(), suite.server.deps.events, result);
    };

    // Written again unchanged: the hubs read the roles again and find them as the page shows them.
    await apply();
    const tenant = file.tenants[0] as { name: string; departments: { slug: string; name: Record<string, string> }[] };
    tenant.departments.find((d) => d.slug === 'buergerbuero')!.name = { de: 'Bürgerservice', en: 'Citizen Service' };
    const renamed = live.next('roles-changed');
    await apply();
    await renamed;
    expect(told()).toBe(2);
    expect((await me()).departments.find((d) => d.slug === 'buergerbuero')?.name).toMatchObject({
      de: 'Bürgerservice',
    });

    tenant.name = 'Stadt Dormagen am Rhein';
    const retitled = live.next('roles-changed');
    await apply();
    await retitled;
    expect((await me()).departments.map((d) => d.tenantName)).toContain('Stadt Dormagen am Rhein');
    live.close();
  });
});

describe('a broken installation file', () => {
  const issuesOf = (file: unknown) => {
    const result = InstallationFileSchema.safeParse(file);
    expect(result.success).toBe(false);
    return describeFileIssues(result.error!.issues);
  };

  it('refuses an absence reason with characters that reverse it or control characters, naming the entry', () => {
    const withReasons = (...reasons: string[]) => {
      const file = example();
      const tenant = file.tenants[0] as { staff: Record<string, unknown>[] };
      tenant.staff[0] = {
        ...tenant.staff[0],
        absences: reasons.map((reason, i) => ({ from: `2026-09-0${String(i + 1)}`, to: '2026-09-09', reason })),
      };
      return InstallationFileSchema.safeParse(file);
    };
    const result = withReasons('Urlaub', 'Fortbildung \u202eSIWE', 'Kur\u2066x\u2069', 'Dienst\u0085reise\u0007');
    expect(result.success).toBe(false);
    expect(describeFileIssues(result.error!.issues)).toEqual([
      'tenants.0.staff.0.absences.1.reason: contains characters that change the writing direction',
      'tenants.0.staff.0.absences.2.reason: contains characters that change the writing direction',
      'tenants.0.staff.0.absences.3.reason: contains control characters',
    ]);
    // The marks that only place punctuation between scripts, and line breaks, stay allowed.
    expect(withReasons('إجازة\u200f.', 'Urlaub\u200e (2)', 'Kur\nReha').success).toBe(true);
  });

  it('names a misspelt key with its place instead of ignoring it', () => {
    const file = example();
    const tenant = file.tenants[0] as { departments: Record<string, unknown>[] };
    tenant.departments[0] = { ...tenant.departments[0], queueCapp: 5 };
    file.tenants[0] = { ...file.tenants[0], departmnts: [] };
    expect(issuesOf(file)).toEqual(
      expect.arrayContaining([
        'tenants.0: Unrecognized key: "departmnts"',
        'tenants.0.departments.0: Unrecognized key: "queueCapp"',
      ]),
    );
  });

  it('names a municipality, department, service or person given twice, at the repeat', () => {
    const file = example();
    const tenant = file.tenants[0] as { departments: { services: unknown[] }[] };
    const department = tenant.departments[0]!;
    department.services.push(structuredClone(department.services[0]));
    tenant.departments.push(structuredClone(department));
    file.tenants.push(structuredClone(file.tenants[0]!));
    const issues = issuesOf(file);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^tenants\.0\.departments\.0\.services\.1\.slug: service slug "\w+" is given already at services\.0$/,
        ),
        expect.stringMatching(
          /^tenants\.0\.departments\.1\.slug: department slug "\w+" is given already at departments\.0$/,
        ),
        'tenants.1.slug: municipality slug "dormagen" is given already at tenants.0',
        'tenants.1.staff.0.email: staff address "sachbearbeitung@stadt-dormagen.example" is given already at tenants.0.staff.0',
      ]),
    );
  });

  it('says a missing field is missing', () => {
    const file = example();
    const tenant = file.tenants[0] as { departments: Record<string, unknown>[] };
    delete tenant.departments[0]!.name;
    expect(issuesOf(file)).toEqual(['tenants.0.departments.0.name: missing (expected object)']);
  });

  it('says where the JSON breaks, by line and column, and that YAML is not read', () => {
    const text = '{"tenants": [\n  {"slug": "a",\n   "name": "A"\n  ]\n}\n';
    const error = (() => {
      try {
        JSON.parse(text);
      } catch (caught) {
        return caught;
      }
    })();
    expect(describeJsonSyntaxError(text, error)).toMatch(/\(line 4, column 3\)$/);
    const yaml = 'tenants:\n  - slug: a\n';
    const yamlError = (() => {
      try {
        JSON.parse(yaml);
      } catch (caught) {
        return caught;
      }
    })();
    expect(describeJsonSyntaxError(yaml, yamlError)).toMatch(/it looks like YAML, but the installation file is JSON$/);
  });
  it('reads a Windows editor\'s UTF-8 with a byte order mark, and refuses its "ANSI" or UTF-16 by line', () => {
    const json = '{"tenants": [\n  {"name": "Bürgeramt"}\n]}\n';
    const utf8 = Buffer.from(json, 'utf8');
    expect(decodeInstallationFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toEqual({ text: json });
    expect(decodeInstallationFile(Buffer.from(json, 'latin1'))).toEqual({
      problem: 'the file is not UTF-8 (line 2, column 14; saved as "ANSI" or Windows-1252?); save it as UTF-8',
    });
    expect(decodeInstallationFile(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]))).toEqual({
      problem: 'the file is saved as UTF-16 ("Unicode"); save it as UTF-8',
    });
    expect(decodeInstallationFile(Buffer.alloc(INSTALLATION_FILE_MAX_BYTES * 3, 0x20))).toEqual({
      problem: 'the file has 60.0 MB; an installation file has at most 20.0 MB',
    });
  });
});
