/**
 * Benchmark child: the floor. A bare `ws` server with no database and no application logic that
 * holds the same connections in the same department groups. `POST /change?group=k` sends every
 * client of group k a `visit` message shaped like the app's (one JSON.stringify per client, as
 * the hub does, since each citizen's position differs) and answers 204 when all are handed to
 * the sockets. Started by live-fanout.ts with `fork`; see protocol.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { measureMemory, type ChildReply, type ParentRequest } from './protocol.js';

const send = (message: ChildReply) => process.send?.(message);

let template: { type: 'visit'; visit: Record<string, unknown> } = {
  type: 'visit',
  visit: { id: '00000000-0000-0000-0000-000000000000', state: 'waiting', position: 0 },
};
const groups = new Map<number, Set<WebSocket>>();
let connections = 0;

function sendTo(socket: WebSocket, position: number) {
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(JSON.stringify({ type: 'visit', visit: { ...template.visit, position } }));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'POST' && url.pathname === '/change') {
    req.resume();
    const members = groups.get(Number(url.searchParams.get('group'))) ?? new Set();
    let position = 0;
    for (const socket of members) sendTo(socket, ++position);
    res.writeHead(204).end();
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 5_000;

const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 16 * 1024 });
wss.on('connection', (socket, req) => {
  const group = Number(new URL(req.url ?? '/', 'http://localhost').searchParams.get('group'));
  let members = groups.get(group);
  if (!members) groups.set(group, (members = new Set()));
  members.add(socket);
  connections++;
  socket.on('close', () => {
    members.delete(socket);
    connections--;
  });
  socket.on('error', () => socket.terminate());
  // Like the app's answer to watch-visit: the client knows it is registered.
  sendTo(socket, members.size);
});

function stop() {
  for (const socket of wss.clients) socket.terminate();
  wss.close();
  server.close();
  process.exit(0);
}

process.on('message', (message: ParentRequest) => {
  if (message.type === 'memory') {
    void measureMemory(() => connections).then((figures) => send({ type: 'memory', ...figures }));
  } else if (message.type === 'template') template = JSON.parse(message.text) as typeof template;
  else if (message.type === 'stop') stop();
});
process.on('disconnect', () => stop());

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  send({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
