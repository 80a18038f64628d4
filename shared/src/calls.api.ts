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

export const CallJoinResponseSchema = z.discriminatedUnion('transport', [
  z.object({
    transport: z.literal('livekit'),
    visitId: z.uuid(),
    /** For the clerk's "end call for everyone" (finishing the visit in its department). */
    departmentId: z.uuid(),
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
  z.object({
    transport: z.literal('p2p'),
    visitId: z.uuid(),
    departmentId: z.uuid(),
    self: CallSelfSchema,
    interpreterLanguage: z.optional(z.nullable(z.string())),
    iceServers: z.array(IceServerSchema),
    maxParticipants: z.int().check(z.positive()),
  }),
]);
export type CallJoinResponse = z.infer<typeof CallJoinResponseSchema>;
