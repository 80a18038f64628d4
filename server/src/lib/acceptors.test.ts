import { spawn } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, startTestServer } from '../test/server.js';
import { createTestDatabase } from '../test/databases.js';
import { addAcceptors, type Acceptors } from './acceptors.js';

/**
 * A client in a process of its own (the test's own loop is the server's, and is kept busy):
 * opens `count` connections at once, sends a request on each, and reports how many were answered.
 */
const CLIENT = `
const net = require('node:net');
const [port, count] = process.argv.slice(1).map(Number);
let answered = 0;
process.send('ready');
process.once('message', () => { for (let i = 0; i < count; i++) {
  const socket = net.connect(port, '127.0.0.1', () => {
    socket.write('GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n');
  });
  let text = '';
  socket.on('data', (chunk) => { text += chunk; });
  socket.on('close', () => {
    if (text.startsWith('HTTP/1.1 200')) answered++;
    if (answered === count) process.send({ answered }, () => process.exit(0));
  });
  socket.on('error', () => {});
} });`;

function runClient(port: number, count: number) {
  const child = spawn(process.execPath, ['-e', CLIENT, String(port), String(count)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = new Promise<void>((resolve) => child.on('message', (m) => m === 'ready' && resolve()));
  /** Lets the client connect while this thread stands still: the connections wait in the kernel. */
  const connectWhileBlocked = async () => {
    await ready;
    await new Promise<void>((resolve) =>
      child.send('go', () => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
        resolve();
      }),
    );
  };
  const answered = new Promise<number>((resolve, reject) => {
    child.on('message', (m) => typeof m === 'object' && resolve((m as { answered: number }).answered));
    // Killed by the test's cleanup: not a failure of its own.
    child.on(
      'exit',
      (code, signal) => signal === null && code !== 0 && reject(new Error(`client exited with ${String(code)}`)),
    );
  });
  return { connectWhileBlocked, answered, child };
}

describe('extra listeners on the listening socket', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function plainServer(extra: number, execPath?: string) {
    const accepted: net.Socket[] = [];
    const server = http.createServer((_req, res) => res.end('ok'));
    server.on('connection', (socket) => accepted.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const logs = captureLogger('warn');
    const acceptors: Acceptors = addAcceptors(server, { extra, logger: logs.logger, execPath });
    cleanup.push(async () => {
      server.closeAllConnections();
      await Promise.all([new Promise((resolve) => server.close(resolve)), acceptors.close()]);
    });
    return { server, accepted, acceptors, logs, port: (server.address() as AddressInfo).port };
  }

  it('takes in several new connections per turn of a busy event loop, and serves them all', async () => {
    const { accepted, acceptors, port } = await plainServer(7);
    await acceptors.ready();
    expect(acceptors.count).toBe(7);
    const client = runClient(port, 24);
    cleanup.push(async () => void client.child.kill());
    // All 24 connect while the loop stands still, and wait in the kernel's queue (the handshake
    // needs no accept); from here on, count what each turn of the loop takes in.
    await client.connectWhileBlocked();
    const perTurn: number[] = [];
    let before = accepted.length;
    await new Promise<void>((resolve) => {
      const turn = () => {
        perTurn.push(accepted.length - before);
        before = accepted.length;
        if (accepted.length >= 24 || perTurn.length > 200) resolve();
        else setImmediate(turn);
      };
      setImmediate(turn);
    });
    expect(accepted).toHaveLength(24);
    // Node's loop takes one connection per listening descriptor and turn: with eight listeners,
    // up to eight (one alone took one per turn).
    expect(Math.max(...perTurn)).toBeGreaterThanOrEqual(4);
    expect(await client.answered).toBe(24);
  });

  it('goes on with its own listener when the helper cannot start, and says so', async () => {
    const { acceptors, logs, port } = await plainServer(3, '/nonexistent/node');
    await acceptors.ready();
    expect(acceptors.count).toBe(0);
    expect(logs.text()).toContain('extra listeners not all set up');
    const client = runClient(port, 3);
    cleanup.push(async () => void client.child.kill());
    await client.connectWhileBlocked();
    expect(await client.answered).toBe(3);
  });

  const connectTo = (port: number) =>
    new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });

  it('takes in nothing once the server has stopped, also when stopped before the listeners were all there', async () => {
    for (const settled of [true, false]) {
      // Stopping closes the database too.
      const server = await startTestServer(await createTestDatabase('pglite'));
      const port = Number(new URL(server.url).port);
      if (settled) {
        await server.acceptors.ready();
        expect(server.acceptors.count).toBe(7);
      }
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      await server.stop();
      expect(await connectTo(port)).toBe('ECONNREFUSED');
    }
  });
});
