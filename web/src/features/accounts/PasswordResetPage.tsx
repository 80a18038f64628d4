import { pagePath, PasswordResetRequestSchema } from '@amtsraum/shared';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage, type Message } from '../../lib/message';
import { Link } from '../../lib/router';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { PageHeading } from '../../ui/PageHeading';
import { requestReset } from './api';

type FieldName = 'email';
const FIELD_ORDER: FieldName[] = ['email'];
const EMAIL_INVALID = message((t) => t('accounts:reset.emailInvalid'));

/** `/staff/password-reset`: asks for the e-mail address; the answer is the same for every address. */
export function PasswordResetPage() {
  const { t } = useTranslation('accounts');
  const fields = useFieldErrors(FIELD_ORDER);
  const { setErrors } = fields;
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [failure, setFailure] = useState<Message | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  const show = (found: FieldErrors<FieldName>, formFailure: Message | null) => {
    setErrors(found);
    setFailure(formFailure);
    window.setTimeout(() => summaryRef.current?.focus(), 0);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const parsed = PasswordResetRequestSchema.safeParse({ email });
    if (!parsed.success) return show({ email: EMAIL_INVALID }, null);
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
        <div className="panel" role="status" data-testid="reset-sent">
          <p>{t('reset.sent')}</p>
          <p>
            <Link to={pagePath('staffLogin')}>{t('reset.backToLogin')}</Link>
          </p>
        </div>
      ) : (
        <>
          <p>{t('reset.intro')}</p>
          <form className="panel login-form" aria-label={t('reset.label')} noValidate onSubmit={(e) => void submit(e)}>
            <ErrorSummary
              ref={summaryRef}
              fields={fields}
              failure={failure}
              failureTestId="reset-failure"
              title={t('reset.errorSummary')}
              titleElement="h2"
            />
            <Field fields={fields} field="email" label={t('reset.email')}>
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
            <button type="submit" className="button button--primary" aria-disabled={submitting || undefined}>
              {t('reset.submit')}
            </button>
          </form>
          <p>
            <Link to={pagePath('staffLogin')}>{t('reset.backToLogin')}</Link>
          </p>
        </>
      )}
    </>
  );
}
