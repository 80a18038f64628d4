import {
  CreatedInviteSchema,
  InviteListSchema,
  type CreateInviteRequest,
  type CreatedInvite,
  type InviteList,
  type Locale,
} from '@amtsraum/shared';
import { getJson, sendForNothing, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';

/** Invite links: the clerk's side (create, list, revoke, let in, remove, e-mail); the invitee's is invitee-api.ts. */

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
