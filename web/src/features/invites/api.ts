import {
  CreatedInviteSchema,
  InvitePreviewSchema,
  InviteeStatusSchema,
  InviteListSchema,
  type CreateInviteRequest,
  type CreatedInvite,
  type InvitePreview,
  type InviteeStatus,
  type InviteList,
  type Locale,
} from '@amtsraum/shared';
import { getJson, sendForNothing, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';

/** Invite links: the clerk's side (create, list, revoke, let in, remove, e-mail) and the invitee's. */

const segment = encodeURIComponent;
const options = () => ({ language: currentLocale() });

export type InviteTarget = { visitId: string } | { appointmentId: string };

const targetPath = (departmentId: string, target: InviteTarget) =>
  `/api/staff/departments/${segment(departmentId)}/${
    'visitId' in target ? `visits/${segment(target.visitId)}` : `appointments/${segment(target.appointmentId)}`
  }/invites`;

export function createInvite(
  departmentId: string,
  target: InviteTarget,
  body: CreateInviteRequest,
): Promise<CreatedInvite> {
  return sendJson('POST', targetPath(departmentId, target), body, CreatedInviteSchema, options());
}

export function listInvites(departmentId: string, target: InviteTarget, signal?: AbortSignal): Promise<InviteList> {
  return getJson(targetPath(departmentId, target), InviteListSchema, { ...options(), signal });
}

const staffPath = (departmentId: string, rest: string) =>
  `/api/staff/departments/${segment(departmentId)}/invites/${rest}`;

export function revokeInvite(departmentId: string, inviteId: string): Promise<void> {
  return sendForNothing('POST', staffPath(departmentId, `${segment(inviteId)}/revoke`), undefined, options());
}

export function emailInvite(departmentId: string, inviteId: string, to: string, locale: Locale): Promise<void> {
  return sendForNothing('POST', staffPath(departmentId, `${segment(inviteId)}/email`), { to, locale }, options());
}

export function admitInvitee(departmentId: string, guestId: string): Promise<void> {
  return sendForNothing('POST', staffPath(departmentId, `guests/${segment(guestId)}/admit`), undefined, options());
}

export function removeInvitee(departmentId: string, guestId: string): Promise<void> {
  return sendForNothing('POST', staffPath(departmentId, `guests/${segment(guestId)}/remove`), undefined, options());
}

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
