import { CitizenVisitResponseSchema, PLACE_HOLD_MINUTES } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { followAttendance } from '../features/visits/attendance.js';
import { settableClock } from '../test/clock.js';
import { databaseKinds } from '../test/databases.js';
import { makeOffice, signedInClerk } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';

// Monday 23 November 2026, 10:00 in Berlin: open by the factory's office hours (8 to 18).
const NOW = new Date('2026-11-23T09:00:00Z');
const MINUTE = 60_000;
const HOLD_MS = PLACE_HOLD_MINUTES * MINUTE;

/**
 * A citizen waiting kept reading "Sie sind als Nächstes dran – Es kann jeden Moment so weit sein"
 * after the clerk closed the door, and an estimate with nobody on duty. Their visit message now
 * says the door and whether anybody is on duty, pushed live when either changes.
 */
describe.each(databaseKinds)('the door as a waiting citizen hears of it, on %s', (kind) => {
  const clock = settableClock(NOW);
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;

  const knockBody = { name: 'Wera', concern: 'Gewerbe ummelden', language: 'de', consent: true };

  /** A department with a clerk's console open, and a citizen waiting who watches their visit. */
  async function waitingWithClerk() {
    clock.reset();
    const office = await makeOffice(db());
    const { browser: clerk } = await signedInClerk(db(), client(), office.tenant.id, [office.department.id]);
    const consoleLive = await clerk.live();
    const onDuty = consoleLive.next('console', (m) => m.snapshot.door.clerksOnDuty === 1);
    consoleLive.send({ type: 'watch-console', departmentId: office.department.id });
    await onDuty;
    const citizen = client();
    expect((await citizen.post(`${office.base}/knock`, knockBody)).status).toBe(201);
    const visitLive = await citizen.live();
    const first = visitLive.next('visit');
    visitLive.send({ type: 'watch-visit' });
    expect((await first).visit).toMatchObject({ position: 1, door: { state: 'open', onDuty: true } });
    const ownVisit = async () => CitizenVisitResponseSchema.parse((await citizen.get('/api/visit')).json).visit;
    return { ...office, clerk, consoleLive, visitLive, ownVisit };
  }

  /** Closes the clerk's console, and waits until the door says nobody is at a console. */
  async function closeConsole(
    office: { tenant: { slug: string }; department: { slug: string } },
    consoleLive: { close(): void },
  ) {
    const doorLive = await client().live();
    const first = doorLive.next('door');
    doorLive.send({ type: 'watch-door', tenant: office.tenant.slug, department: office.department.slug });
    await first;
    const left = doorLive.next('door', (m) => m.door.clerksOnDuty === 0);
    consoleLive.close();
    await left;
    doorLive.close();
  }

  it('says closed and paused when the clerk sets the door, also on a reload, and open again', async () => {
    const { staffPath, clerk, consoleLive, visitLive, ownVisit } = await waitingWithClerk();

    const closed = visitLive.next('visit', (m) => m.visit?.door?.state === 'closed');
    expect((await clerk.put(`${staffPath}/door`, { state: 'closed' })).status).toBe(200);
    // Still in the queue, a clerk still on duty who may let them in: the place is not on a timer.
    expect((await closed).visit).toMatchObject({
      state: 'waiting',
      position: 1,
      door: { state: 'closed', onDuty: true },
      placeHeldUntil: null,
    });
    expect(await ownVisit()).toMatchObject({ door: { state: 'closed', onDuty: true } });

    const paused = visitLive.next('visit', (m) => m.visit?.door?.state === 'paused');
    expect((await clerk.put(`${staffPath}/door`, { state: 'paused' })).status).toBe(200);
    await paused;

    const open = visitLive.next('visit', (m) => m.visit?.door?.state === 'open');
    expect((await clerk.put(`${staffPath}/door`, { state: 'open' })).status).toBe(200);
    expect((await open).visit?.door).toEqual({ state: 'open', onDuty: true });
    expect(await ownVisit()).toMatchObject({ door: { state: 'open', onDuty: true } });
    consoleLive.close();
    visitLive.close();
  });

  it('says nobody is on duty once the door’s grace minute has passed, with the time the place is held, and on duty when one is back', async () => {
    const office = await waitingWithClerk();
    const { department, clerk, consoleLive, visitLive, ownVisit } = office;

    await closeConsole(office, consoleLive);
    // The job's round notes since when nobody is there; the door page still says nothing for the
    // grace minute, and neither does the waiting room.
    const noted = new Date(NOW.getTime() + MINUTE / 4);
    clock.set(noted);
    await followAttendance({ db: db(), events: suite.server.deps.events, now: noted }, NOW);
    expect(await ownVisit()).toMatchObject({ door: { state: 'open', onDuty: true }, placeHeldUntil: null });

    // The round after the grace minute tells the pages: now nobody is on duty, and the place has a time.
    const later = new Date(noted.getTime() + MINUTE);
    clock.set(later);
    const gone = visitLive.next('visit', (m) => m.visit?.door?.onDuty === false);
    await followAttendance({ db: db(), events: suite.server.deps.events, now: later }, noted);
    const heldUntil = new Date(noted.getTime() + HOLD_MS).toISOString();
    expect((await gone).visit).toMatchObject({ door: { state: 'open', onDuty: false }, placeHeldUntil: heldUntil });
    expect(await ownVisit()).toMatchObject({ door: { state: 'open', onDuty: false }, placeHeldUntil: heldUntil });

    const back = visitLive.next('visit', (m) => m.visit?.door?.onDuty === true);
    const again = await clerk.live();
    again.send({ type: 'watch-console', departmentId: department.id });
    expect((await back).visit).toMatchObject({ door: { state: 'open', onDuty: true }, placeHeldUntil: null });
    again.close();
    visitLive.close();
  });

  it('never says nobody is on duty while a clerk reloads the console', async () => {
    const office = await waitingWithClerk();
    const { department, clerk, consoleLive, visitLive, ownVisit } = office;
    const seen = visitLive.received.length;
    // The page's old socket is gone (the hub has noted it); the reloaded page's watches again.
    await closeConsole(office, consoleLive);
    const reloaded = await clerk.live();
    const watching = reloaded.next('console', (m) => m.snapshot.door.clerksOnDuty === 1);
    reloaded.send({ type: 'watch-console', departmentId: department.id });
    await watching;
    expect(await ownVisit()).toMatchObject({ door: { state: 'open', onDuty: true }, placeHeldUntil: null });
    const told = visitLive.received.slice(seen).flatMap((m) => (m.type === 'visit' ? [m.visit?.door] : []));
    expect(told.every((door) => door?.onDuty === true)).toBe(true);
    reloaded.close();
    visitLive.close();
  });

  it('tells the time a closed door nobody attends ends the place at, and ends it then', async () => {
    const office = await waitingWithClerk();
    const { staffPath, clerk, consoleLive, visitLive, ownVisit } = office;
    const closed = visitLive.next('visit', (m) => m.visit?.door?.state === 'closed');
    expect((await clerk.put(`${staffPath}/door`, { state: 'closed' })).status).toBe(200);
    await closed;

    await closeConsole(office, consoleLive);
    const noted = new Date(NOW.getTime() + MINUTE / 4);
    clock.set(noted);
    await followAttendance({ db: db(), events: suite.server.deps.events, now: noted }, NOW);
    const later = new Date(noted.getTime() + MINUTE);
    clock.set(later);
    const timed = visitLive.next('visit', (m) => m.visit?.placeHeldUntil != null);
    await followAttendance({ db: db(), events: suite.server.deps.events, now: later }, noted);
    const heldUntil = new Date(noted.getTime() + HOLD_MS);
    // The attendance job ends walk-ins at a closed door too: the citizen hears when beforehand.
    expect((await timed).visit).toMatchObject({
      door: { state: 'closed', onDuty: false },
      placeHeldUntil: heldUntil.toISOString(),
    });

    clock.set(heldUntil);
    const ended = visitLive.next('visit', (m) => m.visit?.state === 'unattended');
    await followAttendance({ db: db(), events: suite.server.deps.events, now: heldUntil }, later);
    expect((await ended).visit).toMatchObject({ door: null, placeHeldUntil: null, position: null });
    expect((await ownVisit()).state).toBe('unattended');
    visitLive.close();
  });
});
