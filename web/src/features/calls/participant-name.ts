import { isInviteRoleName } from '@amtsraum/shared';
import type { TFunction } from 'i18next';
import type { ParticipantView } from './media/transport';

/**
 * An invitee who gave no name is called by their link's label, which for a link made without one
 * is their role's name (in the clerk's language): "Dolmetscherin/Dolmetscher" beside the role
 * "Dolmetscherin/Dolmetscher" said the role twice on their tile. Such a name is the role, in the
 * reader's language, said once (`role` false then: no role beside it), on their tile and beside
 * their chat messages.
 */
export function participantName(
  t: TFunction<'calls'>,
  participant: Pick<ParticipantView, 'name' | 'role'>,
): { name: string; role: boolean } {
  const { role, name } = participant;
  const standIn = (role === 'interpreter' || role === 'guest') && isInviteRoleName(role, name);
  return standIn ? { name: t(`roles.${role}`), role: false } : { name, role: true };
}
