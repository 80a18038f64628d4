import type { ServerMessage } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallMedia } from '../../deps.js';
import { STAFF_COOKIE } from '../../lib/cookies.js';
import type { EventBus, LiveEvent } from '../../lib/event-bus.js';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { admittedVisit, cameraOn as camera } from '../../test/p2p-call.js';
import { startTestServer, type TestServer } from '../../test/server.js';
import { P2pRooms, type CallMember } from './p2p-rooms.js';

/**
 * The relay between two app processes as the event bus carries it, with the delivery in the
 * test's hands: relayed texts wait in order until `release()`, and `onPublish` runs inside a
 * publish (the moment a join has taken its place in the database but not yet answered).
 */
class HeldRelay {
  private readonly listeners: ((text: string) => void)[] = [];
  private readonly queue: string[] = [];
  held = true;
  onPublish: (() => Promise<void>) | null = null;

  bus(): EventBus {
    return {
      publish: async (_event: LiveEvent) => {
        const hook = this.onPublish;
        this.onPublish = null;
        await hook?.();
      },
      publishAll: async () => {},
      subscribe: () => () => {},
      relay: async (_topic: string, text: string) => {
        this.queue.push(text);
        if (!this.held) this.release();
      },
      onRelay: (_topic: string, listener: (text: string) => void) => {
        this.listeners.push(listener);
        return () => {};
      },
      start: async () => {},
      stop: async () => {},
    };
  }

  /** Every process gets every held text, in the order they were relayed. */
  release(): void {
    for (const text of this.queue.splice(0)) for (const listener of this.listeners) listener(text);
  }
}

const media: CallMedia = { signalling: { maxParticipants: 4 } } as unknown as CallMedia;

/**
 * The order of a peer-to-peer call's joins is the database's (serialised on the visit's row); the
 * notices about them travel on the event bus and may arrive later than the next join's own
 * reading of the database. Two people must still end up with exactly one of them offering: the
 * client treats "X joined" as "X is new, X offers", and "you joined, with X" as "you offer to X".
 * Found as the citizen who never saw the clerk in the browser test across two processes.
 */
describe.each(databaseKinds)('peer-to-peer joins whose notices arrive late, on %s', (kind) => {
  let server: TestServer;
  let address = 0;
  const client = () => new TestClient(server.url, { 'x-forwarded-for': `10.23.0.${String(++address)}` });

  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase(kind), { env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => server.stop());

  async function admitted() {
    const { visitId, clerk } = await admittedVisit(server.database.db, {
      clerk: client(),
      citizen: client(),
      clerkName: 'Anna',
      knock: { name: 'Erika', concern: 'Ummeldung', language: 'de' },
    });
    return { visitId, staffToken: clerk.cookies.get(STAFF_COOKIE)! };
  }

  function twoProcesses() {
    const relay = new HeldRelay();
    const process = () => new P2pRooms({ db: server.database.db, events: relay.bus(), media, now: () => new Date() });
    return { relay, a: process(), b: process() };
  }

  function member(id: string, cookies: CallMember['cookies']) {
    const received: ServerMessage[] = [];
    return { connectionId: id, cookies, send: (message: ServerMessage) => received.push(message), received };
  }

  const joinedNotices = (received: ServerMessage[]) =>
    received.filter((m) => m.type === 'call-participant-joined').map((m) => m.participant.role);

  it('does not tell the later of two people that the earlier joined: the later one already offers', async () => {
    const { visitId, staffToken } = await admitted();
    const { relay, a, b } = twoProcesses();
    const citizen = member('citizen-on-a', { staffToken: null, visitId, inviteGuestId: null });
    const clerk = member('clerk-on-b', { staffToken, visitId: null, inviteGuestId: null });

    await a.handle(citizen, { type: 'call-join', visitId, media: camera });
    await b.handle(clerk, { type: 'call-join', visitId, media: camera });
    // The citizen's notice ("the citizen joined") reaches process B only now, after the clerk's
    // own join found the citizen in the call.
    relay.release();

    const citizenJoined = citizen.received.find((m) => m.type === 'call-joined');
    const clerkJoined = clerk.received.find((m) => m.type === 'call-joined');
    expect(citizenJoined?.type === 'call-joined' && citizenJoined.participants).toEqual([]);
    expect(clerkJoined?.type === 'call-joined' && clerkJoined.participants.map((p) => p.role)).toEqual(['citizen']);
    // The clerk offers to the citizen (listed in `call-joined`), the citizen waits for that offer.
    expect(joinedNotices(clerk.received)).toEqual([]);
    expect(joinedNotices(citizen.received)).toEqual(['clerk']);
  });

  it('holds what reaches a newcomer before their own `call-joined`, and hands it on after', async () => {
    const { visitId, staffToken } = await admitted();
    const { relay, a, b } = twoProcesses();
    relay.held = false;
    const citizen = member('citizen-on-a', { staffToken: null, visitId, inviteGuestId: null });
    const clerk = member('clerk-on-b', { staffToken, visitId: null, inviteGuestId: null });

    // The citizen has a place in the database, and before they are answered the clerk joins on B,
    // finds the citizen, and offers at once.
    relay.onPublish = async () => {
      await b.handle(clerk, { type: 'call-join', visitId, media: camera });
      const citizenIdentity = clerk.received.find((m) => m.type === 'call-joined');
      if (citizenIdentity?.type !== 'call-joined') throw new Error('the clerk did not join');
      await b.handle(clerk, {
        type: 'call-signal',
        visitId,
        to: citizenIdentity.participants[0]!.identity,
        data: { description: { type: 'offer', sdp: 'v=0\r\n' } },
      });
    };
    await a.handle(citizen, { type: 'call-join', visitId, media: camera });

    // `call-joined` first (it starts the client afresh), then who joined, then their offer.
    expect(citizen.received.map((m) => m.type)).toEqual(['call-joined', 'call-participant-joined', 'call-signal']);
    expect(joinedNotices(clerk.received)).toEqual([]);
  });
});
