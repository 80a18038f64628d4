import { useEffect, useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import type { Message } from '../lib/message';
import {
  ErrorSummary,
  Field,
  useFieldErrors,
  type ErrorSummaryProps,
  type FieldErrors,
  type FieldProps,
} from './forms';

// Apart from forms.tsx, which the citizens' door page loads: these serve staff pages only, and
// the door page has a size budget (issue 14).

/**
 * What a short form keeps beside its field errors (sign-in, passwords, authenticator codes): the
 * failure of the form as a whole, whether it is being sent, and `show`, which puts problems on
 * screen and moves focus to their summary, so a screen reader hears them at once.
 */
export function useSubmitForm<F extends string>(order: readonly F[]) {
  const fields = useFieldErrors(order);
  const { setErrors } = fields;
  const [failure, setFailure] = useState<Message | null>(null);
  const [submitting, setSubmitting] = useState(false);
  /** How often problems were shown: each time, `SubmitForm` moves focus to the summary. */
  const [shown, setShown] = useState(0);
  return {
    fields,
    failure,
    submitting,
    setSubmitting,
    shown,
    show: (found: FieldErrors<F>, formFailure: Message | null = null) => {
      setErrors(found);
      setFailure(formFailure);
      setShown((count) => count + 1);
    },
    clear: () => {
      setErrors({});
      setFailure(null);
    },
  };
}

export type SubmitFormState<F extends string> = ReturnType<typeof useSubmitForm<F>>;

interface SubmitFormProps<F extends string> {
  form: SubmitFormState<F>;
  /** The form's accessible name. */
  label: string;
  /** The panel's look beside `panel` (`login-form`, `security-form`). */
  className: string;
  summaryTitle: string;
  summaryTitleElement: ErrorSummaryProps<F>['titleElement'];
  failureTestId: string;
  submitLabel: string;
  /** Shown on the button while sending; without it the label stays. */
  busyLabel?: string;
  testId?: string;
  /** Runs only while the form is not being sent already (a double click sends once). */
  onSubmit: () => Promise<void>;
  children: ReactNode;
}

/**
 * A short form's layout: the error summary on top, the fields, one submit button that says when
 * the form is being sent. Validation and what the answer means stay with the form.
 */
export function SubmitForm<F extends string>({
  form,
  label,
  className,
  summaryTitle,
  summaryTitleElement,
  failureTestId,
  submitLabel,
  busyLabel,
  testId,
  onSubmit,
  children,
}: SubmitFormProps<F>) {
  const summaryRef = useRef<HTMLDivElement>(null);
  const { shown } = form;
  // After the render that fills the summary: focus on the hidden, empty box would go nowhere.
  useEffect(() => {
    if (shown > 0) summaryRef.current?.focus();
  }, [shown]);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form.submitting) void onSubmit();
  };
  return (
    <form className={`panel ${className}`} aria-label={label} noValidate data-testid={testId} onSubmit={submit}>
      <ErrorSummary
        ref={summaryRef}
        fields={form.fields}
        failure={form.failure}
        failureTestId={failureTestId}
        title={summaryTitle}
        titleElement={summaryTitleElement}
      />
      {children}
      <button type="submit" className="button button--primary" aria-disabled={form.submitting || undefined}>
        {form.submitting && busyLabel ? busyLabel : submitLabel}
      </button>
    </form>
  );
}

/** The input's own attributes; its id and error state come from the field. */
export type InputAttributes = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange' | 'id' | 'aria-invalid' | 'aria-describedby'
>;

/** An e-mail address typed to sign in or to be found by: no spelling check, the e-mail keyboard. */
export const EMAIL_INPUT: InputAttributes = {
  type: 'email',
  name: 'email',
  autoComplete: 'username',
  inputMode: 'email',
  spellCheck: false,
};

interface InputFieldProps<F extends string> extends Omit<FieldProps<F>, 'children'> {
  input: InputAttributes;
  value: string;
  onChange: (value: string) => void;
}

/** A `Field` around one text input (e-mail, password, code). */
export function InputField<F extends string>({ input, value, onChange, ...field }: InputFieldProps<F>) {
  return (
    <Field {...field}>
      {(control) => (
        <input
          type="text"
          {...input}
          {...control}
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        />
      )}
    </Field>
  );
}
