import { describe, expect, it } from 'vitest';
import { LiveClient, backoffDelay, type SocketLike, type Timers } from './live-client';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown) {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  messages() {
    return this.sent.map((text) => JSON.parse(text) as { type: string });
  }
}

/** Manual clock: timers fire only when the test advances time. */
class FakeTimers implements Timers {
  time = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void; every: number | null }>();
  setTimeout(callback: () => void, ms: number) {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + ms, callback, every: null });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }
  setInterval(callback: () => void, ms: number) {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + ms, callback, every: ms });
    return id;
  }
  clearInterval(handle: unknown) {
    this.pending.delete(handle as number);
  }
  now() {
    return this.time;
  }
  advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.time = timer.at;
      if (timer.every === null) this.pending.delete(id);
      else timer.at += timer.every;
      timer.callback();
    }
    this.time = end;
  }
  /** Delays of the pending one-shot timers, from now. */
  pendingDelays() {
    return [...this.pending.values()].filter((t) => t.every === null).map((t) => t.at - this.time);
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const client = new LiveClient({
    url: 'ws://test/ws',
    timers,
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
  });
  const states: string[] = [];
  client.onState((state) => states.push(state));
  const last = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket');
    return socket;
  };
  return { client, sockets, timers, states, last };
}

describe('backoffDelay', () => {
  it('starts at half a second and doubles up to ten seconds', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => backoffDelay(attempt))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
  });
});

describe('LiveClient', () => {
  it('sends registered watch messages on connect and after every reconnect, without duplicates', () => {
    const { client, last, timers } = setup();
    const door = { type: 'watch-door', tenant: 'musterstadt', department: 'buergeramt' } as const;
    client.subscribe(door);
    client.subscribe(door); // a second hook for the same door
    const unwatchVisit = client.subscribe({ type: 'watch-visit' });
    client.start();
    last().open();
    expect(last().messages()).toEqual([door, { type: 'watch-visit' }]);

    unwatchVisit();
    last().drop();
    timers.advance(500);
    last().open();
    expect(last().messages()).toEqual([door]);
  });

  it('sends a subscription at once when already connected', () => {
    const { client, last } = setup();
    client.start();
    last().open();
    client.subscribe({ type: 'watch-visit' });
    expect(last().messages()).toEqual([{ type: 'watch-visit' }]);
  });

  it('backs off 0.5 s doubling to 10 s, and starts over after a good connection', () => {
    const { client, last, timers, sockets, states } = setup();
    client.start();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      last().drop();
      delays.push(...timers.pendingDelays());
      timers.advance(timers.pendingDelays()[0] ?? 0);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(states).toEqual(['connecting', 'reconnecting']);

    last().open();
    expect(client.state).toBe('open');
    timers.advance(6_000); // stayed open: a good connection
    last().drop();
    expect(timers.pendingDelays()).toEqual([500]);
    expect(sockets.length).toBe(8);
  });

  it('keeps backing off when connections drop right after opening', () => {
    const { client, last, timers } = setup();
    client.start();
    last().open();
    last().drop();
    expect(timers.pendingDelays()).toEqual([500]);
    timers.advance(500);
    last().open();
    last().drop();
    expect(timers.pendingDelays()).toEqual([1000]);
  });

  it('parses every message and passes on only valid ones', () => {
    const { client, last } = setup();
    const got: string[] = [];
    const off = client.on((message) => got.push(message.type));
    client.start();
    last().open();
    last().receive({ type: 'pong' });
    last().receive({ type: 'door', door: 'not a door' });
    last().receive('not json');
    last().receive({ type: 'error', code: 'forbidden', message: 'no' });
    off();
    last().receive({ type: 'pong' });
    expect(got).toEqual(['pong', 'error']);
  });

  it('pings every 20 s and replaces a connection that stays silent', () => {
    const { client, last, timers, sockets } = setup();
    client.start();
    last().open();
    timers.advance(20_000);
    expect(last().messages()).toEqual([{ type: 'ping' }]);
    last().receive({ type: 'pong' });
    timers.advance(20_000);
    expect(last().messages()).toEqual([{ type: 'ping' }, { type: 'ping' }]);
    timers.advance(20_000); // no pong this time
    expect(sockets[0]?.closed).toBe(true);
    expect(client.state).toBe('reconnecting');
  });

  it('send() reports false while not connected', () => {
    const { client, last } = setup();
    client.start();
    expect(client.send({ type: 'ping' })).toBe(false);
    last().open();
    expect(client.send({ type: 'ping' })).toBe(true);
  });

  it('reconnectNow() replaces the socket at once, e.g. after signing in', () => {
    const { client, last, sockets } = setup();
    client.subscribe({ type: 'watch-visit' });
    client.start();
    last().open();
    client.reconnectNow();
    expect(sockets[0]?.closed).toBe(true);
    expect(sockets.length).toBe(2);
    last().open();
    expect(last().messages()).toEqual([{ type: 'watch-visit' }]);
  });

  it('reconnectNow() while still connecting closes the old socket only once it opens', () => {
    const { client, sockets } = setup();
    client.start();
    client.reconnectNow();
    expect(sockets.length).toBe(2);
    expect(sockets[0]?.closed).toBe(false);
    sockets[0]?.open();
    expect(sockets[0]?.closed).toBe(true);
    expect(client.state).not.toBe('open'); // the old socket's open does not count
  });

  it('stop() closes and schedules nothing', () => {
    const { client, last, timers, sockets } = setup();
    client.start();
    last().open();
    client.stop();
    expect(client.state).toBe('closed');
    timers.advance(60_000);
    expect(sockets.length).toBe(1);
  });
});
