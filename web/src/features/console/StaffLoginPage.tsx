import { LoginRequestSchema, pagePath } from '@amtsraum/shared';
import { Suspense, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from '../../lib/router';
import { toApiError } from '../../lib/api';
import { getLiveClient } from '../../lib/live-client';
import { message, problemMessage, type Message } from '../../lib/message';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { PageHeading } from '../../ui/PageHeading';
import { IdentityProviderSignIn } from '../security';
import { login } from './api';

type FieldName = 'email' | 'password';
const FIELD_ORDER: FieldName[] = ['email', 'password'];

const ERRORS = {
  email: message((t) => t('console:login.emailRequired')),
  emailInvalid: message((t) => t('errors:codes.validation_failed')),
  password: message((t) => t('console:login.passwordRequired')),
};

/** `/staff/login`: e-mail and password; errors by the API's code. */
export function StaffLoginPage() {
  const { t } = useTranslation('console');
  const navigate = useNavigate();
  const fields = useFieldErrors(FIELD_ORDER);
  const { setErrors } = fields;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<Message | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  const show = (fieldErrors: FieldErrors<FieldName>, formFailure: Message | null) => {
    setErrors(fieldErrors);
    setFailure(formFailure);
    window.setTimeout(() => summaryRef.current?.focus(), 0);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const found: FieldErrors<FieldName> = {};
    if (!email.trim()) found.email = ERRORS.email;
    if (!password) found.password = ERRORS.password;
    if (found.email || found.password) return show(found, null);
    const parsed = LoginRequestSchema.safeParse({ email, password });
    if (!parsed.success) return show({ email: ERRORS.emailInvalid }, null);
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
          ? message((tr) => tr('console:login.rateLimited', { count: retryAfter }))
          : problemMessage(apiError),
      );
    }
  };

  return (
    <>
      <PageHeading title={t('login.title')}>{t('login.heading')}</PageHeading>
      <p>{t('login.intro')}</p>
      {/* The municipality's identity provider, for /staff/login?tenant=slug (issue 15). */}
      <Suspense fallback={null}>
        <IdentityProviderSignIn />
      </Suspense>
      <form className="panel login-form" aria-label={t('login.label')} noValidate onSubmit={(e) => void submit(e)}>
        <ErrorSummary
          ref={summaryRef}
          fields={fields}
          failure={failure}
          failureTestId="login-failure"
          title={t('login.errorSummary')}
          titleElement="h2"
        />
        <Field fields={fields} field="email" label={t('login.email')}>
          {(control) => (
            <input
              {...control}
              type="email"
              name="email"
              autoComplete="username"
              inputMode="email"
              spellCheck={false}
              value={email}
              onChange={(event) => {
                setEmail(event.target.value);
              }}
            />
          )}
        </Field>
        <Field fields={fields} field="password" label={t('login.password')}>
          {(control) => (
            <input
              {...control}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => {
                setPassword(event.target.value);
              }}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary" aria-disabled={submitting || undefined}>
          {submitting ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      <p>
        <Link to={pagePath('staffPassword')}>{t('login.forgotPassword')}</Link>
      </p>
    </>
  );
}
