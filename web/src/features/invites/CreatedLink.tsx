import type { CreatedInvite } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A new link, to copy or to send by e-mail. It takes focus when it appears (selected, ready to
 * copy): the button that made it was disabled while sending or is gone, and focus would fall to
 * <body>. Shown once per link (keyed by it), so each new link takes focus again.
 */
export function CreatedLink({ created, onEmail }: { created: CreatedInvite; onEmail: (to: string) => Promise<void> }) {
  const { t } = useTranslation('invites');
  const id = useId();
  const urlRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    urlRef.current?.focus();
  }, []);
  const [copied, setCopied] = useState(false);
  const [to, setTo] = useState('');
  return (
    <div className="invite-created" data-testid="invite-created">
      <div className="field">
        <label htmlFor={`${id}-url`}>{t('created.link', { label: created.invite.label })}</label>
        <input
          ref={urlRef}
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
