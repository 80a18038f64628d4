import {
  AdminDepartmentListSchema,
  AdminDepartmentSchema,
  ArchivePreviewSchema,
  DepartmentClosureListSchema,
  HolidayPrefillResultSchema,
  StaffMeSchema,
  TenantSettingsSchema,
} from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_SESSION_SECRET } from '../../config.js';
import { appointments, auditEvents, closures, visits } from '../../db/schema.js';
import type { LiveEvent } from '../../lib/event-bus.js';
import { makeAppointment, mailsTo } from '../../test/booking-factories.js';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeOffice, makeService, makeStaff, signedInAdmin } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';

describe.each(databaseKinds)('administration of a municipality and its departments on %s', (kind) => {
  const suite = useTestServer(kind);
  const { client, db } = suite;

  /** A municipality with one department (opened for today), and its admin signed in. */
  async function adminOffice(tenantValues: NonNullable<Parameters<typeof makeOffice>[1]>['tenant'] = {}) {
    const office = await makeOffice(db(), { openAt: new Date(), tenant: tenantValues });
    const { browser, person } = await signedInAdmin(db(), client(), office.tenant.id, {
      values: { isTenantAdmin: true },
    });
    const admin = `/api/admin/tenants/${office.tenant.slug}`;
    return { ...office, browser, person, admin, departmentAdmin: `${admin}/departments/${office.department.slug}` };
  }

  /** The events published while `action` runs. */
  async function eventsDuring(action: () => Promise<unknown>): Promise<LiveEvent[]> {
    const seen: LiveEvent[] = [];
    const stop = suite.server.deps.events.subscribe((event) => seen.push(event));
    try {
      await action();
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      stop();
    }
    return seen;
  }

  const auditOf = (tenantId: string, action: string) =>
    db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, action)));

  it('reads and changes the settings, audited and announced to every department', async () => {
    const { browser, admin, tenant, department, person } = await adminOffice();
    const second = await makeDepartment(db(), tenant.id);
    const settings = TenantSettingsSchema.parse((await browser.get(admin)).json);
    expect(settings).toMatchObject({ slug: tenant.slug, locales: ['de', 'en'], stateCode: 'NW' });

    let response!: Awaited<ReturnType<typeof browser.get>>;
    const events = await eventsDuring(async () => {
      response = await browser.request('PATCH', admin, {
        name: 'Neustadt am See',
        logoUrl: 'https://neustadt.example/logo.svg',
        brandColor: '#004488',
        timeZone: 'Europe/Vienna',
        locales: ['de'],
        contact: { email: 'rathaus@neustadt.example', phone: '+49 1234 5678' },
        stateCode: 'BY',
      });
    });
    expect(response.status).toBe(200);
    expect(TenantSettingsSchema.parse(response.json)).toMatchObject({ name: 'Neustadt am See', stateCode: 'BY' });
    const announced = events.flatMap((e) => ('departmentId' in e && e.context ? [e.departmentId] : []));
    expect(new Set(announced)).toEqual(new Set([department.id, second.id]));
    const [audit] = await auditOf(tenant.id, 'tenant.updated');
    expect(audit!.actorStaffId).toBe(person.id);
    expect(String(audit!.data.fields).split(',').sort()).toEqual(
      ['brandColor', 'contact', 'locales', 'logoUrl', 'name', 'stateCode', 'timeZone'].sort(),
    );
    expect(JSON.stringify(audit!.data)).not.toContain('rathaus@');
    // The public page shows the new name.
    expect((await client().get(`/api/tenants/${tenant.slug}`)).json.tenant.name).toBe('Neustadt am See');
  });

  it('refuses bad settings with the field named, and changes nothing', async () => {
    const { browser, admin, tenant } = await adminOffice();
    for (const [body, path] of [
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ timeZone: '+02:00' }, 'timeZone'],
      [{ logoUrl: 'http://insecure.example/logo.png' }, 'logoUrl'],
      [{ logoUrl: 'javascript:alert(1)' }, 'logoUrl'],
      [{ brandColor: 'red' }, 'brandColor'],
      [{ locales: ['en'] }, 'locales'],
      [{ stateCode: 'XX' }, 'stateCode'],
      [{ contact: { email: 'kein-at' } }, 'contact.email'],
    ] as const) {
      const response = await browser.request('PATCH', admin, { name: 'Andersstadt', ...body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json.code).toBe('validation_failed');
      expect(response.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await browser.request('PATCH', admin, { logoUrl: '/logos/stadt.svg' })).status).toBe(200);
    expect(TenantSettingsSchema.parse((await browser.get(admin)).json).name).toBe(tenant.name);
  });

  it('creates departments with a free, unreserved slug and edits them', async () => {
    const { browser, admin, tenant, person } = await adminOffice();
    const created = await browser.post(`${admin}/departments`, {
      slug: 'standesamt',
      name: { de: 'Standesamt', en: 'Registry Office' },
      description: { de: 'Geburten, Ehen, Sterbefälle' },
    });
    expect(created.status).toBe(201);
    const department = AdminDepartmentSchema.parse(created.json);
    expect(department.doorPolicy).toBe('hours');
    expect((await browser.post(`${admin}/departments`, { ...created.json, slug: 'standesamt' })).status).toBe(409);
    const reserved = await browser.post(`${admin}/departments`, { slug: 'impressum', name: { de: 'X' } });
    expect(reserved.status).toBe(400);
    expect(reserved.json.errors[0].path).toBe('slug');

    const path = `${admin}/departments/standesamt`;
    const overlap = await browser.request('PATCH', path, {
      openingHours: {
        mon: [
          { from: '08:00', to: '12:00' },
          { from: '11:00', to: '15:00' },
        ],
        tue: [],
        wed: [],
        thu: [],
        fri: [],
        sat: [],
        sun: [],
      },
    });
    expect(overlap.status).toBe(400);
    expect(overlap.json.errors.map((e: { path: string }) => e.path)).toContain('openingHours.mon');
    expect((await browser.request('PATCH', path, { queueCap: 0 })).status).toBe(400);

    const hours = {
      mon: [
        { from: '08:00', to: '12:00' },
        { from: '13:00', to: '16:00' },
      ],
      tue: [{ from: '08:00', to: '12:00' }],
      wed: [],
      thu: [],
      fri: [],
      sat: [],
      sun: [],
    };
    const edited = await browser.request('PATCH', path, {
      openingHours: hours,
      queueCap: 12,
      avgHandlingMinutes: 20,
      doorPolicy: 'manual',
      nameForms: { de: { at: 'beim Standesamt', to: 'zum Standesamt' } },
      contact: { room: 'Zimmer 3' },
    });
    expect(edited.status).toBe(200);
    expect(AdminDepartmentSchema.parse(edited.json)).toMatchObject({
      openingHours: hours,
      queueCap: 12,
      doorPolicy: 'manual',
    });
    const list = AdminDepartmentListSchema.parse((await browser.get(`${admin}/departments`)).json);
    expect(list.departments.map((d) => d.slug)).toContain('standesamt');
    expect((await client().get(`/api/tenants/${tenant.slug}/departments/standesamt`)).status).toBe(200);
    const audits = await auditOf(tenant.id, 'department.updated');
    expect(audits[0]!.actorStaffId).toBe(person.id);
    expect(String(audits[0]!.data.fields).split(',').sort()).toEqual(
      ['avgHandlingMinutes', 'contact', 'doorPolicy', 'nameForms', 'openingHours', 'queueCap'].sort(),
    );
  });

  it('keeps a manual door closed during its hours until a clerk opens it', async () => {
    const { browser, departmentAdmin, base, department, tenant } = await adminOffice();
    // The factory opened it for today by a clerk's setting: take that back to see the policy.
    const clerk = await signedInAdmin(db(), client(), tenant.id, {
      memberships: [{ departmentId: department.id, role: 'clerk' }],
    });
    expect((await clerk.browser.put(`/api/staff/departments/${department.id}/door`, { state: 'auto' })).status).toBe(
      200,
    );
    const allDay = Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '00:00', to: '23:59' }]]),
    );
    expect((await browser.request('PATCH', departmentAdmin, { openingHours: allDay })).status).toBe(200);
    expect((await client().get(base)).json.department.door.state).toBe('open');
    expect((await browser.request('PATCH', departmentAdmin, { doorPolicy: 'manual' })).status).toBe(200);
    const closed = (await client().get(base)).json.department.door;
    expect(closed.state).toBe('closed');
    expect(closed.nextOpening).toBeNull();
    expect((await clerk.browser.put(`/api/staff/departments/${department.id}/door`, { state: 'open' })).status).toBe(
      200,
    );
    expect((await client().get(base)).json.department.door.state).toBe('open');
  });

  it('archives a department only with the number confirmed, ending waits and cancelling bookings with e-mail', async () => {
    const { browser, departmentAdmin, base, department, tenant, person } = await adminOffice();
    const service = await makeService(db(), department.id, { slug: 'ausweis' });
    const clerk = await makeStaff(db(), tenant.id, { memberships: [{ departmentId: department.id, role: 'clerk' }] });
    const citizen = client();
    const knocked = await citizen.post(`${base}/knock`, {
      name: 'Wartende Person',
      concern: 'Ausweis',
      language: 'de',
      consent: true,
    });
    expect(knocked.status).toBe(201);
    const inThreeDays = new Date(Date.now() + 3 * 24 * 3600_000);
    const { appointment } = await makeAppointment(db(), {
      tenantId: tenant.id,
      departmentId: department.id,
      staffId: clerk.id,
      serviceIds: [service.id],
      startsAt: inThreeDays,
      email: 'gebucht@test.example',
      linkSecret: DEVELOPMENT_SESSION_SECRET,
    });

    const preview = ArchivePreviewSchema.parse((await browser.get(`${departmentAdmin}/archive-preview`)).json);
    expect(preview).toMatchObject({ waiting: 1, affected: 2 });
    expect(preview.appointments.map((a) => a.id)).toEqual([appointment.id]);

    const wrong = await browser.post(`${departmentAdmin}/archive`, { confirmAffected: 1 });
    expect(wrong.status).toBe(409);
    // How many are affected now is said in the field error, in the reader's words, not as a token.
    expect(wrong.json).toMatchObject({ code: 'conflict', errors: [{ path: 'confirmAffected' }] });
    expect(wrong.json.detail).toBeUndefined();
    expect((await client().get(base)).status).toBe(200);

    const archived = await browser.post(`${departmentAdmin}/archive`, {
      confirmAffected: 2,
      note: 'Bitte ins Bürgeramt.',
    });
    expect(archived.status).toBe(200);
    expect(archived.json).toEqual({ declined: 1, cancelled: 1 });

    const [visit] = await db().select().from(visits).where(eq(visits.id, knocked.json.visit.id));
    expect(visit).toMatchObject({ state: 'declined', declineNote: 'Bitte ins Bürgeramt.' });
    const [booked] = await db().select().from(appointments).where(eq(appointments.id, appointment.id));
    expect(booked!.state).toBe('cancelled');
    const mails = await mailsTo(db(), 'gebucht@test.example');
    expect(mails.at(-1)!.text).toContain('Bitte ins Bürgeramt.');

    // Gone for citizens and clerks; the admin still sees it, archived, and can change nothing.
    expect((await client().get(base)).status).toBe(404);
    expect((await client().get(`/api/tenants/${tenant.slug}`)).json.departments).toEqual([]);
    expect(
      (await client().post(`${base}/knock`, { name: 'Zu spät', concern: 'Ausweis', language: 'de', consent: true }))
        .status,
    ).toBe(404);
    const clerkBrowser = client();
    await clerkBrowser.post('/api/staff/login', { email: clerk.email, password: clerk.password });
    const me = StaffMeSchema.parse((await clerkBrowser.get('/api/staff/me')).json);
    expect(me.staff.departments).toEqual([]);
    expect((await clerkBrowser.get(`/api/staff/departments/${department.id}/console`)).status).toBe(403);
    expect(AdminDepartmentSchema.parse((await browser.get(departmentAdmin)).json).archivedAt).not.toBeNull();
    const archivedChange = await browser.request('PATCH', departmentAdmin, { queueCap: 5 });
    expect([archivedChange.status, archivedChange.json.code, archivedChange.json.detail]).toEqual([
      409,
      'conflict',
      undefined,
    ]);
    expect((await browser.post(`${departmentAdmin}/archive`, { confirmAffected: 0 })).status).toBe(409);
    const [audit] = await auditOf(tenant.id, 'department.archived');
    expect(audit).toMatchObject({
      actorStaffId: person.id,
      data: { departmentId: department.id, waiting: 1, appointments: 1 },
    });
  });

  it('adds and removes closures for the municipality and a department, each in its own scope', async () => {
    const { browser, admin, departmentAdmin, base, tenant, department } = await adminOffice();
    // Today where the municipality is (Berlin): the page lists closures from its today on.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: tenant.timeZone }).format(new Date());
    const bad = await browser.post(`${admin}/closures`, { from: '2026-12-05', to: '2026-12-01', reason: null });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('to');
    // Outside 2000–2100 (calendar-dates.ts): 0050 was stored as 1950.
    const early = await browser.post(`${admin}/closures`, { from: '0050-01-05', to: '2026-12-01', reason: null });
    expect([early.status, early.json.errors]).toEqual([400, [{ path: 'from', message: 'Bitte ein Jahr ab 2000.' }]]);

    let own!: Awaited<ReturnType<typeof browser.get>>;
    const events = await eventsDuring(async () => {
      own = await browser.post(`${departmentAdmin}/closures`, {
        from: today,
        to: today,
        reason: { de: 'Betriebsausflug', en: 'Staff outing' },
      });
    });
    expect(own.status).toBe(201);
    expect(events).toContainEqual({ departmentId: department.id, context: true });
    const wide = await browser.post(`${admin}/closures`, { from: '2026-12-24', to: '2026-12-24', reason: null });
    expect(wide.status).toBe(201);
    const listed = DepartmentClosureListSchema.parse((await browser.get(`${departmentAdmin}/closures`)).json);
    expect(listed.closures.map((c) => c.id)).toEqual([own.json.id]);
    expect(listed.tenantClosures.map((c) => c.id)).toContain(wide.json.id);
    expect((await client().get(base)).json.department.closures.length).toBe(2);

    // A tenant-wide closure is not removed through the department, nor a department's through the municipality.
    const notHers = await browser.request('DELETE', `${departmentAdmin}/closures/${wide.json.id}`);
    expect([notHers.status, notHers.json.code]).toEqual([404, 'entry_not_found']);
    expect((await browser.request('DELETE', `${admin}/closures/${own.json.id}`)).status).toBe(404);
    expect((await browser.request('DELETE', `${departmentAdmin}/closures/${own.json.id}`)).status).toBe(204);
    expect((await browser.request('DELETE', `${admin}/closures/${wide.json.id}`)).status).toBe(204);
    expect(await db().select().from(closures).where(eq(closures.tenantId, tenant.id))).toEqual([]);
    expect((await auditOf(tenant.id, 'closure.removed')).length).toBe(2);
  });

  it('prefills the public holidays of the municipality’s state once', async () => {
    const { browser, admin, tenant } = await adminOffice({ stateCode: 'SN' });
    const first = HolidayPrefillResultSchema.parse(
      (await browser.post(`${admin}/closures/holidays`, { year: 2026 })).json,
    );
    const days = first.closures.map((c) => c.from);
    expect(days).toContain('2026-11-18'); // Buß- und Bettag
    expect(days).toContain('2026-10-31');
    expect(days).not.toContain('2026-06-04'); // Fronleichnam: not in Saxony
    const again = HolidayPrefillResultSchema.parse(
      (await browser.post(`${admin}/closures/holidays`, { year: 2026 })).json,
    );
    expect(again.added).toBe(0);
    const stored = await db().select().from(closures).where(eq(closures.tenantId, tenant.id));
    expect(stored.length).toBe(first.added);
    expect((await browser.post(`${admin}/closures/holidays`, { year: 1999 })).status).toBe(400);
    expect((await auditOf(tenant.id, 'closure.holidays_prefilled')).length).toBe(1);
  });
});
