import type { InviteView } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { inviteName } from './role-label';

/** "<strong>Betreuerin</strong> · Gast", or the role alone for a link labelled with its role's name. */
export function InviteLabel({ invite }: { invite: Pick<InviteView, 'role' | 'label'> }) {
  const { t } = useTranslation('invites');
  const { label, role } = inviteName(t, invite);
  return (
    <>
      <strong>{label}</strong>
      {role === null ? '' : ` · ${role}`}
    </>
  );
}
