import { LoginRequestSchema, pagePath } from '@amtsraum/shared';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { toApiError } from '../../lib/api';
import { getLiveClient } from '../../lib/live-client';
import { PageHeading } from '../../ui/PageHeading';
import { login } from './api';

/** `/staff/login`: e-mail and password; errors by the API's code. */
export function StaffLoginPage() {
  const { t } = useTranslation('console');
  const { t: tErrors } = useTranslation('errors');
  const navigate = useNavigate();
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  const show = (fieldErrors: { email?: string; password?: string }, formFailure: string | null) => {
    setErrors(fieldErrors);
    setFailure(formFailure);
    window.setTimeout(() => summaryRef.current?.focus(), 0);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const found: { email?: string; password?: string } = {};
    if (!email.trim()) found.email = t('login.emailRequired');
    if (!password) found.password = t('login.passwordRequired');
    if (found.email || found.password) return show(found, null);
    const parsed = LoginRequestSchema.safeParse({ email, password });
    if (!parsed.success) return show({ email: tErrors('codes.validation_failed') }, null);
    setSubmitting(true);
    try {
      await login(parsed.data);
      // The live connection learns about the new session cookie only at a new upgrade.
      getLiveClient().reconnectNow();
      void navigate(pagePath('staffHome'));
    } catch (error) {
      const apiError = toApiError(error);
      setSubmitting(false);
      const retryAfter = apiError.extras.retryAfter;
      show(
        {},
        apiError.code === 'rate_limited' && retryAfter
          ? t('login.rateLimited', { count: retryAfter })
          : tErrors(`codes.${apiError.code}`),
      );
    }
  };

  const hasProblems = failure !== null || Boolean(errors.email) || Boolean(errors.password);
  return (
    <>
      <PageHeading title={t('login.title')}>{t('login.heading')}</PageHeading>
      <p>{t('login.intro')}</p>
      <form className="panel login-form" aria-label={t('login.label')} noValidate onSubmit={(e) => void submit(e)}>
        <div
          ref={summaryRef}
          tabIndex={-1}
          className={hasProblems ? 'error-summary' : 'visually-hidden'}
          aria-labelledby={hasProblems ? `${id}-summary` : undefined}
          data-testid="error-summary"
        >
          {hasProblems && (
            <>
              <h2 id={`${id}-summary`}>{t('login.errorSummary')}</h2>
              {failure && <p>{failure}</p>}
              {(errors.email ?? errors.password) && (
                <ul>
                  {errors.email && <li>{errors.email}</li>}
                  {errors.password && <li>{errors.password}</li>}
                </ul>
              )}
            </>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>{t('login.email')}</label>
          {errors.email && (
            <p id={`${id}-email-error`} className="field__error">
              {errors.email}
            </p>
          )}
          <input
            id={`${id}-email`}
            type="email"
            name="email"
            autoComplete="username"
            inputMode="email"
            spellCheck={false}
            value={email}
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={errors.email ? `${id}-email-error` : undefined}
            onChange={(event) => {
              setEmail(event.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>{t('login.password')}</label>
          {errors.password && (
            <p id={`${id}-password-error`} className="field__error">
              {errors.password}
            </p>
          )}
          <input
            id={`${id}-password`}
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={errors.password ? `${id}-password-error` : undefined}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
        </div>
        <button type="submit" className="button button--primary" aria-disabled={submitting || undefined}>
          {submitting ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </>
  );
}
