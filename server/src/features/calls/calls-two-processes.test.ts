import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.js';
import { callMembers } from '../../db/schema.js';
import { TestClient } from '../../test/client.js';
import { createPostgresDatabase, databaseKinds } from '../../test/databases.js';
import { cameraOn as camera, twoInP2pCall } from '../../test/p2p-call.js';
import { killServers, spawnServer } from '../../test/processes.js';
import { TEST_ORIGIN } from '../../test/server.js';

/**
 * Decision 012: a peer-to-peer call whose two people reached two app processes on one PostgreSQL,
 * as behind a load balancer. Every message of the call crosses between the processes on the event
 * bus; an offer is longer than a NOTIFY may carry, so it travels in parts.
 */
describe.runIf(databaseKinds.includes('postgres'))('a peer-to-peer call across two server processes', () => {
  let fresh: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let database: Database;
  let urlA: string;
  let urlB: string;
  let address = 0;

  beforeAll(async () => {
    fresh = await createPostgresDatabase();
    database = await openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 2 });
    const env = {
      DATABASE_URL: fresh.url,
      PUBLIC_BASE_URL: TEST_ORIGIN,
      TRUST_PROXY: '1',
      SEED_DEMO: 'false',
      MEDIA_MODE: 'p2p',
    };
    const [a, b] = [spawnServer(env), spawnServer(env)];
    [urlA, urlB] = await Promise.all([a.url(), b.url()]);
  }, 60_000);

  afterAll(async () => {
    await killServers();
    await database.close();
    await fresh.drop();
  });

  it('relays join, long offers, state, chat, a reload and the end between a citizen on A and a clerk on B', async () => {
    const db = database.db;
    const client = (url: string) => new TestClient(url, { 'x-forwarded-for': `10.15.0.${String(++address)}` });
    const { department, clerk, citizen, visitId, clerkLive, citizenLive, clerkJoined, citizenJoined, citizenSeen } =
      await twoInP2pCall(db, {
        clerk: client(urlB),
        citizen: client(urlA),
        clerkName: 'Prozess B',
        knock: { name: 'Ayşe über A', concern: 'Ausweis', language: 'tr' },
      });
    expect(clerkJoined.participants).toEqual([]);
    // The citizen on A finds the clerk on B in the call; the clerk hears of the citizen.
    expect(citizenJoined.participants.map((p) => [p.role, p.name])).toEqual([['clerk', 'Prozess B']]);
    const citizenId = citizenSeen.participant.identity;
    const clerkId = citizenJoined.participants[0]!.identity;

    // An offer far longer than NOTIFY's 8,000 bytes, with letters of several bytes, arrives whole.
    const sdp = `v=0\r\n${'a=candidate:ü€𝄞 1 udp 2122260223 192.0.2.1 54400 typ host\r\n'.repeat(420)}`.slice(
      0,
      29_000,
    );
    const offer = clerkLive.next('call-signal');
    citizenLive.send({ type: 'call-signal', visitId, to: clerkId, data: { description: { type: 'offer', sdp } } });
    expect(await offer).toMatchObject({ from: citizenId, data: { description: { type: 'offer', sdp } } });
    const answer = citizenLive.next('call-signal');
    clerkLive.send({ type: 'call-signal', visitId, to: citizenId, data: { candidate: null } });
    expect(await answer).toMatchObject({ from: clerkId, data: { candidate: null } });

    // Camera off, the clerk's screen permission and the chat cross in both directions.
    const update = clerkLive.next('call-participant-updated');
    citizenLive.send({ type: 'call-media', visitId, media: { ...camera, camera: false } });
    expect((await update).participant.media.camera).toBe(false);
    const allowed = citizenLive.next('call-participant-updated', (m) => m.participant.canShareScreen);
    clerkLive.send({ type: 'call-allow-screen', visitId, identity: citizenId, allowed: true });
    await allowed;
    const chat = clerkLive.next('call-chat');
    citizenLive.send({ type: 'call-chat', visitId, text: 'Mein Nachname: Yılmaz' });
    expect(await chat).toMatchObject({ name: 'Ayşe über A', text: 'Mein Nachname: Yılmaz' });

    // A reload lands on the other process: the clerk sees the citizen leave and come back, the
    // screen permission stays, and the old connection is out.
    const movedCitizen = client(urlB);
    for (const [name, value] of citizen.cookies) movedCitizen.cookies.set(name, value);
    const reloaded = await movedCitizen.live();
    const left = clerkLive.next('call-participant-left');
    const rejoined = clerkLive.next('call-participant-joined');
    const rejoinedSelf = reloaded.next('call-joined');
    // The old page on A, still open (a second tab), hears that it is out.
    const replaced = citizenLive.next('call-replaced');
    reloaded.send({ type: 'call-join', visitId, media: camera });
    expect(await replaced).toEqual({ type: 'call-replaced', visitId });
    expect((await left).identity).toBe(citizenId);
    expect((await rejoined).participant).toMatchObject({ identity: citizenId, canShareScreen: true });
    expect((await rejoinedSelf).participants.map((p) => p.identity)).toEqual([clerkId]);
    const toTheNew = reloaded.next('call-chat');
    clerkLive.send({ type: 'call-chat', visitId, text: 'Wieder da?' });
    await toTheNew;
    await new Promise((resolve) => setTimeout(resolve, 300)); // A has had the same chance to deliver it
    expect(citizenLive.received.filter((m) => m.type === 'call-chat').map((m) => m.text)).toEqual([
      'Mein Nachname: Yılmaz',
    ]);
    citizenLive.close(); // the old page's socket goes: the new place stays
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await db.select().from(callMembers)).map((row) => row.identity).sort()).toEqual(
      [citizenId, clerkId].sort(),
    );

    // The clerk's finish reaches process A (another tab, say): both people on B are told.
    const clerkOnA = new TestClient(urlA, { 'x-forwarded-for': '10.15.1.1' });
    for (const [name, value] of clerk.cookies) clerkOnA.cookies.set(name, value);
    const ended = [reloaded.next('call-ended'), clerkLive.next('call-ended')];
    expect((await clerkOnA.post(`/api/staff/departments/${department.id}/visits/${visitId}/finish`)).status).toBe(204);
    for (const message of await Promise.all(ended)) expect(message.visitId).toBe(visitId);
    reloaded.close();
    clerkLive.close();
  });
});
