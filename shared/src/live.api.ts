import { z } from 'zod';
import { ErrorCodeSchema } from './errors.js';
import { CitizenVisitSchema, ConsoleSnapshotSchema, DoorLiveSchema } from './visits.api.js';

/**
 * Messages on the one WebSocket endpoint, `/ws`. Identity comes from cookies at the upgrade,
 * never from a message. Every message is parsed; one that fails gets an `error` back and
 * changes nothing, and the connection stays open.
 */

export const WS_PATH = '/ws';

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  /** Public: the live door of one department. */
  z.object({ type: z.literal('watch-door'), tenant: z.string().max(63), department: z.string().max(63) }),
  /** The citizen's own visit (from the visit cookie). */
  z.object({ type: z.literal('watch-visit') }),
  /** A clerk's console for one of their departments. */
  z.object({ type: z.literal('watch-console'), departmentId: z.uuid() }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('door'), tenant: z.string(), department: z.string(), door: DoorLiveSchema }),
  /** `visit` null: the cookie names no visit (gone, or never there). */
  z.object({ type: z.literal('visit'), visit: CitizenVisitSchema.nullable() }),
  z.object({ type: z.literal('console'), snapshot: ConsoleSnapshotSchema }),
  z.object({
    type: z.literal('error'),
    code: z.union([ErrorCodeSchema, z.literal('invalid_message')]),
    message: z.string(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
