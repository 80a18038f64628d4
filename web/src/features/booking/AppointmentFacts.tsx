import type { CitizenAppointment } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { formatClock } from '../directory/format';
import { useLocalize } from '../directory/useLocalize';
import { ZoneNote } from '../directory/ZoneNote';
import { useLanguageName } from '../knock/LanguageOptions';
import { formatLongDate } from './time';

/** Date and time (in the municipality's zone), office, services, persons and language of an appointment. */
export function AppointmentFacts({ appointment }: { appointment: CitizenAppointment }) {
  const { t, i18n } = useTranslation('booking');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const localize = useLocalize();
  const languageName = useLanguageName();
  const start = new Date(appointment.startsAt);
  const end = new Date(appointment.endsAt);
  const department = localize(appointment.departmentName);

  return (
    <>
      <dl className="facts" data-testid="appointment-facts">
        <div>
          <dt>{t('summary.when')}</dt>
          <dd data-testid="appointment-when">
            {t('summary.whenRange', {
              date: formatLongDate(start, locale, appointment.timeZone),
              time: formatClock(start, locale, appointment.timeZone),
              end: formatClock(end, locale, appointment.timeZone),
            })}
          </dd>
        </div>
        <div>
          <dt>{t('summary.office')}</dt>
          <dd>
            <span lang={department.lang}>{department.text}</span>, {appointment.tenantName}
          </dd>
        </div>
        <div>
          <dt>{t('summary.services')}</dt>
          <dd>
            {appointment.services.map((service, position) => {
              const name = localize(service.name);
              return (
                <span key={service.slug} lang={name.lang}>
                  {position > 0 && ', '}
                  {name.text}
                </span>
              );
            })}
          </dd>
        </div>
        <div>
          <dt>{t('summary.persons')}</dt>
          <dd>{appointment.persons}</dd>
        </div>
        <div>
          <dt>{t('summary.name')}</dt>
          <dd>{appointment.name}</dd>
        </div>
        <div>
          <dt>{t('summary.language')}</dt>
          <dd>
            {languageName(appointment.language)}
            {appointment.interpreterLanguage &&
              `; ${t('summary.interpreter', { language: languageName(appointment.interpreterLanguage) })}`}
          </dd>
        </div>
      </dl>
      <ZoneNote timeZone={appointment.timeZone} />
    </>
  );
}
