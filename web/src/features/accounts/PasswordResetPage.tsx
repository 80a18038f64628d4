import { pagePath, PasswordResetRequestSchema } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage } from '../../lib/message';
import { Link } from '../../lib/router';
import { EMAIL_INPUT, InputField, SubmitForm, useSubmitForm } from '../../ui/SubmitForm';
import { PageHeading } from '../../ui/PageHeading';
import { requestReset } from './api';

type FieldName = 'email';
const FIELD_ORDER: FieldName[] = ['email'];
const EMAIL_INVALID = message((t) => t('accounts:reset.emailInvalid'));

/** `/staff/password-reset`: asks for the e-mail address; the answer is the same for every address. */
export function PasswordResetPage() {
  const { t } = useTranslation('accounts');
  const form = useSubmitForm(FIELD_ORDER);
  const { show, setSubmitting } = form;
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  // The form goes away once sent, taking the focus with it: the answer takes it.
  const sentRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (sent) sentRef.current?.focus();
  }, [sent]);

  const submit = async () => {
    const parsed = PasswordResetRequestSchema.safeParse({ email });
    if (!parsed.success) return show({ email: EMAIL_INVALID });
    setSubmitting(true);
    try {
      await requestReset(parsed.data.email);
      setSent(true);
    } catch (error) {
      show({}, problemMessage(toApiError(error)));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <>
      <PageHeading title={t('reset.title')}>{t('reset.heading')}</PageHeading>
      {sent ? (
        <div ref={sentRef} tabIndex={-1} className="panel" role="status" data-testid="reset-sent">
          <p>{t('reset.sent')}</p>
          <p>
            <Link to={pagePath('staffLogin')}>{t('reset.backToLogin')}</Link>
          </p>
        </div>
      ) : (
        <>
          <p>{t('reset.intro')}</p>
          <SubmitForm
            form={form}
            label={t('reset.label')}
            className="login-form"
            summaryTitle={t('reset.errorSummary')}
            summaryTitleElement="h2"
            failureTestId="reset-failure"
            submitLabel={t('reset.submit')}
            onSubmit={submit}
          >
            <InputField
              fields={form.fields}
              field="email"
              label={t('reset.email')}
              input={EMAIL_INPUT}
              value={email}
              onChange={setEmail}
            />
          </SubmitForm>
          <p>
            <Link to={pagePath('staffLogin')}>{t('reset.backToLogin')}</Link>
          </p>
        </>
      )}
    </>
  );
}
