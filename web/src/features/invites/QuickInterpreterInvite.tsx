import type { CreatedInvite } from '@amtsraum/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { useLanguageName } from '../../ui/LanguageOptions';
import { createInvite, emailInvite, type InviteTarget } from './api';
import { CreatedLink } from './CreatedLink';

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
  const say = useSay();
  const languageName = useLanguageName();
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [status, setStatus] = useState<Message | null>(null);
  const [error, setError] = useState<Message | null>(null);
  const name = languageName(language);
  return (
    <div className="quick-invite" data-testid="quick-interpreter-invite">
      {!created && (
        <button
          type="button"
          className="button"
          onClick={() => {
            setError(null);
            createInvite(departmentId, target, {
              role: 'interpreter',
              label: t('panel.interpreterLabel', { language: name }),
              language,
            }).then(
              (result) => {
                setCreated(result);
                setStatus(message((tr) => tr('invites:panel.created')));
              },
              (caught: unknown) => setError(problemMessage(toApiError(caught))),
            );
          }}
        >
          {t('panel.interpreterFor', { language: name })}
        </button>
      )}
      {created && (
        <CreatedLink
          created={created}
          onEmail={async (to, locale) => {
            try {
              await emailInvite(departmentId, created.invite.id, to, locale);
              setStatus(message((tr) => tr('invites:panel.emailed', { to })));
            } catch (caught) {
              setError(problemMessage(toApiError(caught)));
            }
          }}
        />
      )}
      <p role="status">{status && say(status)}</p>
      {error && (
        <p role="alert" className="callout callout--warning">
          {say(error)}
        </p>
      )}
    </div>
  );
}
