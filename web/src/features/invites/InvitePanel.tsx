import type { CreatedInvite } from '@amtsraum/shared';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { useLanguageName } from '../../ui/LanguageOptions';
import { admitInvitee, createInvite, emailInvite, removeInvitee, revokeInvite, type InviteTarget } from './api';
import { CreatedLink } from './CreatedLink';
import { CreateInviteForm } from './CreateInviteForm';
import { useErrorText } from './useErrorText';
import { useInviteList } from './useInviteList';

interface InvitePanelProps {
  departmentId: string;
  target: InviteTarget;
  /** The interpreter language the citizen asked for: preselected, with a ready label. */
  interpreterLanguage?: string | null;
  headingLevel?: 2 | 3;
}

/**
 * The clerk's invite links for one visit (or appointment): create one, copy or e-mail it, see who
 * came in by it, let waiting people in, remove a person, withdraw a link.
 */
export function InvitePanel({ departmentId, target, interpreterLanguage, headingLevel = 2 }: InvitePanelProps) {
  const { t } = useTranslation('invites');
  const languageName = useLanguageName();
  const id = useId();
  const list = useInviteList(departmentId, target);
  const { invites, refresh } = list;
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [status, setStatus] = useState('');
  const [actionError, setError] = useState('');
  const errorText = useErrorText();
  const error = actionError || (list.error ? errorText(list.error) : '');
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const SubHeading = headingLevel === 2 ? 'h3' : 'h4';

  const act = async (action: () => Promise<void>, done: string) => {
    setError('');
    setStatus('');
    try {
      await action();
      setStatus(done);
      await refresh();
    } catch (caught) {
      setError(errorText(caught));
    }
  };

  return (
    <section className="panel invite-panel" aria-labelledby={`${id}-heading`} data-testid="invite-panel">
      <Heading id={`${id}-heading`}>{t('panel.heading')}</Heading>
      {interpreterLanguage && (
        <p data-testid="interpreter-requested">
          {t('panel.requested', { language: languageName(interpreterLanguage) })}
        </p>
      )}
      <CreateInviteForm
        interpreterLanguage={interpreterLanguage ?? null}
        onCreate={async (body) => {
          setError('');
          try {
            const result = await createInvite(departmentId, target, body);
            setCreated(result);
            setStatus(t('panel.created'));
            await refresh();
          } catch (caught) {
            // The form leaves only the validity open to mistakes: past, or beyond the allowed days.
            const apiError = toApiError(caught);
            const untilWrong = apiError.extras.fieldErrors?.some((field) => field.path === 'validUntil');
            setError(untilWrong ? t('form.untilInvalid') : errorText(caught));
          }
        }}
      />
      {created && (
        <CreatedLink
          key={created.invite.id}
          created={created}
          onEmail={(to) => act(() => emailInvite(departmentId, created.invite.id, to), t('panel.emailed', { to }))}
        />
      )}
      <p role="status" className="invite-panel__status">
        {status}
      </p>
      {error && (
        <p role="alert" className="callout callout--warning">
          {error}
        </p>
      )}
      <SubHeading>{t('panel.listHeading')}</SubHeading>
      {invites.length === 0 ? (
        <p>{t('panel.none')}</p>
      ) : (
        <ul className="plain-list invite-list">
          {invites.map((invite) => (
            <li key={invite.id} className="invite-list__item" data-testid="invite-item">
              <p>
                <strong>{invite.label}</strong> · {t(`roles.${invite.role}`)}
                {invite.language ? ` · ${languageName(invite.language)}` : ''} ·{' '}
                <span data-testid="invite-state">{t(`state.${invite.state}`)}</span>
              </p>
              {invite.guests.length > 0 && (
                <ul className="plain-list">
                  {invite.guests.map((guest) => (
                    <li key={guest.id} className="invite-list__guest">
                      {guest.name} – {t(`guestState.${guest.state}`)}{' '}
                      {guest.state === 'waiting' && (
                        <button
                          type="button"
                          className="button button--primary"
                          onClick={() =>
                            void act(
                              () => admitInvitee(departmentId, guest.id),
                              t('panel.admitted', { name: guest.name }),
                            )
                          }
                        >
                          {t('panel.admit', { name: guest.name })}
                        </button>
                      )}{' '}
                      {guest.state !== 'removed' && (
                        <button
                          type="button"
                          className="button"
                          onClick={() =>
                            void act(
                              () => removeInvitee(departmentId, guest.id),
                              t('panel.removed', { name: guest.name }),
                            )
                          }
                        >
                          {t('panel.remove', { name: guest.name })}
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {invite.state === 'active' || invite.guests.some((guest) => guest.state !== 'removed') ? (
                <button
                  type="button"
                  className="button button--danger"
                  onClick={() =>
                    void act(() => revokeInvite(departmentId, invite.id), t('panel.revoked', { label: invite.label }))
                  }
                >
                  {t('panel.revoke', { label: invite.label })}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
