import type { LocalizedText, Slot } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError, type ApiError } from '../../app/api';
import { DocumentList } from '../directory/DocumentList';
import { formatClock } from '../directory/format';
import { LanguageOptions } from '../knock/LanguageOptions';
import { EMAIL_PATTERN, PHONE_PATTERN } from './booking-rules';
import { formatLongDate } from './time';

export interface Details {
  name: string;
  email: string;
  phone: string;
  language: string;
  needsInterpreter: boolean;
  interpreterLanguage: string;
  concern: string;
  consent: boolean;
}

type Field = 'name' | 'email' | 'phone' | 'interpreterLanguage' | 'concern' | 'consent';
type FieldErrors = Partial<Record<Field, string>>;
const FIELD_ORDER: Field[] = ['name', 'email', 'phone', 'interpreterLanguage', 'concern', 'consent'];

type Conflict = { kind: 'taken'; alternatives: Slot[] } | { kind: 'unavailable' } | null;

interface DetailsStepProps {
  /** A citizen books for themselves (e-mail and consent required); a clerk for a caller. */
  mode: 'citizen' | 'staff';
  value: Details;
  onChange: (value: Details) => void;
  timeZone: string;
  /** What was chosen so far, shown above the form. */
  summary: ReactNode;
  documents: LocalizedText[];
  onBack: () => void;
  /** Sends the booking; rejects with the API's error. */
  onSubmit: () => Promise<void>;
  /** A free slot offered after the chosen one was taken. */
  onPickAlternative: (slot: Slot) => void;
}

/** Step 3: who comes, how to reach them, the documents to bring, and the binding booking. */
export function DetailsStep({
  mode,
  value,
  onChange,
  timeZone,
  summary,
  documents,
  onBack,
  onSubmit,
  onPickAlternative,
}: DetailsStepProps) {
  const { t, i18n } = useTranslation('booking');
  const { t: tErrors } = useTranslation('errors');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const id = useId();
  const fieldId = (field: Field) => `${id}-${field}`;
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);
  const conflictRef = useRef<HTMLDivElement>(null);
  const pickedRef = useRef<HTMLParagraphElement>(null);
  // Focus moves to what needs reading first, once it is rendered (after an await, React may
  // render later than any timer would fire).
  const [focusRequest, setFocusRequest] = useState<{ target: 'summary' | 'conflict' | 'picked'; n: number } | null>(
    null,
  );
  const focusOn = (target: 'summary' | 'conflict' | 'picked') => {
    setFocusRequest((previous) => ({ target, n: (previous?.n ?? 0) + 1 }));
  };
  useEffect(() => {
    if (!focusRequest) return;
    const refs = { summary: summaryRef, conflict: conflictRef, picked: pickedRef };
    refs[focusRequest.target].current?.focus();
  }, [focusRequest]);

  const set = <K extends keyof Details>(key: K, next: Details[K]) => {
    onChange({ ...value, [key]: next });
  };

  const validate = (): FieldErrors => {
    const found: FieldErrors = {};
    const name = value.name.trim();
    if (!name) found.name = t('details.errors.name');
    else if (name.length > 80) found.name = t('details.errors.nameTooLong');
    const email = value.email.trim();
    if (mode === 'citizen' && !email) found.email = t('details.errors.email');
    else if (email && (!EMAIL_PATTERN.test(email) || email.length > 254))
      found.email = t('details.errors.emailInvalid');
    const phone = value.phone.trim();
    if (phone && (!PHONE_PATTERN.test(phone) || phone.length > 40)) found.phone = t('details.errors.phone');
    if (value.needsInterpreter && !value.interpreterLanguage)
      found.interpreterLanguage = t('details.errors.interpreterLanguage');
    if (value.concern.trim().length > 500) found.concern = t('details.errors.concernTooLong');
    if (mode === 'citizen' && !value.consent) found.consent = t('details.errors.consent');
    return found;
  };

  const showErrors = (fieldErrors: FieldErrors, formFailure: string | null) => {
    setErrors(fieldErrors);
    setFailure(formFailure);
    focusOn('summary');
  };

  const fromServer = (error: ApiError): FieldErrors => {
    const found: FieldErrors = {};
    for (const { path } of error.extras.fieldErrors ?? []) {
      const field = FIELD_ORDER.find((candidate) => path === candidate || path.startsWith(`${candidate}.`));
      if (field && !found[field]) found[field] = t(`details.errors.${field}`);
    }
    return found;
  };

  const describe = (error: ApiError) =>
    error.code === 'rate_limited' && error.extras.retryAfter
      ? t('details.rateLimited', { count: Math.ceil(error.extras.retryAfter / 60) })
      : tErrors(`codes.${error.code}`);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting) return;
    setConflict(null);
    setPicked(null);
    const found = validate();
    if (Object.keys(found).length > 0) return showErrors(found, null);
    setSubmitting(true);
    try {
      await onSubmit();
    } catch (caught) {
      const error = toApiError(caught);
      setSubmitting(false);
      if (error.code === 'slot_taken') {
        setErrors({});
        setFailure(null);
        setConflict({ kind: 'taken', alternatives: error.extras.alternatives ?? [] });
        focusOn('conflict');
      } else if (error.code === 'slot_unavailable') {
        setErrors({});
        setFailure(null);
        setConflict({ kind: 'unavailable' });
        focusOn('conflict');
      } else if (error.code === 'validation_failed') {
        const fieldErrors = fromServer(error);
        showErrors(fieldErrors, Object.keys(fieldErrors).length > 0 ? null : describe(error));
      } else {
        showErrors({}, describe(error));
      }
    }
  };

  const slotName = (slot: Slot) => {
    const start = new Date(slot.startsAt);
    return t('slots.slotName', {
      time: formatClock(start, locale, timeZone),
      date: formatLongDate(start, locale, timeZone),
    });
  };

  const errorEntries = FIELD_ORDER.filter((field) => errors[field]).map(
    (field) => [field, errors[field] ?? ''] as const,
  );
  const hasProblems = errorEntries.length > 0 || failure !== null;

  const jumpTo = (field: Field) => (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault(); // no hash in the URL: the router would treat it as navigation
    document.getElementById(fieldId(field))?.focus();
  };

  const describedBy = (field: Field, hint?: string) =>
    [hint, errors[field] ? `${fieldId(field)}-error` : undefined].filter(Boolean).join(' ') || undefined;

  const fieldError = (field: Field) =>
    errors[field] ? (
      <p id={`${fieldId(field)}-error`} className="field__error">
        {errors[field]}
      </p>
    ) : null;

  const invalid = (field: Field) => (errors[field] ? true : undefined);

  return (
    <form noValidate onSubmit={(event) => void submit(event)} aria-label={t('details.formLabel')}>
      <div className="booking-summary" data-testid="booking-summary">
        {summary}
      </div>
      {picked && (
        <p ref={pickedRef} tabIndex={-1} className="notice notice--info" data-testid="alternative-picked">
          {picked}
        </p>
      )}

      {conflict && (
        <div ref={conflictRef} tabIndex={-1} className="panel panel--notice" data-testid="slot-conflict">
          {conflict.kind === 'taken' ? (
            <>
              <p>{t('details.taken')}</p>
              {conflict.alternatives.length > 0 ? (
                <>
                  <p id={`${id}-alternatives`}>{t('details.alternatives')}</p>
                  <ul className="slot-list" aria-labelledby={`${id}-alternatives`} data-testid="alternatives">
                    {conflict.alternatives.map((slot) => (
                      <li key={slot.startsAt}>
                        <button
                          type="button"
                          className="slot slot--wide"
                          onClick={() => {
                            onPickAlternative(slot);
                            setConflict(null);
                            setPicked(t('details.alternativePicked', { slot: slotName(slot) }));
                            focusOn('picked');
                          }}
                        >
                          {slotName(slot)}
                        </button>
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <p>{t('details.noAlternatives')}</p>
              )}
            </>
          ) : (
            <p>{t('details.unavailable')}</p>
          )}
          <button type="button" className="button button--secondary" onClick={onBack}>
            {t('details.otherSlot')}
          </button>
        </div>
      )}

      <div
        ref={summaryRef}
        tabIndex={-1}
        className={hasProblems ? 'error-summary' : 'visually-hidden'}
        aria-labelledby={hasProblems ? `${id}-summary-heading` : undefined}
        data-testid="error-summary"
      >
        {hasProblems && (
          <>
            <p id={`${id}-summary-heading`} className="error-summary__title">
              {t('details.errorSummary')}
            </p>
            {failure && <p data-testid="booking-failure">{failure}</p>}
            {errorEntries.length > 0 && (
              <ul>
                {errorEntries.map(([field, message]) => (
                  <li key={field}>
                    <a href={`#${fieldId(field)}`} onClick={jumpTo(field)}>
                      {message}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>

      <div className="field">
        <label htmlFor={fieldId('name')}>{t('details.name')}</label>
        {fieldError('name')}
        <input
          id={fieldId('name')}
          type="text"
          autoComplete={mode === 'citizen' ? 'name' : 'off'}
          maxLength={80}
          value={value.name}
          aria-invalid={invalid('name')}
          aria-describedby={describedBy('name')}
          onChange={(event) => {
            set('name', event.target.value);
          }}
        />
      </div>

      <div className="field">
        <label htmlFor={fieldId('email')}>{mode === 'citizen' ? t('details.email') : t('details.emailOptional')}</label>
        <p id={`${id}-email-hint`} className="field__hint">
          {mode === 'citizen' ? t('details.emailHint') : t('details.emailHintStaff')}
        </p>
        {fieldError('email')}
        <input
          id={fieldId('email')}
          type="email"
          autoComplete={mode === 'citizen' ? 'email' : 'off'}
          maxLength={254}
          value={value.email}
          aria-invalid={invalid('email')}
          aria-describedby={describedBy('email', `${id}-email-hint`)}
          onChange={(event) => {
            set('email', event.target.value);
          }}
        />
      </div>

      <div className="field">
        <label htmlFor={fieldId('phone')}>{t('details.phone')}</label>
        <p id={`${id}-phone-hint`} className="field__hint">
          {t('details.phoneHint')}
        </p>
        {fieldError('phone')}
        <input
          id={fieldId('phone')}
          type="tel"
          autoComplete={mode === 'citizen' ? 'tel' : 'off'}
          maxLength={40}
          value={value.phone}
          aria-invalid={invalid('phone')}
          aria-describedby={describedBy('phone', `${id}-phone-hint`)}
          onChange={(event) => {
            set('phone', event.target.value);
          }}
        />
      </div>

      <div className="field">
        <label htmlFor={`${id}-language`}>{t('details.language')}</label>
        <select
          id={`${id}-language`}
          value={value.language}
          onChange={(event) => {
            set('language', event.target.value);
          }}
        >
          <LanguageOptions />
        </select>
      </div>

      <div className="field">
        <label className="choice">
          <input
            type="checkbox"
            checked={value.needsInterpreter}
            onChange={(event) => {
              set('needsInterpreter', event.target.checked);
            }}
          />
          {mode === 'citizen' ? t('details.needInterpreter') : t('details.needInterpreterStaff')}
        </label>
      </div>
      {value.needsInterpreter && (
        <div className="field field--nested">
          <label htmlFor={fieldId('interpreterLanguage')}>{t('details.interpreterLanguage')}</label>
          {fieldError('interpreterLanguage')}
          <select
            id={fieldId('interpreterLanguage')}
            value={value.interpreterLanguage}
            aria-invalid={invalid('interpreterLanguage')}
            aria-describedby={describedBy('interpreterLanguage')}
            onChange={(event) => {
              set('interpreterLanguage', event.target.value);
            }}
          >
            <option value="">{t('details.choose')}</option>
            <LanguageOptions />
          </select>
        </div>
      )}

      <div className="field">
        <label htmlFor={fieldId('concern')}>{t('details.concern')}</label>
        <p id={`${id}-concern-hint`} className="field__hint">
          {t('details.concernHint')}
        </p>
        {fieldError('concern')}
        <textarea
          id={fieldId('concern')}
          rows={3}
          maxLength={500}
          value={value.concern}
          aria-invalid={invalid('concern')}
          aria-describedby={describedBy('concern', `${id}-concern-hint`)}
          onChange={(event) => {
            set('concern', event.target.value);
          }}
        />
      </div>

      <section className="booking-documents" aria-labelledby={`${id}-documents`} data-testid="booking-documents">
        <p id={`${id}-documents`} className="booking-documents__title">
          {mode === 'citizen' ? t('details.documentsHeading') : t('details.documentsHeadingStaff')}
        </p>
        {documents.length === 0 ? (
          <p>{t('details.noDocuments')}</p>
        ) : (
          <DocumentList documents={documents} className="documents" />
        )}
      </section>

      {mode === 'citizen' && (
        <div className="field">
          <details className="privacy">
            <summary>{t('details.privacySummary')}</summary>
            <ul>
              <li>{t('details.privacyStored')}</li>
              <li>{t('details.privacyWhy')}</li>
              <li>{t('details.privacyDeleted')}</li>
              <li>{t('details.privacyNoRecording')}</li>
            </ul>
          </details>
          {fieldError('consent')}
          <label className="choice">
            <input
              id={fieldId('consent')}
              type="checkbox"
              checked={value.consent}
              aria-invalid={invalid('consent')}
              aria-describedby={describedBy('consent')}
              onChange={(event) => {
                set('consent', event.target.checked);
              }}
            />
            {t('details.consent')}
          </label>
        </div>
      )}

      <div className="button-row">
        <button type="button" className="button button--secondary" onClick={onBack}>
          {t('steps.back')}
        </button>
        <button type="submit" className="button" aria-disabled={submitting || undefined}>
          {submitting ? t('details.submitting') : mode === 'citizen' ? t('details.submit') : t('details.submitStaff')}
        </button>
      </div>
    </form>
  );
}
