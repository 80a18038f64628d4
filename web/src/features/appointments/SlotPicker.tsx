import type { Slot, SlotsResponse } from '@amtsraum/shared';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dateOf, shiftDate, todayIn } from '../../lib/calendar';
import { useLocalize } from '../../lib/useLocalize';
import { formatCivilDate, formatClock, formatShortCivilDate } from '../../ui/format';
import { ZoneNote } from '../../ui/ZoneNote';
import { useSlots } from './api';
import { serverNow } from './server-clock';
import { useSlotName } from './useSlotName';
import './booking.css';

const WEEK = 7;

export interface SlotPickerProps {
  tenantSlug: string;
  departmentSlug: string;
  timeZone: string;
  services: string[];
  persons: number;
  /** The slot chosen before (coming back to this step): its week is shown and it is marked. */
  chosen?: string | null;
  onChoose: (slot: Slot) => void;
  /** Level of the day heading inside the picker, one below the step's heading. */
  headingLevel?: 3 | 4;
  /** While the choice is being sent: slot buttons do nothing. */
  busy?: boolean;
}

/**
 * Free slots of a week, a day at a time: a row of day buttons, then the day's times as real
 * buttons whose names carry weekday, date and time (issue 6). Used for booking, rebooking and
 * by clerks.
 */
export function SlotPicker({
  tenantSlug,
  departmentSlug,
  timeZone,
  services,
  persons,
  chosen = null,
  onChoose,
  headingLevel = 3,
  busy = false,
}: SlotPickerProps) {
  const { t, i18n } = useTranslation('appointments');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const nameOf = useSlotName(timeZone);
  const localize = useLocalize();
  const id = useId();
  // The office's today (server-clock.ts): by a phone's clock a day ahead, today's times were hidden.
  const [today] = useState(() => todayIn(timeZone, new Date(serverNow())));
  const [view, setView] = useState<{ from: string; day: string | null }>(() => {
    const chosenDate = chosen ? dateOf(new Date(chosen), timeZone) : null;
    return chosenDate && chosenDate > today ? { from: chosenDate, day: chosenDate } : { from: today, day: null };
  });

  const state = useSlots(tenantSlug, departmentSlug, { services, persons, from: view.from, days: WEEK });

  const canEarlier = view.from > today;
  const data = state.status === 'success' ? state.data : null;
  const canLater = data ? data.nextFreeDate !== null : false;
  const weekEnd = shiftDate(view.from, WEEK - 1);
  const total = data ? data.days.reduce((sum, day) => sum + day.slots.length, 0) : 0;
  const selectedDay = data
    ? (data.days.find((day) => day.date === view.day) ??
      data.days.find((day) => day.slots.length > 0) ??
      data.days[0] ??
      null)
    : null;
  const Heading = headingLevel === 3 ? 'h3' : 'h4';

  // Why a day has no slot, in its button and below it (issue 13: "ausgebucht" said for everything).
  const dayWords = (day: SlotsResponse['days'][number]) => {
    const time = day.releasesAt ? formatClock(new Date(day.releasesAt), locale, timeZone) : '';
    switch (day.status) {
      case 'free':
        return { count: t('slots.dayFree', { count: day.slots.length }), text: '' };
      case 'closed':
        return { count: t('slots.dayClosed'), text: t('slots.dayEmptyClosed') };
      case 'not_released':
        return { count: t('slots.dayNotReleased', { time }), text: t('slots.dayEmptyNotReleased', { time }) };
      case 'not_same_day':
        return { count: t('slots.dayNotSameDay'), text: t('slots.dayEmptyNotSameDay') };
      case 'full':
        return { count: t('slots.dayNone'), text: t('slots.dayEmpty') };
      case 'none':
        return { count: t('slots.dayNoneLeft'), text: t('slots.dayEmptyNoneLeft') };
    }
  };

  // A closure's reason or a holiday's name, in the citizen's language (German where none is
  // written in theirs, marked with `lang`): words in the day's button and under its heading, so it
  // is read out and seen, not told by colour.
  const reasonOf = (day: SlotsResponse['days'][number]) => {
    const reason = day.status === 'closed' && day.reason ? localize(day.reason) : null;
    return (
      reason && (
        <span className="day-picker__reason" lang={reason.lang} data-testid="day-reason">
          {reason.text}
        </span>
      )
    );
  };

  const slotName = (slot: Slot) => {
    const name = nameOf(slot.startsAt);
    return slot.startsAt === chosen ? `${name}, ${t('slots.chosen')}` : name;
  };

  return (
    <div className="slot-picker" data-testid="slot-picker">
      <ZoneNote timeZone={timeZone} />
      <div className="button-row slot-picker__weeks">
        <button
          type="button"
          className="button button--secondary"
          aria-disabled={!canEarlier || undefined}
          onClick={() => {
            if (canEarlier) {
              const from = shiftDate(view.from, -WEEK);
              setView({ from: from < today ? today : from, day: null });
            }
          }}
        >
          {t('slots.earlier')}
        </button>
        <button
          type="button"
          className="button button--secondary"
          aria-disabled={!canLater || undefined}
          onClick={() => {
            if (canLater) setView({ from: shiftDate(view.from, WEEK), day: null });
          }}
        >
          {t('slots.later')}
        </button>
      </div>

      <p role="status" className="slot-picker__range" data-testid="slot-range">
        {state.status === 'loading'
          ? t('slots.loading')
          : t('slots.range', {
              from: formatShortCivilDate(view.from, locale),
              to: formatShortCivilDate(weekEnd, locale),
              count: total,
            })}
      </p>

      {state.status === 'error' && (
        <div className="notice notice--warning">
          <p>{t('slots.failed')}</p>
          <button type="button" className="button" onClick={state.reload}>
            {t('slots.retry')}
          </button>
        </div>
      )}

      {data && total === 0 && (
        <div className="panel panel--notice" data-testid="week-empty">
          <p>{t('slots.weekEmpty')}</p>
          {data.days
            .filter((day) => day.status === 'not_released')
            .map((day) => (
              <p key={day.date} data-testid="today-release">
                {dayWords(day).text}
              </p>
            ))}
          {data.nextFreeDate ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                if (data.nextFreeDate) setView({ from: data.nextFreeDate, day: data.nextFreeDate });
              }}
            >
              {t('slots.nextFree', { date: formatCivilDate(data.nextFreeDate, locale) })}
            </button>
          ) : (
            <p>{t('slots.noneAtAll')}</p>
          )}
        </div>
      )}

      {data && total > 0 && selectedDay && (
        <>
          <ul className="day-picker" aria-label={t('slots.daysLabel')}>
            {data.days.map((day) => (
              <li key={day.date}>
                <button
                  type="button"
                  className="day-picker__day"
                  aria-pressed={day.date === selectedDay.date}
                  aria-controls={`${id}-day`}
                  onClick={() => {
                    setView({ from: view.from, day: day.date });
                  }}
                >
                  <span className="day-picker__date">{formatShortCivilDate(day.date, locale)}</span>
                  <span className="day-picker__count" data-testid="day-status" data-status={day.status}>
                    {dayWords(day).count}
                  </span>
                  {reasonOf(day)}
                </button>
              </li>
            ))}
          </ul>

          <section id={`${id}-day`} aria-labelledby={`${id}-day-heading`} className="slot-day">
            <Heading id={`${id}-day-heading`}>{formatCivilDate(selectedDay.date, locale)}</Heading>
            {selectedDay.slots.length === 0 ? (
              <>
                {selectedDay.status === 'closed' && selectedDay.reason && (
                  <p>
                    {t('slots.closedReason')} {reasonOf(selectedDay)}
                  </p>
                )}
                <p data-testid="day-empty">{dayWords(selectedDay).text}</p>
              </>
            ) : (
              <ul className="slot-list" data-testid="slot-list">
                {selectedDay.slots.map((slot) => (
                  <li key={slot.startsAt}>
                    <button
                      type="button"
                      className={slot.startsAt === chosen ? 'slot slot--chosen' : 'slot'}
                      aria-label={slotName(slot)}
                      aria-disabled={busy || undefined}
                      data-starts-at={slot.startsAt}
                      onClick={() => {
                        if (!busy) onChoose(slot);
                      }}
                    >
                      {formatClock(new Date(slot.startsAt), locale, timeZone)}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}
