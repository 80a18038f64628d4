import { InvitePreviewSchema, InviteeStatusSchema, type InvitePreview, type InviteeStatus } from '@amtsraum/shared';
import { sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';

/*
 * The invitee's side of invite links: what the invitation page asks. Apart from the clerk's
 * (api.ts), which the console's chunk shares with the invitation page when they are one module:
 * every invitee downloaded the clerk's schemas and requests (issue 14, the page's budget in
 * web/vite.config.ts), and had no room for its municipality's legal links.
 */

const options = () => ({ language: currentLocale() });

/** What the link's token is worth, before spending it: the page says at once when it is no good. */
export function checkInvite(token: string): Promise<InvitePreview> {
  return sendJson('POST', '/api/invites/check', { token }, InvitePreviewSchema, options());
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
  return sendJson(
    'POST',
    '/api/invites/redeem',
    { token, ...(name ? { name } : {}) },
    InviteeStatusSchema,
    options(),
  ).then(learnt);
}

export function inviteeStatus(): Promise<InviteeStatus> {
  return sendJson('POST', '/api/invites/status', undefined, InviteeStatusSchema, options()).then(learnt);
}
