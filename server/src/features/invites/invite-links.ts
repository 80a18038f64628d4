import { pageUrl, type InviteView } from '@amtsraum/shared';
import type { Config } from '../../config.js';
import type { InviteRow } from './invites.repo.js';
import { signInviteToken } from './invite-token.js';

/** What an invite link is worth now, and the identities of the people who came by one. */

/** A link "until the visit ends" still needs a token expiry (and the seat cookie one): no visit lasts a day. */
export const UNTIL_VISIT_ENDS_MS = 24 * 3600_000;

/** Whether an appointment's invite has the default expiry (createInvite): it ends with the appointment. */
export function endsWithAppointment(invite: InviteRow, appointmentEndsAt: Date): boolean {
  return invite.expiresAt?.getTime() === appointmentEndsAt.getTime() + UNTIL_VISIT_ENDS_MS;
}

/** Until when the link's token, and a seat redeemed from it, are good: the invite's validity, or a day. */
export function linkExpiry(invite: InviteRow, now: Date): Date {
  return invite.expiresAt ?? new Date(now.getTime() + UNTIL_VISIT_ENDS_MS);
}

/** The link to send: the token rides in the fragment, so browsers never send it to a server or in a Referer. */
export async function inviteLink(config: Config, invite: InviteRow, now: Date): Promise<string> {
  const token = await signInviteToken(
    { secret: config.sessionSecret, origin: config.publicBaseUrl.origin },
    { inviteId: invite.id, expiresAt: linkExpiry(invite, now), now },
  );
  return pageUrl(config.publicBaseUrl, 'invite', [], token);
}

export function inviteState(invite: InviteRow, now: Date): InviteView['state'] {
  if (invite.revokedAt) return 'revoked';
  if (invite.expiresAt && invite.expiresAt <= now) return 'expired';
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used_up';
  return 'active';
}

/** The identity an invitee has in the call: per seat, never a name they chose. */
export const inviteeIdentity = (guestId: string) => `invitee-${guestId}`;
export const guestIdFromIdentity = (identity: string) =>
  identity.startsWith('invitee-') ? identity.slice('invitee-'.length) : null;
