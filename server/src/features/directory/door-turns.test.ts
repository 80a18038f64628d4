import { describe, expect, it } from 'vitest';
import { settableClock } from '../../test/clock.js';
import { databaseKinds } from '../../test/databases.js';
import { makeOffice, signedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { announceDoorTurns } from './door-turns.js';

// Monday 23 November 2026, 07:58 in Berlin: the factory's office hours open at 08:00, close at 12:00.
const BEFORE_EIGHT = new Date('2026-11-23T06:58:00Z');

/**
 * A door that opens or closes by the clock alone reaches the pages that watch it, and the pages
 * opened afterwards: the hub answered from what it kept until the department's next event, so the
 * morning's door page said "closed, opens at 08:00" at 08:01, and a console left open overnight
 * still showed yesterday's "closed".
 */
describe.each(databaseKinds)('doors turning by the clock, on %s', (kind) => {
  const clock = settableClock(BEFORE_EIGHT);
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;

  /** One round of the job, from `after` to the clock's time. */
  const roundSince = (after: Date) =>
    announceDoorTurns({ db: db(), events: suite.server.deps.events, now: clock.now() }, after);

  const watchDoor = async (tenant: string, department: string) => {
    const live = await client().live();
    const first = live.next('door');
    live.send({ type: 'watch-door', tenant, department });
    return { live, first: (await first).door };
  };

  it('opens the door on pages watching it at the opening hour, and on pages opened after it', async () => {
    clock.reset();
    const { tenant, department } = await makeOffice(db());
    const early = await watchDoor(tenant.slug, department.slug);
    expect(early.first).toMatchObject({ state: 'closed', canKnock: false });

    clock.set('2026-11-23T07:01:00Z'); // 08:01
    const opened = early.live.next('door', (m) => m.door.state === 'open');
    await roundSince(BEFORE_EIGHT);
    expect((await opened).door).toMatchObject({ state: 'open', openByHours: true });
    const later = await watchDoor(tenant.slug, department.slug);
    expect(later.first).toMatchObject({ state: 'open', openByHours: true });

    // And closes it at the end of the hours, with nothing else happening.
    clock.set('2026-11-23T11:01:00Z'); // 12:01
    const closed = early.live.next('door', (m) => m.door.state === 'closed');
    await roundSince(new Date('2026-11-23T10:59:00Z'));
    expect((await closed).door).toMatchObject({ state: 'closed', canKnock: false });
    early.live.close();
    later.live.close();
  });

  it('gives a console left open overnight the opening hours again the next morning', async () => {
    clock.set('2026-11-23T10:00:00Z'); // Monday 11:00: the clerk closes early
    const { tenant, department, staffPath } = await makeOffice(db());
    const { browser } = await signedInClerk(db(), client(), tenant.id, [department.id]);
    expect((await browser.put(`${staffPath}/door`, { state: 'closed' })).status).toBe(200);
    const live = await browser.live();
    const first = live.next('console');
    live.send({ type: 'watch-console', departmentId: department.id });
    expect((await first).snapshot).toMatchObject({ doorSetting: 'closed', door: { state: 'closed' } });

    const evening = new Date('2026-11-23T17:00:00Z');
    clock.set('2026-11-24T07:01:00Z'); // Tuesday 08:01
    const morning = live.next('console', (m) => m.snapshot.doorSetting === 'auto');
    await roundSince(evening);
    expect((await morning).snapshot).toMatchObject({ doorSetting: 'auto', door: { state: 'open' } });
    live.close();
  });
});
