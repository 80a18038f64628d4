import { isInviteRoleName, type InviteRole, type InviteView } from '@amtsraum/shared';
import type { i18n as I18n, TFunction } from 'i18next';

/**
 * A link made without a label is labelled with its role's name in the clerk's language
 * (CreateInviteForm), and a clerk may type one: such a label says nothing the role does not, and
 * is not said beside it ("Dolmetscherin/Dolmetscher („Dolmetscherin/Dolmetscher“)"). Compared with
 * the role's name in every interface language (shared `INVITE_ROLE_NAMES`), not only the ones
 * loaded in this browser: a German page said "als Dolmetscherin oder Dolmetscher („Interpreter“)"
 * for a link an English-speaking clerk made.
 */
export function isRoleName(role: InviteRole, label: string): boolean {
  return isInviteRoleName(role, label);
}

/**
 * A link as the clerk's lists name it: its label, or for a link labelled with its role's name
 * (in any language) that role in the reader's language, said once. `role` is null then, else the
 * role to say beside the label.
 */
export function inviteName(
  t: TFunction<'invites'>,
  invite: Pick<InviteView, 'role' | 'label'>,
): { label: string; role: string | null } {
  const role = t(`roles.${invite.role}`);
  return isRoleName(invite.role, invite.label) ? { label: role, role: null } : { label: invite.label, role };
}

/**
 * Who waits in a lobby, for the clerk, each thing said once: "Jana Berg („Betreuerin“)"; a guest
 * who gave no name (the link's label stands in, from the server) by the label alone; a link made
 * without a label by its role ("Elif Demir (Dolmetscherin/Dolmetscher)", or the role alone).
 * `name` is for the admit button and its message: "<name> hereinlassen".
 */
export function lobbyGuestNames(
  i18n: I18n,
  invite: Pick<InviteView, 'role' | 'label'>,
  guest: { name: string },
): { who: string; name: string } {
  const t = i18n.getFixedT(null, 'invites');
  const unlabelled = isRoleName(invite.role, invite.label);
  const role = t(`roles.${invite.role}`);
  if (guest.name === invite.label) {
    const name = unlabelled ? role : guest.name;
    return { who: name, name };
  }
  return {
    who: unlabelled
      ? t('lobby.withRole', { name: guest.name, role })
      : t('lobby.withLabel', { name: guest.name, label: invite.label }),
    name: guest.name,
  };
}
