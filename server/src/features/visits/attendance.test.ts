import { CitizenVisitResponseSchema, DoorLiveSchema, TenantResponseSchema } from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, consolePresence, departments, visits } from '../../db/schema.js';
import { settableClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { makeOffice, signedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { UNATTENDED_GRACE_MS } from '../directory/directory.service.js';
import { followAttendance, PLACE_HOLD_MS } from './attendance.js';

// Monday 23 November 2026, 10:00 in Berlin: open by the factory's office hours (8 to 18).
const NOW = new Date('2026-11-23T09:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * Issue 13: a door left open with nobody on duty took knocks ("Besetzt … Wartezeit ca. 1 Minute")
 * and nobody ever came. See docs/decisions/017-a-door-nobody-attends.md.
 */
describe.each(databaseKinds)('a door nobody attends, on %s', (kind) => {
  const clock = settableClock(NOW);
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;
  const at = (ms: number) => clock.set(new Date(NOW.getTime() + ms));

  /** One round of the attendance job at the clock's time; the round before was `previous`. */
  let previous = NOW;
  const round = async () => {
    const now = clock.now();
    const result = await followAttendance({ db: db(), events: suite.server.deps.events, now }, previous);
    previous = now;
    return result;
  };

  const office = async () => {
    clock.reset();
    previous = NOW;
    return makeOffice(db());
  };
  const knockBody = (name: string) => ({ name, concern: 'Frage zum Ausweis', language: 'de', consent: true });
  /** The states of a department's visits (other tests' departments share the database). */
  const statesIn = async (departmentId: string) =>
    (await db().select().from(visits).where(eq(visits.departmentId, departmentId))).map((visit) => visit.state).sort();
  const door = async (base: string) => DoorLiveSchema.parse((await client().get(`${base}/door`)).json.door);

  it('stops taking knocks a minute after the last clerk left, says so, and takes them again when one is back', async () => {
    const { base, tenant, department } = await office();
    await round(); // nobody there: the job notes since when
    expect(
      (await db().select().from(departments).where(eq(departments.id, department.id)))[0]?.unattendedSince,
    ).toEqual(NOW);

    // Within the grace (a clerk reloading the console) nothing changes.
    at(UNATTENDED_GRACE_MS - SECOND);
    expect(await door(base)).toMatchObject({ state: 'open', unattended: false, canKnock: true });

    at(UNATTENDED_GRACE_MS);
    expect(await door(base)).toMatchObject({ state: 'open', unattended: true, canKnock: false, busy: false });
    const refused = await client().post(`${base}/knock`, knockBody('Nachts'));
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('door_unattended');
    expect(await db().select().from(visits).where(eq(visits.departmentId, department.id))).toEqual([]);
    // The municipality's page says it too, not "open".
    const page = TenantResponseSchema.parse((await client().get(`/api/tenants/${tenant.slug}`)).json);
    expect(page.departments[0]?.door).toMatchObject({ state: 'open', unattended: true });

    // A clerk opens the console: attended at once, before the job has cleared its note.
    const { browser } = await signedInClerk(db(), client(), tenant.id, [department.id]);
    const live = await browser.live();
    const snapshot = live.next('console');
    live.send({ type: 'watch-console', departmentId: department.id });
    expect((await snapshot).snapshot.door).toMatchObject({ unattended: false, canKnock: true, clerksOnDuty: 1 });
    expect((await client().post(`${base}/knock`, knockBody('Morgens'))).status).toBe(201);
    await round();
    expect((await db().select().from(departments).where(eq(departments.id, department.id)))[0]?.unattendedSince).toBe(
      null,
    );
    live.close();
  });

  it('counts a clerk in a call as on duty, though no console is open', async () => {
    const { base, tenant, department, staffPath } = await office();
    const citizen = client();
    const knocked = CitizenVisitResponseSchema.parse((await citizen.post(`${base}/knock`, knockBody('Anna'))).json);
    const { browser: clerk } = await signedInClerk(db(), client(), tenant.id, [department.id]);
    expect((await clerk.post(`${staffPath}/visits/${knocked.visit.id}/admit`)).status).toBe(200);

    await round();
    at(10 * MINUTE);
    await round();
    expect(await door(base)).toMatchObject({ unattended: false, canKnock: true, clerksOnDuty: 1 });
  });

  it('tells the people waiting, keeps their place for a while, then ends it and offers an appointment', async () => {
    const { base, department } = await office();
    const alex = client();
    const alexVisit = CitizenVisitResponseSchema.parse((await alex.post(`${base}/knock`, knockBody('Alex'))).json);
    at(30 * SECOND);
    const bea = client();
    await bea.post(`${base}/knock`, knockBody('Bea'));
    expect((await alex.get('/api/visit')).json.visit.placeHeldUntil).toBeNull();

    // The pages watching hear of it when the grace runs out (nothing else would publish then).
    const heard: string[] = [];
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
    const unsubscribe = suite.server.deps.events.subscribe((event) => {
      if ('departmentId' in event) heard.push(event.departmentId);
    });
    at(40 * SECOND);
    await round(); // notes: nobody since 0:40
    await settle();
    heard.splice(0);
    at(40 * SECOND + UNATTENDED_GRACE_MS);
    await round();
    await settle();
    unsubscribe();
    expect(heard).toContain(department.id);

    const told = CitizenVisitResponseSchema.parse((await alex.get('/api/visit')).json).visit;
    expect(told.state).toBe('waiting');
    expect(told.placeHeldUntil).toBe(new Date(NOW.getTime() + 40 * SECOND + PLACE_HOLD_MS).toISOString());

    // Just before the hold ends nothing happens; then the places end as `unattended`.
    at(40 * SECOND + PLACE_HOLD_MS - SECOND);
    await round();
    expect(await statesIn(department.id)).toEqual(['waiting', 'waiting']);
    at(40 * SECOND + PLACE_HOLD_MS);
    await round();
    expect(await statesIn(department.id)).toEqual(['unattended', 'unattended']);
    const ended = CitizenVisitResponseSchema.parse((await alex.get('/api/visit')).json).visit;
    expect(ended).toMatchObject({ state: 'unattended', position: null, placeHeldUntil: null });
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.visitId, alexVisit.visit.id), eq(auditEvents.action, 'visit.unattended')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorKind: 'system' });
  });

  it('keeps the queue when a clerk comes back within the hold, and never drops appointment arrivals', async () => {
    const { base, tenant, department } = await office();
    const alex = client();
    await alex.post(`${base}/knock`, knockBody('Alex'));
    // An appointment arrival waiting at the same door: their time is booked, the hold is not theirs.
    await db().insert(visits).values({
      tenantId: tenant.id,
      departmentId: department.id,
      kind: 'appointment',
      citizenName: 'Termin',
      language: 'de',
      createdAt: NOW,
      lastSeenAt: NOW,
    });
    await round();
    at(UNATTENDED_GRACE_MS + MINUTE);
    expect((await alex.get('/api/visit')).json.visit.placeHeldUntil).not.toBeNull();

    const { browser } = await signedInClerk(db(), client(), tenant.id, [department.id]);
    const live = await browser.live();
    const snapshot = live.next('console');
    live.send({ type: 'watch-console', departmentId: department.id });
    await snapshot;
    expect((await alex.get('/api/visit')).json.visit.placeHeldUntil).toBeNull();
    await round();
    live.close();
    // The clerk left again: the hold starts anew from this round, not from the first one.
    // The hub clears the presence on close (a write of its own: wait for it, however busy the machine).
    await expect
      .poll(
        async () =>
          (await db().select().from(consolePresence).where(eq(consolePresence.departmentId, department.id))).length,
      )
      .toBe(0);
    at(UNATTENDED_GRACE_MS + 2 * MINUTE);
    await round();
    at(PLACE_HOLD_MS + 2 * MINUTE);
    await round();
    expect(await statesIn(department.id)).toEqual(['waiting', 'waiting']);
    at(UNATTENDED_GRACE_MS + 2 * MINUTE + PLACE_HOLD_MS);
    await round();
    const left = await db().select().from(visits).where(eq(visits.departmentId, department.id));
    expect(left.map((visit) => [visit.kind, visit.state]).sort()).toEqual([
      ['appointment', 'waiting'],
      ['walk_in', 'unattended'],
    ]);
  });

  it('says nothing about attendance for a closed door', async () => {
    const { base } = await office();
    await round();
    at(12 * 3600_000); // 22:00 in Berlin: closed by the opening hours
    expect(await door(base)).toMatchObject({ state: 'closed', unattended: false, canKnock: false });
  });
});
