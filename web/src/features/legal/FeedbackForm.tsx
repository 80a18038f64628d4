import {
  ACCESSIBILITY_FEEDBACK_MAX_LENGTH,
  type FeedbackRecipient,
  type TenantSummary,
  type TenantTextResponse,
} from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage, type Message } from '../../lib/message';
import { lineProblem, nameProblem, refusedProblem } from '../../ui/field-checks';
import { ErrorSummary, Field, FormFailure, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { sendAccessibilityFeedback } from './api';

const FIELDS = ['name', 'email', 'page', 'message'] as const;
type FieldName = (typeof FIELDS)[number];

const ERRORS: Record<FieldName, Message> = {
  name: message((t) => t('legal:feedback.errors.name')),
  email: message((t) => t('legal:feedback.errors.email')),
  page: message((t) => t('legal:feedback.errors.page')),
  message: message((t) => t('legal:feedback.errors.message')),
};
/** Name and page go into the mail (the server checks them as one line each, names like every name). */
const INVALID = {
  name: message((t) => t('legal:feedback.errors.nameInvalid')),
  page: message((t) => t('legal:feedback.errors.pageInvalid')),
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The page the citizen came from on this site, as a starting value for "which page". */
function referringPage(): string {
  try {
    const referrer = new URL(document.referrer);
    return referrer.origin === window.location.origin ? referrer.pathname : '';
  } catch {
    return '';
  }
}

/** Reporting a barrier (BITV 2.0 § 7: a feedback mechanism), sent by e-mail to the municipality. */
export function FeedbackForm({
  tenant,
  feedback,
}: {
  tenant: TenantSummary;
  feedback: TenantTextResponse['feedback'];
}) {
  const { t } = useTranslation('legal');
  const id = useId();
  const fields = useFieldErrors(FIELDS);
  const [values, setValues] = useState({ name: '', email: '', page: referringPage(), message: '' });
  const [failure, setFailure] = useState<Message | null>(null);
  const [sentTo, setSentTo] = useState<FeedbackRecipient | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);
  const failureRef = useRef<HTMLParagraphElement>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  // Focus moves to the confirmation once it is on screen (a timer could run before the render).
  useEffect(() => {
    if (sentTo) doneRef.current?.focus();
  }, [sentTo]);

  const set = (field: FieldName) => (event: { target: { value: string } }) => {
    setValues((previous) => ({ ...previous, [field]: event.target.value }));
  };

  const validate = (): FieldErrors<FieldName> => {
    const found: FieldErrors<FieldName> = {};
    const nameIssue = nameProblem(values.name, { max: 120, required: false });
    if (nameIssue) found.name = nameIssue === 'invalid' ? INVALID.name : ERRORS.name;
    if (values.email.trim() && !EMAIL.test(values.email.trim())) found.email = ERRORS.email;
    const pageIssue = lineProblem(values.page, { max: 500, required: false });
    if (pageIssue) found.page = pageIssue === 'invalid' ? INVALID.page : ERRORS.page;
    const text = values.message.trim();
    if (!text || text.length > ACCESSIBILITY_FEEDBACK_MAX_LENGTH) found.message = ERRORS.message;
    return found;
  };

  const showErrors = (found: FieldErrors<FieldName>, formFailure: Message | null) => {
    fields.setErrors(found);
    setFailure(formFailure);
    const target = Object.keys(found).length > 0 ? summaryRef : failureRef;
    window.setTimeout(() => target.current?.focus(), 0);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const found = validate();
    if (Object.keys(found).length > 0) return showErrors(found, null);
    setSubmitting(true);
    try {
      const answer = await sendAccessibilityFeedback(tenant.slug, {
        ...(values.name.trim() ? { name: values.name.trim() } : {}),
        ...(values.email.trim() ? { email: values.email.trim() } : {}),
        ...(values.page.trim() ? { page: values.page.trim() } : {}),
        message: values.message.trim(),
      });
      showErrors({}, null);
      setSentTo(answer.recipient);
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code === 'validation_failed') {
        // A name or page the server still refuses is invalid unless it is too long.
        const fromServer = fields.fromServer(apiError, (field) =>
          (field === 'name' || field === 'page') &&
          refusedProblem(values[field], field === 'name' ? 120 : 500) === 'invalid'
            ? INVALID[field]
            : ERRORS[field],
        );
        showErrors(fromServer, Object.keys(fromServer).length > 0 ? null : problemMessage(apiError));
      } else {
        showErrors({}, problemMessage(apiError));
      }
    } finally {
      setSubmitting(false);
    }
  };

  const heading = <h2 id={`${id}-heading`}>{t('feedback.heading')}</h2>;

  if (!feedback) {
    return (
      <section aria-labelledby={`${id}-heading`} className="feedback-form">
        {heading}
        <p>{t('feedback.unavailable', { tenant: tenant.name })}</p>
      </section>
    );
  }

  if (sentTo) {
    return (
      <section aria-labelledby={`${id}-heading`} className="feedback-form">
        {heading}
        <div ref={doneRef} tabIndex={-1} role="status" className="notice" data-testid="feedback-sent">
          <p>
            {sentTo === 'municipality'
              ? t('feedback.sentMunicipality', { tenant: tenant.name })
              : t('feedback.sentInstallation')}
          </p>
        </div>
      </section>
    );
  }

  return (
    <form
      className="feedback-form"
      aria-labelledby={`${id}-heading`}
      noValidate
      onSubmit={(event) => void submit(event)}
      data-testid="feedback-form"
    >
      {heading}
      <p>
        {feedback.recipient === 'municipality'
          ? t('feedback.introMunicipality', { tenant: tenant.name, email: feedback.email })
          : t('feedback.introInstallation', { tenant: tenant.name, email: feedback.email })}
      </p>
      <FormFailure ref={failureRef} failure={failure} />
      <ErrorSummary
        ref={summaryRef}
        fields={fields}
        failure={null}
        failureTestId="feedback-failure-in-summary"
        title={t('feedback.errorSummary')}
        titleElement="h3"
      />
      <Field fields={fields} field="message" label={t('feedback.message')} hint={t('feedback.messageHint')}>
        {(control) => (
          <textarea
            {...control}
            rows={6}
            maxLength={ACCESSIBILITY_FEEDBACK_MAX_LENGTH}
            value={values.message}
            onChange={set('message')}
          />
        )}
      </Field>
      <Field fields={fields} field="page" label={t('feedback.page')} hint={t('feedback.pageHint')}>
        {(control) => <input {...control} type="text" maxLength={500} value={values.page} onChange={set('page')} />}
      </Field>
      <Field fields={fields} field="name" label={t('feedback.name')}>
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="name"
            maxLength={120}
            value={values.name}
            onChange={set('name')}
          />
        )}
      </Field>
      <Field fields={fields} field="email" label={t('feedback.email')} hint={t('feedback.emailHint')}>
        {(control) => (
          <input {...control} type="email" autoComplete="email" value={values.email} onChange={set('email')} />
        )}
      </Field>
      <button type="submit" className="button button--primary" aria-disabled={submitting || undefined}>
        {submitting ? t('feedback.submitting') : t('feedback.submit')}
      </button>
    </form>
  );
}
