import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  port: number;
  url: string;
  /** Messages accepted (250 after DATA), with their Message-ID. */
  received: { messageId: string | null; to: string[]; raw: Buffer }[];
  /** Message-IDs whose DATA began, accepted or not. */
  started: (string | null)[];
  /** While true, the server takes a message's bytes and never answers: it hangs mid-send. */
  stalling: boolean;
  close(): Promise<void>;
}

const messageIdOf = (raw: string) => /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(raw)?.[1] ?? null;

/**
 * A real SMTP server on a loopback port that keeps what it accepts; it can refuse (a temporary
 * 451 after DATA, an unknown recipient) or hang in the middle of a send.
 */
export async function startSmtp(
  options: {
    rejectData?: () => boolean;
    rejectRecipient?: (address: string) => boolean;
    stalling?: boolean;
    port?: number;
  } = {},
): Promise<TestSmtp> {
  const state: TestSmtp = {
    port: 0,
    url: '',
    received: [],
    started: [],
    stalling: options.stalling ?? false,
    close: async () => {},
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // Not waiting for a hung client to say goodbye when the test closes the server.
    closeTimeout: 100,
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipient?.(address.address)) {
        callback(Object.assign(new Error(`No such user <${address.address}>`), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let messageId: string | null | undefined;
      const stall = state.stalling;
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (messageId === undefined) {
          const head = Buffer.concat(chunks).toString('utf8');
          if (head.includes('\r\n\r\n')) {
            messageId = messageIdOf(head);
            state.started.push(messageId);
          }
        }
      });
      stream.on('end', () => {
        if (stall) return; // the answer to DATA never comes
        if (options.rejectData?.()) {
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        state.received.push({
          messageId: messageId ?? messageIdOf(raw.toString('utf8')),
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  state.port = (server.server.address() as AddressInfo).port;
  state.url = `smtp://127.0.0.1:${state.port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
