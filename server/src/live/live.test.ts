import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { testClock } from '../test/clock.js';
import { databaseKinds } from '../test/databases.js';
import { makeOffice, signedInClerk } from '../test/factories.js';
import { TEST_ORIGIN } from '../test/server.js';
import { useTestServer } from '../test/suite.js';

const NOW = new Date('2026-11-23T09:00:00Z');

describe.each(databaseKinds)('live updates over the WebSocket on %s', (kind) => {
  const clock = testClock(NOW);
  const suite = useTestServer(kind, { now: clock.now });
  const { client, db } = suite;

  const office = async () => {
    const made = await makeOffice(db(), { openAt: clock.now() });
    const { browser: clerkBrowser } = await signedInClerk(db(), client(), made.tenant.id, [made.department.id], {
      name: 'Anna',
    });
    return { ...made, clerkBrowser, consolePath: made.staffPath };
  };

  const knockBody = (name: string) => ({ name, concern: 'Anliegen', language: 'de', consent: true });

  it('refuses upgrades from another origin and on other paths', async () => {
    const refused = (url: string, origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url, { headers: { origin } });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => resolve(101));
        socket.on('error', () => {});
      });
    const wsUrl = suite.server.url.replace(/^http/, 'ws');
    expect(await refused(`${wsUrl}/ws`, 'https://evil.example')).toBe(403);
    expect(await refused(`${wsUrl}/elsewhere`, TEST_ORIGIN)).toBe(404);
    expect(await refused(`${wsUrl}/ws`, TEST_ORIGIN)).toBe(101);
  });

  it('answers messages that fail their schema with an error and keeps the connection', async () => {
    const live = await client().live();
    for (const bad of [
      'not json',
      '{"type":"watch-console","departmentId":"nope"}',
      '{"type":"admit-everyone"}',
      '[]',
    ]) {
      const error = live.next('error');
      live.send(bad);
      expect((await error).code).toBe('invalid_message');
    }
    const pong = live.next('pong');
    live.send({ type: 'ping' });
    await pong;
    expect(live.socket.readyState).toBe(WebSocket.OPEN);
    live.close();
  });

  it('says its errors in the language the page shows, not the browser’s, and follows a switch', async () => {
    const { tenant } = await office();
    // An English browser whose person chose German on the page, then English again.
    const live = await client().live(TEST_ORIGIN, { 'accept-language': 'en-GB,en;q=0.9' });
    const said = async (message: unknown) => {
      const answer = live.next('error');
      live.send(message);
      const { code, message: text } = await answer;
      return { code, message: text };
    };
    const refusedWatch = { type: 'watch-console', departmentId: '00000000-0000-4000-8000-000000000000' };
    const noOffice = { type: 'watch-door', tenant: tenant.slug, department: 'no-such-office' };

    live.send({ type: 'language', language: 'de' });
    expect([await said('not json'), await said(refusedWatch), await said(noOffice)]).toEqual([
      { code: 'invalid_message', message: 'Diese Nachricht hat nicht die erwartete Form und wurde nicht verarbeitet.' },
      { code: 'unauthorized', message: 'Bitte melden Sie sich an.' },
      { code: 'department_not_found', message: 'Dieses Amt gibt es hier nicht.' },
    ]);
    // A language the interface does not ship is refused, in the language told before, and changes nothing.
    expect(await said({ type: 'language', language: 'fr' })).toEqual({
      code: 'invalid_message',
      message: 'Diese Nachricht hat nicht die erwartete Form und wurde nicht verarbeitet.',
    });
    live.send({ type: 'language', language: 'en' });
    expect(await said(noOffice)).toEqual({
      code: 'department_not_found',
      message: 'This department does not exist here.',
    });
    live.close();
  });

  it('pushes the door to watchers when someone knocks, within the same moment', async () => {
    const { tenant, department, base } = await office();
    const watcher = await client().live();
    const initial = watcher.next('door');
    watcher.send({ type: 'watch-door', tenant: tenant.slug, department: department.slug });
    expect((await initial).door.waiting).toBe(0);

    const update = watcher.next('door', (m) => m.door.waiting === 1);
    await client().post(`${base}/knock`, knockBody('Neu'));
    expect((await update).door).toMatchObject({ waiting: 1, busy: true });
    watcher.close();
  });

  it('tells each waiting citizen their own position, live, and calls them in when admitted', async () => {
    const { base, clerkBrowser, consolePath } = await office();
    const first = client();
    const second = client();
    await first.post(`${base}/knock`, knockBody('Erste'));
    await second.post(`${base}/knock`, knockBody('Zweite'));

    const firstLive = await first.live();
    const secondLive = await second.live();
    const a = firstLive.next('visit');
    const b = secondLive.next('visit');
    firstLive.send({ type: 'watch-visit' });
    secondLive.send({ type: 'watch-visit' });
    expect((await a).visit).toMatchObject({ position: 1, name: 'Erste' });
    expect((await b).visit).toMatchObject({ position: 2, name: 'Zweite' });

    const called = firstLive.next('visit', (m) => m.visit?.state === 'admitted');
    const movedUp = secondLive.next('visit', (m) => m.visit?.position === 1);
    expect((await clerkBrowser.post(`${consolePath}/admit-next`)).status).toBe(200);
    expect((await called).visit).toMatchObject({ admittedBy: 'Anna', position: null });
    expect((await movedUp).visit?.state).toBe('waiting');
    // Nobody learns about anybody else: each message names only its own visit.
    expect(secondLive.received.every((m) => m.type !== 'visit' || m.visit?.name === 'Zweite')).toBe(true);
    firstLive.close();
    secondLive.close();
  });

  it('gives the console live to its clerks only, counts clerks on duty, and resumes after a reconnect', async () => {
    const { base, department, clerkBrowser } = await office();
    const stranger = await client().live();
    const denied = stranger.next('error');
    stranger.send({ type: 'watch-console', departmentId: department.id });
    expect((await denied).code).toBe('unauthorized');

    const otherOffice = await office();
    const wrongClerk = await otherOffice.clerkBrowser.live();
    const forbidden = wrongClerk.next('error');
    wrongClerk.send({ type: 'watch-console', departmentId: department.id });
    expect((await forbidden).code).toBe('forbidden');

    const consoleLive = await clerkBrowser.live();
    const onDuty = consoleLive.next('console', (m) => m.snapshot.door.clerksOnDuty === 1);
    consoleLive.send({ type: 'watch-console', departmentId: department.id });
    await onDuty;

    const knocked = consoleLive.next('console', (m) => m.snapshot.queue.length === 1);
    await client().post(`${base}/knock`, knockBody('Klopf'));
    expect((await knocked).snapshot.queue[0]).toMatchObject({ name: 'Klopf', concern: 'Anliegen' });

    // A dropped connection: the new one catches up with a full read.
    consoleLive.close();
    await client().post(`${base}/knock`, knockBody('Während weg'));
    const again = await clerkBrowser.live();
    const caughtUp = again.next('console', (m) => m.snapshot.queue.length === 2);
    again.send({ type: 'watch-console', departmentId: department.id });
    expect((await caughtUp).snapshot.queue.map((q) => q.name)).toEqual(['Klopf', 'Während weg']);
    for (const socket of [stranger, wrongClerk, again]) socket.close();
  });

  it('says null to a visit watcher without a genuine visit cookie', async () => {
    const forger = client();
    forger.cookies.set('amtsraum_visit', '00000000-0000-4000-8000-000000000000.forged');
    const live = await forger.live();
    const answer = live.next('visit');
    live.send({ type: 'watch-visit' });
    expect((await answer).visit).toBeNull();
    live.close();
  });
});
