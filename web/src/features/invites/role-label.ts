import { SUPPORTED_LOCALES, type InviteRole, type InviteView } from '@amtsraum/shared';
import type { i18n as I18n } from 'i18next';

/**
 * A link made without a label is labelled with its role's name in the clerk's language
 * (CreateInviteForm): such a label says nothing the role does not, and is not said beside it
 * ("Dolmetscherin/Dolmetscher („Dolmetscherin/Dolmetscher“)"). Compared with the role's name in
 * each language whose `invites` words are loaded here.
 */
export function isRoleName(i18n: I18n, role: InviteRole, label: string): boolean {
  return SUPPORTED_LOCALES.some((locale) => i18n.getResource(locale, 'invites', `roles.${role}`) === label);
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
  const unlabelled = isRoleName(i18n, invite.role, invite.label);
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
