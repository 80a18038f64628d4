import { z } from 'zod/mini';
import { InviteRoleSchema } from './invitee.api.js';
import { personName } from './person-name-schema.js';
import { IsoInstantSchema, LanguageTagSchema } from './visits.api.js';

/**
 * Invite links: a clerk brings an interpreter or a guest into one visit's call. The link is
 * `<base>/einladung#<token>`: the token stays in the fragment (never sent to a server, never in
 * a Referer) and is exchanged once, by POST, for an httpOnly cookie naming that one call.
 */

// The invitee's answers (and the role they name) live in their own module: the invitation page
// reads them without the clerk's schemas, which the console's chunk shares with it otherwise.
export * from './invitee.api.js';

/** `POST /api/staff/departments/:departmentId/visits/:visitId/invites` or `…/appointments/:appointmentId/invites` */
export const CreateInviteRequestSchema = z.object({
  role: InviteRoleSchema,
  label: personName(80, 'please enter a label, e.g. "Dolmetscherin Türkisch"'),
  language: z.optional(LanguageTagSchema),
  /** Absent: valid until the visit ends. Otherwise at most INVITE_MAX_DAYS ahead. */
  validUntil: z.optional(IsoInstantSchema),
  multiUse: z._default(z.boolean(), false),
  /** The invitee waits until the clerk lets them in. */
  lobby: z._default(z.boolean(), false),
  /**
   * Given (even empty): the new link is to be the call's only valid one of its role and language,
   * and these are the valid ones the clerk was shown, withdrawn with it. Another valid one the clerk
   * was not shown refuses the request (409 `conflict`): no second link stays valid unknown to them.
   */
  replacing: z.optional(z.array(z.uuid()).check(z.maxLength(20))),
});
export type CreateInviteRequest = z.input<typeof CreateInviteRequestSchema>;

export const InviteGuestSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  state: z.enum(['waiting', 'admitted', 'removed']),
  createdAt: IsoInstantSchema,
});
export type InviteGuest = z.infer<typeof InviteGuestSchema>;

export const InviteViewSchema = z.object({
  id: z.uuid(),
  role: InviteRoleSchema,
  label: z.string(),
  language: z.nullable(z.string()),
  multiUse: z.boolean(),
  lobby: z.boolean(),
  uses: z.int().check(z.nonnegative()),
  /** Null: until the visit ends (for an appointment's link too, though its token has a bound). */
  expiresAt: z.nullable(IsoInstantSchema),
  state: z.enum(['active', 'expired', 'revoked', 'used_up']),
  createdAt: IsoInstantSchema,
  guests: z.array(InviteGuestSchema),
});
export type InviteView = z.infer<typeof InviteViewSchema>;

/** The creation answer: the only time the link exists outside the clerk's clipboard. */
export const CreatedInviteSchema = z.object({ invite: InviteViewSchema, url: z.string() });
export type CreatedInvite = z.infer<typeof CreatedInviteSchema>;

export const InviteListSchema = z.object({ invites: z.array(InviteViewSchema) });
export type InviteList = z.infer<typeof InviteListSchema>;

/** `POST /api/staff/departments/:departmentId/invites/:inviteId/email` */
export const EmailInviteRequestSchema = z.object({
  to: z.pipe(
    z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254)),
    z.email('please enter a valid e-mail address'),
  ),
  locale: z._default(z.enum(['de', 'en']), 'de'),
});

/** Invitee side: `POST /api/invites/redeem` (token from the fragment) and `POST /api/invites/status` (cookie). */
export const RedeemInviteRequestSchema = z.object({
  // A link cut short or run on in a mail program is "not a valid link", as the manage link's is.
  token: z.string().check(z.minLength(20, 'not a valid link'), z.maxLength(2_000, 'not a valid link')),
  /** Empty or absent: the invite's label stands in. */
  // An empty name counts as none (zod/mini has no `preprocess`: this is what it stands for).
  name: z.pipe(
    z.transform((value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)),
    z.optional(personName(80, 'please enter a name')),
  ),
});

/** `POST /api/invites/check`: what a link is worth, before anything is spent on it. */
export const CheckInviteRequestSchema = z.pick(RedeemInviteRequestSchema, { token: true });

// The role names every page compares a label with live in their own small module: the call page
// reads them without this module's schemas (its page weight, web/vite/route-budget.ts).
export { INVITE_ROLE_NAMES, isInviteRoleName } from './invite-roles.js';
