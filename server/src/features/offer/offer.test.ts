import { AdminServicesResponseSchema, BookingInfoSchema, DepartmentResponseSchema } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appointments, auditEvents, departments } from '../../db/schema.js';
import { bookingRequest, BOOKING_NOW, TUESDAY_0800 } from '../../test/booking-factories.js';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeTenant, signedInAdmin, signedInClerk } from '../../test/factories.js';
import { useBookingServer } from '../../test/suite.js';

const SERVICE = {
  slug: 'fuehrungszeugnis',
  name: { de: 'Führungszeugnis', en: 'Certificate of good conduct' },
  description: { de: 'Beantragen Sie es hier.' },
  durationMinutes: 20,
  extraMinutesPerPerson: 0,
  documents: [{ de: 'Personalausweis', en: 'Identity card' }],
  bookable: true,
  knockable: true,
  maxPersons: 1,
  keywords: { de: ['Führungszeugnis', 'polizeiliches Führungszeugnis'], en: ['criminal record'] },
  onlineUrl: 'https://www.bundesjustizamt.de/fuehrungszeugnis',
};

describe.each(databaseKinds)('services and booking rules on %s', (kind) => {
  const { clock, client, db, office } = useBookingServer(kind, BOOKING_NOW);

  async function adminOf(o: Awaited<ReturnType<typeof office>>) {
    const { browser, person } = await signedInAdmin(db(), client(), o.tenant.id, {
      memberships: [{ departmentId: o.department.id, role: 'admin' }],
      now: clock.now(),
    });
    const path = `/api/admin/tenants/${o.tenant.slug}/departments/${o.department.slug}`;
    return { browser, person, path };
  }

  it('creates a service with keywords and an online link; citizens see it on the department and booking pages', async () => {
    const o = await office();
    const { browser, path, person } = await adminOf(o);
    const created = await browser.post(`${path}/services`, SERVICE);
    expect(created.status).toBe(201);
    expect(created.json.service).toMatchObject({ slug: SERVICE.slug, keywords: SERVICE.keywords, maxPersons: 1 });

    const list = AdminServicesResponseSchema.parse((await browser.get(`${path}/services`)).json);
    expect(list.services.map((s) => s.slug)).toEqual([o.services[0]!.slug, SERVICE.slug]);
    expect(list.locales).toEqual(['de', 'en']);

    const page = DepartmentResponseSchema.parse((await client().get(o.base)).json);
    expect(page.department.services.find((s) => s.slug === SERVICE.slug)?.onlineUrl).toBe(SERVICE.onlineUrl);
    const booking = BookingInfoSchema.parse((await client().get(`${o.base}/booking`)).json);
    expect(booking.services.find((s) => s.slug === SERVICE.slug)).toMatchObject({
      onlineUrl: SERVICE.onlineUrl,
      maxPersons: 1,
    });

    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorStaffId, person.id), eq(auditEvents.action, 'service.created')));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.data)).not.toContain('Führungszeugnis');
  });

  it('refuses a bad service with errors per field in German, and changes nothing', async () => {
    const o = await office();
    const { browser, path } = await adminOf(o);
    const bad = await browser.request(
      'POST',
      `${path}/services`,
      { ...SERVICE, onlineUrl: 'http://example.org/form', durationMinutes: 0 },
      { 'accept-language': 'de' },
    );
    expect(bad.status).toBe(400);
    const paths = (bad.json.errors as { path: string; message: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['onlineUrl', 'durationMinutes']));
    expect(bad.json.errors.find((e: { path: string }) => e.path === 'onlineUrl').message).toMatch(/https:\/\//);
    expect(bad.json.errors.find((e: { path: string }) => e.path === 'durationMinutes').message).toMatch(/Minuten/);

    const stray = await browser.post(`${path}/services`, { ...SERVICE, name: { de: 'X', tr: 'Y' } });
    expect(stray.status).toBe(400);
    expect(stray.json.errors[0].path).toBe('name.tr');

    const taken = await browser.post(`${path}/services`, { ...SERVICE, slug: o.services[0]!.slug });
    expect(taken.status).toBe(400);
    expect(taken.json.errors[0].path).toBe('slug');

    const list = AdminServicesResponseSchema.parse((await browser.get(`${path}/services`)).json);
    expect(list.services).toHaveLength(1);
  });

  it('edits, reorders and archives; an archived service is no longer bookable, its bookings stay', async () => {
    const o = await office();
    const { browser, path } = await adminOf(o);
    const second = (await browser.post(`${path}/services`, SERVICE)).json.service;
    const first = o.services[0]!;

    const booked = await client().post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800));
    expect(booked.status).toBe(201);

    const edited = await browser.put(`${path}/services/${second.id}`, {
      ...SERVICE,
      durationMinutes: 45,
      slug: undefined,
    });
    expect(edited.status).toBe(200);
    expect(edited.json.service.durationMinutes).toBe(45);

    const order = await browser.put(`${path}/services/order`, { ids: [second.id, first.id] });
    expect(order.status).toBe(200);
    expect(order.json.services.map((s: { id: string }) => s.id)).toEqual([second.id, first.id]);
    expect((await browser.put(`${path}/services/order`, { ids: [second.id] })).status).toBe(400);

    expect((await browser.post(`${path}/services/${first.id}/archive`)).status).toBe(200);
    const slots = await client().get(`${o.base}/slots?services=${first.slug}`);
    expect(slots.status).toBe(400);
    const page = DepartmentResponseSchema.parse((await client().get(o.base)).json);
    expect(page.department.services.map((s) => s.slug)).toEqual([SERVICE.slug]);
    const stillBooked = await db().select().from(appointments).where(eq(appointments.id, booked.json.appointment.id));
    expect(stillBooked[0]!.state).toBe('booked');
    const manage = await client().get(`${o.base}/booking`);
    expect(manage.json.services.map((s: { slug: string }) => s.slug)).toEqual([SERVICE.slug]);
    const audit = await db()
      .select({ action: auditEvents.action, data: auditEvents.data })
      .from(auditEvents)
      .where(eq(auditEvents.departmentId, o.department.id));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['service.updated', 'service.reordered', 'service.archived']),
    );
    expect(audit.find((a) => a.action === 'service.updated')!.data.fields).toBe('durationMinutes');
  });

  it("holds a booking to the service's maximum persons", async () => {
    const o = await office();
    const { browser, path } = await adminOf(o);
    await browser.post(`${path}/services`, { ...SERVICE, maxPersons: 2 });
    const three = await client().post(
      `${o.base}/appointments`,
      bookingRequest({ services: [{ slug: SERVICE.slug }] }, TUESDAY_0800, { persons: 3 }),
    );
    expect(three.status).toBe(400);
    expect(three.json.errors[0].path).toBe('persons');
    const two = await client().post(
      `${o.base}/appointments`,
      bookingRequest({ services: [{ slug: SERVICE.slug }] }, TUESDAY_0800, { persons: 2 }),
    );
    expect(two.status).toBe(201);
  });

  it('changes booking rules, validated and audited; the slot search follows at once', async () => {
    const o = await office();
    const { browser, path } = await adminOf(o);
    const slugs = `services=${o.services[0]!.slug}&from=2026-11-24&days=1`;
    const before = await client().get(`${o.base}/slots?${slugs}`);
    expect(before.json.days[0].slots.length).toBeGreaterThan(0);

    const rules = (await browser.get(`${path}/booking-rules`)).json.rules;
    expect(rules).toMatchObject({ horizonDays: 60, leadMinutes: 120, sameDayReleaseTime: '07:30' });
    const bad = await browser.put(`${path}/booking-rules`, { ...rules, horizonDays: 0, sameDayReleaseTime: '25:00' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['horizonDays', 'sameDayReleaseTime']),
    );
    // Two days' notice: Tuesday's slots are gone for citizens.
    const saved = await browser.put(`${path}/booking-rules`, {
      ...rules,
      leadMinutes: 2 * 24 * 60,
      clerksManageAbsences: true,
    });
    expect(saved.status).toBe(200);
    // The slot cache hears of it through the event bus (on PostgreSQL a NOTIFY, a moment later).
    await expect.poll(async () => (await client().get(`${o.base}/slots?${slugs}`)).json.days[0].slots.length).toBe(0);
    const [row] = await db().select().from(departments).where(eq(departments.id, o.department.id));
    expect(row).toMatchObject({ bookingLeadMinutes: 2880, clerksManageAbsences: true, bookingHorizonDays: 60 });
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.departmentId, o.department.id), eq(auditEvents.action, 'booking_rules.updated')));
    expect(audit!.data.fields).toBe('leadMinutes,clerksManageAbsences');
  });

  it('refuses clerks, admins of another department and of another municipality', async () => {
    const o = await office();
    const path = `/api/admin/tenants/${o.tenant.slug}/departments/${o.department.slug}`;
    const { browser: clerk } = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    expect((await clerk.get(`${path}/services`)).status).toBe(403);

    const other = await makeDepartment(db(), o.tenant.id);
    const { browser: neighbour } = await signedInAdmin(db(), client(), o.tenant.id, {
      memberships: [{ departmentId: other.id, role: 'admin' }],
      now: clock.now(),
    });
    expect((await neighbour.post(`${path}/services`, SERVICE)).status).toBe(403);
    expect((await neighbour.put(`${path}/booking-rules`, {})).status).toBe(403);

    const elsewhere = await makeTenant(db());
    const { browser: foreign } = await signedInAdmin(db(), client(), elsewhere.id, {
      values: { isTenantAdmin: true },
      now: clock.now(),
    });
    expect((await foreign.get(`${path}/services`)).status).toBe(403);

    // The municipality's own admin may, without a department role.
    const { browser: mayor } = await signedInAdmin(db(), client(), o.tenant.id, {
      values: { isTenantAdmin: true },
      now: clock.now(),
    });
    expect((await mayor.get(`${path}/services`)).status).toBe(200);
    // A service of another department cannot be reached through this one.
    const { path: otherPath, browser: otherAdmin } = await adminOf({ ...o, department: other });
    const reached = await otherAdmin.put(`${otherPath}/services/${o.services[0]!.id}`, { ...SERVICE });
    expect([reached.status, reached.json.code]).toEqual([404, 'entry_not_found']);
  });
});
