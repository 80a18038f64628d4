import { pagePath, SetPasswordRequestSchema } from '@amtsraum/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { getLiveClient } from '../../lib/live-client';
import { message, problemMessage, type Message } from '../../lib/message';
import { useNavigate } from '../../lib/router';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { PageHeading } from '../../ui/PageHeading';
import { setPassword } from './api';
import { usePasswordHint } from './parts';
import { PasswordResetPage } from './PasswordResetPage';

type FieldName = 'password' | 'repeat';
const FIELD_ORDER: FieldName[] = ['password', 'repeat'];

const ERRORS = {
  password: message((t) => t('accounts:password.invalid')),
  repeat: message((t) => t('accounts:password.mismatch')),
};

/** The token from the link's fragment (read without side effects: StrictMode calls this twice). */
function readToken(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, ''));
}

/**
 * `/staff/password#token`: the invitation's or the reset's page to set a password; without a
 * token (or asked for a new link) the "forgot password" form.
 */
export function SetPasswordPage() {
  const [token, setToken] = useState(readToken);
  // The address bar forgets the token once it is read: not in the history, not on a screenshot.
  useEffect(() => {
    if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname);
  }, []);
  if (!token) return <PasswordResetPage />;
  return (
    <SetPasswordForm
      token={token}
      onNewLink={() => {
        setToken('');
      }}
    />
  );
}

function SetPasswordForm({ token, onNewLink }: { token: string; onNewLink: () => void }) {
  const { t } = useTranslation('accounts');
  const { t: tErrors } = useTranslation('errors');
  const navigate = useNavigate();
  const fields = useFieldErrors(FIELD_ORDER);
  const { setErrors } = fields;
  const [password, setPasswordText] = useState('');
  const [repeat, setRepeat] = useState('');
  const [failure, setFailure] = useState<Message | null>(null);
  const [linkProblem, setLinkProblem] = useState<'link_invalid' | 'link_expired' | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);
  const hint = usePasswordHint();

  const show = (found: FieldErrors<FieldName>, formFailure: Message | null) => {
    setErrors(found);
    setFailure(formFailure);
    window.setTimeout(() => summaryRef.current?.focus(), 0);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const found: FieldErrors<FieldName> = {};
    const parsed = SetPasswordRequestSchema.safeParse({ token, password });
    if (!parsed.success) found.password = ERRORS.password;
    if (repeat !== password) found.repeat = ERRORS.repeat;
    if (found.password || found.repeat || !parsed.success) return show(found, null);
    setSubmitting(true);
    try {
      await setPassword(parsed.data);
      getLiveClient().reconnectNow();
      void navigate(pagePath('staffHome'));
    } catch (error) {
      const apiError = toApiError(error);
      setSubmitting(false);
      if (apiError.code === 'link_invalid' || apiError.code === 'link_expired') {
        setLinkProblem(apiError.code);
        return;
      }
      show(
        apiError.code === 'validation_failed' ? fields.fromServer(apiError, () => ERRORS.password) : {},
        apiError.code === 'validation_failed' ? null : problemMessage(apiError),
      );
    }
  };

  if (linkProblem) {
    return (
      <>
        <PageHeading title={t('password.title')}>{t('password.heading')}</PageHeading>
        <div className="panel" role="alert" data-testid="link-problem">
          <p>{tErrors(`codes.${linkProblem}`)}</p>
          <p>{t('password.wayOnInvite')}</p>
          <p>
            {t('password.wayOnReset')}{' '}
            <button type="button" className="button" onClick={onNewLink}>
              {t('password.requestNew')}
            </button>
          </p>
        </div>
      </>
    );
  }

  return (
    <>
      <PageHeading title={t('password.title')}>{t('password.heading')}</PageHeading>
      <p>{t('password.intro')}</p>
      <form className="panel login-form" aria-label={t('password.label')} noValidate onSubmit={(e) => void submit(e)}>
        <ErrorSummary
          ref={summaryRef}
          fields={fields}
          failure={failure}
          failureTestId="password-failure"
          title={t('password.errorSummary')}
          titleElement="h2"
        />
        <Field fields={fields} field="password" label={t('password.new')} hint={hint}>
          {(control) => (
            <input
              {...control}
              type="password"
              name="new-password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => {
                setPasswordText(event.target.value);
              }}
            />
          )}
        </Field>
        <Field fields={fields} field="repeat" label={t('password.repeat')}>
          {(control) => (
            <input
              {...control}
              type="password"
              name="repeat-password"
              autoComplete="new-password"
              value={repeat}
              onChange={(event) => {
                setRepeat(event.target.value);
              }}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary" aria-disabled={submitting || undefined}>
          {submitting ? t('password.submitting') : t('password.submit')}
        </button>
      </form>
    </>
  );
}
