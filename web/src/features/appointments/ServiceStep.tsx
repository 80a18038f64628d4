import type { BookableService } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocalize } from '../../lib/useLocalize';
import { durationOf } from './booking-rules';

export interface ServiceChoice {
  services: string[];
  persons: number;
}

interface ServiceStepProps {
  services: BookableService[];
  maxPersons: number;
  value: ServiceChoice;
  onChange: (value: ServiceChoice) => void;
  onNext: () => void;
}

/** Step 1: which services, for how many persons, and how long that takes. */
export function ServiceStep({ services, maxPersons, value, onChange, onNext }: ServiceStepProps) {
  const { t } = useTranslation('appointments');
  const localize = useLocalize();
  const id = useId();
  const [error, setError] = useState<'none' | null>(null);
  const firstRef = useRef<HTMLInputElement>(null);
  const chosen = services.filter((service) => value.services.includes(service.slug));
  const minutes = durationOf(chosen, value.persons);
  // A service may allow fewer persons than the department (issue 15, services.maxPersons).
  const personLimit = Math.min(maxPersons, ...chosen.map((service) => service.maxPersons ?? Infinity));
  useEffect(() => {
    if (value.persons > personLimit) onChange({ ...value, persons: personLimit });
  }, [personLimit, value, onChange]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.services.length === 0) {
      setError('none');
      firstRef.current?.focus();
      return;
    }
    setError(null);
    onNext();
  };

  const toggle = (slug: string, on: boolean) => {
    setError(null);
    const next = on ? [...value.services, slug] : value.services.filter((candidate) => candidate !== slug);
    // Keep the page's order, so the same choice always asks the server the same question.
    onChange({ ...value, services: services.map((s) => s.slug).filter((s) => next.includes(s)) });
  };

  return (
    <form noValidate onSubmit={submit} aria-labelledby={`${id}-legend`}>
      <fieldset className="field service-choice" aria-describedby={error ? `${id}-error` : undefined}>
        <legend id={`${id}-legend`}>{t('services.legend')}</legend>
        {error && (
          <p id={`${id}-error`} className="field__error" role="alert">
            {t('services.errorNone')}
          </p>
        )}
        {services.map((service, index) => {
          const name = localize(service.name);
          const description = service.description ? localize(service.description) : null;
          return (
            <div key={service.slug} className="service-choice__option">
              <label className="choice">
                <input
                  ref={index === 0 ? firstRef : undefined}
                  type="checkbox"
                  value={service.slug}
                  checked={value.services.includes(service.slug)}
                  aria-describedby={`${id}-${service.slug}-meta`}
                  onChange={(event) => {
                    toggle(service.slug, event.target.checked);
                  }}
                />
                <span lang={name.lang}>{name.text}</span>
              </label>
              <p id={`${id}-${service.slug}-meta`} className="field__hint service-choice__meta">
                {description && <span lang={description.lang}>{description.text} </span>}
                {t('services.duration', { count: service.durationMinutes })}
                {service.extraMinutesPerPerson > 0 &&
                  ` ${t('services.extraPerPerson', { count: service.extraMinutesPerPerson })}`}
                {` ${t(`services.kind.${service.channels ?? 'video'}`)}`}
              </p>
              {service.onlineUrl && (
                <p className="field__hint">
                  <a href={service.onlineUrl} rel="noopener noreferrer" data-testid="online-link">
                    {t('services.onlineApply')}
                    <span className="visually-hidden"> ({name.text})</span>
                  </a>
                </p>
              )}
            </div>
          );
        })}
      </fieldset>

      {personLimit > 1 && (
        <div className="field">
          <label htmlFor={`${id}-persons`}>{t('services.persons')}</label>
          <p id={`${id}-persons-hint`} className="field__hint">
            {t('services.personsHint')}
          </p>
          <select
            id={`${id}-persons`}
            className="select--narrow"
            value={value.persons}
            aria-describedby={`${id}-persons-hint`}
            onChange={(event) => {
              onChange({ ...value, persons: Number(event.target.value) });
            }}
          >
            {Array.from({ length: personLimit }, (_, index) => index + 1).map((count) => (
              <option key={count} value={count}>
                {count}
              </option>
            ))}
          </select>
        </div>
      )}

      <p className="booking-duration" aria-live="polite" data-testid="booking-duration">
        {chosen.length === 0 ? t('services.durationNone') : t('services.total', { count: minutes })}
      </p>

      <div className="button-row">
        <button type="submit" className="button">
          {t('steps.next')}
        </button>
      </div>
    </form>
  );
}
