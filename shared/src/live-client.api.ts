import { z } from 'zod/mini';
import { LocaleSchema } from './locales.js';
import { ChatTextSchema } from './office-text.js';
import { SlugSchema } from './slugs.js';
import { MediaStateSchema, SignalDataSchema } from './live.api.js';

/*
 * What a client may send over the live socket. Only the server parses it: a module of its own,
 * outside the web's shared chunk (web/vite.config.ts), so the chat's text rule stays off pages
 * that never chat.
 */

const VisitIdSchema = z.uuid();

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  /**
   * The page's language, told first on every connection and again when the person switches: the
   * server's texts (an error's `message`) follow it. Until it comes, the upgrade's Accept-Language.
   */
  z.object({ type: z.literal('language'), language: LocaleSchema }),
  /** Public: the live door of one department. */
  z.object({ type: z.literal('watch-door'), tenant: SlugSchema, department: SlugSchema }),
  /** The citizen's own visit (from the visit cookie). */
  z.object({ type: z.literal('watch-visit') }),
  /** A clerk's console for one of their departments. */
  z.object({ type: z.literal('watch-console'), departmentId: z.uuid() }),
  /**
   * A clerk told they are still in a conversation in this other department of theirs: the server
   * says `busy-ended` once it is over (at once if it already is). One per connection.
   */
  z.object({ type: z.literal('watch-busy'), departmentId: z.uuid() }),
  /**
   * A staff member's own roles (the staff home's list of offices): `known` is the page's
   * `StaffMe.staff.rolesKey`; the server says `roles-changed` when the roles no longer come to it,
   * at once and at every change after (an admin's, in any process).
   */
  z.object({ type: z.literal('watch-roles'), known: z.string().check(z.maxLength(64)) }),
  /** Peer-to-peer calls: enter the visit's call (the server checks the grant from the cookies). */
  z.object({ type: z.literal('call-join'), visitId: VisitIdSchema, media: MediaStateSchema }),
  z.object({ type: z.literal('call-leave'), visitId: VisitIdSchema }),
  /** Relayed to one other participant of the same call. */
  z.object({
    type: z.literal('call-signal'),
    visitId: VisitIdSchema,
    to: z.string().check(z.maxLength(100)),
    data: SignalDataSchema,
  }),
  z.object({ type: z.literal('call-media'), visitId: VisitIdSchema, media: MediaStateSchema }),
  /** In-call text chat: relayed, never stored. */
  z.object({ type: z.literal('call-chat'), visitId: VisitIdSchema, text: ChatTextSchema }),
  /** The clerk lets a participant share their screen, or stops them. */
  z.object({
    type: z.literal('call-allow-screen'),
    visitId: VisitIdSchema,
    identity: z.string().check(z.maxLength(100)),
    allowed: z.boolean(),
  }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
