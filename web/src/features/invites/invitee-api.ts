import {
  InvitePreviewSchema,
  InviteProblemSchema,
  InviteeStatusSchema,
  type InvitePreview,
  type InviteeStatus,
} from '@amtsraum/shared';
import { safeParse, type core } from 'zod/mini';
import { ApiError, problemOf, request, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';

/*
 * The invitee's side of invite links: what the invitation page asks. Apart from the clerk's
 * (api.ts), which the console's chunk shares with the invitation page when they are one module:
 * every invitee downloaded the clerk's schemas and requests (issue 14, the page's budget in
 * web/vite.config.ts), and had no room for its municipality's legal links.
 */

const options = () => ({ language: currentLocale() });

/**
 * A refusal of the link (used up, withdrawn, run out, its call over) with the municipality it
 * names to the link's holder (InviteProblemSchema): the page saying so keeps its legal links.
 */
export type LinkRefusal = ApiError & { tenantSlug?: string };

/** Sends the link's token; a refusal is a LinkRefusal. */
async function sendToken<T>(path: string, body: unknown, schema: core.$ZodType<T>): Promise<T> {
  const response = await request('POST', path, body, options());
  if (!response.ok) {
    const error: LinkRefusal = await problemOf(response.clone());
    error.tenantSlug = safeParse(InviteProblemSchema, await response.json().catch(() => null)).data?.tenantSlug;
    throw error;
  }
  const parsed = safeParse(schema, await response.json().catch(() => undefined));
  if (!parsed.success) throw new ApiError('invalid_response', response.status, undefined, { cause: parsed.error });
  return parsed.data;
}

/** What the link's token is worth, before spending it: the page says at once when it is no good. */
export function checkInvite(token: string): Promise<InvitePreview> {
  return sendToken('/api/invites/check', { token }, InvitePreviewSchema);
}

/**
 * How far the office's clock is ahead of this device's, from the last status's `serverTime`: an
 * invitee's phone may be hours off. The few lines of appointments/server-clock.ts, not shared:
 * a module both pages load is a chunk of its own, which took this page and the appointment pages
 * over their budgets (web/vite.config.ts).
 */
let offsetMs = 0;

/** Now on the office's clock, as near as this page can tell. */
export const officeNow = () => new Date(Date.now() + offsetMs);

const learnt = (status: InviteeStatus) => {
  offsetMs = Date.parse(status.serverTime) - Date.now();
  return status;
};

/** Spends the link's token (from the fragment) for a seat; the seat rides in an httpOnly cookie. */
export function redeemInvite(token: string, name?: string): Promise<InviteeStatus> {
  return sendToken('/api/invites/redeem', { token, ...(name ? { name } : {}) }, InviteeStatusSchema).then(learnt);
}

export function inviteeStatus(): Promise<InviteeStatus> {
  return sendJson('POST', '/api/invites/status', undefined, InviteeStatusSchema, options()).then(learnt);
}
