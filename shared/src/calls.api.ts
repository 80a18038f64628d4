import { z } from 'zod/mini';

/** Joining a visit's call: the server decides the transport and hands over what it needs. */

export const CallRoleSchema = z.enum(['clerk', 'citizen', 'interpreter', 'guest']);
export type CallRoleName = z.infer<typeof CallRoleSchema>;

const IceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.optional(z.string()),
  credential: z.optional(z.string()),
});

const CallSelfSchema = z.object({
  identity: z.string(),
  name: z.string(),
  role: CallRoleSchema,
  canShareScreen: z.boolean(),
});

const P2pGrantSchema = z.object({
  transport: z.literal('p2p'),
  visitId: z.uuid(),
  departmentId: z.uuid(),
  timeZone: z.string(),
  self: CallSelfSchema,
  interpreterLanguage: z.optional(z.nullable(z.string())),
  iceServers: z.array(IceServerSchema),
  maxParticipants: z.int().check(z.positive()),
});

export const CallJoinResponseSchema = z.discriminatedUnion('transport', [
  z.object({
    transport: z.literal('livekit'),
    visitId: z.uuid(),
    /** For the clerk's "end call for everyone" (finishing the visit in its department). */
    departmentId: z.uuid(),
    /** The municipality's time zone: the call's clocks (chat times) read it, as the console's do. */
    timeZone: z.string(),
    self: CallSelfSchema,
    /** Clerk only: the interpreter language the citizen asked for. */
    interpreterLanguage: z.optional(z.nullable(z.string())),
    url: z.string(),
    token: z.string(),
    /**
     * The call's end-to-end encryption key (livekit-client derives the media keys from it), or
     * null when the installation runs LiveKit without end-to-end encryption. For this participant
     * only: never sent to LiveKit, never logged, never in a URL.
     */
    e2eeKey: z.nullable(z.string().check(z.minLength(32))),
  }),
  P2pGrantSchema,
]);
export type CallJoinResponse = z.infer<typeof CallJoinResponseSchema>;

/**
 * What a citizen's call will run on, asked for while they wait (issue 14: admit → first frame),
 * so that the moment they are let in the call starts without another request. Peer-to-peer: the
 * grant itself, which opens nothing (our WebSocket admits the `call-join` only once the visit is
 * with its clerk). LiveKit: the transport's name only; its token is asked for after the admit,
 * never while waiting (decision 012, addendum).
 */
export const CallPreviewSchema = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('livekit') }),
  z.object({ transport: z.literal('p2p'), grant: P2pGrantSchema }),
]);
export type CallPreview = z.infer<typeof CallPreviewSchema>;

/**
 * Whether the caller's call still runs, asked by a call page that lost its media connection (the
 * media server's own word that the call was closed can be lost in the same moment: a LiveKit room
 * closed while the page's connection to it breaks), that the person left, or of an invitee's page
 * before it joins. `ended`: over, or not the caller's any more. `removed`: an invitee whose seat
 * in this call is gone (taken out, the link withdrawn or run out), said as an answer: the join
 * refuses it (410), which the browser logs as a failed load.
 */
export const CallStatusSchema = z.object({
  status: z.enum(['on', 'ended', 'removed']),
  /**
   * The municipality's slug, for whoever is or was in the call (`ended` after it, `removed`). The
   * call's pages name none in their address; their footer asks, and links to its legal notice,
   * privacy statement and accessibility statement.
   */
  tenantSlug: z.optional(z.string()),
});
export type CallStatus = z.infer<typeof CallStatusSchema>;

/**
 * `POST /api/calls/:visitId/screen-share`, by the clerk of the call: screen sharing allowed or
 * withdrawn for `identity`, the citizen (`citizen-…`, also when left out) or an invitee
 * (`invitee-…`) in the call.
 */
export const ScreenShareRequestSchema = z.object({
  allowed: z.boolean(),
  identity: z.optional(z.string().check(z.regex(/^(citizen|invitee)-[0-9a-f-]{36}$/, 'a participant of the call'))),
});
export type ScreenShareRequest = z.infer<typeof ScreenShareRequestSchema>;
