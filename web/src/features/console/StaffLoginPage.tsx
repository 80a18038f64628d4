import { LoginRequestSchema, pagePath } from '@amtsraum/shared';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useSearchParams } from '../../lib/router';
import { hasKeptDrafts, isSessionEnded, signInReturnPath } from '../../lib/session-ended';
import { toApiError } from '../../lib/api';
import { getLiveClient } from '../../lib/live-client';
import { message, problemMessage } from '../../lib/message';
import type { FieldErrors } from '../../ui/forms';
import { EMAIL_INPUT, InputField, SubmitForm, useSubmitForm } from '../../ui/SubmitForm';
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
  const form = useSubmitForm(FIELD_ORDER);
  const { show, setSubmitting } = form;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Sent here by a page whose session ended meanwhile (an admin page's action, say).
  const { state } = useLocation();
  const [searchParams] = useSearchParams();
  const ended = isSessionEnded(state);
  // Or sent back here by a refused sign-in through the provider, with the page it was for.
  const back = signInReturnPath(state, searchParams);
  // An admin form's typing waits in this tab for after the sign-in (ui/useLeaveGuard.tsx).
  const [kept] = useState(hasKeptDrafts);

  const submit = async () => {
    const found: FieldErrors<FieldName> = {};
    if (!email.trim()) found.email = ERRORS.email;
    if (!password) found.password = ERRORS.password;
    if (found.email || found.password) return show(found);
    const parsed = LoginRequestSchema.safeParse({ email, password });
    if (!parsed.success) return show({ email: ERRORS.emailInvalid });
    setSubmitting(true);
    try {
      await login(parsed.data);
      // The live connection learns about the new session cookie only at a new upgrade.
      getLiveClient().reconnectNow();
      void navigate(back ?? pagePath('staffHome'));
    } catch (error) {
      const apiError = toApiError(error);
      setSubmitting(false);
      const retryAfter = apiError.extras.retryAfter;
      show(
        {},
        // Seconds only for a short wait; a longer one is said in minutes by problemMessage.
        apiError.code === 'rate_limited' && retryAfter && retryAfter <= 90
          ? message((tr) => tr('console:login.rateLimited', { count: retryAfter }))
          : problemMessage(apiError),
      );
    }
  };

  return (
    <>
      <PageHeading title={t('login.title')}>{t('login.heading')}</PageHeading>
      {ended && (
        <p className="notice notice--info" role="status" data-testid="login-session-ended">
          {t('login.sessionEnded')}
        </p>
      )}
      {kept && (
        <p className="notice notice--info" data-testid="login-drafts-kept">
          {t('login.draftsKept')}
        </p>
      )}
      <p>{t('login.intro')}</p>
      {/* The municipality's identity provider, for /staff/login?tenant=slug (issue 15). */}
      <Suspense fallback={null}>
        <IdentityProviderSignIn />
      </Suspense>
      <SubmitForm
        form={form}
        label={t('login.label')}
        className="login-form"
        summaryTitle={t('login.errorSummary')}
        summaryTitleElement="h2"
        failureTestId="login-failure"
        submitLabel={t('login.submit')}
        busyLabel={t('login.submitting')}
        onSubmit={submit}
      >
        <InputField
          fields={form.fields}
          field="email"
          label={t('login.email')}
          input={EMAIL_INPUT}
          value={email}
          onChange={setEmail}
        />
        <InputField
          fields={form.fields}
          field="password"
          label={t('login.password')}
          input={{ type: 'password', name: 'password', autoComplete: 'current-password' }}
          value={password}
          onChange={setPassword}
        />
      </SubmitForm>
      <p>
        <Link to={pagePath('staffPassword')}>{t('login.forgotPassword')}</Link>
      </p>
    </>
  );
}
