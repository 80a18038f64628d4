import type { CreatedInvite } from '@amtsraum/shared';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A new link, to copy or to send by e-mail. */
export function CreatedLink({ created, onEmail }: { created: CreatedInvite; onEmail: (to: string) => Promise<void> }) {
  const { t } = useTranslation('invites');
  const id = useId();
  const [copied, setCopied] = useState(false);
  const [to, setTo] = useState('');
  return (
    <div className="invite-created" data-testid="invite-created">
      <div className="field">
        <label htmlFor={`${id}-url`}>{t('created.link', { label: created.invite.label })}</label>
        <input
          id={`${id}-url`}
          readOnly
          value={created.url}
          data-testid="invite-url"
          onFocus={(event) => event.target.select()}
        />
      </div>
      <button
        type="button"
        className="button"
        onClick={() => {
          void navigator.clipboard?.writeText(created.url).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? t('created.copied') : t('created.copy')}
      </button>
      <form
        className="invite-email"
        onSubmit={(event) => {
          event.preventDefault();
          if (to.trim()) void onEmail(to.trim());
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-email`}>{t('created.email')}</label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="off"
            value={to}
            onChange={(event) => setTo(event.target.value)}
          />
        </div>
        <button type="submit" className="button">
          {t('created.send')}
        </button>
      </form>
    </div>
  );
}
