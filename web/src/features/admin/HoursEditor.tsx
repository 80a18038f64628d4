import { openingHoursProblems, WEEKDAY_KEYS, type OpeningHours, type WeekdayKey } from '@amtsraum/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { message, type Message } from '../../lib/message';
import { useKeptDraft } from '../../ui/useLeaveGuard';
import { FormSummary, SavedStatus, useAdminForm } from './useAdminForm';

type Time = 'from' | 'to';
// The server names a day's problem by its path (`openingHours.mon`); the form's own check names
// the time itself (`openingHours.mon.1.to`).
const dayField = (day: WeekdayKey) => `openingHours.${day}`;
const timeField = (day: WeekdayKey, index: number, time: Time) => `openingHours.${day}.${String(index)}.${time}`;

/** The form's own check (openingHoursProblems, the server's rule too), for the times `shown`. */
function problemsOf(hours: OpeningHours, shown: (field: string) => boolean): Record<string, Message> {
  const found: Record<string, Message> = {};
  for (const { day, index, time, problem, other } of openingHoursProblems(hours)) {
    const field = timeField(day, index, time);
    if (!shown(field) || found[field]) continue;
    found[field] = message((tr) => tr(`admin:hours.problems.${problem}`, { n: (other ?? 0) + 1 }));
  }
  return found;
}

/**
 * Opening hours per weekday, each day with any number of ranges (up to six), entered with time
 * inputs. An empty time, an end before its start or an overlap is said at the time concerned
 * when the admin leaves it, and again as they type or save (openingHoursProblems, the same rule
 * as the server's AdminOpeningHoursSchema, which still refuses them with the day named).
 */
export function HoursEditor({
  hours,
  onSave,
}: {
  hours: OpeningHours;
  onSave: (hours: OpeningHours) => Promise<unknown>;
}) {
  const { t } = useTranslation('admin');
  const [draft, setDraft] = useState<OpeningHours>(hours);
  const form = useAdminForm<string>(
    WEEKDAY_KEYS.flatMap((day) => [
      dayField(day),
      ...draft[day].flatMap((_, index) => [timeField(day, index, 'from'), timeField(day, index, 'to')]),
    ]),
  );
  const { fields } = form;
  // The times the admin has left (checked from then on as they type), and whether they saved.
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const restored = useKeptDraft('hours', form.unsaved, draft, (kept) => {
    setDraft(kept);
    form.edited();
  });
  const recheck = (next: OpeningHours, seen: ReadonlySet<string>) => {
    if (submitted || seen.size > 0) fields.setErrors(problemsOf(next, (field) => submitted || seen.has(field)));
  };
  const setDay = (day: WeekdayKey, ranges: OpeningHours[WeekdayKey], seen = touched) => {
    const next = { ...draft, [day]: ranges };
    setDraft(next);
    form.edited();
    recheck(next, seen);
  };
  const leave = (field: string) => {
    const seen = new Set(touched).add(field);
    setTouched(seen);
    recheck(draft, seen);
  };
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
    setSubmitted(true);
    const problems = problemsOf(draft, () => true);
    if (Object.keys(problems).length > 0) {
      form.reject(problems);
      return;
    }
    await form.run(
      () => onSave(draft),
      message((tr) => tr('admin:form.saved')),
    );
  };

  // A time's own problem, and its day's as the server named it.
  const describedBy = (day: WeekdayKey, index: number, time: Time) =>
    [fields.describedBy(timeField(day, index, time)), fields.describedBy(dayField(day))].filter(Boolean).join(' ') ||
    undefined;

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
      {restored}
      {WEEKDAY_KEYS.map((day) => {
        const dayName = t(`hours.days.${day}`);
        const ranges = draft[day];
        return (
          <fieldset
            key={day}
            className="hours-day admin-fieldset"
            id={fields.fieldId(dayField(day))}
            data-testid={`hours-${day}`}
          >
            <legend>{dayName}</legend>
            {fields.fieldError(dayField(day))}
            {ranges.length === 0 && <p className="muted">{t('hours.closed')}</p>}
            {ranges.map((range, index) => (
              <div className="hours-range" key={index}>
                <div>
                  <label htmlFor={fields.fieldId(timeField(day, index, 'from'))}>
                    {t('hours.from', { n: index + 1 })}
                  </label>
                  {fields.fieldError(timeField(day, index, 'from'))}
                  <input
                    id={fields.fieldId(timeField(day, index, 'from'))}
                    type="time"
                    value={range.from}
                    aria-invalid={fields.invalid(timeField(day, index, 'from')) ?? fields.invalid(dayField(day))}
                    aria-describedby={describedBy(day, index, 'from')}
                    onBlur={() => leave(timeField(day, index, 'from'))}
                    onChange={(e) =>
                      setDay(
                        day,
                        ranges.map((r, i) => (i === index ? { ...r, from: e.target.value } : r)),
                      )
                    }
                  />
                </div>
                <div>
                  <label htmlFor={fields.fieldId(timeField(day, index, 'to'))}>{t('hours.to', { n: index + 1 })}</label>
                  {fields.fieldError(timeField(day, index, 'to'))}
                  <input
                    id={fields.fieldId(timeField(day, index, 'to'))}
                    type="time"
                    value={range.to}
                    aria-invalid={fields.invalid(timeField(day, index, 'to')) ?? fields.invalid(dayField(day))}
                    aria-describedby={describedBy(day, index, 'to')}
                    onBlur={() => leave(timeField(day, index, 'to'))}
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
                    // The day's later times move up a place: what was left of them is forgotten.
                    const seen = new Set([...touched].filter((field) => !field.startsWith(`${dayField(day)}.`)));
                    setTouched(seen);
                    setDay(
                      day,
                      ranges.filter((_, i) => i !== index),
                      seen,
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
                  focusNext.current = fields.fieldId(timeField(day, ranges.length, 'from'));
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
