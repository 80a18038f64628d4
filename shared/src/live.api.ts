import { z } from 'zod/mini';
import { CallRoleSchema } from './calls.api.js';
import { SentErrorCodeSchema } from './errors.js';
import { CitizenVisitSchema, ConsoleSnapshotSchema, DoorLiveSchema } from './visits.api.js';

/**
 * Messages on the one WebSocket endpoint, `/ws`. Identity comes from cookies at the upgrade,
 * never from a message. Every message is parsed; one that fails gets an `error` back and
 * changes nothing, and the connection stays open.
 */

export const WS_PATH = '/ws';

/** WebRTC signalling payloads relayed between two participants of one peer-to-peer call. */
export const SignalDataSchema = z.union([
  z.object({
    description: z.object({
      type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
      sdp: z.optional(z.string().check(z.maxLength(30_000))),
    }),
  }),
  z.object({
    candidate: z.nullable(
      z.object({
        candidate: z.string().check(z.maxLength(2_000)),
        sdpMid: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
        sdpMLineIndex: z.optional(z.nullable(z.int().check(z.gte(0), z.lte(64)))),
        usernameFragment: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
      }),
    ),
  }),
]);
export type SignalData = z.infer<typeof SignalDataSchema>;

/** What a participant publishes, as everyone in the call sees it. */
export const MediaStateSchema = z.object({
  camera: z.boolean(),
  microphone: z.boolean(),
  screen: z.boolean(),
  /** MediaStream ids, so receivers can tell the camera from the shared screen. */
  cameraStreamId: z.nullable(z.string().check(z.maxLength(100))),
  screenStreamId: z.nullable(z.string().check(z.maxLength(100))),
});
export type MediaState = z.infer<typeof MediaStateSchema>;

export const CallParticipantSchema = z.object({
  identity: z.string(),
  name: z.string(),
  role: CallRoleSchema,
  canShareScreen: z.boolean(),
  media: MediaStateSchema,
});
export type CallParticipant = z.infer<typeof CallParticipantSchema>;

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pong') }),
  z.object({
    type: z.literal('door'),
    tenant: z.string(),
    department: z.string(),
    door: DoorLiveSchema,
    /** `DepartmentResponse.revision` as of this message: when it moves, the page's details changed. */
    revision: z.optional(z.string()),
  }),
  /** `visit` null: the cookie names no visit (gone, or never there). */
  z.object({ type: z.literal('visit'), visit: z.nullable(CitizenVisitSchema) }),
  z.object({ type: z.literal('console'), snapshot: ConsoleSnapshotSchema }),
  z.object({
    type: z.literal('error'),
    code: z.union([SentErrorCodeSchema, z.literal('invalid_message')]),
    /**
     * What went wrong, in the language the page told (`language`), else that of the upgrade's
     * Accept-Language (German by default).
     */
    message: z.string(),
    /** A plain English sentence for developers, as a problem's `detail` over HTTP. */
    detail: z.optional(z.string()),
  }),
  /** You are in: who you are and who else is there. Sent again after every (re)join. */
  z.object({
    type: z.literal('call-joined'),
    visitId: z.uuid(),
    self: CallParticipantSchema,
    participants: z.array(CallParticipantSchema),
  }),
  z.object({ type: z.literal('call-participant-joined'), visitId: z.uuid(), participant: CallParticipantSchema }),
  z.object({ type: z.literal('call-participant-updated'), visitId: z.uuid(), participant: CallParticipantSchema }),
  z.object({ type: z.literal('call-participant-left'), visitId: z.uuid(), identity: z.string() }),
  z.object({ type: z.literal('call-signal'), visitId: z.uuid(), from: z.string(), data: SignalDataSchema }),
  z.object({
    type: z.literal('call-chat'),
    visitId: z.uuid(),
    from: z.string(),
    name: z.string(),
    /** The sender's: a nameless invitee's stand-in name is said as their role, as on their tile. */
    role: CallRoleSchema,
    text: z.string(),
    at: z.iso.datetime({ offset: true }),
  }),
  /** The clerk ended the call (or the visit ended): everyone leaves. */
  z.object({ type: z.literal('call-ended'), visitId: z.uuid() }),
  /** You were removed from the call by the clerk (or your invite was withdrawn). */
  z.object({ type: z.literal('call-removed'), visitId: z.uuid() }),
  /** You joined this call again on another connection (a second tab or device): this one is out. */
  z.object({ type: z.literal('call-replaced'), visitId: z.uuid() }),
  /**
   * This department's console is no longer sent to you: your role in it was taken away
   * (`not_a_member`), or the office was archived (`archived`). The console says which and offers
   * the way back to your offices; a call you are in goes on.
   */
  z.object({
    type: z.literal('console-closed'),
    departmentId: z.uuid(),
    reason: z.enum(['not_a_member', 'archived']),
  }),
  /**
   * The department's waiting citizens whose page is not connected now (closed, or its network
   * dropped, for a few seconds): after a console's first `console`, and whenever that changes.
   */
  z.object({ type: z.literal('console-connections'), departmentId: z.uuid(), lost: z.array(z.uuid()) }),
  /** The clerk's conversation in this department is over (`watch-busy`): they can let someone in elsewhere. */
  z.object({ type: z.literal('busy-ended'), departmentId: z.uuid() }),
  /** Your roles changed since the `known` of your `watch-roles`: load them again. */
  z.object({ type: z.literal('roles-changed') }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
