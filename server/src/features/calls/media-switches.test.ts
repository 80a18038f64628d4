import { and, eq } from 'drizzle-orm';
import type { MediaState } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callMembers } from '../../db/schema.js';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { makeDepartment, makeTenant, signedInClerk } from '../../test/factories.js';
import { startSecondServer, startTestServer, type TestServer } from '../../test/server.js';
import { MEDIA_WRITE_SPACING_MS } from './p2p-rooms.js';

const camera: MediaState = {
  camera: true,
  microphone: true,
  screen: false,
  cameraStreamId: 'cam-1',
  screenStreamId: null,
};
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
  /** Statements that write a participant's state, on A (where the citizen is connected). */
  let memberWrites = 0;
  const client = (server: TestServer) =>
    new TestClient(server.url, { 'x-forwarded-for': `10.16.0.${String(++address)}` });

  beforeAll(async () => {
    const database = await createTestDatabase(kind, {
      onQuery: (query) => {
        if (/^update "call_members"/i.test(query)) memberWrites += 1;
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
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id, { doorOverride: 'open', doorOverrideAt: new Date() });
    const clerk = (await signedInClerk(db, client(b), tenant.id, [department.id], { name: 'Anna Schmidt' })).browser;
    const citizen = client(a);
    const { visit } = (
      await citizen.post(`/api/tenants/${tenant.slug}/departments/${department.slug}/knock`, {
        name: 'Ayşe',
        concern: 'Ausweis',
        language: 'tr',
        consent: true,
      })
    ).json;
    const visitId = visit.id as string;
    expect((await clerk.post(`/api/staff/departments/${department.id}/visits/${visitId}/admit`)).status).toBe(200);
    const clerkLive = await clerk.live();
    const clerkJoined = clerkLive.next('call-joined');
    clerkLive.send({ type: 'call-join', visitId, media: camera });
    await clerkJoined;
    const citizenLive = await citizen.live();
    const citizenJoined = citizenLive.next('call-joined');
    citizenLive.send({ type: 'call-join', visitId, media: camera });
    await citizenJoined;

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
    const [row] = await db
      .select({ participant: callMembers.participant })
      .from(callMembers)
      .where(and(eq(callMembers.visitId, visitId), eq(callMembers.identity, updates[0]!.participant.identity)));
    expect(row!.participant.media).toMatchObject({ camera: last.camera, microphone: last.microphone });

    citizenLive.close();
    clerkLive.close();
  }, 30_000);
});
