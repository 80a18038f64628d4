import type { MediaState } from '@amtsraum/shared';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.js';
import { callMembers } from '../../db/schema.js';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { cameraOn as camera, twoInP2pCall } from '../../test/p2p-call.js';
import { startSecondServer, startTestServer, type TestServer } from '../../test/server.js';
import { MEDIA_WRITE_SPACING_MS } from './p2p-rooms.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A participant's camera and microphone switches (`call-media`): each was a database write and a
 * message to every process. A burst now costs a few writes a second, and the other side still
 * ends up with the last state, also when the two people are on two processes (PostgreSQL).
 */
describe.each(databaseKinds)('camera and microphone switches in a peer-to-peer call on %s', (kind) => {
  let a: TestServer;
  let b: TestServer;
  let address = 0;
  /**
   * Statements that write a participant's state, on A (where the citizen is connected); not the
   * p2p-members job's touches of `seen_at`, whose round may fall into the bursts.
   */
  let memberWrites = 0;
  const client = (server: TestServer) =>
    new TestClient(server.url, { 'x-forwarded-for': `10.16.0.${String(++address)}` });

  beforeAll(async () => {
    const database = await createTestDatabase(kind, {
      onQuery: (query) => {
        if (/^update "call_members" set "participant"/i.test(query)) memberWrites += 1;
      },
    });
    a = await startTestServer(database, { env: { TRUST_PROXY: '1' } });
    b = await startSecondServer(a, { env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    if (b !== a) await b.stop();
    await a.stop();
  });

  it('writes a burst of 200 switches a few times a second, and the clerk on the other process ends up with the last state', async () => {
    const db = a.database.db;
    const { visitId, clerkLive, citizenLive } = await twoInP2pCall(db, {
      clerk: client(b),
      citizen: client(a),
      clerkName: 'Anna Schmidt',
    });

    // A single switch reaches the clerk, and so does one right after it.
    let seen = clerkLive.next('call-participant-updated', (m) => !m.participant.media.camera);
    citizenLive.send({ type: 'call-media', visitId, media: { ...camera, camera: false } });
    await seen;
    seen = clerkLive.next('call-participant-updated', (m) => m.participant.media.camera);
    citizenLive.send({ type: 'call-media', visitId, media: camera });
    await seen;

    // 200 switches in bursts of 50, each within the socket's message budget (60 at once, 30 a
    // second), so none is dropped before it reaches the call.
    const switches = Array.from({ length: 200 }, (_, i) => ({
      ...camera,
      camera: i % 2 === 0,
      microphone: i % 3 === 0,
    }));
    const last = switches.at(-1)!;
    const updatesBefore = clerkLive.received.filter((m) => m.type === 'call-participant-updated').length;
    const writesBefore = memberWrites;
    const started = performance.now();
    for (let burst = 0; burst < 4; burst++) {
      if (burst > 0) await pause(1_800);
      for (const media of switches.slice(burst * 50, burst * 50 + 50))
        citizenLive.send({ type: 'call-media', visitId, media });
    }
    const final = clerkLive.next(
      'call-participant-updated',
      (m) => m.participant.media.camera === last.camera && m.participant.media.microphone === last.microphone,
    );
    await final;
    // Anything still on its way has had its turn.
    await pause(MEDIA_WRITE_SPACING_MS * 3);
    const elapsed = performance.now() - started;

    expect(citizenLive.received.filter((m) => m.type === 'error')).toEqual([]);
    const updates = clerkLive.received.filter((m) => m.type === 'call-participant-updated').slice(updatesBefore);
    expect(updates.at(-1)!.participant.media).toMatchObject({ camera: last.camera, microphone: last.microphone });
    // At most one write per spacing (plus the one at once), instead of one per switch.
    const writes = memberWrites - writesBefore;
    expect(writes).toBeLessThanOrEqual(Math.ceil(elapsed / MEDIA_WRITE_SPACING_MS) + 1);
    expect(writes).toBeLessThan(switches.length / 4);
    expect(updates.length).toBe(writes);
    expect(await storedMedia(visitId, updates[0]!.participant.identity)).toMatchObject({
      camera: last.camera,
      microphone: last.microphone,
    });

    citizenLive.close();
    clerkLive.close();
  }, 30_000);

  /** The camera and microphone of `identity` as the database has them. */
  async function storedMedia(visitId: string, identity: string) {
    const [row] = await a.database.db
      .select({ participant: callMembers.participant })
      .from(callMembers)
      .where(and(eq(callMembers.visitId, visitId), eq(callMembers.identity, identity)));
    return row!.participant.media;
  }

  /** A call between a clerk on B and a citizen on A whose next change of a participant the database refuses. */
  async function callWithAFailingWrite() {
    const db = a.database.db;
    const call = await twoInP2pCall(db, { clerk: client(b), citizen: client(a) });
    const failing = await failNextChange(db);
    return {
      ...call,
      db,
      /** The failed write and one more were tried, the citizen was told of no error, and `media` is stored. */
      async endsOn(media: MediaState) {
        expect(await failing.changes()).toBe(2);
        expect(call.citizenLive.received.filter((m) => m.type === 'error')).toEqual([]);
        expect(await storedMedia(call.visitId, call.citizenSeen.participant.identity)).toEqual(media);
        await failing.disarm();
        call.citizenLive.close();
        call.clerkLive.close();
      },
    };
  }

  it('writes the last state after a write that failed: the clerk ends on the citizen’s last switch', async () => {
    const { db, visitId, clerkLive, citizenLive, citizenSeen, endsOn } = await callWithAFailingWrite();

    // The citizen switches twice while the database is slow: the first write waits on the call's
    // rows (then fails), the second switch waits for its turn behind it.
    const off = { ...camera, camera: false };
    const last = { ...camera, camera: false, microphone: false };
    let locked!: () => void;
    let release!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holding = db.transaction(async (tx) => {
      await tx.execute(sql`select 1 from call_members where visit_id = ${visitId} for update`);
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await lockTaken;
    const updatesBefore = clerkLive.received.filter((m) => m.type === 'call-participant-updated').length;
    citizenLive.send({ type: 'call-media', visitId, media: off });
    citizenLive.send({ type: 'call-media', visitId, media: last });
    // A socket's messages are handled in order: once the pong is back, both switches reached the call.
    const pong = citizenLive.next('pong');
    citizenLive.send({ type: 'ping' });
    await pong;
    release();
    await holding;

    const final = await clerkLive.next('call-participant-updated', (m) => !m.participant.media.microphone);
    expect(final.participant).toMatchObject({ identity: citizenSeen.participant.identity, media: last });
    // Nothing but the last state reached the clerk.
    const updates = clerkLive.received.filter((m) => m.type === 'call-participant-updated').slice(updatesBefore);
    expect(updates.map((m) => m.participant.media)).toEqual([last]);
    await endsOn(last);
  }, 30_000);

  it('writes a switch again whose own write failed, with no switch after it', async () => {
    const { visitId, clerkLive, citizenLive, endsOn } = await callWithAFailingWrite();
    const off = { ...camera, camera: false };
    const seen = clerkLive.next('call-participant-updated');
    citizenLive.send({ type: 'call-media', visitId, media: off });
    expect((await seen).participant.media).toEqual(off);
    await endsOn(off);
  }, 30_000);
});

/**
 * The database refuses the next change of a participant's state, once, with the error a transient
 * conflict gives (a serialisation failure). A sequence counts the changes tried: it is not rolled
 * back with the transaction the error ends.
 */
async function failNextChange(db: Db) {
  await db.execute(sql`create sequence if not exists participant_changes`);
  await db.execute(sql`select setval('participant_changes', 1, false)`);
  await db.execute(
    sql.raw(`create or replace function fail_first_change() returns trigger language plpgsql as $$
      begin
        if nextval('participant_changes') = 1 then
          raise exception 'could not serialize access' using errcode = '40001';
        end if;
        return new;
      end $$`),
  );
  await db.execute(sql`create or replace trigger fail_first_change before update on call_members for each row
    when (old.participant is distinct from new.participant) execute function fail_first_change()`);
  return {
    /** Changes tried since, the refused one included. */
    async changes() {
      const [counted] = await db.select({ changes: sql<string>`last_value` }).from(sql`participant_changes`);
      return Number(counted!.changes);
    },
    disarm: () => db.execute(sql`drop trigger fail_first_change on call_members`),
  };
}
