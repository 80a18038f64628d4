import { pagePath, type DoorLive, type KnockRequest, type Service } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from '../../lib/router';
import { toApiError, type ApiError } from '../../lib/api';
import { primeAudio, unlockAudio } from '../../lib/audio-unlock';
import { currentLocale } from '../../lib/i18n';
import { message, type Message } from '../../lib/message';
import { getLiveClient } from '../../lib/live-client';
import { useLocalize } from '../../lib/useLocalize';
import { DocumentList } from '../../ui/DocumentList';
import { refusedProblem, type TextProblem } from '../../ui/refused-field';
import { ErrorSummary, Field, FormFailure, PrivacyConsent, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { LanguageFields, type LanguageChoice } from '../../ui/LanguageFields';
import { isConversationLanguage } from '../../ui/languages';
import { knock } from './api';

type FieldName = 'name' | 'concern' | 'serviceSlug' | 'interpreterLanguage' | 'consent';

interface KnockFormProps {
  tenantSlug: string;
  departmentSlug: string;
  services: Service[];
  /** The door as it is now, live: a newer one that takes knocks ends a refusal for its state. */
  door: DoorLive;
  /** A form-level failure (door closed, queue full, …) as a Message. */
  describeFailure: (error: ApiError) => Message;
}

const FIELD_ORDER: FieldName[] = ['name', 'concern', 'serviceSlug', 'interpreterLanguage', 'consent'];

const ERRORS = {
  name: message((t) => t('visits:form.errors.name')),
  nameTooLong: message((t) => t('visits:form.errors.nameTooLong')),
  nameInvalid: message((t) => t('visits:form.errors.nameInvalid')),
  concern: message((t) => t('visits:form.errors.concern')),
  concernTooLong: message((t) => t('visits:form.errors.concernTooLong')),
  concernInvalid: message((t) => t('visits:form.errors.concernInvalid')),
  serviceSlug: message((t) => t('visits:form.errors.service')),
  interpreterLanguage: message((t) => t('visits:form.errors.interpreterLanguage')),
  consent: message((t) => t('visits:form.errors.consent')),
};

const NAME_MESSAGES: Record<TextProblem, Message> = {
  missing: ERRORS.name,
  tooLong: ERRORS.nameTooLong,
  invalid: ERRORS.nameInvalid,
};
const CONCERN_MESSAGES: Record<TextProblem, Message> = {
  missing: ERRORS.concern,
  tooLong: ERRORS.concernTooLong,
  invalid: ERRORS.concernInvalid,
};

export function KnockForm({ tenantSlug, departmentSlug, services, door, describeFailure }: KnockFormProps) {
  const { t } = useTranslation('visits');
  const localize = useLocalize();
  const navigate = useNavigate();
  const id = useId();
  const fields = useFieldErrors(FIELD_ORDER);
  const { setErrors } = fields;
  const knockable = services.filter((service) => service.knockable);

  const [name, setName] = useState('');
  const [mode, setMode] = useState<'text' | 'service'>('text');
  const [concern, setConcern] = useState('');
  const [serviceSlug, setServiceSlug] = useState('');
  const [languages, setLanguages] = useState<LanguageChoice>(() => {
    const interfaceLanguage = currentLocale();
    return {
      language: isConversationLanguage(interfaceLanguage) ? interfaceLanguage : 'de',
      needsInterpreter: false,
      interpreterLanguage: '',
    };
  });
  const { language, needsInterpreter, interpreterLanguage } = languages;
  const [consent, setConsent] = useState(false);
  const [failure, setFailure] = useState<Message | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);
  const failureRef = useRef<HTMLParagraphElement>(null);
  // A knock refused for the door's state (closed, nobody attending, queue full): a newer door
  // that takes knocks makes the refusal stale, so it no longer stands above the usable form,
  // contradicting it. The focus stays where it is, unless it was on the refusal: then the first
  // field takes it.
  const refusedForDoor = useRef(false);
  useEffect(() => {
    if (!refusedForDoor.current || !door.canKnock) return;
    // Stays set: the failure is gone, and the next knock's failure sets it anew.
    const refusal = failureRef.current;
    if (document.activeElement === refusal) (refusal?.closest('form')?.elements[0] as HTMLElement | undefined)?.focus();
    setFailure(null);
  }, [door]);

  const service = knockable.find((candidate) => candidate.slug === serviceSlug);

  // The same person may have knocked in another tab meanwhile, whose new visit cookie this tab's
  // connection never saw: when the tab is shown again it connects anew, and KnockSection then
  // says they are waiting instead of offering the form twice. Here, not in the door's page: its
  // eager code has no room (issue 14), and only while the form is on the page (hidden, too, while
  // knocking is not possible).
  useEffect(() => {
    const onShown = () => {
      if (document.visibilityState === 'visible') getLiveClient().reconnectNow();
    };
    document.addEventListener('visibilitychange', onShown);
    return () => document.removeEventListener('visibilitychange', onShown);
  }, []);

  const validate = (): FieldErrors<FieldName> => {
    const found: FieldErrors<FieldName> = {};
    // Empty and too long here; the server's finer rules (invisible characters, …) come back as
    // its refusal, worded below: the door page's JavaScript budget has no room for them.
    if (!name.trim()) found.name = ERRORS.name;
    else if (name.trim().length > 80) found.name = ERRORS.nameTooLong;
    if (mode === 'text') {
      if (!concern.trim()) found.concern = ERRORS.concern;
      else if (concern.trim().length > 500) found.concern = ERRORS.concernTooLong;
    } else if (!serviceSlug) {
      found.serviceSlug = ERRORS.serviceSlug;
    }
    if (needsInterpreter && !interpreterLanguage) found.interpreterLanguage = ERRORS.interpreterLanguage;
    if (!consent) found.consent = ERRORS.consent;
    return found;
  };

  const showErrors = (fieldErrors: FieldErrors<FieldName>, formFailure: Message | null) => {
    setErrors(fieldErrors);
    setFailure(formFailure);
    // After React rendered it: move focus to the problem, so it is read out first.
    const target = Object.keys(fieldErrors).length > 0 ? summaryRef : failureRef;
    window.setTimeout(() => target.current?.focus(), 0);
  };

  /** A failure of the knock as a whole; a limit says how long to wait (issue 13, item 4). */
  const describe = (error: ApiError): Message => {
    const retryAfter = error.extras.retryAfter;
    if (error.code !== 'rate_limited' || !retryAfter) return describeFailure(error);
    const count = Math.ceil(retryAfter / 60);
    return message((t) => t('visits:form.rateLimited', { count }));
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
      await knock(tenantSlug, departmentSlug, body);
      // The live connection learns who this browser is from the new visit cookie.
      getLiveClient().reconnectNow();
      void navigate(pagePath('waitingRoom', { tenant: tenantSlug, department: departmentSlug }));
    } catch (error) {
      const apiError = toApiError(error);
      setSubmitting(false);
      // 409: door closed, nobody attending, queue full (or waiting elsewhere, which the page then says).
      refusedForDoor.current = apiError.status === 409;
      if (apiError.code === 'validation_failed') {
        // A field with text in it that the server still refuses is invalid, not missing.
        const fieldErrors = fields.fromServer(apiError, (field) => {
          if (field === 'name') return NAME_MESSAGES[refusedProblem(name, 80)];
          if (field === 'concern') return CONCERN_MESSAGES[refusedProblem(concern, 500)];
          return ERRORS[field];
        });
        showErrors(fieldErrors, Object.keys(fieldErrors).length > 0 ? null : describe(apiError));
      } else {
        showErrors({}, describe(apiError));
      }
    }
  };

  return (
    <form
      className="knock-form"
      aria-labelledby={`${id}-heading`}
      noValidate
      onSubmit={(event) => void submit(event)}
      onPointerDown={primeAudio}
    >
      <h2 id={`${id}-heading`} tabIndex={-1}>
        {t('form.heading')}
      </h2>
      <p>{t('form.intro')}</p>

      {/* Not under "please check your entries": nothing in the fields is wrong (issue 13, item 4). */}
      <FormFailure ref={failureRef} failure={failure} testId="knock-failure" />
      <ErrorSummary ref={summaryRef} fields={fields} failure={null} title={t('form.errorSummary')} titleElement="h3" />

      <Field fields={fields} field="name" label={t('form.name')} hint={t('form.nameHint')}>
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="given-name"
            maxLength={80}
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        )}
      </Field>

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
        <Field fields={fields} field="concern" label={t('form.concern')} hint={t('form.concernHint')}>
          {(control) => (
            <textarea
              {...control}
              rows={3}
              maxLength={500}
              value={concern}
              onChange={(event) => {
                setConcern(event.target.value);
              }}
            />
          )}
        </Field>
      ) : (
        <Field fields={fields} field="serviceSlug" label={t('form.service')}>
          {(control) => (
            <>
              <select
                {...control}
                value={serviceSlug}
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
            </>
          )}
        </Field>
      )}

      <LanguageFields
        value={languages}
        onChange={(change) => {
          setLanguages((previous) => ({ ...previous, ...change }));
        }}
        fields={fields}
        labels={{
          language: t('form.language'),
          needInterpreter: t('form.needInterpreter'),
          interpreterLanguage: t('form.interpreterLanguage'),
          choose: t('form.servicePlaceholder'),
        }}
      />

      <PrivacyConsent
        fields={fields}
        field="consent"
        summary={t('form.privacySummary')}
        points={[t('form.privacyStored'), t('form.privacyWhy'), t('form.privacyDeleted'), t('form.privacyNoRecording')]}
        label={t('form.consent')}
        checked={consent}
        onChange={setConsent}
      />

      <button type="submit" className="button button--primary" aria-disabled={submitting || undefined}>
        {submitting ? t('form.submitting') : t('form.submit')}
      </button>
    </form>
  );
}
