import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Requests one connection may have unanswered at once. A browser, and a reverse proxy in front
 * of the app, sends the next request on a connection only after the answer to the last one: one.
 * HTTP/1.1 allows a client to send more without waiting (pipelining), which no browser does.
 */
export const UNANSWERED_PER_CONNECTION = 16;

/**
 * Wraps the app so that a connection with more than `max` requests unanswered is closed, and the
 * request past the limit (and every one after it that was already read) is not worked on.
 *
 * A client that writes requests one after another on one connection and never reads the answers
 * had each of them worked on at once: Node reads on while the answers are still being prepared
 * (each waits for the database), and stops only once finished answers pile up. One connection
 * with 50,000 small requests written into it held 500 MB of the server's memory until it was
 * closed, and one address may hold HTTP_CONNECTIONS_PER_ADDRESS (1,000) connections.
 */
export function capUnansweredRequests(app: RequestListener, max = UNANSWERED_PER_CONNECTION): RequestListener {
  const unanswered = new WeakMap<Socket, number>();
  return (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const count = (unanswered.get(socket) ?? 0) + 1;
    unanswered.set(socket, count);
    // 'close' comes for an answer finished and for one cut off alike.
    res.once('close', () => unanswered.set(socket, (unanswered.get(socket) ?? 1) - 1));
    if (count > max) {
      socket.destroy();
      return;
    }
    app(req, res);
  };
}
