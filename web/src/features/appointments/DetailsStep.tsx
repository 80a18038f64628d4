import { isPastBirthDate, pagePath, type Channel, type Contact, type LocalizedText, type Slot } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError, type ApiError } from '../../lib/api';
import { message, problemMessage, type Message } from '../../lib/message';
import { Link } from '../../lib/router';
import { DocumentList } from '../../ui/DocumentList';
import { freeTextProblem, nameProblem, refusedProblem, type TextProblem } from '../../ui/field-checks';
import { ErrorSummary, Field, PrivacyConsent, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { LanguageFields } from '../../ui/LanguageFields';
import { useLocalize } from '../../lib/useLocalize';
import { AlternativeSlots } from './AlternativeSlots';
import { EMAIL_PATTERN, officeContactWay, PHONE_PATTERN } from './booking-rules';
import { useSlotName } from './useSlotName';

export interface Details {
  name: string;
  email: string;
  phone: string;
  language: string;
  needsInterpreter: boolean;
  interpreterLanguage: string;
  concern: string;
  consent: boolean;
  /** Video or on site, when the services offer both; null until chosen. */
  channel: Channel | null;
  /** On site: the date of birth, as typed (day, month, year). */
  birthDay: string;
  birthMonth: string;
  birthYear: string;
}

/** The date of birth as `YYYY-MM-DD`, or null when nothing was typed. */
export function birthDateOf(value: Pick<Details, 'birthDay' | 'birthMonth' | 'birthYear'>): string | null {
  const [day, month, year] = [value.birthDay.trim(), value.birthMonth.trim(), value.birthYear.trim()];
  if (!day && !month && !year) return null;
  return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

type FieldName = 'channel' | 'birthDate' | 'name' | 'email' | 'phone' | 'interpreterLanguage' | 'concern' | 'consent';
const FIELD_ORDER: FieldName[] = [
  'channel',
  'birthDate',
  'name',
  'email',
  'phone',
  'interpreterLanguage',
  'concern',
  'consent',
];

const ERRORS = {
  name: message((t) => t('appointments:details.errors.name')),
  nameTooLong: message((t) => t('appointments:details.errors.nameTooLong')),
  nameInvalid: message((t) => t('appointments:details.errors.nameInvalid')),
  email: message((t) => t('appointments:details.errors.email')),
  emailInvalid: message((t) => t('appointments:details.errors.emailInvalid')),
  phone: message((t) => t('appointments:details.errors.phone')),
  interpreterLanguage: message((t) => t('appointments:details.errors.interpreterLanguage')),
  concernTooLong: message((t) => t('appointments:details.errors.concernTooLong')),
  concernInvalid: message((t) => t('appointments:details.errors.concernInvalid')),
  consent: message((t) => t('appointments:details.errors.consent')),
  channel: message((t) => t('appointments:details.errors.channel')),
  birthDate: message((t) => t('appointments:details.errors.birthDate')),
  birthDateInvalid: message((t) => t('appointments:details.errors.birthDateInvalid')),
};

const NAME_MESSAGES: Record<TextProblem, Message> = {
  missing: ERRORS.name,
  tooLong: ERRORS.nameTooLong,
  invalid: ERRORS.nameInvalid,
};
/** The concern is optional: nothing in it is never its problem. */
const CONCERN_MESSAGES: Record<TextProblem, Message> = {
  missing: ERRORS.concernInvalid,
  tooLong: ERRORS.concernTooLong,
  invalid: ERRORS.concernInvalid,
};

type Conflict = { kind: 'taken'; alternatives: Slot[] } | { kind: 'unavailable' } | { kind: 'gone' } | null;

interface DetailsStepProps {
  /** A citizen books for themselves (e-mail and consent required); a clerk for a caller. */
  mode: 'citizen' | 'staff';
  value: Details;
  onChange: (value: Details) => void;
  timeZone: string;
  /** What the chosen services offer (issue 16): a choice when both. */
  channels: Channel[];
  /** The channel that holds now: chosen, or the only one offered. */
  channel: Channel | null;
  /** Where on-site appointments take place. */
  onsiteLocation: LocalizedText | null;
  /** What was chosen so far, shown above the form. */
  summary: ReactNode;
  documents: LocalizedText[];
  onBack: () => void;
  /** Sends the booking; rejects with the API's error. */
  onSubmit: () => Promise<void>;
  /** A free slot offered after the chosen one was taken. */
  onPickAlternative: (slot: Slot) => void;
  /** The slot kept through a reload is no longer free: said at once, with the way back to pick another. */
  slotGone?: boolean;
  /**
   * The office's contact and page, shown to a citizen refused at the booking limit (the refusal
   * says to contact the office). Left out for clerks, who are the office.
   */
  office?: { contact: Contact; tenantSlug: string; departmentSlug: string };
}

/** Step 3: who comes, how to reach them, the documents to bring, and the binding booking. */
export function DetailsStep({
  mode,
  value,
  onChange,
  timeZone,
  channels,
  channel,
  onsiteLocation,
  summary,
  documents,
  onBack,
  onSubmit,
  onPickAlternative,
  slotGone = false,
  office,
}: DetailsStepProps) {
  const { t } = useTranslation('appointments');
  const localize = useLocalize();
  const location = onsiteLocation ? localize(onsiteLocation) : null;
  const slotName = useSlotName(timeZone);
  const id = useId();
  const fields = useFieldErrors(FIELD_ORDER);
  const { setErrors } = fields;
  const [failure, setFailure] = useState<Message | null>(null);
  const [conflict, setConflict] = useState<Conflict>(null);
  /** The alternative slot taken instead (its start), announced until the next submit. */
  const [picked, setPicked] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  /** Refused at the per-address booking limit: the office's contact shows below the refusal. */
  const [limitReached, setLimitReached] = useState(false);
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

  // Said once the check of the slot kept through a reload comes back (state adjusted in render).
  const [goneSaid, setGoneSaid] = useState(false);
  if (slotGone !== goneSaid) {
    setGoneSaid(slotGone);
    if (slotGone) {
      setConflict({ kind: 'gone' });
      focusOn('conflict');
    }
  }

  const set = <K extends keyof Details>(key: K, next: Details[K]) => {
    onChange({ ...value, [key]: next });
  };

  const validate = (): FieldErrors<FieldName> => {
    const found: FieldErrors<FieldName> = {};
    // The server's own rules (shared person-name.ts, plainText), so its refusal has words here.
    const nameIssue = nameProblem(value.name, { max: 80, required: true });
    if (nameIssue) found.name = NAME_MESSAGES[nameIssue];
    const email = value.email.trim();
    if (mode === 'citizen' && !email) found.email = ERRORS.email;
    else if (email && (!EMAIL_PATTERN.test(email) || email.length > 254)) found.email = ERRORS.emailInvalid;
    const phone = value.phone.trim();
    if (phone && (!PHONE_PATTERN.test(phone) || phone.length > 40)) found.phone = ERRORS.phone;
    if (value.needsInterpreter && !value.interpreterLanguage) found.interpreterLanguage = ERRORS.interpreterLanguage;
    const concernIssue = freeTextProblem(value.concern, { max: 500, required: false });
    if (concernIssue) found.concern = CONCERN_MESSAGES[concernIssue];
    if (mode === 'citizen' && !value.consent) found.consent = ERRORS.consent;
    if (channels.length > 1 && !channel) found.channel = ERRORS.channel;
    if (channel === 'onsite') {
      const birthDate = birthDateOf(value);
      // Staff check callers in themselves: for them the date of birth may stay empty.
      if (!birthDate) {
        if (mode === 'citizen') found.birthDate = ERRORS.birthDate;
      } else if (!isPastBirthDate(birthDate)) found.birthDate = ERRORS.birthDateInvalid;
    }
    return found;
  };

  const showErrors = (fieldErrors: FieldErrors<FieldName>, formFailure: Message | null) => {
    setErrors(fieldErrors);
    setFailure(formFailure);
    focusOn('summary');
  };

  const describe = (error: ApiError): Message => {
    const retryAfter = error.extras.retryAfter;
    return error.code === 'rate_limited' && retryAfter
      ? message((tr) => tr('appointments:details.rateLimited', { count: Math.ceil(retryAfter / 60) }))
      : problemMessage(error);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting) return;
    setConflict(null);
    setPicked(null);
    setLimitReached(false);
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
        // A field with text in it that the server still refuses is invalid, not missing.
        const fieldErrors = fields.fromServer(error, (field) => {
          if (field === 'birthDate') return ERRORS.birthDateInvalid;
          if (field === 'name') return NAME_MESSAGES[refusedProblem(value.name, 80)];
          if (field === 'concern') return CONCERN_MESSAGES[refusedProblem(value.concern, 500)];
          if (field === 'email' && value.email.trim()) return ERRORS.emailInvalid;
          return ERRORS[field];
        });
        showErrors(fieldErrors, Object.keys(fieldErrors).length > 0 ? null : describe(error));
      } else {
        setLimitReached(error.code === 'booking_limit_reached');
        showErrors({}, describe(error));
      }
    }
  };

  return (
    <form noValidate onSubmit={(event) => void submit(event)} aria-label={t('details.formLabel')}>
      <div className="booking-summary" data-testid="booking-summary">
        {summary}
      </div>
      {picked && (
        <p ref={pickedRef} tabIndex={-1} className="notice notice--info" data-testid="alternative-picked">
          {t('details.alternativePicked', { slot: slotName(picked) })}
        </p>
      )}

      {conflict && (
        <div ref={conflictRef} tabIndex={-1} className="panel panel--notice" data-testid="slot-conflict">
          {conflict.kind === 'taken' ? (
            <>
              <p>{t('details.taken')}</p>
              {conflict.alternatives.length > 0 ? (
                <AlternativeSlots
                  slots={conflict.alternatives}
                  timeZone={timeZone}
                  listTestId="alternatives"
                  onPick={(slot) => {
                    onPickAlternative(slot);
                    setConflict(null);
                    setPicked(slot.startsAt);
                    focusOn('picked');
                  }}
                />
              ) : (
                <p>{t('details.noAlternatives')}</p>
              )}
            </>
          ) : (
            <p>{t(conflict.kind === 'gone' ? 'details.gone' : 'details.unavailable')}</p>
          )}
          <button type="button" className="button button--secondary" onClick={onBack}>
            {t('details.otherSlot')}
          </button>
        </div>
      )}

      <ErrorSummary
        ref={summaryRef}
        fields={fields}
        failure={failure}
        failureTestId="booking-failure"
        title={t('details.errorSummary')}
        titleElement="p"
      />
      {limitReached && office && <OfficeContact {...office} />}

      {channels.length > 1 && (
        <fieldset
          className="field"
          id={fields.fieldId('channel')}
          aria-describedby={fields.describedBy('channel', `${id}-channel-hint`)}
          data-testid="channel-choice"
        >
          <legend>{mode === 'citizen' ? t('details.channel') : t('details.channelStaff')}</legend>
          <p id={`${id}-channel-hint`} className="field__hint">
            {t('details.channelHint')}
          </p>
          {fields.fieldError('channel')}
          {channels.map((option) => (
            <label key={option} className="choice">
              <input
                type="radio"
                name={`${id}-channel`}
                value={option}
                checked={value.channel === option}
                onChange={() => {
                  set('channel', option);
                }}
              />{' '}
              {t(`details.channelOption.${option}`)}
            </label>
          ))}
        </fieldset>
      )}
      {channel === 'onsite' && (
        <>
          {location && (
            <p className="notice notice--info" data-testid="onsite-where">
              {t('details.onsiteWhere')}{' '}
              <span lang={location.lang} className="onsite-location">
                {location.text}
              </span>
            </p>
          )}
          <fieldset
            className="field"
            aria-describedby={fields.describedBy('birthDate', `${id}-birth-hint`)}
            data-testid="birth-date"
          >
            <legend>{mode === 'citizen' ? t('details.birthDate') : t('details.birthDateStaff')}</legend>
            <p id={`${id}-birth-hint`} className="field__hint">
              {mode === 'citizen' ? t('details.birthDateHint') : t('details.birthDateHintStaff')}
            </p>
            {fields.fieldError('birthDate')}
            <div className="birth-date">
              {(
                [
                  ['birthDay', 'day', 2, 'bday-day'],
                  ['birthMonth', 'month', 2, 'bday-month'],
                  ['birthYear', 'year', 4, 'bday-year'],
                ] as const
              ).map(([key, part, length, autoComplete]) => (
                <div key={key} className="field">
                  <label htmlFor={key === 'birthDay' ? fields.fieldId('birthDate') : `${id}-${part}`}>
                    {t(`details.birthDatePart.${part}`)}
                  </label>
                  <input
                    id={key === 'birthDay' ? fields.fieldId('birthDate') : `${id}-${part}`}
                    className={part === 'year' ? 'birth-date__year' : undefined}
                    type="text"
                    inputMode="numeric"
                    pattern="[0-9]*"
                    maxLength={length}
                    autoComplete={mode === 'citizen' ? autoComplete : 'off'}
                    aria-invalid={fields.invalid('birthDate')}
                    value={value[key]}
                    onChange={(event) => {
                      set(key, event.target.value.replace(/\D/g, ''));
                    }}
                  />
                </div>
              ))}
            </div>
          </fieldset>
        </>
      )}

      <Field fields={fields} field="name" label={t('details.name')}>
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete={mode === 'citizen' ? 'name' : 'off'}
            maxLength={80}
            value={value.name}
            onChange={(event) => {
              set('name', event.target.value);
            }}
          />
        )}
      </Field>

      <Field
        fields={fields}
        field="email"
        label={mode === 'citizen' ? t('details.email') : t('details.emailOptional')}
        hint={mode === 'citizen' ? t('details.emailHint') : t('details.emailHintStaff')}
      >
        {(control) => (
          <input
            {...control}
            type="email"
            autoComplete={mode === 'citizen' ? 'email' : 'off'}
            maxLength={254}
            value={value.email}
            onChange={(event) => {
              set('email', event.target.value);
            }}
          />
        )}
      </Field>

      <Field fields={fields} field="phone" label={t('details.phone')} hint={t('details.phoneHint')}>
        {(control) => (
          <input
            {...control}
            type="tel"
            autoComplete={mode === 'citizen' ? 'tel' : 'off'}
            maxLength={40}
            value={value.phone}
            onChange={(event) => {
              set('phone', event.target.value);
            }}
          />
        )}
      </Field>

      <LanguageFields
        value={value}
        onChange={(change) => {
          onChange({ ...value, ...change });
        }}
        fields={fields}
        labels={{
          language: t('details.language'),
          needInterpreter: mode === 'citizen' ? t('details.needInterpreter') : t('details.needInterpreterStaff'),
          interpreterLanguage: t('details.interpreterLanguage'),
          choose: t('details.choose'),
        }}
      />

      <Field fields={fields} field="concern" label={t('details.concern')} hint={t('details.concernHint')}>
        {(control) => (
          <textarea
            {...control}
            rows={3}
            maxLength={500}
            value={value.concern}
            onChange={(event) => {
              set('concern', event.target.value);
            }}
          />
        )}
      </Field>

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
        <PrivacyConsent
          fields={fields}
          field="consent"
          summary={t('details.privacySummary')}
          points={[
            t('details.privacyStored'),
            t('details.privacyWhy'),
            t('details.privacyDeleted'),
            t('details.privacyNoRecording'),
          ]}
          label={t('details.consent')}
          checked={value.consent}
          onChange={(checked) => {
            set('consent', checked);
          }}
        />
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

/** How to reach the office instead of booking online, for a citizen at the booking limit. */
function OfficeContact({ contact, tenantSlug, departmentSlug }: NonNullable<DetailsStepProps['office']>) {
  const { t } = useTranslation('appointments');
  const way = officeContactWay(contact);
  return (
    <div className="panel panel--notice" data-testid="booking-limit-contact">
      {way.kind === 'phone' && (
        <>
          <p>
            {t('details.limitPhone')} <a href={way.tel}>{way.phone}</a>
          </p>
          {way.email && (
            <p>
              {t('details.limitAlsoEmail')} <a href={`mailto:${way.email}`}>{way.email}</a>
            </p>
          )}
        </>
      )}
      {way.kind === 'email' && (
        <p>
          {t('details.limitEmail')} <a href={`mailto:${way.email}`}>{way.email}</a>
        </p>
      )}
      {way.kind === 'none' && <p>{t('details.limitNoContact')}</p>}
      <p>
        <Link to={pagePath('department', { tenant: tenantSlug, department: departmentSlug })}>
          {t('details.limitOfficePage')}
        </Link>
      </p>
    </div>
  );
}
