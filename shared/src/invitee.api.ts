import { z } from 'zod/mini';
import { CallRoleSchema } from './calls.api.js';
import { DepartmentNameFormsSchema } from './department-names.js';
import { ProblemSchema } from './errors.js';
import { LocalizedTextSchema } from './locales.js';
import { SlugSchema } from './slugs.js';
import { IsoInstantSchema } from './visits.api.js';

/*
 * What the invitation page reads (the invitee's side of invite links, invites.api.ts): apart from
 * the clerk's schemas, so that its first download does not carry them (the page's budget in
 * web/vite.config.ts).
 */

export const InviteRoleSchema = z.enum(['interpreter', 'guest']);
export type InviteRole = z.infer<typeof InviteRoleSchema>;

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

/**
 * A refused check or redeem of a link as the invitation page reads it: `tenantSlug` rides along
 * only here (not in ProblemSchema, the door page's). Sent only to whoever holds the very link (its
 * token verified and its invite found): the page that says the call is over or the link withdrawn
 * still links to the municipality's legal notice and privacy statement. A guessed or broken link
 * hears nothing of any municipality.
 */
export const InviteProblemSchema = z.extend(ProblemSchema, { tenantSlug: z.optional(SlugSchema) });
export type InviteProblem = z.infer<typeof InviteProblemSchema>;

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
