import { ServerMessageSchema, type ClientMessage, type ServerMessage } from '@amtsraum/shared';

/** What the server sends about a peer-to-peer call on `/ws` (and errors, which name no call). */
export type CallServerMessage = Extract<ServerMessage, { type: `call-${string}` | 'error' }>;

/**
 * The slice of the live WebSocket client a call needs; `live-channel.ts` adapts the page's
 * shared client (`lib/live-client.ts`) to it, tests can pass a fake.
 */
export interface SignallingChannel {
  send(message: ClientMessage): void;
  /** Every message from the server; returns the unsubscribe. */
  on(listener: (message: unknown) => void): () => void;
  /** After the socket came back (not on the first open); returns the unsubscribe. */
  onReconnect(callback: () => void): () => void;
  /** Whether the socket is up, for the connection banner. */
  onStatus?(callback: (open: boolean) => void): () => void;
}

/** A server message if it belongs to this call (or is an error), else null. */
export function parseCallMessage(message: unknown, visitId: string): CallServerMessage | null {
  const parsed = ServerMessageSchema.safeParse(message);
  if (!parsed.success) return null;
  const data = parsed.data;
  if (data.type === 'error') return data;
  if (!data.type.startsWith('call-')) return null;
  const call = data as Exclude<CallServerMessage, { type: 'error' }>;
  return call.visitId === visitId ? call : null;
}
