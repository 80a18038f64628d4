import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  url: string;
  /** Messages accepted (250 after DATA), with their Message-ID. */
  received: { messageId: string | null; to: string[]; raw: string }[];
  /** Message-IDs whose DATA began, accepted or not. */
  started: (string | null)[];
  /** While true, the server takes a message's bytes and never answers: it hangs mid-send. */
  stalling: boolean;
  close(): Promise<void>;
}

const messageIdOf = (raw: string) => /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(raw)?.[1] ?? null;

/** A real SMTP server on a free loopback port, which can be told to hang in the middle of a send. */
export async function startTestSmtp(options: { stalling?: boolean } = {}): Promise<TestSmtp> {
  const state: TestSmtp = {
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
    onData(stream, session, callback) {
      let raw = '';
      let told = false;
      const stall = state.stalling;
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
        if (!told && raw.includes('\r\n\r\n')) {
          told = true;
          state.started.push(messageIdOf(raw));
        }
      });
      stream.on('end', () => {
        if (stall) return; // the answer to DATA never comes
        state.received.push({ messageId: messageIdOf(raw), to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  state.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
