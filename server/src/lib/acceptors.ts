import { spawn } from 'node:child_process';
import net from 'node:net';
import type { Logger } from './logger.js';

/**
 * Extra listeners on the server's own listening socket, so that a busy server still takes in new
 * connections (issue 14, the 07:45 rush).
 *
 * Node's event loop (libuv since 1.45) accepts one new connection per listening descriptor per
 * turn of the loop. A server that is busy turns its loop a few dozen times a second, so in a rush
 * it took in a few dozen new connections a second, while requests on connections already open
 * were served at once: in the rush benchmark every slow booking (up to 1.2 s) was the first
 * request of a new connection, waiting in the kernel's accept queue (225 deep), with its handler
 * taking 1 to 5 ms once it ran. Behind a reverse proxy a burst of citizens is a burst of new
 * upstream connections too.
 *
 * Each extra listener holds a duplicate of the one listening descriptor and takes one more
 * connection per turn; all of them hand their connections to the same HTTP server, which then
 * treats them like its own (timeouts, keep-alive, upgrades, closing). The duplicates come from
 * the kernel by way of a short-lived child process: the descriptor is sent to it over its IPC
 * channel and straight back, each round trip arriving as a new descriptor. The child gets no
 * environment, accepts nothing (it only sees the raw handle) and exits once done.
 *
 * Best effort: if the child cannot start or does not answer, the server goes on with its own
 * listener (logged). Not on Windows, whose descriptors cannot travel this way.
 */
export interface Acceptors {
  /** How many extra listeners are taking connections now. */
  readonly count: number;
  /** Settles once the helper is done (all listeners there, or as many as it gave). */
  ready(): Promise<void>;
  /** Waits for the helper to be done, then closes every extra listener. */
  close(): Promise<void>;
}

/** The helper: sends each descriptor straight back, lets go of its own copy, and leaves after the last. */
const ECHO = `process.on('message', (m, h) => process.send(m, h, () => { h.close(); if (m === 'last') process.disconnect(); }));`;

export function addAcceptors(
  server: net.Server,
  options: {
    extra: number;
    logger: Logger;
    timeoutMs?: number;
    /** The Node binary for the helper (tests give one that does not exist). */
    execPath?: string;
  },
): Acceptors {
  const listeners: net.Server[] = [];
  let closed = false;
  const handle = (server as unknown as { _handle?: object | null })._handle;
  if (options.extra <= 0 || process.platform === 'win32' || !handle) {
    return { count: 0, ready: () => Promise.resolve(), close: () => Promise.resolve() };
  }
  // The settings `http.createServer` gave its own listener, for the connections the others take.
  const own = server as net.Server & { noDelay?: boolean; keepAlive?: boolean; keepAliveInitialDelay?: number };
  const settings = {
    noDelay: own.noDelay ?? true,
    keepAlive: own.keepAlive ?? false,
    keepAliveInitialDelay: own.keepAliveInitialDelay ?? 0,
  };
  const done = new Promise<void>((resolve) => {
    const child = spawn(options.execPath ?? process.execPath, ['-e', ECHO], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: {},
    });
    let problem: string | null = null;
    const fail = (reason: string) => {
      problem ??= reason;
      child.kill();
    };
    const timer = setTimeout(() => fail('no answer in time'), options.timeoutMs ?? 10_000);
    // Done once the child is gone: until then it holds a copy of the descriptor too.
    const settle = () => {
      clearTimeout(timer);
      if (!closed && (problem || listeners.length < options.extra)) {
        options.logger.warn(
          { acceptors: listeners.length, problem: problem ?? 'the helper ended early' },
          'extra listeners not all set up; new connections are taken in more slowly when busy',
        );
      }
      resolve();
    };
    // Gone, and its channel read to the end: 'exit' alone can come before the last answers.
    let ends = 0;
    const ended = () => {
      if (++ends === 2) settle();
    };
    child.on('exit', ended);
    child.on('disconnect', ended);
    // Could not start at all: no exit follows.
    child.on('error', (error) => {
      problem ??= error.message;
      if (child.pid === undefined) settle();
    });
    child.on('message', (_message, returned) => {
      if (!returned) return;
      if (closed || !server.listening) {
        // Stopping meanwhile: this duplicate would keep the socket listening on its own.
        (returned as unknown as { close(): void }).close();
        return;
      }
      const listener = new net.Server(settings);
      listener.on('connection', (socket) => server.emit('connection', socket));
      // A failing duplicate is dropped; the other listeners go on.
      listener.on('error', (error) => options.logger.warn({ err: error }, 'an extra listener failed'));
      listener.listen(returned);
      listeners.push(listener);
    });
    if (child.pid === undefined) return;
    for (let i = 1; i <= options.extra; i++) {
      child.send(i === options.extra ? 'last' : 'next', handle as net.Server, (error) => {
        if (error) fail(error.message);
      });
    }
  });
  return {
    get count() {
      return listeners.length;
    },
    ready: () => done,
    async close() {
      closed = true;
      await done;
      await Promise.all(listeners.map((listener) => new Promise<void>((resolve) => listener.close(() => resolve()))));
    },
  };
}
