import type { StaffMe } from '@amtsraum/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { message, problemMessage } from '../../lib/message';
import { InputField, SubmitForm, useSubmitForm } from '../../ui/SubmitForm';
import './security.css';

const FIELDS = ['code'] as const;

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
  const form = useSubmitForm(FIELDS);
  const { show, setSubmitting } = form;
  const [code, setCode] = useState('');

  const submit = async () => {
    // Apps show the code as "123 456"; people type it so.
    const digits = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(digits)) return show({ code: ERRORS.format });
    setSubmitting(true);
    try {
      const me = await send(digits);
      setSubmitting(false);
      onProved(me);
    } catch (error) {
      const apiError = toApiError(error);
      setSubmitting(false);
      setCode('');
      if (apiError.code === 'second_factor_invalid') return show({ code: ERRORS.wrong });
      if (apiError.code === 'validation_failed') return show({ code: ERRORS.format });
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
    <SubmitForm
      form={form}
      label={label}
      className="security-form"
      summaryTitle={t('code.errorSummary')}
      summaryTitleElement="p"
      failureTestId={`${testId}-failure`}
      submitLabel={submitLabel}
      busyLabel={t('code.submitting')}
      testId={testId}
      onSubmit={submit}
    >
      <InputField
        fields={form.fields}
        field="code"
        label={t('code.label')}
        hint={t('code.hint')}
        input={{
          className: 'security-code',
          type: 'text',
          name: 'code',
          inputMode: 'numeric',
          autoComplete: 'one-time-code',
          pattern: '[0-9 ]*',
          maxLength: 7,
          spellCheck: false,
        }}
        value={code}
        onChange={setCode}
      />
    </SubmitForm>
  );
}
