import net from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visits } from '../db/schema.js';
import { todayIn } from '../features/directory/directory.service.js';
import { displayStreamsOf } from '../features/devices/display-streams.js';
import { createTestDatabase } from '../test/databases.js';
import { pairedDisplay } from '../test/display-stream.js';
import { startTestServer, type TestServer } from '../test/server.js';

// A call display that stops reading its stream (a frozen browser, a network gone quiet without
// closing) must not make the server pile up a list per change for it: past what the socket
// takes, only the newest list waits, and it is the one the display gets when it reads again.
// Each list is everything the display shows, so nothing is lost. The logic does not depend on
// the database; PGlite fills the kernel's buffers fastest.

const ADDRESS = '10.204.0.1';
/** Ten calls with the longest counter names: a list of about 1.2 KB. */
const CALLS = 10;
const COUNTER = 'Schalter 12, Erdgeschoss links';

describe('a call display that stops reading its stream', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(await createTestDatabase('pglite'), { env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => server?.stop());

  it('holds at most the socket’s buffer and one list for it, and sends the newest when it reads again', async () => {
    const { tenant, department, display } = await pairedDisplay(server, { address: ADDRESS });
    const db = server.database.db;
    const day = todayIn(tenant.timeZone, new Date());
    const start = new Date();
    await db.insert(visits).values(
      Array.from({ length: CALLS }, (_, i) => ({
        tenantId: tenant.id,
        departmentId: department.id,
        channel: 'onsite' as const,
        state: 'done' as const,
        citizenName: `Person ${String(i)}`,
        concern: 'Ummeldung',
        language: 'de',
        ticketDay: day,
        ticketNumber: i + 1,
        calledAt: new Date(start.getTime() - i * 1000),
        calledCounter: COUNTER,
        createdAt: start,
        lastSeenAt: start,
        endedAt: start,
      })),
    );

    // The stream as EventSource asks for it, over a socket this test reads only when it wants to.
    const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'GET /api/devices/display/calls/stream HTTP/1.1\r\nHost: amtsraum.test\r\n' +
        `Cookie: ${display.cookieHeader()}\r\nX-Forwarded-For: ${ADDRESS}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    while (!received.includes('event: calls')) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    socket.pause();

    const streams = displayStreamsOf(server.deps);
    let second = 0;
    /** Every call of the list a second later: a new list, sent (or kept) before this returns. */
    const change = async () => {
      second += 1;
      await db
        .update(visits)
        .set({ calledAt: sql`${visits.calledAt} + interval '1 second'` })
        .where(eq(visits.departmentId, department.id));
      await server.deps.events.publish({ departmentId: department.id, context: true });
      // The streams read on the next turn; a statement after that read returns after it.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      await db.execute(sql`select 1`);
    };

    // The kernel's buffers take a few megabytes first; then the server's own buffer fills.
    while (streams.unsentBytes() === 0) {
      await change();
      expect(second).toBeLessThan(20_000);
    }
    let most = 0;
    for (let i = 0; i < 300; i++) {
      await change();
      most = Math.max(most, streams.unsentBytes());
    }
    // 300 more lists of about 1.2 KB each would be 360 KB queued; the socket's buffer is 16 KB.
    expect(most).toBeLessThan(16 * 1024 + 4 * 1024);

    // Reading again, the display gets the newest list: its first call is the latest time.
    const newest = new Date(start.getTime() + second * 1000).toISOString();
    socket.resume();
    while (!received.includes(`"calledAt":"${newest}"`)) await new Promise((resolve) => setTimeout(resolve, 10));
    const lists = received.split('event: calls\ndata: ').slice(1);
    const last = JSON.parse(lists.at(-1)!.split('\n')[0]!) as { calls: { calledAt: string }[] };
    expect(last.calls).toHaveLength(CALLS);
    expect(last.calls[0]!.calledAt).toBe(newest);
    socket.destroy();
  }, 120_000);
});
