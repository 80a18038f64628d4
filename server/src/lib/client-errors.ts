import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { negotiateLocale, PROBLEM_CONTENT_TYPE, type ErrorCode, type Problem } from '@amtsraum/shared';
import { errorTitle } from './messages.js';

/** Said to Node's HTTP parser's refusals, by its error code: the status, and our code for it. */
const REFUSALS: Record<string, [number, string, ErrorCode]> = {
  // Headers (the address with its query string, cookies) over Node's 16 kB.
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'headers_too_large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', 'payload_too_large'],
  // A method Node does not know at all (`BREW /api/health`): once answered as a body that is "not
  // valid JSON", though the request had none. 501, as RFC 9110 says for a method not recognised.
  HPE_INVALID_METHOD: [501, 'Not Implemented', 'method_not_implemented'],
};

/**
 * What Node's HTTP parser refuses before Express sees it (a 20 kB query string, bytes after a
 * body shorter than its Content-Length, a malformed request line) is answered as every other
 * refusal is: a problem with a title in the requester's language, read from the raw request
 * when it got that far. Node's own answer was a bare "431" or "400" with no body at all.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    // Nothing written yet (Node's own test), or no answer under way: a connection kept alive has
    // earlier answers behind it, and Node answered only a connection's first request.
    const answering = (socket as Socket & { _httpMessage?: unknown })._httpMessage;
    if (socket.writable && (socket.bytesWritten === 0 || !answering)) {
      if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        // Nobody is waiting for words: the client sent nothing whole in time (Node's own answer).
        socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', () => socket.destroy());
        return;
      }
      const [status, reason, code] = REFUSALS[error.code ?? ''] ?? [400, 'Bad Request', 'invalid_json'];
      const asked = /\r\naccept-language:([^\r\n]*)/i.exec(error.rawPacket?.toString('latin1') ?? '')?.[1];
      const locale = negotiateLocale(asked?.trim());
      const body: Problem = { type: `about:blank#${code}`, title: errorTitle(code, locale), status, code };
      const text = JSON.stringify(body);
      // Ended, what still comes read and dropped, then let go: closed at once with the client
      // still sending (the rest of its 20 kB), the connection was reset before it read the answer.
      socket.resume();
      setTimeout(() => socket.destroy(), 2_000).unref();
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n` +
          `Content-Language: ${locale}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
          `Cache-Control: no-store\r\nConnection: close\r\n\r\n${text}`,
      );
      return;
    }
    socket.destroy();
  });
}
