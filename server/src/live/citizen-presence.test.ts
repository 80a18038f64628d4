import { describe, expect, it } from 'vitest';
import { testClock } from '../test/clock.js';
import { databaseKinds } from '../test/databases.js';
import { makeOffice, signedInClerk } from '../test/factories.js';
import { useTestServer } from '../test/suite.js';
import { CitizenPresence, LOST_AFTER_MS } from './citizen-presence.js';

const NOW = new Date('2026-11-23T09:00:00Z');

// A waiting citizen whose page closed still looked like everyone else in the clerk's queue until
// the grace period expired the visit. The console is now told, with real sockets, a few seconds
// after the citizen's socket closed, and told again when their page watches the visit anew.
describe.each(databaseKinds)('the console hears which waiting citizens are connected, on %s', (kind) => {
  const clock = testClock(NOW);
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;

  const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

  it('says lost a few seconds after the citizen’s socket closed, not for a blip, and connected after a re-watch', async () => {
    const { base, tenant, department } = await makeOffice(db(), { openAt: clock.now() });
    const { browser: clerk } = await signedInClerk(db(), client(), tenant.id, [department.id], {
      name: 'Anna',
    });
    const citizen = client();
    const other = client();
    expect((await citizen.post(`${base}/knock`, knockBody('Geht weg'))).status).toBe(201);
    expect((await other.post(`${base}/knock`, knockBody('Bleibt'))).status).toBe(201);
    const watchVisit = async (who: typeof citizen) => {
      const live = await who.live();
      const seen = live.next('visit');
      live.send({ type: 'watch-visit' });
      return { live, visit: (await seen).visit! };
    };
    let page = await watchVisit(citizen);
    const stays = await watchVisit(other);

    const consoleLive = await clerk.live();
    const first = consoleLive.next('console-connections');
    consoleLive.send({ type: 'watch-console', departmentId: department.id });
    expect((await first).lost).toEqual([]);
    const toldLost = () => consoleLive.received.filter((m) => m.type === 'console-connections' && m.lost.length > 0);

    // A blip: the page reconnects at once. Nothing is said, even after the wait.
    page.live.close();
    page = await watchVisit(citizen);
    await new Promise((resolve) => setTimeout(resolve, LOST_AFTER_MS + 1_000));
    expect(toldLost()).toEqual([]);

    // Gone: the console is told, for that citizen only.
    const lost = consoleLive.next('console-connections', (m) => m.lost.length > 0, LOST_AFTER_MS + 3_000);
    page.live.close();
    expect((await lost).lost).toEqual([page.visit.id]);
    expect(toldLost().flatMap((m) => (m.type === 'console-connections' ? m.lost : []))).not.toContain(stays.visit.id);

    // Back (the page reloaded): connected at once.
    const back = consoleLive.next('console-connections', (m) => m.lost.length === 0);
    page = await watchVisit(citizen);
    await back;

    // A console opened later hears it in its first message too.
    page.live.close();
    await consoleLive.next('console-connections', (m) => m.lost.length > 0, LOST_AFTER_MS + 3_000);
    const later = await clerk.live();
    const firstLater = later.next('console-connections');
    later.send({ type: 'watch-console', departmentId: department.id });
    expect((await firstLater).lost).toEqual([page.visit.id]);
    // The citizens' own messages say nothing about it.
    expect(stays.live.received.every((m) => m.type === 'visit')).toBe(true);
    for (const socket of [consoleLive, later, stays.live]) socket.close();
  }, 30_000);
});

// A process that dies tells nobody its citizens' sockets closed: the heartbeat's read of the
// sightings (`last_seen_at`) is what says so then. No database needed: the read's rows are given.
describe('the sightings check of citizens’ connections', () => {
  const department = '7a1c0a52-3a0e-4b55-9a55-0c0f5c1b7a01';
  const gone = '7a1c0a52-3a0e-4b55-9a55-0c0f5c1b7a02';
  const here = '7a1c0a52-3a0e-4b55-9a55-0c0f5c1b7a03';
  const staleMs = 60_000;

  it('says lost of a waiting citizen nobody has seen for a while, and connected once one watches again', () => {
    const told: string[] = [];
    const presence = new CitizenPresence((departmentId) => told.push(departmentId));
    const now = new Date('2026-11-23T09:00:00Z');
    const rows = [
      { id: gone, departmentId: department, lastSeenAt: new Date(now.getTime() - staleMs - 1_000) },
      { id: here, departmentId: department, lastSeenAt: new Date(now.getTime() - 20_000) },
    ];
    presence.checked([department], rows, now, staleMs);
    expect(presence.lostIn(department)).toEqual([gone]);
    expect(told).toContain(department);

    presence.hear(JSON.stringify({ lost: [], back: [[gone, now.getTime() + 1_000]] }));
    expect(presence.lostIn(department)).toEqual([]);
    // The next read began before that watch's sighting was written: still connected.
    presence.checked([department], rows, new Date(now.getTime() + 2_000), staleMs);
    expect(presence.lostIn(department)).toEqual([]);
    presence.stop();
  });

  it('forgets a closed socket of a citizen seen later (another tab, elsewhere), and ignores bad news', () => {
    const presence = new CitizenPresence(() => {}, 0);
    const now = new Date('2026-11-23T09:00:00Z');
    presence.hear('not json');
    presence.hear(JSON.stringify({ lost: [['nope', department, 1]], back: [] }));
    presence.hear(JSON.stringify({ lost: [[here, department, now.getTime() - 10_000]], back: [] }));
    expect(presence.lostIn(department)).toEqual([here]);
    presence.checked([department], [{ id: here, departmentId: department, lastSeenAt: now }], now, staleMs);
    expect(presence.lostIn(department)).toEqual([]);
    presence.stop();
  });
});
