import { randomUUID } from 'node:crypto';
import { auditActionName, AuditPageSchema, type AuditPage } from '@amtsraum/shared';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, visits } from '../../db/schema.js';
import type { TestClient } from '../../test/client.js';
import { databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeStaff, makeTenant, signedInAdmin, signedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { ADMIN_DOWNLOAD_LIMITS } from '../staff/admin-access.js';
import { insertAudit } from '../audit/audit.repo.js';
import { csvCell } from './audit-log.service.js';

describe.each(databaseKinds)('audit log viewer on %s', (kind) => {
  const { client, db } = useTestServer(kind);

  /**
   * A municipality with two departments, a clerk of the first, and audit rows: the first
   * department's (a visit's way, an appointment, an invite), the second's, and one of the
   * municipality itself; plus a row of another municipality that must never show.
   */
  async function municipality() {
    const tenant = await makeTenant(db());
    const first = await makeDepartment(db(), tenant.id, { sortOrder: 0 });
    const second = await makeDepartment(db(), tenant.id, { sortOrder: 1 });
    const clerk = await makeStaff(db(), tenant.id, {
      name: 'Clara Clerk',
      memberships: [{ departmentId: first.id, role: 'clerk' }],
    });
    const other = await makeTenant(db());
    const at = (iso: string) => new Date(iso);
    const rows = [
      // 2026-11-22 23:30 UTC is 00:30 on the 23rd in Berlin.
      {
        departmentId: first.id,
        actorKind: 'citizen',
        action: 'visit.knocked',
        createdAt: at('2026-11-22T23:30:00Z'),
        data: { language: 'tr', concern: 'Mein Pass ist weg' },
      },
      {
        departmentId: first.id,
        actorKind: 'staff',
        actorStaffId: clerk.id,
        action: 'visit.admitted',
        createdAt: at('2026-11-23T09:00:00Z'),
      },
      {
        departmentId: first.id,
        actorKind: 'citizen',
        action: 'appointment_arrived',
        createdAt: at('2026-11-23T10:00:00Z'),
        data: { appointmentId: randomUUID() },
      },
      {
        departmentId: first.id,
        actorKind: 'staff',
        actorStaffId: clerk.id,
        action: 'invite_created',
        createdAt: at('2026-11-24T08:00:00Z'),
        data: { role: 'interpreter', lobby: true },
      },
      { departmentId: second.id, actorKind: 'system', action: 'visit.expired', createdAt: at('2026-11-24T09:00:00Z') },
      {
        departmentId: null,
        actorKind: 'staff',
        actorStaffId: clerk.id,
        action: 'staff.invited',
        createdAt: at('2026-11-25T09:00:00Z'),
        data: { fields: ['name', 'languages'] },
      },
    ] as const;
    for (const row of rows) {
      await insertAudit(db(), {
        tenantId: tenant.id,
        ...row,
        data: 'data' in row ? (row.data as never) : {},
      });
    }
    await insertAudit(db(), {
      tenantId: other.id,
      actorKind: 'system',
      action: 'visit.expired',
      createdAt: at('2026-11-24T09:00:00Z'),
    });
    const base = `/api/admin/tenants/${tenant.slug}`;
    return { tenant, first, second, clerk, other, base, firstBase: `${base}/departments/${first.slug}` };
  }

  async function page(browser: TestClient, path: string): Promise<AuditPage> {
    const response = await browser.get(path);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    return AuditPageSchema.parse(response.json);
  }

  async function csv(browser: TestClient, path: string) {
    const response = await fetch(`${browser.baseUrl}${path}`, { headers: { cookie: browser.cookieHeader() } });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  }

  it('shows a municipality admin every row of the municipality, newest first, never other data', async () => {
    const m = await municipality();
    const { browser } = await signedInAdmin(db(), client(), m.tenant.id, { values: { isTenantAdmin: true } });
    const all = await page(browser, `${m.base}/audit`);
    expect(all.rows.map((row) => row.action)).toEqual([
      'staff.invited',
      'visit.expired',
      'invite_created',
      'appointment_arrived',
      'visit.admitted',
      'visit.knocked',
    ]);
    expect(all.next).toBeNull();
    expect(all.timeZone).toBe('Europe/Berlin');
    expect(all.departments.map((d) => d.id)).toEqual([m.first.id, m.second.id]);
    const admitted = all.rows.find((row) => row.action === 'visit.admitted')!;
    expect(admitted.actor).toEqual({ kind: 'staff', staffId: m.clerk.id, name: 'Clara Clerk' });
    expect(admitted.department?.slug).toBe(m.first.slug);
    // A key outside the viewer's list (here a concern, which no feature may write) is never shown.
    expect(all.rows.find((row) => row.action === 'visit.knocked')!.data).toEqual({ language: 'tr' });
    expect(all.rows[0]!.data).toEqual({ fields: 'name, languages' });
    expect(JSON.stringify(all)).not.toContain('Pass ist weg');
  });

  it('filters by action group, actor, department, visit and days in the municipality’s zone', async () => {
    const m = await municipality();
    const { browser } = await signedInAdmin(db(), client(), m.tenant.id, { values: { isTenantAdmin: true } });
    const actions = async (query: string) =>
      (await page(browser, `${m.base}/audit?${query}`)).rows.map((r) => r.action);
    expect(await actions('action=visit.')).toEqual(['visit.expired', 'visit.admitted', 'visit.knocked']);
    // Older actions are written with an underscore: the group finds them too.
    expect(await actions('action=appointment.')).toEqual(['appointment_arrived']);
    expect(await actions('action=visit.admitted')).toEqual(['visit.admitted']);
    expect(await actions(`actor=${m.clerk.id}`)).toEqual(['staff.invited', 'invite_created', 'visit.admitted']);
    expect(await actions(`department=${m.second.id}`)).toEqual(['visit.expired']);
    expect(await actions('from=2026-11-23&to=2026-11-23')).toEqual([
      'appointment_arrived',
      'visit.admitted',
      'visit.knocked',
    ]);
    expect(await actions('from=2026-11-24')).toEqual(['staff.invited', 'visit.expired', 'invite_created']);
    expect(await actions(`visit=${randomUUID()}`)).toEqual([]);
    // Empty fields, as a form sends them, filter nothing.
    expect(await actions('from=&to=&action=&actor=&department=&visit=')).toHaveLength(6);
  });

  it('finds the rows of one visit', async () => {
    const m = await municipality();
    const [visit] = await db()
      .insert(visits)
      .values({ tenantId: m.tenant.id, departmentId: m.first.id, citizenName: 'X', language: 'de' })
      .returning({ id: visits.id });
    const visitId = visit!.id;
    await insertAudit(db(), {
      tenantId: m.tenant.id,
      departmentId: m.first.id,
      visitId,
      actorKind: 'citizen',
      action: 'visit.left',
    });
    const { browser } = await signedInAdmin(db(), client(), m.tenant.id, { values: { isTenantAdmin: true } });
    const found = await page(browser, `${m.base}/audit?visit=${visitId}`);
    expect(found.rows.map((row) => [row.action, row.visitId])).toEqual([['visit.left', visitId]]);
  });

  it('names an office device (a kiosk check-in) as the actor, on the page and in the file', async () => {
    const m = await municipality();
    await insertAudit(db(), {
      tenantId: m.tenant.id,
      departmentId: m.first.id,
      actorKind: 'device',
      action: 'appointment.check_in_failed',
      createdAt: new Date('2026-11-23T11:00:00Z'),
    });
    const { browser } = await signedInAdmin(db(), client(), m.tenant.id, { values: { isTenantAdmin: true } });
    const found = await page(browser, `${m.base}/audit?action=appointment.check_in_failed`);
    expect(found.rows.map((row) => row.actor)).toEqual([{ kind: 'device', staffId: null, name: null }]);
    const file = await csv(browser, `${m.base}/audit.csv?action=appointment.check_in_failed&lang=de`);
    expect(new TextDecoder().decode(file.bytes)).toContain('"Gerät vor Ort";');
  });

  it('shows a department admin only their department, and refuses the rest', async () => {
    const m = await municipality();
    const { browser } = await signedInAdmin(db(), client(), m.tenant.id, {
      memberships: [{ departmentId: m.first.id, role: 'admin' }],
    });
    const own = await page(browser, `${m.firstBase}/audit`);
    expect(own.rows.map((row) => row.action)).toEqual([
      'invite_created',
      'appointment_arrived',
      'visit.admitted',
      'visit.knocked',
    ]);
    expect(own.departments.map((d) => d.id)).toEqual([m.first.id]);
    // Asking for another department through their own route changes nothing: the scope wins.
    expect((await page(browser, `${m.firstBase}/audit?department=${m.second.id}`)).rows).toEqual([]);
    expect((await browser.get(`${m.base}/departments/${m.second.slug}/audit`)).status).toBe(403);
    expect((await browser.get(`${m.base}/audit`)).status).toBe(403);
    expect((await csv(browser, `${m.base}/audit.csv`)).status).toBe(403);
  });

  it('refuses clerks, other municipalities’ admins and strangers, and explains a bad filter', async () => {
    const m = await municipality();
    const { browser: clerk } = await signedInClerk(db(), client(), m.tenant.id, [m.first.id]);
    expect((await clerk.get(`${m.base}/audit`)).status).toBe(403);
    expect((await clerk.get(`${m.firstBase}/audit`)).status).toBe(403);
    const { browser: stranger } = await signedInAdmin(db(), client(), m.other.id, { values: { isTenantAdmin: true } });
    expect((await stranger.get(`${m.base}/audit`)).json.code).toBe('forbidden');
    expect((await stranger.get(`${m.firstBase}/audit`)).status).toBe(403);
    expect((await client().get(`${m.base}/audit`)).status).toBe(401);
    expect((await csv(client(), `${m.base}/audit.csv`)).status).toBe(401);

    const { browser } = await signedInAdmin(db(), client(), m.tenant.id, { values: { isTenantAdmin: true } });
    const bad = await browser.request('GET', `${m.base}/audit?from=2026-11-24&to=2026-11-23&limit=500`, undefined, {
      'accept-language': 'de',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual(
      expect.arrayContaining([
        { path: 'limit', message: expect.any(String) },
        { path: 'to', message: 'Der letzte Tag darf nicht vor dem ersten liegen.' },
      ]),
    );
    expect((await browser.get(`${m.base}/audit?actor=nobody`)).json.errors[0].path).toBe('actor');
    expect((await browser.get(`${m.base}/audit?cursor=2026-11-23`)).status).toBe(400);
    // Outside 2000–2100 (calendar-dates.ts): 0050-01-01 was read as 1950-01-01.
    const early = await browser.get(`${m.base}/audit?from=0050-01-01&to=9999-12-31`);
    expect([early.status, early.json.errors]).toEqual([
      400,
      [
        { path: 'from', message: 'Bitte ein Jahr ab 2000.' },
        { path: 'to', message: 'Bitte ein Jahr bis 2100.' },
      ],
    ]);
  });

  it('pages stably through rows of the same instant, and new rows do not shift the pages', async () => {
    const tenant = await makeTenant(db());
    const department = await makeDepartment(db(), tenant.id);
    const instant = new Date('2026-11-23T09:00:00.123456Z');
    for (let i = 0; i < 7; i++) {
      await insertAudit(db(), {
        tenantId: tenant.id,
        departmentId: department.id,
        actorKind: 'system',
        action: `visit.n${i}`,
        createdAt: instant,
      });
    }
    // Microseconds apart: a cursor cut to milliseconds would lose one of these.
    for (const micro of ['000001', '000002']) {
      await db()
        .insert(auditEvents)
        .values({
          tenantId: tenant.id,
          actorKind: 'system',
          action: 'visit.micro',
          createdAt: sql`${`2026-11-23T08:00:00.${micro}Z`}::timestamptz`,
        });
    }
    const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const base = `/api/admin/tenants/${tenant.slug}/audit`;
    const whole = (await page(browser, `${base}?limit=200`)).rows.map((row) => row.id);
    expect(whole).toHaveLength(9);

    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const current: AuditPage = await page(
        browser,
        `${base}?limit=3${next ? `&cursor=${encodeURIComponent(next)}` : ''}`,
      );
      seen.push(...current.rows.map((row) => row.id));
      next = current.next;
      pages++;
      if (pages === 1) {
        await insertAudit(db(), { tenantId: tenant.id, actorKind: 'system', action: 'visit.later' });
      }
    } while (next);
    expect(pages).toBe(3);
    expect(seen).toEqual(whole);
  });

  it('exports the same filter as CSV for Excel: BOM, semicolons, quotes, formulas defused', async () => {
    const tenant = await makeTenant(db());
    const department = await makeDepartment(db(), tenant.id, { name: { de: 'Amt; "Süd"', en: 'Office South' } });
    const tricky = await makeStaff(db(), tenant.id, { name: '=HYPERLINK("http://x.example";"klick")' });
    await insertAudit(db(), {
      tenantId: tenant.id,
      departmentId: department.id,
      actorKind: 'staff',
      actorStaffId: tricky.id,
      action: 'visit.declined',
      data: { withNote: true },
      createdAt: new Date('2026-11-23T09:00:00Z'),
    });
    // Codes in the data: said in words in the data column, kept as written in the one beside it.
    await insertAudit(db(), {
      tenantId: tenant.id,
      departmentId: department.id,
      actorKind: 'staff',
      actorStaffId: tricky.id,
      action: 'visit.admitted',
      data: {
        departmentId: department.id,
        roles: 'clerk,admin',
        reason: 'too_many_tries',
        language: 'tr',
        minutes: 75,
      },
      createdAt: new Date('2026-11-23T08:30:00Z'),
    });
    await insertAudit(db(), {
      tenantId: tenant.id,
      actorKind: 'citizen',
      action: 'visit.left',
      createdAt: new Date('2026-11-23T08:00:00Z'),
    });
    await insertAudit(db(), {
      tenantId: tenant.id,
      actorKind: 'system',
      action: 'door.changed',
      createdAt: new Date('2026-11-23T07:00:00Z'),
    });
    const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });

    const file = await csv(browser, `/api/admin/tenants/${tenant.slug}/audit.csv?action=visit.&lang=de`);
    expect(file.status).toBe(200);
    expect(file.type).toBe('text/csv; charset=utf-8');
    expect([...file.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(file.bytes.slice(3)).split('\r\n');
    const hyperlink = `"'=HYPERLINK(""http://x.example"";""klick"")"`;
    expect(lines).toEqual([
      '"Zeit";"Person";"Aktion";"Code der Aktion";"Amt";"Besuch";"Daten";"Daten als Codes"',
      `"2026-11-23 10:00:00";${hyperlink};"${auditActionName('visit.declined', 'de')}";"visit.declined";"Amt; ""Süd""";"";"Mit Nachricht: ja";"withNote=true"`,
      `"2026-11-23 09:30:00";${hyperlink};"${auditActionName('visit.admitted', 'de')}";"visit.admitted";"Amt; ""Süd""";"";` +
        `"Amt: Amt; ""Süd"" (${department.id}); Rollen: Sachbearbeitung, Verwaltung des Amts; Sprache: Türkisch; Gesperrt für: 1 Std. 15 Min.; Grund: Zu viele Versuche";` +
        `"departmentId=${department.id}, roles=clerk,admin, language=tr, minutes=75, reason=too_many_tries"`,
      `"2026-11-23 09:00:00";"Bürger/in";"${auditActionName('visit.left', 'de')}";"visit.left";"";"";"";""`,
      '',
    ]);
    const admitted = await csv(browser, `/api/admin/tenants/${tenant.slug}/audit.csv?action=visit.admitted&lang=en`);
    expect(new TextDecoder().decode(admitted.bytes.slice(3)).split('\r\n')[1]).toContain(
      `"Department: Office South (${department.id}); Roles: Clerk, Department admin; Language: Turkish; Locked for: 1 h 15 min; Reason: Too many tries"`,
    );
    const english = await csv(browser, `/api/admin/tenants/${tenant.slug}/audit.csv?action=door.&lang=en`);
    expect(new TextDecoder().decode(english.bytes.slice(3)).split('\r\n')).toEqual([
      '"Time";"Actor";"Action";"Action code";"Department";"Visit";"Data";"Data as codes"',
      `"2026-11-23 08:00:00";"System";"${auditActionName('door.changed', 'en')}";"door.changed";"";"";"";""`,
      '',
    ]);
  });

  it('names in the CSV a department of the data that is not the row’s own, within the viewer’s scope', async () => {
    const tenant = await makeTenant(db());
    const north = await makeDepartment(db(), tenant.id, { name: { de: 'Amt Nord', en: 'North Office' } });
    const south = await makeDepartment(db(), tenant.id, { name: { de: 'Amt Süd', en: 'South Office' } });
    // A municipality's own row about a department, and one department's row naming the other.
    await insertAudit(db(), {
      tenantId: tenant.id,
      actorKind: 'system',
      action: 'staff.changed',
      data: { departmentId: north.id },
      createdAt: new Date('2026-11-23T09:00:00Z'),
    });
    await insertAudit(db(), {
      tenantId: tenant.id,
      departmentId: south.id,
      actorKind: 'system',
      action: 'staff.moved',
      data: { departmentId: north.id },
      createdAt: new Date('2026-11-23T08:00:00Z'),
    });
    const dataColumn = async (browser: TestClient, path: string) =>
      new TextDecoder()
        .decode((await csv(browser, path)).bytes.slice(3))
        .split('\r\n')
        .slice(1, -1)
        .map((line) => line.split('";"')[6]);

    const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    expect(await dataColumn(browser, `/api/admin/tenants/${tenant.slug}/audit.csv?lang=en`)).toEqual([
      `Department: North Office (${north.id})`,
      `Department: North Office (${north.id})`,
    ]);
    // A department admin sees the other department's id alone, as on their page.
    const southAdmin = await signedInAdmin(db(), client(), tenant.id, {
      memberships: [{ departmentId: south.id, role: 'admin' }],
    });
    expect(
      await dataColumn(
        southAdmin.browser,
        `/api/admin/tenants/${tenant.slug}/departments/${south.slug}/audit.csv?lang=de`,
      ),
    ).toEqual([`Amt: ${north.id}`]);
  });

  it('names an action in the administrator’s language, or by its code when it has no name', () => {
    expect(auditActionName('visit.declined', 'de')).not.toBe('visit.declined');
    expect(auditActionName('visit.declined', 'en')).not.toBe(auditActionName('visit.declined', 'de'));
    expect(auditActionName('some.new_action', 'en')).toBe('some.new_action');
    // A key of Object's prototype is no action.
    expect(auditActionName('constructor', 'de')).toBe('constructor');
  });

  it('streams a CSV longer than one batch whole', async () => {
    const tenant = await makeTenant(db());
    await db().execute(
      sql`insert into audit_events (tenant_id, actor_kind, action, created_at)
        select ${tenant.id}::uuid, 'system', 'visit.expired', timestamptz '2026-11-23T09:00:00Z' - n * interval '1 second'
        from generate_series(1, 1203) as n`,
    );
    const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const file = await csv(browser, `/api/admin/tenants/${tenant.slug}/audit.csv`);
    const lines = new TextDecoder().decode(file.bytes).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 1203);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.at(-1)).toContain('"2026-11-23 09:39:57"');
  });

  it('counts the CSV and the export of an admin together, and refuses the download past the limit', async () => {
    const tenant = await makeTenant(db());
    const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    const statuses = new Set<number>();
    for (let i = 0; i < ADMIN_DOWNLOAD_LIMITS.perStaff.max; i++) {
      const path = i % 2 ? 'export' : 'audit.csv';
      statuses.add((await csv(browser, `/api/admin/tenants/${tenant.slug}/${path}`)).status);
    }
    expect([...statuses]).toEqual([200]);
    for (const path of ['audit.csv', 'export']) {
      const refused = await browser.get(`/api/admin/tenants/${tenant.slug}/${path}`);
      expect(refused.status).toBe(429);
      expect(refused.json.code).toBe('rate_limited');
    }
    // Reading the log page by page is not a download.
    expect((await browser.get(`/api/admin/tenants/${tenant.slug}/audit`)).status).toBe(200);
    // Another admin of the municipality downloads as before.
    const { browser: colleague } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
    expect((await csv(colleague, `/api/admin/tenants/${tenant.slug}/audit.csv`)).status).toBe(200);
  });
});

describe('csvCell', () => {
  it('quotes every cell and defuses what a spreadsheet would run', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('a;b "c"')).toBe('"a;b ""c"""');
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1+1`)).toBe(`"'${start}1+1"`);
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
  });
});
