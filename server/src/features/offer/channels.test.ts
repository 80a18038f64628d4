import { AdminDepartmentSchema, AdminServicesResponseSchema, DepartmentResponseSchema } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, departments, services } from '../../db/schema.js';
import { BOOKING_NOW } from '../../test/booking-factories.js';
import { databaseKinds } from '../../test/databases.js';
import { signedInAdmin, signedInClerk } from '../../test/factories.js';
import { useBookingServer } from '../../test/suite.js';
import { exportTenant } from '../setup/export.service.js';
import { InstallationFileSchema } from '../setup/installation.schema.js';

/** Issue 16, item 1: the admin decides per service video / on site / both, and where on site is. */

const LOCATION = { de: 'Rathaus, Zimmer 12\nMarkt 1', en: 'Town hall, room 12\nMarkt 1' };

describe.each(databaseKinds)('appointment kinds in the admin screens on %s', (kind) => {
  const { clock, client, db, office } = useBookingServer(kind, BOOKING_NOW);

  async function adminOf(o: Awaited<ReturnType<typeof office>>) {
    const { browser, person } = await signedInAdmin(db(), client(), o.tenant.id, {
      memberships: [{ departmentId: o.department.id, role: 'admin' }],
      now: clock.now(),
    });
    const department = `/api/admin/tenants/${o.tenant.slug}/departments/${o.department.slug}`;
    return { browser, person, department, service: `${department}/services/${o.services[0]!.id}` };
  }
  const serviceInput = (o: Awaited<ReturnType<typeof office>>, channels: string) => {
    const s = o.services[0]!;
    return {
      name: s.name,
      description: null,
      durationMinutes: s.durationMinutes,
      extraMinutesPerPerson: s.extraMinutesPerPerson,
      documents: s.documents,
      bookable: true,
      knockable: true,
      maxPersons: null,
      keywords: {},
      onlineUrl: null,
      channels,
    };
  };

  it('asks for the on-site location before a service offers on site, in German and English', async () => {
    const o = await office();
    const { browser, service } = await adminOf(o);
    const german = await browser.put(service, serviceInput(o, 'both'));
    expect(german.status).toBe(400);
    expect(german.json.errors).toEqual([{ path: 'channels', message: expect.stringMatching(/zuerst.*vor Ort/) }]);
    const english = await browser.request('PUT', service, serviceInput(o, 'onsite'), { 'accept-language': 'en' });
    expect(english.json.errors[0].message).toMatch(/first enter on the department page/);
    const [row] = await db().select().from(services).where(eq(services.id, o.services[0]!.id));
    expect(row!.channels).toBe('video');
  });

  it('keeps location, walk-ins and check-in time on the department, audited; then services offer on site', async () => {
    const o = await office();
    const { browser, person, department, service } = await adminOf(o);
    const patched = await browser.request('PATCH', department, {
      onsiteLocation: LOCATION,
      kioskWalkIns: true,
      checkInOpensMinutesBefore: 45,
    });
    expect(patched.status).toBe(200);
    expect(AdminDepartmentSchema.parse(patched.json)).toMatchObject({
      onsiteLocation: LOCATION,
      kioskWalkIns: true,
      checkInOpensMinutesBefore: 45,
    });
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorStaffId, person.id), eq(auditEvents.action, 'department.updated')));
    expect(String(audit!.data.fields).split(',').sort()).toEqual([
      'checkInOpensMinutesBefore',
      'kioskWalkIns',
      'onsiteLocation',
    ]);
    expect(JSON.stringify(audit!.data)).not.toContain('Rathaus');

    const updated = await browser.put(service, serviceInput(o, 'both'));
    expect(updated.status).toBe(200);
    expect(updated.json.service.channels).toBe('both');
    const list = AdminServicesResponseSchema.parse((await browser.get(`${department}/services`)).json);
    expect(list.services[0]!.channels).toBe('both');
    // The door page tells citizens which channels the service has.
    const page = DepartmentResponseSchema.parse((await client().get(o.base)).json);
    expect(page.department.services[0]!.channels).toBe('both');
    // Left out, the channels stay as they are.
    const { channels: _, ...withoutChannels } = serviceInput(o, 'video');
    expect((await browser.put(service, withoutChannels)).json.service.channels).toBe('both');

    // The location cannot go while a service still offers on site.
    const cleared = await browser.request('PATCH', department, { onsiteLocation: null });
    expect(cleared.status).toBe(400);
    expect(cleared.json.errors[0].path).toBe('onsiteLocation');
    const [kept] = await db().select().from(departments).where(eq(departments.id, o.department.id));
    expect(kept!.onsiteLocation).toEqual(LOCATION);
    expect((await browser.put(service, serviceInput(o, 'video'))).status).toBe(200);
    expect((await browser.request('PATCH', department, { onsiteLocation: null })).status).toBe(200);
  });

  it('refuses bad values and other roles, changing nothing', async () => {
    const o = await office();
    const { browser, department, service } = await adminOf(o);
    const bad = await browser.request('PATCH', department, { checkInOpensMinutesBefore: 999, kioskWalkIns: 'ja' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'checkInOpensMinutesBefore',
      'kioskWalkIns',
    ]);
    expect((await browser.put(service, serviceInput(o, 'telefon'))).status).toBe(400);
    const { browser: clerk } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    expect((await clerk.request('PATCH', department, { kioskWalkIns: true })).status).toBe(403);
    expect((await client().request('PATCH', department, { kioskWalkIns: true })).status).toBe(401);
    const [row] = await db().select().from(departments).where(eq(departments.id, o.department.id));
    expect(row).toMatchObject({ kioskWalkIns: false, checkInOpensMinutesBefore: 30, onsiteLocation: null });
  });

  it('exports the kinds into the installation file, which reads them back', async () => {
    const o = await office({
      department: { onsiteLocation: LOCATION, kioskWalkIns: true, checkInOpensMinutesBefore: 20 },
      services: [{ durationMinutes: 30, channels: 'onsite' }],
    });
    const file = (await exportTenant(db(), o.tenant.slug))!;
    const parsed = InstallationFileSchema.parse(file);
    const department = parsed.tenants[0]!.departments.find((d) => d.slug === o.department.slug)!;
    expect(department).toMatchObject({ onsiteLocation: LOCATION, kioskWalkIns: true, checkInOpensMinutesBefore: 20 });
    expect(department.services[0]!.channels).toBe('onsite');
    // A file offering on site without a location is refused whole.
    const broken = structuredClone(file) as unknown as { tenants: { departments: Record<string, unknown>[] }[] };
    delete broken.tenants[0]!.departments[0]!.onsiteLocation;
    expect(InstallationFileSchema.safeParse(broken).success).toBe(false);
  });
});
