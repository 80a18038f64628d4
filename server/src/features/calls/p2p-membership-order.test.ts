import type { ServerMessage } from '@amtsraum/shared';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callMembers, visits } from '../../db/schema.js';
import type { EventBus } from '../../lib/event-bus.js';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { eventually } from '../../test/eventually.js';
import { cameraOn as camera, twoInP2pCall } from '../../test/p2p-call.js';
import { startSecondServer, startTestServer, type TestServer } from '../../test/server.js';

/**
 * Who is in a peer-to-peer call, as a page keeps it: its `call-joined` list, then the
 * `call-participant-joined` and `-left` notices, by identity (web/.../p2p-transport.ts does the same).
 */
function present(received: ServerMessage[]): string[] {
  const people = new Set<string>();
  for (const message of received) {
    if (message.type === 'call-joined') {
      people.clear();
      for (const participant of message.participants) people.add(participant.identity);
    } else if (message.type === 'call-participant-joined') people.add(message.participant.identity);
    else if (message.type === 'call-participant-left') people.delete(message.identity);
  }
  return [...people];
}

/** Holds a process's relayed call messages (its NOTIFYs running late) until `release()`. */
function holdRelays(bus: EventBus) {
  const original = bus.relay.bind(bus);
  const held: { topic: string; text: string; sent: (value: Promise<void>) => void }[] = [];
  bus.relay = (topic, text) => new Promise<void>((resolve) => held.push({ topic, text, sent: resolve }));
  return {
    /** Lets them go, in order; resolves once they are on the bus. */
    release(): Promise<void[]> {
      bus.relay = original;
      return Promise.all(
        held.splice(0).map(({ topic, text, sent }) => {
          const relayed = original(topic, text);
          sent(relayed);
          return relayed;
        }),
      );
    },
  };
}

/**
 * The notices about a call's members travel on the event bus; a page's own `call-joined` reads the
 * database. A notice of a change the page's list already shows can arrive after that list: a
 * departure of a connection the page never knew must not take away the person's newer one.
 * Reported as: the citizen reloads onto process B while the clerk's page (re)joins on A; the
 * clerk's page was told the citizen left, the citizen's new `joined` was skipped as known, and
 * the clerk lost the citizen for the rest of the call.
 */
describe.runIf(databaseKinds.includes('postgres'))('peer-to-peer membership notices that arrive late', () => {
  let a: TestServer;
  let b: TestServer;
  let address = 0;
  const client = (server: TestServer) =>
    new TestClient(server.url, { 'x-forwarded-for': `10.24.0.${String(++address)}` });
  const movedTo = (server: TestServer, from: TestClient) => {
    const moved = client(server);
    for (const [name, value] of from.cookies) moved.cookies.set(name, value);
    return moved;
  };

  beforeAll(async () => {
    a = await startTestServer(await createTestDatabase('postgres'), { env: { TRUST_PROXY: '1' } });
    b = await startSecondServer(a, { env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  it("keeps the citizen on the clerk's page when the citizen's reload is told after the clerk's own join", async () => {
    const { visitId, clerk, citizen, clerkLive, citizenLive, citizenSeen } = await twoInP2pCall(a.database.db, {
      clerk: client(a),
      citizen: client(a),
      clerkName: 'Anna',
    });
    const citizenId = citizenSeen.participant.identity;

    // The citizen reloads onto B, whose notices ("the old connection left", "the new one joined")
    // run late; meanwhile the clerk's page reconnects on A and finds the citizen's new connection.
    const late = holdRelays(b.deps.events);
    const citizenAgain = await movedTo(b, citizen).live();
    const citizenJoined = citizenAgain.next('call-joined');
    citizenAgain.send({ type: 'call-join', visitId, media: camera });
    await citizenJoined;
    const clerkAgain = await movedTo(a, clerk).live();
    const clerkJoined = clerkAgain.next('call-joined');
    clerkAgain.send({ type: 'call-join', visitId, media: camera });
    expect((await clerkJoined).participants.map((p) => p.identity)).toEqual([citizenId]);

    void late.release();
    // A chat from the citizen's new page leaves B after the late notices: once it is in, they are.
    const chat = clerkAgain.next('call-chat');
    citizenAgain.send({ type: 'call-chat', visitId, text: 'Bin wieder da' });
    await chat;

    const membership = clerkAgain.received
      .filter((m) => m.type.startsWith('call-participant-') && m.type !== 'call-participant-updated')
      .map((m) => m.type);
    expect(membership).toEqual([]);
    expect(present(clerkAgain.received)).toEqual([citizenId]);
    for (const live of [clerkLive, citizenLive, citizenAgain, clerkAgain]) live.close();
  });

  it('keeps the newest page of a citizen who reloads twice, across processes, and the clerk keeps seeing them', async () => {
    const { visitId, citizen, clerkLive, citizenLive, citizenSeen } = await twoInP2pCall(a.database.db, {
      clerk: client(a),
      citizen: client(a),
      clerkName: 'Anna',
    });
    const citizenId = citizenSeen.participant.identity;

    // A reload onto B, whose notices run late, and at once another one back onto A.
    const late = holdRelays(b.deps.events);
    const second = await movedTo(b, citizen).live();
    const secondJoined = second.next('call-joined');
    second.send({ type: 'call-join', visitId, media: camera });
    await secondJoined;
    const third = await movedTo(a, citizen).live();
    const thirdJoined = third.next('call-joined');
    third.send({ type: 'call-join', visitId, media: camera });
    await thirdJoined;
    const seenThird = clerkLive.next('call-participant-joined');
    await seenThird;

    // B's notices of the first reload ("the first page is out, the second joined") come last.
    await late.release();
    // The clerk's own chat comes back after them.
    const chat = clerkLive.next('call-chat');
    clerkLive.send({ type: 'call-chat', visitId, text: 'Alles da?' });
    await chat;

    // The newest page is still in the call, not told it was replaced by the one before it.
    expect(third.received.map((m) => m.type)).not.toContain('call-replaced');
    expect(citizenLive.received.map((m) => m.type)).toContain('call-replaced');
    // The clerk's page was told the citizen came back once (the newest page), and keeps them.
    const membership = clerkLive.received
      .filter((m) => m.type === 'call-participant-joined' || m.type === 'call-participant-left')
      .map((m) => m.type);
    expect(membership).toEqual(['call-participant-joined', 'call-participant-joined']);
    expect(present(clerkLive.received)).toEqual([citizenId]);
    for (const live of [clerkLive, citizenLive, second, third]) live.close();
  });

  it('refuses a join whose visit the clerk finished between its check and its place', async () => {
    const db = a.database.db;
    const { visitId, citizen, clerkLive, citizenLive } = await twoInP2pCall(db, {
      clerk: client(a),
      citizen: client(a),
      clerkName: 'Anna',
    });
    const places = async () =>
      (await db.select().from(callMembers).where(eq(callMembers.visitId, visitId))).map((row) => row.connectionId);
    const before = await places();

    // The citizen reloads onto B; B has let them in (the visit was with its clerk) and waits for
    // the visit's row to take their place. Meanwhile the clerk's finish takes the row first, and
    // every process ends the call: there is no place of the citizen's on B yet.
    let finish!: () => void;
    const finishing = new Promise<void>((resolve) => (finish = resolve));
    let locked!: () => void;
    const taken = new Promise<void>((resolve) => (locked = resolve));
    const held = db.transaction(async (tx) => {
      await tx.select({ id: visits.id }).from(visits).where(eq(visits.id, visitId)).for('update');
      locked();
      await finishing;
      // As the visit module's `finish` writes it.
      await tx.update(visits).set({ state: 'done', endedAt: new Date(), callKey: null }).where(eq(visits.id, visitId));
    });
    // The finish has the row before the join is sent (on a loaded machine the join could
    // otherwise take its place first and be let in, which is another case).
    await taken;
    const again = await movedTo(b, citizen).live();
    const answer = again.next('error');
    again.send({ type: 'call-join', visitId, media: camera });
    await eventually(async () => {
      // postgres.js: the rows themselves.
      const rows = (await b.database.db.execute(
        sql`select count(*)::int as waiting from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
      )) as unknown as { waiting: number }[];
      return rows[0]!.waiting > 0;
    }, 'the join waiting for the visit');
    finish();
    await held;

    // Refused as a join after the finish is: no `call-joined`, and no place taken (the places
    // there were go with the finish's end of the call).
    expect(await answer).toMatchObject({ code: 'forbidden' });
    expect(again.received.map((m) => m.type)).not.toContain('call-joined');
    expect((await places()).sort()).toEqual(before.sort());
    for (const live of [clerkLive, citizenLive, again]) live.close();
  });
});
