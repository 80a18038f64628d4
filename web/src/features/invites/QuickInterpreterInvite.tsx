import type { CreatedInvite } from '@amtsraum/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguageName } from '../../ui/LanguageOptions';
import { createInvite, emailInvite, type InviteTarget } from './api';
import { CreatedLink } from './CreatedLink';
import { useErrorText } from './useErrorText';

/**
 * One click from the console: an interpreter link for the language the citizen asked for, ready
 * to copy or e-mail. (More choices are in the call's invite panel.)
 */
export function QuickInterpreterInvite({
  departmentId,
  target,
  language,
}: {
  departmentId: string;
  target: InviteTarget;
  language: string;
}) {
  const { t } = useTranslation('invites');
  const errorText = useErrorText();
  const languageName = useLanguageName();
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const name = languageName(language);
  return (
    <div className="quick-invite" data-testid="quick-interpreter-invite">
      {!created && (
        <button
          type="button"
          className="button"
          onClick={() => {
            setError('');
            createInvite(departmentId, target, {
              role: 'interpreter',
              label: t('panel.interpreterLabel', { language: name }),
              language,
            }).then(
              (result) => {
                setCreated(result);
                setStatus(t('panel.created'));
              },
              (caught: unknown) => setError(errorText(caught)),
            );
          }}
        >
          {t('panel.interpreterFor', { language: name })}
        </button>
      )}
      {created && (
        <CreatedLink
          created={created}
          onEmail={async (to) => {
            try {
              await emailInvite(departmentId, created.invite.id, to);
              setStatus(t('panel.emailed', { to }));
            } catch (caught) {
              setError(errorText(caught));
            }
          }}
        />
      )}
      <p role="status">{status}</p>
      {error && (
        <p role="alert" className="callout callout--warning">
          {error}
        </p>
      )}
    </div>
  );
}
