// The slot cache (issue 14): searches read through it, bookings never trust it. With PostgreSQL two
// apps (each its own pool, event bus and cache, as two processes behind a load balancer) share one
// database; PGlite is one process by design, so there "B" is the same app as "A" and the
// invalidation travels through its in-process bus.
import { ProblemSchema, SlotsResponseSchema } from '@amtsraum/shared';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.js';
import { appointments, departments } from '../../db/schema.js';
import type { LiveEvent } from '../../lib/event-bus.js';
import {
  BOOKING_NOW,
  bookingRequest,
  makeAppointment,
  makeBookingOffice,
  mailsTo,
  TUESDAY_0800,
  tokenFromMail,
} from '../../test/booking-factories.js';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test/databases.js';
import { startTestServer, type TestServer } from '../../test/server.js';
import { NotCached, SlotCache } from './slot-cache.js';

describe.each(databaseKinds)('the slot cache on %s', (kind) => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let address = 0;
  const env = { TRUST_PROXY: '1' };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    a = await startTestServer(database, { now: () => BOOKING_NOW, env });
    b =
      kind === 'postgres'
        ? await startTestServer(
            Object.assign(await openDatabase({ kind: 'postgres', url: database.url!, maxConnections: 5 }), {
              url: database.url,
            }),
            { now: () => BOOKING_NOW, env },
          )
        : a;
  });
  afterAll(async () => {
    if (b !== a) await b.stop();
    await a.stop();
  });

  const client = (server: TestServer) => {
    const n = ++address;
    return new TestClient(server.url, { 'x-forwarded-for': `10.9.${n >> 8}.${n & 255}` });
  };
  type Office = Awaited<ReturnType<typeof makeBookingOffice>>;
  /** Tuesday's free slot starts on `server`, as its cache answers. */
  const tuesdayOn = async (server: TestServer, o: Office) => {
    const response = await client(server).get(`${o.base}/slots?services=${o.services[0]!.slug}&from=2026-11-24&days=1`);
    expect(response.status).toBe(200);
    return SlotsResponseSchema.parse(response.json).days[0]!.slots.map((slot) => slot.startsAt);
  };
  /** Resolves when `server`'s bus has delivered an event of the department (the cache has seen it). */
  const eventOn = (server: TestServer, departmentId: string) =>
    new Promise<void>((resolve) => {
      const stop = server.deps.events.subscribe((event: LiveEvent) => {
        if ('departmentId' in event && event.departmentId === departmentId) {
          stop();
          resolve();
        }
      });
    });
  const live = (departmentId: string) =>
    database.db
      .select()
      .from(appointments)
      .where(and(eq(appointments.departmentId, departmentId), ne(appointments.state, 'cancelled')));

  it('shows on A a booking and a cancellation made on B', async () => {
    const o = await makeBookingOffice(database.db);
    expect(await tuesdayOn(a, o)).toContain(TUESDAY_0800);

    const booked = eventOn(a, o.department.id);
    const request = bookingRequest(o, TUESDAY_0800);
    expect((await client(b).post(`${o.base}/appointments`, request)).status).toBe(201);
    await booked;
    expect(await tuesdayOn(a, o)).not.toContain(TUESDAY_0800);

    const [mail] = await mailsTo(database.db, request.email);
    const cancelled = eventOn(a, o.department.id);
    const cancel = await client(b).post('/api/appointments/cancel', { token: tokenFromMail(mail!.text) });
    expect(cancel.status).toBe(200);
    await cancelled;
    expect(await tuesdayOn(a, o)).toContain(TUESDAY_0800);
  });

  it('lets the database refuse a slot the cache still shows free, and forgets it on the next event', async () => {
    const o = await makeBookingOffice(database.db);
    expect(await tuesdayOn(a, o)).toContain(TUESDAY_0800);
    // Written beside the application: nothing announces it, so A's cache still shows the slot.
    await makeAppointment(database.db, {
      tenantId: o.tenant.id,
      departmentId: o.department.id,
      staffId: o.clerks[0]!.id,
      serviceIds: [o.services[0]!.id],
      startsAt: new Date(TUESDAY_0800),
      minutes: 30,
    });
    expect(await tuesdayOn(a, o)).toContain(TUESDAY_0800);

    const refused = await client(a).post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800));
    expect(refused.status).toBe(409);
    const problem = ProblemSchema.parse(refused.json);
    expect(problem.code).toBe('slot_taken');
    expect(problem.alternatives?.[0]).toEqual({
      startsAt: '2026-11-24T07:30:00.000Z',
      endsAt: '2026-11-24T08:00:00.000Z',
    });
    expect(await live(o.department.id)).toHaveLength(1);

    // Any event of any department, published in the other process, empties A's cache.
    const announced = eventOn(a, o.department.id);
    await b.deps.events.publish({ departmentId: o.department.id });
    await announced;
    expect(await tuesdayOn(a, o)).not.toContain(TUESDAY_0800);
  });

  it('never books one slot twice when 20 citizens on A and B want it at once', async () => {
    const o = await makeBookingOffice(database.db, { clerks: 2 });
    // Both caches show the slot free before the rush.
    expect(await tuesdayOn(a, o)).toContain(TUESDAY_0800);
    expect(await tuesdayOn(b, o)).toContain(TUESDAY_0800);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client(i % 2 ? a : b).post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800)),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    const lost = results.filter((r) => r.status !== 201);
    expect(lost).toHaveLength(18);
    for (const r of lost) {
      const problem = ProblemSchema.parse(r.json);
      expect(problem.code).toBe('slot_taken');
      expect(problem.alternatives?.length).toBe(3);
    }
    const rows = await live(o.department.id);
    expect(rows.map((row) => row.staffId).sort()).toEqual(o.clerks.map((c) => c.id).sort());
  });

  it('adds A’s own booking to A’s cache and keeps the rest, over its own event and queue moves; B reads afresh', async () => {
    const o = await makeBookingOffice(database.db);
    const before = await tuesdayOn(a, o);
    expect(await tuesdayOn(b, o)).toEqual(before);
    // An hour later, clear of the booking below.
    const second = '2026-11-24T08:00:00.000Z';
    expect(before).toContain(TUESDAY_0800);
    expect(before).toContain(second);

    const onA = eventOn(a, o.department.id);
    const onB = eventOn(b, o.department.id);
    expect((await client(a).post(`${o.base}/appointments`, bookingRequest(o, TUESDAY_0800))).status).toBe(201);
    await Promise.all([onA, onB]);
    // Written beside the application, announcing nothing: only a fresh read shows it. A kept its
    // read (with its own booking added), so it still shows this slot; B dropped its read on A's event.
    await makeAppointment(database.db, {
      tenantId: o.tenant.id,
      departmentId: o.department.id,
      staffId: o.clerks[0]!.id,
      serviceIds: [o.services[0]!.id],
      startsAt: new Date(second),
      minutes: 30,
    });
    const onA2 = eventOn(a, o.department.id);
    // A queue move (another process's), which reads no appointments: A keeps its read.
    await b.deps.events.publish({
      departmentId: o.department.id,
      visitId: '00000000-0000-4000-8000-0000000000aa',
      moved: { to: 'left', at: BOOKING_NOW.toISOString() },
    });
    await onA2;
    const onA3 = await tuesdayOn(a, o);
    expect(onA3).not.toContain(TUESDAY_0800);
    expect(onA3).toContain(second);
    if (b !== a) {
      expect(await tuesdayOn(b, o)).not.toContain(second);
    }
    // A's own booking's event counted once: a later event with its id (a cancellation) drops A's read.
    const [booked] = await live(o.department.id).then((rows) =>
      rows.filter((row) => row.startsAt.toISOString() === TUESDAY_0800),
    );
    const onA4 = eventOn(a, o.department.id);
    await b.deps.events.publish({ departmentId: o.department.id, appointmentId: booked!.id });
    await onA4;
    expect(await tuesdayOn(a, o)).not.toContain(second);
  });

  it('keeps the department’s rules until a settings event, then shows the change on A', async () => {
    const o = await makeBookingOffice(database.db);
    expect(await tuesdayOn(a, o)).toContain(TUESDAY_0800);
    // Three days' lead time: Tuesday is too soon. Written as applying the file does, and announced.
    await database.db
      .update(departments)
      .set({ bookingLeadMinutes: 3 * 24 * 60 })
      .where(eq(departments.id, o.department.id));
    expect(await tuesdayOn(a, o)).toContain(TUESDAY_0800);
    const announced = eventOn(a, o.department.id);
    await b.deps.events.publish({ departmentId: o.department.id, context: true });
    await announced;
    expect(await tuesdayOn(a, o)).toEqual([]);
  });
});

describe('SlotCache', () => {
  const bus = () => {
    const listeners: ((event: LiveEvent) => void)[] = [];
    const resyncs: (() => void)[] = [];
    return {
      subscribe(onEvent: (event: LiveEvent) => void, onResync?: () => void) {
        listeners.push(onEvent);
        if (onResync) resyncs.push(onResync);
        return () => {};
      },
      emit: (event: LiveEvent) => listeners.forEach((l) => l(event)),
      resync: () => resyncs.forEach((r) => r()),
    };
  };
  const department = '00000000-0000-4000-8000-000000000001';

  it('reads once for callers arriving together, and again after a change', async () => {
    const events = bus();
    const cache = new SlotCache(events);
    let reads = 0;
    const load = async () => ++reads;
    expect(await Promise.all([cache.get('schedule', 'k', load), cache.get('schedule', 'k', load)])).toEqual([1, 1]);
    events.emit({ departmentId: department });
    expect(await cache.get('schedule', 'k', load)).toBe(2);
  });

  it('keeps settings over a queue or booking event, not over a settings event or a resync', async () => {
    const events = bus();
    const cache = new SlotCache(events);
    let reads = 0;
    const load = async () => ++reads;
    expect(await cache.get('settings', 'office', load)).toBe(1);
    events.emit({ departmentId: department });
    expect(await cache.get('settings', 'office', load)).toBe(1);
    events.emit({ departmentId: department, context: true });
    expect(await cache.get('settings', 'office', load)).toBe(2);
    events.resync();
    expect(await cache.get('settings', 'office', load)).toBe(3);
  });

  it('keeps schedules over a queue move, and amends them with its own booking, skipping that event once', async () => {
    const events = bus();
    const cache = new SlotCache(events);
    let reads = 0;
    let release!: () => void;
    const loaded = cache.get('schedule', 'k', async () => [++reads]);
    const loading = cache.get(
      'schedule',
      'slow',
      () => new Promise<number[]>((resolve) => (release = () => resolve([++reads]))),
    );
    await loaded;
    events.emit({ departmentId: department, visitId: department, moved: { to: 'left', at: '2026-11-23T06:00:00Z' } });
    expect(await cache.get('schedule', 'k', async () => [++reads])).toEqual([1]);

    const appointmentId = '00000000-0000-4000-8000-0000000000b1';
    cache.amend(appointmentId, (value) => [...(value as number[]), 0]);
    release();
    // Both the entry loaded and the one still loading get the booking.
    expect(await cache.get('schedule', 'k', async () => [++reads])).toEqual([1, 0]);
    expect(await loading).toEqual([2]);
    expect(await cache.get('schedule', 'slow', async () => [++reads])).toEqual([2, 0]);
    events.emit({ departmentId: department, appointmentId });
    expect(await cache.get('schedule', 'k', async () => [++reads])).toEqual([1, 0]);
    // The same appointment again (cancelled, say): dropped as any event drops it.
    events.emit({ departmentId: department, appointmentId });
    expect(await cache.get('schedule', 'k', async () => [++reads])).toEqual([3]);
    // Another process's booking, never amended here: dropped.
    events.emit({ departmentId: department, appointmentId: '00000000-0000-4000-8000-0000000000b2' });
    expect(await cache.get('schedule', 'k', async () => [++reads])).toEqual([4]);
  });

  it('without reads, answers only what it keeps and reads nothing', async () => {
    let now = 0;
    const cache = new SlotCache(bus(), { maxAgeMs: 1_000, maxEntries: 10, clock: () => now });
    const view = cache.withoutReads();
    let reads = 0;
    const load = async () => ++reads;
    await expect(view.get('schedule', 'k', load)).rejects.toBeInstanceOf(NotCached);
    expect(await cache.get('schedule', 'k', load)).toBe(1);
    expect(await view.get('schedule', 'k', load)).toBe(1);
    now = 1_001;
    await expect(view.get('schedule', 'k', load)).rejects.toBeInstanceOf(NotCached);
    expect(reads).toBe(1);
  });

  it('does not keep a failed read or a read older than its age limit', async () => {
    let now = 0;
    const cache = new SlotCache(bus(), { maxAgeMs: 1_000, maxEntries: 10, clock: () => now });
    await expect(cache.get('schedule', 'k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('schedule', 'k', async () => 'read')).toBe('read');
    now = 1_000;
    expect(await cache.get('schedule', 'k', async () => 'again')).toBe('again');
  });

  it('runs the tasks of one key one after another, and of other keys beside them', async () => {
    const cache = new SlotCache(bus());
    const order: string[] = [];
    let release!: () => void;
    const first = cache.serialise('d1', async () => {
      order.push('first starts');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('first ends');
      throw new Error('taken');
    });
    const second = cache.serialise('d1', async () => order.push('second'));
    const other = cache.serialise('d2', async () => order.push('other'));
    await other;
    expect(order).toEqual(['first starts', 'other']);
    release();
    await expect(first).rejects.toThrow('taken');
    await second;
    expect(order).toEqual(['first starts', 'other', 'first ends', 'second']);
  });
});
