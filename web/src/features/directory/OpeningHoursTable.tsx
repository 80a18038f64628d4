import { WEEKDAY_KEYS, type OpeningHours } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { weekdayKeyAt, weekdayName } from '../../ui/format';

interface OpeningHoursTableProps {
  hours: OpeningHours;
  timeZone: string;
  /** The id of the heading that names the table. */
  labelledBy: string;
}

/** Every weekday, Monday first, with its intervals in the tenant's wall-clock time. */
export function OpeningHoursTable({ hours, timeZone, labelledBy }: OpeningHoursTableProps) {
  const { t, i18n } = useTranslation('directory');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const today = weekdayKeyAt(new Date(), timeZone);

  return (
    <table className="hours-table" aria-labelledby={labelledBy} data-testid="opening-hours">
      <thead>
        <tr>
          <th scope="col">{t('department.weekday')}</th>
          <th scope="col">{t('department.hours')}</th>
        </tr>
      </thead>
      <tbody>
        {WEEKDAY_KEYS.map((key) => {
          const intervals = [...hours[key]].sort((a, b) => a.from.localeCompare(b.from));
          const isToday = key === today;
          return (
            <tr key={key} className={isToday ? 'is-today' : undefined} aria-current={isToday ? 'date' : undefined}>
              <th scope="row">
                {weekdayName(key, locale)}
                {isToday && <span className="today-tag"> ({t('department.today')})</span>}
              </th>
              <td>
                {intervals.length === 0
                  ? t('department.closedDay')
                  : intervals.map((interval) => (
                      <span key={interval.from} className="interval">
                        {t('department.interval', { from: interval.from, to: interval.to })}
                      </span>
                    ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
