import { randomUUID } from 'node:crypto';
import { DisplayCallsSchema } from '@amtsraum/shared';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.js';
import { TestClient } from '../../test/client.js';
import { jumpableClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { openDisplayStream } from '../../test/display-stream.js';
import { makeDepartment, makeStaff, makeTenant, signedInAdmin, signedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { todayIn } from '../directory/directory.service.js';
import { admit, enqueueOnsite, finish, recall } from '../visits/visit-states.js';
import { createDevice } from './devices.repo.js';
import { DEVICE_READ_LIMIT } from './devices.router.js';
import { STREAMS_PER_DEVICE } from './display-streams.js';

/** A display's Server-Sent Events stream as a test reads it: events by name, waited for by predicate. */
const openStream = (browser: TestClient) => openDisplayStream(browser, '10.200.0.1');

describe.each(databaseKinds)('kiosks and call displays on %s', (kind) => {
  const clock = jumpableClock();
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;

  async function office() {
    const tenant = await makeTenant(db(), { timeZone: 'Europe/Berlin' });
    const department = await makeDepartment(db(), tenant.id);
    const admin = await signedInAdmin(db(), client(), tenant.id, {
      memberships: [{ departmentId: department.id, role: 'admin' }],
    });
    const path = `/api/admin/tenants/${tenant.slug}/departments/${department.slug}/devices`;
    return { tenant, department, admin: admin.browser, adminId: admin.person.id, path };
  }

  async function pairedDisplay(o: Awaited<ReturnType<typeof office>>) {
    const made = await o.admin.post(o.path, { kind: 'display', label: 'Wartebereich' });
    expect(made.status).toBe(201);
    const device = client();
    const paired = await device.post('/api/devices/pair', { code: made.json.pairingCode });
    expect(paired.status).toBe(200);
    return { device, id: made.json.device.id as string };
  }

  /** An on-site visit of today, called to `counter` by a new clerk. */
  async function called(o: { tenant: { id: string }; department: { id: string } }, counter: string, day?: string) {
    const now = clock.now();
    const { id, ticketNumber } = await enqueueOnsite(db(), {
      tenantId: o.tenant.id,
      departmentId: o.department.id,
      citizenName: 'Erika Mustermann',
      concern: 'Personalausweis verloren',
      language: 'de',
      createdAt: now,
      day: day ?? todayIn('Europe/Berlin', now),
    });
    const clerk = await makeStaff(db(), o.tenant.id, {
      memberships: [{ departmentId: o.department.id, role: 'clerk' }],
    });
    await admit(db(), { departmentId: o.department.id, visitId: id, staffId: clerk.id, now, counter });
    await suite.server.deps.events.publish({ departmentId: o.department.id, visitId: id });
    return { id, ticketNumber, clerkId: clerk.id };
  }

  it('lists, adds, renews and revokes a department’s devices, each change audited', async () => {
    const o = await office();
    const made = await o.admin.post(o.path, { kind: 'kiosk', label: '  Eingang  ' });
    expect(made.status).toBe(201);
    expect(made.headers.get('cache-control')).toContain('no-store');
    expect(made.json.pairingCode).toMatch(/^[ACDEFGHJKMNPQRTWXY34679]{10}$/);
    expect(made.json.device).toMatchObject({ kind: 'kiosk', label: 'Eingang', pairedAt: null, lastSeenAt: null });
    const list = await o.admin.get(o.path);
    expect(list.json.devices).toHaveLength(1);
    expect(JSON.stringify(list.json)).not.toContain(made.json.pairingCode);

    const renewed = await o.admin.post(`${o.path}/${made.json.device.id}/pairing`);
    expect(renewed.status).toBe(200);
    expect(renewed.json.pairingCode).not.toBe(made.json.pairingCode);
    // The first code no longer pairs; the new one does.
    expect((await client().post('/api/devices/pair', { code: made.json.pairingCode })).status).toBe(404);
    expect((await client().post('/api/devices/pair', { code: renewed.json.pairingCode })).status).toBe(200);
    const seen = (await o.admin.get(o.path)).json.devices[0];
    expect(seen.pairedAt).not.toBeNull();
    expect(seen.lastSeenAt).not.toBeNull();

    expect((await o.admin.post(`${o.path}/${made.json.device.id}/revoke`)).status).toBe(204);
    expect((await o.admin.get(o.path)).json.devices).toEqual([]);
    // Revoked already, or never there: a clear 404 in the admin's language, not "no such address".
    const again = await o.admin.post(`${o.path}/${made.json.device.id}/revoke`);
    expect([again.status, again.json.code]).toEqual([404, 'entry_not_found']);
    expect(again.json.title).toMatch(/Eintrag/);
    const unknown = await o.admin.post(`${o.path}/${randomUUID()}/pairing`);
    expect([unknown.status, unknown.json.code]).toEqual([404, 'entry_not_found']);

    const audit = await db()
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.departmentId, o.department.id));
    expect(audit.map((row) => row.action).sort()).toEqual(
      ['device.created', 'device.pairing_renewed', 'device.paired', 'device.revoked'].sort(),
    );
    expect(JSON.stringify(audit.map((row) => row.data))).not.toContain(made.json.pairingCode);
  });

  it('refuses a bad device in German and English, and changes nothing', async () => {
    const o = await office();
    for (const body of [
      { kind: 'toaster', label: 'x' },
      { kind: 'kiosk', label: '' },
      { kind: 'kiosk', label: 'a\u0007' },
    ]) {
      const de = await o.admin.post(o.path, body);
      const en = await o.admin.request('POST', o.path, body, { 'accept-language': 'en' });
      expect([de.status, en.status]).toEqual([400, 400]);
      expect(de.json.title).not.toBe(en.json.title);
    }
    expect((await o.admin.get(o.path)).json.devices).toEqual([]);
  });

  it('pairs with the right code once; a wrong, used or expired code is 404', async () => {
    const o = await office();
    const made = await o.admin.post(o.path, { kind: 'display', label: 'Flur' });
    const code: string = made.json.pairingCode;
    const device = client();
    expect((await device.get('/api/devices/display/me')).json.code).toBe('device_not_paired');
    expect((await device.post('/api/devices/pair', { code: 'ACDEFGHJKM' })).status).toBe(404);
    // Typed with a dash and in lower case, as people do.
    const paired = await device.post('/api/devices/pair', {
      code: `${code.slice(0, 5).toLowerCase()}-${code.slice(5)}`,
    });
    expect(paired.status).toBe(200);
    expect(paired.json.device).toMatchObject({ kind: 'display', label: 'Flur', department: { id: o.department.id } });
    expect((await device.get('/api/devices/display/me')).status).toBe(200);
    // A display is not a kiosk.
    expect((await device.get('/api/devices/kiosk/me')).status).toBe(401);
    expect((await client().post('/api/devices/pair', { code })).status).toBe(404);

    // Typed on the wrong kind of page, a code pairs nothing and stays good for its device.
    const kioskCode = (await o.admin.post(o.path, { kind: 'kiosk', label: 'Eingang' })).json.pairingCode as string;
    expect((await client().post('/api/devices/pair', { code: kioskCode, kind: 'display' })).status).toBe(404);
    const kiosk = await client().post('/api/devices/pair', { code: kioskCode, kind: 'kiosk' });
    expect(kiosk.json.device.kind).toBe('kiosk');

    const late = await o.admin.post(o.path, { kind: 'kiosk', label: 'Spät' });
    clock.jump(16 * 60_000);
    try {
      const answer = await client().post('/api/devices/pair', { code: late.json.pairingCode });
      expect(answer.status).toBe(404);
      expect(answer.json.code).toBe('pairing_code_invalid');
    } finally {
      clock.jump(-16 * 60_000);
    }
    expect((await client().post('/api/devices/pair', { code: 'kurz' })).status).toBe(400);
  });

  it('limits pairing attempts per address', async () => {
    const o = await office();
    const made = await o.admin.post(o.path, { kind: 'display', label: 'Flur' });
    const guesser = client();
    for (let i = 0; i < 10; i++)
      expect((await guesser.post('/api/devices/pair', { code: 'ACDEFGHJKM' })).status).toBe(404);
    const limited = await guesser.post('/api/devices/pair', { code: made.json.pairingCode });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // The limited try used nothing up: the display pairs from its own address.
    expect((await client().post('/api/devices/pair', { code: made.json.pairingCode })).status).toBe(200);
  });

  it('counts only failed pairings per address: a town hall pairs more than ten devices from its one address', async () => {
    const o = await office();
    const townHall = new TestClient(suite.server.url, { 'x-forwarded-for': '10.250.0.7' });
    for (let i = 0; i < 12; i++) {
      const made = await createDevice(db(), {
        tenantId: o.tenant.id,
        departmentId: o.department.id,
        kind: i % 2 ? 'kiosk' : 'display',
        label: `Gerät ${String(i)}`,
        createdBy: o.adminId,
        now: clock.now(),
      });
      expect((await townHall.post('/api/devices/pair', { code: made.pairingCode })).status, `device ${i}`).toBe(200);
    }
    // Guessing is limited as before.
    for (let i = 0; i < 10; i++) {
      expect((await townHall.post('/api/devices/pair', { code: 'ACDEFGHJKM' })).status).toBe(404);
    }
    const limited = await townHall.post('/api/devices/pair', { code: 'ACDEFGHJKM' });
    expect([limited.status, limited.json.code]).toEqual([429, 'rate_limited']);
  });

  it('refuses the code of a device whose department or municipality is archived, and leaves it unused', async () => {
    const o = await office();
    const made = await o.admin.post(o.path, { kind: 'display', label: 'Flur' });
    const id: string = made.json.device.id;
    const setArchived = async (
      table: typeof schema.departments | typeof schema.tenants,
      rowId: string,
      at: Date | null,
    ) => db().update(table).set({ archivedAt: at }).where(eq(table.id, rowId));
    for (const [table, rowId] of [
      [schema.departments, o.department.id],
      [schema.tenants, o.tenant.id],
    ] as const) {
      await setArchived(table, rowId, clock.now());
      const device = client();
      const refused = await device.post('/api/devices/pair', { code: made.json.pairingCode });
      expect([refused.status, refused.json.code]).toEqual([404, 'pairing_code_invalid']);
      expect(device.cookies.size).toBe(0);
      const [row] = await db().select().from(schema.devices).where(eq(schema.devices.id, id));
      expect(row).toMatchObject({ pairedAt: null, tokenHash: null });
      expect(row!.pairingCodeHash).not.toBeNull();
      await setArchived(table, rowId, null);
    }
    // Taken out of the archive, the department's device pairs with the code it was given.
    expect((await client().post('/api/devices/pair', { code: made.json.pairingCode })).status).toBe(200);
    const audit = await db()
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.departmentId, o.department.id));
    expect(audit.filter((row) => row.action === 'device.paired')).toHaveLength(1);
  });

  it('limits each paired display’s reads of itself, of its calls and of its stream, per device', async () => {
    const o = await office();
    const { device, id } = await pairedDisplay(o);
    const neighbour = await pairedDisplay(o);
    const routes = [
      ['device-self-read', '/api/devices/display/me'],
      ['display-calls-read', '/api/devices/display/calls'],
      ['display-stream-open', '/api/devices/display/calls/stream'],
    ] as const;
    for (const [name] of routes) {
      const limiter = suite.server.deps.limits.limiter(name, DEVICE_READ_LIMIT);
      await Promise.all(Array.from({ length: DEVICE_READ_LIMIT.max }, () => limiter.hit(id)));
    }
    for (const [, path] of routes) {
      const answer = await device.get(path);
      expect({ path, status: answer.status, code: answer.json?.code }).toEqual({
        path,
        status: 429,
        code: 'rate_limited',
      });
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    // Another display of the same office reads on.
    expect((await neighbour.device.get('/api/devices/display/me')).status).toBe(200);
    expect((await neighbour.device.get('/api/devices/display/calls')).status).toBe(200);
    const stream = await openStream(neighbour.device);
    expect(stream.status).toBe(200);
    stream.close();
  });

  it('shuts a revoked display out of every device route and closes its live stream at once', async () => {
    const o = await office();
    const { device, id } = await pairedDisplay(o);
    const stream = await openStream(device);
    expect(stream.status).toBe(200);
    await stream.until(() => stream.events.some((e) => e.event === 'calls'));
    expect((await o.admin.post(`${o.path}/${id}/revoke`)).status).toBe(204);
    await stream.until(() => stream.events.some((e) => e.event === 'revoked'));
    await stream.ended();
    for (const path of ['/api/devices/display/me', '/api/devices/display/calls', '/api/devices/display/calls/stream']) {
      const answer = await device.get(path);
      expect({ path, status: answer.status, code: answer.json?.code }).toEqual({
        path,
        status: 401,
        code: 'device_not_paired',
      });
    }
    expect((await device.get('/api/devices/kiosk/me')).status).toBe(401);
  });

  it('closes the old stream when the pairing is renewed, and limits streams per device', async () => {
    const o = await office();
    const { device, id } = await pairedDisplay(o);
    const streams = [];
    for (let i = 0; i < STREAMS_PER_DEVICE; i++) streams.push(await openStream(device));
    expect(streams.map((s) => s.status)).toEqual(streams.map(() => 200));
    const extra = await openStream(device);
    expect(extra.status).toBe(429);
    streams[0]!.close();
    await streams[0]!.ended();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await openStream(device);
    expect(again.status).toBe(200);
    await o.admin.post(`${o.path}/${id}/pairing`);
    for (const stream of [...streams.slice(1), again]) await stream.ended();
    expect((await device.get('/api/devices/display/me')).status).toBe(401);
  });

  it('keeps other departments’ admins and clerks away from a department’s devices', async () => {
    const o = await office();
    const { id } = await pairedDisplay(o);
    const other = await makeDepartment(db(), o.tenant.id);
    const otherAdmin = await signedInAdmin(db(), client(), o.tenant.id, {
      memberships: [
        { departmentId: other.id, role: 'admin' },
        { departmentId: o.department.id, role: 'clerk' },
      ],
    });
    expect((await otherAdmin.browser.get(o.path)).status).toBe(403);
    expect((await otherAdmin.browser.post(`${o.path}/${id}/revoke`)).status).toBe(403);
    // Their own department's path with this device's id: not found, and not revoked.
    const ownPath = `/api/admin/tenants/${o.tenant.slug}/departments/${other.slug}/devices`;
    expect((await otherAdmin.browser.post(`${ownPath}/${id}/revoke`)).status).toBe(404);
    expect((await otherAdmin.browser.post(`${ownPath}/${id}/pairing`)).status).toBe(404);
    const clerk = await signedInClerk(db(), client(), o.tenant.id, [o.department.id]);
    expect((await clerk.browser.get(o.path)).status).toBe(403);
    expect((await clerk.browser.post(`${o.path}/${id}/revoke`)).status).toBe(403);
    expect((await client().get(o.path)).status).toBe(401);
    expect((await o.admin.get(o.path)).json.devices.map((d: { id: string }) => d.id)).toEqual([id]);
  });

  it('shows today’s calls of its own department only: numbers and counters, newest first, live', async () => {
    const o = await office();
    const { device } = await pairedDisplay(o);
    expect((await device.get('/api/devices/display/calls')).json).toEqual({ calls: [] });
    // Yesterday's call and another department's call are not shown.
    const yesterday = todayIn('Europe/Berlin', new Date(clock.now().getTime() - 24 * 3600_000));
    await called(o, 'Platz 9', yesterday);
    const elsewhere = await makeDepartment(db(), o.tenant.id);
    await called({ tenant: o.tenant, department: elsewhere }, 'Platz 8');
    // A kiosk of the same department cannot read the calls.
    const kiosk = await o.admin.post(o.path, { kind: 'kiosk', label: 'Eingang' });
    const kioskBrowser = client();
    await kioskBrowser.post('/api/devices/pair', { code: kiosk.json.pairingCode });
    expect((await kioskBrowser.get('/api/devices/display/calls')).status).toBe(401);

    const stream = await openStream(device);
    await stream.until(() => stream.lastCalls() !== undefined);
    expect(stream.lastCalls()).toEqual({ calls: [] });

    const first = await called(o, 'Platz 3');
    await stream.until(() => stream.lastCalls()?.calls.length === 1);
    expect(stream.lastCalls()!.calls[0]).toMatchObject({
      ticketNumber: first.ticketNumber,
      counter: 'Platz 3',
      current: true,
    });

    const second = await called(o, 'Zimmer 12');
    await stream.until(() => stream.lastCalls()?.calls.length === 2);
    // The first is served and done: it moves below; the newest comes first.
    await finish(db(), { departmentId: o.department.id, visitId: first.id, staffId: first.clerkId, now: clock.now() });
    await suite.server.deps.events.publish({ departmentId: o.department.id, visitId: first.id });
    await stream.until(() => stream.lastCalls()?.calls[1]?.current === false);
    expect(stream.lastCalls()!.calls.map((c) => [c.ticketNumber, c.counter, c.current])).toEqual([
      [second.ticketNumber, 'Zimmer 12', true],
      [first.ticketNumber, 'Platz 3', false],
    ]);

    // A recall comes up again with a new time (the display sounds its gong once more).
    const before = stream.lastCalls()!.calls[0]!.calledAt;
    clock.jump(1_000);
    await recall(db(), {
      departmentId: o.department.id,
      visitId: second.id,
      staffId: second.clerkId,
      now: clock.now(),
    });
    await suite.server.deps.events.publish({ departmentId: o.department.id, visitId: second.id });
    await stream.until(() => stream.lastCalls()!.calls[0]!.calledAt !== before);

    const plain = await device.get('/api/devices/display/calls');
    expect(DisplayCallsSchema.parse(plain.json)).toEqual(stream.lastCalls());
    const text = JSON.stringify(plain.json) + JSON.stringify(stream.events);
    for (const secret of ['Erika', 'Mustermann', 'Personalausweis', 'Platz 9', 'Platz 8', first.id, second.id]) {
      expect(text).not.toContain(secret);
    }
    stream.close();
  });
});
