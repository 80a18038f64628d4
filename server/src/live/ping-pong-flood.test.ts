import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { databaseKinds } from '../test/databases.js';
import { useTestServer } from '../test/suite.js';

// A hostile client on the live socket: protocol pings (which no browser page can send) were
// answered one by one, as fast as they came and without end, outside the budget every message
// spends from; a client that read its pongs kept the process answering at the speed of its
// network; pongs nobody asked for were taken without limit. Both spend from that budget now,
// and a flood of either closes the socket as one of messages does.

const PINGS = 2_000;
const BATCH = 20;

describe.each(databaseKinds)('protocol pings and pongs on the live socket on %s', (kind) => {
  const suite = useTestServer(kind);

  it('answers a few, and closes a socket that floods them (1008) as one that floods messages', async () => {
    const live = await suite.client().live();
    const socket = live.socket;
    let pongs = 0;
    const outcome = new Promise<string>((resolve) => {
      socket.on('pong', () => {
        pongs += 1;
        if (pongs === PINGS) resolve('every ping answered');
      });
      socket.once('close', (code, reason) => resolve(`closed ${String(code)} ${reason.toString()}`));
    });
    // A few at a time, each batch once the last was answered: under ws's own cap on pongs not yet
    // written (a burst of pings it cut off hard), as a client that reads them could go on for ever.
    // Once told to slow down, it goes on regardless.
    let told = false;
    void live
      .next('error', (m) => m.code === 'rate_limited', 60_000)
      .then(
        () => (told = true),
        () => {},
      );
    let sent = 0;
    while (sent < PINGS && socket.readyState === WebSocket.OPEN && !told) {
      const wanted = sent + BATCH;
      for (; sent < wanted; sent++) socket.ping();
      await new Promise<void>((resolve) => {
        // After LiveSocket's own listener: `told` is set by the time this runs.
        const onMessage = () => setImmediate(check);
        const check = () => {
          if (pongs < wanted && socket.readyState === WebSocket.OPEN && !told) return;
          socket.off('pong', check);
          socket.off('close', check);
          socket.off('message', onMessage);
          resolve();
        };
        socket.on('pong', check);
        socket.on('close', check);
        socket.on('message', onMessage);
      });
    }
    for (; sent < PINGS && socket.readyState === WebSocket.OPEN; sent++) socket.ping();
    expect(await outcome).toBe('closed 1008 too many messages');
    expect(pongs).toBeGreaterThan(0); // an ordinary client's ping is answered
    expect(pongs).toBeLessThan(PINGS);
  });

  it('closes a socket that floods unasked pongs (1008), which were never refused', async () => {
    const live = await suite.client().live();
    const socket = live.socket;
    const closed = new Promise<string>((resolve) => {
      socket.once('close', (code, reason) => resolve(`closed ${String(code)} ${reason.toString()}`));
    });
    for (let i = 0; i < PINGS && socket.readyState === WebSocket.OPEN; i++) socket.pong();
    // Still open, a ping message would be answered: the outcome is whichever comes first.
    const pong = live
      .next('pong', () => true, 60_000)
      .then(
        () => 'still open',
        () => 'no answer',
      );
    if (socket.readyState === WebSocket.OPEN) live.send({ type: 'ping' });
    expect(await Promise.race([closed, pong])).toBe('closed 1008 too many messages');
  });
});
