import type { StaffMe } from '@amtsraum/shared';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage, type Message } from '../../lib/message';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import './security.css';

const FIELDS = ['code'] as const;
type FieldName = (typeof FIELDS)[number];

const ERRORS = {
  format: message((t) => t('security:code.errors.format')),
  wrong: message((t) => t('security:code.errors.wrong')),
};

interface CodeFormProps {
  /** The form's accessible name. */
  label: string;
  submitLabel: string;
  /** Sends the code; resolves with who is signed in now, proved. */
  send: (code: string) => Promise<StaffMe>;
  onProved: (me: StaffMe) => void;
  /** For tests: the form's `data-testid`. */
  testId: string;
}

/** The six digits from the authenticator app: for the step-up and for confirming a new app. */
export function CodeForm({ label, submitLabel, send, onProved, testId }: CodeFormProps) {
  const { t } = useTranslation('security');
  const fields = useFieldErrors(FIELDS);
  const { setErrors } = fields;
  const [code, setCode] = useState('');
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
    // Apps show the code as "123 456"; people type it so.
    const digits = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(digits)) return show({ code: ERRORS.format }, null);
    setSubmitting(true);
    try {
      const me = await send(digits);
      setSubmitting(false);
      onProved(me);
    } catch (error) {
      const apiError = toApiError(error);
      setSubmitting(false);
      setCode('');
      if (apiError.code === 'second_factor_invalid') return show({ code: ERRORS.wrong }, null);
      if (apiError.code === 'validation_failed') return show({ code: ERRORS.format }, null);
      const retryAfter = apiError.extras.retryAfter;
      show(
        {},
        apiError.code === 'rate_limited' && retryAfter
          ? message((tr) => tr('security:code.errors.rateLimited', { count: Math.ceil(retryAfter / 60) }))
          : problemMessage(apiError),
      );
    }
  };

  return (
    <form
      className="panel security-form"
      aria-label={label}
      noValidate
      data-testid={testId}
      onSubmit={(e) => void submit(e)}
    >
      <ErrorSummary
        ref={summaryRef}
        fields={fields}
        failure={failure}
        failureTestId={`${testId}-failure`}
        title={t('code.errorSummary')}
        titleElement="p"
      />
      <Field fields={fields} field="code" label={t('code.label')} hint={t('code.hint')}>
        {(control) => (
          <input
            {...control}
            className="security-code"
            type="text"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]*"
            maxLength={7}
            spellCheck={false}
            value={code}
            onChange={(event) => {
              setCode(event.target.value);
            }}
          />
        )}
      </Field>
      <button type="submit" className="button button--primary" aria-disabled={submitting || undefined}>
        {submitting ? t('code.submitting') : submitLabel}
      </button>
    </form>
  );
}
