import { z } from 'zod/mini';
import { personName } from './person-name-schema.js';
import { CallRoleSchema } from './calls.api.js';
import { DepartmentNameFormsSchema } from './department-names.js';
import { LocalizedTextSchema } from './locales.js';
import { IsoInstantSchema, LanguageTagSchema } from './visits.api.js';

/**
 * Invite links: a clerk brings an interpreter or a guest into one visit's call. The link is
 * `<base>/einladung#<token>`: the token stays in the fragment (never sent to a server, never in
 * a Referer) and is exchanged once, by POST, for an httpOnly cookie naming that one call.
 */

export const InviteRoleSchema = z.enum(['interpreter', 'guest']);
export type InviteRole = z.infer<typeof InviteRoleSchema>;

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

export const InvitePreviewSchema = z.object({
  role: InviteRoleSchema,
  label: z.string(),
  tenantName: z.string(),
  /** The municipality's slug: the page's footer links to its legal notice and privacy statement. */
  tenantSlug: z.string(),
  departmentName: LocalizedTextSchema,
  departmentNameForms: DepartmentNameFormsSchema,
  timeZone: z.string(),
  /** This browser holds a seat by this link already (a reload): no name to ask. */
  seated: z.boolean(),
});
export type InvitePreview = z.infer<typeof InvitePreviewSchema>;

export const InviteeStatusSchema = z.object({
  role: CallRoleSchema,
  label: z.string(),
  name: z.string(),
  tenantName: z.string(),
  tenantSlug: z.string(),
  departmentName: LocalizedTextSchema,
  departmentNameForms: DepartmentNameFormsSchema,
  timeZone: z.string(),
  /**
   * ready: join now; waiting: the clerk lets you in; not_started: the appointment is at `opensAt`.
   * Only `POST /api/invites/status` says the rest (a page left open asks how the seat stands, and
   * these are answers, not refused requests; check and redeem refuse them with the `invite_<state>`
   * code): ended: the call is over; removed: the clerk took this person out; revoked: the link was
   * withdrawn; expired: the link ran out. `visitId` and `opensAt` are then null.
   */
  state: z.enum(['ready', 'waiting', 'not_started', 'ended', 'removed', 'revoked', 'expired']),
  visitId: z.nullable(z.uuid()),
  opensAt: z.nullable(IsoInstantSchema),
  /**
   * The office's clock when it answered: an invitee's phone may be hours off, and whether
   * `opensAt` has passed, and how soon the page asks again, go by the office's time (as
   * `ManageResponseSchema`'s).
   */
  serverTime: IsoInstantSchema,
});
export type InviteeStatus = z.infer<typeof InviteeStatusSchema>;

// The role names every page compares a label with live in their own small module: the call page
// reads them without this module's schemas (its page weight, web/vite/route-budget.ts).
export { INVITE_ROLE_NAMES, isInviteRoleName } from './invite-roles.js';
