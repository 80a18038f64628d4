import { useId, useState, type MouseEvent, type ReactNode, type Ref } from 'react';
import type { ApiError } from '../lib/api';
import { useSay, type Message } from '../lib/message';

/**
 * One message per field that needs correcting, kept as a Message and worded when shown, so the
 * errors on screen follow a language switch.
 */
export type FieldErrors<F extends string> = Partial<Record<F, Message>>;

/** One field error of a `validation_failed` problem: its path and the server's words. */
export type ServerFieldError = NonNullable<ApiError['extras']['fieldErrors']>[number];

/**
 * The server's field errors on a form's fields (the first per field), each worded by the form;
 * paths the form has no field for are left to the caller's form-level failure.
 */
export function serverFieldErrors<F extends string>(
  error: ApiError,
  fieldAt: (path: string) => F | undefined,
  messageFor: (field: F, refused: ServerFieldError) => Message,
): FieldErrors<F> {
  const found: FieldErrors<F> = {};
  for (const refused of error.extras.fieldErrors ?? []) {
    const field = fieldAt(refused.path);
    if (field && !found[field]) found[field] = messageFor(field, refused);
  }
  return found;
}

/**
 * A form's field errors and their wiring: each field's id, `aria-invalid`, `aria-describedby`
 * (hint and error) and the error text above the control. `order` is the order of the fields on
 * the page, in which the error summary lists them.
 */
export function useFieldErrors<F extends string>(order: readonly F[]) {
  const id = useId();
  const say = useSay();
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const fieldId = (field: F) => `${id}-${field}`;
  const errorId = (field: F) => `${fieldId(field)}-error`;
  const fieldAt = (path: string): F | undefined =>
    order.find((candidate) => path === candidate || path.startsWith(`${candidate}.`));
  return {
    errors,
    setErrors,
    fieldId,
    /** The problems in page order, worded in the current language, for the summary. */
    entries: order.flatMap((field) => {
      const error = errors[field];
      return error ? [[field, say(error)] as const] : [];
    }),
    /** The field a server's validation path names (`name`, `services.0`, …), if the form has it. */
    fieldAt,
    /**
     * The server's field errors on this form's fields, by their paths: each field gets the form's
     * own message for it (the server's words are in the language of the request, not of now).
     * `messageFor` learns what the server said, so it can tell "missing" from "invalid" (see
     * `refusedProblem` in refused-field.ts): a refused field with text in it is not empty.
     */
    fromServer: (error: ApiError, messageFor: (field: F, refused: ServerFieldError) => Message): FieldErrors<F> =>
      serverFieldErrors(error, fieldAt, messageFor),
    invalid: (field: F) => (errors[field] ? true : undefined),
    describedBy: (field: F, hint?: string) =>
      [hint, errors[field] ? errorId(field) : undefined].filter(Boolean).join(' ') || undefined,
    fieldError: (field: F) => {
      const error = errors[field];
      return error ? (
        <p id={errorId(field)} className="field__error">
          {say(error)}
        </p>
      ) : null;
    },
  };
}

export type FieldErrorsState<F extends string> = ReturnType<typeof useFieldErrors<F>>;

/** What a single field needs of `useFieldErrors` (a form's state serves any of its fields). */
export type FieldWiring<F extends string> = Pick<
  FieldErrorsState<F>,
  'fieldId' | 'fieldError' | 'invalid' | 'describedBy'
>;

/** Spread onto the control: its id (the label's target) and its error state. */
export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

export interface FieldProps<F extends string> {
  fields: FieldWiring<F>;
  field: F;
  label: string;
  hint?: string;
  /** Indented under the choice that reveals it. */
  nested?: boolean;
  children: (control: ControlProps) => ReactNode;
}

/** Label, hint and error above one control, which they describe. */
export function Field<F extends string>({ fields, field, label, hint, nested = false, children }: FieldProps<F>) {
  const id = fields.fieldId(field);
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={nested ? 'field field--nested' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {fields.fieldError(field)}
      {children({
        id,
        'aria-invalid': fields.invalid(field),
        'aria-describedby': fields.describedBy(field, hintId),
      })}
    </div>
  );
}

interface PrivacyConsentProps<F extends string> {
  fields: FieldWiring<F>;
  field: F;
  summary: string;
  /** What is stored, why, when it is deleted, … */
  points: string[];
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

/** The privacy notice (folded) and the box to agree to it. */
export function PrivacyConsent<F extends string>({
  fields,
  field,
  summary,
  points,
  label,
  checked,
  onChange,
}: PrivacyConsentProps<F>) {
  return (
    <div className="field">
      <details className="privacy">
        <summary>{summary}</summary>
        <ul>
          {points.map((point) => (
            <li key={point}>{point}</li>
          ))}
        </ul>
      </details>
      {fields.fieldError(field)}
      <label className="choice">
        <input
          id={fields.fieldId(field)}
          type="checkbox"
          checked={checked}
          aria-invalid={fields.invalid(field)}
          aria-describedby={fields.describedBy(field)}
          onChange={(event) => {
            onChange(event.target.checked);
          }}
        />
        {label}
      </label>
    </div>
  );
}

/**
 * What went wrong for a form as a whole that no field can fix (a limit, the network, a closed
 * door): announced at once, focusable, and apart from the error summary's "please check".
 */
export function FormFailure({
  failure,
  testId,
  ref,
}: {
  failure: Message | null;
  testId?: string;
  ref?: Ref<HTMLParagraphElement>;
}) {
  const say = useSay();
  return (
    <p
      ref={ref}
      tabIndex={-1}
      role="alert"
      className={failure ? 'form-failure' : 'visually-hidden'}
      data-testid={testId}
    >
      {failure && say(failure)}
    </p>
  );
}

export interface ErrorSummaryProps<F extends string> {
  fields: FieldErrorsState<F>;
  /** What went wrong for the form as a whole (door closed, rate limit, …). */
  failure: Message | null;
  failureTestId?: string;
  title: string;
  /** A heading where the form's outline has room for one; otherwise a bold paragraph. */
  titleElement: 'h2' | 'h3' | 'p';
  ref?: Ref<HTMLDivElement>;
}

/**
 * The box above a form that lists its problems, each a link to its field. It is always in the
 * page (hidden while empty), so focus can move there as soon as problems are shown.
 */
export function ErrorSummary<F extends string>({
  fields,
  failure,
  failureTestId,
  title,
  titleElement: Title,
  ref,
}: ErrorSummaryProps<F>) {
  const id = useId();
  const say = useSay();
  const hasProblems = fields.entries.length > 0 || failure !== null;

  const jumpTo = (field: F) => (event: MouseEvent<HTMLAnchorElement>) => {
    // Focus without a hash in the URL: the router would treat it as navigation.
    event.preventDefault();
    document.getElementById(fields.fieldId(field))?.focus();
  };

  return (
    <div
      ref={ref}
      tabIndex={-1}
      className={hasProblems ? 'error-summary' : 'visually-hidden'}
      aria-labelledby={hasProblems ? `${id}-heading` : undefined}
      data-testid="error-summary"
    >
      {hasProblems && (
        <>
          <Title id={`${id}-heading`} className={Title === 'p' ? 'error-summary__title' : undefined}>
            {title}
          </Title>
          {failure && <p data-testid={failureTestId}>{say(failure)}</p>}
          {fields.entries.length > 0 && (
            <ul>
              {fields.entries.map(([field, message]) => (
                <li key={field}>
                  <a href={`#${fields.fieldId(field)}`} onClick={jumpTo(field)}>
                    {message}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
