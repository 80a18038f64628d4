import { EmailInviteRequestSchema, SUPPORTED_LOCALES, type CreatedInvite, type Locale } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLocale } from '../../lib/i18n';
import { message } from '../../lib/message';
import { Field, useFieldErrors } from '../../ui/forms';
import { useLanguageName } from '../../ui/LanguageOptions';

const EMAIL_INVALID = message((t) => t('invites:created.emailInvalid'));

/** The invite's language when the e-mail can be written in it, else the clerk's own. */
function mailLocaleOf(created: CreatedInvite): Locale {
  const language = created.invite.language;
  return SUPPORTED_LOCALES.find((locale) => locale === language) ?? currentLocale();
}

/**
 * A new link, to copy or to send by e-mail. It takes focus when it appears (selected, ready to
 * copy): the button that made it was disabled while sending or is gone, and focus would fall to
 * <body>. Shown once per link (keyed by it), so each new link takes focus again.
 */
export function CreatedLink({
  created,
  onEmail,
}: {
  created: CreatedInvite;
  onEmail: (to: string, locale: Locale) => Promise<void>;
}) {
  const { t } = useTranslation('invites');
  const languageName = useLanguageName();
  // The e-mail's language is the recipient's, not the clerk's screen: it was always the latter.
  const [locale, setLocale] = useState<Locale>(() => mailLocaleOf(created));
  const id = useId();
  const urlRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    urlRef.current?.focus();
  }, []);
  const [copied, setCopied] = useState<boolean | null>(null);
  const [to, setTo] = useState('');
  const fields = useFieldErrors(['to'] as const);
  const toRef = useRef<HTMLInputElement>(null);
  return (
    <div className="invite-created" data-testid="invite-created">
      <div className="field">
        <label htmlFor={`${id}-url`}>{t('created.link', { label: created.invite.label })}</label>
        <input
          type="text"
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
          // Without a clipboard (a page not served over HTTPS, a browser that refuses) the button
          // did nothing: the clerk is told, and the link is selected for Ctrl+C.
          (navigator.clipboard?.writeText(created.url) ?? Promise.reject(new Error('no clipboard'))).then(
            () => setCopied(true),
            () => {
              setCopied(false);
              urlRef.current?.focus();
              urlRef.current?.select();
            },
          );
        }}
      >
        {copied ? t('created.copied') : t('created.copy')}
      </button>
      <p role="status" data-testid="invite-copy-status">
        {copied === false && t('created.copyFailed')}
      </p>
      <form
        className="invite-email"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          // Checked by the server's own rule, said at the field in the page's language: an empty
          // address did nothing at all, a wrong one got the browser's bubble, in the browser's.
          const parsed = EmailInviteRequestSchema.safeParse({ to, locale });
          if (!parsed.success) {
            fields.setErrors({ to: EMAIL_INVALID });
            toRef.current?.focus();
            return;
          }
          fields.setErrors({});
          void onEmail(parsed.data.to, parsed.data.locale);
        }}
      >
        <Field fields={fields} field="to" label={t('created.email')}>
          {(control) => (
            <input
              {...control}
              ref={toRef}
              type="email"
              autoComplete="off"
              value={to}
              onChange={(event) => setTo(event.target.value)}
            />
          )}
        </Field>
        <div className="field">
          <label htmlFor={`${id}-locale`}>{t('created.emailLanguage')}</label>
          <select id={`${id}-locale`} value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
            {SUPPORTED_LOCALES.map((option) => (
              <option key={option} value={option} lang={option}>
                {languageName(option)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {t('created.send')}
        </button>
      </form>
    </div>
  );
}
