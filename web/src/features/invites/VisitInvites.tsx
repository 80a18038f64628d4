import type { InviteView } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { playTone } from '../../lib/chime';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { useLanguageName } from '../../ui/LanguageOptions';
import { admitInvitee, revokeInvite } from './api';
import { inForce, useValidity } from './links-in-force';
import { LobbyWaiting, waitingInLobbies } from './LobbyNotice';
import { QuickInterpreterInvite } from './QuickInterpreterInvite';
import { InviteLabel } from './InviteLabel';
import { inviteName } from './role-label';
import { useInviteList } from './useInviteList';

/**
 * In the console, for the clerk's current conversation: who waits in an invite's lobby (the call
 * page says it too, but the call may be in another tab or not open yet), the one-click interpreter
 * link, and the links still in force, each to withdraw. Read again and again as the call page's
 * lobby notice is (invitees in a lobby have no live connection), so a reload shows them all.
 */
export function VisitInvites({
  departmentId,
  visitId,
  interpreterLanguage,
  timeZone,
}: {
  departmentId: string;
  visitId: string;
  interpreterLanguage: string | null;
  timeZone: string;
}) {
  const { t } = useTranslation('invites');
  const say = useSay();
  const id = useId();
  const languageName = useLanguageName();
  const validity = useValidity(timeZone);
  const { invites, refresh } = useInviteList(departmentId, { visitId });
  const [status, setStatus] = useState<Message | null>(null);
  const [error, setError] = useState<Message | null>(null);
  const waiting = waitingInLobbies(invites);
  const links = invites.filter(inForce);
  useNewcomerTone(waiting.map(({ guest }) => guest.id));

  const act = async (action: () => Promise<void>, done: Message) => {
    setError(null);
    setStatus(null);
    try {
      await action();
      setStatus(done);
      await refresh();
    } catch (caught) {
      setError(problemMessage(toApiError(caught)));
    }
  };

  const usedBy = (invite: InviteView) => {
    const names = invite.guests.filter((guest) => guest.state !== 'removed').map((guest) => guest.name);
    return names.length > 0 ? t('links.usedBy', { names: names.join(', ') }) : t('links.unused');
  };

  return (
    <div className="visit-invites" data-testid="visit-invites">
      <div role="status" data-testid="console-lobby">
        <LobbyWaiting
          waiting={waiting}
          onAdmit={({ id: guestId, name }) => {
            void act(
              () => admitInvitee(departmentId, guestId),
              message((tr) => tr('invites:panel.admitted', { name })),
            );
          }}
        />
      </div>
      {interpreterLanguage && (
        <QuickInterpreterInvite
          departmentId={departmentId}
          target={{ visitId }}
          language={interpreterLanguage}
          timeZone={timeZone}
          onChange={() => void refresh()}
        />
      )}
      {links.length > 0 && (
        <section aria-labelledby={`${id}-links`} data-testid="links-in-force">
          <h3 id={`${id}-links`}>{t('links.heading')}</h3>
          <ul className="plain-list invite-list">
            {links.map((invite) => (
              <li key={invite.id} className="invite-list__item" data-testid="link-in-force">
                <p>
                  {/* A link labelled with its role's name (in any language): the role said once. */}
                  <InviteLabel invite={invite} />
                  {invite.language ? ` · ${languageName(invite.language)}` : ''} · {validity(invite)} · {usedBy(invite)}
                </p>
                <button
                  type="button"
                  className="button button--danger button--small"
                  onClick={() => {
                    const { label } = inviteName(t, invite);
                    void act(
                      () => revokeInvite(departmentId, invite.id),
                      message((tr) => tr('invites:panel.revoked', { label })),
                    );
                  }}
                >
                  {t('panel.revoke', { label: inviteName(t, invite).label })}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <p role="status" data-testid="visit-invites-status">
        {status && say(status)}
      </p>
      {error && (
        <p role="alert" className="callout callout--warning">
          {say(error)}
        </p>
      )}
    </div>
  );
}

/** A knock's sound when someone new waits in a lobby: the console may be in a tab behind the call's. */
function useNewcomerTone(ids: string[]) {
  const seen = useRef(new Set<string>());
  const key = ids.join(',');
  useEffect(() => {
    const fresh = ids.filter((guestId) => !seen.current.has(guestId));
    for (const guestId of fresh) seen.current.add(guestId);
    if (fresh.length > 0) playTone('knock');
    // eslint-disable-next-line react-hooks/exhaustive-deps -- key stands for ids
  }, [key]);
}
