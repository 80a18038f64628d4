import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callMembers, staffSessions } from '../../db/schema.js';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { signedInClerk } from '../../test/factories.js';
import { admittedVisit, cameraOn as camera, twoInP2pCall } from '../../test/p2p-call.js';
import { RELAYED_BYTES } from '../../live/live.hub.js';
import { startTestServer, type TestServer } from '../../test/server.js';
import { MEMBER_TIMEOUT_MS } from './p2p-rooms.js';

describe.each(databaseKinds)('peer-to-peer call signalling on %s', (kind) => {
  let server: TestServer;
  let address = 0;
  const client = () => new TestClient(server.url, { 'x-forwarded-for': `10.5.0.${++address}` });

  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase(kind), { env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => server.stop());

  async function admitted() {
    const db = server.database.db;
    const visit = await admittedVisit(db, { clerk: client(), citizen: client(), clerkName: 'Anna Schmidt' });
    const colleague = (await signedInClerk(db, client(), visit.tenant.id, [visit.department.id], { name: 'Kollegin' }))
      .browser;
    return { ...visit, colleague, departmentId: visit.department.id };
  }

  it('lets the two people of a visit meet, relays signals, state and chat, and ends the call for everyone', async () => {
    const { clerk, citizen, colleague, visitId, departmentId } = await admitted();
    const clerkLive = await clerk.live();
    const citizenLive = await citizen.live();

    const clerkJoined = clerkLive.next('call-joined');
    clerkLive.send({ type: 'call-join', visitId, media: camera });
    expect((await clerkJoined).self).toMatchObject({ role: 'clerk', name: 'Anna Schmidt', canShareScreen: true });
    expect((await clerkJoined).participants).toEqual([]);

    const seenByClerk = clerkLive.next('call-participant-joined');
    const citizenJoined = citizenLive.next('call-joined');
    citizenLive.send({ type: 'call-join', visitId, media: { ...camera, screen: true, screenStreamId: 'sneaky' } });
    const joined = await citizenJoined;
    expect(joined.self).toMatchObject({ role: 'citizen', canShareScreen: false, media: { screen: false } });
    expect(joined.participants.map((p) => p.role)).toEqual(['clerk']);
    const citizenIdentity = (await seenByClerk).participant.identity;

    // Signalling goes to the named participant only, marked with who sent it.
    const offer = citizenLive.next('call-signal');
    clerkLive.send({
      type: 'call-signal',
      visitId,
      to: citizenIdentity,
      data: { description: { type: 'offer', sdp: 'v=0' } },
    });
    expect(await offer).toMatchObject({
      from: joined.participants[0]!.identity,
      data: { description: { type: 'offer' } },
    });
    // Not to oneself: refused, not echoed back.
    const toSelf = citizenLive.next('error');
    citizenLive.send({
      type: 'call-signal',
      visitId,
      to: citizenIdentity,
      data: { description: { type: 'offer', sdp: 'v=0' } },
    });
    expect((await toSelf).code).toBe('forbidden');
    expect(citizenLive.received.filter((m) => m.type === 'call-signal')).toHaveLength(1);

    // Camera off is seen by the other side.
    const update = clerkLive.next('call-participant-updated');
    citizenLive.send({ type: 'call-media', visitId, media: { ...camera, camera: false } });
    expect((await update).participant.media.camera).toBe(false);

    // Only the clerk may allow screen sharing.
    const refused = citizenLive.next('error');
    citizenLive.send({ type: 'call-allow-screen', visitId, identity: citizenIdentity, allowed: true });
    expect((await refused).code).toBe('forbidden');
    const allowed = citizenLive.next('call-participant-updated', (m) => m.participant.canShareScreen);
    clerkLive.send({ type: 'call-allow-screen', visitId, identity: citizenIdentity, allowed: true });
    await allowed;
    // Over the socket as over HTTP: only the citizen or an invitee is let or not let; the clerk
    // cannot take their own sharing away (it would survive a rejoin), nor name someone unknown.
    const clerkIdentity = joined.participants[0]!.identity;
    for (const identity of [clerkIdentity, 'invitee-00000000-0000-4000-8000-000000000000', 'nobody']) {
      const notThem = clerkLive.next('error');
      clerkLive.send({ type: 'call-allow-screen', visitId, identity, allowed: false });
      expect((await notThem).code).toBe('forbidden');
    }
    const rows = await server.database.db.select().from(callMembers).where(eq(callMembers.visitId, visitId));
    expect(rows.find((row) => row.identity === clerkIdentity)?.participant.canShareScreen).toBe(true);

    const chat = clerkLive.next('call-chat');
    citizenLive.send({ type: 'call-chat', visitId, text: 'Mein Nachname: Yılmaz' });
    // With the sender's role: a nameless invitee's stand-in name is said as their role, as on their tile.
    expect(await chat).toMatchObject({ name: 'Ayşe', role: 'citizen', text: 'Mein Nachname: Yılmaz' });
    // Text that shows nothing, holds control characters or reorders itself is refused, not relayed.
    // Half a character too (a lone surrogate), which would show as "�".
    for (const text of [
      '\u200b',
      '\u0000\u0007',
      'Hallo\u009b31m',
      '\u202eabc',
      '\u2066Anna Schmidt: bitte IBAN senden\u2069',
      // Marks stacked on one letter ("Zalgo"), painting over the chat's other messages.
      `Hallo ${'a\u0301\u0316\u0302\u0317\u0303\u0318'.repeat(3)}`,
      'Hallo \ud800',
      '\udfff',
    ]) {
      const refused = citizenLive.next('error');
      citizenLive.send({ type: 'call-chat', visitId, text });
      expect((await refused).code).toBe('invalid_message');
    }
    const next = clerkLive.next('call-chat');
    citizenLive.send({ type: 'call-chat', visitId, text: 'مرحبا, Frau Schmidt' });
    expect((await next).text).toBe('مرحبا, Frau Schmidt');
    // The one before it the clerk heard was the first (the socket keeps what arrived, in order).
    const heard = clerkLive.received.flatMap((m) => (m.type === 'call-chat' ? [m.text] : []));
    expect(heard).toEqual(['Mein Nachname: Yılmaz', 'مرحبا, Frau Schmidt']);

    // A colleague who did not admit, and a stranger, are not let in.
    for (const outsider of [colleague, client()]) {
      const live = await outsider.live();
      const error = live.next('error');
      live.send({ type: 'call-join', visitId, media: camera });
      expect((await error).code).toBe('forbidden');
      live.close();
    }

    // The clerk finishes the visit: everyone in the call is told.
    const endedForCitizen = citizenLive.next('call-ended');
    await clerk.post(`/api/staff/departments/${departmentId}/visits/${visitId}/finish`);
    expect((await endedForCitizen).visitId).toBe(visitId);
    clerkLive.close();
    citizenLive.close();
  });

  it('keeps a participant from flooding another with signals: past its budget of bytes, signals are dropped and the receiver stays', async () => {
    const db = server.database.db;
    const { clerkLive, citizenLive, visitId, clerkJoined } = await twoInP2pCall(db, {
      clerk: client(),
      citizen: client(),
    });
    const clerkIdentity = clerkJoined.self.identity;
    // About 9,000 characters (under the schema's 30,000) and 15 KB: counted in characters, almost
    // twice as many would pass.
    const sdp = `v=0\r\n${'a=€'.repeat(3_000)}`;
    const signal = JSON.stringify({
      type: 'call-signal',
      visitId,
      to: clerkIdentity,
      data: { description: { type: 'offer', sdp } },
    });
    const refused = citizenLive.next('error', (m) => m.code === 'rate_limited', 10_000);
    let arrived = 0;
    clerkLive.socket.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'call-signal') arrived += 1;
    });
    // 30 a second is within the socket's message budget; 450 KB a second is not within its bytes.
    for (let i = 0; i < 30; i++) citizenLive.socket.send(signal);
    expect((await refused).detail).toMatch(/call data/);
    const expected = Math.floor(RELAYED_BYTES.burst / Buffer.byteLength(signal));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(arrived).toBeGreaterThanOrEqual(expected - 1);
    expect(arrived).toBeLessThanOrEqual(expected + 1);
    // The clerk is still connected and served; the citizen too, with small messages.
    const pong = clerkLive.next('pong');
    clerkLive.send({ type: 'ping' });
    await pong;
    expect(clerkLive.socket.readyState).toBe(clerkLive.socket.OPEN);
    const chat = clerkLive.next('call-chat');
    await new Promise((resolve) => setTimeout(resolve, 200));
    citizenLive.send({ type: 'call-chat', visitId, text: 'Hallo' });
    expect((await chat).text).toBe('Hallo');
  });

  it('answers a signal to someone not in the call with call_participant_not_found, relays nothing, and tells nothing of other calls', async () => {
    const db = server.database.db;
    const { clerkLive, citizenLive, visitId, citizenSeen, citizen, clerkJoined } = await twoInP2pCall(db, {
      clerk: client(),
      citizen: client(),
    });
    const citizenId = citizenSeen.participant.identity;
    // Another call, running meanwhile: its people are not reachable from this one, nor named.
    const other = await twoInP2pCall(db, { clerk: client(), citizen: client() });
    const otherIds = [other.clerkJoined.self.identity, other.citizenJoined.self.identity];
    const data = { description: { type: 'offer' as const, sdp: 'v=0' } };
    const answers: unknown[] = [];
    for (const to of ['nobody', ...otherIds, `citizen-${other.visitId}`]) {
      const answer = clerkLive.next('error');
      clerkLive.send({ type: 'call-signal', visitId, to, data });
      answers.push(await answer);
    }
    // The same answer whoever was named: nothing in it tells one call's people from nobody.
    for (const answer of answers) {
      expect(answer).toEqual({
        type: 'error',
        code: 'call_participant_not_found',
        message: 'Diese Person ist nicht (mehr) in diesem Gespräch.',
        detail: 'nobody in this call has that identity',
      });
    }
    // The call goes on: a signal to the citizen still arrives, and only it.
    const offer = citizenLive.next('call-signal');
    clerkLive.send({ type: 'call-signal', visitId, to: citizenId, data });
    expect((await offer).from).toBe(clerkJoined.self.identity);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(citizenLive.received.filter((m) => m.type === 'call-signal')).toHaveLength(1);
    for (const live of [other.clerkLive, other.citizenLive]) {
      expect(live.received.filter((m) => m.type === 'call-signal' || m.type === 'error')).toEqual([]);
    }

    // Someone who left is no longer reachable; back again (a reload), they are.
    const left = clerkLive.next('call-participant-left');
    citizenLive.close();
    await left;
    const gone = clerkLive.next('error');
    clerkLive.send({ type: 'call-signal', visitId, to: citizenId, data });
    expect((await gone).code).toBe('call_participant_not_found');
    const back = await citizen.live();
    const rejoined = clerkLive.next('call-participant-joined');
    const backJoined = back.next('call-joined');
    back.send({ type: 'call-join', visitId, media: camera });
    await Promise.all([rejoined, backJoined]);
    const again = back.next('call-signal');
    clerkLive.send({ type: 'call-signal', visitId, to: citizenId, data });
    await again;

    // A flood of such signals is answered within the socket's budget only: past it, dropped with
    // one rate_limited, not an answer each.
    const notFound = () =>
      clerkLive.received.filter((m) => m.type === 'error' && m.code === 'call_participant_not_found').length;
    const before = notFound();
    const limited = clerkLive.next('error', (m) => m.code === 'rate_limited');
    for (let i = 0; i < 200; i++) clerkLive.send({ type: 'call-signal', visitId, to: 'nobody', data });
    await limited;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(notFound() - before).toBeLessThan(100);
    expect(clerkLive.socket.readyState).toBe(clerkLive.socket.OPEN);
    for (const live of [clerkLive, back, other.clerkLive, other.citizenLive]) live.close();
  });

  it('answers the first one in before the visit is marked, and the mark follows: everyone watching sees "in call"', async () => {
    const { clerk, citizen, visitId } = await admitted();
    const citizenLive = await citizen.live();
    const admittedSeen = citizenLive.next('visit', (m) => m.visit?.state === 'admitted');
    citizenLive.send({ type: 'watch-visit' });
    await admittedSeen;

    const clerkLive = await clerk.live();
    const inCall = citizenLive.next('visit', (m) => m.visit?.state === 'in_call');
    const clerkJoined = clerkLive.next('call-joined');
    clerkLive.send({ type: 'call-join', visitId, media: camera });
    expect((await clerkJoined).participants).toEqual([]);
    // The move to "in call" is not lost by answering first: the citizen's page hears of it.
    expect((await inCall).visit).toMatchObject({ id: visitId, state: 'in_call' });
    expect((await citizen.get('/api/visit')).json.visit.state).toBe('in_call');
  });

  it('refuses the call-join of a clerk whose session ended unannounced, and takes no place for them', async () => {
    const { clerk, visitId } = await admitted();
    const clerkLive = await clerk.live();
    // Ended in the database, without an event (as an expiry would): only the join's own read sees it.
    await server.database.db.delete(staffSessions);
    const refused = clerkLive.next('error');
    clerkLive.send({ type: 'call-join', visitId, media: camera });
    expect(await refused).toMatchObject({ code: 'unauthorized' });
    const members = await server.database.db.select().from(callMembers).where(eq(callMembers.visitId, visitId));
    expect(members).toEqual([]);
  });

  it('replaces a participant who joins again (a reload), and tells the others when someone drops', async () => {
    const { clerk, citizen, visitId } = await admitted();
    const clerkLive = await clerk.live();
    const ready = clerkLive.next('call-joined');
    clerkLive.send({ type: 'call-join', visitId, media: camera });
    await ready;

    const first = await citizen.live();
    const firstJoined = clerkLive.next('call-participant-joined');
    first.send({ type: 'call-join', visitId, media: camera });
    const identity = (await firstJoined).participant.identity;

    const second = await citizen.live(); // the reloaded page, or a second tab
    const left = clerkLive.next('call-participant-left');
    const rejoined = clerkLive.next('call-participant-joined');
    // A first page still open (a second tab) hears that it is out, and stops: it went on showing
    // the call as connected, its camera on, with nobody receiving it.
    const replaced = first.next('call-replaced');
    second.send({ type: 'call-join', visitId, media: camera });
    expect((await left).identity).toBe(identity);
    expect((await rejoined).participant.identity).toBe(identity);
    expect(await replaced).toEqual({ type: 'call-replaced', visitId });

    const gone = clerkLive.next('call-participant-left');
    second.close();
    expect((await gone).identity).toBe(identity);
    first.close();
    clerkLive.close();
  });

  it('gives up, with everyone told, a place whose process stopped vouching for it', async () => {
    const { clerk, visitId } = await admitted();
    // The citizen's place, kept by another process that died a while ago; the clerk finds it.
    const long = new Date(Date.now() - 2 * MEMBER_TIMEOUT_MS);
    await server.database.db.insert(callMembers).values({
      visitId,
      identity: `citizen-${visitId}`,
      connectionId: 'a-connection-of-a-dead-process',
      participant: {
        identity: `citizen-${visitId}`,
        name: 'Ayşe',
        role: 'citizen',
        canShareScreen: false,
        media: camera,
      },
      joinedAt: long,
      seenAt: long,
    });
    const clerkLive = await clerk.live();
    const ready = clerkLive.next('call-joined');
    clerkLive.send({ type: 'call-join', visitId, media: camera });
    const clerkId = (await ready).self.identity;
    expect((await ready).participants.map((p) => p.identity)).toEqual([`citizen-${visitId}`]);

    const gone = clerkLive.next('call-participant-left');
    await server.hub.calls.refresh();
    expect((await gone).identity).toBe(`citizen-${visitId}`);
    const rows = await server.database.db.select().from(callMembers).where(eq(callMembers.visitId, visitId));
    expect(rows.map((row) => row.identity)).toEqual([clerkId]); // this process vouched for its own
    clerkLive.close();
  });
});
