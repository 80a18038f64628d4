import { WEEKDAY_KEYS, type OpeningHours, type WeekdayKey } from '@amtsraum/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { message } from '../../lib/message';
import { FormSummary, SavedStatus, useAdminForm } from './useAdminForm';

// The server names a day's problem by its path (`openingHours.mon`).
const HOURS_FIELDS = WEEKDAY_KEYS.map((day) => `openingHours.${day}` as const);

/**
 * Opening hours per weekday, each day with any number of ranges (up to six), entered with time
 * inputs; overlaps are refused by the server with the day named (AdminOpeningHoursSchema).
 */
export function HoursEditor({
  hours,
  onSave,
}: {
  hours: OpeningHours;
  onSave: (hours: OpeningHours) => Promise<unknown>;
}) {
  const { t } = useTranslation('admin');
  const form = useAdminForm(HOURS_FIELDS);
  const { fields } = form;
  const [draft, setDraft] = useState<OpeningHours>(hours);
  const setDay = (day: WeekdayKey, ranges: OpeningHours[WeekdayKey]) => setDraft((d) => ({ ...d, [day]: ranges }));
  // A removed range takes its button with it, and a new one wants typing: the focus moves on
  // (to the day's "add", or to the new range's first time) instead of falling to the page's start.
  const focusNext = useRef<string | null>(null);
  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = null;
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await form.run(
      () =>
        onSave({
          ...draft,
          ...Object.fromEntries(WEEKDAY_KEYS.map((d) => [d, draft[d].filter((r) => r.from && r.to)])),
        }),
      message((tr) => tr('admin:form.saved')),
    );
  };

  return (
    <form
      className="panel"
      noValidate
      onSubmit={(e) => void submit(e)}
      data-testid="hours-editor"
      aria-labelledby="hours-heading"
    >
      <h2 id="hours-heading">{t('hours.heading')}</h2>
      <p>{t('hours.intro')}</p>
      <FormSummary form={form} />
      {WEEKDAY_KEYS.map((day) => {
        const dayName = t(`hours.days.${day}`);
        const ranges = draft[day];
        return (
          <fieldset
            key={day}
            className="hours-day admin-fieldset"
            id={fields.fieldId(`openingHours.${day}`)}
            data-testid={`hours-${day}`}
          >
            <legend>{dayName}</legend>
            {fields.fieldError(`openingHours.${day}`)}
            {ranges.length === 0 && <p className="muted">{t('hours.closed')}</p>}
            {ranges.map((range, index) => (
              <div className="hours-range" key={index}>
                <div>
                  <label htmlFor={`hours-${day}-${index}-from`}>{t('hours.from', { n: index + 1 })}</label>
                  <input
                    id={`hours-${day}-${index}-from`}
                    type="time"
                    value={range.from}
                    aria-invalid={fields.invalid(`openingHours.${day}`)}
                    onChange={(e) =>
                      setDay(
                        day,
                        ranges.map((r, i) => (i === index ? { ...r, from: e.target.value } : r)),
                      )
                    }
                  />
                </div>
                <div>
                  <label htmlFor={`hours-${day}-${index}-to`}>{t('hours.to', { n: index + 1 })}</label>
                  <input
                    id={`hours-${day}-${index}-to`}
                    type="time"
                    value={range.to}
                    aria-invalid={fields.invalid(`openingHours.${day}`)}
                    onChange={(e) =>
                      setDay(
                        day,
                        ranges.map((r, i) => (i === index ? { ...r, to: e.target.value } : r)),
                      )
                    }
                  />
                </div>
                <button
                  type="button"
                  className="button button--secondary"
                  aria-label={t('hours.removeLabel', { day: dayName, n: index + 1 })}
                  onClick={() => {
                    focusNext.current = `hours-${day}-add`;
                    setDay(
                      day,
                      ranges.filter((_, i) => i !== index),
                    );
                  }}
                >
                  {t('hours.remove')}
                </button>
              </div>
            ))}
            {ranges.length < 6 && (
              <button
                type="button"
                className="button"
                id={`hours-${day}-add`}
                aria-label={t('hours.addLabel', { day: dayName })}
                onClick={() => {
                  focusNext.current = `hours-${day}-${String(ranges.length)}-from`;
                  const last = ranges.at(-1);
                  setDay(day, [...ranges, last ? { from: last.to, to: last.to } : { from: '08:00', to: '12:00' }]);
                }}
              >
                {t('hours.add')}
              </button>
            )}
          </fieldset>
        );
      })}
      <button type="submit" className="button button--primary" aria-disabled={form.busy || undefined}>
        {t('hours.save')}
      </button>
      <SavedStatus form={form} testId="hours-saved" />
    </form>
  );
}
