import { CitizenVisitResponseSchema, type KnockRequest, type Service } from '@amtsraum/shared';
import { useId, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { sendJson, toApiError, type ApiError } from '../../app/api';
import { currentLocale } from '../../app/i18n';
import { getLiveClient } from '../../app/live-client';
import { primeAudio, unlockAudio } from '../../app/chime';
import { useLocalize } from '../directory/useLocalize';
import { LanguageOptions } from './LanguageOptions';
import { isConversationLanguage } from './languages';
import { DocumentList } from '../directory/DocumentList';

type Field = 'name' | 'concern' | 'serviceSlug' | 'interpreterLanguage' | 'consent';
type FieldErrors = Partial<Record<Field, string>>;

interface KnockFormProps {
  tenantSlug: string;
  departmentSlug: string;
  services: Service[];
  /** Renders a form-level failure (door closed, queue full, …) in words. */
  describeFailure: (error: ApiError) => string;
}

const FIELD_ORDER: Field[] = ['name', 'concern', 'serviceSlug', 'interpreterLanguage', 'consent'];

export function KnockForm({ tenantSlug, departmentSlug, services, describeFailure }: KnockFormProps) {
  const { t } = useTranslation('knock');
  const localize = useLocalize();
  const navigate = useNavigate();
  const id = useId();
  const fieldId = (field: Field) => `${id}-${field}`;
  const knockable = services.filter((service) => service.knockable);

  const [name, setName] = useState('');
  const [mode, setMode] = useState<'text' | 'service'>('text');
  const [concern, setConcern] = useState('');
  const [serviceSlug, setServiceSlug] = useState('');
  const interfaceLanguage = currentLocale();
  const [language, setLanguage] = useState<string>(
    isConversationLanguage(interfaceLanguage) ? interfaceLanguage : 'de',
  );
  const [needsInterpreter, setNeedsInterpreter] = useState(false);
  const [interpreterLanguage, setInterpreterLanguage] = useState('');
  const [consent, setConsent] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  const service = knockable.find((candidate) => candidate.slug === serviceSlug);

  const validate = (): FieldErrors => {
    const found: FieldErrors = {};
    if (!name.trim()) found.name = t('form.errors.name');
    else if (name.trim().length > 80) found.name = t('form.errors.nameTooLong');
    if (mode === 'text') {
      if (!concern.trim()) found.concern = t('form.errors.concern');
      else if (concern.trim().length > 500) found.concern = t('form.errors.concernTooLong');
    } else if (!serviceSlug) {
      found.serviceSlug = t('form.errors.service');
    }
    if (needsInterpreter && !interpreterLanguage) found.interpreterLanguage = t('form.errors.interpreterLanguage');
    if (!consent) found.consent = t('form.errors.consent');
    return found;
  };

  const showErrors = (fieldErrors: FieldErrors, formFailure: string | null) => {
    setErrors(fieldErrors);
    setFailure(formFailure);
    // After React rendered the summary: move focus there, so the problem is read out first.
    window.setTimeout(() => summaryRef.current?.focus(), 0);
  };

  const fromServer = (error: ApiError): FieldErrors => {
    const found: FieldErrors = {};
    for (const { path } of error.extras.fieldErrors ?? []) {
      const field = FIELD_ORDER.find((candidate) => path === candidate || path.startsWith(`${candidate}.`));
      const key = field ?? null;
      if (key && !found[key]) {
        found[key] =
          key === 'serviceSlug' ? t('form.errors.service') : t(`form.errors.${key}` as const, t('form.errors.invalid'));
      }
    }
    return found;
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    unlockAudio(); // still inside the gesture (click or Enter): the waiting room can then sound
    const found = validate();
    if (Object.keys(found).length > 0) return showErrors(found, null);

    const body: KnockRequest = {
      name: name.trim(),
      ...(mode === 'text' ? { concern: concern.trim() } : { serviceSlug }),
      language,
      ...(needsInterpreter ? { interpreterLanguage } : {}),
      consent: true,
    };
    setSubmitting(true);
    try {
      await sendJson(
        'POST',
        `/api/tenants/${encodeURIComponent(tenantSlug)}/departments/${encodeURIComponent(departmentSlug)}/knock`,
        body,
        CitizenVisitResponseSchema,
        { language: currentLocale() },
      );
      // The live connection learns who this browser is from the new visit cookie.
      getLiveClient().reconnectNow();
      void navigate(`/${tenantSlug}/${departmentSlug}/wait`);
    } catch (error) {
      const apiError = toApiError(error);
      setSubmitting(false);
      if (apiError.code === 'validation_failed') {
        const fieldErrors = fromServer(apiError);
        showErrors(fieldErrors, Object.keys(fieldErrors).length > 0 ? null : describeFailure(apiError));
      } else {
        showErrors({}, describeFailure(apiError));
      }
    }
  };

  const errorEntries = FIELD_ORDER.filter((field) => errors[field]).map(
    (field) => [field, errors[field] ?? ''] as const,
  );
  const hasProblems = errorEntries.length > 0 || failure !== null;

  const jumpTo = (field: Field) => (event: MouseEvent<HTMLAnchorElement>) => {
    // Focus without a hash in the URL: the router would treat it as navigation.
    event.preventDefault();
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

  return (
    <form
      className="knock-form"
      aria-labelledby={`${id}-heading`}
      noValidate
      onSubmit={(event) => void submit(event)}
      onPointerDown={primeAudio}
    >
      <h2 id={`${id}-heading`}>{t('form.heading')}</h2>
      <p>{t('form.intro')}</p>

      <div
        ref={summaryRef}
        tabIndex={-1}
        className={hasProblems ? 'error-summary' : 'visually-hidden'}
        aria-labelledby={hasProblems ? `${id}-summary-heading` : undefined}
        data-testid="error-summary"
      >
        {hasProblems && (
          <>
            <h3 id={`${id}-summary-heading`}>{t('form.errorSummary')}</h3>
            {failure && <p data-testid="knock-failure">{failure}</p>}
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
        <label htmlFor={fieldId('name')}>{t('form.name')}</label>
        <p id={`${id}-name-hint`} className="field__hint">
          {t('form.nameHint')}
        </p>
        {fieldError('name')}
        <input
          id={fieldId('name')}
          type="text"
          autoComplete="given-name"
          maxLength={80}
          value={name}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={describedBy('name', `${id}-name-hint`)}
          onChange={(event) => {
            setName(event.target.value);
          }}
        />
      </div>

      {knockable.length > 0 && (
        <fieldset className="field field--choice">
          <legend>{t('form.concernChoice')}</legend>
          <label className="choice">
            <input
              type="radio"
              name={`${id}-mode`}
              value="text"
              checked={mode === 'text'}
              onChange={() => {
                setMode('text');
              }}
            />
            {t('form.concernText')}
          </label>
          <label className="choice">
            <input
              type="radio"
              name={`${id}-mode`}
              value="service"
              checked={mode === 'service'}
              onChange={() => {
                setMode('service');
              }}
            />
            {t('form.concernService')}
          </label>
        </fieldset>
      )}

      {mode === 'text' ? (
        <div className="field">
          <label htmlFor={fieldId('concern')}>{t('form.concern')}</label>
          <p id={`${id}-concern-hint`} className="field__hint">
            {t('form.concernHint')}
          </p>
          {fieldError('concern')}
          <textarea
            id={fieldId('concern')}
            rows={3}
            maxLength={500}
            value={concern}
            aria-invalid={errors.concern ? true : undefined}
            aria-describedby={describedBy('concern', `${id}-concern-hint`)}
            onChange={(event) => {
              setConcern(event.target.value);
            }}
          />
        </div>
      ) : (
        <div className="field">
          <label htmlFor={fieldId('serviceSlug')}>{t('form.service')}</label>
          {fieldError('serviceSlug')}
          <select
            id={fieldId('serviceSlug')}
            value={serviceSlug}
            aria-invalid={errors.serviceSlug ? true : undefined}
            aria-describedby={describedBy('serviceSlug')}
            onChange={(event) => {
              setServiceSlug(event.target.value);
            }}
          >
            <option value="">{t('form.servicePlaceholder')}</option>
            {knockable.map((candidate) => {
              const label = localize(candidate.name);
              return (
                <option key={candidate.slug} value={candidate.slug} lang={label.lang}>
                  {label.text}
                </option>
              );
            })}
          </select>
          {service && (
            <div className="knock-form__documents" data-testid="knock-documents">
              <h3>{t('form.documentsHeading')}</h3>
              {service.documents.length === 0 ? (
                <p>{t('form.noDocuments')}</p>
              ) : (
                <DocumentList documents={service.documents} />
              )}
            </div>
          )}
        </div>
      )}

      <div className="field">
        <label htmlFor={`${id}-language`}>{t('form.language')}</label>
        <select
          id={`${id}-language`}
          value={language}
          onChange={(event) => {
            setLanguage(event.target.value);
          }}
        >
          <LanguageOptions />
        </select>
      </div>

      <div className="field">
        <label className="choice">
          <input
            type="checkbox"
            checked={needsInterpreter}
            onChange={(event) => {
              setNeedsInterpreter(event.target.checked);
            }}
          />
          {t('form.needInterpreter')}
        </label>
      </div>
      {needsInterpreter && (
        <div className="field field--nested">
          <label htmlFor={fieldId('interpreterLanguage')}>{t('form.interpreterLanguage')}</label>
          {fieldError('interpreterLanguage')}
          <select
            id={fieldId('interpreterLanguage')}
            value={interpreterLanguage}
            aria-invalid={errors.interpreterLanguage ? true : undefined}
            aria-describedby={describedBy('interpreterLanguage')}
            onChange={(event) => {
              setInterpreterLanguage(event.target.value);
            }}
          >
            <option value="">{t('form.servicePlaceholder')}</option>
            <LanguageOptions />
          </select>
        </div>
      )}

      <div className="field">
        <details className="privacy">
          <summary>{t('form.privacySummary')}</summary>
          <ul>
            <li>{t('form.privacyStored')}</li>
            <li>{t('form.privacyWhy')}</li>
            <li>{t('form.privacyDeleted')}</li>
            <li>{t('form.privacyNoRecording')}</li>
          </ul>
        </details>
        {fieldError('consent')}
        <label className="choice">
          <input
            id={fieldId('consent')}
            type="checkbox"
            checked={consent}
            aria-invalid={errors.consent ? true : undefined}
            aria-describedby={describedBy('consent')}
            onChange={(event) => {
              setConsent(event.target.checked);
            }}
          />
          {t('form.consent')}
        </label>
      </div>

      <button type="submit" className="button button--primary" aria-disabled={submitting || undefined}>
        {submitting ? t('form.submitting') : t('form.submit')}
      </button>
    </form>
  );
}
