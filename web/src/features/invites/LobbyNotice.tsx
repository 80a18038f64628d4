import type { InviteView } from '@amtsraum/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { problemMessage, useSay, type Message } from '../../lib/message';
import { admitInvitee } from './api';
import { lobbyGuestNames } from './role-label';
import { useInviteList } from './useInviteList';

/**
 * In the call, for the clerk: people waiting to be let in by a lobby link, whether or not the
 * invite panel is open.
 */
export function LobbyNotice({ departmentId, visitId }: { departmentId: string; visitId: string }) {
  const say = useSay();
  const { invites, refresh } = useInviteList(departmentId, { visitId });
  const [error, setError] = useState<Message | null>(null);
  return (
    <div role="status" data-testid="lobby-notice">
      <LobbyWaiting
        waiting={waitingInLobbies(invites)}
        onAdmit={(guest) => {
          setError(null);
          admitInvitee(departmentId, guest.id).then(
            () => refresh(),
            (caught: unknown) => setError(problemMessage(toApiError(caught))),
          );
        }}
      />
      {error && <p className="callout callout--warning">{say(error)}</p>}
    </div>
  );
}

type Guest = InviteView['guests'][number];
export type LobbyGuest = { invite: InviteView; guest: Guest };

/** Everyone waiting in a lobby of these invites, with the invite they came by. */
export function waitingInLobbies(invites: InviteView[]): LobbyGuest[] {
  return invites.flatMap((invite) =>
    invite.guests.filter((guest) => guest.state === 'waiting').map((guest) => ({ invite, guest })),
  );
}

/**
 * "<name> („<label>“) wartet auf Einlass." with a button to let each in: the call page's and the
 * console's; each thing said once (`lobbyGuestNames`).
 */
export function LobbyWaiting({ waiting, onAdmit }: { waiting: LobbyGuest[]; onAdmit: (guest: Guest) => void }) {
  const { t, i18n } = useTranslation('invites');
  if (waiting.length === 0) return null;
  return (
    <div className="callout lobby-notice">
      <ul className="plain-list">
        {waiting.map(({ invite, guest }) => {
          const { who, name } = lobbyGuestNames(i18n, invite, guest);
          return (
            <li key={guest.id}>
              {t('lobby.waiting', { who })}{' '}
              <button
                type="button"
                className="button button--primary button--small"
                onClick={() => onAdmit({ ...guest, name })}
              >
                {t('panel.admit', { name })}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
