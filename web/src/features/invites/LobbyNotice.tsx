import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { problemMessage, useSay, type Message } from '../../lib/message';
import { admitInvitee } from './api';
import { useInviteList } from './useInviteList';

/**
 * In the call, for the clerk: people waiting to be let in by a lobby link, whether or not the
 * invite panel is open.
 */
export function LobbyNotice({ departmentId, visitId }: { departmentId: string; visitId: string }) {
  const { t } = useTranslation('invites');
  const say = useSay();
  const { invites, refresh } = useInviteList(departmentId, { visitId });
  const [error, setError] = useState<Message | null>(null);
  const waiting = invites.flatMap((invite) =>
    invite.guests.filter((guest) => guest.state === 'waiting').map((guest) => ({ invite, guest })),
  );
  return (
    <div role="status" data-testid="lobby-notice">
      {waiting.length > 0 && (
        <div className="callout lobby-notice">
          <ul className="plain-list">
            {waiting.map(({ invite, guest }) => (
              <li key={guest.id}>
                {t('lobby.waiting', { name: guest.name, label: invite.label })}{' '}
                <button
                  type="button"
                  className="button button--primary button--small"
                  onClick={() => {
                    setError(null);
                    admitInvitee(departmentId, guest.id).then(
                      () => refresh(),
                      (caught: unknown) => setError(problemMessage(toApiError(caught))),
                    );
                  }}
                >
                  {t('panel.admit', { name: guest.name })}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && <p className="callout callout--warning">{say(error)}</p>}
    </div>
  );
}
