import { useId, useState, type MouseEvent, type ReactNode, type Ref } from 'react';

/** One message per field that needs correcting. */
export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/**
 * A form's field errors and their wiring: each field's id, `aria-invalid`, `aria-describedby`
 * (hint and error) and the error text above the control. `order` is the order of the fields on
 * the page, in which the error summary lists them.
 */
export function useFieldErrors<F extends string>(order: readonly F[]) {
  const id = useId();
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const fieldId = (field: F) => `${id}-${field}`;
  const errorId = (field: F) => `${fieldId(field)}-error`;
  return {
    errors,
    setErrors,
    fieldId,
    /** The problems in page order, for the summary. */
    entries: order.filter((field) => errors[field]).map((field) => [field, errors[field] ?? ''] as const),
    /** The field a server's validation path names (`name`, `services.0`, …), if the form has it. */
    fieldAt: (path: string): F | undefined =>
      order.find((candidate) => path === candidate || path.startsWith(`${candidate}.`)),
    invalid: (field: F) => (errors[field] ? true : undefined),
    describedBy: (field: F, hint?: string) =>
      [hint, errors[field] ? errorId(field) : undefined].filter(Boolean).join(' ') || undefined,
    fieldError: (field: F) =>
      errors[field] ? (
        <p id={errorId(field)} className="field__error">
          {errors[field]}
        </p>
      ) : null,
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

interface FieldProps<F extends string> {
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

interface ErrorSummaryProps<F extends string> {
  fields: FieldErrorsState<F>;
  /** What went wrong for the form as a whole (door closed, rate limit, …). */
  failure: string | null;
  failureTestId: string;
  title: string;
  /** A heading where the form's outline has room for one; otherwise a bold paragraph. */
  titleElement: 'h3' | 'p';
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
          {failure && <p data-testid={failureTestId}>{failure}</p>}
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
